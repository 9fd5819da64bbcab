"""The assessment over a database: facts from each concern, publications, compound contest,
year-end unit prizes, the civilized-community target, scores entered by hand."""

import json
from datetime import date

import pytest

from sqjg import activities, assessment, funds, issues, units
from sqjg.db import open_db
from sqjg.errors import Conflict, Invalid, NotFound
from sqjg.rules import RulesError, load_rules, rules_from_text

MANUAL = """
[[items]]
key = "work"
name = "工作实绩"
source = "manual"
max = 100

[ranking]
first_month = "2026-07"
"""

JULY = date(2026, 7, 31)


@pytest.fixture
def conn(db_path):
    c = open_db(db_path)
    yield c
    c.close()


def make_city(conn, names=("甲社区", "乙社区", "丙社区")):
    units.add_unit(conn, "东城街道", "street")
    for i, name in enumerate(names):
        units.add_unit(
            conn,
            name,
            "community",
            street="东城街道",
            secretary=f"书记{i}",
            director=f"主任{i}",
            liaison=f"联系领导{i}",
        )
        units.add_unit(conn, f"{name}一号院", "compound", community=name)
        units.add_unit(conn, f"{name}二号院", "compound", community=name)
        units.add_unit(conn, f"单位{i}", "unit", community=name, lead=True)


@pytest.fixture
def manual():
    return rules_from_text(MANUAL, "manual.toml")


def score(conn, rules, name, month, points, year=2026, item="work"):
    assessment.set_score(conn, rules, name, year, month, item, points, today=date(year, month, 28))


def publish_scored(conn, rules, year, month, **kw):
    """Publish a month whose scores the test entered for some communities only, on purpose."""
    return assessment.publish(conn, rules, year, month, allow_missing=True, **kw)


def rows_by_name(result, key="community"):
    return {r[key]: r for r in result["rows"]}


# --- facts from every concern ----------------------------------------------------------------


def test_facts_from_every_concern(conn):
    make_city(conn, ("甲社区", "乙社区"))
    rules = load_rules()
    activities.add_meeting(conn, "甲社区", "2026-07-02")
    activities.add_inspection(conn, "甲社区", "2026-07-03", "张建华", 80)
    activities.add_inspection(conn, "甲社区", "2026-07-10", "李明", 90)
    activities.add_cleanup(conn, "甲社区", "2026-07-20", 100)
    activities.submit(conn, "甲社区", "survey", "2026-07-09")
    activities.submit(conn, "甲社区", "funds", "2026-07-11")  # late
    for m in ("meeting", "finance", "cleaning"):
        activities.set_mechanism(conn, "甲社区", m, "2026-07-01")
    funds.add_contribution(conn, "甲社区", "unit", "单位0", "25000", on="2026-07-05")
    closed = issues.add_issue(
        conn, "楼道乱堆乱放", community="甲社区", category=1, due="2026-07-15", found="2026-07-05"
    )
    issues.resolve_issue(conn, closed, on="2026-07-14")
    issues.verify_issue(conn, closed, passed=True, on="2026-07-16")
    issues.add_issue(
        conn, "卫生死角", community="甲社区", category=1, due="2026-07-15", found="2026-07-05"
    )
    issues.add_issue(
        conn,
        "路面破损",
        community="甲社区",
        category=2,
        due="2026-08-15",
        found="2026-07-05",
        serious=True,
    )
    score(conn, rules, "甲社区", 7, 4, item="daily")

    result = assessment.compute(conn, rules, 2026, 7, today=JULY)
    a, b = rows_by_name(result)["甲社区"], rows_by_name(result)["乙社区"]
    assert a["items"] == {
        "meeting": 10.0,
        "survey": 5.0,
        "rectification": 10.0,
        "cleanup": 10.0,
        "cleanup_report": 0.0,
        "funds": 5.0,
        "funds_report": 0.0,
        "inspection": 17.0,
        "mechanisms": 5.0,
        "daily": 4.0,
        "overdue": -1.0,
        "exposure": -2.0,
    }
    assert a["score"] == 63.0
    # Nothing done, nothing due: only the rectification item is full.
    assert b["score"] == 20.0 and b["items"]["rectification"] == 20.0
    assert (a["rank"], b["rank"]) == (1, 2)


