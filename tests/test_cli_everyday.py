"""Everyday work at a terminal: suggestions for mistyped commands, refusing the same entry
twice, finding issues (--search, --sort, --limit; overdue vs late)."""

import json

import pytest
from conftest import built_once, db_bytes, ok, refused


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["ranking"], "sqjg rank"),
        (["issue", "lst"], "sqjg issue list"),
        (["fund", "balanse"], "sqjg fund balance"),
    ],
)
def test_a_mistyped_command_gets_a_suggestion(args, suggestion):
    err = refused(*args)
    assert f"您是不是要用：{suggestion}？" in err, err


def test_a_command_like_nothing_gets_the_help_hint():
    assert "运行 sqjg --help 查看全部命令" in refused("issue", "zzzzzz")


def _add(*extra):
    return [
        "issue",
        "add",
        "楼道堆放杂物",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--due",
        "7-31",
        "--found",
        "7-20",
        *extra,
    ]


def test_the_same_open_issue_twice_is_refused_with_its_id(city, db_path):
    ok(*_add())
    before = db_bytes(db_path)
    variant = _add()
    variant[2] = " 楼道 堆放杂物。"  # spacing and punctuation aside it is the same problem
    err = refused(*variant)
    assert "西街社区已有相同描述的未结案问题 1（楼道堆放杂物）" in err
    assert "--allow-duplicate" in err
    assert db_bytes(db_path) == before
    ok(*variant, "--allow-duplicate")
    # Another community, or once the first is closed, is not a duplicate.
    other = _add()
    other[4] = "东门社区"
    ok(*other)


def test_a_cancelled_issue_is_no_duplicate(city):
    ok(*_add())
    ok("issue", "cancel", "1", "--reason", "重复登记")
    ok(*_add())


def _fund(*extra):
    return [
        "fund",
        "add",
        "-c",
        "西街社区",
        "--source",
        "unit",
        "--from",
        "交通局",
        "--amount",
        "20000",
        "--date",
        "7-3",
        *extra,
    ]


def test_the_same_contribution_twice_is_refused_unless_again(city, db_path):
    ok(*_fund())
    before = db_bytes(db_path)
    err = refused(*_fund())
    assert "已有第 1 号收入：2026-07-03 交通局向西街社区缴款 20,000.00 元" in err
    assert "--again" in err
    assert db_bytes(db_path) == before
    ok(*_fund("--again"))
    # Another amount or another day is another receipt.
    changed = _fund()
    changed[9] = "20001"
    ok(*changed)


def test_a_voided_contribution_may_be_entered_again(city):
    ok(*_fund())
    ok("fund", "void", "1", "--reason", "金额录错")
    ok(*_fund())


@pytest.fixture
def survey(city):
    """Four issues: open and past due, open not yet due, closed late, closed on time."""

    def build():
        for text, due, found in [
            ("主干道路面破损", "7-10", "7-01"),
            ("小区门口垃圾堆", "8-20", "7-02"),
            ("沿街占道经营", "7-12", "7-03"),
            ("楼道杂物堆放", "7-25", "7-04"),
        ]:
            ok(
                "issue",
                "add",
                text,
                "-c",
                "西街社区",
                "--category",
                "1",
                "--due",
                due,
                "--found",
                found,
            )
        ok("issue", "resolve", "3", "--date", "7-20")
        ok("issue", "verify", "3", "--pass", "--by", "三创办张明", "--date", "7-21")
        ok("issue", "resolve", "4", "--date", "7-22")
        ok("issue", "verify", "4", "--pass", "--by", "三创办张明", "--date", "7-23")

    built_once("test_cli_everyday.survey", city, build)
    return city


def listed(*args):
    return [r["id"] for r in json.loads(ok("issue", "list", *args, "--format", "json"))]


def test_overdue_is_open_and_past_due_late_is_closed_after_the_due_date(survey):
    assert listed("--status", "overdue") == [1]
    assert listed("--status", "超期") == [1]
    assert listed("--status", "late") == [3]
    assert listed("--status", "逾期结案") == [3]


