"""`sqjg issue …`: logging, the lifecycle, the reports, bulk sheets -- and every refusal of them."""

import json

import pytest
from conftest import built_once, connect, db_bytes, ok, refused, run
from test_issues import build_survey

from sqjg.db import open_db, write_transaction


def add(*args: str) -> int:
    return json.loads(ok("issue", "add", *args, "--format", "json"))["id"]


def listed(*args: str) -> list[dict]:
    return json.loads(ok("issue", "list", "--format", "json", *args))


@pytest.fixture
def survey(city):
    built_once("test_cli_issue.survey", city, build_survey)
    return city


# --- logging -------------------------------------------------------------------------------------


def test_add_prints_the_id(city):
    out = ok(
        "issue",
        "add",
        "楼道堆放杂物",
        "-c",
        "西街社区",
        "--compound",
        "梧桐苑",
        "--category",
        "1",
        "--due",
        "7-20",
        "--found",
        "7-2",
        "--kind",
        "乱堆乱放",
        "--location",
        "3号楼",
    )
    assert (
        out
        == "已登记问题 1：西街社区，类别 1（社区/小区），责任单位 西街社区，整改时限 2026-07-20。\n"
    )
    assert (
        ok(
            "issue",
            "add",
            "占道",
            "-c",
            "西街社区",
            "--category",
            "2",
            "--due",
            "8-1",
            "--format",
            "json",
        )
        == '{"id": 2}\n'
    )
    assert (
        ok(
            "issue",
            "add",
            "占道",
            "-c",
            "西街社区",
            "--category",
            "2",
            "--due",
            "8-1",
            "--allow-duplicate",
            "--format",
            "csv",
        )
        == "\ufeffid\n3\n"
    )


def test_add_json_shape_in_list(city):
    add(
        "楼道堆放杂物",
        "-c",
        "西街社区",
        "--compound",
        "梧桐苑",
        "--category",
        "1",
        "--due",
        "7-20",
        "--found",
        "7-2",
        "--kind",
        "乱堆乱放",
        "--location",
        "3号楼",
        "--serious",
    )
    assert listed() == [
        {
            "id": 1,
            "description": "楼道堆放杂物",
            "community": "西街社区",
            "compound": "梧桐苑",
            "location": "3号楼",
            "category": 1,
            "unit": "西街社区",
            "kind": "乱堆乱放",
            "found": "2026-07-02",
            "due": "2026-07-20",
            "status": "open",
            "overdue": True,
            "on_time": None,
            "notices": 0,
            "reworks": 0,
            "extensions": 0,
            "serious": True,
            "street": "东城街道",
            "original_due": "2026-07-20",
            "resolved_on": None,
            "closed_on": None,
            "days_overdue": 11,
            "inspection_id": None,
            "flags": [],
        }
    ]


@pytest.mark.parametrize(
    "category,unit,expected",
    [
        ("1", None, "西街社区"),
        ("1", "向阳小区", "向阳小区"),
        ("2", None, "东城街道"),
        ("3", None, "交通局"),
        ("3", "市人社局", "市人社局"),
        ("4", "环卫处", "环卫处"),
        ("第三类", None, "交通局"),
        ("职能部门", "环卫处", "环卫处"),
    ],
)
def test_responsible_party_follows_the_category(city, category, unit, expected):
    args = ["问题", "-c", "西街社区", "--category", category, "--due", "8-1"] + (
        ["--unit", unit] if unit else []
    )
    add(*args)
    assert listed()[0]["unit"] == expected


def test_found_defaults_to_today_and_due_accepts_every_form(city):
    for due in ("2026-08-10", "2026/8/10", "8-10", "8/10", "8月10日", "2026年8月10日"):
        add("问题", "-c", "西街社区", "--category", "1", "--due", due, "--allow-duplicate")
    assert {(r["found"], r["due"]) for r in listed()} == {("2026-07-31", "2026-08-10")}


