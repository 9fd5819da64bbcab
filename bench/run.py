"""The city-scale benchmark of issue 9: one table of wall times of the real `sqjg` command.

    python bench/run.py                          # demo, 1k and 6k, 5 runs each
    python bench/run.py --sizes demo,1k --runs 3

Each operation runs as a subprocess of the installed `sqjg` script, exactly as a user or a cron
job runs it (stdout to a file, not a terminal), once to warm the caches and then --runs times;
the table shows the median wall time. Sizes are the demo city (`sqjg demo`) and the generated
cities of bench/citygen.py (1k = 1,000 communities / 100,000 issues, 6k = 6,000 / 1,000,000),
built on first use and cached under bench/out/. Today is 2026-12-31 for every command (the
generated year is complete), so `rank --month 7` reads July back from the year's histories.

Start-up is measured against `python -c "import sqlite3"` in the same run, interleaved, as a
ratio. Peak RSS is the child's own ru_maxrss (os.wait4). Python's bytecode cache is on for the
children (PYTHONPYCACHEPREFIX under bench/out/), as it is for an installed package, even where
PYTHONDONTWRITEBYTECODE is set in the environment.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # bench/ is not a package: citygen is found beside this file
import citygen

OUT = citygen.OUT
TODAY = citygen.TODAY.isoformat()
SIZES = {"demo": None, **citygen.PRESETS}
IMPORT_ROWS = 100_000
IMPORT_SIZE = "1k"

# Targets of issue 9 (seconds unless said otherwise); None = the issue sets none.
TARGETS = {
    ("rank", "1k"): 0.5, ("rank", "6k"): 2.0,
    ("report", "1k"): 0.5, ("report", "6k"): 2.0,
    ("list", "6k"): 0.3,
}
IMPORT_TARGET = 50_000  # rows/s
STARTUP_TARGET = 4.0    # × baseline
RSS_TARGET_MB = 200


@dataclass
class Row:
    operation: str
    size: str
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    per_second: str = ""
    target: str = "—"
    result: str = ""
    value: str = ""  # the measured figure, when it is not a time

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
    for var in ("SQJG_DB", "SQJG_RULES", "SQJG_LANG", "PYTHONDONTWRITEBYTECODE", "NO_COLOR"):
        env.pop(var, None)
    env.update(SQJG_TODAY=TODAY, SQJG_USER="bench", PYTHONPYCACHEPREFIX=str(OUT / "pycache"))
    return env


ENV = child_env()


def run_once(cmd: list[str], *, check: bool = True) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KB, lines of stdout) of one subprocess."""
    out_path = OUT / "stdout.txt"
    err_path = OUT / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=ENV)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err_path.read_text(errors='replace')[-2000:]}")
    with open(out_path, "rb") as f:
        lines = sum(1 for _ in f)
    return wall, usage.ru_maxrss, lines


def measure(row: Row, cmd: list[str], runs: int, *, prepare=None, cleanup=None) -> int:
    """Warm up once, then time `runs` runs. Returns the lines of output of the last run."""
    lines = 0
    for i in range(runs + 1):
        if prepare:
            prepare()
        wall, rss, lines = run_once(cmd)
        if cleanup:
            cleanup()
        if i:
            row.times.append(wall)
            row.rss_kb.append(rss)
    return lines


def demo_city() -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    run_once([SQJG, "demo", "--db", str(path), "--force"])
    return path


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("units", "issues", "issue_events", "fund_entries")}
    finally:
        conn.close()


