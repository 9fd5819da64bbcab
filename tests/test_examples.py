"""The example rules files in data/examples/, each run on a small city and checked against a
hand computation."""

from datetime import date
from pathlib import Path

import pytest

from sqjg import assessment, issues, periods, units
from sqjg.db import open_db
from sqjg.rules import load_rules

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
JULY = date(2026, 7, 31)
SEPT = date(2026, 9, 1)


@pytest.fixture
def conn(db_path):
    c = open_db(db_path)
    yield c
    c.close()


def city(conn, names):
    units.add_unit(conn, "东城街道", "street")
    for name in names:
        units.add_unit(conn, name, "community", street="东城街道")


def closed(conn, community, due, resolved, verified, *, rework_on=None):
    i = issues.add_issue(conn, "问题", community=community, category=1, due=due, found="2026-07-01")
    if rework_on is not None:
        issues.resolve_issue(conn, i, on=rework_on)
        issues.verify_issue(conn, i, passed=False, on=rework_on)
    issues.resolve_issue(conn, i, on=resolved)
    issues.verify_issue(conn, i, passed=True, on=verified)
    return i


def test_every_example_is_valid():
    files = sorted(EXAMPLES.glob("*.toml"))
    assert files
    for f in files:
        load_rules(f).require_items()


def test_digital_city_management(conn):
    rules = load_rules(EXAMPLES / "数字城管考核细则.toml")
    city(conn, ("甲社区", "乙社区", "丙社区"))
    # 甲: four issues due in July, three closed on time (one of them after a rework), one open
    closed(conn, "甲社区", "2026-07-15", "2026-07-08", "2026-07-09", rework_on="2026-07-05")
    closed(conn, "甲社区", "2026-07-15", "2026-07-10", "2026-07-11")
    closed(conn, "甲社区", "2026-07-20", "2026-07-18", "2026-07-19")
    issues.add_issue(
        conn, "问题", community="甲社区", category=1, due="2026-07-20", found="2026-07-01"
    )
    # 乙: two issues due in July, both closed, one of them late
    closed(conn, "乙社区", "2026-07-15", "2026-07-14", "2026-07-15")
    closed(conn, "乙社区", "2026-07-10", "2026-07-20", "2026-07-21")
    # 丙: no issues at all; reworked twice on an issue not yet due
    i = issues.add_issue(
        conn, "问题", community="丙社区", category=1, due="2026-08-20", found="2026-07-01"
    )
    for day in ("2026-07-10", "2026-07-20"):
        issues.resolve_issue(conn, i, on=day)
        issues.verify_issue(conn, i, passed=False, on=day)
    for name, points in (("甲社区", 13.5), ("乙社区", 14), ("丙社区", 9)):
        assessment.set_score(conn, rules, name, 2026, 7, "satisfaction", points, today=JULY)

    rows = {r["community"]: r for r in assessment.compute(conn, rules, 2026, 7, today=JULY)["rows"]}
    # 甲: on time 3/4 = 75 % ≥ 70 % → 50; closure 3/4 = 75 % → the 70 % band, 10;
    #     one rework → 15 − 3 = 12; satisfaction 13.5.  Total 85.5
    assert rows["甲社区"]["items"] == {
        "ontime": 50.0,
        "closure": 10.0,
        "rework": 12.0,
        "satisfaction": 13.5,
    }
    assert rows["甲社区"]["score"] == 85.5
    # 乙: on time 1/2 = 50 %, 20 points below 70 % → 50 − 20 = 30; closure 2/2 → 20;
    #     no rework → 15; satisfaction 14.  Total 79
    assert rows["乙社区"]["items"] == {
        "ontime": 30.0,
        "closure": 20.0,
        "rework": 15.0,
        "satisfaction": 14.0,
    }
    assert rows["乙社区"]["score"] == 79.0
    # 丙: nothing due: full on both rates (50 + 20); two reworks → 15 − 6 = 9; satisfaction 9.  Total 88
    assert rows["丙社区"]["items"] == {
        "ontime": 50.0,
        "closure": 20.0,
        "rework": 9.0,
        "satisfaction": 9.0,
    }
    assert rows["丙社区"]["score"] == 88.0
    # 丙 first (5,000), 甲 second (3,000); 乙 last: yellow card, media, no award
    assert [
        (r["community"], r["rank"], r["reward_yuan"], r["yellow_card"]) for r in rows.values()
    ] == [
        ("丙社区", 1, 5000, False),
        ("甲社区", 2, 3000, False),
        ("乙社区", 3, 0, True),
    ]