REFUSALS = [
    (["-c", "北极社区", "--category", "1", "--due", "8-1"], "找不到社区“北极社区”"),
    (
        ["-c", "西街社区", "--compound", "梧桐", "--category", "1", "--due", "8-1"],
        "社区“西街社区”下没有小区“梧桐”",
    ),
    (["-c", "西街社区", "--category", "5", "--due", "8-1"], "类别“5”无效"),
    (
        ["-c", "西街社区", "--category", "4", "--due", "8-1"],
        "类别 4（职能部门）的问题要指明责任部门，可选：环卫处。",
    ),
    (["-c", "西街社区", "--category", "4", "--unit", "交通局", "--due", "8-1"], "应为职能部门"),
    (
        ["-c", "西街社区", "--category", "3", "--unit", "市财政局", "--due", "8-1"],
        "共建的单位（交通局、市人社局）",
    ),
    (
        ["-c", "西街社区", "--category", "2", "--unit", "西城街道", "--due", "8-1"],
        "所属的“东城街道”",
    ),
    (["-c", "西街社区", "--category", "1", "--unit", "东门社区", "--due", "8-1"], "本身或它的小区"),
    (["-c", "西街社区", "--category", "3", "--unit", "交通厅", "--due", "8-1"], "找不到"),
    (
        ["-c", "西街社区", "--category", "1", "--due", "7-1", "--found", "7-5"],
        "整改时限 2026-07-01 早于发现日期 2026-07-05",
    ),
    (
        ["-c", "西街社区", "--category", "1", "--due", "8-10", "--found", "8-1"],
        "发现日期 2026-08-01 晚于今天",
    ),
    (["-c", "西街社区", "--category", "1", "--due", "下周"], "无法识别日期“下周”"),
    (["-c", "西街社区", "--category", "1", "--due", "2-30"], "日期“2-30”不存在"),
    (
        ["-c", "西街社区", "--category", "1", "--due", "8-1", "--inspection", "99"],
        "找不到检查记录 99",
    ),
    (["-c", "西街社区", "--due", "8-1"], "缺少必需的参数 --category"),
    # Without --due the rules file's time limits set the date (tests/test_timelimits.py).
]


@pytest.mark.parametrize("args,message", REFUSALS)
def test_add_refusals_write_nothing(city, args, message):
    before = db_bytes(city)
    assert message in refused("issue", "add", "问题", *args)
    assert db_bytes(city) == before


def test_add_refuses_an_empty_description(city):
    assert "问题描述不能为空" in refused(
        "issue", "add", "  ", "-c", "西街社区", "--category", "1", "--due", "8-1"
    )


def _inspection(path, community, on):
    conn = open_db(path)
    with write_transaction(conn):
        cid = conn.execute("SELECT id FROM units WHERE name = ?", (community,)).fetchone()[0]
        iid = conn.execute(
            "INSERT INTO inspections(community_id, inspected_on, leader, score) VALUES (?, ?, '张市长', 90)",
            (cid, on),
        ).lastrowid
    conn.close()
    return iid


def test_inspection_link(city):
    iid = _inspection(city, "西街社区", "2026-07-20")
    other = _inspection(city, "东门社区", "2026-07-21")
    add(
        "检查发现乱堆乱放",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--due",
        "7-27",
        "--inspection",
        str(iid),
    )
    row = listed()[0]
    assert (row["inspection_id"], row["found"]) == (
        iid,
        "2026-07-20",
    )  # found on the inspection's day
    before = db_bytes(city)
    message = refused(
        "issue",
        "add",
        "x",
        "-c",
        "西街社区",
        "--category",
        "1",
        "--due",
        "7-27",
        "--inspection",
        str(other),
    )
    assert f"检查记录 {other} 是对社区“东门社区”的检查，不是“西街社区”" in message
    assert db_bytes(city) == before
    assert "来自检查记录" in ok("issue", "show", "1")


# --- lifecycle -----------------------------------------------------------------------------------


