"""`sqjg undo`: the last command of this user reverted whole from the audit trail, asked first;
a handling event is taken out of the history (it stays on its chain); every refusal
(publications, funds entries, later changes, records that depend on it) with its reason."""

import json

import pytest
from conftest import connect, copy_db, db_bytes, ok, refused, run

from sqjg import clikit
from sqjg.safety import check_database

ADD = ["issue", "add", "楼道堆放杂物", "-c", "西街社区", "--category", "1", "--found", "7-20"]


def _clean(db_path):
    conn = connect(db_path)
    try:
        assert check_database(conn, None) == []
    finally:
        conn.close()


def _chains_and_histories_clean(db_path):
    """The part of `sqjg check` an undone event concerns (the whole check costs 0.2 s)."""
    from sqjg import chain, issues

    conn = connect(db_path)
    try:
        assert chain.verify(conn) == [] and issues.history_problems(conn) == []
    finally:
        conn.close()


def _one(db_path, sql, *params):
    conn = connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_undoing_an_issue_add_cancels_it_and_keeps_check_clean(city, db_path):
    ok(*ADD)
    out = ok("undo", "--yes")
    assert "将撤销 tester" in out and "sqjg issue add 楼道堆放杂物" in out
    assert "作废问题 1" in out and out.endswith("已撤销命令 #13。\n")
    issue = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert issue["issue"]["status"] == "cancelled"
    assert issue["events"][-1]["note"].startswith("撤销命令 #13：sqjg issue add")
    # The undo is a command of its own in the audit trail, and remembered as the undo of #13.
    assert _one(db_path, "SELECT run_id, undo_run_id FROM undos") == [(13, 14)]
    assert _one(db_path, "SELECT argv FROM command_runs WHERE id = 14") == [("sqjg undo --yes",)]
    assert _one(db_path, "SELECT count(*) FROM audit_log WHERE run_id = 14")[0][0] > 0
    _clean(db_path)


def test_undo_restores_updates_and_deletes_and_goes_further_back(city, db_path):
    ok(*ADD)
    ok("issue", "edit", "1", "--description", "楼道堆放杂物、电动车乱停", "--location", "3号楼")
    ok("unit", "edit", "西街社区", "--secretary", "李红")
    ok("unit", "add", "临时单位", "--kind", "department")
    ok("unit", "remove", "临时单位")
    out = ok("undo", "--yes")
    assert "恢复单位 13（临时单位）" in out
    assert "临时单位" in ok("unit", "list")
    out = ok("undo", "--yes")  # the next undo reverts the command before: the add
    assert "删除单位 13（临时单位）" in out
    assert "临时单位" not in ok("unit", "list")
    out = ok("undo", "--yes")
    assert "改回单位 3：secretary: 李红 → 王丽" in out
    assert (
        json.loads(ok("unit", "show", "西街社区", "--format", "json"))["unit"]["secretary"]
        == "王丽"
    )
    ok("undo", "--yes")
    issue = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert issue["issue"]["description"] == "楼道堆放杂物" and issue["issue"]["location"] is None
    assert [e["event"] for e in issue["events"]] == ["create"]  # the correction is gone
    _clean(db_path)


def _issue():
    return json.loads(ok("issue", "show", "1", "--format", "json"))


RESOLVE = ["issue", "resolve", "1", "--date", "7-25"]


