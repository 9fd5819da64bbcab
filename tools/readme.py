"""Run the README's examples for cog, so every output the manual shows is one the tool printed.

    cog -r README.md        # rewrite the outputs
    cog --check README.md   # exit 1 when the README is stale (tests/test_readme.py runs this)

A README block calls `sh(script, db=...)`. The script is a tiny shell transcript: `# …` lines are
comments and shown as written, `export NAME=VALUE` sets a variable for the lines after it (and is
shown, because a reader who types the walk-through needs it too), blank lines are kept, and every
`sqjg …` line is run in-process on the named database, its stdout and stderr printed under it.
A command must succeed unless its line carries the comment `# 拒绝…` (a refusal shown on purpose).
A pipeline after `sqjg …` (`| head`, `| python3 -c …`) runs in a real shell on what sqjg printed. Each database
lives in one temporary folder for the whole cog run, so a walk-through spread over several blocks
reads as one session; a name not seen before is a fresh, empty database.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_folder = Path(tempfile.mkdtemp(prefix="sqjg-readme-"))
atexit.register(shutil.rmtree, _folder, True)
_env: dict[str, dict[str, str]] = {}

# What every block starts from: a fixed office user and a fixed "today", the language the README
# is written in, and no settings of the machine the README happens to be built on.
BASE_ENV = {
    "SQJG_USER": "三创办",
    "SQJG_TODAY": "2026-07-31",
    "SQJG_LANG": None,
    "SQJG_RULES": None,
    "SQJG_KEY": None,
    "NO_COLOR": None,
    "LANG": "C.UTF-8",
}


def run(
    args: list[str], env: dict[str, str | None], terminal: int | None = None
) -> tuple[int, str]:
    """One sqjg command in-process: its exit code and what it printed (stdout, then stderr).

    With `terminal`, sqjg is told its output is a terminal that many columns wide (tables are
    fitted to it) and the pager is off, so the README can show what a person sees."""
    import typer.main
    import typer.testing

    from sqjg import clikit
    from sqjg.cli import app

    # Converting Typer's command tree is most of a call's time, and it never changes in a run.
    if not hasattr(typer.testing._get_command, "cache_info"):
        typer.testing._get_command = functools.cache(typer.main.get_command)
    from sqjg import render

    clikit.state.db = None
    real = render.on_terminal
    if terminal is not None:
        env = {**env, "SQJG_WIDTH": str(terminal), "PAGER": "cat"}
        render.on_terminal = lambda: True
    try:
        result = typer.testing.CliRunner().invoke(app, args, env=env, prog_name="sqjg")
    finally:
        render.on_terminal = real
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise RuntimeError(f"sqjg {shlex.join(args)} raised {result.exception!r}")
    return result.exit_code, result.stdout + result.stderr


def transcript(script: str, db: str = "walk", terminal: int | None = None) -> str:
    """The script's lines and outputs as a reader would see them in a terminal."""
    env = _env.setdefault(db, {})
    folder = _folder / db
    folder.mkdir(exist_ok=True)
    # `--rules data/examples/…` reads as from a checkout, as the example files' own usage lines
    if not (folder / "data").exists():
        (folder / "data").symlink_to(ROOT / "data")
    home_dir = _folder / "home"
    (home_dir / ".config").mkdir(parents=True, exist_ok=True)
    out: list[str] = []
    for line in script.strip("\n").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            out.append(line)
            continue
        if stripped.startswith("export "):
            name, _, value = stripped[len("export ") :].partition("=")
            # `~` is the reader's home, here the build's stand-in for it.
            env[name] = value.replace("~", str(home_dir), 1) if value.startswith("~") else value
            out.append(f"$ {stripped}")
            continue
        command, _, pipe = stripped.split("  #")[0].partition(" | ")
        words = shlex.split(command)
        if words[0] != "sqjg":
            raise ValueError(f"not a sqjg command: {line}")
        run_env: dict[str, str | None] = {
            **BASE_ENV,
            "HOME": str(home_dir),
            "XDG_CONFIG_HOME": str(home_dir / ".config"),
            **env,
        }
        run_env["SQJG_DB"] = str(folder / (run_env.get("SQJG_DB") or "sqjg.db"))
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            code, printed = run(words[1:], run_env, terminal)
        finally:
            os.chdir(cwd)
        # The reader's paths, not the build machine's temporary folder.
        printed = (
            printed.replace(str(home_dir), "~")
            .replace(str(folder) + os.sep, "")
            .replace(str(ROOT) + os.sep, "")
        )
        # A refusal shown on purpose says so in its comment; any other one is a broken example.
        if (code != 0) != ("# 拒绝" in stripped):
            raise RuntimeError(f"sqjg exited {code} on: {stripped}\n{printed}")
        if pipe:
            # The rest of the pipeline runs in a real shell, fed what sqjg printed.
            printed = subprocess.run(
                pipe, shell=True, input=printed, capture_output=True, text=True, check=True
            ).stdout
        printed = _FINGERPRINT.sub(_masked, printed)
        # What a terminal shows of bold headers is the text: the escape codes are left out.
        printed = re.sub(r"\x1b\[[0-9;]*m", "", printed)
        lines = printed.rstrip("\n").splitlines()
        out.append(f"$ {stripped}")
        out.extend(lines)
    return "\n".join(out)


# A chain head hashes rows that carry creation times and random uids, so the fingerprints differ in
# every database, this README's included: they are shown masked, an empty chain's zeros as printed.
_FINGERPRINT = re.compile(r"(?<=:)([0-9a-f]{12})(?=\s|$)")


def _masked(match: re.Match) -> str:
    return match.group(1) if set(match.group(1)) == {"0"} else "‹12位十六进制›"


def sh(script: str, db: str = "walk", terminal: int | None = None) -> None:
    """Write the transcript into the README as a fenced block (called from a cog block)."""
    import cog

    cog.outl("```")
    cog.outl(transcript(script, db, terminal))
    cog.outl("```")


def bench(path: str) -> None:
    """The table of one stored run of bench/run.py (its --json file), with the machine it ran on:
    the README shows a measurement, it never runs the benchmark (called from a cog block)."""
    import importlib.util
    import json

    import cog

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    run_py = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = run_py  # its dataclass looks its module up while it is made
    spec.loader.exec_module(run_py)
    data = json.loads((ROOT / path).read_text(encoding="utf-8"))
    rows = [run_py.Row(**r) for r in data["rows"]]
    cog.outl(run_py.table(rows))
    cog.outl("")
    runs = data["runs"]
    if data.get("mode") == "growth":
        cog.outl(
            f"Machine: {data['machine']}; today = {data['today']}; each command timed {runs}×"
            f" after a warm-up, one size after the other; the run took {data['took_s']} s"
            f" (`{path}`)."
        )
        return
    cog.outl(
        f"Machine: {data['machine']}; today = {data['today']}; the median of {runs} pairs run"
        f" in turn after a warm-up each; × today measured side by side with {data['base']};"
        f" the run took {data['took_s']} s (`{path}`)."
        if data.get("base")
        else f"Machine: {data['machine']}; today = {data['today']}; the median of {runs} pairs;"
        f" the run took {data['took_s']} s (`{path}`)."
    )