def test_lifecycle_messages_and_history(city):
    add("垃圾堆", "-c", "西街社区", "--category", "3", "--due", "7-20", "--found", "7-1")
    assert (
        ok("issue", "notify", "1", "--date", "7-10")
        == "已向问题 1 的责任单位发出整改通知（第 1 次）。第 1 步，致 责任单位联系人（未登记）。\n"
    )
    assert (
        ok("issue", "extend", "1", "--due", "7-25", "--reason", "等待清运车", "--date", "7-12")
        == "问题 1 已延期至 2026-07-25（第 1 次延期）。\n"
    )
    assert (
        ok("issue", "resolve", "1", "--date", "7-15", "--note", "已清运")
        == "问题 1 已报整改完成（2026-07-15），等待核查。\n"
    )
    assert (
        ok("issue", "verify", "1", "--fail", "--by", "三创办张明", "--date", "7-16")
        == "问题 1 核查未通过，退回整改（第 1 次返工）。\n"
    )
    assert (
        ok("issue", "reassign", "1", "--unit", "市人社局", "--date", "7-17")
        == "问题 1 已改派给“市人社局”（类别 3）。\n"
    )
    ok("issue", "resolve", "1", "--date", "7-24")
    assert (
        ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-26")
        == "问题 1 核查通过，已结案（按期）。\n"
    )
    data = json.loads(ok("issue", "show", "1", "--format", "json"))
    issue = data["issue"]
    assert {
        k: issue[k]
        for k in (
            "status",
            "due",
            "original_due",
            "unit",
            "notices",
            "reworks",
            "extensions",
            "on_time",
            "resolved_on",
            "closed_on",
            "overdue",
        )
    } == {
        "status": "closed",
        "due": "2026-07-25",
        "original_due": "2026-07-20",
        "unit": "市人社局",
        "notices": 1,
        "reworks": 1,
        "extensions": 1,
        "on_time": True,
        "resolved_on": "2026-07-24",
        "closed_on": "2026-07-26",
        "overdue": False,
    }
    assert [(e["event"], e["date"]) for e in data["events"]] == [
        ("create", "2026-07-01"),
        ("notify", "2026-07-10"),
        ("extend", "2026-07-12"),
        ("resolve", "2026-07-15"),
        ("verify_fail", "2026-07-16"),
        ("reassign", "2026-07-17"),
        ("resolve", "2026-07-24"),
        ("verify_pass", "2026-07-26"),
    ]
    assert data["events"][2]["detail"] == {"from_due": "2026-07-20", "due": "2026-07-25"}
    assert data["events"][2]["note"] == "等待清运车"
    assert data["events"][5]["detail"] == {
        "from_unit_id": 8,
        "from_unit": "交通局",
        "from_category": 3,
        "unit_id": 10,
        "unit": "市人社局",
        "category": 3,
    }
    text = ok("issue", "show", "1")
    for piece in (
        "问题 1：垃圾堆",
        "整改时限：2026-07-25（原定 2026-07-20）",
        "状态：已结案，按期",
        "整改通知 1 次，返工 1 次，延期 1 次",
        "2026-07-12  延期  2026-07-20 → 2026-07-25  等待清运车",
        "2026-07-17  改派  交通局（类别 3）→ 市人社局（类别 3）",
        "2026-07-16  核查未通过，返工",
    ):
        assert piece in text


def test_closed_late_is_not_on_time(city):
    add("占道", "-c", "西街社区", "--category", "2", "--due", "7-10", "--found", "7-1")
    ok("issue", "resolve", "1", "--date", "7-12")
    assert (
        ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-13")
        == "问题 1 核查通过，已结案（未按期）。\n"
    )
    row = listed()[0]
    assert (row["on_time"], row["overdue"], row["days_overdue"]) == (False, True, 2)


def test_reassign_changes_category_with_the_fit_rule(city):
    add(
        "路灯不亮",
        "-c",
        "西街社区",
        "--category",
        "4",
        "--unit",
        "环卫处",
        "--due",
        "8-1",
        "--found",
        "7-1",
    )
    ok("issue", "reassign", "1", "--unit", "梧桐苑", "--category", "1", "--note", "小区自管")
    row = listed()[0]
    assert (row["category"], row["unit"]) == (1, "梧桐苑")
    assert "应为职能部门" in refused(
        "issue", "reassign", "1", "--unit", "交通局", "--category", "4"
    )
    assert "责任单位已是“梧桐苑”（类别 1）" in refused("issue", "reassign", "1", "--unit", "梧桐苑")


def test_cancelled_is_kept_and_never_counted(city):
    add("重复", "-c", "西街社区", "--category", "1", "--due", "7-10", "--found", "7-1")
    assert ok("issue", "cancel", "1", "--reason", "重复登记") == "问题 1 已作废。\n"
    assert listed()[0]["status"] == "cancelled" and listed()[0]["overdue"] is False
    assert listed("--status", "overdue") == []
    total = json.loads(ok("issue", "summary", "--format", "json"))[-1]
    assert (total["total"], total["cancelled"], total["due"], total["closure_rate"]) == (
        0,
        1,
        0,
        None,
    )