@pytest.mark.parametrize(
    ("first", "command", "field", "value"),
    [
        ([], RESOLVE, "status", "resolved"),
        (
            RESOLVE,
            ["issue", "verify", "1", "--pass", "--by", "张明", "-d", "7-28"],
            "status",
            "closed",
        ),
        ([], ["issue", "notify", "1", "--date", "7-22"], "notices", 1),
        ([], ["issue", "extend", "1", "--due", "8-10", "--reason", "雨天"], "due", "2026-08-10"),
        ([], ["issue", "reassign", "1", "--unit", "交通局", "--category", "3"], "unit", "交通局"),
        ([], ["issue", "cancel", "1", "--reason", "重复"], "status", "cancelled"),
    ],
    ids=["resolve", "verify", "notify", "extend", "reassign", "cancel"],
)
def test_a_handling_event_is_taken_out_of_the_history(city, db_path, first, command, field, value):
    ok(*ADD)
    if first:
        ok(*first)
    before = _issue()
    ok(*command)
    assert _issue()["issue"][field] == value
    out = ok("undo", "--yes")
    assert "撤销问题 1 的处置记录：2026-07-" in out and "记录留在哈希链上" in out
    after = _issue()
    assert after["issue"] == before["issue"] and after["events"] == before["events"]
    # Read back "as of" any day, the event never happened; the chain still holds it.
    listed = json.loads(ok("issue", "list", "--as-of", "7-31", "--format", "json"))
    assert {k: listed[0][k] for k in ("status", "notices", "due", "unit")} == {
        k: before["issue"][k] for k in ("status", "notices", "due", "unit")
    }
    assert _one(db_path, "SELECT count(*) FROM issue_events")[0][0] == len(before["events"]) + 1
    assert _one(db_path, "SELECT count(*) FROM undone_events")[0][0] == 1
    _chains_and_histories_clean(db_path)
    # And the command before it can be undone next: the undone command no longer counts.
    assert ("作废问题 1" if not first else "撤销问题 1 的处置记录") in ok("undo", "--yes")


def test_an_undone_resolve_no_longer_counts_as_of_its_day(city, db_path):
    """The intervals (issue_states) every as-of figure reads are rebuilt without the event."""
    ok(*ADD)
    ok(*RESOLVE)

    def as_of(day):
        listed = json.loads(ok("issue", "list", "--as-of", day, "--format", "json"))
        total = json.loads(ok("issue", "summary", "--as-of", day, "--format", "json"))[-1]
        return listed[0]["status"], total["resolved"], total["resolved_ever"], total["open"]

    assert as_of("7-26") == ("resolved", 1, 1, 0)
    ok("undo", "--yes")
    assert as_of("7-26") == as_of("7-31") == ("open", 0, 0, 1)
    assert _one(db_path, "SELECT count(*) FROM issue_states WHERE status = 'resolved'") == [(0,)]
    _clean(db_path)  # the chains intact, the intervals equal to a rebuild
    # Resolved again on another day, the history reads as if the first never was.
    ok("issue", "resolve", "1", "--date", "7-23")
    assert as_of("7-24") == ("resolved", 1, 1, 0)
    _chains_and_histories_clean(db_path)


def test_only_this_users_commands_are_undone(city, db_path, monkeypatch):
    ok(*ADD)
    monkeypatch.setenv("SQJG_USER", "other")
    ok("unit", "add", "临时单位", "--kind", "department")
    monkeypatch.setenv("SQJG_USER", "tester")
    assert "sqjg issue add" in ok("undo", "--yes")
    assert "临时单位" in ok("unit", "list")


def _fund_add():
    ok("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "500")


def _handled_then_resolved_by_someone_else(monkeypatch):
    ok(*ADD)
    ok("issue", "notify", "1", "--date", "7-22")
    monkeypatch.setenv("SQJG_USER", "other")
    ok(*RESOLVE)
    monkeypatch.setenv("SQJG_USER", "tester")


def _later_by_someone_else(monkeypatch):
    ok("unit", "edit", "西街社区", "--secretary", "李红")
    monkeypatch.setenv("SQJG_USER", "other")
    ok("unit", "edit", "西街社区", "--director", "赵强")
    monkeypatch.setenv("SQJG_USER", "tester")


def _referenced(monkeypatch):
    ok("unit", "add", "新社区", "--kind", "community", "--street", "东城街道")
    monkeypatch.setenv("SQJG_USER", "other")
    ok("unit", "add", "新小区", "--kind", "compound", "--community", "新社区")
    monkeypatch.setenv("SQJG_USER", "tester")


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda mp: _fund_add(), "sqjg fund void"),
        (
            _later_by_someone_else,
            "之后的命令 #14（other：sqjg unit edit 西街社区 --director 赵强）",
        ),
        (_referenced, "之后登记的记录（单位 14）引用了它新增的 单位 13"),
        (
            _handled_then_resolved_by_someone_else,
            "之后的命令 #15（other：sqjg issue resolve 1 --date 7-25）又改动了同一条记录（问题 1）",
        ),
    ],
    ids=["funds", "later-change", "depended-on", "handled-later"],
)
def test_refusals_say_why_and_write_nothing(city, db_path, monkeypatch, setup, message):
    setup(monkeypatch)
    before = db_bytes(db_path)
    err = refused("undo", "--yes")
    assert err.startswith("不能撤销命令 #") and message in err
    assert db_bytes(db_path) == before
    # --list gives the same reason beside the command.
    assert message in ok("undo", "--list")


