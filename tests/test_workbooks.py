"""Workbooks in: .xlsx, .xls and .ods sheets import exactly what their CSV twins import."""

import json
from pathlib import Path

import openpyxl
import pytest
from conftest import db_bytes, ok, refused
from workbook_data import (
    SHEET,
    SURVEY_HEADER,
    SURVEY_ROWS,
    TITLE,
    UNIT_HEADER,
    UNIT_ROWS,
    UNIT_SHEET,
    csv_text,
)

from sqjg.csvio import Where, cell_text, column_letter, unescape

DATA = Path(__file__).parent / "data"
KEYS = ("description", "community", "compound", "location", "category", "unit", "due", "found")


def issues() -> list[dict]:
    rows = json.loads(ok("issue", "list", "--format", "json"))
    return [{k: r[k] for k in (*KEYS, "kind", "serious")} for r in rows]


def units() -> dict[str, dict]:
    return {r["name"]: r for r in json.loads(ok("unit", "list", "--format", "json"))}


def write_xlsx(path: Path, sheets, *, before: str | None = "说明") -> Path:
    """A workbook as the office keeps one: a merged title row, a blank row, the header starting in
    column B (column A empty), date cells, a blank row among the data, styled empty columns at the
    right; an optional first sheet that is not the data."""
    book = openpyxl.Workbook()
    first = book.active
    if before:
        first.title = before
        first["A1"] = "填表说明：每行一个问题。"
    for name, header, rows in sheets:
        ws = book.create_sheet(name) if before else first
        ws.title = name
        ws["B1"] = TITLE
        ws.merge_cells(start_row=1, start_column=2, end_row=1, end_column=len(header) + 1)
        ws.append([])
        ws.append([None, *header])
        for i, row in enumerate(rows):
            ws.append([None, *row])
            if i == 0:
                ws.append([])
            for c in range(len(header) + 2, len(header) + 5):
                ws.cell(row=ws.max_row, column=c).number_format = "@"
        for r in range(4, ws.max_row + 1):
            for c, v in enumerate(header, start=2):
                if v in ("整改时限", "发现日期"):
                    ws.cell(row=r, column=c).number_format = "yyyy-mm-dd"
    book.save(path)
    return path


@pytest.fixture
def twin(city, tmp_path):
    """The CSV twin imported; returns the issues it made."""
    sheet = tmp_path / "twin.csv"
    sheet.write_text(csv_text(SURVEY_HEADER, SURVEY_ROWS), encoding="utf-8")
    assert ok("issue", "import", str(sheet)) == "已导入 3 个问题。\n"
    return issues()


def test_xlsx_survey_imports_the_same_issues_as_its_csv_twin(twin, tmp_path):
    book = write_xlsx(tmp_path / "survey.xlsx", [(SHEET, SURVEY_HEADER, SURVEY_ROWS)])
    # The data sheet is the second one: by name, by number, and the default (first) is refused.
    assert ok("issue", "import", str(book), "--sheet", SHEET) == "已导入 3 个问题。\n"
    assert issues()[3:] == twin
    assert ok("issue", "import", str(book), "--sheet", "2") == "已导入 3 个问题。\n"
    assert issues()[6:] == twin
    assert "工作表“说明”里找不到表头行" in refused("issue", "import", str(book))


@pytest.mark.parametrize("name", ["survey.xls", "survey.ods"])
def test_xls_and_ods_surveys_import_the_same_issues_as_their_csv_twin(twin, tmp_path, name):
    # Named .dat: the content, not the name, says it is a workbook.
    copy = tmp_path / "survey.dat"
    copy.write_bytes((DATA / name).read_bytes())
    assert ok("issue", "import", str(copy)) == "已导入 3 个问题。\n"
    assert issues()[3:] == twin


def test_twin_rows_are_what_the_sheet_says(twin):
    assert twin[1] == {
        "description": "路面破损",
        "community": "西街社区",
        "compound": None,
        "location": "解放路",
        "category": 4,
        "unit": "环卫处",
        "due": "2026-07-20",
        "found": "2026-07-02",
        "kind": "路面破损",
        "serious": True,
    }


@pytest.mark.parametrize("source", ["xlsx", "survey.xls", "survey.ods"])
def test_unit_register_codes_stay_text(db_path, tmp_path, source):
    if source == "xlsx":
        book = write_xlsx(
            tmp_path / "units.xlsx", [(UNIT_SHEET, UNIT_HEADER, UNIT_ROWS)], before=None
        )
        args = []
    else:
        book = DATA / source
        args = ["--sheet", UNIT_SHEET]
    assert ok("unit", "import", str(book), *args) == "已导入 3 个单位。\n"
    got = units()
    assert got["南城街道"]["code"] == "341102001000"
    assert got["南湖社区"]["code"] == "341102001001"
    assert got["南湖社区"]["street"] == "南城街道"
    assert got["南湖社区"]["lead_unit"] == "市教育局"


def test_workbook_errors_name_sheet_row_and_column(city, tmp_path):
    rows = [list(r) for r in SURVEY_ROWS]
    rows[2][6] = "八月"  # due, column H once the sheet starts in column B
    rows[1][4] = 9  # category, column F
    book = write_xlsx(tmp_path / "bad.xlsx", [(SHEET, SURVEY_HEADER, rows)])
    before = db_bytes(city)
    message = refused("issue", "import", str(book), "--sheet", SHEET)
    assert message.splitlines()[1:] == [
        "工作表“排查表”第 6 行 F 列：类别“9”无效：应为 1（社区/小区）、2（街道）、3（共建单位）或 4（职能部门）。",
        "工作表“排查表”第 7 行 H 列：无法识别日期“八月”：请写成 2026-07-10、7-10 或 7月10日。",
    ]
    assert db_bytes(city) == before


