"""`sqjg rank`, `score`, `rules`, `target`, `unit civilized` at the command line."""

import hashlib
import json
from pathlib import Path

import pytest
from conftest import built_once, db_bytes, ok, refused, run

RULES = """# 测试用考评办法：只有手工项目
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
baseline = { score = 80, reward = 500 }
"""


@pytest.fixture
def rules_file(tmp_path):
    p = tmp_path / "考评办法.toml"
    p.write_text(RULES, encoding="utf-8")
    return p


@pytest.fixture
def four(city, rules_file):
    """The conftest city plus two communities, with July scores: 90.5, 85, 70, 15."""

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
        for name, work, people in (
            ("西街社区", 50.5, 40),
            ("东门社区", 55, 30),
            ("南门社区", 40, 30),
            ("北关社区", 10, 5),
        ):
            ok(
                "score",
                "set",
                name,
                "--month",
                "7",
                "--item",
                "work",
                "--points",
                str(work),
                "--rules",
                rules_file,
            )
            ok(
                "score",
                "set",
                name,
                "--month",
                "7",
                "--item",
                "people",
                "--points",
                str(people),
                "--rules",
                rules_file,
            )

    built_once("test_cli_rank.four", city, build)
    return city


def row(
    rank,
    community,
    street,
    score,
    work,
    people,
    award=None,
    reward=0,
    yellow=False,
    media=False,
    run_=0,
    baseline=False,
    last=False,
):
    return {
        "rank": rank,
        "community": community,
        "street": street,
        "score": score,
        "items": {"work": work, "people": people},
        "red_flag": award is not None,
        "award": award,
        "reward_yuan": reward,
        "yellow_card": yellow,
        "media": media,
        "consecutive_last": run_,
        "escalation": None,
        "baseline": baseline,
        "baseline_reward_yuan": 500 if baseline else 0,
        "last": last,
        "grade": None,
        "grade_reward_yuan": 0,
        "veto": [],
    }


EXPECTED_ROWS = [
    row(1, "西街社区", "东城街道", 90.5, 50.5, 40.0, "流动红旗", 20000, baseline=True),
    row(2, "东门社区", "西城街道", 85.0, 55.0, 30.0, "流动红旗", 15000, baseline=True),
    row(3, "南门社区", "东城街道", 70.0, 40.0, 30.0, "流动红旗", 10000),
    row(4, "北关社区", "西城街道", 15.0, 10.0, 5.0, yellow=True, media=True, run_=1, last=True),
]


def test_rank_json_contract(four, rules_file):
    data = json.loads(
        ok("rank", "--month", "7", "--year", "2026", "--rules", rules_file, "--format", "json")
    )
    for r in data["rows"]:
        assert len(r.pop("community_uid")) == 32
    assert data == {
        "year": 2026,
        "month": 7,
        "published": False,
        "published_on": None,
        "as_of": "2026-07-31",
        "rules_hash": hashlib.sha256(RULES.encode()).hexdigest(),
        "baseline_score": 80.0,
        "items": [
            {
                "key": "work",
                "name": "工作实绩",
                "source": "manual",
                "max": 60.0,
                "min": 0,
                "bonus": False,
            },
            {
                "key": "people",
                "name": "群众满意度",
                "source": "manual",
                "max": 40.0,
                "min": 0,
                "bonus": False,
            },
        ],
        "max_total": 100.0,
        "bonus_cap": None,
        "left_out": [],
        "missing": [],
        "rows": EXPECTED_ROWS,
        "media": [
            {
                "community": "北关社区",
                "street": "西城街道",
                "secretary": "刘芳",
                "director": "孙强",
                "liaison": "吴敏",
                "lead_unit": "市统计局",
                "consecutive_last": 1,
                "escalation": None,
            }
        ],
        "rules_changed": False,
    }


def test_rank_csv(four, rules_file):
    out = ok("rank", "--month", "7", "--rules", rules_file, "--format", "csv")
    assert out == (
        "\ufeffrank,community,street,work,people,score,award,reward_yuan,yellow_card,media,consecutive_last,"
        "escalation,baseline,published\n"
        "1,西街社区,东城街道,50.5,40.0,90.5,流动红旗,20000,false,false,0,,true,false\n"
        "2,东门社区,西城街道,55.0,30.0,85.0,流动红旗,15000,false,false,0,,true,false\n"
        "3,南门社区,东城街道,40.0,30.0,70.0,流动红旗,10000,false,false,0,,false,false\n"
        "4,北关社区,西城街道,10.0,5.0,15.0,,0,true,true,1,,false,false\n"
    )


def test_rank_table_and_media_list(four, rules_file):
    out = ok("rank", "--month", "7", "--rules", rules_file)
    assert "2026 年 7 月社区共建考评排名（未公布，截至 2026-07-31 的暂定结果）" in out
    lines = out.splitlines()
    first = next(line for line in lines if "西街社区" in line)
    assert first.split()[:7] == ["1", "西街社区", "东城街道", "50.5", "40.0", "90.5", "流动红旗"]
    assert first.rstrip().endswith("流动红旗 · 奖励 20,000 元 / 达标 · 奖励 500 元")
    last = next(line for line in lines if line.lstrip().startswith("4"))
    assert last.rstrip().endswith("黄牌警告 / 媒体公布")
    assert "媒体公布（最后一名）：" in out
    assert (
        "北关社区（西城街道）：书记 刘芳，主任 孙强，街道联系领导 吴敏，共建牵头单位 市统计局"
        in out
    )
    for header in ("名次", "社区", "街道", "工作实绩", "群众满意度", "总分", "结果"):
        assert header in out


