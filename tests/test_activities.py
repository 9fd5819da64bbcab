"""Domain logic of activities: recording activities, the timeline, month_facts and the calendar."""

from datetime import date

import pytest

from sqjg import activities
from sqjg.db import open_db, write_transaction
from sqjg.errors import Conflict, Invalid, NotFound

DEADLINES = {
    "survey": "07-10",
    "funds": "07-10",
    "cleanup": "07-25",
    "assessment": "07-25",
    "selfcheck": "08-31",
}


@pytest.fixture
def conn(city):
    c = open_db(city)
    yield c
    c.close()


# --- status_of at the deadline's edges ----------------------------------------------------------

D = date(2026, 7, 10)


@pytest.mark.parametrize(
    "done,as_of,expected",
    [
        (date(2026, 7, 10), date(2026, 7, 31), ("on_time", 0)),  # on the day is on time
        (date(2026, 7, 1), date(2026, 7, 31), ("on_time", 0)),
        (date(2026, 7, 11), date(2026, 7, 31), ("late", 1)),  # the day after is late
        (date(2026, 7, 25), date(2026, 7, 31), ("late", 15)),
        (None, date(2026, 7, 7), ("missing", 3)),  # days left before the date
        (None, date(2026, 7, 10), ("missing", 0)),  # on the day: nothing left, not late yet
        (None, date(2026, 7, 11), ("missing", 1)),  # the day after: one day late
        (None, date(2026, 7, 31), ("missing", 21)),
    ],
)
def test_status_of_edges(done, as_of, expected):
    assert activities.status_of(D, done, as_of) == expected


def _statuses(conn, as_of, deadline):
    return {
        r["community"]: (r["status"], r["done"], r["days"])
        for r in activities.due_status(conn, as_of, DEADLINES)
        if r["deadline"] == deadline
    }


def test_due_status_edges_through_the_database(conn):
    activities.submit(conn, "西街社区", "survey", "2026-07-10")  # on the day
    activities.submit(conn, "东门社区", "survey", "2026-07-11")  # the day after
    assert _statuses(conn, date(2026, 7, 31), "survey") == {
        "西街社区": ("on_time", "2026-07-10", 0),
        "东门社区": ("late", "2026-07-11", 1),
    }
    # Looking back from 7-10: the late report had not happened yet, so it was missing with 0 days left.
    assert _statuses(conn, date(2026, 7, 10), "survey") == {
        "西街社区": ("on_time", "2026-07-10", 0),
        "东门社区": ("missing", None, 0),
    }
    assert _statuses(conn, date(2026, 7, 8), "survey")["东门社区"] == ("missing", None, 2)


def test_due_status_clean_up_is_met_by_the_clean_up_not_its_report(conn):
    activities.submit(conn, "西街社区", "cleanup", "2026-07-20")  # a report alone does not count
    activities.add_cleanup(conn, "东门社区", "2026-07-25", 100)
    activities.add_cleanup(conn, "东门社区", "2026-07-28", 50)
    assert _statuses(conn, date(2026, 7, 26), "cleanup") == {
        "东门社区": ("on_time", "2026-07-25", 0),
        "西街社区": ("missing", None, 1),
    }


def test_due_status_counts_only_the_year_of_as_of_and_up_to_as_of(conn):
    activities.submit(conn, "西街社区", "funds", "2025-07-01")  # last year's report
    activities.add_cleanup(conn, "西街社区", "2025-07-20", 80)
    rows = _statuses(conn, date(2026, 7, 26), "funds")
    assert rows["西街社区"] == ("missing", None, 16)
    assert _statuses(conn, date(2026, 7, 26), "cleanup")["西街社区"] == ("missing", None, 1)
    # In 2025 the same records were on time.
    assert _statuses(conn, date(2025, 12, 31), "funds")["西街社区"] == ("on_time", "2025-07-01", 0)
    assert _statuses(conn, date(2025, 12, 31), "cleanup")["西街社区"] == (
        "on_time",
        "2025-07-20",
        0,
    )


def test_resubmission_the_earliest_counts(conn):
    first = activities.submit(conn, "西街社区", "survey", "2026-07-09")
    again = activities.submit(conn, "西街社区", "排查", "2026-07-12", note="补报")
    assert first["count"] == 1 and again["count"] == 2
    assert again["first"] == date(2026, 7, 9)
    assert _statuses(conn, date(2026, 7, 31), "survey")["西街社区"] == ("on_time", "2026-07-09", 0)


