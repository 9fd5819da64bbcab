"""Quotes, semicolons, %, newlines, emoji and 10,000-character strings go through every `add`
command and come back unchanged: all SQL is parameterised."""

import sqlite3

import pytest
from conftest import ok

HOSTILE = [
    "'; DROP TABLE units; --",
    'say "hi"; DELETE FROM issues WHERE 1=1;',
    "100% _done_ \\ %s %d {name}",
    "第一行\n第二行\r\n第三行",
    "🏘️🧹🚮 共建😀",
    "长" * 10_000,
]


@pytest.mark.parametrize(
    "text", HOSTILE, ids=["drop", "quotes", "percent", "newlines", "emoji", "long"]
)
def test_hostile_text_round_trips_through_every_add(city, text):
    name = text.replace("\n", " ").replace("\r", " ")  # a unit's name is one line
    ok("unit", "add", name, "--kind", "unit", "--community", "东门社区", "--note", text)
    ok(
        "unit",
        "add",
        "测试社区",
        "--kind",
        "community",
        "--street",
        "东城街道",
        # people's names are names: one line (a control character is refused)
        "--secretary",
        name,
        "--director",
        name,
        "--liaison",
        name,
    )
    ok(
        "issue",
        "add",
        text,
        "--community",
        "西街社区",
        "--category",
        "1",
        "--due",
        "7-20",
        "--found",
        "7-01",
        "--location",
        text,
        "--kind",
        text,
        "--note",
        text,
    )
    ok(
        "fund",
        "add",
        "--community",
        "西街社区",
        "--source",
        "unit",
        "--from",
        "交通局",
        "--amount",
        "5000",
        "--date",
        "7-02",
        "--note",
        text,
    )
    ok(
        "fund",
        "spend",
        "--community",
        "西街社区",
        "--amount",
        "100",
        "--purpose",
        "清运垃圾 " + text,
        "--category",
        "cleaning",
        "--date",
        "7-03",
        "--approved-by",
        text,
        "--note",
        text,
    )
    ok("meeting", "add", "--community", "西街社区", "--date", "7-04", "--note", text)
    ok(
        "cleanup",
        "add",
        "--community",
        "西街社区",
        "--date",
        "7-05",
        "--participants",
        "30",
        "--note",
        text,
    )
    ok(
        "inspect",
        "add",
        "--community",
        "西街社区",
        "--date",
        "7-06",
        "--leader",
        name,
        "--score",
        "90",
        "--note",
        text,
    )
    ok("submit", "--community", "西街社区", "--report", "survey", "--date", "7-07", "--note", text)
    ok(
        "mechanism",
        "set",
        "--community",
        "西街社区",
        "--name",
        "meeting",
        "--date",
        "7-08",
        "--note",
        text,
    )
    ok(
        "score",
        "set",
        "西街社区",
        "--month",
        "7",
        "--year",
        "2026",
        "--item",
        "daily",
        "--points",
        "5",
        "--note",
        text,
    )
    ok("unit", "civilized", "西街社区", "--year", "2026", "--date", "7-09", "--note", text)

    conn = sqlite3.connect(city)
    one = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
    one_line = " ".join(name.split())  # names are stored with runs of spaces collapsed
    assert one("SELECT name, note FROM units WHERE kind = 'unit' AND note IS NOT NULL") == (
        one_line,
        text,
    )
    assert one("SELECT secretary, director, liaison FROM units WHERE name = '测试社区'") == (
        one_line,
        one_line,
        one_line,
    )
    assert one("SELECT description, location, kind FROM issues") == (text, text, text)
    assert one("SELECT note FROM fund_entries WHERE entry_type = 'contribution'") == (text,)
    assert one(
        "SELECT purpose, approved_by, note FROM fund_entries WHERE entry_type = 'expenditure'"
    ) == ("清运垃圾 " + text, text, text)
    for table in ("meetings", "cleanups", "inspections", "submissions", "mechanisms", "civilized"):
        assert one(f"SELECT note FROM {table}") == (text,), table
    assert one("SELECT leader FROM inspections") == (name,)
    assert one("SELECT note FROM scores") == (text,)
    assert one("SELECT count(*) FROM units")[0] == 14
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