def test_workbook_header_and_sheet_refusals(city, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表1"
    ws.append(["问题", "社区", "类别", "整改时限", None, "备注2"])
    ws.append(["占道", "西街社区", 1, "7-10"])
    path = tmp_path / "h.xlsx"
    book.save(path)
    assert "工作表“表1”第 1 行 F 列：不认识的列名“备注2”" in refused("issue", "import", str(path))
    ws["F1"] = None
    ws["G2"] = "多出来的"
    book.save(path)
    assert "工作表“表1”第 2 行 G 列：这一列有内容但没有列名" in refused(
        "issue", "import", str(path)
    )
    message = refused("issue", "import", str(path), "--sheet", "汇总")
    assert "工作簿里没有工作表“汇总”：有 表1（也可写序号 1–1）" in message
    csv = tmp_path / "s.csv"
    csv.write_text("问题,社区,类别,整改时限\n占道,西街社区,1,7-10\n", encoding="utf-8")
    assert "--sheet 只用于工作簿" in refused("issue", "import", str(csv), "--sheet", "1")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    assert "无法读取工作簿" in refused("issue", "import", str(broken))


def test_fund_import_reads_a_workbook(city, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "台账"
    ws.append(["2026年7月经费台账"])
    ws.append(["编号", "日期", "类型", "社区", "来源", "缴款方", "金额", "用途", "类别"])
    from datetime import date

    ws.append(["a", date(2026, 7, 2), "contribution", "西街社区", "unit", "交通局", 20000])
    ws.append(
        [
            "b",
            date(2026, 7, 5),
            "expenditure",
            "西街社区",
            None,
            None,
            1234.5,
            "清运垃圾",
            "cleaning",
        ]
    )
    path = tmp_path / "ledger.xlsx"
    book.save(path)
    assert ok("fund", "import", str(path)) == "已导入 2 条经费记录。\n"
    entries = json.loads(ok("fund", "list", "--format", "json"))
    assert [(e["date"], e["amount_yuan"]) for e in entries] == [
        ("2026-07-02", 20000),
        ("2026-07-05", 1234.5),
    ]
    ws.append(["c", date(2026, 7, 6), "bonus", "西街社区"])
    book.save(path)
    before = db_bytes(city)
    assert "工作表“台账”第 5 行 C 列：类型“bonus”无效" in refused("fund", "import", str(path))
    assert db_bytes(city) == before


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (341102001000.0, "341102001000"),
        (12.5, "12.5"),
        (0.1 + 0.2, "0.3"),
        (True, "true"),
        (" 占道 ", "占道"),
    ],
)
def test_cell_text(value, text):
    assert cell_text(value) == text


def test_column_letters_and_unescape():
    assert [column_letter(i) for i in (0, 4, 25, 26, 701, 702)] == [
        "A",
        "E",
        "Z",
        "AA",
        "ZZ",
        "AAA",
    ]
    assert unescape("'=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert unescape("'-5") == "-5"
    assert unescape("'好") == "'好"
    assert Where(7).at("due") == "第 7 行"
    assert Where(7, "排查表", {"due": "E"}).at("due") == "工作表“排查表”第 7 行 E 列"


def test_meeting_cleanup_and_inspection_imports(city, tmp_path):
    from datetime import date

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "会议"
    ws.append(["2026年7月共建委会议"])
    ws.append(["社区", "日期", "参会人数", "备注"])
    ws.append(["西街社区", date(2026, 7, 2), 15, "部署共建月"])
    ws.append(["东门社区", date(2026, 7, 3), 12])
    cleanups = book.create_sheet("大清扫")
    cleanups.append(["社区", "日期", "参加人数", "参加单位"])
    cleanups.append(["西街社区", date(2026, 7, 18), 300, "交通局、市人社局"])
    inspections = book.create_sheet("检查")
    inspections.append(["社区", "日期", "检查领导", "得分"])
    inspections.append(["西街社区", date(2026, 7, 3), "张建华", 92.5])
    path = tmp_path / "activities.xlsx"
    book.save(path)
    assert ok("meeting", "import", str(path)) == "已导入 2 条记录。\n"
    assert ok("cleanup", "import", str(path), "--sheet", "大清扫") == "已导入 1 条记录。\n"
    assert ok("inspect", "import", str(path), "--sheet", "3") == "已导入 1 条记录。\n"
    timeline = json.loads(ok("activity", "list", "--format", "json"))
    assert sorted((r["type"], r["community"], r["date"]) for r in timeline) == [
        ("cleanup", "西街社区", "2026-07-18"),
        ("inspection", "西街社区", "2026-07-03"),
        ("meeting", "东门社区", "2026-07-03"),
        ("meeting", "西街社区", "2026-07-02"),
    ]
    # Every bad row is named and nothing is written, not even the good row.
    bad = openpyxl.Workbook()
    bad.active.title = "会议"
    for row in (["社区", "日期"], ["西街社区", date(2026, 7, 20)], ["北门社区", date(2026, 7, 4)], ["西街社区", date(2026, 8, 4)]):  # fmt: skip
        bad.active.append(row)
    bad_path = tmp_path / "bad.xlsx"
    bad.save(bad_path)
    before = db_bytes(city)
    message = refused("meeting", "import", str(bad_path))
    assert message.splitlines()[0] == "导入失败，未写入任何记录。有 2 行有误："
    assert message.splitlines()[1] == (
        "工作表“会议”第 3 行 A 列：找不到社区“北门社区”，您是不是要找：东门社区、西街社区。"
    )
    assert message.splitlines()[2].startswith("工作表“会议”第 4 行 B 列：会议日期 2026-08-04")
    assert db_bytes(city) == before
    assert "表头缺少必需的列：leader、score" in refused("inspect", "import", str(path))
