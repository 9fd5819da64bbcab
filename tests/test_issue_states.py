"""issue_states: each issue's history as intervals, kept by triggers in the event's transaction.

The kept intervals are compared with the ones rebuilt from the events (the demo city, random
lifecycles, a bulk import, edits, reassignments and undone events), and `sqjg check` reports a
difference."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import copy_db, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqjg import demo, issues, schema, units
from sqjg.db import open_db, write_transaction
from sqjg.errors import Invalid


def intervals(conn):
    return conn.execute(
        f"SELECT {schema.ISSUE_STATES_COLUMNS} FROM issue_states ORDER BY issue_id, valid_from"
    ).fetchall()


def rebuilt(conn):
    return conn.execute(
        f"SELECT {schema.ISSUE_STATES_COLUMNS} FROM ({schema.ISSUE_STATES_SELECT.format(which='1')})"
        " ORDER BY issue_id, valid_from"
    ).fetchall()


def assert_contiguous(conn):
    """Every issue's intervals run from its found day to the far future without a gap."""
    by_issue: dict[int, list[tuple[str, str]]] = {}
    for issue_id, start, end in conn.execute(
        "SELECT issue_id, valid_from, valid_to FROM issue_states ORDER BY issue_id, valid_from"
    ):
        by_issue.setdefault(issue_id, []).append((start, end))
    found = dict(conn.execute("SELECT id, found FROM issues"))
    assert set(by_issue) == set(found)
    for issue_id, spans in by_issue.items():
        assert spans[0][0] == found[issue_id]
        assert spans[-1][1] == issues.FAR_FUTURE
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in zip(spans, spans[1:]))


@pytest.fixture(scope="module")
def demo_conn(tmp_path_factory):
    path = tmp_path_factory.mktemp("states") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SQJG_TODAY", "2026-07-31")
        conn = open_db(path)
        with write_transaction(conn):
            demo.build(conn)
    yield conn
    conn.close()


def test_demo_intervals_equal_the_rebuilt_ones(demo_conn):
    kept = intervals(demo_conn)
    assert kept == rebuilt(demo_conn)
    assert len(kept) > demo_conn.execute("SELECT count(*) FROM issues").fetchone()[0]
    assert_contiguous(demo_conn)
    assert issues.states_mismatches(demo_conn) == []


def test_the_current_interval_is_the_issues_row(demo_conn):
    """The open-ended interval holds what the issues row's denormalised columns say."""
    differ = demo_conn.execute(
        "SELECT i.id FROM issues i JOIN issue_states s ON s.issue_id = i.id"
        f" AND s.valid_to = '{issues.FAR_FUTURE}'"
        " WHERE (s.status, s.due, s.resolved_on IS i.resolved_on, s.closed_on IS i.closed_on,"
        " s.on_time IS i.on_time, s.notices, s.reworks, s.extensions, s.late_days,"
        " s.unit_id, s.category) IS NOT (i.status, i.due, 1, 1, 1, i.notices, i.reworks,"
        " i.extensions, i.late_days, i.unit_id, i.category)"
    ).fetchall()
    assert differ == []


def test_migration_backfills_the_intervals_of_an_older_database(tmp_path, demo_conn):
    """A database from before the intervals (their table dropped, version 7) gets them on open."""
    path = tmp_path / "old.db"
    demo_conn.execute(f"VACUUM INTO '{path}'")
    old = open_db(path)
    old.execute("BEGIN IMMEDIATE")
    for (name,) in old.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'issue_states%'"
    ).fetchall():
        old.execute(f"DROP TRIGGER {name}")
    old.execute("DROP TABLE issue_states")
    old.execute("DELETE FROM migrations WHERE name = 'm008_issue_states'")
    # and without what the later migrations added, so that they run again on open
    old.execute("DROP INDEX chain_links_runs")
    old.execute("ALTER TABLE chain_links DROP COLUMN last_id")
    old.execute("DROP TABLE undos")
    old.execute("DROP VIEW issue_history")
    old.execute("DROP TABLE undone_events")
    old.execute("DROP INDEX fund_entries_community_id")
    old.execute("DELETE FROM migrations WHERE id > 8")
    old.execute("PRAGMA user_version = 7")
    old.execute("COMMIT")
    old.close()
    conn = open_db(path)
    try:
        assert intervals(conn) == intervals(demo_conn)
    finally:
        conn.close()