def test_rank_markdown(four, rules_file):
    out = ok("rank", "--month", "7", "--rules", rules_file, "--format", "markdown")
    assert out.startswith("### 2026 年 7 月社区共建考评排名")
    assert "| 名次 | 社区 | 街道 | 工作实绩 | 群众满意度 | 总分 | 结果 |" in out
    assert "| 4 | 北关社区 | 西城街道 | 10.0 | 5.0 | 15.0 | 黄牌警告 / 媒体公布 |" in out
    assert "- 北关社区（西城街道）：书记 刘芳" in out


def test_publish_freezes_the_month(four, rules_file):
    provisional = json.loads(ok("rank", "--month", "7", "--rules", rules_file, "--format", "json"))
    out = ok("rank", "--month", "7", "--rules", rules_file, "--publish", "--yes")
    assert "已公布 2026 年 7 月考评结果" in out and "（已公布，2026-07-31）" in out
    assert "2026 年 7 月的结果已经公布" in refused(
        "score", "set", "北关社区", "--month", "7", "--item", "work", "--points", "60",
        "--rules", rules_file,
    )  # fmt: skip
    ok(
        "score",
        "set",
        "北关社区",
        "--month",
        "7",
        "--item",
        "work",
        "--points",
        "60",
        "--rules",
        rules_file,
        "--late",
        "--reason",
        "补录",
    )
    assert (
        "公布结果不变"
        in run(
            "score",
            "set",
            "北关社区",
            "--month",
            "7",
            "--item",
            "people",
            "--points",
            "40",
            "--rules",
            rules_file,
            "--late",
            "--reason",
            "补录",
        ).stdout
    )
    data = json.loads(ok("rank", "--month", "7", "--rules", rules_file, "--format", "json"))
    assert data["published"] is True and data["published_on"] == "2026-07-31"
    assert list(data) == list(provisional) and list(data["rows"][0]) == list(provisional["rows"][0])
    assert [
        {k: v for k, v in r.items() if k != "community_uid"} for r in data["rows"]
    ] == EXPECTED_ROWS
    # Changed rules: still the published result, with a note.
    other = rules_file.with_name("v2.toml")
    other.write_text(RULES.replace("reward = 500", "reward = 800"), encoding="utf-8")
    table = ok("rank", "--month", "7", "--rules", other)
    assert "（已公布，2026-07-31）" in table and "达标 · 奖励 500 元" in table
    assert "当前规则文件与公布时不同" in table
    # Publishing again needs --force; with it the new data count.
    assert "--force" in refused("rank", "--month", "7", "--rules", rules_file, "--publish", "--yes")
    again = json.loads(
        ok(
            "rank",
            "--month",
            "7",
            "--rules",
            rules_file,
            "--publish",
            "--yes",
            "--force",
            "--format",
            "json",
        )
    )
    assert again["rows"][0]["community"] == "北关社区" and again["rows"][0]["score"] == 100.0


def test_publish_refused_before_the_assessment_date(four, rules_file, db_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-07-25")
    before = db_bytes(db_path)
    err = refused("rank", "--month", "7", "--rules", rules_file, "--publish", "--yes")
    assert "2026 年 7 月的考评结果要到 2026-07-26 才能公布" in err
    assert db_bytes(db_path) == before


def test_a_month_is_not_published_on_its_last_day(four, rules_file, db_path, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-08-31")
    before = db_bytes(db_path)
    err = refused("rank", "--month", "8", "--rules", rules_file, "--publish", "--yes")
    assert "2026 年 8 月的考评结果要到 2026-09-01 才能公布" in err
    assert db_bytes(db_path) == before
    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")
    # August's hand-entered scores were never entered: publishing at 0 is said on purpose.
    ok("rank", "--month", "8", "--rules", rules_file, "--publish", "--yes", "--allow-missing")


@pytest.mark.parametrize(
    "args,words",
    [
        (["rank"], "--month"),
        (["rank", "--month", "13"], "月份"),
        (["rank", "--month", "6", "--year", "2026"], "考评从 2026 年 7 月开始"),
        (["rank", "--month", "8"], "还没有到"),
        (["rank", "--units", "--month", "7"], "--units"),
        (["rank", "--month", "7", "--force"], "--force 只与 --publish 同用"),
        (
            ["rank", "--month", "7", "--community", "西街社区", "--publish", "--yes"],
            "小区竞赛不公布",
        ),
        (["rank", "--month", "7", "--community", "无名社区"], "无名社区"),
    ],
)
def test_rank_refusals(four, db_path, args, words):
    before = db_bytes(db_path)
    assert words in refused(*args)
    assert db_bytes(db_path) == before


def test_rank_with_a_bad_rules_file(four, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[items]]\nkey = "a"\nname = "甲"\nsource = "magic"\nmax = 1\n', encoding="utf-8"
    )
    err = refused("rank", "--month", "7", "--rules", bad)
    assert "第 4 行" in err and "magic" in err and len(err.strip().splitlines()) == 1


# --- score -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,words",
    [
        (["西街社区", "--item", "work", "--points", "61"], "0 到 60"),
        (["西街社区", "--item", "work", "--points", "-1"], "0 到 60"),
        (["西街社区", "--item", "bogus", "--points", "1"], "没有社区考评项目“bogus”"),
        (["无名社区", "--item", "work", "--points", "1"], "无名社区"),
        (["西街社区", "--item", "work", "--points", "abc"], "应为数字"),
    ],
)
def test_score_set_refusals(city, rules_file, db_path, args, words):
    before = db_bytes(db_path)
    assert words in refused("score", "set", *args, "--month", "7", "--rules", rules_file)
    assert db_bytes(db_path) == before


def test_score_set_refuses_computed_items_and_future_months(city, db_path):
    before = db_bytes(db_path)
    assert "由数据计算" in refused(
        "score", "set", "西街社区", "--month", "7", "--item", "inspection", "--points", "5"
    )
    assert "还没有到" in refused(
        "score", "set", "西街社区", "--month", "9", "--item", "daily", "--points", "5"
    )
    assert db_bytes(db_path) == before