@pytest.fixture
def states(city):
    """1 open, 2 resolved, 3 closed, 4 cancelled -- all found 7-1, due 7-20."""

    def build():
        for _ in range(4):
            add("问题", "-c", "西街社区", "--category", "1", "--due", "7-20", "--found", "7-1",
                "--allow-duplicate")  # fmt: skip
        ok("issue", "resolve", "2", "--date", "7-5")
        ok("issue", "resolve", "3", "--date", "7-5")
        ok("issue", "verify", "3", "--pass", "--by", "三创办张明", "--date", "7-6")
        ok("issue", "cancel", "4", "--reason", "不是问题", "--date", "7-6")

    built_once("test_cli_issue.states", city, build)
    return city


TRANSITIONS = [
    (
        ["verify", "1", "--pass", "--by", "三创办张明"],
        "问题 1 还没有报整改完成（待整改），不能核查；请先运行 sqjg issue resolve 1。",
    ),
    (["resolve", "2"], "问题 2 已报整改完成，正等待核查；核查未通过后才能再次报整改。"),
    (["notify", "2"], "问题 2 已报整改完成、正等待核查，不能发整改通知"),
    (["extend", "2", "--due", "8-30", "--reason", "x"], "不能延期"),
    (["reassign", "2", "--unit", "梧桐苑"], "不能改派"),
    (["resolve", "3"], "问题 3 已结案，不能再报整改完成。"),
    (["verify", "3", "--fail", "--by", "三创办张明"], "问题 3 已结案，不能再核查。"),
    (["notify", "3"], "已结案"),
    (["extend", "3", "--due", "8-30", "--reason", "x"], "已结案"),
    (["cancel", "3", "--reason", "x"], "问题 3 已结案，不能再作废。"),
    (["resolve", "4"], "问题 4 已作废，不能再报整改完成。"),
    (["notify", "4"], "已作废"),
    (["cancel", "4", "--reason", "x"], "已作废"),
    (
        ["verify", "2", "--by", "三创办张明"],
        "请用 --pass（核查通过）或 --fail（未通过）说明核查结果。",
    ),
    (["resolve", "99"], "找不到问题 99。"),
    (["show", "99"], "找不到问题 99。"),
    (["resolve", "1", "--date", "8-1"], "整改完成日期 2026-08-01 晚于今天（2026-07-31）"),
    (["resolve", "1", "--date", "6-30"], "整改完成日期 2026-06-30 早于问题的发现日期 2026-07-01。"),
    (
        ["verify", "2", "--pass", "--by", "三创办张明", "--date", "7-4"],
        "核查日期 2026-07-04 早于问题 2 上一条记录的日期 2026-07-05",
    ),
    (["resolve", "1", "--date", "7月99日"], "不存在"),
    (
        ["extend", "1", "--due", "7-20", "--reason", "x"],
        "新的整改时限 2026-07-20 应晚于现在的时限 2026-07-20。",
    ),
    (
        ["extend", "1", "--due", "7-25", "--reason", "x", "--date", "7-30"],
        "新的整改时限 2026-07-25 早于办理延期的日期 2026-07-30。",
    ),
    (["extend", "1", "--due", "8-25", "--reason", " "], "延期要写明理由"),
    (["extend", "1", "--due", "8-25"], "缺少必需的参数 --reason"),
    (["cancel", "1", "--reason", ""], "作废要写明理由"),
    (["reassign", "1", "--unit", "西街社区"], "责任单位已是“西街社区”"),
    (["reassign", "1", "--unit", "东门社区"], "本身或它的小区"),
    (["resolve", "abc"], "应为数字"),
]


@pytest.mark.parametrize("args,message", TRANSITIONS)
def test_transitions_that_make_no_sense_are_refused(states, args, message):
    before = db_bytes(states)
    assert message in refused("issue", *args)
    assert db_bytes(states) == before


# --- listing ---------------------------------------------------------------------------------------


