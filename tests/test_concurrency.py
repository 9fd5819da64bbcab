"""Several writers and a reader at once, and a writer killed midway."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import ok

WORKER = textwrap.dedent(
    """
    import functools, sys
    import typer.main, typer.testing
    from typer.testing import CliRunner
    from sqjg.cli import app

    # Convert the command tree once, not on every call: the point is contention, not Typer.
    typer.testing._get_command = functools.cache(typer.main.get_command)

    worker, n = int(sys.argv[1]), int(sys.argv[2])
    runner = CliRunner()
    failures = []
    for i in range(n):
        args = ["issue", "add", f"并发问题 w{worker} #{i}", "--community", "西街社区", "--category", "1",
                "--found", "7-01", "--due", "7-20"]
        if i % 2:
            args = ["fund", "add", "--community", "西街社区", "--source", "unit", "--from", "交通局",
                    "--amount", "100", "--date", "7-02", "--note", f"w{worker} #{i}", "--again"]
        result = runner.invoke(app, args)
        if result.exit_code != 0:
            failures.append(result.stderr or repr(result.exception))
    print(len(failures))
    for f in failures[:5]:
        print(f, file=sys.stderr)
    """
)

READER = textwrap.dedent(
    """
    import functools, sys, time
    import typer.main, typer.testing
    from typer.testing import CliRunner
    from sqjg.cli import app

    typer.testing._get_command = functools.cache(typer.main.get_command)

    runner = CliRunner()
    failures = 0
    deadline = time.time() + float(sys.argv[1])
    runs = 0
    while time.time() < deadline:
        for args in (["issue", "summary"], ["fund", "balance"], ["rank", "--month", "7", "--year", "2026"]):
            result = runner.invoke(app, args)
            runs += 1
            if result.exit_code != 0:
                failures += 1
                print(result.stderr or repr(result.exception), file=sys.stderr)
    print(failures, runs)
    """
)


def test_concurrent_writers_and_reader_lose_nothing(city, tmp_path):
    worker = tmp_path / "worker.py"
    worker.write_text(WORKER, encoding="utf-8")
    reader = tmp_path / "reader.py"
    reader.write_text(READER, encoding="utf-8")
    env = {**os.environ, "SQJG_DB": str(city)}
    # Enough writes that the three writers and the reader overlap for a few seconds.
    per_worker, workers = 50, 3
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), str(w), str(per_worker)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    read = subprocess.Popen(
        [sys.executable, str(reader), "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    outs = [p.communicate(timeout=300) for p in procs]
    read_out, read_err = read.communicate(timeout=300)
    for out, err in outs:
        assert out.strip() == "0", err
        assert "locked" not in err
    failures, runs = read_out.split()
    assert failures == "0", read_err
    assert int(runs) > 0
    conn = sqlite3.connect(city)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    issues = conn.execute(
        "SELECT count(*) FROM issues WHERE description LIKE '并发问题%'"
    ).fetchone()[0]
    funds = conn.execute("SELECT count(*) FROM fund_entries WHERE note LIKE 'w%'").fetchone()[0]
    assert issues == workers * per_worker // 2
    assert funds == workers * per_worker // 2
    # every write carries its audit rows and its command
    runs_recorded = conn.execute(
        "SELECT count(*) FROM command_runs WHERE argv LIKE 'sqjg issue add%'"
        " OR argv LIKE 'sqjg fund add%'"
    ).fetchone()[0]
    assert runs_recorded == workers * per_worker


def _survey_sheet(path: Path, rows: int) -> None:
    lines = ["问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型"]
    for i in range(rows):
        lines.append(f"楼道杂物{i},西街社区,梧桐苑,{i}号楼,1,,2026-07-20,2026-07-01,乱堆乱放")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_killed_import_leaves_all_or_nothing(city, tmp_path):
    sheet = tmp_path / "survey.csv"
    # Large enough that the import is still writing when the WAL passes 1 MB (its pages spill
    # into the WAL long before the commit).
    rows = 30_000
    _survey_sheet(sheet, rows)
    conn = sqlite3.connect(city)
    before = conn.execute("SELECT count(*) FROM issues").fetchone()[0]
    conn.close()
    env = {**os.environ, "SQJG_DB": str(city)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sqjg.cli", "issue", "import", str(sheet)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wal = Path(f"{city}-wal")
    deadline = time.time() + 60
    # Kill it once the import has started writing pages into the WAL, i.e. midway.
    while time.time() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:
            break
        time.sleep(0.01)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(city)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    after = conn.execute("SELECT count(*) FROM issues").fetchone()[0]
    conn.close()
    assert killed, "the import finished before it could be killed: make the sheet larger"
    assert after == before  # all or nothing: a killed import leaves nothing behind
    assert "检查通过" in ok("check")