def test_score_set_and_list(city, rules_file):
    out = ok(
        "score",
        "set",
        "西街社区",
        "--month",
        "7",
        "--item",
        "work",
        "--points",
        "50",
        "--note",
        "初评",
        "--rules",
        rules_file,
    )
    assert out.strip() == "已录入：西街社区 2026 年 7 月 工作实绩（work）50 分。"
    out = ok(
        "score",
        "set",
        "西街社区",
        "--month",
        "7",
        "--item",
        "work",
        "--points",
        "55.5",
        "--rules",
        rules_file,
    )
    assert "（原为 50 分，已保留历史）" in out
    ok("score", "set", "西街社区/梧桐苑", "--month", "7", "--item", "sanitation", "--points", "35")
    data = json.loads(ok("score", "list", "--month", "7", "--format", "json"))
    assert [(s["unit"], s["kind"], s["item"], s["points"]) for s in data] == [
        ("西街社区", "community", "work", 55.5),
        ("西街社区/梧桐苑", "compound", "sanitation", 35.0),
    ]
    history = json.loads(
        ok("score", "list", "--history", "--community", "西街社区", "--format", "json")
    )
    assert [(s["points"], s["note"], s["superseded_at"] is not None) for s in history] == [
        (50.0, "初评", True),
        (55.5, None, False),
        (35.0, None, False),
    ]
    table = ok("score", "list", "--rules", rules_file)
    assert "工作实绩" in table and "55.5" in table
    assert ok("score", "list", "--community", "东门社区").strip() == "没有手工评分记录。"


# --- compound contest and year-end prizes ----------------------------------------------------


def test_compound_contest(city):
    for compound, points in (("梧桐苑", 30), ("向阳小区", 38)):
        ok(
            "score",
            "set",
            f"西街社区/{compound}",
            "--month",
            "7",
            "--item",
            "sanitation",
            "--points",
            str(points),
        )
    data = json.loads(ok("rank", "--month", "7", "--community", "西街社区", "--format", "json"))
    assert [(r["rank"], r["compound"], r["score"], r["award"]) for r in data["rows"]] == [
        (1, "向阳小区", 78.0, "小区流动红旗"),
        (2, "梧桐苑", 70.0, None),
    ]
    table = ok("rank", "--month", "7", "--community", "西街社区")
    assert "西街社区 2026 年 7 月小区流动红旗竞赛" in table and "小区流动红旗" in table
    csv = ok("rank", "--month", "7", "--community", "西街社区", "--format", "csv")
    assert (
        csv.splitlines()[0]
        == "\ufeffrank,compound,community,sanitation,volunteers,rectification,overdue,score,award,reward_yuan"
    )


def test_year_end_units(four, rules_file):
    data = json.loads(
        ok("rank", "--units", "--year", "2026", "--rules", rules_file, "--format", "json")
    )
    assert data["months"] == [7]
    # 0.6 × the community's July total + 0.4 × 100 (no category-3 issues due: full rate)
    assert [
        (r["rank"], r["unit"], r["score"], r["prize"], r["reward_yuan"]) for r in data["rows"]
    ] == [
        # two units of one community tie on every part of the score: they take places 1-2
        # and share 一等奖 + one 二等奖; one 二等奖 is left for the third place
        (1, "交通局", 94.3, "一等奖、二等奖（并列）", 90000),
        (1, "市人社局", 94.3, "一等奖、二等奖（并列）", 90000),
        (3, "市财政局", 91.0, "二等奖", 80000),
        (4, "市统计局", 49.0, "三等奖", 60000),
    ]
    table = ok("rank", "--units", "--year", "2026", "--rules", rules_file)
    assert "2026 年共建单位年终考核" in table
    assert "一等奖、二等奖（并列） · 奖励 90,000 元" in table


# --- rules -----------------------------------------------------------------------------------


def test_rules_show_and_check(rules_file):
    out = ok("rules", "show")
    assert "考评项目（满分合计 100 分）" in out
    assert "第 1 名：流动红旗 · 奖励 20,000 元" in out
    assert "连续 3 个月最后一名：书记当年工作考核为不称职。" in out
    assert "一等奖 1 个各 100,000 元" in out
    data = json.loads(ok("rules", "show", "--rules", rules_file, "--format", "json"))
    assert [i["key"] for i in data["items"]] == ["work", "people"] and data["max_total"] == 100
    assert data["ranking"]["baseline"] == {"score": 80.0, "reward_yuan": 500}
    assert ok("rules", "check", str(rules_file)).strip() == (
        f"规则文件 {rules_file} 有效：2 个考评项目，满分合计 100 分，0 个小区竞赛项目。"
    )


def test_rules_show_says_what_the_file_says(rules_file, tmp_path):
    # RULES has no [year_end]: the speech's prizes apply and are shown as the defaults
    out = ok("rules", "show", "--rules", rules_file)
    assert "规则文件没有 [year_end]，年终考核用讲话的默认奖项：" in out
    assert "后 3 名：黄牌警告（获奖社区除外）。" in out
    assert "最后一名不获奖（同一个月不既奖又罚）。" in out
    assert json.loads(ok("rules", "show", "--rules", rules_file, "--format", "json"))["year_end"][
        "default"
    ]
    own = tmp_path / "own.toml"
    own.write_text(
        RULES
        + "yellow_card_bottom = 0\n\n[year_end]\n"
        + 'unit_prizes = [ { title = "优胜单位", count = 2, reward = 1000 } ]\n',
        encoding="utf-8",
    )
    out = ok("rules", "show", "--rules", own)
    assert "黄牌" in out and "后 0 名" not in out and "不发黄牌警告。" in out
    assert "默认奖项" not in out and "一等奖" not in out
    assert "年终（共建单位）：优胜单位 2 个各 1,000 元" in out
    assert "平分所占名次的奖金" in out
    data = json.loads(ok("rules", "show", "--rules", own, "--format", "json"))
    assert data["year_end"]["default"] is False
    assert data["ranking"]["yellow_card_bottom"] == 0