def test_list_filters(survey):
    assert [r["id"] for r in listed()] == list(range(1, 10))
    assert [r["id"] for r in listed("--community", "东门社区")] == [8, 9]
    assert [r["id"] for r in listed("--street", "西城街道")] == [8, 9]
    assert [r["id"] for r in listed("--compound", "梧桐苑")] == [1]
    assert [r["id"] for r in listed("-c", "西街社区", "--compound", "梧桐苑")] == [1]
    assert [r["id"] for r in listed("--category", "3")] == [2, 8]
    assert [r["id"] for r in listed("--unit", "交通局")] == [2]
    assert [r["id"] for r in listed("--kind", "占道")] == [4]
    assert [r["id"] for r in listed("--status", "open")] == [4, 5, 8, 9]
    assert [r["id"] for r in listed("--status", "resolved")] == [6]
    assert [r["id"] for r in listed("--status", "closed")] == [1, 2, 3]
    assert [r["id"] for r in listed("--status", "cancelled")] == [7]
    # overdue: still open and past due; late: closed after the due date (2 was fixed 7-12).
    assert [r["id"] for r in listed("--status", "overdue")] == [4, 9]
    assert [r["id"] for r in listed("--status", "late")] == [2]
    assert [r["id"] for r in listed("--unit", "东城街道", "--status", "overdue")] == [4]
    assert [r["id"] for r in listed("--status", "overdue", "--as-of", "7-14")] == []
    assert [r["id"] for r in listed("--status", "late", "--as-of", "7-14")] == [2]
    assert [r["id"] for r in listed("--as-of", "6-30")] == []
    assert "找不到社区“北极社区”" in refused("issue", "list", "--community", "北极社区")
    assert "状态“later”无效：应为 open（待整改）" in refused("issue", "list", "--status", "later")
    assert [r["id"] for r in listed("--status", "超期")] == [4, 9]
    assert "无法识别日期" in refused("issue", "list", "--as-of", "昨天")


def test_list_csv_and_table(survey):
    out = ok("issue", "list", "--format", "csv", "--status", "resolved")
    lines = out.splitlines()
    assert (
        lines[0]
        == "\ufeffid,description,community,compound,location,category,unit,kind,found,due,status,overdue,"
        "on_time,notices,reworks,extensions,serious,street,original_due,resolved_on,closed_on,"
        "days_overdue,inspection_id,flags"
    )
    assert (
        lines[1]
        == "6,卫生死角,西街社区,,,1,西街社区,卫生死角,2026-07-01,2026-07-25,resolved,false,,0,0,0,false,"
        "东城街道,2026-07-25,2026-07-24,,0,,"
    )
    table = ok("issue", "list", "--status", "overdue")
    assert "问题清单（截至 2026-07-31，共 2 条）" in table
    assert "待整改（超期）" in table and "已结案" not in table and "…" not in table
    assert "已结案" in ok("issue", "list", "--status", "late")
    assert ok("issue", "list", "--as-of", "6-30") == "没有符合条件的问题。\n"


# --- reports -----------------------------------------------------------------------------------------


def test_summary_json_table_csv(survey):
    rows = json.loads(ok("issue", "summary", "--format", "json"))
    assert [r["name"] for r in rows] == ["西街社区", "东门社区", "合计"]
    assert (
        rows[0]["closure_rate"],
        rows[0]["on_time_rate"],
        rows[0]["rework_rate"],
        rows[0]["overdue_pending_rate"],
        rows[0]["extension_rate"],
    ) == (0.6, 0.4, 0.25, 0.2, 0.1667)
    table = ok("issue", "summary")
    assert "问题排查情况（截至 2026-07-31）" in table
    for header in ("结案率", "按期结案率", "返工率", "超期待处置率", "延期率", "曝光"):
        assert header in table
    assert "60.0%" in table and "16.7%" in table
    csv_out = ok("issue", "summary", "--format", "csv").splitlines()
    assert csv_out[0].startswith("\ufefflevel,id,name,street,total,category_1,")
    assert csv_out[-1].startswith("total,,合计,,8,4,1,2,1,")
    assert "| 合计 |" in ok("issue", "summary", "--format", "markdown")
    by_unit = json.loads(ok("issue", "summary", "--by", "unit", "--format", "json"))
    assert [r["name"] for r in by_unit] == [
        "东城街道",
        "西街社区",
        "东门社区",
        "交通局",
        "市财政局",
        "环卫处",
        "合计",
    ]
    by_kind = json.loads(ok("issue", "summary", "--by", "kind", "--format", "json"))
    assert [(r["name"], r["total"], r["cancelled"]) for r in by_kind] == [
        ("卫生死角", 1, 0),
        ("乱堆乱放", 1, 0),
        ("乱倒垃圾", 1, 0),
        ("占道", 1, 0),
        ("毁绿种菜", 1, 0),
        ("市政设施", 0, 0),
        ("路面破损", 0, 0),
        ("绿化养护", 0, 0),
        ("历史遗留", 0, 0),
        ("（未分类）", 3, 1),
        ("合计", 8, 1),
    ]
    assert "问题类型" in ok("issue", "summary", "--by", "kind")
    early = json.loads(ok("issue", "summary", "--as-of", "7-14", "--format", "json"))
    assert early[0]["closed"] == 2 and early[0]["open"] == 4