def found(conn, community, kind, n, day="2026-07-05"):
    for _n in range(n):
        issues.add_issue(
            conn, kind, community=community, category=1, due="2026-08-31", found=day, kind=kind
        )


def test_civilized_city_point_sites(conn):
    rules = load_rules(EXAMPLES / "创文点位测评.toml")
    city(conn, ("甲社区", "乙社区", "丙社区"))
    found(conn, "甲社区", "乱堆乱放", 1)
    found(conn, "乙社区", "乱堆乱放", 4)
    found(conn, "乙社区", "卫生死角", 12)  # 24 points' worth: 扣完为止 at 0
    found(conn, "乙社区", "占道", 3)
    found(conn, "丙社区", "占道", 2, day="2026-06-20")  # found in June: not July's
    # 丙: two issues due in July, one closed on time
    closed(conn, "丙社区", "2026-07-15", "2026-07-14", "2026-07-15")
    issues.add_issue(
        conn, "问题", community="丙社区", category=1, due="2026-07-20", found="2026-07-01"
    )
    for name, points in (("甲社区", 18), ("乙社区", 15), ("丙社区", 16)):
        assessment.set_score(conn, rules, name, 2026, 7, "survey", points, today=JULY)

    rows = {r["community"]: r for r in assessment.compute(conn, rules, 2026, 7, today=JULY)["rows"]}
    # 甲: 20 − 2 + 20 + 10 + 30 (nothing due) + 18 = 96 → 优秀, 2,000 yuan
    assert rows["甲社区"]["items"] == {
        "clutter": 18.0, "dead_corners": 20.0, "road": 10.0, "ontime": 30.0, "survey": 18.0,
    }  # fmt: skip
    assert (rows["甲社区"]["score"], rows["甲社区"]["grade"]) == (96.0, "优秀")
    assert rows["甲社区"]["grade_reward_yuan"] == 2000
    # 乙: 20 − 8 + 0 + 10 − 3 + 30 + 15 = 64 → 合格
    assert rows["乙社区"]["items"] == {
        "clutter": 12.0, "dead_corners": 0.0, "road": 7.0, "ontime": 30.0, "survey": 15.0,
    }  # fmt: skip
    assert (rows["乙社区"]["score"], rows["乙社区"]["grade"]) == (64.0, "合格")
    # 丙: 20 + 20 + 10 + 30 × 1/2 + 16 = 81 → 良好
    assert rows["丙社区"]["items"]["ontime"] == 15.0
    assert (rows["丙社区"]["score"], rows["丙社区"]["grade"]) == (81.0, "良好")
    assert [r["community"] for r in rows.values()] == ["甲社区", "丙社区", "乙社区"]