def busiest_unit(db: Path) -> str:
    """The co-construction unit with the most issues: `issue list --unit X --status overdue`."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT u.name FROM issues i JOIN units u ON u.id = i.unit_id WHERE u.kind = 'unit'"
            " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


def has_command(*words: str) -> bool:
    proc = subprocess.run([SQJG, *words, "--help"], env=ENV, capture_output=True, check=False)
    return proc.returncode == 0


def seconds(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def judge(row: Row, limit: float | None) -> None:
    if limit is None:
        return
    row.target = f"< {limit:g} s"
    row.result = "pass" if row.median < limit else "FAIL"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="demo,1k,6k", help="comma-separated: demo, 1k, 6k (default all)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per operation (default 5); the median is shown")
    args = ap.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s): {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    runs = max(1, args.runs)
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)

    dbs: dict[str, Path] = {}
    for size in sizes:
        if size == "demo":
            dbs[size] = demo_city()
        else:
            communities, n_issues = SIZES[size]
            dbs[size] = citygen.cached_city(communities, n_issues)
    notes: list[str] = []
    report_ok = has_command("report", "monthly")
    if not report_ok:
        notes.append("report monthly: skipped, `sqjg report monthly` does not exist yet (issue 7).")

    rows: list[Row] = []
    for size in sizes:
        db = str(dbs[size])
        n = counts(dbs[size])
        print(f"[{size}] {n['issues']:,} issues, {n['issue_events']:,} events, {n['fund_entries']:,} fund entries"
              f" — {dbs[size].name}", file=sys.stderr)
        ops = [
            ("rank", "rank --month 7 --year 2026", ["rank", "--month", "7", "--year", "2026"], "issues"),
            ("report", "report monthly --month 7 --year 2026 --format text",
             ["report", "monthly", "--month", "7", "--year", "2026", "--format", "text"], "issues"),
            ("list", "issue list --unit X --status overdue", None, None),
            ("summary", "issue summary", ["issue", "summary"], "issues"),
            ("balance", "fund balance", ["fund", "balance"], "fund_entries"),
        ]
        for key, label, words, per in ops:
            if key == "report" and not report_ok:
                rows.append(Row(label, size, result="skipped"))
                continue
            if key == "list":
                unit = busiest_unit(dbs[size])
                words = ["issue", "list", "--unit", unit, "--status", "overdue"]
            row = Row(label, size)
            lines = measure(row, [SQJG, *words, "--db", db], runs)
            if per:
                row.per_second = f"{n[per] / row.median:,.0f} {per.replace('_', ' ')}/s"
            if key == "list":
                row.per_second = f"({lines - 4 if lines > 4 else 0:,} rows shown)"
                notes.append(f"issue list at {size}: X = {unit}, the co-construction unit with the most issues.")
            judge(row, TARGETS.get((key, size)))
            rows.append(row)
            print(f"  {label}: {seconds(row.median)}", file=sys.stderr)
            if key == "rank" and size == sizes[-1]:
                rss = Row("rank --month 7 --year 2026: peak RSS", size, rss_kb=row.rss_kb)
                peak = max(row.rss_kb) / 1024
                rss.value = f"{peak:.0f} MB"
                if size == "6k":
                    rss.target = f"< {RSS_TARGET_MB} MB"
                    rss.result = "pass" if peak < RSS_TARGET_MB else "FAIL"
                rss_row = rss
        if size == IMPORT_SIZE:
            rows.append(import_row(dbs[size], runs))
            print(f"  issue import: {seconds(rows[-1].median)}", file=sys.stderr)

    # Start-up, interleaved with the baseline so that the machine's load hits all three alike.
    scratch = OUT / "startup.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(dbs["demo"] if "demo" in dbs else demo_city(), scratch)
    base = Row('python -c "import sqlite3" (baseline)', "—")
    helps = Row("sqjg --help", "—")
    add = Row("sqjg issue add … (demo city)", "—")
    cmds = [
        (base, [sys.executable, "-c", "import sqlite3"]),
        (helps, [SQJG, "--help"]),
        (add, [SQJG, "issue", "add", "楼道堆放杂物", "-c", "西街社区", "--compound", "梧桐苑", "--category", "1",
               "--due", "2027-01-10", "--kind", "乱堆乱放", "--db", str(scratch)]),
    ]
    startup_runs = max(15, 3 * runs)
    for i in range(startup_runs + 1):
        for row, cmd in cmds:
            wall, rss, _lines = run_once(cmd)
            if i:
                row.times.append(wall)
                row.rss_kb.append(rss)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    for row in (helps, add):
        ratio = row.median / base.median
        row.value = f"{ratio:.1f}× baseline"
    add.target = f"<= {STARTUP_TARGET:g}× baseline"
    add.result = "pass" if add.median / base.median <= STARTUP_TARGET else "FAIL"
    rows += [base, helps, add]
    if "rss_row" in locals():
        rows.append(rss_row)

    print_table(rows, runs, startup_runs)
    for note in notes:
        print(f"- {note}")
    print(f"- start-up rows: median of {startup_runs} interleaved runs; the others: median of {runs} runs after "
          "one warm-up run.")
    print(f"- {machine()}")
    print(f"- benchmark took {time.perf_counter() - started:.0f} s.")
    return 0


def import_row(db: Path, runs: int) -> Row:
    """`issue import` of a 100,000-row survey sheet into a fresh copy of the city, each run."""
    sheet = OUT / f"survey-{IMPORT_ROWS}.csv"
    if not sheet.exists():
        citygen.survey_sheet(db, sheet, IMPORT_ROWS)
    copy = OUT / "import-copy.db"

    def drop_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)

    def fresh_copy() -> None:
        drop_copy()
        shutil.copyfile(db, copy)

    row = Row(f"issue import ({IMPORT_ROWS:,} rows, fresh copy)", IMPORT_SIZE)
    measure(row, [SQJG, "issue", "import", str(sheet), "--db", str(copy)], runs, prepare=fresh_copy,
            cleanup=drop_copy)
    rate = IMPORT_ROWS / row.median
    row.per_second = f"{rate:,.0f} rows/s"
    row.target = f">= {IMPORT_TARGET:,} rows/s"
    row.result = "pass" if rate >= IMPORT_TARGET else "FAIL"
    return row


def print_table(rows: list[Row], runs: int, startup_runs: int) -> None:
    head = ["operation", "size", "median", "rows/s", "peak RSS", "target", "result"]
    body = []
    for r in rows:
        median = r.value if r.value and not r.times else (seconds(r.median) if r.times else "—")
        if r.value and r.times:
            median = f"{seconds(r.median)} ({r.value})"
        rss = f"{max(r.rss_kb) / 1024:.0f} MB" if r.rss_kb and not r.value.endswith("MB") else ""
        body.append([r.operation, r.size, median, r.per_second, rss, r.target, r.result or ("—" if r.target == "—"
                                                                                            else "")])
    widths = [max(len(x) for x in col) for col in zip(head, *body)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"

    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for b in body:
        print(line(b))


def machine() -> str:
    cpu = ""
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import importlib.metadata as md

    return (f"{os.cpu_count()} CPUs ({cpu or platform.machine()}), Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, typer {md.version('typer')}, today={TODAY}")


SQJG = sqjg_executable()

if __name__ == "__main__":
    sys.exit(main())
