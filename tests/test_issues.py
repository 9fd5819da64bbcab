"""sqjg.issues: the fit rule, the lifecycle, and every figure "as of" a date -- checked against
hand-computed values and against a plain-Python replay of random histories."""

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import built_once, connect, ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqjg import issues, units
from sqjg.db import open_db, write_transaction
from sqjg.errors import Invalid, NotFound


def build_survey():
    """The hand-computed example (on the conftest `city`), recorded with SQJG_TODAY=2026-07-31.

    西街社区 (东城街道; lead unit 交通局):
      1 cat 1, due 7-10: resolved 7-08, verified 7-09            → closed on time
      2 cat 3 (交通局), due 7-10: resolved 7-12, verified 7-13  → closed late (overdue)
      3 cat 4 环卫处, due 7-20: resolved 7-15, failed 7-16, resolved 7-18, verified 7-19
                                                                → closed on time, one rework
      4 cat 2 (东城街道), due 7-15: notice 7-16                  → open, overdue
      5 cat 1, due 7-20: extended on 7-18 to 8-15                → open, not yet due
      6 cat 1, due 7-25: resolved 7-24                           → resolved, awaiting verification
      7 cat 1, due 7-12: cancelled 7-05                          → cancelled
    东门社区 (西城街道; lead unit 市财政局):
      8 cat 3 (市财政局), due 7-31                               → open, due today, not overdue
      9 cat 1, due 7-20, serious                                 → open, overdue, on the board
    """

    def add(*args):
        return json.loads(ok("issue", "add", *args, "--found", "7-1", "--format", "json"))["id"]

    ids = [
        add(
            "楼道堆物",
            "-c",
            "西街社区",
            "--category",
            "1",
            "--due",
            "7-10",
            "--compound",
            "梧桐苑",
            "--kind",
            "乱堆乱放",
        ),
        add("乱倒垃圾", "-c", "西街社区", "--category", "3", "--due", "7-10", "--kind", "乱倒垃圾"),
        add(
            "道路清扫不及时",
            "-c",
            "西街社区",
            "--category",
            "4",
            "--unit",
            "环卫处",
            "--due",
            "7-20",
        ),
        add("占道经营", "-c", "西街社区", "--category", "2", "--due", "7-15", "--kind", "占道"),
        add("毁绿种菜", "-c", "西街社区", "--category", "1", "--due", "7-20", "--kind", "毁绿种菜"),
        add("卫生死角", "-c", "西街社区", "--category", "1", "--due", "7-25", "--kind", "卫生死角"),
        add("重复登记的卫生死角", "-c", "西街社区", "--category", "1", "--due", "7-12"),
        add("宿舍区乱堆乱放", "-c", "东门社区", "--category", "3", "--due", "7-31"),
        add("化粪池外溢", "-c", "东门社区", "--category", "1", "--due", "7-20", "--serious"),
    ]
    assert ids == list(range(1, 10))
    for args in (
        ("resolve", "1", "--date", "7-8"),
        ("verify", "1", "--pass", "--by", "三创办张明", "--date", "7-9"),
        ("resolve", "2", "--date", "7-12"),
        ("verify", "2", "--pass", "--by", "三创办张明", "--date", "7-13"),
        ("resolve", "3", "--date", "7-15"),
        ("verify", "3", "--fail", "--by", "三创办张明", "--date", "7-16"),
        ("resolve", "3", "--date", "7-18"),
        ("verify", "3", "--pass", "--by", "三创办张明", "--date", "7-19"),
        ("notify", "4", "--date", "7-16"),
        ("extend", "5", "--due", "8-15", "--reason", "苗木采购", "--date", "7-18"),
        ("resolve", "6", "--date", "7-24"),
        ("cancel", "7", "--reason", "重复登记", "--date", "7-5"),
    ):
        ok("issue", *args)
    return ids


@pytest.fixture
def survey(city):
    built_once("test_issues.survey", city, build_survey)
    return city


def ids_of(conn, *names):
    return [
        conn.execute("SELECT id FROM units WHERE name = ? AND kind <> 'compound'", (n,)).fetchone()[
            0
        ]
        for n in names
    ]


# --- the indicators on the hand-computed example -----------------------------------------------