def test_a_publication_is_not_undone(city, db_path):
    ok("rank", "--month", "7", "--publish", "--yes", "--allow-missing")
    err = refused("undo", "--yes")
    assert "sqjg rank --publish --force" in err


def test_nothing_to_undo(city, db_path, monkeypatch):
    monkeypatch.setenv("SQJG_USER", "newcomer")
    assert "没有可撤销的命令：用户 newcomer" in refused("undo", "--yes")


def test_off_a_terminal_it_asks_for_yes(city, db_path):
    ok(*ADD)
    before = db_bytes(db_path)
    result = run("undo")
    assert result.exit_code == 1
    assert "将撤销" in result.stdout and "--yes" in result.stderr
    assert db_bytes(db_path) == before


@pytest.mark.parametrize(("answer", "done"), [("y\n", True), ("n\n", False)])
def test_on_a_terminal_it_asks(city, db_path, monkeypatch, answer, done):
    ok(*ADD)
    monkeypatch.setattr(clikit, "can_ask", lambda: True)
    result = run("undo", input=answer)
    assert "确定撤销吗？" in result.stdout
    status = json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]["status"]
    assert (result.exit_code, status) == ((0, "cancelled") if done else (1, "open"))
    if not done:
        assert "已取消" in result.stderr


def test_list_shows_what_can_be_undone(city, db_path):
    ok(*ADD)
    ok("unit", "edit", "西街社区", "--secretary", "李红")
    ok("undo", "--yes")
    rows = json.loads(ok("undo", "--list", "--format", "json"))
    assert [(r["run"], r["undoable"]) for r in rows[:3]] == [(14, False), (13, True), (12, True)]
    assert rows[0]["undo"] == "已撤销（命令 #15）"
    assert rows[1]["undo"] == "可以：sqjg undo 撤销它"
    assert rows[2]["undo"] == "可以，在其后的命令撤销之后"
    assert "楼道堆放杂物" in ok("undo", "--list")


def test_a_trigger_repair_is_not_undone(city, db_path):
    import sqlite3

    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER audit_meetings_insert")
    raw.close()
    # What `sqjg check --repair-triggers` writes, without the whole check after it.
    from sqjg.db import open_db, write_transaction
    from sqjg.safety import repair_triggers

    conn = open_db(db_path)
    with write_transaction(conn, "sqjg check --repair-triggers"):
        assert repair_triggers(conn)
    conn.close()
    assert "重建了数据库的触发器或索引" in refused("undo", "--yes")


def _meeting():
    ok("meeting", "add", "-c", "西街社区", "--date", "7-10", "--attendees", "20")


def _resolved():
    ok(*ADD)
    ok(*RESOLVE)


@pytest.mark.parametrize(
    ("setup", "gone"),
    [
        (_meeting, "SELECT count(*) FROM meetings"),
        (_resolved, "SELECT count(*) FROM issue_history WHERE event = 'resolve'"),
    ],
    ids=["meeting", "handling-event"],
)
def test_undoing_an_entry_of_a_published_month_needs_late(city, db_path, monkeypatch, setup, gone):
    setup()
    monkeypatch.setenv("SQJG_USER", "other")
    ok("rank", "--month", "7", "--publish", "--yes", "--allow-missing")
    monkeypatch.setenv("SQJG_USER", "tester")
    before = db_bytes(db_path)
    assert "--late --reason" in refused("undo", "--yes")
    assert db_bytes(db_path) == before
    ok("undo", "--yes", "--late", "--reason", "登错了")
    assert _one(db_path, gone)[0][0] == 0
    assert _one(db_path, "SELECT reason FROM late_entries") == [("登错了",)]


