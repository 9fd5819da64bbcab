"""An extension granted after the due date keeps the days already overdue."""

import json
import sqlite3
from datetime import date

from conftest import ok

from sqjg import issues


def _add(due: str, found: str = "7-1") -> None:
    ok(
        "issue",
        "add",
        "楼道堆放杂物",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--found",
        found,
        "--due",
        due,
    )


def _issue(n: int, *extra: str) -> dict:
    return json.loads(ok("issue", "show", str(n), "--format", "json", *extra))["issue"]


def test_late_extension_keeps_overdue_days(city):
    _add("7-10")
    ok("issue", "extend", "1", "--due", "7-31", "--reason", "需市政处配合", "--date", "7-15")
    shown = _issue(1)
    assert shown["due"] == "2026-07-31"
    # 7-11 .. 7-15 were overdue before the extension came.
    assert shown["overdue"] is True
    assert shown["days_overdue"] == 5
    ok("issue", "resolve", "1", "--date", "7-20")
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-22")
    shown = _issue(1)
    assert shown["status"] == "closed"
    assert shown["on_time"] is False
    assert shown["days_overdue"] == 5


def test_extension_in_time_erases_nothing_because_nothing_was_late(city):
    _add("7-10")
    ok("issue", "extend", "1", "--due", "7-31", "--reason", "需市政处配合", "--date", "7-8")
    ok("issue", "resolve", "1", "--date", "7-20")
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-22")
    shown = _issue(1)
    assert (shown["overdue"], shown["days_overdue"], shown["on_time"]) == (False, 0, True)


def test_late_extension_counts_in_the_months_overdue_figure(city, db_path):
    _add("7-10")
    ok("issue", "extend", "1", "--due", "8-20", "--reason", "需市政处配合", "--date", "7-15")
    conn = sqlite3.connect(db_path)
    try:
        july = issues.month_facts(conn, date(2026, 7, 1), date(2026, 7, 31), exposure_notices=3)
        (facts,) = july.values()
        assert facts["overdue"] == 1
        # Not overdue and pending: the new date has not passed.
        assert facts["overdue_pending"] == 0
        # Read back as of a day before the extension: overdue by the days so far.
        before = json.loads(ok("issue", "list", "--as-of", "7-13", "--format", "json"))
        assert before[0]["days_overdue"] == 3 and before[0]["due"] == "2026-07-10"
        after = json.loads(ok("issue", "list", "--as-of", "7-20", "--format", "json"))
        assert after[0]["days_overdue"] == 5 and after[0]["due"] == "2026-08-20"
        total = json.loads(ok("issue", "summary", "--format", "json"))[-1]
        assert total["overdue"] == 1
        assert issues.history_problems(conn) == []
    finally:
        conn.close()


def test_migration_backfills_late_days_from_the_events(city, db_path):
    from sqjg import schema

    _add("7-10")
    ok("issue", "extend", "1", "--due", "7-31", "--reason", "需市政处配合", "--date", "7-15")
    ok("issue", "resolve", "1", "--date", "7-20")
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-22")
    _add("7-30")
    conn = sqlite3.connect(db_path)
    try:
        # The database as it was before the column: triggers naming it go first.
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('issues', 'units')"
        ).fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("ALTER TABLE issues DROP COLUMN late_days")
        conn.execute("DROP TABLE issue_photos")
        conn.execute("DROP TABLE photos")
        for column in ("contact", "head", "phone"):
            conn.execute(f"ALTER TABLE units DROP COLUMN {column}")
        conn.execute("UPDATE issues SET on_time = 1 WHERE id = 1")
        schema.m007_case_handling(conn)
        rows = conn.execute("SELECT id, late_days, on_time FROM issues ORDER BY id").fetchall()
        assert rows == [(1, 5, 0), (2, 0, None)]
    finally:
        conn.close()
