"""The README is a manual whose outputs the tool printed: cog rewrites them, these tests keep it so."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from markdown_it import MarkdownIt

from sqjg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_cog_finds_the_readme_up_to_date():
    # A clean environment: the README is built the same way on every machine.
    env = {k: v for k, v in os.environ.items() if not k.startswith("SQJG_")}
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "-I", "tools", "README.md"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (
        "README.md is stale: run `cog -r -I tools README.md`\n" + done.stdout + done.stderr
    )


def _fences(text: str):
    return [t for t in MarkdownIt().parse(text) if t.type == "fence"]


def test_every_fence_is_closed():
    lines = README.read_text(encoding="utf-8").splitlines()
    for token in _fences("\n".join(lines)):
        start, end = token.map
        # An unclosed fence swallows the rest of the file: its last line is not a closing fence.
        assert lines[end - 1].strip().startswith(token.markup), (
            f"the fence opened on line {start + 1} is never closed"
        )
    headings = [line for line in lines if line.startswith("## ")]
    parsed = [
        t
        for t in MarkdownIt().parse("\n".join(lines))
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert len(parsed) == len(headings), "a section heading is inside a code block"


def test_the_fence_check_catches_an_unclosed_fence():
    text = "# a\n\n```cron\n0 1 * * * sqjg backup x\n\n## b\n\ntext\n"
    lines = text.splitlines()
    (token,) = _fences(text)
    assert not lines[token.map[1] - 1].strip().startswith("```")


def _shown_commands() -> list[tuple[int, str]]:
    """Every sqjg command line in the README's code blocks (typed ones, and those in cog scripts)."""
    found = []
    inside = False
    for number, line in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text.startswith("```"):
            inside = not inside
            continue
        # In a fence, or in the script of a cog block (whose output lands in a fence below it).
        if not inside and not text.startswith("sqjg "):
            continue
        if text.startswith("$ "):
            text = text[2:]
        # A cron line: the command after the schedule's five fields.
        cron = re.match(r"^(\S+\s+){5}(sqjg .*|m=.*)$", text)
        if cron:
            text = cron.group(2)
        for part in re.split(r"\s*(?:&&|;)\s*", text):
            # The command itself: no trailing comment, nothing it is piped into.
            command = part.split("  #")[0].split(" | ")[0].strip()
            if command.startswith("sqjg ") and "…" not in command:
                found.append((number, command))
    return found


COMMAND = typer.main.get_command(app)


def _parse(args: list[str]) -> None:
    """Parse a command line as Click would, without running it: unknown commands, options and
    choices, missing required options all raise."""
    ctx = COMMAND.make_context("sqjg", list(args))
    command, rest = COMMAND, _pending(ctx)
    while rest and hasattr(command, "resolve_command"):
        name, sub, rest = command.resolve_command(ctx, rest)
        ctx = sub.make_context(name, list(rest), parent=ctx)
        command, rest = sub, _pending(ctx) if hasattr(sub, "resolve_command") else []


def _pending(ctx) -> list[str]:
    """What a group left for its subcommand (the vendored Click keeps the name apart)."""
    return [*getattr(ctx, "_protected_args", []), *ctx.args]


def test_the_readme_shows_commands():
    assert len(_shown_commands()) > 80


@pytest.mark.parametrize(("line", "command"), _shown_commands())
def test_every_command_the_readme_shows_is_accepted(line, command):
    # Shell variables of the cron lines stand for a month and a year.
    command = command.replace("$m", "7").replace("$y", "2026")
    command = re.sub(r"\$\(date[^)]*\)", "2026-07-31", command)
    args = shlex.split(command)[1:]
    try:
        _parse(args)
    except typer.Exit as e:  # --help is shown while parsing: accepted
        assert e.exit_code == 0, f"README line {line}: `{command}` exits {e.exit_code}"
    except Exception as e:  # noqa: BLE001 - any refusal of the parser is the failure reported
        pytest.fail(f"README line {line}: `{command}` is not accepted: {e}")


def test_the_parser_check_refuses_what_sqjg_refuses():
    for bad in (["issue", "lst"], ["issue", "summary", "--by", "nowhere"], ["rank", "--bogus"]):
        with pytest.raises(Exception):  # noqa: B017 - Click's several usage errors
            _parse(bad)
