"""The reports (sqjg.report) and their renderers (sqjg.reports), on a small hand-made town.

The town (today 2026-07-31), with the figures worked out by hand:
- four communities: 西街社区, 南门社区 (东城街道); 东门社区, 北关社区 (西城街道);
- July scores (manual items work 60 + people 40): 西街 50+40 = 90, 南门 40+30 = 70, 东门 30+20 = 50,
  北关 10+5 = 15 → ranks 1-4; 西街 red flag (20,000) and baseline (≥ 80, 500); 北关 last: yellow
  card and media;
- funds: 西街 unit 10,000 (交通局) + enterprise 5,000, cleaning 3,000 spent → balance 12,000;
  东门 raised 2,000 by itself; city 17,000 raised, 3,000 spent, 14,000 left;
- issues: #1 西街 cat 1 due 7-20, resolved 7-18, closed 7-19 (on time); #2 西街 cat 3 交通局 due
  7-25 open, notices 7-26 and 7-28 (board: 2 notices); #3 东门 cat 4 环卫处 due 7-30, serious, open;
  #4 东门 cat 1 due 8-10 open. As of 7-31: #2 and #3 overdue, both on the board;
- deadlines: survey 07-10 (西街 7-08 on time, 北关 7-10 on time, 东门 7-12 late 2 days, 南门
  missing), cleanup 07-25 (西街 cleaned 7-20), selfcheck 08-31;
- 文明社区: 西街 → 1 of 4 (25%), target 50% → 1 more needed.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser

import pytest
from conftest import built_once, connect, ok

from sqjg import report
from sqjg.reports import atomic, document, exports, htmlpage
from sqjg.reports import daily as daily_fmt
from sqjg.reports import markdown as mdfmt
from sqjg.reports import monthly as monthly_fmt
from sqjg.reports import text as textfmt
from sqjg.rules import load_rules

RULES = """# 测试用考评办法
[issues]
exposure_notices = 2

[deadlines]
survey = "07-10"
cleanup = "07-25"
selfcheck = "08-31"

[[items]]
key = "work"
name = "工作实绩"
source = "manual"
max = 60

[[items]]
key = "people"
name = "群众满意度"
source = "manual"
max = 40

[ranking]
first_month = "2026-07"
awards = [ { rank = 1, title = "流动红旗", reward = 20000 } ]
yellow_card_bottom = 1
baseline = { score = 80, reward = 500 }