def test_due_status_order_and_keys(conn):
    activities.submit(conn, "东门社区", "survey", "2026-07-09")
    rows = activities.due_status(conn, date(2026, 7, 26), DEADLINES)
    # assessment is a date, not a task: skipped. Deadlines by date; missing first, then in
    # registration order (西街社区 was registered before 东门社区).
    assert [(r["deadline"], r["community"]) for r in rows] == [
        ("survey", "西街社区"),
        ("survey", "东门社区"),
        ("funds", "西街社区"),
        ("funds", "东门社区"),
        ("cleanup", "西街社区"),
        ("cleanup", "东门社区"),
        ("selfcheck", "西街社区"),
        ("selfcheck", "东门社区"),
    ]
    assert rows[-1] == {
        "deadline": "selfcheck",
        "date": "2026-08-31",
        "community": "东门社区",
        "status": "missing",
        "done": None,
        "days": 36,
    }


def test_due_status_filters(conn):
    rows = activities.due_status(
        conn, date(2026, 7, 26), DEADLINES, street="东城街道", only=["cleanup"]
    )
    assert [(r["deadline"], r["community"]) for r in rows] == [("cleanup", "西街社区")]
    with pytest.raises(Invalid):
        activities.due_status(conn, date(2026, 7, 26), DEADLINES, only=["assessment"])


def test_deadline_date_february_29():
    assert activities.deadline_date("02-29", 2027) == date(2027, 2, 28)
    assert activities.deadline_date("02-29", 2028) == date(2028, 2, 29)


# --- recording ------------------------------------------------------------------------------------


def test_add_cleanup_records_units_of_every_kind(conn):
    cid = activities.add_cleanup(
        conn, "西街社区", "7-18", "260", units_="交通局、环卫处,华丰食品有限公司"
    )
    names = [
        r[0]
        for r in conn.execute(
            "SELECT u.name FROM cleanup_units cu JOIN units u ON u.id = cu.unit_id WHERE cleanup_id = ? ORDER BY cu.id",
            (cid,),
        )
    ]
    assert names == ["交通局", "环卫处", "华丰食品有限公司"]


@pytest.mark.parametrize(
    "call,error,words",
    [
        (lambda c: activities.add_meeting(c, "西门社区", "7-3"), NotFound, "西门社区"),
        (lambda c: activities.add_meeting(c, "西街社区", "7-32"), Invalid, "不存在"),
        (lambda c: activities.add_meeting(c, "西街社区", "2026-08-01"), Invalid, "晚于今天"),
        (lambda c: activities.add_meeting(c, "西街社区", "7-3", attendees=-1), Invalid, "负数"),
        (lambda c: activities.add_cleanup(c, "西街社区", "7-3", -5), Invalid, "负数"),
        (lambda c: activities.add_cleanup(c, "西街社区", "7-3", "3.5"), Invalid, "整数"),
        (
            lambda c: activities.add_cleanup(c, "西街社区", "7-3", 10, units_="交通局,不存在局"),
            NotFound,
            "不存在局",
        ),
        (
            lambda c: activities.add_cleanup(c, "西街社区", "7-3", 10, units_="东门社区"),
            NotFound,
            "东门社区",
        ),
        (
            lambda c: activities.add_inspection(c, "西街社区", "7-3", "张建华", 100.5),
            Invalid,
            "0 到 100",
        ),
        (
            lambda c: activities.add_inspection(c, "西街社区", "7-3", "张建华", -0.1),
            Invalid,
            "0 到 100",
        ),
        (
            lambda c: activities.add_inspection(c, "西街社区", "7-3", "张建华", float("nan")),
            Invalid,
            "0 到 100",
        ),
        (
            lambda c: activities.add_inspection(c, "西街社区", "7-3", "张建华", "优"),
            Invalid,
            "0 到 100",
        ),
        (lambda c: activities.add_inspection(c, "西街社区", "7-3", "  ", 90), Invalid, "--leader"),
        (lambda c: activities.submit(c, "西街社区", "report", "7-3"), Invalid, "survey"),
        (lambda c: activities.set_mechanism(c, "西街社区", "parking", "7-3"), Invalid, "cleaning"),
        (lambda c: activities.unset_mechanism(c, "西街社区", "finance"), NotFound, "财务管理制度"),
        (lambda c: activities.timeline(c, month=13), Invalid, "月份"),
        (lambda c: activities.timeline(c, kinds=["party"]), Invalid, "活动类别"),
    ],
)
def test_refusals(conn, call, error, words):
    with pytest.raises(error) as e:
        call(conn)
    assert words in str(e.value)
    assert (
        conn.execute(
            "SELECT (SELECT count(*) FROM meetings) + (SELECT count(*) FROM cleanups)"
            " + (SELECT count(*) FROM inspections) + (SELECT count(*) FROM submissions)"
            " + (SELECT count(*) FROM mechanisms)"
        ).fetchone()[0]
        == 0
    )