def test_a_compact_audit_row_stands_for_each_row_it_covers(city, db_path, monkeypatch):
    """A bulk import may audit its rows as one compact row per table ({"rows", "first_id",
    "last_id", ...}): undo reads it as the rows it covers, and sees later changes to any of them."""
    from sqjg import undo
    from sqjg.db import open_db, write_transaction

    for day in ("7-1", "7-2", "7-3"):
        ok("meeting", "add", "-c", "西街社区", "--date", day, "--attendees", "9")
    compact = {"rows": 3, "first_id": 1, "last_id": 3, "columns": ["id"], "sha256": "0" * 64}
    conn = open_db(db_path)
    with write_transaction(conn, "sqjg meeting import 会议.csv"):
        conn.execute(
            "INSERT INTO audit_log(run_id, entity, entity_id, op, before, after)"
            " VALUES ((SELECT max(id) FROM command_runs), 'meetings', 1, 'insert', NULL, ?)",
            (json.dumps(compact),),
        )
    run = undo.last(conn, "tester")
    conn.close()
    assert [(c.entity, c.entity_id, c.after["held_on"]) for c in run.changes] == [
        ("meetings", 1, "2026-07-01"), ("meetings", 2, "2026-07-02"), ("meetings", 3, "2026-07-03"),
    ]  # fmt: skip
    assert run.reason is None
    monkeypatch.setenv("SQJG_USER", "other")
    ok("activity", "remove", "meeting", "2")
    monkeypatch.setenv("SQJG_USER", "tester")
    assert "又改动了同一条记录（共建委会议 2）" in refused("undo", "--yes")


def test_an_undone_resolve_logs_only_real_changes(city):
    ok(*ADD)
    ok("issue", "resolve", "1", "--date", "7-25")
    ok("undo", "--yes")
    entries = json.loads(ok("log", "--entity", "issue", "--id", "1", "--format", "json"))
    undo_rows = [e for e in entries if e["command"] == "sqjg undo --yes"]
    # One update, the restore: deriving the row again from its history changes nothing more and
    # writes nothing (it used to log a second update that showed no change).
    assert [(e["entity"], e["op"]) for e in undo_rows] == [("issues", "update")]
    assert undo_rows[0]["changes"]["status"] == ["resolved", "open"]


SHEET = "问题,社区,小区,类别,整改时限,发现日期\n" + "".join(
    f"楼道堆放杂物{n},西街社区,梧桐苑,1,2026-07-2{n},2026-07-1{n}\n" for n in range(5)
)


def _derived(db_path):
    """What an issue's cancellation leaves, without the clock's columns."""
    return (
        _one(db_path, "SELECT id, status, due, closed_on, last_event_on FROM issues ORDER BY id"),
        _one(db_path, "SELECT issue_id, event, happened_on, note FROM issue_events ORDER BY id"),
        _one(db_path, "SELECT * FROM issue_states ORDER BY issue_id, valid_from"),
    )


def test_undoing_an_import_cancels_its_issues_together_as_one_by_one(city, db_path, tmp_path):
    from sqjg import issues
    from sqjg.db import open_db, write_transaction

    sheet = tmp_path / "排查表.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    one_by_one = tmp_path / "one-by-one.db"
    copy_db(city, one_by_one)
    ok("issue", "import", str(sheet))
    ok("issue", "import", str(sheet), "--db", str(one_by_one))
    assert "作废问题 5" in ok("undo", "--yes")
    # The same five cancellations through the per-issue path, with the reason undo gives.
    (note,) = _one(db_path, "SELECT DISTINCT note FROM issue_events WHERE event = 'cancel'")[0]
    conn = open_db(one_by_one)
    with write_transaction(conn, "sqjg by hand"):
        for issue_id in range(1, 6):
            issues.cancel_issue(conn, issue_id, reason=note)
    conn.close()
    assert note.startswith("撤销命令 #13：sqjg issue import")
    assert _derived(db_path) == _derived(one_by_one)
    assert {r[1] for r in _derived(db_path)[0]} == {"cancelled"}
    # Each cancel event audited and on its chain; intervals equal to the ones rebuilt from events.
    assert _one(db_path, "SELECT count(*) FROM audit_log WHERE entity = 'issue_events'"
                " AND op = 'insert' AND run_id = 14")[0][0] == 5  # fmt: skip
    _clean(db_path)
