"""Published months stay true: entries dated inside them are refused unless --late --reason,
and such late entries are listed by check and by that month's report (公布后补录)."""

import json

import pytest
from conftest import build_template, copy_db, db_bytes, ok, refused


@pytest.fixture(scope="module")
def published_template(tmp_path_factory):
    from conftest import CITY

    steps = [
        *CITY,
        ("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "2万", "--date", "7-3"),
        ("issue", "add", "楼道杂物", "-c", "西街社区", "--category", "1", "--due", "7-20", "--found", "7-2"),
        ("rank", "--month", "7", "--publish", "--yes", "--allow-missing"),
    ]  # fmt: skip
    return build_template(tmp_path_factory.mktemp("late"), steps)


@pytest.fixture
def published(db_path, published_template):
    return copy_db(published_template, db_path)


INSIDE_JULY = [
    ("meeting", "add", "-c", "西街社区", "--date", "7-20"),
    ("cleanup", "add", "-c", "西街社区", "--date", "7-21", "--participants", "30"),
    ("inspect", "add", "-c", "西街社区", "--date", "7-22", "--leader", "市领导", "--score", "90"),
    ("submit", "-c", "西街社区", "--report", "cleanup", "--date", "7-24"),
    ("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "100", "--date", "7-25"),
    ("fund", "spend", "-c", "西街社区", "--amount", "100", "--purpose", "购买扫帚", "--category", "cleaning", "--date", "7-26"),
    ("fund", "void", "1", "--reason", "重复登记", "--date", "7-27"),
    ("issue", "notify", "1", "--date", "7-10"),
    ("issue", "resolve", "1", "--date", "7-15"),
    ("score", "set", "西街社区", "--month", "7", "--item", "daily", "--points", "5"),
]  # fmt: skip


@pytest.mark.parametrize("args", INSIDE_JULY, ids=lambda a: " ".join(a[:2]))
def test_an_entry_inside_a_published_month_is_refused_naming_the_month(published, args):
    before = db_bytes(published)
    err = refused(*args)
    assert err.startswith("2026 年 7 月的结果已经公布，不能再登记该月内（2026-07")
    assert "--late --reason" in err
    assert db_bytes(published) == before


@pytest.mark.parametrize("args", INSIDE_JULY, ids=lambda a: " ".join(a[:2]))
def test_with_late_and_reason_it_is_recorded_and_listed(published, args):
    ranking = json.loads(ok("rank", "--month", "7", "--format", "json"))["rows"]
    if args[:2] == ("fund", "void"):
        ok(*args, "--late")  # the void's own --reason is the late entry's reason
        reason = "重复登记"
    else:
        ok(*args, "--late", "--reason", "纸质记录迟交")
        reason = "纸质记录迟交"
    data = json.loads(ok("check", "--format", "json"))
    assert data["ok"] is True
    assert {(e["year"], e["month"], e["reason"]) for e in data["late_entries"]} == {
        (2026, 7, reason)
    }
    assert "公布后补录" in ok("check")
    report = ok("report", "monthly", "--month", "7")
    assert "公布后补录" in report and reason in report
    # the published ranking is unchanged
    assert json.loads(ok("rank", "--month", "7", "--format", "json"))["rows"] == ranking


def test_an_entry_in_an_unpublished_month_needs_no_reason(published, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-05")
    ok("meeting", "add", "-c", "西街社区", "--date", "8-02")
    assert "late_entries" not in json.loads(ok("check", "--format", "json"))


@pytest.mark.parametrize(
    "args,words",
    [
        (("--late",), "--late 需要同时用 --reason"),
        (("--reason", "补录"), "--reason 只与 --late 同用"),
        (("--late", "--reason", "  "), "--late 需要同时用 --reason"),
    ],
)
def test_late_and_reason_go_together(published, args, words):
    assert words in refused("meeting", "add", "-c", "西街社区", "--date", "7-20", *args)


def test_removing_an_activity_of_a_published_month_is_refused_too(published):
    ok("meeting", "add", "-c", "西街社区", "--date", "7-20", "--late", "--reason", "迟交")
    (meeting,) = json.loads(ok("meeting", "list", "--format", "json"))
    before = db_bytes(published)
    assert "2026 年 7 月的结果已经公布" in refused(
        "activity", "remove", "meeting", str(meeting["id"])
    )
    assert db_bytes(published) == before
    ok("activity", "remove", "meeting", str(meeting["id"]), "--late", "--reason", "重复登记")
    late = json.loads(ok("check", "--format", "json"))["late_entries"]
    assert [(e["entity"], e["reason"]) for e in late] == [
        ("meetings", "迟交"),
        ("meetings", "重复登记"),
    ]


def test_a_survey_sheet_inside_a_published_month(published, tmp_path, monkeypatch):
    sheet = tmp_path / "survey.csv"
    sheet.write_text(
        "问题,社区,类别,整改时限,发现日期\n占道,西街社区,1,8-10,7-20\n杂物,东门社区,1,8-10,6-20\n",
        encoding="utf-8",
    )
    before = db_bytes(published)
    assert refused("issue", "import", str(sheet)).startswith(
        "2026 年 7 月的结果已经公布，不能再登记该月内（2026-07-20）"
    )
    assert db_bytes(published) == before
    ok("issue", "import", str(sheet), "--late", "--reason", "纸质排查表迟交")
    late = json.loads(ok("check", "--format", "json"))["late_entries"]
    assert [(e["entity"], e["date"]) for e in late] == [("issue_events", "2026-07-20")]
    # A sheet outside published months is audited compactly, one record per table.
    monkeypatch.setenv("SQJG_TODAY", "2026-08-31")
    sheet.write_text("问题,社区,类别,整改时限,发现日期\n占道,西街社区,1,9-10,8-20\n", "utf-8")
    ok("issue", "import", str(sheet))
    log = json.loads(ok("log", "--format", "json", "--limit", "2"))
    assert [(e["entity"], e["after"]["rows"]) for e in log] == [
        ("issues", 1),
        ("issue_events", 1),
    ]