def test_search_sort_and_limit(survey):
    assert listed("--search", "垃圾") == [2]
    assert listed("--search", "路面 破损") == [1]
    assert listed("--search", "路面 杂物") == []
    assert listed("--sort", "due") == [1, 3, 4, 2]
    assert listed("--sort", "found", "--limit", "2") == [1, 2]
    assert listed("--sort", "days-overdue", "--limit", "2") == [1, 3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--sort", "bogus"],
            "--sort 只能是以下之一：due（整改时限/时限）、found（发现日期/发现）、"
            "days-overdue（超期天数/超期）。",
        ),
        (["--limit", "0"], "--limit"),
        (["--status", "later"], "late（逾期结案）"),
    ],
)
def test_list_refusals(survey, args, message):
    assert message in refused("issue", "list", *args)


# --- correcting an issue ----------------------------------------------------------------------


def test_edit_corrects_the_wording_and_shows_in_the_history(city, db_path):
    ok(*_add("--compound", "梧桐苑", "--location", "3号楼"))
    out = ok(
        "issue", "edit", "1", "--description", "楼道堆放杂物、电动车乱停", "--compound", "向阳小区",
        "--serious", "--note", "错别字",
    )  # fmt: skip
    assert out == (
        "已更正问题 1：问题：楼道堆放杂物 → 楼道堆放杂物、电动车乱停；小区：梧桐苑 → 向阳小区；"
        "严重：否 → 是。\n"
    )
    shown = json.loads(ok("issue", "show", "1", "--format", "json"))
    assert shown["issue"]["description"] == "楼道堆放杂物、电动车乱停"
    assert shown["issue"]["compound"] == "向阳小区" and shown["issue"]["serious"] is True
    last = shown["events"][-1]
    assert last["event"] == "edit" and last["note"] == "错别字" and last["date"] == "2026-07-31"
    assert last["detail"]["description"] == ["楼道堆放杂物", "楼道堆放杂物、电动车乱停"]
    text = ok("issue", "show", "1")
    assert "2026-07-31  更正  问题：楼道堆放杂物 → 楼道堆放杂物、电动车乱停" in text
    ok("issue", "edit", "1", "--location", "")
    assert json.loads(ok("issue", "show", "1", "--format", "json"))["issue"]["location"] is None
    # The change is in the audit trail under the command that made it.
    from conftest import connect

    conn = connect(db_path)
    argv = conn.execute(
        "SELECT r.argv FROM audit_log a JOIN command_runs r ON r.id = a.run_id"
        " WHERE a.entity = 'issues' AND a.entity_id = 1 AND a.op = 'update' ORDER BY a.id"
    ).fetchall()
    conn.close()
    assert argv[0][0].startswith("sqjg issue edit 1 --description")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1"], "没有要修改的内容"),
        (["1", "--description", "楼道堆放杂物"], "问题 1 已是这样，未修改。"),
        (["1", "--description", "  "], "问题描述不能为空。"),
        (["1", "--compound", "北极小区"], "下没有小区“北极小区”"),
        (["9", "--kind", "占道"], "找不到问题 9。"),
        (["1", "--category", "2"], "没有选项 --category"),
    ],
)
def test_edit_refusals(city, db_path, args, message):
    ok(*_add())
    before = db_bytes(db_path)
    assert message in refused("issue", "edit", *args)
    assert db_bytes(db_path) == before


@pytest.mark.parametrize("month", ["7月", "七月", "７月", "7"])
def test_month_is_read_as_people_write_it(city, month):
    assert ok("rank", "--month", month, "--format", "json") == ok(
        "rank", "--month", "7", "--format", "json"
    )
    assert ok("rank", f"--month={month}", "--format", "json") == ok(
        "rank", "-m", "7", "--format", "json"
    )


def test_a_month_that_is_no_month_is_refused(city):
    assert "--month" in refused("rank", "--month", "十三月")


def test_only_the_month_option_is_read_as_a_month(city):
    ok("issue", "add", "7月", "-c", "西街社区", "--category", "1", "--due", "8-1")
    rows = json.loads(ok("issue", "list", "--format", "json"))
    assert rows[0]["description"] == "7月"


# --- a unit's to-do list ----------------------------------------------------------------------