def test_summary_by_community_hand_computed(survey):
    conn = connect(survey)
    west, east, total = issues.summary(conn, "2026-07-31")
    assert (west["name"], west["street"], west["level"]) == ("西街社区", "东城街道", "community")
    assert {k: west[k] for k in issues.SUMMARY_COUNTS} == {
        "total": 6,
        "category_1": 3,
        "category_2": 1,
        "category_3": 1,
        "category_4": 1,
        "open": 2,
        "resolved": 1,
        "closed": 3,
        "cancelled": 1,
        "overdue": 2,
        "overdue_pending": 1,
        "due": 5,
        "closed_due": 3,
        "on_time_due": 2,
        "reworked": 1,
        "resolved_ever": 4,
        "extended": 1,
        "exposure": 0,
    }
    assert {k: west[k] for k in issues.SUMMARY_RATES} == {
        "closure_rate": 0.6,
        "on_time_rate": 0.4,
        "rework_rate": 0.25,
        "overdue_pending_rate": 0.2,
        "extension_rate": 0.1667,
    }
    assert {k: east[k] for k in issues.SUMMARY_COUNTS} == {
        "total": 2,
        "category_1": 1,
        "category_2": 0,
        "category_3": 1,
        "category_4": 0,
        "open": 2,
        "resolved": 0,
        "closed": 0,
        "cancelled": 0,
        "overdue": 1,
        "overdue_pending": 1,
        "due": 2,
        "closed_due": 0,
        "on_time_due": 0,
        "reworked": 0,
        "resolved_ever": 0,
        "extended": 0,
        "exposure": 1,
    }
    assert {k: east[k] for k in issues.SUMMARY_RATES} == {
        "closure_rate": 0.0,
        "on_time_rate": 0.0,
        "rework_rate": None,
        "overdue_pending_rate": 0.5,
        "extension_rate": 0.0,
    }
    assert (total["level"], total["name"], total["id"]) == ("total", "合计", None)
    assert {
        k: total[k] for k in ("total", "due", "closed_due", "on_time_due", "overdue", "cancelled")
    } == {
        "total": 8,
        "due": 7,
        "closed_due": 3,
        "on_time_due": 2,
        "overdue": 3,
        "cancelled": 1,
    }
    assert {k: total[k] for k in issues.SUMMARY_RATES} == {
        "closure_rate": 0.4286,
        "on_time_rate": 0.2857,
        "rework_rate": 0.25,
        "overdue_pending_rate": 0.2857,
        "extension_rate": 0.125,
    }


def test_summary_as_of_an_earlier_day_reads_the_history(survey):
    conn = connect(survey)
    west = issues.summary(conn, "2026-07-14")[0]
    # On 7-14: 1 and 2 closed; 3, 4, 5, 6 open (3's events, 4's notice, 5's extension came later).
    assert {
        k: west[k]
        for k in (
            "total",
            "open",
            "resolved",
            "closed",
            "cancelled",
            "due",
            "closed_due",
            "on_time_due",
            "overdue",
            "overdue_pending",
            "reworked",
            "extended",
        )
    } == {
        "total": 6,
        "open": 4,
        "resolved": 0,
        "closed": 2,
        "cancelled": 1,
        "due": 2,
        "closed_due": 2,
        "on_time_due": 1,
        "overdue": 1,
        "overdue_pending": 0,
        "reworked": 0,
        "extended": 0,
    }
    assert west["closure_rate"] == 1.0 and west["on_time_rate"] == 0.5
    # Before anything was found there is nothing, and every rate is undefined.
    empty = issues.summary(conn, "2026-06-30")[-1]
    assert empty["total"] == 0 and empty["closure_rate"] is None


def test_summary_by_unit_and_street(survey):
    conn = connect(survey)
    rows = issues.summary(conn, "2026-07-31", by="unit")
    assert [(r["name"], r["total"], r["due"], r["on_time_due"]) for r in rows] == [
        ("东城街道", 1, 1, 0),
        ("西街社区", 3, 2, 1),
        ("东门社区", 1, 1, 0),
        ("交通局", 1, 1, 0),
        ("市财政局", 1, 1, 0),
        ("环卫处", 1, 1, 1),
        ("合计", 8, 7, 2),
    ]
    assert rows[1]["unit_kind"] == "community" and rows[1]["cancelled"] == 1
    streets = issues.summary(conn, "2026-07-31", by="street")
    assert [(r["name"], r["total"]) for r in streets] == [
        ("东城街道", 6),
        ("西城街道", 2),
        ("合计", 8),
    ]
    with pytest.raises(Invalid, match="--by"):
        issues.summary(conn, "2026-07-31", by="planet")


