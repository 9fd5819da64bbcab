"""bench/citygen.py, the synthetic city of the benchmark: deterministic, and a valid
database that `sqjg check` passes and `sqjg rank` ranks. (The benchmark itself is not a test:
python bench/run.py.)"""

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest
from conftest import copy_db, ok

ROOT = Path(__file__).resolve().parent.parent
COMMUNITIES, ISSUES = 12, 400


def _load_citygen():
    spec = importlib.util.spec_from_file_location("citygen", ROOT / "bench" / "citygen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


citygen = _load_citygen()
# Columns that are random or the time of writing by design (uids, timestamps), and the tables
# that hold them; everything else must come out the same for the same seed.
VOLATILE = {"uid", "created_at", "updated_at"}
SKIP = {"audit_log", "chain_links", "command_runs", "migrations"}


def content(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        out = {}
        for t in tables:
            # The search index and the intervals are derived from issues and their events.
            if t in SKIP or t.startswith(("sqlite_", "issues_fts", "issue_states")):
                continue
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] not in VOLATILE]
            out[t] = conn.execute(f"SELECT {', '.join(cols)} FROM {t} ORDER BY id").fetchall()
        return out
    finally:
        conn.close()


@pytest.fixture
def today_end_of_year(monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", citygen.TODAY.isoformat())


@pytest.fixture(scope="module")
def small_city_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("citygen") / "city.db"
    citygen.generate(path, COMMUNITIES, ISSUES, seed=7)
    return path


@pytest.fixture
def small_city(tmp_path, today_end_of_year, small_city_template):
    """Generated once per module and copied: generating is the slow part, and tests write."""
    return copy_db(small_city_template, tmp_path / "city.db")


def test_same_seed_same_city_other_seed_other_city(tmp_path, small_city):
    again = tmp_path / "again.db"
    citygen.generate(again, COMMUNITIES, ISSUES, seed=7)
    assert content(again) == content(small_city)
    other = tmp_path / "other.db"
    citygen.generate(other, COMMUNITIES, ISSUES, seed=8)
    assert content(other)["issues"] != content(small_city)["issues"]


def test_the_city_has_every_kind_of_record(small_city):
    conn = sqlite3.connect(small_city)
    try:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM units GROUP BY kind").fetchall())
        assert (
            kinds["community"] == COMMUNITIES and kinds["street"] == 1 and kinds["department"] == 12
        )
        assert {"compound", "unit", "enterprise"} <= set(kinds)
        leads = conn.execute("SELECT count(*) FROM unit_links WHERE is_lead = 1").fetchone()[0]
        assert leads == COMMUNITIES  # one lead unit per community
        assert conn.execute("SELECT count(*) FROM issues").fetchone()[0] == ISSUES
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM issues")}
        assert {"open", "closed", "cancelled"} <= statuses
        events = {r[0] for r in conn.execute("SELECT DISTINCT event FROM issue_events")}
        assert events == {
            "create",
            "resolve",
            "verify_pass",
            "verify_fail",
            "notify",
            "extend",
            "reassign",
            "cancel",
        }
        for table in (
            "fund_entries",
            "meetings",
            "cleanups",
            "inspections",
            "submissions",
            "mechanisms",
            "scores",
            "civilized",
        ):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
        # Inspections twice a week (every Tuesday and Friday of 2026) in every community.
        per = conn.execute("SELECT count(*) FROM inspections GROUP BY community_id").fetchall()
        assert {n for (n,) in per} == {104}
        # Written through the audited paths: every issue has its insert in the audit trail.
        audited = conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'issues'").fetchone()[
            0
        ]
        assert audited == ISSUES
    finally:
        conn.close()


def test_check_passes_and_july_is_ranked(small_city):
    assert "检查通过" in ok("check", "--db", str(small_city))
    result = json.loads(
        ok("rank", "--month", "7", "--year", "2026", "--format", "json", "--db", str(small_city))
    )
    assert len(result["rows"]) == COMMUNITIES
    assert result["as_of"] == "2026-07-31"
    assert result["rows"][0]["rank"] == 1


def test_the_benchmark_survey_sheet_imports(tmp_path, small_city):
    sheet = citygen.survey_sheet(small_city, tmp_path / "sheet.csv", 50)
    assert "已导入 50 个问题" in ok("issue", "import", str(sheet), "--db", str(small_city))
    assert "检查通过" in ok("check", "--db", str(small_city))