[targets]
civilized_rate = { 2026 = 0.5 }
"""

SCORES = (("西街社区", 50, 40), ("东门社区", 30, 20), ("南门社区", 40, 30), ("北关社区", 10, 5))


@pytest.fixture
def rules_file(tmp_path):
    p = tmp_path / "考评办法.toml"
    p.write_text(RULES, encoding="utf-8")
    return p


@pytest.fixture
def town(city, rules_file, monkeypatch):
    monkeypatch.setenv("SQJG_RULES", str(rules_file))

    def build():
        ok("unit", "add", "南门社区", "--kind", "community", "--street", "东城街道")
        ok(
            "unit",
            "add",
            "北关社区",
            "--kind",
            "community",
            "--street",
            "西城街道",
            "--secretary",
            "刘芳",
            "--director",
            "孙强",
            "--liaison",
            "吴敏",
        )
        ok("unit", "add", "市统计局", "--kind", "unit", "--community", "北关社区", "--lead")
        for name, work, people in SCORES:
            ok("score", "set", name, "--month", "7", "--item", "work", "--points", str(work))
            ok("score", "set", name, "--month", "7", "--item", "people", "--points", str(people))
        ok(
            "fund",
            "add",
            "-c",
            "西街社区",
            "-s",
            "unit",
            "--from",
            "交通局",
            "-a",
            "10000",
            "-d",
            "7-05",
        )
        ok(
            "fund",
            "add",
            "-c",
            "西街社区",
            "-s",
            "enterprise",
            "--from",
            "华丰食品有限公司",
            "-a",
            "5000",
            "-d",
            "7-06",
        )
        ok(
            "fund",
            "spend",
            "-c",
            "西街社区",
            "-a",
            "3000",
            "-p",
            "购买保洁工具",
            "-k",
            "cleaning",
            "-d",
            "7-20",
        )
        ok(
            "fund",
            "add",
            "-c",
            "东门社区",
            "-s",
            "community",
            "--from",
            "东门社区",
            "-a",
            "2000",
            "-d",
            "7-08",
        )
        ok(
            "issue",
            "add",
            "楼道堆放杂物",
            "-c",
            "西街社区",
            "--category",
            "1",
            "--due",
            "7-20",
            "--found",
            "7-01",
        )
        ok(
            "issue",
            "add",
            "单位门前乱倒垃圾",
            "-c",
            "西街社区",
            "--category",
            "3",
            "-u",
            "交通局",
            "--due",
            "7-25",
            "--found",
            "7-02",
        )
        ok(
            "issue",
            "add",
            "主干道路面破损",
            "-c",
            "东门社区",
            "--category",
            "4",
            "-u",
            "环卫处",
            "--due",
            "7-30",
            "--found",
            "7-03",
            "--serious",
        )
        ok(
            "issue",
            "add",
            "绿地被毁种菜",
            "-c",
            "东门社区",
            "--category",
            "1",
            "--due",
            "8-10",
            "--found",
            "7-04",
        )
        ok("issue", "resolve", "1", "--date", "7-18")
        ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-19")
        ok("issue", "notify", "2", "--date", "7-26")
        ok("issue", "notify", "2", "--date", "7-28")
        ok("submit", "-c", "西街社区", "-r", "survey", "-d", "7-08")
        ok("submit", "-c", "北关社区", "-r", "survey", "-d", "7-10")
        ok("submit", "-c", "东门社区", "-r", "survey", "-d", "7-12")
        ok("cleanup", "add", "-c", "西街社区", "-d", "7-20", "--participants", "120")
        ok("unit", "civilized", "西街社区", "--year", "2026")

    built_once("test_report.town", city, build)
    return city


def monthly(db_path, month=7, **kw):
    conn = connect(db_path)
    try:
        return report.monthly_report(conn, load_rules(None), 2026, month, **kw)
    finally:
        conn.close()


def daily(db_path, as_of):
    conn = connect(db_path)
    try:
        return report.daily_report(conn, load_rules(None), as_of)
    finally:
        conn.close()


# --- the report dict ------------------------------------------------------------------------


def test_monthly_report_sections(town, db_path):
    rep = monthly(db_path)
    assert list(rep) == [
        "year",
        "month",
        "published",
        "published_on",
        "as_of",
        "ranking_as_of",
        "rules_hash",
        "fingerprint",
        "late_entries",
        "rules_changed",
        "baseline_score",
        "tie_break",
        "ranking",
        "media",
        "items",
        "issues",
        "exposure_notices",
        "exposure",
        "funds",
        "due",
        "target",
        "history",
    ]
    assert (rep["year"], rep["month"], rep["published"], rep["as_of"]) == (
        2026,
        7,
        False,
        "2026-07-31",
    )
    ranking = [
        (
            r["rank"],
            r["community"],
            r["score"],
            r["red_flag"],
            r["reward_yuan"],
            r["yellow_card"],
            r["media"],
            r["baseline"],
            r["baseline_reward_yuan"],
        )
        for r in rep["ranking"]
    ]
    assert ranking == [
        (1, "西街社区", 90.0, True, 20000, False, False, True, 500),
        (2, "南门社区", 70.0, False, 0, False, False, False, 0),
        (3, "东门社区", 50.0, False, 0, False, False, False, 0),
        (4, "北关社区", 15.0, False, 0, True, True, False, 0),
    ]
    assert [m["community"] for m in rep["media"]] == ["北关社区"]
    assert rep["media"][0]["secretary"] == "刘芳" and rep["media"][0]["lead_unit"] == "市统计局"
    assert [(r["community"], r["items"]) for r in rep["items"]["rows"]] == [
        ("西街社区", {"work": 50.0, "people": 40.0}),
        ("南门社区", {"work": 40.0, "people": 30.0}),
        ("东门社区", {"work": 30.0, "people": 20.0}),
        ("北关社区", {"work": 10.0, "people": 5.0}),
    ]
    assert rep["history"] == {"months": [], "rows": []}  # July is the first assessed month


def test_monthly_report_survey_and_board(town, db_path):
    rep = monthly(db_path)
    rows = {r["name"]: r for r in rep["issues"]["communities"]}
    keys = (
        "total",
        "category_1",
        "category_3",
        "category_4",
        "open",
        "closed",
        "overdue",
        "due",
        "closed_due",
        "exposure",
        "closure_rate",
        "on_time_rate",
    )
    assert {k: rows["西街社区"][k] for k in keys} == {
        "total": 2,
        "category_1": 1,
        "category_3": 1,
        "category_4": 0,
        "open": 1,
        "closed": 1,
        "overdue": 1,
        "due": 2,
        "closed_due": 1,
        "exposure": 1,
        "closure_rate": 0.5,
        "on_time_rate": 0.5,
    }
    assert {k: rows["东门社区"][k] for k in keys} == {
        "total": 2,
        "category_1": 1,
        "category_3": 0,
        "category_4": 1,
        "open": 2,
        "closed": 0,
        "overdue": 1,
        "due": 1,
        "closed_due": 0,
        "exposure": 1,
        "closure_rate": 0.0,
        "on_time_rate": 0.0,
    }
    assert rows["南门社区"]["total"] == 0 and rows["南门社区"]["closure_rate"] is None
    assert rows["合计"]["level"] == "total" and (
        rows["合计"]["total"],
        rows["合计"]["overdue"],
    ) == (4, 2)
    assert [(r["name"], r["overdue"]) for r in rep["issues"]["overdue_units"]] == [
        ("交通局", 1),
        ("环卫处", 1),
    ]
    assert [(r["id"], r["reasons"], r["days_overdue"]) for r in rep["exposure"]] == [
        (3, ["serious"], 1),
        (2, ["notices"], 6),
    ]
    assert rep["exposure_notices"] == 2


def test_monthly_report_funds_calendar_target(town, db_path):
    rep = monthly(db_path)
    f = rep["funds"]
    assert f["total"] == {
        "communities": 4,
        "raised_month_yuan": 17000,
        "raised_yuan": 17000,
        "spent_yuan": 3000,
        "balance_yuan": 14000,
        "raised_by_source": {"unit": 10000, "enterprise": 5000, "community": 2000},
        "spent_by_category": {
            "cleaning": 3000,
            "greening": 0,
            "publicity": 0,
            "activity": 0,
            "repair": 0,
            "other": 0,
        },
    }
    assert f["streets"] == [
        {
            "street": "东城街道",
            "communities": 2,
            "raised_yuan": 15000,
            "spent_yuan": 3000,
            "balance_yuan": 12000,
        },
        {
            "street": "西城街道",
            "communities": 2,
            "raised_yuan": 2000,
            "spent_yuan": 0,
            "balance_yuan": 2000,
        },
    ]
    west = f["communities"][0]
    assert (west["community"], west["raised_yuan"], west["spent_yuan"], west["balance_yuan"]) == (
        "西街社区",
        15000,
        3000,
        12000,
    )
    survey = [
        (r["community"], r["status"], r["days"]) for r in rep["due"] if r["deadline"] == "survey"
    ]
    assert survey == [
        ("南门社区", "missing", 21),
        ("东门社区", "late", 2),
        ("西街社区", "on_time", 0),
        ("北关社区", "on_time", 0),
    ]
    assert {r["deadline"] for r in rep["due"]} == {"survey", "cleanup", "selfcheck"}
    assert rep["target"] == {
        "year": 2026,
        "communities": 4,
        "designated": 1,
        "rate": 0.25,
        "target": 0.5,
        "needed": 1,
        "met": False,
        "names": ["西街社区"],
    }


def test_monthly_report_of_a_published_month_keeps_the_published_ranking(
    town, db_path, monkeypatch
):
    # these rules have no assessment deadline: July is publishable once it has ended
    monkeypatch.setenv("SQJG_TODAY", "2026-08-01")
    ok("rank", "--month", "7", "--publish", "--yes")
    ok(
        "score", "set", "北关社区", "--month", "7", "--item", "work", "--points", "60",
        "--late", "--reason", "补录",
    )  # fmt: skip
    rep = monthly(db_path)
    assert rep["published"] is True and rep["published_on"] == "2026-08-01"
    assert [r["community"] for r in rep["ranking"]] == [
        "西街社区",
        "南门社区",
        "东门社区",
        "北关社区",
    ]
    assert rep["ranking"][-1]["score"] == 15.0
    doc = textfmt.text(monthly_fmt.monthly_document(rep))
    assert "排名已于 2026-08-01 公布" in doc
    assert rep["fingerprint"] in doc  # filed with the report, it anchors the chains


def test_rank_history_over_the_months(town, db_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-31")
    for name, work in (("北关社区", 60), ("东门社区", 50), ("南门社区", 40), ("西街社区", 30)):
        ok("score", "set", name, "--month", "8", "--item", "work", "--points", str(work))
    rep = monthly(db_path, month=8)
    assert rep["history"] == {
        "months": [7, 8],
        "rows": [
            {"community": "北关社区", "ranks": [4, 1]},
            {"community": "东门社区", "ranks": [3, 2]},
            {"community": "南门社区", "ranks": [2, 3]},
            {"community": "西街社区", "ranks": [1, 4]},
        ],
    }
    assert monthly(db_path, month=8, history=False)["history"] == {"months": [], "rows": []}


def test_daily_report(town, db_path):
    rep = daily(db_path, "2026-07-21")
    assert rep["upcoming"] == [
        {
            "deadline": "cleanup",
            "date": "2026-07-25",
            "done": 1,
            "missing": ["东门社区", "南门社区", "北关社区"],
            "days_left": 4,
        }
    ]
    assert rep["past_due"] == [
        {
            "deadline": "survey",
            "date": "2026-07-10",
            "done": 3,
            "missing": ["南门社区"],
            "days_late": 11,
        }
    ]
    # #1 was due 7-20 but resolved on 7-18: not overdue.
    assert rep["overdue_today"] == []
    assert [r["id"] for r in rep["exposure"]] == [3]
    rep = daily(db_path, "2026-07-31")
    assert [r["id"] for r in rep["overdue_today"]] == [3]  # due 7-30; #2 fell overdue on 7-26
    assert rep["upcoming"] == [] and [g["deadline"] for g in rep["past_due"]] == [
        "survey",
        "cleanup",
    ]
    assert [r["id"] for r in rep["exposure"]] == [3, 2]
    rep = daily(db_path, "2026-07-26")
    assert [r["id"] for r in rep["overdue_today"]] == [2]


# --- renderers ------------------------------------------------------------------------------

HEADINGS = [
    "一、排名与奖惩",
    "二、各社区分项得分",
    "三、问题排查情况",
    "四、曝光台",
    "五、共建经费",
    "六、工作时限",
    "七、文明社区建成率",
]


def test_text_report(town, db_path):
    out = textfmt.text(monthly_fmt.monthly_document(monthly(db_path)))
    assert "\x1b" not in out
    positions = [out.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    assert out.startswith("2026 年 7 月社区共建月度报告\n\n数据截至 2026-07-31\n")
    assert "排名尚未公布：以下为截至 2026-07-31 的暂定结果。" in out
    assert "  • 流动红旗：西街社区（奖励 20,000 元）\n" in out
    assert "  • 黄牌警告：北关社区\n" in out
    assert (
        "  • 媒体公布（最后一名）：北关社区（西城街道）；书记 刘芳，主任 孙强，街道联系领导 吴敏，"
        "共建牵头单位 市统计局\n"
    ) in out
    assert "  • 达标奖（总分不低于 80 分）：西街社区\n" in out
    assert (
        "2026 年文明社区建成率：已认定 1 个 / 共 4 个社区（25.0%），目标 50%（至少 2 个），还需 1 个。"
        in out
    )
    assert all(line == line.rstrip() for line in out.splitlines())
    ranking = out[out.index("一、排名与奖惩") : out.index("  • 流动红旗")]
    assert ranking.splitlines()[4:10] == [
        "  名次   社区       街道       总分   结果",
        " " + "─" * 84,  # (4 + 8 + 8 + 4 + 43 cells) + 2 padding each + 4 separators
        "     1   西街社区   东城街道   90.0   流动红旗 · 奖励 20,000 元 / 达标 · 奖励 500 元",
        "     2   南门社区   东城街道   70.0",
        "     3   东门社区   西城街道   50.0",
        "     4   北关社区   西城街道   15.0   黄牌警告 / 媒体公布",
    ]


@pytest.mark.parametrize("note", ["占道 a", "[占道] a"])  # the second only rich can lay out
def test_plain_table_is_what_rich_draws(note):
    """The plain table and rich's table agree to the character (CJK widths included)."""
    import io

    from sqjg.render import console

    t = document.Table(
        [("rank", "名次"), ("name", "社区"), ("note", "备注 note"), ("v", "金额")],
        [
            {"rank": "1", "name": "西街社区", "note": note, "v": "1,000.00", "_class": "total"},
            {"rank": "12", "name": "人民路社区", "note": "", "v": "3.50"},
        ],
        numeric=("rank", "v"),
    )
    buf = io.StringIO()
    console(buf).print(textfmt._rich_table(t))
    drawn = [line.rstrip() for line in buf.getvalue().splitlines() if line.strip()]
    assert textfmt.plain_table(t) == drawn
    assert note in drawn[2]


