"""The activity commands: meeting, cleanup, inspect, submit, mechanism, activity, due.

conftest fixes today at 2026-07-31 (SQJG_TODAY).
"""

import json

import pytest
from conftest import connect, db_bytes, ok, refused, run


def js(*args):
    return json.loads(ok(*args, "--format", "json"))


def listed(*args):
    """A list as JSON, each row's uid (random) checked and taken out."""
    rows = js(*args)
    for r in rows:
        assert len(r.pop("uid")) == 32, r
    return rows


def uids(db, table):
    conn = connect(db)
    try:
        return dict(conn.execute(f"SELECT id, uid FROM {table}").fetchall())
    finally:
        conn.close()


# --- recording ----------------------------------------------------------------------------------


def test_meeting_add_and_list(city):
    out = ok(
        "meeting",
        "add",
        "--community",
        "西街社区",
        "--date",
        "7月3日",
        "--attendees",
        "18",
        "--note",
        "部署共建月",
    )
    assert out == "已登记共建委会议（编号 1）：西街社区 2026-07-03。\n"
    assert js("meeting", "add", "-c", "东门社区", "--date", "2026-07-02") == {"id": 2}
    assert listed("meeting", "list") == [
        {"id": 2, "date": "2026-07-02", "community": "东门社区", "attendees": None, "note": None},
        {
            "id": 1,
            "date": "2026-07-03",
            "community": "西街社区",
            "attendees": 18,
            "note": "部署共建月",
        },
    ]
    table = ok("meeting", "list", "--community", "西街社区")
    assert "部署共建月" in table and "东门社区" not in table


def test_cleanup_add_and_list(city):
    out = ok(
        "cleanup",
        "add",
        "--community",
        "东门社区",
        "--date",
        "2026-07-18",
        "--participants",
        "300",
        "--units",
        "市财政局,环卫处，华丰食品有限公司",
        "--note",
        "党员干部参加",
    )
    assert out == (
        "已登记大清扫（编号 1）：东门社区 2026-07-18，大清扫，参加 300 人；"
        "参加单位：市财政局、环卫处、华丰食品有限公司。\n"
    )
    ok("cleanup", "add", "-c", "西街社区", "-d", "7-25", "-p", "0")
    assert listed("cleanup", "list") == [
        {
            "id": 1,
            "date": "2026-07-18",
            "community": "东门社区",
            "participants": 300,
            "units": ["市财政局", "环卫处", "华丰食品有限公司"],
            "note": "党员干部参加",
        },
        {
            "id": 2,
            "date": "2026-07-25",
            "community": "西街社区",
            "participants": 0,
            "units": [],
            "note": None,
        },
    ]
    uid = uids(city, "cleanups")
    assert ok("cleanup", "list", "--format", "csv") == (
        "\ufeffid,date,community,participants,units,note,uid\n"
        f"1,2026-07-18,东门社区,300,市财政局;环卫处;华丰食品有限公司,党员干部参加,{uid[1]}\n"
        f"2,2026-07-25,西街社区,0,,,{uid[2]}\n"
    )


def test_inspect_add_prints_the_id(city):
    out = ok(
        "inspect",
        "add",
        "--community",
        "西街社区",
        "--date",
        "2026-07-07",
        "--leader",
        "张建华",
        "--score",
        "92.5",
    )
    assert out.startswith("已登记检查（编号 1）：西街社区 2026-07-07，张建华检查，得分 92.5。")
    assert "--inspection 1" in out
    assert js(
        "inspect", "add", "-c", "东门社区", "-d", "7-7", "--leader", "李国庆", "--score", "100"
    ) == {"id": 2}
    assert js(
        "inspect", "add", "-c", "东门社区", "-d", "7-10", "--leader", "李国庆", "--score", "0"
    ) == {"id": 3}
    assert listed("inspect", "list", "--community", "东门社区") == [
        {
            "id": 2,
            "date": "2026-07-07",
            "community": "东门社区",
            "leader": "李国庆",
            "score": 100.0,
            "note": None,
        },
        {
            "id": 3,
            "date": "2026-07-10",
            "community": "东门社区",
            "leader": "李国庆",
            "score": 0.0,
            "note": None,
        },
    ]