def test_todo_lists_a_units_open_issues_by_due_date(survey):
    ok("issue", "add", "交通标志缺失", "-c", "西街社区", "--category", "3", "--due", "8-05")
    ok("issue", "add", "=路口护栏破损", "-c", "西街社区", "--category", "3", "--due", "7-28",
       "--found", "7-20", "--location", "西街路口")  # fmt: skip
    ok("issue", "notify", "6", "--date", "7-29")
    out = ok("issue", "todo", "--unit", "交通局")
    lines = out.split("\n")
    assert lines[0] == "交通局待整改问题（截至 2026-07-31，共 2 件）"
    assert lines[2].split() == [
        "编号", "社区", "问题", "地点", "整改时限", "剩余/超期", "已发通知", "社区联系人",
    ]  # fmt: skip
    assert lines[4].split() == [
        "6", "西街社区", "=路口护栏破损", "西街路口", "2026-07-28", "超期", "3", "天", "1",
        "书记", "王丽", "主任", "陈建国",
    ]  # fmt: skip
    assert lines[5].split()[:7] == [
        "5",
        "西街社区",
        "交通标志缺失",
        "2026-08-05",
        "还有",
        "5",
        "天",
    ]
    csv_text = ok("issue", "todo", "--unit", "交通局", "--format", "csv")
    assert csv_text.startswith("\ufeff编号,社区,问题,地点,整改时限,剩余/超期,已发通知,社区联系人\n")
    assert (
        "6,西街社区,'=路口护栏破损,西街路口,2026-07-28,超期 3 天,1,书记 王丽 主任 陈建国\n"
        in csv_text
    )
    md = ok("issue", "todo", "--unit", "交通局", "--format", "markdown")
    assert (
        "| 5 | 西街社区 | 交通标志缺失 |  | 2026-08-05 | 还有 5 天 | 0 | 书记 王丽 主任 陈建国 |"
        in md
    )
    # As of an earlier day the later issue was not yet found.
    assert "共 1 件" in ok("issue", "todo", "--unit", "交通局", "--as-of", "7-25")


def test_todo_with_nothing_to_do_says_so(survey):
    assert ok("issue", "todo", "--unit", "环卫处") == "环卫处截至 2026-07-31 没有待整改的问题。\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--unit"),
        (["--unit", "交通"], "找不到单位“交通”"),
        (["--unit", "交通局", "--format", "json"], "--format"),
    ],
)
def test_todo_refusals(survey, args, message):
    assert message in refused("issue", "todo", *args)


# --- first runs -------------------------------------------------------------------------------


def test_a_first_write_to_the_default_database_says_where(tmp_path, monkeypatch):
    from conftest import run

    monkeypatch.delenv("SQJG_DB")
    result = run("unit", "add", "东城街道", "--kind", "street")
    assert result.exit_code == 0, result.stderr
    default = tmp_path / "home" / ".config" / "sqjg" / "sqjg.db"
    assert default.exists()
    assert result.stderr == f"已新建数据库 {default}（未指定 --db 或 SQJG_DB）。\n"
    again = run("unit", "add", "西城街道", "--kind", "street")
    assert again.exit_code == 0 and again.stderr == ""


def test_init_creates_the_default_database_without_the_notice(tmp_path, monkeypatch):
    from conftest import run

    monkeypatch.delenv("SQJG_DB")
    result = run("init")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_named_database_gets_no_notice(db_path):
    from conftest import run

    result = run("unit", "add", "东城街道", "--kind", "street")
    assert result.exit_code == 0 and result.stderr == ""


def test_a_lookup_in_an_empty_database_says_it_is_empty_and_which(db_path):
    ok("init")
    err = refused("issue", "add", "x", "-c", "西街社区", "--category", "1", "--due", "8-1")
    assert err == (
        f"找不到社区“西街社区”：数据库 {db_path} 是空的，还没有登记任何单位；"
        "请先用 sqjg unit add 登记，或用 --db 指定别的数据库文件。\n"
    )


def test_a_lookup_in_a_database_with_units_names_the_unit_only(city):
    err = refused("issue", "add", "x", "-c", "北极社区", "--category", "1", "--due", "8-1")
    assert "找不到社区“北极社区”" in err and "是空的" not in err