def test_month_facts_and_unit_facts(survey):
    conn = connect(survey)
    west, east = ids_of(conn, "西街社区", "东门社区")
    july = (date(2026, 7, 1), date(2026, 7, 31))
    assert issues.month_facts(conn, *july, exposure_notices=3) == {
        west: {
            "due": 5,
            "due_closed_on_time": 2,
            "overdue": 2,
            "overdue_pending": 1,
            "exposure": 0,
        },
        east: {
            "due": 2,
            "due_closed_on_time": 0,
            "overdue": 1,
            "overdue_pending": 1,
            "exposure": 1,
        },
    }
    # A notice is enough for the board when N is 1 (issue 4 got one).
    assert issues.month_facts(conn, *july, exposure_notices=1)[west]["exposure"] == 1
    # The first half of July, as it stood on the 15th.
    half = issues.month_facts(conn, date(2026, 7, 1), date(2026, 7, 15), exposure_notices=3)
    assert half[west] == {
        "due": 3,
        "due_closed_on_time": 1,
        "overdue": 1,
        "overdue_pending": 0,
        "exposure": 0,
    }
    # Compounds: only issue 1 has one.
    wutong = conn.execute("SELECT id FROM units WHERE name = '梧桐苑'").fetchone()[0]
    assert issues.month_facts(conn, *july, exposure_notices=3, by="compound") == {
        wutong: {
            "due": 1,
            "due_closed_on_time": 1,
            "overdue": 0,
            "overdue_pending": 0,
            "exposure": 0,
        }
    }
    jt, cz, hw, street, east_c = ids_of(
        conn, "交通局", "市财政局", "环卫处", "东城街道", "东门社区"
    )
    assert issues.unit_facts(conn, *july) == {
        jt: {"due": 1, "due_closed_on_time": 0},
        cz: {"due": 1, "due_closed_on_time": 0},
    }
    every = issues.unit_facts(conn, *july, category=None)
    assert every[west] == {"due": 2, "due_closed_on_time": 1}
    assert every[hw] == {"due": 1, "due_closed_on_time": 1}
    assert every[street] == {"due": 1, "due_closed_on_time": 0} and every[east_c] == {
        "due": 1,
        "due_closed_on_time": 0,
    }
    # August: only issue 5 (extended to 8-15) falls due, and it is not closed.
    aug = issues.month_facts(conn, date(2026, 8, 1), date(2026, 8, 31), exposure_notices=3)
    assert aug[west]["due"] == 1 and aug[west]["due_closed_on_time"] == 0