def test_submit_and_resubmit(city):
    out = ok("submit", "--community", "西街社区", "--report", "survey", "--date", "2026-07-09")
    assert out == "已登记上报（编号 1）：西街社区 2026-07-09 上报问题排查情况。\n"
    out = ok(
        "submit",
        "--community",
        "西街社区",
        "--report",
        "排查",
        "--date",
        "2026-07-12",
        "--note",
        "补报",
    )
    assert out == (
        "已登记上报（编号 2）：西街社区 2026-07-12 上报问题排查情况。"
        "这是今年第 2 次上报此项，时限按最早一次（2026-07-09）计算。\n"
    )
    assert js("submit", "-c", "东门社区", "-r", "selfcheck", "-d", "7-31") == {"id": 3}
    rows = js("due", "--as-of", "2026-07-31", "--deadline", "survey")
    assert rows[1] == {
        "deadline": "survey",
        "date": "2026-07-10",
        "community": "西街社区",
        "status": "on_time",
        "done": "2026-07-09",
        "days": 0,
    }


def test_mechanism_set_list_unset(city):
    assert (
        ok(
            "mechanism",
            "set",
            "--community",
            "西街社区",
            "--name",
            "finance",
            "--date",
            "2026-07-01",
        )
        == "已登记：西街社区建立财务管理制度（2026-07-01）。\n"
    )
    assert (
        ok("mechanism", "set", "-c", "西街社区", "--name", "财务管理制度", "--date", "2026-07-05")
        == "已更正：西街社区的财务管理制度建立日期由 2026-07-01 改为 2026-07-05。\n"
    )
    assert (
        ok("mechanism", "set", "-c", "西街社区", "--name", "finance", "--date", "7-5")
        == "西街社区的财务管理制度已于 2026-07-05 登记，日期不变。\n"
    )
    for name in ("meeting", "liaison", "archive", "supervision", "cleaning"):
        ok("mechanism", "set", "-c", "西街社区", "--name", name, "--date", "2026-06-30")
    ok("mechanism", "set", "-c", "东门社区", "--name", "保洁", "--date", "2026-07-20")
    assert js("mechanism", "list") == [  # registration order
        {
            "community": "西街社区",
            "street": "东城街道",
            "meeting": "2026-06-30",
            "liaison": "2026-06-30",
            "archive": "2026-06-30",
            "finance": "2026-07-05",
            "supervision": "2026-06-30",
            "cleaning": "2026-06-30",
            "count": 6,
        },
        {
            "community": "东门社区",
            "street": "西城街道",
            "meeting": None,
            "liaison": None,
            "archive": None,
            "finance": None,
            "supervision": None,
            "cleaning": "2026-07-20",
            "count": 1,
        },
    ]
    table = ok("mechanism", "list")
    assert "✓ 2026-07-20" in table and "6/6" in table and "1/6" in table
    assert (
        ok("mechanism", "unset", "-c", "东门社区", "--name", "cleaning")
        == "已撤销：东门社区的保洁制度。\n"
    )
    assert js("mechanism", "list", "--street", "西城街道")[0]["count"] == 0


def test_activity_list_timeline(city):
    ok("meeting", "add", "-c", "西街社区", "-d", "2026-06-30", "--attendees", "15")
    ok("meeting", "add", "-c", "西街社区", "-d", "2026-07-02", "--attendees", "20")
    ok(
        "inspect",
        "add",
        "-c",
        "东门社区",
        "-d",
        "2026-07-03",
        "--leader",
        "张建华",
        "--score",
        "88",
    )
    ok("cleanup", "add", "-c", "东门社区", "-d", "2026-07-03", "-p", "300", "--units", "市财政局")
    ok("submit", "-c", "西街社区", "-r", "funds", "-d", "2026-07-09")
    assert listed("activity", "list", "--month", "7") == [
        {
            "date": "2026-07-02",
            "type": "meeting",
            "id": 2,
            "community": "西街社区",
            "attendees": 20,
            "participants": None,
            "units": None,
            "leader": None,
            "score": None,
            "report": None,
            "note": None,
        },
        {
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
        },
        {
            "date": "2026-07-03",
            "type": "inspection",
            "id": 1,
            "community": "东门社区",
            "attendees": None,
            "participants": None,
            "units": None,
            "leader": "张建华",
            "score": 88.0,
            "report": None,
            "note": None,
        },
        {
            "date": "2026-07-09",
            "type": "submission",
            "id": 1,
            "community": "西街社区",
            "attendees": None,
            "participants": None,
            "units": None,
            "leader": None,
            "score": None,
            "report": "funds",
            "note": None,
        },
    ]
    assert len(js("activity", "list")) == 5
    assert len(js("activity", "list", "--year", "2026", "--month", "6")) == 1
    assert [r["type"] for r in js("activity", "list", "--community", "西街社区")] == [
        "meeting",
        "meeting",
        "submission",
    ]
    assert [r["id"] for r in js("activity", "list", "--type", "inspection")] == [1]
    table = ok("activity", "list", "--month", "7")
    for words in (
        "共建委会议",
        "召开共建委会议，参会 20 人",
        "大清扫，参加 300 人；参加单位：市财政局",
        "张建华检查，得分 88",
        "上报经费筹集情况",
    ):
        assert words in table
    assert ok("activity", "list", "--format", "csv").splitlines()[0] == (
        "\ufeffdate,type,id,community,attendees,participants,units,leader,score,report,note,uid"
    )
    assert ok("activity", "list", "--year", "2025") == "没有符合条件的记录。\n"


