"""`issue import` beside its floor, side by side in one run (the machine is shared: quote ratios).

    python bench/imports.py --city bench/out/<city>.db --rows 100000 --runs 3

The floor is the raw `executemany` of the very rows the import wrote (read back from the first
import) into the same tables -- issues, their create events and the search index (filled the
set-based way the import fills it) -- with no audit rows and no hash-chain links at all, inside
one transaction. The import runs as the real command, a subprocess of this Python, so its time
includes Python's start-up, reading the sheet and every check. Runs alternate floor / import on
fresh copies of the city, so the machine's load falls on both alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))
import citygen  # noqa: E402

from sqjg import issues  # noqa: E402
from sqjg.db import open_db  # noqa: E402

RUN = "import sys; from sqjg.cli import main; sys.argv = ['sqjg', *sys.argv[1:]]; main()"
COLUMNS = (
    "id, description, community_id, compound_id, location, category, unit_id, kind, found,"
    " due, original_due, serious, inspection_id, last_event_on"
)


def fresh(city: Path, target: Path) -> Path:
    """A copy of the city, migrated to this version's schema before anything is timed (a city
    built by an older sqjg would otherwise have its first write pay the migration)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(city, target)
    open_db(target).close()
    return target


def in_process(db: Path, sheet: Path) -> tuple[float, float]:
    """The import function alone, from reading the sheet to the commit, as the floor is timed:
    (wall, CPU) seconds."""
    from sqjg.db import write_transaction

    os.environ["SQJG_TODAY"] = citygen.TODAY.isoformat()
    conn = open_db(db)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        with write_transaction(conn, "bench"):
            issues.import_issues(conn, str(sheet))
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        conn.close()


def run_import(db: Path, sheet: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the real command, a child process of this one."""
    env = {**os.environ, "SQJG_TODAY": citygen.TODAY.isoformat(), "SQJG_USER": "bench"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUN, "issue", "import", str(sheet), "--db", str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"issue import failed: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def written_rows(db: Path, after: int) -> tuple[list[tuple], list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(f"SELECT {COLUMNS} FROM issues WHERE id > ? ORDER BY id", (after,))
        rows = found.fetchall()
        events = conn.execute(
            "SELECT issue_id, happened_on, note FROM issue_events WHERE issue_id > ?"
            " AND event = 'create' ORDER BY id",
            (after,),
        ).fetchall()
    finally:
        conn.close()
    return rows, events


def floor(db: Path, rows: list[tuple], events: list[tuple]) -> tuple[float, float]:
    """The same rows into the same tables, no audit rows, no chain links: (wall, CPU) seconds."""
    conn = open_db(db)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for trigger in (
            "audit_issues_insert",
            "audit_issue_events_insert",
            "chain_issue_events",
            "chain_audit_log",
            "issues_fts_insert",
        ):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        first = rows[0][0]
        started, cpu = time.perf_counter(), time.process_time()
        conn.executemany(issues._INSERT_ISSUE, rows)
        conn.executemany(issues._INSERT_CREATE, events)
        conn.execute(
            "INSERT INTO issues_fts(rowid, description, location, kind)"
            " SELECT id, description, location, kind FROM issues WHERE id >= ? ORDER BY id",
            (first,),
        )
        conn.execute("COMMIT")
        return time.perf_counter() - started, time.process_time() - cpu
    finally:
        conn.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--city", required=True, help="a city database (bench/citygen.py)")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=str(citygen.OUT), help="scratch directory")
    args = ap.parse_args()
    city, work = Path(args.city), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sheet = work / f"survey-{args.rows}-{city.stem}.csv"
    if not sheet.exists():
        citygen.survey_sheet(city, sheet, args.rows)
    scratch = work / "import-bench.db"
    before = sqlite3.connect(city).execute("SELECT max(id) FROM issues").fetchone()[0]

    fresh(city, scratch)
    run_import(scratch, sheet)  # warm-up, and the rows the floor writes
    rows, events = written_rows(scratch, before)
    assert len(rows) == args.rows == len(events), (len(rows), len(events))

    floors, imports, inside = [], [], []
    for n in range(args.runs):
        floors.append(floor(fresh(city, scratch), rows, events))
        imports.append(run_import(fresh(city, scratch), sheet))
        inside.append(in_process(fresh(city, scratch), sheet))
        print(
            f"  run {n + 1}: floor {floors[-1][0]:.2f} s (CPU {floors[-1][1]:.2f}),"
            f" command {imports[-1][0]:.2f} s (CPU {imports[-1][1]:.2f}),"
            f" in-process {inside[-1][0]:.2f} s (CPU {inside[-1][1]:.2f})",
            file=sys.stderr,
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    print(f"issue import of {args.rows:,} rows into {city.name}, median of {args.runs} runs")
    print("(wall time; CPU time, which the other users of a shared machine disturb less)")
    for label, times in (
        ("raw executemany, no audit", floors),
        ("sqjg issue import (command)", imports),
        ("import_issues in-process", inside),
    ):
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        line = f"  {label:28} {wall:6.2f} s {args.rows / wall:8,.0f} rows/s; CPU {cpu:6.2f} s"
        if times is not floors:
            # Each run pairs a floor with the imports after it, so the machine's load of the
            # moment falls on all: the medians of those ratios are the figures to quote.
            by_wall = statistics.median(b[0] / a[0] for a, b in zip(floors, times))
            by_cpu = statistics.median(b[1] / a[1] for a, b in zip(floors, times))
            line += f"  → {by_wall:.2f}x wall, {by_cpu:.2f}x CPU (target <= 1.3x)"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