def test_contract_keys(conn, manual):
    make_city(conn)
    score(conn, manual, "甲社区", 7, 93.46)
    result = assessment.monthly(conn, manual, 2026, 7, today=JULY)
    assert {"year", "month", "published", "rows"} <= set(result)
    row = result["rows"][0]
    assert {
        "rank",
        "community",
        "street",
        "score",
        "items",
        "red_flag",
        "award",
        "reward_yuan",
        "yellow_card",
        "media",
        "consecutive_last",
        "escalation",
        "baseline",
    } <= set(row)
    assert row["score"] == 93.5 and row["items"] == {"work": 93.5}
    assert (row["red_flag"], row["award"], row["reward_yuan"]) == (True, "流动红旗", 20000)


def test_a_few_aggregate_queries_whatever_the_size(db_path, tmp_path):
    """The facts come from a fixed number of queries: no per-community loop."""

    def statements(n):
        path = tmp_path / f"city{n}.db"
        c = open_db(path)
        make_city(c, [f"社区{i:03d}" for i in range(n)])
        seen = []
        c.set_trace_callback(seen.append)
        assessment.compute(c, load_rules(), 2026, 7, today=JULY)
        c.close()
        return len(seen)

    assert statements(3) == statements(40) <= 12


# --- months and publication ------------------------------------------------------------------


def test_two_and_three_months_last_in_a_row(conn, manual):
    make_city(conn)
    for month, points in (
        (7, (90, 80, 10)),
        (8, (85, 80, 20)),
        (9, (70, 75, 30)),
        (10, (60, 70, 65)),
    ):
        for name, p in zip(("甲社区", "乙社区", "丙社区"), points):
            score(conn, manual, name, month, p)
    today = date(2026, 10, 31)
    runs = {}
    for month in (7, 8, 9, 10):
        r = rows_by_name(assessment.compute(conn, manual, 2026, month, today=today))
        runs[month] = (
            r["丙社区"]["consecutive_last"],
            r["丙社区"]["escalation"],
            r["丙社区"]["media"],
        )
    assert runs == {
        7: (1, None, True),
        8: (2, "书记在新闻媒体上说明工作", True),
        9: (3, "书记当年工作考核为不称职", True),
        10: (0, None, False),
    }
    oct_ = assessment.compute(conn, manual, 2026, 10, today=today)
    assert [m["community"] for m in oct_["media"]] == ["甲社区"]
    assert oct_["media"][0] == {
        "community": "甲社区",
        "street": "东城街道",
        "secretary": "书记0",
        "director": "主任0",
        "liaison": "联系领导0",
        "lead_unit": "单位0",
        "consecutive_last": 1,
        "escalation": None,
    }


def test_a_month_with_everyone_equal_breaks_a_run(conn, manual):
    make_city(conn)
    for name, p in (("甲社区", 90), ("乙社区", 80), ("丙社区", 10)):
        score(conn, manual, name, 7, p)
        score(conn, manual, name, 9, p)
    for name in ("甲社区", "乙社区", "丙社区"):
        score(conn, manual, name, 8, 50)
    today = date(2026, 9, 30)
    august = assessment.compute(conn, manual, 2026, 8, today=today)
    assert all(
        r["rank"] == 1 and r["award"] == "流动红旗" and not r["yellow_card"] and not r["media"]
        for r in august["rows"]
    )
    assert august["media"] == []
    september = rows_by_name(assessment.compute(conn, manual, 2026, 9, today=today))
    assert september["丙社区"]["consecutive_last"] == 1