def test_activity_remove(city):
    ok("meeting", "add", "-c", "西街社区", "-d", "2026-07-02")
    assert (
        ok("activity", "remove", "meeting", "1")
        == "已删除共建委会议（编号 1）：西街社区 2026-07-02。\n"
    )
    assert js("activity", "list") == []
    assert "找不到编号为 1 的共建委会议记录" in refused("activity", "remove", "meeting", "1")


# --- refusals: one Chinese sentence, exit 1, nothing written --------------------------------------


REFUSALS = [
    (["meeting", "add", "-c", "西门社区", "-d", "7-3"], "找不到社区“西门社区”"),
    (["cleanup", "add", "-c", "西门社区", "-d", "7-3", "-p", "10"], "找不到社区“西门社区”"),
    (
        ["inspect", "add", "-c", "西门社区", "-d", "7-3", "--leader", "张建华", "--score", "90"],
        "找不到社区“西门社区”",
    ),
    (["submit", "-c", "西门社区", "-r", "survey", "-d", "7-3"], "找不到社区“西门社区”"),
    (
        ["mechanism", "set", "-c", "西门社区", "--name", "finance", "-d", "7-3"],
        "找不到社区“西门社区”",
    ),
    (["meeting", "add", "-c", "西街社区", "-d", "7月"], "无法识别日期“7月”"),
    (
        ["cleanup", "add", "-c", "西街社区", "-d", "2026-02-30", "-p", "10"],
        "日期“2026-02-30”不存在",
    ),
    (
        [
            "inspect",
            "add",
            "-c",
            "西街社区",
            "-d",
            "yesterday",
            "--leader",
            "张建华",
            "--score",
            "90",
        ],
        "无法识别日期",
    ),
    (["submit", "-c", "西街社区", "-r", "survey", "-d", "7-32"], "不存在"),
    (["meeting", "add", "-c", "西街社区", "-d", "2026-08-01"], "晚于今天（2026-07-31）"),
    (["cleanup", "add", "-c", "西街社区", "-d", "8-1", "-p", "10"], "晚于今天"),
    (
        [
            "inspect",
            "add",
            "-c",
            "西街社区",
            "-d",
            "2027-07-01",
            "--leader",
            "张建华",
            "--score",
            "90",
        ],
        "晚于今天",
    ),
    (["submit", "-c", "西街社区", "-r", "survey", "-d", "2026-08-01"], "晚于今天"),
    (["mechanism", "set", "-c", "西街社区", "--name", "finance", "-d", "2026-08-01"], "晚于今天"),
    (
        ["inspect", "add", "-c", "西街社区", "-d", "7-3", "--leader", "张建华", "--score", "101"],
        "0 到 100",
    ),
    (
        ["inspect", "add", "-c", "西街社区", "-d", "7-3", "--leader", "张建华", "--score", "-1"],
        "0 到 100",
    ),
    (
        [
            "inspect",
            "add",
            "-c",
            "西街社区",
            "-d",
            "7-3",
            "--leader",
            "张建华",
            "--score",
            "100.01",
        ],
        "0 到 100",
    ),
    (
        ["inspect", "add", "-c", "西街社区", "-d", "7-3", "--leader", "张建华", "--score", "nan"],
        "0 到 100",
    ),
    (
        ["inspect", "add", "-c", "西街社区", "-d", "7-3", "--leader", "张建华", "--score", "优秀"],
        "得分应为 0 到 100 之间的数，现为“优秀”",
    ),
    (
        ["inspect", "add", "-c", "西街社区", "-d", "7-3", "--leader", " ", "--score", "90"],
        "--leader",
    ),
    (
        ["cleanup", "add", "-c", "西街社区", "-d", "7-3", "--participants", "-5"],
        "参加人数不能为负数（现为 -5）",
    ),
    (["cleanup", "add", "-c", "西街社区", "-d", "7-3", "--participants=-5"], "参加人数不能为负数"),
    (
        ["cleanup", "add", "-c", "西街社区", "-d", "7-3", "-p", "many"],
        "参加人数应为整数，现为“many”",
    ),
    (
        ["meeting", "add", "-c", "西街社区", "-d", "7-3", "--attendees", "2.5"],
        "参会人数应为整数，现为“2.5”",
    ),
    (["cleanup", "add", "-c", "西街社区", "-d", "7-3"], "缺少必需的参数"),
    (["meeting", "add", "-c", "西街社区", "-d", "7-3", "--attendees", "-1"], "参会人数不能为负数"),
    (
        ["cleanup", "add", "-c", "西街社区", "-d", "7-3", "-p", "10", "--units", "交通局,城建局"],
        "找不到单位“城建局”",
    ),
    (["submit", "-c", "西街社区", "-r", "budget", "-d", "7-3"], "上报事项“budget”无效"),
    (
        ["mechanism", "set", "-c", "西街社区", "--name", "parking", "-d", "7-3"],
        "长效机制“parking”无效",
    ),
    (["mechanism", "unset", "-c", "西街社区", "--name", "finance"], "没有登记财务管理制度"),
    (["activity", "remove", "party", "1"], "活动类别“party”无效"),
    (["activity", "list", "--month", "13"], "月份“13”无效"),
    (["activity", "list", "--type", "party"], "活动类别“party”无效"),
    (["activity", "list", "--community", "西门社区"], "找不到社区“西门社区”"),
    (["due", "--as-of", "7月"], "无法识别日期"),
    (["due", "--deadline", "assessment"], "时限“assessment”无效"),
    (["due", "--street", "北城街道"], "找不到街道办事处“北城街道”"),
]