def test_check_reports_intervals_that_differ(tmp_path, demo_conn):
    path = copy_db(Path(demo_conn.execute("PRAGMA database_list").fetchone()[2]), tmp_path / "t.db")
    conn = open_db(path)
    with write_transaction(conn):
        conn.execute("UPDATE issue_states SET status = 'closed' WHERE issue_id = 3")
    conn.close()
    result = run("check", "--db", str(path))
    assert result.exit_code == 1
    assert "问题 3 的状态区间与处置记录不符" in result.stdout + result.stderr


# --- random lifecycles ---------------------------------------------------------------------------

FOUND = date(2026, 7, 1)
ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(
            ["resolve", "pass", "fail", "notify", "extend", "cancel", "reassign", "edit", "undo"]
        ),
        st.integers(0, 4),
        st.integers(1, 20),
    ),
    max_size=20,
)


@pytest.fixture(scope="module")
def blank_city(tmp_path_factory):
    path = tmp_path_factory.mktemp("states") / "blank.db"
    conn = open_db(path)
    with write_transaction(conn):
        units.add_unit(conn, "东城街道", "street")
        units.add_unit(conn, "西街社区", "community", street="东城街道")
        units.add_unit(conn, "东门社区", "community", street="东城街道")
        units.add_unit(conn, "梧桐苑", "compound", community="西街社区")
        units.add_unit(conn, "环卫处", "department")
        units.add_unit(conn, "市政处", "department")
    conn.close()
    return path


@pytest.fixture(scope="module")
def lifecycle_conn(blank_city):
    # One connection for every example; each example's writes are rolled back.
    conn = open_db(Path(tempfile.mkdtemp()) / "t.db")
    copy = open_db(blank_city, write=False)
    copy.backup(conn)
    copy.close()
    yield conn
    conn.close()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(dues=st.lists(st.integers(0, 20), min_size=4, max_size=4), actions=ACTIONS)
def test_random_lifecycles_keep_the_intervals_equal_to_the_rebuilt_ones(
    lifecycle_conn, dues, actions
):
    conn = lifecycle_conn
    conn.execute("BEGIN")
    conn.execute("INSERT INTO command_runs(user, argv) VALUES ('t', 't')")
    try:
        last = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SQJG_TODAY", "2026-12-31")
            for n in range(4):
                found = FOUND + timedelta(days=n)
                issues.add_issue(
                    conn,
                    f"问题{n}",
                    community="西街社区" if n % 2 else "东门社区",
                    category=4,
                    unit="环卫处",
                    due=found + timedelta(days=dues[n]),
                    found=found,
                )
                last.append(found)
            for which, action, step, extra in actions:
                on = last[which] + timedelta(days=step)
                issue_id = which + 1
                try:
                    if action == "resolve":
                        issues.resolve_issue(conn, issue_id, on=on)
                    elif action in ("pass", "fail"):
                        issues.verify_issue(conn, issue_id, passed=action == "pass", on=on)
                    elif action == "notify":
                        issues.notify_issue(conn, issue_id, on=on)
                    elif action == "extend":
                        due = conn.execute(
                            "SELECT due FROM issues WHERE id = ?", (issue_id,)
                        ).fetchone()[0]
                        new_due = max(date.fromisoformat(due), on) + timedelta(days=extra)
                        issues.extend_issue(conn, issue_id, due=new_due, reason="理由", on=on)
                    elif action == "cancel":
                        issues.cancel_issue(conn, issue_id, reason="重复", on=on)
                    elif action == "undo":
                        # What `sqjg undo` takes back: the issue's newest handling event.
                        (newest,) = conn.execute(
                            "SELECT max(id) FROM issue_history WHERE issue_id = ?"
                            " AND event <> 'create'",
                            (issue_id,),
                        ).fetchone()
                        if newest is not None:
                            issues.undo_events(conn, [newest])
                        (on,) = conn.execute(
                            "SELECT last_event_on FROM issues WHERE id = ?", (issue_id,)
                        ).fetchone()
                        on = date.fromisoformat(on)
                    elif action == "reassign":
                        issues.reassign_issue(
                            conn, issue_id, unit="市政处" if extra % 2 else "环卫处", on=on
                        )
                    else:
                        issues.edit_issue(conn, issue_id, kind=f"类型{extra}", serious=extra % 2)
                        continue
                    last[which] = on
                except Invalid:
                    pass
            # A survey sheet's rows go in set-based, their intervals built once.
            issues._insert(
                conn,
                [
                    (
                        "表内问题",
                        2,
                        None,
                        None,
                        1,
                        2,
                        None,
                        "2026-08-01",
                        "2026-08-05",
                        0,
                        None,
                        None,
                    ),
                    (
                        "表内问题",
                        3,
                        None,
                        None,
                        1,
                        3,
                        "占道",
                        "2026-08-02",
                        "2026-08-02",
                        1,
                        None,
                        None,
                    ),
                ],
                bulk=True,
            )
        kept = intervals(conn)
        assert kept == rebuilt(conn)
        assert_contiguous(conn)
        assert issues.history_problems(conn) == []
        # Every as-of reading agrees with the interval holding on its date.
        for issue_id, start, *_rest in kept:
            row = issues.list_issues(conn, as_of=start, issue_id=issue_id)[0]
            s = conn.execute(
                "SELECT status, due, notices FROM issue_states WHERE issue_id = ? AND valid_from = ?",
                (issue_id, start),
            ).fetchone()
            assert (row["status"], row["due"], row["notices"]) == s
    finally:
        conn.execute("ROLLBACK")


