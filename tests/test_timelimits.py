"""Default time limits by kind/category in working days, the official calendar, `sqjg calendar`."""

import json
from datetime import date

import pytest
from conftest import ok, refused

from sqjg.timelimits import (
    LimitError,
    TimeLimit,
    add_working_days,
    is_working_day,
    parse_limit,
    time_limits_from,
    year_calendar,
)

RULES = """
[issues]
exposure_notices = 3

[issues.time_limits]
"乱堆乱放" = "3工作日"
"路面破损" = "10工作日"
category.4 = "15工作日"
default = "7天"
"""


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(path))
    return path


# The 2026 schedule as the State Council published it (国办发明电〔2025〕7号) and chinese-calendar
# carries it: 国庆节 and 中秋节 off 10-01..10-07 (and 中秋 09-25..09-27), make-up working days
# Sunday 09-20 and Saturday 10-10.
def test_2026_national_day_holiday_and_make_up_days():
    for d in range(1, 8):
        assert not is_working_day(date(2026, 10, d))
    assert is_working_day(date(2026, 9, 20))  # a Sunday, worked
    assert is_working_day(date(2026, 10, 10))  # a Saturday, worked
    assert not is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert not is_working_day(date(2026, 9, 25))  # 中秋节, a Friday


@pytest.mark.parametrize(
    ("found", "n", "due"),
    [
        # Wednesday 09-30: the next working days are 10-08 (Thu), 10-09 (Fri), 10-10 (make-up Sat).
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-09-30", 3, "2026-10-10"),
        ("2026-09-30", 4, "2026-10-12"),
        # Friday 09-18: 09-20 is a make-up Sunday, so it counts; 09-25..10-07 are off.
        ("2026-09-18", 1, "2026-09-20"),
        ("2026-09-18", 5, "2026-09-24"),
        ("2026-09-18", 6, "2026-09-28"),
        ("2026-09-18", 10, "2026-10-09"),
        ("2026-09-18", 11, "2026-10-10"),
    ],
)
def test_working_days_across_national_day(found, n, due):
    assert add_working_days(date.fromisoformat(found), n) == (date.fromisoformat(due), [])


def test_unknown_year_counts_weekends_only():
    # 2031-01-01 is a Wednesday; with no schedule it is an ordinary working day.
    due, unknown = add_working_days(date(2030, 12, 31), 3)
    assert due == date(2031, 1, 3)
    assert unknown == [2031]


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("3工作日", TimeLimit(3, True, "k")),
        ("3个工作日", TimeLimit(3, True, "k")),
        ("7天", TimeLimit(7, False, "k")),
        ("7 日", TimeLimit(7, False, "k")),
        ("30自然日", TimeLimit(30, False, "k")),
    ],
)
def test_parse_limit(text, limit):
    assert parse_limit(text, "k") == limit


@pytest.mark.parametrize("text", ["三工作日", "0天", "3周", "", "-1天", 7])
def test_parse_limit_refuses(text):
    with pytest.raises(LimitError):
        parse_limit(text, "k")


def test_rule_order_kind_then_category_then_default():
    import tomllib

    limits = time_limits_from(tomllib.loads(RULES)["issues"]["time_limits"])
    assert limits.rule_for("乱堆乱放", 4).key == "乱堆乱放"
    assert limits.rule_for("占道", 4).key == "category.4"
    assert limits.rule_for(None, 1).key == "default"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"乱堆乱放" = "三天"', "第 3 行：[issues.time_limits] 乱堆乱放 应写成"),
        ('category.5 = "3天"', "第 3 行：[issues.time_limits] 类别应为 1 到 4"),
    ],
)
def test_bad_time_limit_names_key_and_line(tmp_path, entry, message):
    path = tmp_path / "bad.toml"
    path.write_text(f"[issues.time_limits]\n\n{entry}\n", encoding="utf-8")
    from sqjg.rules import RulesError, load_rules

    with pytest.raises(RulesError) as e:
        load_rules(path)
    assert message in str(e.value)


def test_issue_add_takes_due_from_kind_across_national_day(city, rules_file, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-30")
    out = ok(
        "issue", "add", "楼道堆放杂物", "-c", "西街社区", "--category", "1", "--kind", "乱堆乱放"
    )
    assert "整改时限 2026-10-10" in out
    assert "[issues.time_limits] 乱堆乱放 = 3个工作日" in out
    assert "只按周末" not in out
    shown = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert shown["issue"]["due"] == "2026-10-10"


def test_issue_add_category_and_default_and_override(city, rules_file, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-30")
    out = ok("issue", "add", "路灯损坏", "-c", "西街社区", "--category", "4", "--unit", "环卫处")
    # 15 working days after 09-30: 10-08, 09, 10, 12..16 (8), 19..23 (13), 26, 27 → 10-27.
    assert "整改时限 2026-10-27" in out
    assert "category.4 = 15个工作日" in out
    out = ok("issue", "add", "墙面涂鸦", "-c", "西街社区", "--category", "1")
    assert "整改时限 2026-10-07" in out and "default = 7天" in out
    out = ok("issue", "add", "墙面小广告", "-c", "西街社区", "--category", "1", "--due", "10-20")
    assert "整改时限 2026-10-20" in out and "time_limits" not in out


def test_issue_add_unknown_year_said_once(city, rules_file, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2030-12-20")
    out = ok("issue", "add", "路面坑洼", "-c", "西街社区", "--category", "1", "--kind", "路面破损")
    assert out.count("节假日日历没有") == 1
    assert "没有 2030、2031 年的安排" in out
    # 10 weekdays after Friday 2030-12-20 (holidays unknown): 2031-01-03.
    assert "整改时限 2031-01-03" in out


def test_issue_add_without_due_or_limits_is_refused(city, tmp_path, monkeypatch):
    path = tmp_path / "none.toml"
    path.write_text("[issues]\nexposure_notices = 3\n", encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(path))
    err = refused("issue", "add", "楼道堆放杂物", "-c", "西街社区", "--category", "1")
    assert "没有给出整改时限" in err
    assert json.loads(ok("issue", "list", "--format", "json")) == []


def test_import_rows_without_due_take_the_time_limit(city, rules_file, tmp_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-30")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "问题,社区,类别,类型,整改时限\n"
        "楼道堆放杂物,西街社区,1,乱堆乱放,\n"
        "墙面涂鸦,西街社区,1,,2026-10-20\n",
        encoding="utf-8",
    )
    ok("issue", "import", str(sheet))
    rows = json.loads(ok("issue", "list", "--format", "json"))
    assert sorted(r["due"] for r in rows) == ["2026-10-10", "2026-10-20"]


def test_calendar_command_lists_holidays_and_make_up_days():
    rows = json.loads(ok("calendar", "--year", "2026", "--format", "json"))
    by_date = {r["date"]: r for r in rows}
    assert by_date["2026-10-10"]["kind"] == "调休上班"
    assert by_date["2026-09-20"]["kind"] == "调休上班"
    assert by_date["2026-10-01"] == {
        "date": "2026-10-01",
        "weekday": "四",
        "kind": "放假",
        "name": "国庆节",
    }
    assert [r["date"] for r in rows if r["kind"] == "调休上班"] == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert year_calendar(2026) is not None


def test_calendar_unknown_year_refused():
    assert "没有 2031 年的安排" in refused("calendar", "--year", "2031")
