"""The city-scale benchmark: one table of wall times of the real `sqjg` command.

    python bench/run.py                          # demo, 1k and 6k, 5 runs each
    python bench/run.py --sizes demo,1k --runs 3

Each operation runs as a subprocess of the installed `sqjg` script, exactly as a user or a cron
job runs it (stdout to a file, not a terminal), once to warm the caches (that run also gives the
peak RSS, through /usr/bin/time) and then --runs times; the table shows the median wall time.
Sizes are the demo city (`sqjg demo`) and the generated cities of bench/citygen.py (1k = 1,000
communities / 100,000 issues, 6k = 6,000 / 1,000,000), built on first use and cached under
bench/out/. Today is 2026-12-31 for every command (the generated year is complete), so
`rank --month 7` reads July back from the year's histories.

Start-up is measured against `python -c "import sqlite3"` in the same run, interleaved, as a
ratio. Python's bytecode cache is on for the children (PYTHONPYCACHEPREFIX under bench/out/), as
it is for an installed package, even where PYTHONDONTWRITEBYTECODE is set in the environment.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # bench/ is not a package: citygen is found beside this file
import citygen  # noqa: E402

OUT = citygen.OUT
TODAY = citygen.TODAY.isoformat()
SIZES: dict[str, tuple[int, int] | None] = {"demo": None, **citygen.PRESETS}
IMPORT_ROWS = 100_000
IMPORT_SIZE = "1k"
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None

# The first targets set for the benchmark (seconds); an operation and size not listed has none.
TARGETS = {
    ("rank", "1k"): 0.5,
    ("rank", "6k"): 2.0,
    ("report", "1k"): 0.5,
    ("report", "6k"): 2.0,
    ("list", "6k"): 0.3,
}
IMPORT_TARGET = 50_000  # rows/s
STARTUP_TARGET = 4.0  # × the baseline
RSS_TARGET_MB = 200  # rank at the largest size


@dataclass
class Row:
    operation: str
    size: str
    times: list[float] = field(default_factory=list)
    rss_kb: int | None = None
    per_second: str = ""
    shown: str = ""  # replaces the median when the row is not a time (a ratio, a size)
    target: str = "—"
    result: str = "—"

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def sqjg_executable() -> str:
    """The `sqjg` console script of this Python (not a pyenv shim, which adds its own start-up)."""
    beside = Path(sys.executable).with_name("sqjg")
    if beside.exists():
        return str(beside)
    found = shutil.which("sqjg")
    if not found:
        sys.exit("sqjg is not installed: pip install -e .")
    return found


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in (
        "SQJG_DB",
        "SQJG_RULES",
        "SQJG_LANG",
        "SQJG_WIDTH",
        "PYTHONDONTWRITEBYTECODE",
        "NO_COLOR",
    ):
        env.pop(var, None)
    env.update(SQJG_TODAY=TODAY, SQJG_USER="bench", PYTHONPYCACHEPREFIX=str(OUT / "pycache"))
    return env


SQJG = sqjg_executable()
ENV = child_env()


def run_once(cmd: list[str], *, rss: bool = False) -> tuple[float, int | None, Path]:
    """(wall seconds, peak RSS in KB if asked for, the stdout file) of one subprocess.

    The peak RSS comes from /usr/bin/time: the rusage of a child forked from this Python would
    start at this process's own size.
    """
    out_path, err_path, rss_path = OUT / "stdout.txt", OUT / "stderr.txt", OUT / "rss.txt"
    if rss and GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *cmd]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        code = subprocess.call(cmd, stdout=out, stderr=err, env=ENV)
        wall = time.perf_counter() - started
    if code != 0:
        sys.exit(
            f"failed ({code}): {' '.join(cmd)}\n{err_path.read_text(errors='replace')[-2000:]}"
        )
    peak = int(rss_path.read_text().split()[-1]) if rss and GNU_TIME else None
    return wall, peak, out_path


def measure(
    row: Row,
    cmd: list[str],
    runs: int,
    *,
    prepare: Callable[[], None] | None = None,
    cleanup: Callable[[], None] | None = None,
) -> None:
    """One warm-up run (which gives the peak RSS), then `runs` timed runs."""
    for i in range(runs + 1):
        if prepare:
            prepare()
        wall, peak, _out = run_once(cmd, rss=i == 0)
        if cleanup:
            cleanup()
        if i == 0:
            row.rss_kb = peak
        else:
            row.times.append(wall)


def unlink_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_city() -> Path:
    path = OUT / "demo.db"
    unlink_db(path)
    run_once([SQJG, "demo", "--db", str(path), "--force"])
    return path


def query(db: Path, sql: str) -> tuple:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


def has_command(*words: str) -> bool:
    return (
        subprocess.call(
            [SQJG, *words, "--help"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        == 0
    )


def seconds(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def judge(row: Row, limit: float | None) -> None:
    if limit is not None:
        row.target = f"< {limit:g} s"
        row.result = "pass" if row.median < limit else "FAIL"


def size_rows(size: str, db: Path, runs: int, report: bool, notes: list[str]) -> list[Row]:
    issues, fund_entries = query(
        db, "SELECT (SELECT count(*) FROM issues), (SELECT count(*) FROM fund_entries)"
    )
    print(f"[{size}] {issues:,} issues, {fund_entries:,} fund entries: {db.name}", file=sys.stderr)
    # The co-construction unit with the most issues: `issue list --unit X --status overdue`.
    unit = query(
        db,
        "SELECT u.name FROM issues i JOIN units u ON u.id = i.unit_id WHERE u.kind = 'unit'"
        " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1",
    )[0]
    ops = [
        (
            "rank",
            "rank --month 7 --year 2026",
            ["rank", "--month", "7", "--year", "2026"],
            issues,
            "issues",
        ),
        (
            "report",
            "report monthly --month 7 --year 2026 --format text",
            ["report", "monthly", "--month", "7", "--year", "2026", "--format", "text"],
            issues,
            "issues",
        ),
        (
            "list",
            "issue list --unit X --status overdue",
            ["issue", "list", "--unit", unit, "--status", "overdue"],
            None,
            None,
        ),
        ("summary", "issue summary", ["issue", "summary"], issues, "issues"),
        ("balance", "fund balance", ["fund", "balance"], fund_entries, "entries"),
    ]
    rows = []
    for key, label, words, count, what in ops:
        row = Row(label, size)
        rows.append(row)
        if key == "report" and not report:
            row.shown, row.result = "skipped", "—"
            continue
        cmd = [SQJG, *words, "--db", str(db)]
        measure(row, cmd, runs)
        if count and size != "demo":
            row.per_second = f"{count / row.median:,.0f} {what}/s"
        if key == "list":
            _wall, _peak, out = run_once([*cmd, "--format", "json"])
            listed = len(json.loads(out.read_text(encoding="utf-8")))
            row.per_second = f"({listed:,} issues listed)"
            notes.append(
                f"issue list at {size}: X = {unit}, the co-construction unit with the most issues."
            )
        judge(row, TARGETS.get((key, size)))
        print(f"  {label}: {seconds(row.median)}", file=sys.stderr)
    return rows


def import_row(db: Path, runs: int) -> Row:
    """`issue import` of a 100,000-row survey sheet into a fresh copy of the city, each run."""
    sheet = OUT / f"survey-{IMPORT_ROWS}-{db.stem}.csv"
    if not sheet.exists():
        citygen.survey_sheet(db, sheet, IMPORT_ROWS)
    copy = OUT / "import-copy.db"
    row = Row(f"issue import ({IMPORT_ROWS:,} rows into a fresh copy)", IMPORT_SIZE)
    measure(
        row,
        [SQJG, "issue", "import", str(sheet), "--db", str(copy)],
        runs,
        prepare=lambda: (unlink_db(copy), shutil.copyfile(db, copy)),
        cleanup=lambda: unlink_db(copy),
    )
    rate = IMPORT_ROWS / row.median
    row.per_second = f"{rate:,.0f} rows/s"
    row.target = f">= {IMPORT_TARGET:,} rows/s"
    row.result = "pass" if rate >= IMPORT_TARGET else "FAIL"
    print(f"  issue import: {seconds(row.median)}", file=sys.stderr)
    return row


def startup_rows(demo: Path, runs: int) -> list[Row]:
    """`sqjg --help` and `sqjg issue add` against the baseline, interleaved run by run so that
    the machine's load falls on all three alike."""
    scratch = OUT / "startup.db"
    unlink_db(scratch)
    shutil.copyfile(demo, scratch)
    base = Row('python -c "import sqlite3" (baseline)', "—")
    helps = Row("sqjg --help", "—")
    add = Row("sqjg issue add … (demo city)", "—")
    cmds = [
        (base, [sys.executable, "-c", "import sqlite3"]),
        (helps, [SQJG, "--help"]),
        (
            add,
            [
                SQJG,
                "issue",
                "add",
                "楼道堆放杂物",
                "--allow-duplicate",
                "-c",
                "西街社区",
                "--compound",
                "梧桐苑",
                "--category",
                "1",
                "--due",
                "2027-01-10",
                "--kind",
                "乱堆乱放",
                "--db",
                str(scratch),
            ],
        ),
    ]
    for i in range(runs + 1):
        for row, cmd in cmds:
            wall, peak, _out = run_once(cmd, rss=i == 0)
            if i == 0:
                row.rss_kb = peak
            else:
                row.times.append(wall)
    unlink_db(scratch)
    for row in (helps, add):
        row.shown = f"{seconds(row.median)} = {row.median / base.median:.1f}× baseline"
    add.target = f"<= {STARTUP_TARGET:g}× baseline"
    add.result = "pass" if add.median / base.median <= STARTUP_TARGET else "FAIL"
    return [base, helps, add]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--sizes", default="demo,1k,6k", help="comma-separated: demo, 1k, 6k (default: all three)"
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=5,
        help="timed runs per operation (default 5; start-up: 3x as many, at least 15)",
    )
    args = ap.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        ap.error(f"unknown size(s): {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    runs = max(1, args.runs)
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)

    dbs: dict[str, Path] = {}
    for size in sizes:
        preset = SIZES[size]
        dbs[size] = demo_city() if preset is None else citygen.cached_city(*preset)
    notes: list[str] = []
    report = has_command("report", "monthly")
    if not report:
        notes.append(
            "report monthly: skipped, `sqjg report monthly` does not exist in this version."
        )

    rows: list[Row] = []
    for size in sizes:
        rows += size_rows(size, dbs[size], runs, report, notes)
        if size == IMPORT_SIZE:
            rows.append(import_row(dbs[size], runs))
    rows += startup_rows(dbs["demo"] if "demo" in dbs else demo_city(), max(15, 3 * runs))
    largest = sizes[-1] if sizes[-1] != "demo" else None
    rank = next((r for r in rows if r.size == sizes[-1] and r.operation.startswith("rank")), None)
    if rank is not None and rank.rss_kb is not None:
        peak = rank.rss_kb / 1024
        rss = Row("rank --month 7 --year 2026: peak RSS", sizes[-1], shown=f"{peak:.0f} MB")
        if largest == "6k":
            rss.target = f"< {RSS_TARGET_MB} MB"
            rss.result = "pass" if peak < RSS_TARGET_MB else "FAIL"
        rows.append(rss)

    print_table(rows)
    print()
    for note in notes:
        print(f"- {note}")
    print(
        f"- Median of {runs} runs after one warm-up run (start-up rows: {max(15, 3 * runs)} runs, interleaved"
        " with the baseline); peak RSS from the warm-up run (/usr/bin/time)."
        if GNU_TIME
        else f"- Median of {runs} runs after one warm-up run; /usr/bin/time not found, so no peak RSS."
    )
    print(f"- {machine()}; today = {TODAY}; benchmark took {time.perf_counter() - started:.0f} s.")
    return 0


def print_table(rows: list[Row]) -> None:
    head = ["operation", "size", "median", "rows/s", "peak RSS", "target", "result"]
    body = [
        [
            r.operation,
            r.size,
            r.shown or seconds(r.median),
            r.per_second,
            f"{r.rss_kb / 1024:.0f} MB"
            if r.rss_kb is not None and not r.shown.endswith("MB")
            else "",
            r.target,
            r.result,
        ]
        for r in rows
    ]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for b in body:
        print(line(b))


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
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version},"
        f" typer {importlib.metadata.version('typer')}"
    )


if __name__ == "__main__":
    sys.exit(main())