@pytest.mark.parametrize(
    "text,shown",
    [
        ("[ranking]\nbaseline = 80\n", "{ score = 分数, reward = 元 }"),
        ("[year_end]\nweights = 1\n", "{ communities = 权重, rectification = 权重 }"),
        ("[targets]\nother = 1\n", "civilized_rate = { 年份 = 比例 }"),
        ("[targets]\ncivilized_rate = 0.7\n", "{ 2026 = 0.70, … }"),
    ],
)
def test_rules_check_messages_show_single_braces(tmp_path, text, shown):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[items]]\nkey = "a"\nname = "甲"\nsource = "manual"\nmax = 10\n\n' + text)
    err = refused("rules", "check", str(bad))
    assert shown in err and "{{" not in err and "}}" not in err


def test_rules_check_refusals(tmp_path):
    syntax = tmp_path / "syntax.toml"
    syntax.write_text('[[items]]\nkey = "a"\nname = \n', encoding="utf-8")
    err = refused("rules", "check", str(syntax))
    assert "第 3 行" in err and "语法错误" in err
    empty = tmp_path / "empty.toml"
    empty.write_text("[issues]\nexposure_notices = 2\n", encoding="utf-8")
    assert "没有考评项目" in refused("rules", "check", str(empty))
    assert "找不到规则文件" in refused("rules", "check", str(tmp_path / "none.toml"))


# --- civilized communities and the target ----------------------------------------------------


def test_civilized_and_target(four):
    out = ok("target", "--year", "2026")
    assert (
        out.strip()
        == "2026 年文明社区建成率：已认定 0 个 / 共 4 个社区（0.0%），目标 70%（至少 3 个），还需 3 个。"
    )
    assert ok("unit", "civilized", "西街社区", "--year", "2026", "--date", "7月20日").strip() == (
        "已登记“西街社区”为 2026 年文明社区。"
    )
    data = json.loads(ok("target", "--format", "json"))
    assert data == {
        "year": 2026,
        "communities": 4,
        "designated": 1,
        "rate": 0.25,
        "target": 0.7,
        "needed": 2,
        "met": False,
        "names": ["西街社区"],
    }
    for name in ("东门社区", "南门社区"):
        ok("unit", "civilized", name)
    assert ok("target").strip() == (
        "2026 年文明社区建成率：已认定 3 个 / 共 4 个社区（75.0%），目标 70%（至少 3 个），已达标。\n"
        "已认定：西街社区、东门社区、南门社区"
    )
    assert "规则文件没有 2031 年的目标" in ok("target", "--year", "2031")


def test_civilized_refusals(city, db_path):
    ok("unit", "civilized", "西街社区", "--year", "2026")
    before = db_bytes(db_path)
    assert "已登记为 2026 年文明社区" in refused("unit", "civilized", "西街社区", "--year", "2026")
    assert "无名社区" in refused("unit", "civilized", "无名社区", "--year", "2026")
    assert "晚于今天" in refused("unit", "civilized", "东门社区", "--date", "2026-08-01")
    assert "年份" in refused("unit", "civilized", "东门社区", "--year", "20260")
    assert db_bytes(db_path) == before


# --- the demo --------------------------------------------------------------------------------


def test_demo_ends_with_the_july_ranking(tmp_path):
    out = ok("demo", "--db", str(tmp_path / "demo.db"))
    assert out.index("共建社区（14 个）") < out.index("2026 年 7 月社区共建考评排名")
    tail = out[out.index("2026 年 7 月社区共建考评排名") :]
    assert "流动红旗 · 奖励 20,000 元" in tail and "黄牌警告" in tail
    assert "共建牵头单位" in out.rstrip().splitlines()[-1]  # it ends with the media list
    assert "媒体公布（最后一名）：" in tail
    target = ok("target", "--db", str(tmp_path / "demo.db"))
    assert "已认定 3 个 / 共 14 个社区" in target


# --- items of some months, bonus items, scaled totals ----------------------------------------

MONTHLY_RULES = """
[[items]]
key = "work"
name = "日常工作"
source = "manual"
max = 80

[[items]]
key = "survey"
name = "排查情况上报"
source = "manual"
max = 20
months = [7]

[[items]]
key = "extra"
name = "创新工作加分"
source = "manual"
max = 5
bonus = true

[ranking]
first_month = "2026-07"
bonus_cap = 3
"""


@pytest.fixture
def monthly_rules(tmp_path):
    p = tmp_path / "月度.toml"
    p.write_text(MONTHLY_RULES, encoding="utf-8")
    return p