def test_fixed_in_august_is_still_overdue_as_of_july_31(survey, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-20")
    ok("issue", "resolve", "4", "--date", "8-5")
    ok("issue", "verify", "4", "--pass", "--by", "三创办张明", "--date", "8-6")
    ok("issue", "resolve", "9", "--date", "8-3")
    ok("issue", "notify", "8", "--date", "8-2")
    conn = connect(survey)
    july = {r["id"]: r for r in issues.list_issues(conn, as_of="2026-07-31")}
    assert (july[4]["status"], july[4]["overdue"], july[4]["days_overdue"], july[4]["on_time"]) == (
        "open",
        True,
        16,
        None,
    )
    assert (july[9]["status"], july[9]["overdue"], july[9]["days_overdue"]) == ("open", True, 11)
    assert july[8]["notices"] == 0
    now = {r["id"]: r for r in issues.list_issues(conn)}
    assert (now[4]["status"], now[4]["overdue"], now[4]["days_overdue"], now[4]["on_time"]) == (
        "closed",
        True,
        21,
        False,
    )
    # Ranking July in August does not see August's fixes.
    west, east = ids_of(conn, "西街社区", "东门社区")
    facts = issues.month_facts(conn, date(2026, 7, 1), date(2026, 7, 31), exposure_notices=3)
    assert facts[west]["overdue_pending"] == 1 and facts[east]["exposure"] == 1
    assert [r["id"] for r in issues.exposure_board(conn, "2026-07-31", notices=3)] == [9]
    assert [r["id"] for r in issues.exposure_board(conn, "2026-08-20", notices=3)] == [9]
    assert issues.history_problems(conn) == []


def test_due_in_force_before_an_extension(survey):
    conn = connect(survey)
    before = issues.list_issues(conn, as_of="2026-07-17", issue_id=5)[0]
    after = issues.list_issues(conn, as_of="2026-07-18", issue_id=5)[0]
    assert (before["due"], before["extensions"], before["original_due"]) == (
        "2026-07-20",
        0,
        "2026-07-20",
    )
    assert (after["due"], after["extensions"]) == ("2026-08-15", 1)
    late = issues.list_issues(conn, as_of="2026-07-21", issue_id=5)[0]
    assert late["overdue"] is False
    on_15 = issues.list_issues(conn, as_of="2026-07-15", issue_id=4)[0]
    on_16 = issues.list_issues(conn, as_of="2026-07-16", issue_id=4)[0]
    assert (on_15["overdue"], on_15["notices"]) == (False, 0)
    assert (on_16["overdue"], on_16["days_overdue"], on_16["notices"]) == (True, 1, 1)


def test_history_shows_rework_and_reopen(survey):
    conn = connect(survey)
    states = [
        issues.list_issues(conn, as_of=f"2026-07-{d}", issue_id=3)[0] for d in (14, 15, 16, 18, 19)
    ]
    assert [(s["status"], s["reworks"], s["resolved_on"]) for s in states] == [
        ("open", 0, None),
        ("resolved", 0, "2026-07-15"),
        ("open", 1, None),
        ("resolved", 1, "2026-07-18"),
        ("closed", 1, "2026-07-18"),
    ]
    assert states[-1]["on_time"] is True and states[-1]["closed_on"] == "2026-07-19"


# --- the fit rule and the registry -------------------------------------------------------------


def test_parse_category():
    for text, n in [
        ("1", 1),
        ("第2类", 2),
        ("三类", 3),
        ("四", 4),
        (4, 4),
        ("４", 4),
        ("社区", 1),
        ("小区", 1),
        ("街道", 2),
        ("共建单位", 3),
        ("职能部门", 4),
    ]:
        assert issues.parse_category(text) == n
    for bad in ("0", "5", "", "x", "第五类"):
        with pytest.raises(Invalid, match="类别"):
            issues.parse_category(bad)


@pytest.mark.parametrize(
    "category,unit,expected",
    [
        (1, None, "西街社区"),
        (1, "西街社区", "西街社区"),
        (1, "梧桐苑", "梧桐苑"),
        (1, "西街社区/向阳小区", "向阳小区"),
        (2, None, "东城街道"),
        (2, "东城街道", "东城街道"),
        (3, None, "交通局"),
        (3, "市人社局", "市人社局"),
        (4, "环卫处", "环卫处"),
    ],
)
def test_fit_rule_both_lookups_agree(city, category, unit, expected):
    conn = connect(city)
    community = units.find_community(conn, "西街社区")
    for look in (issues._SqlLookup(conn), issues._Registry(conn)):
        assert issues.responsible_party(look, community, category, unit).name == expected


@pytest.mark.parametrize(
    "category,unit,message",
    [
        (
            1,
            "东门社区",
            "类别 1（社区/小区）的责任方应为社区“西街社区”本身或它的小区，“东门社区”不是。",
        ),
        (1, "东门社区/向阳小区", "本身或它的小区"),
        (
            2,
            "西城街道",
            "类别 2（街道）的责任方应为社区“西街社区”所属的“东城街道”，“西城街道”不是。",
        ),
        (
            3,
            "市财政局",
            "类别 3（共建单位）的责任单位应为与社区“西街社区”共建的单位（交通局、市人社局），“市财政局”不是。",
        ),
        (3, "环卫处", "共建的单位"),
        (3, "华丰食品有限公司", "共建的单位"),
        (4, None, "类别 4（职能部门）的问题要指明责任部门，可选：环卫处。"),
        (4, "交通局", "类别 4（职能部门）的责任单位应为职能部门（环卫处），“交通局”不是。"),
    ],
)
def test_fit_rule_refusals_say_what_the_category_expects(city, category, unit, message):
    conn = connect(city)
    community = units.find_community(conn, "西街社区")
    for look in (issues._SqlLookup(conn), issues._Registry(conn)):
        with pytest.raises(Invalid) as e:
            issues.responsible_party(look, community, category, unit)
        assert message in str(e.value)


def test_category_3_without_a_lead_unit(city):
    ok("unit", "add", "北关社区", "--kind", "community", "--street", "东城街道")
    conn = connect(city)
    community = units.find_community(conn, "北关社区")
    with pytest.raises(
        Invalid, match="社区“北关社区”没有牵头单位，类别 3 的问题要指明责任单位，可选：（无）。"
    ):
        issues.responsible_party(issues._SqlLookup(conn), community, 3, None)


def test_unknown_unit(city):
    conn = connect(city)
    community = units.find_community(conn, "西街社区")
    for look in (issues._SqlLookup(conn), issues._Registry(conn)):
        with pytest.raises(NotFound, match="交通厅"):
            issues.responsible_party(look, community, 3, "交通厅")


# --- sqjg check ----------------------------------------------------------------------------------


def test_history_problems_finds_tampering(survey):
    conn = connect(survey)
    assert issues.history_problems(conn) == []
    rw = open_db(survey)
    with write_transaction(rw):
        rw.execute("UPDATE issues SET notices = 5, on_time = 0 WHERE id = 1")
        rw.execute(
            "UPDATE issue_events SET happened_on = '2026-07-30' WHERE issue_id = 2 AND event = 'resolve'"
        )
        rw.execute("DELETE FROM issue_events WHERE issue_id = 8")
        rw.execute(
            "INSERT INTO issue_events(issue_id, event, happened_on, due) VALUES (5, 'extend', '2026-07-19', '2026-08-01')"
        )
    rw.close()
    problems = issues.history_problems(connect(survey))
    assert "问题 1 的 on_time、notices 与处置记录不符。" in problems
    assert "问题 2 的处置记录没有按日期先后登记。" in problems
    assert any(p.startswith("问题 8 的第一条记录应是发现当日的立案") for p in problems)
    assert "问题 5 的延期没有把整改时限往后推。" in problems


def test_check_command_includes_issue_histories(survey):
    from sqjg.safety import check_database

    assert check_database(connect(survey)) == []


# --- random histories against a plain-Python replay ----------------------------------------------

FOUND = date(2026, 7, 1)
TODAY = date(2026, 9, 30)


def replay(found, original_due, serious, events, d):
    """The issue as of d, computed the obvious way from its recorded events."""
    if found > d:
        return None
    status, due, resolved, closed = "open", original_due, None, None
    notices = reworks = extensions = late = 0
    for event, on, new_due in events:
        if on > d:
            break
        if event == "resolve":
            status, resolved = "resolved", on
        elif event == "verify_pass":
            status, closed = "closed", on
        elif event == "verify_fail":
            status, resolved, reworks = "open", None, reworks + 1
        elif event == "cancel":
            status, resolved = "cancelled", None
        elif event == "notify":
            notices += 1
        elif event == "extend":
            # Days already overdue when the extension came stay overdue.
            late += max(0, (on - due).days)
            due, extensions = new_due, extensions + 1
    overdue = status != "cancelled" and ((resolved or d) > due or late > 0)
    return {
        "status": status,
        "due": due.isoformat(),
        "resolved_on": resolved.isoformat()
        if resolved and status in ("resolved", "closed")
        else None,
        "closed_on": closed.isoformat() if status == "closed" else None,
        "notices": notices,
        "reworks": reworks,
        "extensions": extensions,
        "overdue": overdue,
        "days_overdue": late + max(0, ((resolved or d) - due).days) if overdue else 0,
        "on_time": (resolved <= due and late == 0) if status == "closed" else None,
    }


def overdue_in_period(m, want, first, d):
    """The month's overdue figure for one issue: open past due at d, fixed late in [first, d],
    or extended late in [first, d] (the days it came late for stay overdue)."""
    if want["status"] == "cancelled":
        return False
    if want["status"] == "open" and d.isoformat() > want["due"]:
        return True
    resolved = want["resolved_on"]
    if resolved and first.isoformat() <= resolved <= d.isoformat() and resolved > want["due"]:
        return True
    due = m["due"]
    for event, on, new_due in m["events"]:
        if on > d:
            break
        if event == "extend":
            if first <= on and on > due:
                return True
            due = new_due
    return False


ACTIONS = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from(["resolve", "pass", "fail", "notify", "extend", "cancel", "reassign"]),
        st.integers(0, 6),
        st.integers(1, 20),
    ),
    max_size=25,
)