def test_markdown_report(town, db_path):
    out = mdfmt.markdown(monthly_fmt.monthly_document(monthly(db_path)))
    assert out.startswith("# 2026 年 7 月社区共建月度报告\n")
    for h in HEADINGS:
        assert f"\n## {h}\n" in out
    assert (
        "| 名次 | 社区 | 街道 | 总分 | 结果 |\n|---|---|---|---|---|\n| 1 | 西街社区 | 东城街道 | 90.0 |"
        in out
    )
    assert "- 黄牌警告：北关社区\n" in out
    assert "### （三）超期问题（按责任单位）" in out


class _Page(HTMLParser):
    """Collects what the tests look at: tags, bars, lines, scripts, outside references."""

    def __init__(self):
        super().__init__()
        self.tags, self.bars, self.lines, self.refs, self.rects = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "rect":
            self.rects.append((tag, a))
        if tag == "rect" and a.get("class") == "bar":
            self.bars.append(a)
        if tag == "path" and a.get("class") == "rank-line":
            self.lines.append(a)
        for k in ("src", "href"):
            if k in a:
                self.refs.append(a[k])


def parse(page):
    p = _Page()
    p.feed(page)
    p.close()
    return p


def test_html_page(town, db_path):
    page = htmlpage.page(monthly_fmt.monthly_document(monthly(db_path), charts=True))
    p = parse(page)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "script" not in p.tags and "link" not in p.tags and "img" not in p.tags and p.refs == []
    assert "url(" not in page and "@import" not in page
    assert "@page { size: A4" in page and "Noto Sans CJK SC" in page
    assert [b["data-community"] for b in p.bars] == ["西街社区", "南门社区", "东门社区", "北关社区"]
    assert [(b["data-outcome"], b["fill"]) for b in p.bars] == [
        ("red-flag", htmlpage.RED),
        ("none", htmlpage.GREY),
        ("none", htmlpage.GREY),
        ("yellow-card", htmlpage.AMBER),
    ]
    # widths follow the totals: 90 : 70 : 50 : 15
    widths = [float(b["width"]) for b in p.bars]
    assert widths[0] / widths[3] == pytest.approx(90 / 15, rel=0.01)
    assert p.lines == []  # no earlier month: no rank chart
    rate = next(a for t, a in p.rects if a.get("class") == "rate")
    assert float(rate["width"]) == pytest.approx(
        0.25 * 740
    )  # 1 of 4 designated, on a 740-wide gauge
    for h in HEADINGS:
        assert f"<h2>{h}</h2>" in page
    assert 'class="badge provisional"' in page