def test_july_only_item_bonus_and_cap_at_the_command_line(city, monthly_rules, monkeypatch):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")

    def score(name, month, item, points):
        ok("score", "set", name, "--month", month, "--item", item, "--points", points,
           "--rules", monthly_rules)  # fmt: skip

    score("西街社区", "7", "work", "70")
    score("西街社区", "7", "survey", "20")
    score("西街社区", "7", "extra", "5")
    score("东门社区", "7", "work", "75")
    score("西街社区", "8", "work", "60")
    score("西街社区", "8", "extra", "2")
    score("东门社区", "8", "work", "64")
    err = refused("score", "set", "西街社区", "--month", "8", "--item", "survey", "--points", "5",
                  "--rules", monthly_rules)  # fmt: skip
    assert "只在 7 月考评" in err and "8 月没有这一项" in err

    july = json.loads(ok("rank", "--month", "7", "--rules", monthly_rules, "--format", "json"))
    # 70 + 20 + the bonus 5 capped at 3
    assert [(r["community"], r["score"]) for r in july["rows"]] == [
        ("西街社区", 93.0),
        ("东门社区", 75.0),
    ]
    assert july["max_total"] == 100.0 and july["bonus_cap"] == 3 and july["left_out"] == []
    assert [i["bonus"] for i in july["items"]] == [False, False, True]

    august = json.loads(ok("rank", "--month", "8", "--rules", monthly_rules, "--format", "json"))
    assert [i["key"] for i in august["items"]] == ["work", "extra"]
    assert august["max_total"] == 80.0 and august["left_out"] == ["排查情况上报"]
    assert [(r["community"], r["score"], r["items"]) for r in august["rows"]] == [
        ("东门社区", 64.0, {"work": 64.0, "extra": 0.0}),
        ("西街社区", 62.0, {"work": 60.0, "extra": 2.0}),
    ]
    table = ok("rank", "--month", "8", "--rules", monthly_rules)
    assert "本月满分 80 分（不在本月考评的项目：排查情况上报）。" in table
    assert "排查情况上报" not in table.split("本月满分")[0]  # no column for it
    csv_head = ok("rank", "--month", "8", "--rules", monthly_rules, "--format", "csv")
    assert csv_head.splitlines()[0].startswith("\ufeffrank,community,street,work,extra,score,")

    shown = ok("rules", "show", "--rules", monthly_rules)
    assert "20（仅 7 月）" in shown and "加分 5" in shown
    assert "考评项目（满分合计 100 分）" in shown
    assert "加分项不计入满分，加分合计最多 3 分。" in shown
    assert "只在部分月份考评的项目" in shown
    data = json.loads(ok("rules", "show", "--rules", monthly_rules, "--format", "json"))
    assert [(i["key"], i["months"], i["bonus"]) for i in data["items"]] == [
        ("work", [], False),
        ("survey", [7], False),
        ("extra", [], True),
    ]
    assert data["ranking"]["bonus_cap"] == 3 and data["ranking"]["scale_to"] is None


def test_scale_to_at_the_command_line(city, monthly_rules, monkeypatch, tmp_path):
    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")
    scaled = tmp_path / "scaled.toml"
    scaled.write_text(MONTHLY_RULES + "scale_to = 100\n", encoding="utf-8")
    ok("score", "set", "西街社区", "--month", "8", "--item", "work", "--points", "60",
       "--rules", scaled)  # fmt: skip
    august = json.loads(ok("rank", "--month", "8", "--rules", scaled, "--format", "json"))
    assert august["max_total"] == 100.0
    assert august["rows"][0]["community"] == "西街社区" and august["rows"][0]["score"] == 75.0
    assert "折算为 100 分" in ok("rules", "show", "--rules", scaled)


def test_grades_at_the_command_line(four, tmp_path):
    graded = tmp_path / "等次.toml"
    graded.write_text(
        RULES
        + 'grades = [ { score = 90, title = "优秀", reward = 5000 }, { score = 80, title = "良好" },\n'
        + '           { score = 60, title = "合格" }, { score = 0, title = "不合格" } ]\n',
        encoding="utf-8",
    )
    data = json.loads(ok("rank", "--month", "7", "--rules", graded, "--format", "json"))
    # 90.5, 85, 70, 15
    assert [(r["community"], r["grade"], r["grade_reward_yuan"]) for r in data["rows"]] == [
        ("西街社区", "优秀", 5000),
        ("东门社区", "良好", 0),
        ("南门社区", "合格", 0),
        ("北关社区", "不合格", 0),
    ]
    table = ok("rank", "--month", "7", "--rules", graded)
    assert "优秀 · 奖励 5,000 元" in table and "不合格" in table
    shown = ok("rules", "show", "--rules", graded)
    assert "等次：总分不低于 90 分为优秀 · 奖励 5,000 元。" in shown
    assert "等次：总分不低于 0 分为不合格。" in shown
    bad = tmp_path / "bad.toml"
    bad.write_text(
        RULES + 'grades = [ { score = 60, title = "合格" }, { score = 90, title = "优秀" } ]\n',
        encoding="utf-8",
    )
    err = refused("rules", "check", str(bad))
    assert "grades" in err and "从高到低" in err and "第 17 行" in err


