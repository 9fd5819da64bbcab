"""What every importer shares: one line per distinct error with its rows (and, in a workbook, the
sheet and column letter), nothing written when any row is bad, and a progress bar on a terminal
only."""

import csv
import json
from datetime import date

import openpyxl
import pytest
from conftest import db_bytes, ok, refused, run

from sqjg import clikit
from sqjg.csvio import Where
from sqjg.importing import RowErrors, quoted_field


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return str(path)


def lines_of(message: str) -> list[str]:
    return message.rstrip("\n").split("\n")


def test_row_errors_group_and_sort_by_the_sheet():
    errors = RowErrors()
    for n in (9, 3, 4, 5):
        errors.add(Where(n), "community", "找不到社区“翠糊社区”，您是不是要找：翠湖社区。")
    errors.add(Where(2), "due", "整改时限不能为空。")
    assert errors.lines() == [
        "第 2 行：整改时限不能为空。",
        "第 3–5、9 行（共 4 行）：找不到社区“翠糊社区”，您是不是要找：翠湖社区。",
    ]
    assert len(errors) == 5


def test_workbook_groups_name_sheet_and_column():
    errors = RowErrors()
    letters = {"community": "B", "due": "E"}
    for n in range(3, 6707):
        errors.add(Where(n, "排查表", letters), "community", "找不到社区“翠糊社区”。")
    errors.add(Where(7000, "排查表", letters), "due", "整改时限不能为空。")
    assert errors.lines() == [
        "工作表“排查表”第 3–6706 行（共 6,704 行） B 列：找不到社区“翠糊社区”。",
        "工作表“排查表”第 7000 行 E 列：整改时限不能为空。",
    ]


def test_the_column_an_error_quotes():
    values = {"community": "西街社去", "date": "2026-08-04", "note": ""}
    assert quoted_field("找不到社区“西街社去”。", values) == "community"
    assert quoted_field("会议日期 2026-08-04 晚于今天（2026-07-31）", values) == "date"
    assert quoted_field("别的错误。", values) is None


def test_unit_import_groups_the_same_error(tmp_path, db_path):
    ok("init")
    rows = [["名称", "类型", "所属社区"], ["东城街道", "街道", ""]]
    rows += [[f"小区{i}", "小区", "西街社去"] for i in range(3)]  # lines 3-5
    rows += [["某单位", "飞船", ""]]  # line 6
    before = db_bytes(db_path)
    err = refused("unit", "import", write_csv(tmp_path / "u.csv", rows))
    assert lines_of(err) == [
        "导入失败，未写入任何记录。有 4 行有误：",
        # The street on line 2 went in first (parents first), so the database is not empty.
        "第 3–5 行（共 3 行）：找不到社区“西街社去”。",
        "第 6 行：类型“飞船”无效：应为 street（街道）、community（社区）、compound（小区）、"
        "unit（共建单位）、department（职能部门）或 enterprise（企业）。",
    ]
    assert db_bytes(db_path) == before