def test_html_rank_chart_when_earlier_months_exist(town, db_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-30")
    page = htmlpage.page(monthly_fmt.monthly_document(monthly(db_path, month=9), charts=True))
    p = parse(page)
    assert len(p.bars) == 4
    assert sorted(x["data-community"] for x in p.lines) == [
        "东门社区",
        "北关社区",
        "南门社区",
        "西街社区",
    ]
    # three months: each line has three points
    assert all(x["d"].count("L") == 2 and x["d"].startswith("M") for x in p.lines)
    assert "各社区历月名次" in page


def test_html_escapes_what_people_typed(town, db_path):
    ok(
        "issue",
        "add",
        "<script>alert(1)</script> & 杂物",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--due",
        "7-29",
        "--found",
        "7-05",
        "--serious",
    )
    page = htmlpage.page(monthly_fmt.monthly_document(monthly(db_path), charts=True))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 杂物" in page
    assert "script" not in parse(page).tags


def test_bar_chart_handles_many_communities_and_negative_totals():
    bars = [
        {"label": f"第{i}社区", "rank": i, "value": 50.0 - 4 * i, "outcome": ""}
        for i in range(1, 21)
    ]
    svg = htmlpage.bar_chart_svg(document.BarChart(bars, 100.0, 80.0, "t"))
    p = parse(svg)
    assert len(p.bars) == 20
    # one row each, no two labels on the same line
    ys = [float(b["y"]) for b in p.bars]
    assert all(b - a >= 20 for a, b in itertools.pairwise(ys))
    assert all(float(b["width"]) > 0 for b in p.bars)


def test_csv_sections(town, db_path):
    rep = monthly(db_path)
    assert exports.monthly_csv(rep, "ranking") == (
        "\ufeffrank,community,street,score,red_flag,award,reward_yuan,yellow_card,media,consecutive_last,escalation,"
        "baseline,baseline_reward_yuan,published\n"
        "1,西街社区,东城街道,90.0,true,流动红旗,20000,false,false,0,,true,500,false\n"
        "2,南门社区,东城街道,70.0,false,,0,false,false,0,,false,0,false\n"
        "3,东门社区,西城街道,50.0,false,,0,false,false,0,,false,0,false\n"
        "4,北关社区,西城街道,15.0,false,,0,true,true,1,,false,0,false\n"
    )
    assert exports.monthly_csv(rep, "items") == (
        "\ufeffrank,community,street,work,people,score\n"
        "1,西街社区,东城街道,50.0,40.0,90.0\n2,南门社区,东城街道,40.0,30.0,70.0\n"
        "3,东门社区,西城街道,30.0,20.0,50.0\n4,北关社区,西城街道,10.0,5.0,15.0\n"
    )
    assert exports.monthly_csv(rep, "funds") == (
        "\ufeffcommunity,street,raised_unit_yuan,raised_enterprise_yuan,raised_community_yuan,raised_yuan,"
        "raised_month_yuan,spent_cleaning_yuan,spent_greening_yuan,spent_publicity_yuan,spent_activity_yuan,"
        "spent_repair_yuan,spent_other_yuan,spent_yuan,balance_yuan\n"
        "西街社区,东城街道,10000,5000,0,15000,15000,3000,0,0,0,0,0,3000,12000\n"
        "南门社区,东城街道,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
        "东门社区,西城街道,0,0,2000,2000,2000,0,0,0,0,0,0,0,2000\n"
        "北关社区,西城街道,0,0,0,0,0,0,0,0,0,0,0,0,0\n"
    )
    due = exports.monthly_csv(rep, "due").splitlines()
    assert due[0] == "\ufeffdeadline,date,community,status,done,days"
    assert due[1:5] == [
        "survey,2026-07-10,南门社区,missing,,21",
        "survey,2026-07-10,东门社区,late,2026-07-12,2",
        "survey,2026-07-10,西街社区,on_time,2026-07-08,0",
        "survey,2026-07-10,北关社区,on_time,2026-07-10,0",
    ]
    issues_csv = exports.monthly_csv(rep, "issues").splitlines()
    assert issues_csv[0].startswith("\ufefflevel,name,street,total,category_1,")
    assert issues_csv[-1].startswith("total,合计,,4,2,0,1,1,")
    assert len(issues_csv) == 6
    assert exports.monthly_csv(rep, "units").splitlines()[1].startswith("交通局,unit,1,0,0,1,0,")
    exposure = exports.monthly_csv(rep, "exposure").splitlines()
    assert [line.split(",")[0] for line in exposure[1:]] == ["3", "2"]


def test_json_report(town, db_path):
    data = json.loads(exports.monthly_json(monthly(db_path)))
    assert {
        "year",
        "month",
        "published",
        "as_of",
        "ranking",
        "items",
        "issues",
        "exposure",
        "funds",
        "due",
        "target",
    } <= set(data)
    first = data["ranking"][0]
    assert first["outcome"] == "流动红旗 · 奖励 20,000 元 / 达标 · 奖励 500 元"
    assert isinstance(first["score"], float) and isinstance(first["reward_yuan"], int)
    assert data["funds"]["total"]["balance_yuan"] == 14000


def test_daily_document(town, db_path):
    out = textfmt.text(daily_fmt.daily_document(daily(db_path, "2026-07-21")))
    assert out.startswith("社区共建每日简报（2026-07-21）\n")
    assert "卫生大清扫   2026-07-25   还剩 4 天        1   东门社区、南门社区、北关社区" in out
    assert "问题排查情况上报   2026-07-10   已逾期 11 天        3   南门社区" in out
    assert "  今天没有新超期的问题。" in out
    assert "主干道路面破损" in out[out.index("三、曝光台") :]
    assert (
        exports.daily_csv(daily(db_path, "2026-07-31"), "overdue")
        .splitlines()[1]
        .startswith("3,主干道路面破损,东门社区,,,4,环卫处,")
    )


# --- writing a file -------------------------------------------------------------------------


def test_write_atomic_replaces_the_file(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old report\n", encoding="utf-8")
    os.chmod(target, 0o640)
    atomic.write_atomic(target, "新的报表\n")
    assert target.read_text(encoding="utf-8") == "新的报表\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert os.listdir(tmp_path) == ["report.txt"]


def test_write_atomic_killed_midway_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report\n", encoding="utf-8")

    def half_then_die(f, data):
        f.write(data[: len(data) // 2])
        raise KeyboardInterrupt  # what a cron job's SIGINT looks like from inside

    monkeypatch.setattr(atomic, "_write_all", half_then_die)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(target, "新" * 100_000)
    assert target.read_text(encoding="utf-8") == "old report\n"
    assert os.listdir(tmp_path) == ["report.html"]


def test_write_atomic_disk_error_is_one_sentence(tmp_path, monkeypatch):
    from sqjg.errors import Invalid

    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")

    def fail(f, data):
        f.write(data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", fail)
    with pytest.raises(Invalid, match="无法写入文件"):
        atomic.write_atomic(target, "x" * 1000)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["report.txt"]


def test_long_name_lists_are_cut_for_people_not_for_scripts():
    names = [f"第{i}社区" for i in range(1, 26)]
    assert document.name_list(names) == "、".join(names[:20]) + " 等 25 个"
    assert document.name_list(names[:20]) == "、".join(names[:20])
    assert document.names_or_none([]) == "无"


def test_text_off_a_terminal_lists_the_top_overdue_units_and_board(town, db_path):
    """A city of 60 overdue units and 70 issues on the board, laid out at the domain level: the
    text mail lists the top 50 of each with how many more and the total; the rest keep all."""
    rep = monthly(db_path)
    unit = rep["issues"]["overdue_units"][0]
    board = rep["exposure"][0]
    rep["issues"]["overdue_units"] = [
        {**unit, "name": f"单位{n:02d}", "overdue": 100 - n} for n in range(60)
    ]
    days = list(range(1, 71))
    random.Random(7).shuffle(days)
    rep["exposure"] = [{**board, "id": 1000 + d, "days_overdue": d} for d in days]
    mail = textfmt.text(monthly_fmt.monthly_document(rep, longest=monthly_fmt.TEXT_ROWS))
    assert "单位49" in mail and "单位50" not in mail
    assert "…等 10 个责任单位未列出，共 60 个（按超期问题数列出前 50 个" in mail
    assert "…等 20 个问题未列出，共 70 个（按超期天数列出前 50 个" in mail
    listed = [d for d in days if f" {1000 + d} " in mail]
    assert sorted(listed) == list(range(21, 71))  # the 50 longest overdue, in the board's order
    assert listed == [d for d in days if d >= 21]
    everything = htmlpage.page(monthly_fmt.monthly_document(rep))
    assert "单位59" in everything and "1001" in everything and "未列出" not in everything
    assert "未列出" not in textfmt.text(monthly_fmt.monthly_document(rep))