def test_unit_edit_says_what_changed(city):
    out = ok(
        "unit", "edit", "西街社区", "--secretary", "李红", "--director", "", "--street", "西城街道"
    )
    assert (
        out
        == "已修改 西街社区：所属街道 东城街道 → 西城街道；书记 王丽 → 李红；主任 陈建国 → （空）。\n"
    )
    assert ok("unit", "edit", "西街社区", "--secretary", "李红") == "西街社区 已是这样，未修改。\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["issue", "add", "x"],
            "缺少必需的参数 --community / -c、--category。",
        ),  # --due defaults from [issues.time_limits]
        (["issue", "add", "x", "--due", "8-1"], "缺少必需的参数 --community / -c、--category。"),
        (
            ["fund", "add", "-c", "西街社区"],
            "缺少必需的参数 --source / -s、--from、--amount / -a。",
        ),
        (["issue", "todo"], "缺少必需的参数 --unit / -u。"),
    ],
)
def test_every_missing_option_is_named_at_once(city, args, message):
    assert refused(*args) == message + "\n"


# --- grouped import errors ----------------------------------------------------------------------


def test_the_same_import_error_on_many_rows_is_said_once(city, tmp_path, db_path):
    import csv

    rows = [["问题", "社区", "类别", "整改时限", "发现日期"]]
    rows += [[f"问题{i}", "西街社区", "1", "8-1", "7-1"] for i in range(2)]
    rows += [[f"错{i}", "西街社去", "1", "8-1", "7-1"] for i in range(3)]  # lines 4-6
    rows += [["对", "西街社区", "1", "8-1", "7-1"]]
    rows += [["又错", "西街社去", "1", "8-1", "7-1"]]  # line 8
    rows += [["类别错", "西街社区", "9", "8-1", "7-1"]]  # line 9
    path = tmp_path / "sheet.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    before = db_bytes(db_path)
    err = refused("issue", "import", str(path))
    lines = err.rstrip("\n").split("\n")
    assert lines[0] == "导入失败，未写入任何记录。有 5 行有误："
    assert lines[1].startswith("第 4–6、8 行（共 4 行）：找不到社区“西街社去”")
    assert lines[2].startswith("第 9 行：类别“9”无效")
    assert len(lines) == 3
    assert db_bytes(db_path) == before


def test_spans_of_line_numbers():
    from sqjg.importing import _spans

    assert _spans([3, 4, 5, 9, 11, 12]) == ["3–5", "9", "11–12"]
    assert _spans([7]) == ["7"]


# --- tab completion -------------------------------------------------------------------------------


def complete(words: str, db) -> list[str]:
    from typer.testing import CliRunner

    from sqjg.cli import app

    result = CliRunner().invoke(
        app,
        [],
        prog_name="sqjg",
        env={
            "_SQJG_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
            "SQJG_DB": str(db),
        },
    )
    return [line for line in result.stdout.split("\n") if line]


def test_tab_completion_offers_names_from_the_database(city):
    assert complete("sqjg issue list --community 西", city) == ["西街社区"]
    assert complete("sqjg issue add x --compound 向", city) == ["向阳小区"]
    assert complete("sqjg issue list --unit 市", city) == ["市人社局", "市财政局"]
    assert "华丰食品有限公司" in complete("sqjg fund add --from ", city)


def test_tab_completion_of_a_payer_follows_the_source(city):
    add = "sqjg fund add -c 西街社区 --source"
    assert complete(f"{add} unit --from ", city) == sorted(
        ["交通局", "市财政局", "市人社局", "环卫处"]
    )
    assert complete(f"{add} 企业 --from ", city) == ["华丰食品有限公司"]
    # 自筹: the community itself, then its own compounds (not 东门社区's 向阳小区 twice).
    assert complete(f"{add} community --from ", city) == ["西街社区", "向阳小区", "梧桐苑"]
    assert complete(f"{add} community --from 梧", city) == ["梧桐苑"]
    everyone = complete("sqjg fund add --from ", city)
    assert {"西街社区", "梧桐苑", "交通局", "环卫处"} <= set(
        everyone
    ) and "东城街道" not in everyone


def test_tab_completion_without_a_database_offers_nothing(tmp_path):
    assert complete("sqjg issue list --community 西", tmp_path / "none.db") == []