def test_published_month_does_not_move(conn, manual):
    make_city(conn)
    for name, p in (("甲社区", 90), ("乙社区", 80), ("丙社区", 10)):
        score(conn, manual, name, 7, p)
    published = publish_scored(conn, manual, 2026, 7, today=JULY)
    assert published["published"] is True and published["published_on"] == "2026-07-31"
    # The data change, and so do the rules.
    score(conn, manual, "丙社区", 7, 100)
    units.add_unit(conn, "丁社区", "community", street="东城街道")
    other = rules_from_text(MANUAL.replace("max = 100", "max = 100\n# 修订"), "v2.toml")
    shown = assessment.monthly(conn, other, 2026, 7, today=JULY)
    assert shown["rows"] == published["rows"]
    assert shown["published"] is True and shown["rules_changed"] is True
    assert rows_by_name(shown)["丙社区"]["score"] == 10.0
    fresh = rows_by_name(assessment.compute(conn, manual, 2026, 7, today=JULY))
    assert fresh["丙社区"]["rank"] == 1 and "丁社区" in fresh


def test_publishing_again_needs_force_and_keeps_the_old_row(conn, manual):
    make_city(conn)
    score(conn, manual, "甲社区", 7, 90)
    publish_scored(conn, manual, 2026, 7, today=JULY)
    with pytest.raises(Conflict, match="--force"):
        publish_scored(conn, manual, 2026, 7, today=JULY)
    score(conn, manual, "乙社区", 7, 95)
    again = publish_scored(conn, manual, 2026, 7, force=True, today=JULY)
    assert again["rows"][0]["community"] == "乙社区"
    stored = conn.execute(
        "SELECT superseded_at IS NOT NULL, rules_hash FROM publications ORDER BY id"
    ).fetchall()
    assert [s[0] for s in stored] == [1, 0]
    assert stored[1][1] == manual.sha256
    assert assessment.monthly(conn, manual, 2026, 7, today=JULY)["rows"][0]["community"] == "乙社区"