def test_summary_by_compound_names_the_community(survey):
    rows = json.loads(ok("issue", "summary", "--by", "compound", "--format", "json"))
    compounds = [(r["name"], r["community"]) for r in rows if r["level"] == "compound"]
    assert compounds and all(c for _name, c in compounds)
    assert sum(r["total"] for r in rows if r["level"] == "compound") <= rows[-1]["total"]
    table = ok("issue", "summary", "--by", "compound").splitlines()
    assert table[2].split()[:2] == ["小区", "社区"]


def test_exposure_board_with_the_rules_file(survey, tmp_path):
    rows = json.loads(ok("issue", "exposure", "--format", "json"))
    assert [
        (r["id"], r["community"], r["unit"], r["days_overdue"], r["reasons"]) for r in rows
    ] == [(9, "东门社区", "东门社区", 11, ["serious"])]
    rules = tmp_path / "rules.toml"
    rules.write_text("[issues]\nexposure_notices = 1\n", encoding="utf-8")
    rows = json.loads(ok("issue", "exposure", "--rules", str(rules), "--format", "json"))
    assert [(r["id"], r["notices"], r["reasons"]) for r in rows] == [
        (9, 0, ["serious"]),
        (4, 1, ["notices"]),
    ]
    assert (
        json.loads(ok("issue", "summary", "--rules", str(rules), "--format", "json"))[-1][
            "exposure"
        ]
        == 2
    )
    # As of 7-15 issue 4 had had no notice yet.
    rows = json.loads(
        ok("issue", "exposure", "--rules", str(rules), "--as-of", "7-15", "--format", "json")
    )
    assert [r["id"] for r in rows] == [9]
    table = ok("issue", "exposure")
    assert (
        "曝光台（截至 2026-07-31；严重问题或整改通知满 3 次仍未结案）" in table
        and "化粪池外溢" in table
    )
    assert ok("issue", "exposure", "--as-of", "6-30") == "曝光台上没有问题（截至 2026-06-30）。\n"
    bad = tmp_path / "bad.toml"
    bad.write_text("[issues]\nexposure_notices = 0\n", encoding="utf-8")
    assert "exposure_notices 应为正整数" in refused("issue", "exposure", "--rules", str(bad))


def test_notices_put_an_issue_on_the_board(city):
    add("占道", "-c", "西街社区", "--category", "2", "--due", "7-10", "--found", "7-1")
    for day in ("7-11", "7-15", "7-20"):
        ok("issue", "notify", "1", "--date", day)
    rows = json.loads(ok("issue", "exposure", "--format", "json"))
    assert [(r["id"], r["notices"], r["unit"], r["days_overdue"]) for r in rows] == [
        (1, 3, "东城街道", 21)
    ]
    assert json.loads(ok("issue", "exposure", "--as-of", "7-19", "--format", "json")) == []
    ok("issue", "resolve", "1", "--date", "7-25")
    assert len(json.loads(ok("issue", "exposure", "--format", "json"))) == 1  # not closed yet
    ok("issue", "verify", "1", "--pass", "--by", "三创办张明", "--date", "7-26")
    assert json.loads(ok("issue", "exposure", "--format", "json")) == []


# --- bulk survey sheets -------------------------------------------------------------------------------