def test_report_daily_lists_issues_falling_due_per_unit(survey):
    ok("issue", "add", "交通标志缺失", "-c", "西街社区", "--category", "3", "--due", "8-05")
    ok("issue", "add", "路灯不亮", "-c", "西街社区", "--category", "2", "--due", "7-31")
    ok("issue", "add", "下周以后", "-c", "西街社区", "--category", "3", "--due", "8-08")
    out = ok("report", "daily")
    tail = out[out.index("四、未来 7 天到期的问题（按责任单位）") :].split("\n")
    assert tail[2].split() == ["责任单位", "编号", "问题", "社区", "整改时限", "剩余"]
    assert tail[4].split() == ["东城街道", "6", "路灯不亮", "西街社区", "2026-07-31", "今天到期"]
    assert tail[5].split() == [
        "交通局",
        "5",
        "交通标志缺失",
        "西街社区",
        "2026-08-05",
        "还有",
        "5",
        "天",
    ]
    assert "下周以后" not in out and "小区门口垃圾堆" not in out  # due 8-08 and 8-20
    data = json.loads(ok("report", "daily", "--format", "json"))
    assert [(r["id"], r["unit"], r["days_left"]) for r in data["due_soon"]] == [
        (6, "东城街道", 0),
        (5, "交通局", 5),
    ]


@pytest.mark.parametrize(
    ("args", "same_as"),
    [
        (["unit", "list", "--format", "记录"], ["unit", "list", "--format", "record"]),
        (["fund", "balance", "--by", "街道"], ["fund", "balance", "--by", "street"]),
        (["issue", "summary", "--by", "责任单位"], ["issue", "summary", "--by", "unit"]),
        (["issue", "list", "--sort", "超期天数"], ["issue", "list", "--sort", "days-overdue"]),
        (["issue", "todo", "-u", "交通局", "-f", "文本"], ["issue", "todo", "-u", "交通局"]),
    ],
)
def test_every_choice_takes_its_chinese_word(survey, args, same_as):
    assert ok(*args) == ok(*same_as)


def test_a_wrong_choice_lists_codes_and_words(city):
    err = refused("fund", "balance", "--by", "区")
    assert err == "--by 只能是以下之一：community（社区）、street（街道/街道办事处）。\n"


def test_spending_categories_take_chinese_words_and_errors_list_both(city):
    ok("fund", "add", "-c", "西街社区", "--source", "unit", "--from", "交通局", "--amount", "100")
    ok(
        "fund",
        "spend",
        "-c",
        "西街社区",
        "--amount",
        "10",
        "--purpose",
        "扫帚",
        "--category",
        "清洁",
    )
    err = refused(
        "fund", "spend", "-c", "西街社区", "--amount", "10", "--purpose", "x", "--category", "吃饭"
    )
    assert "cleaning（环境卫生/保洁/清洁）" in err and "other（其他）" in err
    assert "street（街道）" in refused("unit", "add", "某某", "--kind", "乱")


def test_log_shows_local_time_and_chinese_entity_names(city, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        out = ok("log", "--limit", "1")
        entry = json.loads(ok("log", "--limit", "1", "--format", "json"))[0]
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    from datetime import datetime, timedelta

    utc = datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    local = (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    row = out.strip("\n").split("\n")[-1]
    assert row.split()[:2] == local.split()
    assert "  单位  " in row and "units" not in row
    assert entry["entity"] == "units"  # JSON keeps the table's name


def test_help_lists_the_commands_in_the_order_of_the_work():
    out = ok("--help")
    listed = [
        line.split()[0]
        for line in out[out.index("登记：") :].split("\n")
        if line.startswith("  ") and line.strip()
    ]
    # Registration, then the problems (with their calendar and notices), then the funds.
    assert listed[:2] == ["unit", "issue"]
    assert listed.index("issue") < listed.index("notice") < listed.index("fund")
    assert listed.index("meeting") < listed.index("rank") < listed.index("report")
    assert listed.index("report") < listed.index("init") < listed.index("check")


def test_the_notice_that_puts_an_issue_on_the_board_says_so(city):
    ok(*_add())
    assert "现已列入曝光台" not in ok("issue", "notify", "1", "--date", "7-21")
    assert "现已列入曝光台" not in ok("issue", "notify", "1", "--date", "7-22")
    third = ok("issue", "notify", "1", "--date", "7-23")
    assert third.split("\n")[1] == (
        "问题 1 已收到 3 次整改通知仍未结案，现已列入曝光台（sqjg issue exposure）。"
    )
    # Only the third says so (the ladder's own addressee line may name the board).
    assert "现已列入曝光台" not in ok("issue", "notify", "1", "--date", "7-24")