def test_scores_at_the_bounds_and_decimals(conn):
    for score in (0, 100, "92.5", "88分"):
        activities.add_inspection(conn, "西街社区", "7-3", f"领导{score}", score)
    assert [r[0] for r in conn.execute("SELECT score FROM inspections ORDER BY id")] == [
        0.0,
        100.0,
        92.5,
        88.0,
    ]


def test_double_entries_are_refused(conn):
    activities.add_meeting(conn, "西街社区", "7-3")
    with pytest.raises(Conflict):
        activities.add_meeting(conn, "西街社区", "2026-07-03")
    activities.add_inspection(conn, "西街社区", "7-3", "张建华", 90)
    with pytest.raises(Conflict):
        activities.add_inspection(conn, "西街社区", "7-3", "张建华", 91)
    activities.add_inspection(
        conn, "西街社区", "7-3", "李国庆", 91
    )  # another leader the same day is fine


def test_mechanism_set_again_updates_the_date(conn):
    first = activities.set_mechanism(conn, "西街社区", "finance", "7-1", note="街道代管")
    again = activities.set_mechanism(conn, "西街社区", "财务管理制度", "7-5")
    assert first["previous"] is None and again["previous"] == date(2026, 7, 1)
    assert conn.execute("SELECT name, established_on, note FROM mechanisms").fetchall() == [
        ("finance", "2026-07-05", "街道代管")
    ]