def test_unit_import_names_the_cell_in_a_workbook(city, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "名录"
    ws.append(["名称", "类型", "所属社区"])
    for i in range(3):
        ws.append([f"新小区{i}", "小区", "西街社去"])
    path = tmp_path / "u.xlsx"
    book.save(path)
    err = refused("unit", "import", str(path))
    assert lines_of(err)[1] == (
        "工作表“名录”第 2–4 行（共 3 行） C 列：找不到社区“西街社去”，您是不是要找：西街社区。"
    )


def test_fund_import_groups_errors_and_writes_nothing(city, tmp_path):
    header = ["编号", "日期", "类型", "社区", "来源", "缴款方", "金额"]
    rows = [header, ["a", "2026-07-02", "contribution", "西街社区", "unit", "交通局", "100"]]
    rows += [
        [f"b{i}", "2026-07-03", "contribution", "西街社去", "unit", "交通局", "5"] for i in range(4)
    ]
    rows += [["c", "2026-07-04", "bonus", "西街社区", "", "", "1"]]
    before = db_bytes(city)
    err = refused("fund", "import", write_csv(tmp_path / "f.csv", rows))
    assert lines_of(err) == [
        "导入失败，未写入任何记录。有 5 行有误：",
        "第 3–6 行（共 4 行）：找不到社区“西街社去”，您是不是要找：西街社区。",
        "第 7 行：类型“bonus”无效：应为 contribution、expenditure 或 void。",
    ]
    assert db_bytes(city) == before


def test_cleanup_import_groups_errors_by_cell(city, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "大清扫"
    ws.append(["社区", "日期", "参加人数"])
    ws.append(["西街社区", date(2026, 7, 18), 300])
    for _i in range(3):
        ws.append(["西街社去", date(2026, 7, 18), 20])
    ws.append(["东门社区", date(2026, 8, 18), 20])
    path = tmp_path / "c.xlsx"
    book.save(path)
    before = db_bytes(city)
    err = lines_of(refused("cleanup", "import", str(path)))
    assert err[:2] == [
        "导入失败，未写入任何记录。有 4 行有误：",
        "工作表“大清扫”第 3–5 行（共 3 行） A 列：找不到社区“西街社去”，您是不是要找：西街社区。",
    ]
    assert err[2].startswith("工作表“大清扫”第 6 行 B 列：")
    assert db_bytes(city) == before


# --- progress ---------------------------------------------------------------------------------


def survey(tmp_path, n):
    rows = [["问题", "社区", "类别", "整改时限", "发现日期"]]
    rows += [[f"问题{i}", "西街社区", "1", "8-1", "7-1"] for i in range(n)]
    return write_csv(tmp_path / "survey.csv", rows)


def test_no_progress_off_a_terminal(city, tmp_path, monkeypatch):
    monkeypatch.setattr(clikit, "PROGRESS_AFTER", 0.0)
    result = run("issue", "import", survey(tmp_path, 30))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "已导入 30 个问题。\n"


@pytest.mark.parametrize("after", [0.0, 3600.0])
def test_progress_bar_on_a_terminal(city, tmp_path, monkeypatch, after):
    monkeypatch.setattr(clikit, "stderr_on_terminal", lambda: True)
    monkeypatch.setattr(clikit, "PROGRESS_AFTER", after)
    result = run("issue", "import", survey(tmp_path, 30))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "已导入 30 个问题。\n"
    if after:
        # A quick import draws nothing.
        assert result.stderr == ""
    else:
        assert "导入" in result.stderr and "━" in result.stderr
        assert "30/30" in result.stderr


# --- submit import ----------------------------------------------------------------------------

SUBMISSIONS = [
    ["社区", "上报事项", "日期", "备注"],
    ["西街社区", "survey", "2026-07-08", ""],
    ["东门社区", "funds", "2026-07-09", "补报"],
    ["西街社区", "selfcheck", "2026-07-30", ""],
]


def submissions(conn):
    return conn.execute(
        "SELECT u.name, s.report, s.submitted_on, s.note FROM submissions s"
        " JOIN units u ON u.id = s.community_id ORDER BY s.id"
    ).fetchall()


def test_submit_import_csv_and_its_xlsx_twin(city, tmp_path):
    from conftest import connect, copy_db

    template = copy_db(city, tmp_path / "before.db")
    assert (
        ok("submit", "import", write_csv(tmp_path / "s.csv", SUBMISSIONS)) == "已导入 3 条记录。\n"
    )
    with connect(city) as conn:
        from_csv = submissions(conn)
    assert from_csv == [
        ("西街社区", "survey", "2026-07-08", None),
        ("东门社区", "funds", "2026-07-09", "补报"),
        ("西街社区", "selfcheck", "2026-07-30", None),
    ]
    copy_db(template, city)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "上报"
    ws.append(["2026年7月上报登记"])  # a title row above the header
    ws.append(SUBMISSIONS[0])
    for c, r, d, n in SUBMISSIONS[1:]:
        ws.append([c, r, date.fromisoformat(d), n or None])  # date cells, empty cells
    path = tmp_path / "s.xlsx"
    book.save(path)
    assert ok("submit", "import", str(path), "--sheet", "上报") == "已导入 3 条记录。\n"
    with connect(city) as conn:
        assert submissions(conn) == from_csv


def test_submit_import_refuses_every_bad_row_and_writes_nothing(city, tmp_path):
    rows = [SUBMISSIONS[0], SUBMISSIONS[1]]
    rows += [["西街社去", "survey", "2026-07-08", ""]] * 2 + [["东门社区", "budget", "7-09", ""]]
    before = db_bytes(city)
    err = lines_of(refused("submit", "import", write_csv(tmp_path / "s.csv", rows)))
    assert err[:2] == [
        "导入失败，未写入任何记录。有 3 行有误：",
        "第 3–4 行（共 2 行）：找不到社区“西街社去”，您是不是要找：西街社区。",
    ]
    assert err[2].startswith("第 5 行：上报事项“budget”无效")
    assert db_bytes(city) == before
    assert "表头缺少必需的列：report" in refused(
        "submit", "import", write_csv(tmp_path / "t.csv", [["社区", "日期"], ["西街社区", "7-08"]])
    )


def test_submit_still_records_one_and_names_what_is_missing(city):
    out = ok("submit", "-c", "西街社区", "-r", "survey", "-d", "7-08", "-f", "json")
    assert json.loads(out) == {"id": 1}
    assert refused("submit", "-c", "西街社区") == "缺少必需的参数 --report / -r、--date / -d。\n"
    assert refused("submit", "-c", "西街社区", "-r", "survey") == "缺少必需的参数 --date / -d。\n"


@pytest.mark.parametrize(
    "text",
    [
        "a,b\r\nc,d\r\n",
        "a, b\n",
        "a ,b\n",
        " a,b\n",
        "a,b \r\n",
        "a,b\u3000\n",
        "a,x\r b,y\r",
        '"a ",b\n',
    ],
)
def test_cells_are_trimmed_whatever_the_line_ends(tmp_path, text):
    import csv as csv_module
    import io

    from sqjg.csvio import read_table

    path = tmp_path / "t.csv"
    path.write_text("x,y\n" + text, encoding="utf-8", newline="")
    expected = [
        [c.strip() for c in r]
        for r in csv_module.reader(io.StringIO(text, newline=""))
        if any(c.strip() for c in r)
    ]
    assert read_table(path, {"x": "x", "y": "y"}).rows == expected
