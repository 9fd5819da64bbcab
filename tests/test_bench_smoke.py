"""The benchmark's smoke run: every row of the target table runs on the demo city, and the
plain-sqlite3 floors compute the same figures as sqjg (the runner refuses to time them if not)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_small_prints_every_row(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--size",
            "small",
            "--runs",
            "1",
            "--json",
            str(out),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    operations = {r["operation"] for r in rows}
    for wanted in (
        "rank --month 7",
        "report monthly --format text",
        "report monthly --format json",
        "issue list --unit X --status overdue",
        "issue add",
        "peak RSS, report monthly --format json",
    ):
        assert wanted in operations
    assert any(op.startswith("issue import") for op in operations)
    for r in rows:
        assert r["result"] in ("pass", "miss"), r
        assert r["ratio"] is not None or r["rss_mb"] is not None, r
    assert "| rank --month 7" in done.stdout
