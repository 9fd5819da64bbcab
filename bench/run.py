"""The city-scale benchmark: the targets of the speed work, each as a ratio measured side by side.

    python bench/run.py                        # 1k, 6k and 7,950 communities (cities built once)
    python bench/run.py --size small           # smoke run on the demo city (a few seconds)
    python bench/run.py --base /tmp/base       # the previous release timed side by side too
    python bench/run.py --base /tmp/base --save-baseline   # … and its timings stored
    python bench/run.py --json out.json        # every measurement, for the README (cog)

Every operation runs as a subprocess, as a user or a cron job runs it (stdout to a file), with
`python -c` and PYTHONPATH naming the tree (this one, or --base, a checkout of the previous
release). A measured command and what it is compared with run in turn, A B A B …, after one
warm-up each (which gives the peak RSS, through /usr/bin/time), and the ratio is the median of the
pairs' ratios: on a shared machine the load falls on both alike, so ratios hold where absolute
times drift. Absolute medians are printed beside them.

The floors are bench/floor.py: plain-sqlite3 scripts computing the same figures on the previous
release's schema (checked equal to sqjg's JSON first), one-command Typer apps, raw executemany.
The previous release's own timings ("× today") are measured side by side with --base; without it
they come from bench/baseline-27138f1.json (measured side by side on this machine once), and say so.

Cities: bench/citygen.py's generated cities (1k = 1,000 communities / 100,000 issues, 6k = 6,000 /
1,000,000, 7950 = 7,950 / 1,325,000), cached under bench/out/; beside each, a copy on the previous
release's schema (the interval table dropped) for the floors and the previous release. Today is
2026-12-31 for every command, so `rank --month 7` reads July back from the year's histories.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))  # bench/ is not a package: citygen is found beside this file
import citygen  # noqa: E402

OUT = citygen.OUT
TODAY = citygen.TODAY.isoformat()
BASELINE = BENCH / "baseline-27138f1.json"
BASE_COMMIT = "27138f1"
SIZES = {"1k": (1_000, 100_000), "6k": (6_000, 1_000_000), "7950": (7_950, 1_325_000)}
BIG = "6k"
IMPORT_ROWS = 100_000
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
BOOT = "import sys; from sqjg.cli import main; sys.argv[0] = 'sqjg'; main()"
FLOOR = str(BENCH / "floor.py")


@dataclass
class Row:
    operation: str
    size: str
    seconds: float | None = None  # the measured command's median wall time
    against: str = ""  # what the ratio divides by
    against_seconds: float | None = None
    ratio: float | None = None  # median of the pairs' ratios
    target: str = ""
    limit: float | None = None
    result: str = "—"
    today: float | None = None  # × the previous release (median ratio)
    today_note: str = ""
    rss_mb: float | None = None
    extra: str = ""
    times: list[float] = field(default_factory=list)

    def judge(self, value: float | None = None) -> None:
        v = self.ratio if value is None else value
        if self.limit is not None and v is not None:
            self.result = "pass" if v <= self.limit else "miss"


def child_env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("SQJG_DB", "SQJG_RULES", "SQJG_LANG", "SQJG_WIDTH", "NO_COLOR"):
        env.pop(var, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(
        SQJG_TODAY=TODAY,
        SQJG_USER="bench",
        PYTHONPATH=str(tree),
        PYTHONPYCACHEPREFIX=str(OUT / "pycache"),
    )
    return env


class Tree:
    """A checkout of sqjg whose commands the benchmark runs."""

    def __init__(self, path: Path) -> None:
        self.path, self.env = path, child_env(path)

    def sqjg(self, *args: str) -> list[str]:
        return [sys.executable, "-c", BOOT, *args]


def run_once(cmd: list[str], env: dict, *, rss: bool = False) -> tuple[float, float | None]:
    """(wall seconds, peak RSS in MB if asked for) of one subprocess (stdout to a file)."""
    out_path, err_path, rss_path = OUT / "stdout.txt", OUT / "stderr.txt", OUT / "rss.txt"
    if rss and GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *cmd]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        code = subprocess.call(cmd, stdout=out, stderr=err, env=env, cwd=OUT)
        wall = time.perf_counter() - started
    if code != 0:
        sys.exit(
            f"failed ({code}): {' '.join(cmd)}\n{err_path.read_text(errors='replace')[-2000:]}"
        )
    peak = int(rss_path.read_text().split()[-1]) / 1024 if rss and GNU_TIME else None
    return wall, peak


# The smoke run (--size small) skips the warm-up runs: it checks that every row runs.
WARMUP = [1]


def pair(
    a: tuple[list[str], dict],
    b: tuple[list[str], dict],
    runs: int,
    prepare=None,
) -> tuple[list[float], list[float], float | None]:
    """A and B in turn after a warm-up each: (A's times, B's times, A's peak RSS)."""
    ta, tb, peak = [], [], None
    warm = WARMUP[0]
    for i in range(runs + warm):
        for which, (cmd, env) in enumerate((a, b)):
            if prepare:
                prepare()
            wall, rss = run_once(cmd, env, rss=i == 0 and which == 0)
            if i == 0 and which == 0:
                peak = rss
            if i >= warm:
                (ta if which == 0 else tb).append(wall)
    return ta, tb, peak


def median_ratio(ta: list[float], tb: list[float]) -> float:
    return statistics.median(x / y for x, y in zip(ta, tb))


# --- the cities --------------------------------------------------------------------------------


def to_previous_schema(src: Path, dest: Path) -> None:
    """A copy of `src` as the previous release's schema has it: without the interval table."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(src)
    conn.execute(f"VACUUM INTO '{tmp}'")
    conn.close()
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("BEGIN")
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'issue_states%'"
    ).fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE IF EXISTS issue_states")
    conn.execute("DELETE FROM migrations WHERE name = 'm008_issue_states'")
    conn.execute("PRAGMA user_version = 7")
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    os.replace(tmp, dest)


def cities(size: str, previous: bool = True) -> tuple[Path, Path]:
    """(this release's city, the same city on the previous release's schema)."""
    if size == "small":
        from sqjg.schema import LATEST

        # Keyed by the schema version: a demo built by an older tree would be refused as old.
        new = OUT / f"demo-v{LATEST}.db"
        if not new.exists():
            run_once(Tree(ROOT).sqjg("demo", "--db", str(new), "--force"), child_env(ROOT))
    else:
        new = citygen.cached_city(*{**SIZES, "tiny": (20, 1_000)}[size], quiet=size == "tiny")
    old = OUT / "previous" / new.name
    if previous and not old.exists():
        old.parent.mkdir(parents=True, exist_ok=True)
        to_previous_schema(new, old)
    return new, old


def scalar(db: Path, sql: str):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


# --- the rows ----------------------------------------------------------------------------------


def floor_check(db: Path) -> None:
    """The floors must compute what sqjg computes before their times mean anything."""
    done = subprocess.run(
        [sys.executable, FLOOR, "check", str(db)],
        env=child_env(ROOT),
        cwd=OUT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(
            f"bench/floor.py check {db}: the floors and sqjg differ:\n{done.stdout}{done.stderr}"
        )


def size_rows(
    size: str, tool: Tree, base: Tree | None, runs: int, baseline: dict
) -> tuple[list[Row], dict]:
    new, old = cities(size)
    floor_check(new)
    n_issues, n_entries = scalar(
        new, "SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM fund_entries)"
    )
    print(f"[{size}] {n_issues:,} issues: {new.name}", file=sys.stderr)
    # The co-construction unit with the most issues: `issue list --unit X --status overdue`.
    unit = scalar(
        new,
        "SELECT u.name FROM issues i JOIN units u ON u.id = i.unit_id WHERE u.kind = 'unit'"
        " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1",
    )[0]
    floor_env = child_env(ROOT)
    month = ("--year", "2026", "--month", "7")
    report = ("report", "monthly", *month)
    ops = {
        "rank": (tool.sqjg("rank", *month, "--db", str(new)), [sys.executable, FLOOR, "rank", str(old), *month]),
        "report text": (tool.sqjg(*report, "--format", "text", "--db", str(new)), [sys.executable, FLOOR, "report", str(old), *month]),
        "list": (tool.sqjg("issue", "list", "--unit", unit, "--status", "overdue", "--db", str(new)), [sys.executable, FLOOR, "list", str(old), "--unit", unit, "--today", TODAY]),
    }  # fmt: skip
    labels = {
        "rank": ("rank --month 7", "plain-sqlite3 floor", 1.2),
        "report text": ("report monthly --format text", "plain-sqlite3 floor", 1.5),
        "list": ("issue list --unit X --status overdue", "one-command Typer app", 1.3),
    }
    old_cmd = {
        "rank": ("rank", *month, "--db", str(old)),
        "report text": (*report, "--format", "text", "--db", str(old)),
        "list": ("issue", "list", "--unit", unit, "--status", "overdue", "--db", str(old)),
    }
    rows, medians = [], {}
    for key, (cmd, floor) in ops.items():
        label, against, limit = labels[key]
        ta, tb, peak = pair((cmd, tool.env), (floor, floor_env), runs)
        row = Row(label, size, statistics.median(ta), against, statistics.median(tb))
        row.ratio, row.limit, row.target, row.rss_mb, row.times = (
            median_ratio(ta, tb), limit, f"≤ {limit:g}× floor", peak, ta,
        )  # fmt: skip
        row.judge()
        medians[key] = row.seconds
        if base is not None:
            tt, tp, _p = pair((cmd, tool.env), (base.sqjg(*old_cmd[key]), base.env), runs)
            row.today, row.today_note = median_ratio(tt, tp), "side by side"
            baseline[f"{key}|{size}"] = statistics.median(tp)
        elif f"{key}|{size}" in baseline:
            row.today = row.seconds / baseline[f"{key}|{size}"]
            row.today_note = "stored"
        rows.append(row)
        print(f"  {label}: {row.seconds:.2f} s, {row.ratio:.2f}× floor", file=sys.stderr)
    # The other formats against the text report, in turn.
    text = ops["report text"][0]
    for fmt in ("json",) if size == "small" else ("json", "html", "xlsx"):
        dest = OUT / f"report.{fmt}"
        cmd = tool.sqjg(*report, "--format", fmt, "--db", str(new), "--output", str(dest))
        ta, tb, peak = pair((cmd, tool.env), (text, tool.env), runs)
        row = Row(f"report monthly --format {fmt}", size, statistics.median(ta), "the text report",
                  statistics.median(tb), median_ratio(ta, tb), "≤ 1.5× text", 1.5, rss_mb=peak)  # fmt: skip
        row.judge()
        medians[f"report {fmt}"] = row.seconds
        rows.append(row)
        if fmt == "json":
            rss = Row("peak RSS, report monthly --format json", size, target="≤ 300 MB", limit=300)
            rss.rss_mb = peak
            rss.judge(peak)
            rows.append(rss)
    # Growth rows need the single commands' medians.
    for key, words in (("balance", ("fund", "balance")), ("summary", ("issue", "summary"))):
        if size == "small":
            continue
        cmd = tool.sqjg(*words, "--db", str(new))
        times = [run_once(cmd, tool.env)[0] for _ in range(runs + 1)][1:]
        medians[key] = statistics.median(times)
    medians["_issues"], medians["_entries"] = n_issues, n_entries
    return rows, medians


def growth_medians(size: str, tool: Tree, runs: int) -> dict:
    """Only this tree's own medians of the growth commands at one size (no floors, no pairs)."""
    new, _old = cities(size, previous=False)
    n_issues, n_entries = scalar(
        new, "SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM fund_entries)"
    )
    unit = scalar(
        new,
        "SELECT u.name FROM issues i JOIN units u ON u.id = i.unit_id WHERE u.kind = 'unit'"
        " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1",
    )[0]
    report = ("report", "monthly", "--year", "2026", "--month", "7")
    words = {
        "rank": ("rank", "--year", "2026", "--month", "7"),
        "report text": (*report, "--format", "text"),
        "report json": (*report, "--format", "json"),
        "list": ("issue", "list", "--unit", unit, "--status", "overdue"),
        "summary": ("issue", "summary"),
        "balance": ("fund", "balance"),
    }
    medians: dict = {"_issues": n_issues, "_entries": n_entries}
    for key, w in words.items():
        cmd = tool.sqjg(*w, "--db", str(new))
        times = [run_once(cmd, tool.env)[0] for _ in range(runs + WARMUP[0])][WARMUP[0] :]
        medians[key] = statistics.median(times)
        print(f"  [{size}] {key}: {medians[key]:.2f} s", file=sys.stderr)
    return medians


def add_rows(tool: Tree, base: Tree | None, runs: int, baseline: dict) -> list[Row]:
    """`issue add` on a copy of the demo city against the one-command Typer app."""
    new, old = cities("small")
    scratch, scratch_old = OUT / "add.db", OUT / "add-previous.db"
    shutil.copyfile(new, scratch)
    shutil.copyfile(old, scratch_old)
    words = ("issue", "add", "楼道堆放杂物", "--allow-duplicate", "-c", "西街社区", "--compound",
             "梧桐苑", "--category", "1", "--due", "2027-01-10", "--kind", "乱堆乱放")  # fmt: skip
    cmd = tool.sqjg(*words, "--db", str(scratch))
    floor = [sys.executable, FLOOR, "add", str(scratch_old), "楼道堆放杂物", "-c", "西街社区",
             "--compound", "梧桐苑", "--category", "1", "--due", "2027-01-10", "--kind", "乱堆乱放",
             "--today", TODAY]  # fmt: skip
    n = max(runs, 5) if WARMUP[0] else runs
    ta, tb, peak = pair((cmd, tool.env), (floor, child_env(ROOT)), n)
    row = Row("issue add", "any", statistics.median(ta), "one-command Typer app",
              statistics.median(tb), median_ratio(ta, tb), "≤ 1.3× floor", 1.3, rss_mb=peak)  # fmt: skip
    row.judge()
    if base is not None:
        tt, tp, _p = pair(
            (cmd, tool.env), (base.sqjg(*words, "--db", str(scratch_old)), base.env), n
        )
        row.today, row.today_note = median_ratio(tt, tp), "side by side"
        baseline["add|any"] = statistics.median(tp)
    elif "add|any" in baseline:
        row.today, row.today_note = row.seconds / baseline["add|any"], "stored"
    return [row]


def import_rows(size: str, tool: Tree, base: Tree | None, runs: int, baseline: dict) -> list[Row]:
    """`issue import` of a survey sheet into a fresh copy of the city, against raw executemany."""
    new, old = cities(size)
    rows_n = 200 if size == "tiny" else IMPORT_ROWS
    sheet = OUT / f"survey-{rows_n}-{new.stem}.csv"
    if not sheet.exists():
        citygen.survey_sheet(new, sheet, rows_n)
    copy, copy_old = OUT / "import-copy.db", OUT / "import-previous.db"

    def fresh() -> None:
        for path, src in ((copy, new), (copy_old, old)):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(src, path)

    cmd = tool.sqjg("issue", "import", str(sheet), "--db", str(copy))
    floor = [sys.executable, FLOOR, "import", str(copy_old), str(sheet)]
    ta, tb, peak = pair((cmd, tool.env), (floor, child_env(ROOT)), runs, prepare=fresh)
    med = statistics.median(ta)
    row = Row(f"issue import ({rows_n:,} rows)", size, med, "raw executemany, no audit",
              statistics.median(tb), median_ratio(ta, tb), "≤ 1.3× floor", 1.3, rss_mb=peak,
              extra=f"{rows_n / med:,.0f} rows/s")  # fmt: skip
    row.judge()
    if base is not None:
        base_cmd = base.sqjg("issue", "import", str(sheet), "--db", str(copy_old))
        tt, tp, _p = pair((cmd, tool.env), (base_cmd, base.env), runs, prepare=fresh)
        row.today, row.today_note = median_ratio(tt, tp), "side by side"
        baseline[f"import|{size}"] = statistics.median(tp)
    elif f"import|{size}" in baseline:
        row.today, row.today_note = med / baseline[f"import|{size}"], "stored"
    for path in (copy, copy_old):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return [row]


GROWTH = {
    "rank": "rank --month 7",
    "report text": "report monthly --format text",
    "report json": "report monthly --format json",
    "list": "issue list --unit X --status overdue",
    "summary": "issue summary",
    "balance": "fund balance",
}


def growth_rows(sizes: list[str], medians: dict[str, dict]) -> list[Row]:
    """Each step between sizes: (time ratio) / (data ratio); linear is 1, the target ≤ 1.2."""
    rows = []
    for a, b in zip(sizes, sizes[1:]):
        data = medians[b]["_issues"] / medians[a]["_issues"]
        for key, label in GROWTH.items():
            what = "_entries" if key == "balance" else "_issues"
            data = medians[b][what] / medians[a][what]
            step = medians[b][key] / medians[a][key]
            row = Row(f"growth: {label}", f"{a} → {b}", medians[b][key], f"{a}",
                      medians[a][key], step / data, "≤ 1.2× the data's growth", 1.2,
                      extra=f"time ×{step:.2f} for data ×{data:.2f}")  # fmt: skip
            row.judge()
            rows.append(row)
    return rows


# --- output ------------------------------------------------------------------------------------


def seconds(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


# The targets against the previous release (× today), at the largest city.
TODAY_TARGETS = {("rank --month 7", "6k"): 0.5, ("report monthly --format text", "6k"): 0.3}


def today_cell(r: Row) -> str:
    if not r.today:
        return ""
    text = f"{r.today:.2f}×{' (stored)' if r.today_note == 'stored' else ''}"
    limit = TODAY_TARGETS.get((r.operation, r.size))
    if limit is not None:
        text += f" (≤ {limit:g}×: {'pass' if r.today <= limit else 'miss'})"
    return text


def table(rows: list[Row]) -> str:
    head = [
        "operation",
        "size",
        "measured",
        "against",
        "ratio",
        "target",
        "result",
        "× today",
        "peak RSS",
        "",
    ]
    body = [
        [
            r.operation,
            r.size,
            seconds(r.seconds),
            f"{r.against} {seconds(r.against_seconds)}".strip() if r.against else "",
            f"{r.ratio:.2f}×" if r.ratio is not None else (f"{r.rss_mb:.0f} MB" if r.rss_mb and not r.seconds else ""),
            r.target,
            r.result,
            today_cell(r),
            f"{r.rss_mb:.0f} MB" if r.rss_mb is not None else "",
            r.extra,
        ]
        for r in rows
    ]  # fmt: skip
    widths = [max(len(x) for x in col) for col in zip(head, *body)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join([*out, *(line(b) for b in body)])


def machine() -> str:
    import importlib.metadata

    cpu = platform.machine()
    try:
        cpu = next(
            t.split(":", 1)[1].strip()
            for t in Path("/proc/cpuinfo").read_text().splitlines()
            if t.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()},"
        f" Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" typer {importlib.metadata.version('typer')}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="big",
                    help="small: the demo city; big: 1k,6k,7950 (default); or sizes, comma-separated")  # fmt: skip
    ap.add_argument("--runs", type=int, default=3, help="timed pairs per comparison (default 3)")
    ap.add_argument("--base", type=Path, help="a checkout of the previous release, timed too")
    ap.add_argument("--save-baseline", action="store_true", help=f"store --base's timings in {BASELINE.name}")  # fmt: skip
    ap.add_argument("--json", type=Path, help="write the rows and the machine to this file")
    ap.add_argument("--growth-only", action="store_true",
                    help="only the growth rows between --size's sizes (this tree's times alone)")  # fmt: skip
    args = ap.parse_args(argv)
    runs = max(1, args.runs)
    if args.size == "small":
        WARMUP[0] = 0
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    tool = Tree(ROOT)
    base = Tree(args.base.resolve()) if args.base else None
    baseline = json.loads(BASELINE.read_text())["seconds"] if BASELINE.exists() and not base else {}
    if args.size in ("small", "big"):
        sizes = ["small"] if args.size == "small" else list(SIZES)
    else:
        sizes = [x.strip() for x in args.size.split(",")]
        if any(x not in SIZES for x in sizes):
            ap.error(f"--size: small, big or some of {', '.join(SIZES)}, comma-separated")
    rows: list[Row] = []
    medians: dict[str, dict] = {}
    if args.growth_only:
        for size in sizes:
            medians[size] = growth_medians(size, tool, runs)
        rows = growth_rows(sizes, medians)
        print(table(rows))
        if args.json:
            args.json.write_text(
                json.dumps({"machine": machine(), "today": TODAY, "runs": runs, "base": None, "mode": "growth",
                            "took_s": round(time.perf_counter() - started),
                            "rows": [asdict(r) for r in rows]}, ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8",
            )  # fmt: skip
        return 0
    for size in sizes:
        got, medians[size] = size_rows(size, tool, base, runs, baseline)
        rows += got
    rows += add_rows(tool, base, runs, baseline)
    rows += import_rows("tiny" if args.size == "small" else "1k", tool, base, runs, baseline)
    rows += growth_rows(sizes, medians)
    took = time.perf_counter() - started
    print(table(rows))
    print()
    print(f"- ratios: median of {runs} pairs run in turn (A B A B) after a warm-up each; peak RSS"
          " from the warm-up (/usr/bin/time).")  # fmt: skip
    print(f"- × today: this tree's time / the previous release's ({BASE_COMMIT}),"
          + (" measured side by side." if base else f" its times stored in {BASELINE.name}."))  # fmt: skip
    print(f"- {machine()}; today = {TODAY}; benchmark took {took:.0f} s.")
    if base is not None and args.save_baseline:
        BASELINE.write_text(json.dumps({"commit": BASE_COMMIT, "machine": machine(),
                                        "seconds": baseline}, indent=1) + "\n")  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine(), "today": TODAY, "runs": runs, "took_s": round(took),
                 "base": BASE_COMMIT if base else None, "rows": [asdict(r) for r in rows]},
                ensure_ascii=False, indent=1,
            ) + "\n",
            encoding="utf-8",
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