@pytest.mark.parametrize(
    "args,message", REFUSALS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_refusals_write_nothing(city, args, message):
    before = db_bytes(city)
    err = refused(*args)
    assert message in err, err
    assert db_bytes(city) == before


def test_double_entries_refused(city):
    ok("meeting", "add", "-c", "西街社区", "-d", "7-3")
    assert "已登记过" in refused("meeting", "add", "-c", "西街社区", "-d", "2026-07-03")
    ok("cleanup", "add", "-c", "西街社区", "-d", "7-3", "-p", "10")
    assert "已登记过" in refused("cleanup", "add", "-c", "西街社区", "-d", "7-3", "-p", "12")


def test_bad_rules_file_refused(city, tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text('[deadlines]\nsurvey = "7-10"\n', encoding="utf-8")
    assert "survey" in refused("due", "--rules", str(bad))


# --- the calendar -------------------------------------------------------------------------------


def _record_july(city):
    ok("submit", "-c", "西街社区", "-r", "survey", "-d", "2026-07-10")  # on the day
    ok("submit", "-c", "东门社区", "-r", "survey", "-d", "2026-07-11")  # the day after
    ok("submit", "-c", "东门社区", "-r", "funds", "-d", "2026-07-01")
    ok("cleanup", "add", "-c", "西街社区", "-d", "2026-07-25", "-p", "50")


def test_due_json_exact(city):
    _record_july(city)
    assert js("due", "--as-of", "2026-07-26") == [
        {
            "deadline": "survey",
            "date": "2026-07-10",
            "community": "东门社区",
            "status": "late",
            "done": "2026-07-11",
            "days": 1,
        },
        {
            "deadline": "survey",
            "date": "2026-07-10",
            "community": "西街社区",
            "status": "on_time",
            "done": "2026-07-10",
            "days": 0,
        },
        {
            "deadline": "funds",
            "date": "2026-07-10",
            "community": "西街社区",
            "status": "missing",
            "done": None,
            "days": 16,
        },
        {
            "deadline": "funds",
            "date": "2026-07-10",
            "community": "东门社区",
            "status": "on_time",
            "done": "2026-07-01",
            "days": 0,
        },
        {
            "deadline": "cleanup",
            "date": "2026-07-25",
            "community": "东门社区",
            "status": "missing",
            "done": None,
            "days": 1,
        },
        {
            "deadline": "cleanup",
            "date": "2026-07-25",
            "community": "西街社区",
            "status": "on_time",
            "done": "2026-07-25",
            "days": 0,
        },
        {
            "deadline": "selfcheck",
            "date": "2026-08-31",
            "community": "西街社区",
            "status": "missing",
            "done": None,
            "days": 36,
        },
        {
            "deadline": "selfcheck",
            "date": "2026-08-31",
            "community": "东门社区",
            "status": "missing",
            "done": None,
            "days": 36,
        },
    ]


def test_due_as_of_before_the_deadline(city):
    _record_july(city)
    rows = js("due", "--as-of", "2026-07-07", "--deadline", "survey")
    assert rows == [
        {
            "deadline": "survey",
            "date": "2026-07-10",
            "community": "西街社区",
            "status": "missing",
            "done": None,
            "days": 3,
        },
        {
            "deadline": "survey",
            "date": "2026-07-10",
            "community": "东门社区",
            "status": "missing",
            "done": None,
            "days": 3,
        },
    ]


def test_due_defaults_to_today(city):
    _record_july(city)
    rows = js("due", "--deadline", "funds")  # today is 2026-07-31
    assert rows[0] == {
        "deadline": "funds",
        "date": "2026-07-10",
        "community": "西街社区",
        "status": "missing",
        "done": None,
        "days": 21,
    }


def test_due_csv(city):
    _record_july(city)
    assert ok("due", "--as-of", "2026-07-26", "--deadline", "cleanup", "--format", "csv") == (
        "\ufeffdeadline,date,community,status,done,days\n"
        "cleanup,2026-07-25,东门社区,missing,,1\n"
        "cleanup,2026-07-25,西街社区,on_time,2026-07-25,0\n"
    )


def test_due_plain_text_grouped(city):
    _record_july(city)
    result = run("due", "--as-of", "2026-07-26")
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == "工作时限（截至 2026-07-26）"
    assert "问题排查情况上报（2026-07-10 前）：按时 1，逾期完成 1，未完成 0" in lines
    assert "卫生大清扫（2026-07-25 前）：按时 1，逾期完成 0，未完成 1" in lines
    assert "自查情况上报（2026-08-31 前）：按时 0，逾期完成 0，待完成 2" in lines
    assert lines[-1] == "月度考核：2026-07-25 以后进行（只是日期，不是各社区的任务）。"
    assert any(
        line.split() == ["东门社区", "逾期完成", "2026-07-11", "晚", "1", "天"] for line in lines
    )
    assert any(line.split() == ["东门社区", "未完成", "已逾期", "1", "天"] for line in lines)
    assert any(line.split() == ["西街社区", "待完成", "还剩", "36", "天"] for line in lines)
    assert "\x1b[" not in result.stdout  # no colour codes when not on a terminal


def test_due_rules_file_moves_the_deadlines(city, tmp_path):
    _record_july(city)
    rules = tmp_path / "rules.toml"
    rules.write_text('[deadlines]\nsurvey = "07-11"\n', encoding="utf-8")
    assert js("due", "--as-of", "2026-07-26", "--rules", str(rules)) == [
        {
            "deadline": "survey",
            "date": "2026-07-11",
            "community": "西街社区",
            "status": "on_time",
            "done": "2026-07-10",
            "days": 0,
        },
        {
            "deadline": "survey",
            "date": "2026-07-11",
            "community": "东门社区",
            "status": "on_time",
            "done": "2026-07-11",
            "days": 0,
        },
    ]


def test_due_next_year_starts_afresh(city):
    _record_july(city)
    rows = js("due", "--as-of", "2027-01-05", "--deadline", "survey")
    assert {r["status"] for r in rows} == {"missing"}
    assert {r["date"] for r in rows} == {"2027-07-10"}
    assert {r["days"] for r in rows} == {186}


def test_a_list_imports_back(city, tmp_path):
    ok("cleanup", "add", "-c", "东门社区", "-d", "7-18", "-p", "300", "--units", "市财政局")
    ok("inspect", "add", "-c", "西街社区", "-d", "7-7", "--leader", "张建华", "--score", "92.5")
    book = tmp_path / "大清扫.xlsx"
    ok("cleanup", "list", "--format", "xlsx", "-o", str(book))
    assert ok("cleanup", "import", str(book)) == "新增 0，更新 0，未变 1\n"
    sheet = tmp_path / "检查.csv"
    text = ok("inspect", "list", "--format", "csv", "--headers", "zh")
    sheet.write_text(text.replace(",92.5,", ",95,"), encoding="utf-8")
    before = db_bytes(city)
    message = refused("inspect", "import", str(sheet))
    assert "第 2 行：市级领导检查记录第 1 号（识别码 " in message
    assert "表中的得分与它不同：导入不能修改已登记的记录" in message
    assert db_bytes(city) == before