def test_stored_result_is_canonical_json_with_its_hash(conn, manual):
    import hashlib

    make_city(conn)
    publish_scored(conn, manual, 2026, 7, today=JULY)
    text, digest = conn.execute("SELECT result, result_hash FROM publications").fetchone()
    assert hashlib.sha256(text.encode()).hexdigest() == digest
    assert text == json.dumps(
        json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    conn.execute("UPDATE publications SET result = replace(result, '甲社区', '乙社区')")
    with pytest.raises(Conflict, match="哈希不符"):
        assessment.monthly(conn, manual, 2026, 7, today=JULY)


def test_earlier_months_count_from_their_published_result(conn, manual):
    make_city(conn)
    for name, p in (("甲社区", 90), ("乙社区", 80), ("丙社区", 10)):
        score(conn, manual, name, 7, p)
        score(conn, manual, name, 8, p)
    publish_scored(conn, manual, 2026, 7, today=JULY)
    # Afterwards July's data would make 乙社区 last, but July was published with 丙社区 last.
    score(conn, manual, "丙社区", 7, 85)
    august = rows_by_name(assessment.compute(conn, manual, 2026, 8, today=date(2026, 8, 31)))
    assert august["丙社区"]["consecutive_last"] == 2
    assert august["丙社区"]["escalation"] == "书记在新闻媒体上说明工作"


@pytest.mark.parametrize(
    "month,too_early,first_day",
    [(7, date(2026, 7, 25), date(2026, 7, 26)), (8, date(2026, 8, 31), date(2026, 9, 1))],
)
def test_when_a_month_can_be_published(conn, manual, month, too_early, first_day):
    make_city(conn)
    with pytest.raises(Invalid, match=f"要到 {first_day.isoformat()} 才能公布"):
        publish_scored(conn, manual, 2026, month, today=too_early)
    assert (
        publish_scored(conn, manual, 2026, month, today=first_day)["published_on"]
        == first_day.isoformat()
    )


def test_months_that_cannot_be_assessed(conn, manual):
    make_city(conn)
    with pytest.raises(Invalid, match="还没有到"):
        assessment.compute(conn, manual, 2026, 8, today=JULY)
    with pytest.raises(Invalid, match="考评从 2026 年 7 月开始"):
        assessment.compute(conn, manual, 2026, 6, today=JULY)


def test_running_month_is_counted_as_of_today(conn):
    make_city(conn, ("甲社区", "乙社区"))
    rules = load_rules()
    issues.add_issue(
        conn, "卫生死角", community="甲社区", category=1, due="2026-07-20", found="2026-07-05"
    )
    early = assessment.compute(conn, rules, 2026, 7, today=date(2026, 7, 18))
    assert early["as_of"] == "2026-07-18"
    assert rows_by_name(early)["甲社区"]["items"]["overdue"] == 0.0  # not due yet on the 18th
    late = assessment.compute(conn, rules, 2026, 7, today=date(2026, 7, 21))
    assert rows_by_name(late)["甲社区"]["items"]["overdue"] == -1.0


# --- compound contest ------------------------------------------------------------------------


def test_compound_contest(conn):
    make_city(conn, ("甲社区",))
    rules = load_rules()
    for compound, (san, vol) in (("一号院", (30, 15)), ("二号院", (35, 18))):
        score(conn, rules, f"甲社区/甲社区{compound}", 7, san, item="sanitation")
        score(conn, rules, f"甲社区/甲社区{compound}", 7, vol, item="volunteers")
    # 二号院 has one issue due in July still open: rectification 0 of 40, one overdue → -2.
    issues.add_issue(
        conn,
        "乱堆乱放",
        community="甲社区",
        compound="甲社区二号院",
        category=1,
        due="2026-07-10",
        found="2026-07-02",
    )
    result = assessment.compound_ranking(conn, rules, "甲社区", 2026, 7, today=JULY)
    r = rows_by_name(result, "compound")
    assert r["甲社区一号院"]["items"] == {
        "sanitation": 30.0,
        "volunteers": 15.0,
        "rectification": 40.0,
        "overdue": 0.0,
    }
    assert r["甲社区一号院"]["score"] == 85.0 and r["甲社区一号院"]["rank"] == 1
    assert r["甲社区一号院"]["award"] == "小区流动红旗" and r["甲社区一号院"]["red_flag"] is True
    assert r["甲社区二号院"]["score"] == 51.0 and r["甲社区二号院"]["award"] is None
    assert result["community"] == "甲社区"


def test_compound_contest_refusals(conn, manual):
    make_city(conn, ("甲社区",))
    units.add_unit(conn, "空社区", "community", street="东城街道")
    with pytest.raises(RulesError, match="compound.items"):
        assessment.compound_ranking(conn, manual, "甲社区", 2026, 7, today=JULY)
    with pytest.raises(NotFound, match="还没有登记小区"):
        assessment.compound_ranking(conn, load_rules(), "空社区", 2026, 7, today=JULY)
    with pytest.raises(NotFound):
        assessment.compound_ranking(conn, load_rules(), "无此社区", 2026, 7, today=JULY)


# --- year-end unit prizes --------------------------------------------------------------------


def test_year_end_unit_prizes(conn, manual):
    make_city(conn)
    units.add_unit(conn, "市财政局", "unit", community="甲社区,乙社区")
    units.add_unit(conn, "闲置单位", "unit")  # linked to no community: takes no part
    for month, points in ((7, (90, 70, 40)), (8, (80, 60, 50))):
        for name, p in zip(("甲社区", "乙社区", "丙社区"), points):
            score(conn, manual, name, month, p)
    # 单位1 (乙社区's lead unit): two category-3 issues due in the year, one closed on time.
    good = issues.add_issue(
        conn,
        "乱倒垃圾",
        community="乙社区",
        category=3,
        unit="单位1",
        due="2026-07-10",
        found="2026-07-01",
    )
    issues.resolve_issue(conn, good, on="2026-07-09")
    issues.verify_issue(conn, good, passed=True, on="2026-07-12")
    issues.add_issue(
        conn,
        "历史遗留",
        community="乙社区",
        category=3,
        unit="单位1",
        due="2026-07-20",
        found="2026-07-01",
    )
    result = assessment.unit_ranking(conn, manual, 2026, today=date(2026, 8, 31))
    assert result["months"] == [7, 8]
    r = rows_by_name(result, "unit")
    assert set(r) == {"单位0", "单位1", "单位2", "市财政局"}
    # 0.6 × mean(90, 80) + 0.4 × 100 = 91; 市财政局: 0.6 × mean(90, 70, 80, 60) + 40 = 85
    # 单位1: 0.6 × 65 + 0.4 × 50 = 59; 单位2: 0.6 × 45 + 40 = 67
    assert [(x["unit"], x["score"], x["prize"], x["reward_yuan"]) for x in result["rows"]] == [
        ("单位0", 91.0, "一等奖", 100000),
        ("市财政局", 85.0, "二等奖", 80000),
        ("单位2", 67.0, "二等奖", 80000),
        ("单位1", 59.0, "三等奖", 60000),
    ]
    assert r["单位1"]["items"] == {"communities": 65.0, "rectification": 50.0}
    assert (r["单位1"]["issues_due"], r["单位1"]["issues_on_time"]) == (2, 1)
    assert r["市财政局"]["communities"] == ["甲社区", "乙社区"]


def test_year_end_uses_published_totals_and_needs_a_month(conn, manual):
    make_city(conn)
    with pytest.raises(Invalid, match="还没有考评过的月份"):
        assessment.unit_ranking(conn, manual, 2026, today=date(2026, 7, 30))
    score(conn, manual, "甲社区", 7, 90)
    publish_scored(conn, manual, 2026, 7, today=date(2026, 7, 30))
    score(conn, manual, "甲社区", 7, 10)  # after publication: does not count
    result = assessment.unit_ranking(conn, manual, 2026, today=date(2026, 7, 30))
    assert result["months"] == [7]
    assert rows_by_name(result, "unit")["单位0"]["score"] == 94.0  # 0.6 × 90 + 40


# --- civilized-community target --------------------------------------------------------------


def test_civilized_target(conn):
    make_city(conn, [f"社区{i}" for i in range(10)])
    rules = load_rules()
    t = assessment.civilized_target(conn, rules, 2026)
    assert (t["communities"], t["designated"], t["target"], t["needed"], t["met"]) == (
        10,
        0,
        0.7,
        7,
        False,
    )
    for i in range(3):
        units.designate_civilized(conn, f"社区{i}", 2026, "2026-07-01", None)
    units.designate_civilized(conn, "社区9", 2025, None, None)  # another year does not count
    t = assessment.civilized_target(conn, rules, 2026)
    assert (t["designated"], t["rate"], t["needed"], t["names"]) == (
        3,
        0.3,
        4,
        ["社区0", "社区1", "社区2"],
    )
    assert assessment.civilized_target(conn, rules, 2030)["target"] is None


# --- scores entered by hand ------------------------------------------------------------------


def test_set_score_replaces_and_keeps_history(conn, manual):
    make_city(conn)
    first = assessment.set_score(conn, manual, "甲社区", 2026, 7, "work", 60, "初评", today=JULY)
    assert first["replaced"] is None
    second = assessment.set_score(conn, manual, "甲社区", 2026, 7, "work", 75.5, today=JULY)
    assert second["replaced"] == 60.0
    current = assessment.list_scores(conn, month=7, year=2026)
    assert [(s["unit"], s["points"], s["note"]) for s in current] == [("甲社区", 75.5, None)]
    history = assessment.list_scores(conn, history=True)
    assert [(s["points"], s["superseded_at"] is not None) for s in history] == [
        (60.0, True),
        (75.5, False),
    ]
    assert (
        rows_by_name(assessment.compute(conn, manual, 2026, 7, today=JULY))["甲社区"]["score"]
        == 75.5
    )


@pytest.mark.parametrize(
    "name,item,points,error,words",
    [
        ("甲社区", "work", 100.5, Invalid, "0 到 100"),
        ("甲社区", "work", -1, Invalid, "0 到 100"),
        ("甲社区", "work", float("nan"), Invalid, "0 到 100"),
        ("甲社区", "nope", 5, NotFound, "没有社区考评项目“nope”"),
        ("无此社区", "work", 5, NotFound, "无此社区"),
        ("甲社区/甲社区一号院", "work", 5, NotFound, "小区竞赛项目"),
    ],
)
def test_set_score_refusals(conn, manual, name, item, points, error, words):
    make_city(conn)
    with pytest.raises(error, match=words):
        assessment.set_score(conn, manual, name, 2026, 7, item, points, today=JULY)
    assert conn.execute("SELECT count(*) FROM scores").fetchone()[0] == 0


def test_set_score_refuses_a_computed_item_and_a_future_month(conn):
    make_city(conn)
    rules = load_rules()
    with pytest.raises(Invalid, match="由数据计算"):
        assessment.set_score(conn, rules, "甲社区", 2026, 7, "inspection", 10, today=JULY)
    with pytest.raises(Invalid, match="还没有到"):
        assessment.set_score(conn, rules, "甲社区", 2026, 9, "daily", 3, today=JULY)
    with pytest.raises(Invalid, match="0 到 40"):
        assessment.set_score(
            conn, rules, "甲社区/甲社区一号院", 2026, 7, "sanitation", 41, today=JULY
        )


def test_missing_entries_follow_the_items_of_the_month(conn):
    make_city(conn, ("甲社区", "乙社区"))
    rules = rules_from_text(
        MANUAL + '\n[[items]]\nkey = "survey"\nname = "排查"\nsource = "manual"\nmax = 5\n'
        "months = [7]\n",
        "m.toml",
    )
    score(conn, rules, "甲社区", 7, 50)
    assert assessment.missing_entries(conn, rules, 2026, 7) == [
        {"community": "甲社区", "items": ["survey"]},
        {"community": "乙社区", "items": ["work", "survey"]},
    ]
    score(conn, rules, "甲社区", 8, 50)
    # survey is not assessed in August, so nobody lacks it
    assert assessment.missing_entries(conn, rules, 2026, 8) == [
        {"community": "乙社区", "items": ["work"]}
    ]
    with pytest.raises(Invalid, match="乙社区（work）"):
        assessment.publish(conn, rules, 2026, 8, today=date(2026, 9, 1))
    assert assessment.publish(conn, rules, 2026, 8, allow_missing=True, today=date(2026, 9, 1))[
        "missing"
    ] == [{"community": "乙社区", "items": ["work"]}]


# --- rates from the issues, and every source of the registry --------------------------------

RATE_RULES = """
[[items]]
key = "ontime"
name = "按期结案率"
source = "rate:on_time"
max = 50
full_at = 0.70
per_point = 1

[[items]]
key = "closure"
name = "结案率"
source = "rate:closure"
max = 20
bands = [ { at = 0.90, points = 20 }, { at = 0.50, points = 10 }, { at = 0.0, points = 0 } ]

[[items]]
key = "closure_avg"
name = "结案率（无问题按平均）"
source = "rate:closure"
max = 20
empty = "average"

[ranking]
first_month = "2026-07"
"""


def _two_issues(conn):
    """甲社区: two issues due 7-15, one closed on time, one still open; one due in August."""
    closed = issues.add_issue(
        conn, "楼道乱堆乱放", community="甲社区", category=1, due="2026-07-15", found="2026-07-05"
    )
    issues.resolve_issue(conn, closed, on="2026-07-14")
    issues.verify_issue(conn, closed, passed=True, on="2026-07-16")
    issues.add_issue(
        conn, "卫生死角", community="甲社区", category=1, due="2026-07-15", found="2026-07-05"
    )
    issues.add_issue(
        conn, "路面破损", community="甲社区", category=2, due="2026-08-15", found="2026-07-05"
    )


def test_rates_are_the_issue_summary_rates_at_month_end(conn):
    make_city(conn, ("甲社区", "乙社区"))
    _two_issues(conn)
    rules = rules_from_text(RATE_RULES, "rates.toml")
    result = assessment.compute(conn, rules, 2026, 7, today=JULY)
    a, b = rows_by_name(result)["甲社区"], rows_by_name(result)["乙社区"]
    # 甲: on-time 1/2 = 50 %, 20 points below 70 % → 50 − 20; closure 50 % → the 0.50 band;
    # linear closure 20 × 0.5
    assert a["items"] == {"ontime": 30.0, "closure": 10.0, "closure_avg": 10.0}
    # 乙 has no issue due: full by default; "average" takes the mean of those with a rate (甲's 0.5)
    assert b["items"] == {"ontime": 50.0, "closure": 20.0, "closure_avg": 10.0}


def _item_text(source):
    if source.startswith("count:"):
        return f'source = "{source}"\nmax = 10\nper = -1\n'
    if source in ("overdue", "exposure"):
        return f'source = "{source}"\nper = -1\nmin = -10\n'
    extra = "target = 10000\n" if source == "funds" else ""
    extra += "invert = true\n" if source.startswith("rate:") else ""
    return f'source = "{source}"\nmax = 10\n{extra}'


def test_every_source_of_the_registry_gets_its_facts(conn, monkeypatch):
    """A source whose facts are never gathered would silently score every community alike."""
    from sqjg.rules import SOURCES

    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")

    make_city(conn, ("甲社区", "乙社区"))
    _two_issues(conn)
    reworked = issues.add_issue(
        conn, "乱倒垃圾", community="甲社区", category=3, due="2026-07-20", found="2026-07-06"
    )
    issues.resolve_issue(conn, reworked, on="2026-07-10")
    issues.verify_issue(conn, reworked, passed=False, on="2026-07-12")
    issues.extend_issue(conn, reworked, due="2026-07-30", reason="雨季", on="2026-07-12")
    for n in range(3):
        issues.notify_issue(conn, reworked, on=f"2026-07-1{n + 3}")
    activities.add_meeting(conn, "甲社区", "2026-07-02")
    activities.add_inspection(conn, "甲社区", "2026-07-03", "张建华", 80)
    activities.add_cleanup(conn, "甲社区", "2026-07-20", 100)
    for report, day in (("survey", "07-09"), ("funds", "07-09"), ("cleanup", "07-24")):
        activities.submit(conn, "甲社区", report, f"2026-{day}")
    activities.submit(conn, "甲社区", "selfcheck", "2026-08-20")
    activities.set_mechanism(conn, "甲社区", "meeting", "2026-07-01")
    funds.add_contribution(conn, "甲社区", "unit", "单位0", "5000", on="2026-07-05")
    silent = []
    for source in SOURCES:
        text = f'[[items]]\nkey = "x"\nname = "项"\n{_item_text(source)}'
        text += '\n[ranking]\nfirst_month = "2026-07"\n'
        rules = rules_from_text(text, f"{source}.toml")
        # the self-check report is due 31 August: in July nobody can be late
        month = 8 if source == "submission:selfcheck" else 7
        if source == "manual":
            score(conn, rules, "甲社区", month, 4, item="x")
        if source == "count:manual":
            assessment.set_score(conn, rules, "甲社区", 2026, month, "x", None, count=2)
        result = assessment.compute(conn, rules, 2026, month, today=date(2026, 9, 1))
        a, b = rows_by_name(result)["甲社区"], rows_by_name(result)["乙社区"]
        if a["items"]["x"] == b["items"]["x"]:
            silent.append(source)
    assert silent == []


def test_counts_from_the_issues_with_filters(conn):
    make_city(conn, ("甲社区", "乙社区"))
    issues.add_issue(
        conn, "楼道乱堆乱放", community="甲社区", category=1, due="2026-07-15",
        found="2026-07-05", kind="乱堆乱放",
    )  # fmt: skip
    issues.add_issue(
        conn, "路口乱堆乱放", community="甲社区", category=3, due="2026-07-30",
        found="2026-07-06", kind="乱堆乱放", serious=True,
    )  # fmt: skip
    issues.add_issue(
        conn, "六月的卫生死角", community="甲社区", category=1, due="2026-06-20", found="2026-06-10"
    )
    fixed_late = issues.add_issue(
        conn, "井盖", community="乙社区", category=1, due="2026-06-30", found="2026-06-01"
    )
    issues.resolve_issue(conn, fixed_late, on="2026-07-03")
    text = """
[[items]]
key = "clutter"
name = "乱堆乱放"
source = "count:found"
kind = "乱堆乱放"
max = 10
per = -2

[[items]]
key = "serious"
name = "严重问题"
source = "count:found"
serious = true
max = 10
per = -5

[[items]]
key = "late"
name = "超期问题"
source = "count:overdue"
per = -1
min = -10

[ranking]
first_month = "2026-07"
"""
    rules = rules_from_text(text, "counts.toml")
    rows = rows_by_name(assessment.compute(conn, rules, 2026, 7, today=JULY))
    # 甲: two clutter issues found in July (the June one is not July's); one serious;
    # overdue in July: all three are open past their due dates (7-15, 7-30, 6-20) on 7-31
    assert rows["甲社区"]["items"] == {"clutter": 6.0, "serious": 5.0, "late": -3.0}
    # 乙: nothing found in July; the June issue fixed late on 7-03 is overdue in July
    assert rows["乙社区"]["items"] == {"clutter": 10.0, "serious": 10.0, "late": -1.0}
    august = rows_by_name(assessment.compute(conn, rules, 2026, 8, today=date(2026, 9, 1)))
    # fixed late in July costs nothing in August
    assert august["乙社区"]["items"]["late"] == 0.0


def test_overdue_counts_the_month_only(conn, monkeypatch):
    """An issue fixed late in July costs points in July, not in September."""
    monkeypatch.setenv("SQJG_TODAY", "2026-10-01")
    make_city(conn, ("甲社区", "乙社区"))
    late = issues.add_issue(
        conn, "楼道乱堆乱放", community="甲社区", category=1, due="2026-07-10", found="2026-07-01"
    )
    issues.resolve_issue(conn, late, on="2026-07-20")
    issues.verify_issue(conn, late, passed=True, on="2026-07-22")
    rules = rules_from_text(
        '[[items]]\nkey = "overdue"\nname = "超期问题"\nsource = "overdue"\nper = -1\nmin = -10\n'
        '\n[ranking]\nfirst_month = "2026-07"\n',
        "o.toml",
    )
    by_month = {
        m: rows_by_name(assessment.compute(conn, rules, 2026, m, today=date(2026, 10, 1)))[
            "甲社区"
        ]["items"]["overdue"]
        for m in (7, 8, 9)
    }
    assert by_month == {7: -1.0, 8: 0.0, 9: 0.0}


# --- periods ----------------------------------------------------------------------------------


def test_a_period_uses_published_months_as_published(conn):
    from sqjg import periods
    from sqjg.dates import parse_period

    rules = rules_from_text(
        MANUAL + '\n[[periods]]\nkey = "half"\ncombine = "sum"\n'
        'awards = [{ rank = 1, title = "半年红旗", reward = 100 }]\n',
        "half.toml",
    )
    make_city(conn, ("甲社区", "乙社区"))
    for name, july, august in (("甲社区", 80, 70), ("乙社区", 60, 95)):
        score(conn, rules, name, 7, july)
        score(conn, rules, name, 8, august)
    publish_scored(conn, rules, 2026, 7, today=date(2026, 8, 1))
    score(conn, rules, "乙社区", 7, 100)  # after publication: July stays 60 for 乙
    h2 = periods.compute_period(conn, rules, parse_period("2026-H2"), today=date(2026, 9, 1))
    # the sum of July (as published) and August; September not over: not assessed yet
    assert h2["months"] == [7, 8] and h2["combine"] == "sum"
    assert [(r["community"], r["score"], r["items"], r["award"]) for r in h2["rows"]] == [
        ("乙社区", 155.0, {"2026-07": 60.0, "2026-08": 95.0}, "半年红旗"),
        ("甲社区", 150.0, {"2026-07": 80.0, "2026-08": 70.0}, None),
    ]
    assert h2["max_total"] == 200.0
    with pytest.raises(RulesError, match="没有季度考评"):
        periods.compute_period(conn, rules, parse_period("2026-Q3"), today=date(2026, 9, 1))