SHEET_ZH = (
    "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型\n"
    "楼道堆放杂物,西街社区,梧桐苑,3号楼,1,,7月20日,7月2日,乱堆乱放\n"
    "路面破损,西街社区,,西街口,4,环卫处,2026-08-15,2026-07-03,路面破损\n"
    "宿舍区乱倒垃圾,东门社区,向阳小区,,3,,2026/7/25,7-4,乱倒垃圾\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_every_encoding(city, tmp_path, encoding):
    sheet = tmp_path / "排查表.csv"
    sheet.write_bytes(SHEET_ZH.encode(encoding))
    assert ok("issue", "import", str(sheet)) == "已导入 3 个问题。\n"
    rows = listed()
    assert [
        (r["description"], r["community"], r["compound"], r["unit"], r["due"], r["found"])
        for r in rows
    ] == [
        ("楼道堆放杂物", "西街社区", "梧桐苑", "西街社区", "2026-07-20", "2026-07-02"),
        ("路面破损", "西街社区", None, "环卫处", "2026-08-15", "2026-07-03"),
        ("宿舍区乱倒垃圾", "东门社区", "向阳小区", "市财政局", "2026-07-25", "2026-07-04"),
    ]
    conn = connect(city)
    assert (
        conn.execute("SELECT count(*) FROM issue_events WHERE event = 'create'").fetchone()[0] == 3
    )
    from sqjg import issues

    assert issues.history_problems(conn) == []


def test_import_gb18030_beyond_gbk(city, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(
        "问题,社区,类别,整改时限,地点\n门牌“䶮𠀀”脱落,西街社区,1,8-1,䶮园\n".encode("gb18030")
    )
    assert ok("issue", "import", str(sheet)) == "已导入 1 个问题。\n"
    assert (listed()[0]["description"], listed()[0]["location"]) == ("门牌“䶮𠀀”脱落", "䶮园")


def test_import_with_explicit_encoding_and_english_headers(city, tmp_path):
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(
        "description,community,category,due,found,serious\n占道,西街社区,2,8-1,7-1,是\n".encode(
            "gbk"
        )
    )
    assert ok("issue", "import", str(sheet), "--encoding", "gbk") == "已导入 1 个问题。\n"
    assert (listed()[0]["unit"], listed()[0]["serious"]) == ("东城街道", True)
    assert "文件不是 utf-8 编码" in refused("issue", "import", str(sheet), "--encoding", "utf-8")


def test_import_lists_every_bad_row_and_inserts_nothing(city, tmp_path):
    add("已有问题", "-c", "西街社区", "--category", "1", "--due", "8-1")
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "问题,社区,小区,类别,责任单位,整改时限,发现日期,严重\n"
        "好的一行,西街社区,,1,,8-1,7-1,\n"
        ",西街社区,,1,,8-1,7-1,\n"
        "坏社区,北极社区,,1,,8-1,7-1,\n"
        "坏小区,西街社区,月亮湾,1,,8-1,7-1,\n"
        "坏类别,西街社区,,9,,8-1,7-1,\n"
        "部门不符,西街社区,,4,交通局,8-1,7-1,\n"
        "时限早,西街社区,,1,,7-1,7-5,\n"
        "未来,西街社区,,1,,8-9,8-2,\n"
        "坏日期,西街社区,,1,,八月,7-1,\n"
        "无时限,西街社区,,1,,,7-1,\n"
        "严重,西街社区,,1,,8-1,7-1,也许\n"
        "另一行好的,东门社区,,3,,8-1,7-1,否\n",
        encoding="utf-8",
    )
    before = db_bytes(city)
    message = refused("issue", "import", str(sheet))
    assert db_bytes(city) == before
    lines = message.strip().splitlines()
    # Row 11 has no due date: the rules' time limits give it one, so it is not an error.
    assert lines[0] == "导入失败，未写入任何记录。有 9 行有误："
    assert lines[1:] == [
        "第 3 行：问题描述不能为空。",
        # The same suggestions as `issue add` gives.
        "第 4 行：找不到社区“北极社区”，您是不是要找：西街社区、东门社区。",
        "第 5 行：社区“西街社区”下没有小区“月亮湾”，该社区的小区有：梧桐苑、向阳小区。",
        "第 6 行：类别“9”无效：应为 1（社区/小区）、2（街道）、3（共建单位）或 4（职能部门）。",
        "第 7 行：类别 4（职能部门）的责任单位应为职能部门（环卫处），“交通局”不是。",
        "第 8 行：整改时限 2026-07-01 早于发现日期 2026-07-05。",
        "第 9 行：发现日期 2026-08-02 晚于今天（2026-07-31），不能登记未发生的事。",
        "第 10 行：无法识别日期“八月”：请写成 2026-07-10、7-10 或 7月10日。",
        "第 12 行：“严重”一栏应为“是”或“否”，现为“也许”。",
    ]
    assert [r["id"] for r in listed()] == [1]


def test_import_refuses_bad_files(city, tmp_path):
    missing = tmp_path / "m.csv"
    missing.write_text("问题,社区\n占道,西街社区\n", encoding="utf-8")
    # No due column is needed: the rules' time limits set the dates.
    assert "表头缺少必需的列：category。" in refused("issue", "import", str(missing))
    empty = tmp_path / "e.csv"
    empty.write_text("问题,社区,类别,整改时限\n", encoding="utf-8")
    assert "里没有问题记录" in refused("issue", "import", str(empty))
    unknown = tmp_path / "u.csv"
    unknown.write_text("问题,社区,类别,整改时限,备注2\n", encoding="utf-8")
    assert "不认识的列名“备注2”" in refused("issue", "import", str(unknown))
    assert "找不到文件" in refused("issue", "import", str(tmp_path / "nope.csv"))


def test_export_import_round_trip(survey, tmp_path):
    out = tmp_path / "export.csv"
    assert (
        ok("issue", "export", "-o", str(out)) == f"已导出 8 个问题到 {out}。\n"
    )  # the cancelled one is left out
    text = out.read_text(encoding="utf-8-sig")
    assert (
        text.splitlines()[0]
        == "description,community,compound,location,category,unit,due,found,kind,serious,uid"
    )
    assert text.splitlines()[1].startswith(
        "楼道堆物,西街社区,梧桐苑,,1,西街社区,2026-07-10,2026-07-01,乱堆乱放,false,"
    )
    before = [
        {
            k: r[k]
            for k in (
                "description",
                "community",
                "compound",
                "category",
                "unit",
                "due",
                "found",
                "kind",
                "serious",
            )
        }
        for r in listed()
        if r["status"] != "cancelled"
    ]
    # The rows carry their uids: importing the export again adds nothing.
    assert ok("issue", "import", str(out)) == "新增 0，更新 0，未变 8\n"
    assert len(listed()) == 9
    # Without the uid column the same sheet is a new survey.
    fresh = tmp_path / "fresh.csv"
    fresh.write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n", encoding="utf-8"
    )
    assert ok("issue", "import", str(fresh)) == "已导入 8 个问题。\n"
    after = [{k: r[k] for k in before[0]} for r in listed() if r["id"] > 9]
    assert after == before
    gbk = tmp_path / "gbk.csv"
    ok("issue", "export", "-o", str(gbk), "--encoding", "gbk", "--community", "东门社区")
    assert (
        gbk.read_bytes().decode("gbk").splitlines()[2].rsplit(",", 1)[0]
        == "化粪池外溢,东门社区,,,1,东门社区,2026-07-20,2026-07-01,,true"
    )
    assert (
        ok("issue", "export", "--status", "cancelled")
        .splitlines()[1]
        .startswith("重复登记的卫生死角,")
    )
    assert "不认识的编码" in refused(
        "issue", "export", "-o", str(tmp_path / "x.csv"), "--encoding", "klingon"
    )


def test_demo_city_has_a_july_survey(tmp_path):
    path = tmp_path / "demo.db"
    run("demo", "--db", str(path))
    conn = connect(path)
    from sqjg import issues

    rows = issues.list_issues(conn, as_of="2026-07-31")
    assert len(rows) >= 40
    assert {r["category"] for r in rows} == {1, 2, 3, 4}
    assert {r["status"] for r in rows} == {"open", "resolved", "closed", "cancelled"}
    assert len({r["community"] for r in rows}) == 14
    assert (
        any(r["overdue"] for r in rows)
        and any(r["extensions"] for r in rows)
        and any(r["reworks"] for r in rows)
    )
    board = issues.exposure_board(conn, "2026-07-31", notices=3)
    assert any(r["serious"] for r in board) and any(r["notices"] >= 3 for r in board)
    assert issues.history_problems(conn) == []