def test_remove_activity_keeps_inspections_that_issues_refer_to(city):
    conn = open_db(city)
    try:
        with write_transaction(conn):
            iid = activities.add_inspection(conn, "西街社区", "7-3", "张建华", 90)
            mid = activities.add_meeting(conn, "西街社区", "7-3")
            cid = activities.add_cleanup(conn, "西街社区", "7-4", 20, units_="交通局")
        with write_transaction(conn):
            community, unit = (
                conn.execute("SELECT id FROM units WHERE name = ?", (n,)).fetchone()[0]
                for n in ("西街社区", "交通局")
            )
            # Written directly (the issue register is another concern): every required column of
            # the issues table, whatever its current shape, gets a plausible value.
            values = {
                "description": "楼道杂物",
                "community_id": community,
                "category": 3,
                "unit_id": unit,
                "found": "2026-07-03",
                "due": "2026-07-10",
                "original_due": "2026-07-10",
                "last_event_on": "2026-07-03",
                "inspection_id": iid,
            }
            columns = [r[1] for r in conn.execute("PRAGMA table_info(issues)")]
            values = {k: v for k, v in values.items() if k in columns}
            conn.execute(
                f"INSERT INTO issues({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
        with pytest.raises(Conflict):
            activities.remove_activity(conn, "inspection", iid)
        with write_transaction(conn):
            assert activities.remove_activity(conn, "会议", mid)["id"] == mid
            activities.remove_activity(conn, "cleanup", cid)
        assert conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM cleanup_units").fetchone()[0] == 0
        with pytest.raises(NotFound):
            activities.remove_activity(conn, "meeting", mid)
    finally:
        conn.close()


# --- timeline -----------------------------------------------------------------------------------


def test_timeline_filters_and_order(conn):
    activities.add_meeting(conn, "东门社区", "2026-06-30", attendees=12)
    activities.add_inspection(conn, "西街社区", "2026-07-03", "张建华", 92.5)
    activities.add_meeting(conn, "西街社区", "2026-07-03", attendees=18)
    activities.add_cleanup(conn, "东门社区", "2026-07-03", 300, units_="市财政局")
    activities.submit(conn, "西街社区", "survey", "2026-07-09")
    rows = activities.timeline(conn, month=7)
    assert [(r["date"], r["community"], r["type"]) for r in rows] == [
        ("2026-07-03", "东门社区", "cleanup"),
        ("2026-07-03", "西街社区", "meeting"),
        ("2026-07-03", "西街社区", "inspection"),
        ("2026-07-09", "西街社区", "submission"),
    ]
    assert rows[0] == {
        "date": "2026-07-03",
        "type": "cleanup",
        "id": 1,
        "community": "东门社区",
        "attendees": None,
        "participants": 300,
        "units": ["市财政局"],
        "leader": None,
        "score": None,
        "report": None,
        "note": None,
        "uid": conn.execute("SELECT uid FROM cleanups WHERE id = 1").fetchone()[0],
    }
    assert len(activities.timeline(conn)) == 5
    assert len(activities.timeline(conn, year=2026)) == 5
    assert len(activities.timeline(conn, year=2025)) == 0
    assert [r["type"] for r in activities.timeline(conn, community="东门社区")] == [
        "meeting",
        "cleanup",
    ]
    assert [r["community"] for r in activities.timeline(conn, street="东城街道")] == [
        "西街社区"
    ] * 3
    assert [r["id"] for r in activities.timeline(conn, kinds=["meeting"])] == [1, 2]


# --- month_facts ----------------------------------------------------------------------------------


def test_month_facts_hand_made(conn):
    west, east = (
        conn.execute("SELECT id FROM units WHERE name = ?", (n,)).fetchone()[0]
        for n in ("西街社区", "东门社区")
    )
    # 西街社区: two July inspections (90, 95) and one in June (60) that July must ignore.
    activities.add_inspection(conn, "西街社区", "2026-06-30", "张建华", 60)
    activities.add_inspection(conn, "西街社区", "2026-07-03", "张建华", 90)
    activities.add_inspection(conn, "西街社区", "2026-07-31", "李国庆", 95)
    activities.add_meeting(conn, "西街社区", "2026-06-26")
    activities.add_meeting(conn, "西街社区", "2026-07-01")
    activities.add_cleanup(conn, "西街社区", "2026-07-18", 100)
    activities.add_cleanup(conn, "西街社区", "2026-07-04", 60)
    activities.add_cleanup(conn, "西街社区", "2026-06-20", 10)
    activities.submit(conn, "西街社区", "survey", "2026-07-12")
    activities.submit(conn, "西街社区", "survey", "2026-06-30")  # earlier in the year: counts
    activities.submit(conn, "西街社区", "funds", "2025-12-30")  # last year: does not
    activities.set_mechanism(conn, "西街社区", "meeting", "2026-06-26")
    activities.set_mechanism(conn, "西街社区", "finance", "2026-07-31")
    # 东门社区: only a mechanism, established in July.
    activities.set_mechanism(conn, "东门社区", "cleaning", "2026-07-15")

    july = activities.month_facts(conn, date(2026, 7, 1), date(2026, 7, 31))
    assert july == {
        west: {
            "inspections": 2,
            "inspection_mean": 92.5,
            "meetings": 1,
            "cleanups": 2,
            "first_cleanup": date(2026, 7, 4),
            "submitted": {"survey": date(2026, 6, 30)},
            "mechanisms": 2,
        },
        east: {
            "inspections": 0,
            "inspection_mean": None,
            "meetings": 0,
            "cleanups": 0,
            "first_cleanup": None,
            "submitted": {},
            "mechanisms": 1,
        },
    }
    june = activities.month_facts(conn, date(2026, 6, 1), date(2026, 6, 30))
    assert june == {
        west: {
            "inspections": 1,
            "inspection_mean": 60.0,
            "meetings": 1,
            "cleanups": 1,
            "first_cleanup": date(2026, 6, 20),
            "submitted": {"survey": date(2026, 6, 30)},
            "mechanisms": 1,
        },
    }
    assert activities.month_facts(conn, date(2026, 5, 1), date(2026, 5, 31)) == {}


# --- the demo -------------------------------------------------------------------------------------


def _demo(path, monkeypatch, today):
    from sqjg import demo

    monkeypatch.setenv("SQJG_TODAY", today)
    conn = open_db(path)
    with write_transaction(conn):
        demo.load_units(conn)
        demo.load_activities(conn)
    return conn


def test_demo_due_picture(tmp_path, monkeypatch):
    conn = _demo(tmp_path / "demo.db", monkeypatch, "2026-07-31")
    try:
        rows = activities.due_status(conn, date(2026, 7, 26), DEADLINES)
        summary = {}
        for r in rows:
            summary.setdefault(r["deadline"], {}).setdefault(r["status"], []).append(r["community"])
        assert summary["survey"]["missing"] == ["凤凰社区"]
        assert summary["survey"]["late"] == ["朝阳社区"]
        assert len(summary["survey"]["on_time"]) == 12
        assert sorted(summary["funds"]["late"]) == sorted(["凤凰社区", "建设路社区", "龙泉社区"])
        assert sorted(summary["cleanup"]["missing"]) == sorted(["凤凰社区", "建设路社区"])
        assert len(summary["selfcheck"]["missing"]) == 14
        east_gate = next(
            r for r in activities.timeline(conn, community="东门社区", kinds=["cleanup"])
        )
        assert east_gate["participants"] == 300 and east_gate["units"][0] == "交通局"
        matrix = {r["community"]: r["count"] for r in activities.mechanism_matrix(conn)}
        assert matrix["西街社区"] == 6 and matrix["凤凰社区"] == 0
        facts = activities.month_facts(conn, date(2026, 7, 1), date(2026, 7, 31))
        assert len(facts) == 14
        assert all(f["inspections"] == 9 for f in facts.values())  # Tuesdays and Fridays of July
        assert sum(1 for f in facts.values() if f["meetings"] == 0) == 2
    finally:
        conn.close()


def test_demo_built_earlier_stops_at_today(tmp_path, monkeypatch):
    conn = _demo(tmp_path / "demo.db", monkeypatch, "2026-07-20")
    try:
        latest = conn.execute(
            "SELECT max(d) FROM (SELECT max(held_on) d FROM cleanups UNION ALL SELECT max(inspected_on) FROM"
            " inspections UNION ALL SELECT max(submitted_on) FROM submissions)"
        ).fetchone()[0]
        assert latest <= "2026-07-20"
    finally:
        conn.close()


# --- round trips: list → import ---------------------------------------------------------------

LIST_KEYS = {
    "meeting": ["id", "date", "community", "attendees", "note", "uid"],
    "cleanup": ["id", "date", "community", "participants", "units", "note", "uid"],
    "inspection": ["id", "date", "community", "leader", "score", "note", "uid"],
    "submission": activities.TIMELINE_KEYS,
}


@pytest.fixture
def recorded(conn):
    activities.add_meeting(conn, "西街社区", "7-3", attendees="18", note="部署共建月")
    activities.add_meeting(conn, "东门社区", "7-4")
    activities.add_cleanup(conn, "东门社区", "7-18", "300", units_="市财政局,环卫处")
    activities.add_inspection(conn, "西街社区", "7-7", "张建华", "92.5")
    activities.submit(conn, "西街社区", "survey", "7-9")
    return conn


def list_sheet(conn, kind, path, *, zh=False):
    """What `meeting|cleanup|inspect list` (for submissions `activity list --type submission`)
    writes as CSV."""
    from sqjg.render import to_csv, zh_headers

    keys = LIST_KEYS[kind]
    rows = activities.timeline(conn, kinds=(kind,))
    path.write_text(
        to_csv(rows, keys, header=zh_headers(keys) if zh else None, yes_no=zh), encoding="utf-8"
    )
    return str(path)


def by_uid(conn):
    return {r.pop("uid"): r for r in activities.timeline(conn) if r.pop("id")}


@pytest.mark.parametrize("kind", list(LIST_KEYS))
def test_a_list_imports_back_unchanged_and_into_another_copy(
    recorded, kind, tmp_path, city_template
):
    from conftest import copy_db

    n = len(activities.timeline(recorded, kinds=(kind,)))
    for zh in (False, True):
        sheet = list_sheet(recorded, kind, tmp_path / f"{kind}.csv", zh=zh)
        counts = activities.import_activities(recorded, kind, sheet)
        assert counts == {"added": 0, "updated": 0, "unchanged": n}
    other = open_db(copy_db(city_template, tmp_path / "other.db"))
    try:
        assert activities.import_activities(other, kind, sheet)["added"] == n
        mine = {u: r for u, r in by_uid(recorded).items() if r["type"] == kind}
        assert by_uid(other) == mine
    finally:
        other.close()


def test_a_changed_activity_is_refused(recorded, tmp_path):
    sheet = tmp_path / "m.csv"
    list_sheet(recorded, "meeting", sheet)
    uid = recorded.execute("SELECT uid FROM meetings WHERE id = 1").fetchone()[0]
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(",18,", ",20,"), encoding="utf-8")
    with pytest.raises(Invalid) as refused:
        activities.import_activities(recorded, "meeting", str(sheet))
    assert str(refused.value).splitlines()[1] == (
        f"第 2 行：共建委会议记录第 1 号（识别码 {uid}）已登记，表中的参会人数与它不同："
        "导入不能修改已登记的记录，更正请用 sqjg activity remove meeting 1 删除后再登记。"
    )
    # A row of another kind (activity list's own sheet) is named, not taken as a meeting.
    list_sheet(recorded, "submission", sheet)
    with pytest.raises(Invalid, match="第 2 行：这一行是上报记录，不能作为共建委会议记录导入"):
        activities.import_activities(recorded, "meeting", str(sheet))
    assert recorded.execute("SELECT count(*) FROM meetings").fetchone()[0] == 2