_CITY: list = []


def _fresh_db():
    """The connection every example uses, inside a transaction the example rolls back: the
    database and its units are made once (a new file per example cost most of the test's time)."""
    if not _CITY:
        conn = open_db(Path(tempfile.mkdtemp()) / "t.db")
        with write_transaction(conn):
            units.add_unit(conn, "东城街道", "street")
            units.add_unit(conn, "西街社区", "community", street="东城街道")
            units.add_unit(conn, "东门社区", "community", street="东城街道")
            units.add_unit(conn, "交通局", "unit", community="西街社区,东门社区", lead=False)
            units.add_unit(conn, "环卫处", "department")
            units.add_unit(conn, "市政处", "department")
        _CITY.append(conn)
    conn = _CITY[0]
    conn.execute("BEGIN")
    conn.execute("INSERT INTO command_runs(user, argv) VALUES ('t', 't')")
    return conn


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    dues=st.lists(st.integers(0, 30), min_size=4, max_size=4),
    serious=st.lists(st.booleans(), min_size=4, max_size=4),
    actions=ACTIONS,
    probes=st.lists(st.integers(-2, 95), min_size=1, max_size=8),
    notices_n=st.integers(1, 3),
)
def test_as_of_matches_a_replay_of_the_history(
    monkeypatch, dues, serious, actions, probes, notices_n
):
    monkeypatch.setenv("SQJG_TODAY", TODAY.isoformat())
    conn = _fresh_db()
    try:
        model = []
        for n in range(4):
            found = FOUND + timedelta(days=n)
            due = found + timedelta(days=dues[n])
            issues.add_issue(
                conn,
                f"问题{n}",
                community="西街社区" if n % 2 else "东门社区",
                category=4,
                unit="环卫处",
                due=due,
                found=found,
                serious=serious[n],
            )
            model.append(
                {"found": found, "due": due, "serious": serious[n], "events": [], "last": found}
            )
        for which, action, step, extra in actions:
            m = model[which]
            on = m["last"] + timedelta(days=step)
            issue_id = which + 1
            try:
                if action == "resolve":
                    issues.resolve_issue(conn, issue_id, on=on)
                    m["events"].append(("resolve", on, None))
                elif action in ("pass", "fail"):
                    issues.verify_issue(conn, issue_id, passed=action == "pass", on=on)
                    m["events"].append(
                        ("verify_pass" if action == "pass" else "verify_fail", on, None)
                    )
                elif action == "notify":
                    issues.notify_issue(conn, issue_id, on=on)
                    m["events"].append(("notify", on, None))
                elif action == "extend":
                    current = max([e[2] for e in m["events"] if e[0] == "extend"] or [m["due"]])
                    new_due = max(current, on) + timedelta(days=extra)
                    issues.extend_issue(conn, issue_id, due=new_due, reason="理由", on=on)
                    m["events"].append(("extend", on, new_due))
                elif action == "cancel":
                    issues.cancel_issue(conn, issue_id, reason="重复", on=on)
                    m["events"].append(("cancel", on, None))
                else:
                    issues.reassign_issue(
                        conn, issue_id, unit="市政处" if extra % 2 else "环卫处", on=on
                    )
                    m["events"].append(("reassign", on, None))
                m["last"] = on
            except Invalid:
                pass
        assert issues.history_problems(conn) == []
        for offset in probes:
            d = FOUND + timedelta(days=offset)
            got = {r["id"]: r for r in issues.list_issues(conn, as_of=d)}
            board = {r["id"] for r in issues.exposure_board(conn, d, notices=notices_n)}
            for n, m in enumerate(model):
                want = replay(m["found"], m["due"], m["serious"], m["events"], d)
                if want is None:
                    assert n + 1 not in got
                    continue
                row = got[n + 1]
                assert {k: row[k] for k in want} == want, (d, m["events"])
                on_board = want["status"] in ("open", "resolved") and (
                    m["serious"] or want["notices"] >= notices_n
                )
                assert (n + 1 in board) == on_board
            # The facts for the ranking agree with the same replay.
            first = d - timedelta(days=10)
            facts = issues.month_facts(conn, first, d, exposure_notices=notices_n)
            expected: dict[int, dict[str, int]] = {}
            for n, m in enumerate(model):
                want = replay(m["found"], m["due"], m["serious"], m["events"], d)
                if want is None:
                    continue
                community = conn.execute(
                    "SELECT community_id FROM issues WHERE id = ?", (n + 1,)
                ).fetchone()[0]
                f = expected.setdefault(
                    community,
                    dict.fromkeys(
                        ("due", "due_closed_on_time", "overdue", "overdue_pending", "exposure"), 0
                    ),
                )
                counted = want["status"] != "cancelled"
                in_period = counted and first.isoformat() <= want["due"] <= d.isoformat()
                f["due"] += in_period
                f["due_closed_on_time"] += in_period and want["on_time"] is True
                f["overdue"] += overdue_in_period(m, want, first, d)
                # Pending past the due date in force: a late extension's old days do not count.
                f["overdue_pending"] += want["status"] == "open" and d.isoformat() > want["due"]
                f["exposure"] += want["status"] in ("open", "resolved") and (
                    m["serious"] or want["notices"] >= notices_n
                )
            assert facts == expected
    finally:
        conn.execute("ROLLBACK")