# --- one snapshot per document ---------------------------------------------------------------


def _readings(conn, d):
    return (
        issues.summary(conn, d, by="community"),
        issues.summary(conn, d, by="unit"),
        issues.list_issues(conn, as_of=d),
        issues.list_issues(conn, as_of=d, status="overdue", community="西街社区"),
        issues.exposure_board(conn, d, notices=2),
        issues.month_facts(conn, date(2026, 7, 1), date.fromisoformat(d), exposure_notices=2),
        issues.month_counts(
            conn, date(2026, 7, 1), date.fromisoformat(d), "overdue", exposure_notices=2, category=1
        ),
    )


@pytest.mark.parametrize("d", ["2026-07-10", "2026-07-31"])
def test_readings_inside_a_snapshot_are_the_same(demo_conn, d):
    path = demo_conn.execute("PRAGMA database_list").fetchone()[2]
    conn = open_db(path, write=False)  # the report's connection: read-only
    try:
        outside = _readings(conn, d)
        with issues.snapshot(conn, d):
            taken = conn.execute(
                "SELECT count(*) FROM temp.issue_snapshot WHERE d = ?", (d,)
            ).fetchone()[0]
            assert taken == len(outside[2])
            assert "temp.issue_snapshot" in issues.as_of_view(conn, {"d": d})
            assert _readings(conn, d) == outside
        assert not issues._has_snapshot(conn, d)
    finally:
        conn.close()


def test_a_snapshot_leaves_other_temporary_tables_and_transactions_alone(demo_conn):
    """A connection that already holds a temporary table in memory (as an import's sheet) and is
    inside a transaction can still take a snapshot: the temp store is left as it is."""
    path = demo_conn.execute("PRAGMA database_list").fetchone()[2]
    conn = open_db(path, write=False)
    try:
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("CREATE TEMP TABLE sheet (n INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO temp.sheet VALUES (1)")
        conn.execute("BEGIN")
        with issues.snapshot(conn, "2026-07-31"):
            assert issues._has_snapshot(conn, "2026-07-31")
        conn.execute("COMMIT")
        assert conn.execute("SELECT n FROM temp.sheet").fetchall() == [(1,)]
        assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # still MEMORY
    finally:
        conn.close()


def test_the_two_summaries_are_one_query(demo_conn):
    both = issues.summaries(demo_conn, "2026-07-31", ("community", "unit"), exposure_notices=2)
    assert both["community"] == issues.summary(
        demo_conn, "2026-07-31", by="community", exposure_notices=2
    )
    assert both["unit"] == issues.summary(demo_conn, "2026-07-31", by="unit", exposure_notices=2)