def test_quarterly_cross_evaluation(conn):
    rules = load_rules(EXAMPLES / "社区季度交叉考评.toml")
    city(conn, ("甲社区", "乙社区", "丙社区", "丁社区"))
    found(conn, "甲社区", "卫生死角", 1)
    found(conn, "乙社区", "卫生死角", 2)
    found(conn, "乙社区", "乱堆乱放", 6)  # 24 points' worth from a base of 20: 扣完为止 at 0
    late = issues.add_issue(
        conn, "井盖缺失", community="乙社区", category=1, due="2026-07-15", found="2026-07-01"
    )
    for day in ("2026-07-16", "2026-07-20", "2026-07-25"):
        issues.notify_issue(conn, late, on=day)
    for name, figure in (("甲社区", 96), ("乙社区", 88), ("丙社区", 80), ("丁社区", 70)):
        assessment.set_score(conn, rules, name, 2026, 7, "satisfaction", figure, today=JULY)
    assessment.set_veto(conn, rules, "丁社区", 2026, 7, "safety", "火灾", today=JULY)
    assessment.set_veto(conn, rules, "丙社区", 2026, 7, "petition", None, today=JULY)

    rows = {r["community"]: r for r in assessment.compute(conn, rules, 2026, 7, today=JULY)["rows"]}
    # 甲: 25 − 5 + 20 + 20 + 10 + 25 (satisfaction 96 ≥ 95) = 95
    assert rows["甲社区"]["items"] == {
        "sanitation": 20.0, "clutter": 20.0, "overdue": 20.0, "notices": 10.0, "satisfaction": 25.0,
    }  # fmt: skip
    assert rows["甲社区"]["score"] == 95.0
    # 乙: 25 − 10, 20 − 24 → 0, one overdue 20 − 10, three notices 10 − 6, 88 → the 80 band 15:
    #     15 + 0 + 10 + 4 + 15 = 44
    assert rows["乙社区"]["items"] == {
        "sanitation": 15.0, "clutter": 0.0, "overdue": 10.0, "notices": 4.0, "satisfaction": 15.0,
    }  # fmt: skip
    assert rows["乙社区"]["score"] == 44.0
    # 丙: nothing found, 80 → 15: 25 + 20 + 20 + 10 + 15 = 90; the petition veto keeps the score
    assert rows["丙社区"]["score"] == 90.0 and rows["丙社区"]["veto"] == ["petition"]
    # 丁: 25 + 20 + 20 + 10 + 10 (70 → the 70 band) = 85 on the items, 0 by the safety veto
    assert sum(rows["丁社区"]["items"].values()) == 85.0
    assert (rows["丁社区"]["score"], rows["丁社区"]["veto"]) == (0.0, ["safety"])
    # no monthly award; the bottom two carded
    assert [(r["community"], r["rank"], r["yellow_card"], r["award"]) for r in rows.values()] == [
        ("甲社区", 1, False, None),
        ("丙社区", 2, False, None),
        ("乙社区", 3, True, None),
        ("丁社区", 4, True, None),
    ]

    # August: nothing found, 乙's manhole still open past its due date (overdue again), no notices
    for name, figure in (("甲社区", 90), ("乙社区", 96), ("丙社区", 95), ("丁社区", 85)):
        assessment.set_score(conn, rules, name, 2026, 8, "satisfaction", figure, today=SEPT)
    august = {
        r["community"]: r["score"]
        for r in assessment.compute(conn, rules, 2026, 8, today=SEPT)["rows"]
    }
    # 75 from the base items (乙: 65, one overdue) + satisfaction 20 / 25 / 25 / 15
    assert august == {"丙社区": 100.0, "甲社区": 95.0, "乙社区": 90.0, "丁社区": 90.0}
    from sqjg.dates import parse_period

    q3 = periods.compute_period(conn, rules, parse_period("2026-Q3"), today=SEPT)
    assert (q3["period"], q3["months"], q3["combine"]) == ("2026-Q3", [7, 8], "mean")
    got = {r["community"]: r for r in q3["rows"]}
    # the mean of July and August: 甲 (95 + 95) / 2, 丙 (90 + 100) / 2, 乙 (44 + 90) / 2,
    # 丁 (0 + 90) / 2
    assert {k: (r["rank"], r["score"]) for k, r in got.items()} == {
        "甲社区": (1, 95.0), "丙社区": (1, 95.0), "乙社区": (3, 67.0), "丁社区": (4, 45.0),
    }  # fmt: skip
    assert got["甲社区"]["items"] == {"2026-07": 95.0, "2026-08": 95.0}
    # tied first, but 丙's July petition veto bars the quarter's award; no Q2: no progress award
    assert [(k, r["award"], r["reward_yuan"]) for k, r in got.items() if r["award"]] == [
        ("甲社区", "季度流动红旗", 10000)
    ]
    assert all(r["progress"] is None and r["progress_award"] is None for r in got.values())