def test_missing_hand_entered_points_warn_and_hold_publication(city, rules_file, monkeypatch):
    ok("score", "set", "西街社区", "--month", "7", "--item", "work", "--points", "50",
       "--rules", rules_file)  # fmt: skip
    result = run("rank", "--month", "7", "--rules", rules_file, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # the warning stays off stdout: JSON still parses
    assert data["missing"] == [
        {"community": "西街社区", "items": ["people"]},
        {"community": "东门社区", "items": ["work", "people"]},
    ]
    assert result.stderr.strip() == (
        "注意：2026 年 7 月以下手工评分还没有录入，暂按 0 分计："
        "西街社区（people）、东门社区（work、people）。"
    )
    err = refused("rank", "--month", "7", "--rules", rules_file, "--publish", "--yes")
    assert "东门社区（work、people）" in err and "--allow-missing" in err
    assert "--publish" in refused("rank", "--month", "7", "--rules", rules_file, "--allow-missing")
    ok("rank", "--month", "7", "--rules", rules_file, "--publish", "--yes", "--allow-missing")
    # a published month is what it is: no more warnings
    after = run("rank", "--month", "7", "--rules", rules_file)
    assert after.exit_code == 0 and after.stderr == ""
    # all entered: no warning, publication goes through
    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")
    for name in ("西街社区", "东门社区"):
        for item in ("work", "people"):
            ok("score", "set", name, "--month", "8", "--item", item, "--points", "30",
               "--rules", rules_file)  # fmt: skip
    full = run("rank", "--month", "8", "--rules", rules_file, "--format", "json")
    assert full.exit_code == 0 and full.stderr == "" and json.loads(full.stdout)["missing"] == []
    ok("rank", "--month", "8", "--rules", rules_file, "--publish", "--yes")


RATE_RULES = """
[[items]]
key = "ontime"
name = "按期结案率"
source = "rate:on_time"
max = 50
full_at = 0.70
per_point = 1

[[items]]
key = "rework"
name = "返工率"
source = "rate:rework"
max = 10
invert = true
empty = "zero"

[ranking]
first_month = "2026-07"
"""


def test_rate_items_at_the_command_line(city, tmp_path):
    rules = tmp_path / "数字城管.toml"
    rules.write_text(RATE_RULES, encoding="utf-8")
    for text in ("楼道乱堆乱放", "卫生死角"):
        ok("issue", "add", text, "-c", "西街社区", "--category", "1", "--due", "7-15",
           "--found", "7-05")  # fmt: skip
    ok("issue", "resolve", "1", "--date", "7-14")
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-16")
    data = json.loads(ok("rank", "--month", "7", "--rules", rules, "--format", "json"))
    rows = {r["community"]: r["items"] for r in data["rows"]}
    # 西街: 1 of 2 due closed on time (50 %): 50 − 20; reworked 0 of 1 fixed: 10 × (1 − 0)
    # 东门: no issue: on-time full (default), rework zero (empty = "zero")
    assert rows == {
        "西街社区": {"ontime": 30.0, "rework": 10.0},
        "东门社区": {"ontime": 50.0, "rework": 0.0},
    }
    shown = ok("rules", "show", "--rules", rules)
    assert "rate:on_time · 按期结案率" in shown
    assert "≥70% 满分，每低 1 个百分点扣 1 分" in shown
    assert "按 1 − 比率" in shown and "没有问题计入时得 0 分" in shown
    item = json.loads(ok("rules", "show", "--rules", rules, "--format", "json"))["items"][0]
    assert item["rate"] == {
        "full_at": 0.7, "per_point": 1.0, "bands": [], "invert": False, "empty": "full",
    }  # fmt: skip


COUNT_RULES = """
[[items]]
key = "work"
name = "日常工作"
source = "manual"
max = 90

[[items]]
key = "clutter"
name = "乱堆乱放"
source = "count:manual"
max = 10
per = -2

[ranking]
first_month = "2026-07"
"""


def test_score_set_count_for_a_counted_item(city, tmp_path):
    rules = tmp_path / "计数.toml"
    rules.write_text(COUNT_RULES, encoding="utf-8")
    out = ok("score", "set", "西街社区", "--month", "7", "--item", "clutter", "--count", "3",
             "--rules", rules)  # fmt: skip
    assert out.strip() == "已录入：西街社区 2026 年 7 月 乱堆乱放（clutter）3 件。"
    again = ok("score", "set", "西街社区", "--month", "7", "--item", "clutter", "--count", "4",
               "--rules", rules)  # fmt: skip
    assert "（原为 3 件，已保留历史）" in again
    for name, work in (("西街社区", "80"), ("东门社区", "85")):
        ok("score", "set", name, "--month", "7", "--item", "work", "--points", work,
           "--rules", rules)  # fmt: skip
    ok("score", "set", "东门社区", "--month", "7", "--item", "clutter", "--count", "0",
       "--rules", rules)  # fmt: skip
    data = json.loads(ok("rank", "--month", "7", "--rules", rules, "--format", "json"))
    # 西街 80 + (10 − 2 × 4); 东门 85 + 10
    assert [(r["community"], r["score"], r["items"]["clutter"]) for r in data["rows"]] == [
        ("东门社区", 95.0, 10.0),
        ("西街社区", 82.0, 2.0),
    ]
    assert "10，每件 -2，扣完为止" in ok("rules", "show", "--rules", rules)


@pytest.mark.parametrize(
    "args,words",
    [
        (["--item", "clutter", "--points", "3"], "--count"),
        (["--item", "work", "--count", "3"], "--points"),
        (["--item", "work"], "--points"),
        (["--item", "clutter", "--count", "-1"], "件数"),
    ],
)
def test_score_set_count_refusals(city, tmp_path, args, words):
    rules = tmp_path / "计数.toml"
    rules.write_text(COUNT_RULES, encoding="utf-8")
    err = refused("score", "set", "西街社区", "--month", "7", *args, "--rules", rules)
    assert words in err


def test_score_veto(four, tmp_path):
    vetoed = tmp_path / "否决.toml"
    vetoed.write_text(
        RULES.replace("[ranking]", '[[veto]]\nkey = "safety"\nname = "安全责任事故"\neffect = "zero"\n\n'
                      '[[veto]]\nkey = "petition"\nname = "越级上访"\neffect = "no_award"\n\n[ranking]'),
        encoding="utf-8",
    )  # fmt: skip
    out = ok("score", "veto", "西街社区", "--month", "7", "--key", "petition", "--note", "集体上访",
             "--rules", vetoed)  # fmt: skip
    assert out.strip() == "已登记一票否决：西街社区 2026 年 7 月“越级上访”，不得任何奖励。"
    ok("score", "veto", "东门社区", "--month", "7", "--key", "safety", "--rules", vetoed)
    data = json.loads(ok("rank", "--month", "7", "--rules", vetoed, "--format", "json"))
    rows = {r["community"]: r for r in data["rows"]}
    # 西街 keeps 90.5 and rank 1 but gets no award and no baseline award
    assert (rows["西街社区"]["rank"], rows["西街社区"]["score"]) == (1, 90.5)
    assert rows["西街社区"]["award"] is None and not rows["西街社区"]["baseline"]
    assert rows["西街社区"]["veto"] == ["petition"]
    # 东门's month is 0: it falls below 北关 (15) to last
    assert (rows["东门社区"]["score"], rows["东门社区"]["rank"], rows["东门社区"]["last"]) == (
        0.0,
        4,
        True,
    )
    assert rows["东门社区"]["veto"] == ["safety"] and rows["北关社区"]["veto"] == []
    assert "越级上访" in refused("score", "veto", "西街社区", "--month", "7", "--key", "petition",
                                "--rules", vetoed)  # fmt: skip
    assert "没有一票否决项“bogus”" in refused("score", "veto", "西街社区", "--month", "7",
                                           "--key", "bogus", "--rules", vetoed)  # fmt: skip
    out = ok("score", "veto", "东门社区", "--month", "7", "--key", "safety", "--clear",
             "--rules", vetoed)  # fmt: skip
    assert "已撤销" in out
    assert "无需撤销" in refused("score", "veto", "东门社区", "--month", "7", "--key", "safety",
                              "--clear", "--rules", vetoed)  # fmt: skip
    again = json.loads(ok("rank", "--month", "7", "--rules", vetoed, "--format", "json"))
    assert {r["community"]: r["score"] for r in again["rows"]}["东门社区"] == 85.0
    shown = ok("rules", "show", "--rules", vetoed)
    assert "一票否决：安全责任事故（safety），当月总分为 0。" in shown
    assert "一票否决：越级上访（petition），保留分数和名次，不得任何奖励。" in shown


PERIOD_RULES = (
    RULES.replace('first_month = "2026-07"', 'first_month = "2026-06"')
    + """
[[periods]]
key = "quarter"
combine = "mean"
awards = [ { rank = 1, title = "季度流动红旗", reward = 30000 } ]
progress_award = { title = "进步奖", reward = 5000, count = 1 }
"""
)


def test_rank_period(four, tmp_path, monkeypatch):
    rules = tmp_path / "季度.toml"
    rules.write_text(PERIOD_RULES, encoding="utf-8")
    for item, points in (("work", "60"), ("people", "40")):  # June: 西街 100, the others 0
        ok("score", "set", "西街社区", "--month", "6", "--item", item, "--points", points,
           "--rules", rules)  # fmt: skip
    data = json.loads(ok("rank", "--period", "2026-Q3", "--rules", rules, "--format", "json"))
    assert (data["period"], data["months"], data["month"], data["published"]) == (
        "2026-Q3", [7], None, False,
    )  # fmt: skip
    got = [
        (r["period"], r["rank"], r["community"], r["score"], r["award"], r["reward_yuan"],
         r["progress"], r["progress_award"], r["progress_reward_yuan"])
        for r in data["rows"]
    ]  # fmt: skip
    # Q3 is July alone so far; Q2 is June: 西街 fell 9.5, 东门 rose most (85)
    assert got == [
        ("2026-Q3", 1, "西街社区", 90.5, "季度流动红旗", 30000, -9.5, None, 0),
        ("2026-Q3", 2, "东门社区", 85.0, None, 0, 85.0, "进步奖", 5000),
        ("2026-Q3", 3, "南门社区", 70.0, None, 0, 70.0, None, 0),
        ("2026-Q3", 4, "北关社区", 15.0, None, 0, 15.0, None, 0),
    ]
    assert data["rows"][0]["items"] == {"2026-07": 90.5}
    table = ok("rank", "--period", "2026-Q3", "--rules", rules)
    assert "2026 年第 3 季度社区共建考评排名（各月平均：7 月）" in table
    assert "进步奖 · 奖励 5,000 元" in table
    csv = ok("rank", "--period", "2026-Q3", "--rules", rules, "--format", "csv")
    assert csv.splitlines()[0].startswith("\ufeffperiod,rank,community,street,2026-07,score,")
    assert "2026-Q3,2,东门社区,西城街道,85.0,85.0," in csv

    for args, words in (
        (["--period", "2026-Q5"], "考评周期“2026-Q5”无效"),
        (["--period", "2026-Q4"], "2026 年第 4 季度还没有考评过的月份"),
        (["--period", "2026-H2"], "没有半年考评"),
        (["--period", "2026-Q3", "--month", "7"], "--period 自带年份"),
        (["--period", "2026-Q3", "--publish"], "2026 年第 3 季度还没有结束，要到 2026-10-01"),
    ):
        assert words in refused("rank", *args, "--rules", rules)

    monkeypatch.setenv("SQJG_TODAY", "2026-10-01")
    # August and September have no entries: publishing waits for them unless told
    assert "还有手工评分没有录入" in refused("rank", "--period", "2026-Q3", "--publish",
                                          "--rules", rules)  # fmt: skip
    # off a terminal, the real refusal comes first; with nothing refused, --yes is asked for
    assert "--yes" in refused("rank", "--period", "2026-Q3", "--publish", "--allow-missing",
                              "--rules", rules)  # fmt: skip
    frozen = json.loads(ok("rank", "--period", "2026-Q3", "--publish", "--allow-missing",
                           "--yes", "--rules", rules, "--format", "json"))  # fmt: skip
    assert frozen["published"] and frozen["months"] == [7, 8, 9]
    # (90.5 + 0 + 0) / 3
    assert frozen["rows"][0]["score"] == 30.2 and frozen["rows"][0]["period"] == "2026-Q3"
    ok("score", "set", "北关社区", "--month", "8", "--item", "work", "--points", "60",
       "--rules", rules)  # fmt: skip
    again = json.loads(ok("rank", "--period", "2026-Q3", "--rules", rules, "--format", "json"))
    assert again["rows"] == frozen["rows"] and again["published_on"] == "2026-10-01"
    assert "已于 2026-10-01 公布" in refused("rank", "--period", "2026-Q3", "--publish",
                                          "--allow-missing", "--rules", rules)  # fmt: skip


GROUPED_RULES = (
    RULES
    + """group_by = "street"
bottom_penalties = [ { count = 1, title = "通报批评", fine = 10000 } ]
streak_first = [ { months = 2, action = "通报嘉奖" } ]
"""
)


def test_rank_by_street_with_fines_and_streaks(four, tmp_path, monkeypatch):
    rules = tmp_path / "分街道.toml"
    rules.write_text(GROUPED_RULES, encoding="utf-8")
    data = json.loads(ok("rank", "--month", "7", "--rules", rules, "--format", "json"))
    got = [
        (r["group"], r["rank"], r["community"], r["award"], r["yellow_card"], r["media"],
         r["bottom_penalty"], r["fine_yuan"], r["first"], r["consecutive_first"])
        for r in data["rows"]
    ]  # fmt: skip
    # each street ranked on its own: 东城 西街 90.5, 南门 70; 西城 东门 85, 北关 15
    assert got == [
        ("东城街道", 1, "西街社区", "流动红旗", False, False, None, 0, True, 1),
        ("东城街道", 2, "南门社区", None, True, True, "通报批评", 10000, False, 0),
        ("西城街道", 1, "东门社区", "流动红旗", False, False, None, 0, True, 1),
        ("西城街道", 2, "北关社区", None, True, True, "通报批评", 10000, False, 0),
    ]
    assert [m["community"] for m in data["media"]] == ["南门社区", "北关社区"]
    table = ok("rank", "--month", "7", "--rules", rules)
    assert "通报批评 · 罚款 10,000 元" in table
    monkeypatch.setenv("SQJG_TODAY", "2026-09-01")
    ok("score", "set", "西街社区", "--month", "8", "--item", "work", "--points", "60",
       "--rules", rules)  # fmt: skip
    august = json.loads(ok("rank", "--month", "8", "--rules", rules, "--format", "json"))
    first = august["rows"][0]
    assert (first["community"], first["consecutive_first"], first["streak_first"]) == (
        "西街社区", 2, "通报嘉奖",
    )  # fmt: skip
    # 西城 is all 0 in August: nobody first, nobody last there
    assert [(r["community"], r["first"], r["last"]) for r in august["rows"][2:]] == [
        ("东门社区", False, False),
        ("北关社区", False, False),
    ]
    assert "连续 2 个月第一名：通报嘉奖" in ok("rank", "--month", "8", "--rules", rules)
    csv = ok("rank", "--month", "8", "--rules", rules, "--format", "csv")
    assert csv.splitlines()[0].endswith(",published,group,bottom_penalty,fine_yuan,streak_first")


def test_rules_show_names_periods_groups_fines_streaks_and_bands(tmp_path):
    rules = tmp_path / "全部.toml"
    rules.write_text(GROUPED_RULES + PERIOD_RULES[PERIOD_RULES.index("\n[[periods]]") :],
                     encoding="utf-8")  # fmt: skip
    shown = ok("rules", "show", "--rules", rules)
    for words in (
        "按街道分组：各街道的社区分别排名",
        "后 1 名：通报批评，罚款 10,000 元（获奖社区除外）。",
        "连续 2 个月第一名：通报嘉奖。",
        "季度排名：按已考评月份总分的各月平均（--period）；第 1 名季度流动红旗 · 奖励 30,000 元；"
        "比上一季度提高最多的 1 个社区得进步奖 · 奖励 5,000 元。",
    ):
        assert words in shown, words
    data = json.loads(ok("rules", "show", "--rules", rules, "--format", "json"))
    assert data["ranking"]["group_by"] == "street"
    assert data["ranking"]["bottom_penalties"] == [
        {"count": 1, "title": "通报批评", "fine_yuan": 10000}
    ]
    assert data["ranking"]["streak_first"] == [{"months": 2, "action": "通报嘉奖"}]
    assert data["periods"] == [
        {
            "key": "quarter",
            "combine": "mean",
            "awards": [{"rank": 1, "title": "季度流动红旗", "reward_yuan": 30000}],
            "progress_award": {"title": "进步奖", "reward_yuan": 5000, "count": 1},
        }
    ]
    example = Path(__file__).resolve().parent.parent / "data/examples/社区季度交叉考评.toml"
    assert "≥95 分得 25" in ok("rules", "show", "--rules", example)


def test_a_banded_satisfaction_score_at_the_command_line(city, tmp_path):
    rules = tmp_path / "满意度.toml"
    rules.write_text(
        '[[items]]\nkey = "satisfaction"\nname = "居民满意度"\nsource = "manual"\nmax = 25\n'
        "bands = [ { at = 95, points = 25 }, { at = 80, points = 15 }, { at = 0, points = 0 } ]\n"
        '\n[ranking]\nfirst_month = "2026-07"\n',
        encoding="utf-8",
    )
    # the figure entered is the survey's score out of 100, not the item's points
    out = ok("score", "set", "西街社区", "--month", "7", "--item", "satisfaction", "--points",
             "96", "--rules", rules)  # fmt: skip
    assert "96 分" in out
    assert "0 到 100 之间" in refused("score", "set", "东门社区", "--month", "7", "--item",
                                     "satisfaction", "--points", "101", "--rules", rules)  # fmt: skip
    data = json.loads(ok("rank", "--month", "7", "--rules", rules, "--format", "json"))
    assert {r["community"]: r["items"]["satisfaction"] for r in data["rows"]}["西街社区"] == 25.0
