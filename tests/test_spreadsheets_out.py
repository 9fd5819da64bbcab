"""Spreadsheets out: no live formulas in CSV or xlsx, one boolean style, Chinese headers, and an
export → import round trip that adds nothing."""

import json
from datetime import date

import openpyxl
import pytest
from conftest import built_once, db_bytes, ok, refused

from sqjg.render import csv_value

FORMULAS = ['=HYPERLINK("http://example.com","点我")', "+86 门牌", "-2号楼", "@SUM(A1)"]


@pytest.fixture
def sheet(city):
    def build():
        for text in FORMULAS:
            # "--" so that "-2号楼" is the description, not an option.
            ok("issue", "add", "-c", "西街社区", "--category", "1", "--due", "8-10", "--found", "7-1", "--", text)  # fmt: skip
        ok("issue", "add", "路面破损", "-c", "西街社区", "--category", "4", "--unit", "环卫处", "--due", "8-20", "--serious")  # fmt: skip

    built_once("test_spreadsheets_out.sheet", city, build)
    return city


def descriptions() -> list[str]:
    return [r["description"] for r in json.loads(ok("issue", "list", "--format", "json"))]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_lead_is_escaped_in_csv(lead):
    assert csv_value(lead + "1") == "'" + lead + "1"
    assert csv_value(lead + "1", raw=True) == lead + "1"
    assert csv_value(-5) == -5  # a number is not text: nothing to escape


def test_csv_export_escapes_formulas_and_round_trips(sheet, tmp_path):
    out = tmp_path / "out.csv"
    ok("issue", "export", "-o", str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:5]] == [
        '"\'=HYPERLINK(""http://example.com""',
        "'+86 门牌",
        "'-2号楼",
        "'@SUM(A1)",
    ]
    assert lines[5].split(",")[9] == "true"  # one boolean style: true/false
    raw = ok("issue", "export", "--raw").splitlines()
    assert raw[2].startswith("+86 门牌,")
    # Without uids the sheet is new issues, and the escape is taken off again.
    fresh = tmp_path / "fresh.csv"
    fresh.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    assert ok("issue", "import", str(fresh)) == "已导入 5 个问题。\n"
    assert descriptions()[5:] == descriptions()[:5]
    assert descriptions()[:4] == FORMULAS


def test_headers_zh_gives_chinese_columns_and_yes_no(sheet, tmp_path):
    text = ok("issue", "export", "--headers", "zh")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "问题,社区,小区,地点,类别,责任单位,整改时限,发现日期,类型,严重,识别码"
    assert lines[5].split(",")[9] == "是" and lines[2].split(",")[9] == "否"
    out = tmp_path / "zh.csv"
    out.write_text(text, encoding="utf-8")
    assert ok("issue", "import", str(out)) == "新增 0，更新 0，未变 5\n"


def test_xlsx_export_is_typed_safe_and_reads_back(sheet, tmp_path):
    out = tmp_path / "排查表.xlsx"
    assert (
        ok("issue", "export", "--format", "xlsx", "-o", str(out)) == f"已导出 5 个问题到 {out}。\n"
    )
    book = openpyxl.load_workbook(out)
    ws = book["排查表"]
    assert [c.value for c in ws[1]][:4] == ["问题", "社区", "小区", "地点"]
    assert ws.freeze_panes == "A2"
    assert ws["A2"].value == FORMULAS[0] and ws["A2"].data_type == "s"  # text, not a formula
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 7))
    assert ws["G2"].value.date() == date(2026, 8, 10) and ws["G2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].value == 1
    assert ws["J6"].value == "是"
    assert ws.column_dimensions["A"].width >= len('=HYPERLINK("http://example.com","点我")')
    before = db_bytes(sheet)
    assert ok("issue", "import", str(out)) == "新增 0，更新 0，未变 5\n"
    assert descriptions() == [*FORMULAS, "路面破损"]
    assert "--format xlsx 需要用 --output 指定文件" in refused(
        "issue", "export", "--format", "xlsx"
    )
    del before


def test_import_with_uids_updates_through_the_edit_rules(sheet, tmp_path):
    out = tmp_path / "edit.csv"
    ok("issue", "export", "-o", str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    # Move the due date of row 3 ("-2号楼", issue 3) later, and reassign row 5 (issue 5).
    cells = lines[3].split(",")
    cells[6] = "2026-08-30"
    lines[3] = ",".join(cells)
    lines[5] = lines[5].replace(",4,环卫处,", ",3,交通局,")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ok("issue", "import", str(out)) == "新增 0，更新 2，未变 3\n"
    listed = {r["id"]: r for r in json.loads(ok("issue", "list", "--format", "json"))}
    assert listed[3]["due"] == "2026-08-30" and listed[3]["extensions"] == 1
    assert (listed[5]["unit"], listed[5]["category"]) == ("交通局", 3)
    # A changed description is not an edit an import makes; an earlier due date breaks the
    # extension rule. Either way nothing is written.
    before = db_bytes(sheet)
    changed = lines[4]
    lines[4] = changed.replace("'@SUM(A1)", "改了描述")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused("issue", "import", str(out))
    assert "第 5 行：问题 4 的问题与登记的不同：导入只能延期整改时限或改派责任单位。" in message
    lines[4] = changed
    cells[6] = "2026-08-01"
    lines[3] = ",".join(cells)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused("issue", "import", str(out))
    assert "第 4 行：新的整改时限 2026-08-01 应晚于现在的时限 2026-08-30。" in message
    assert db_bytes(sheet) == before
    lines[5] = lines[4]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "第 6 行：识别码“" in refused("issue", "import", str(out))
    assert db_bytes(sheet) == before


def test_unknown_uids_are_new_issues_that_keep_their_uid(sheet, tmp_path, db_path):
    out = tmp_path / "other.csv"
    ok("issue", "export", "-o", str(out))
    text = out.read_text(encoding="utf-8-sig")
    uids = [line.rsplit(",", 1)[1] for line in text.splitlines()[1:]]
    db_path.unlink()
    ok("unit", "add", "东城街道", "--kind", "street")
    ok("unit", "add", "西街社区", "--kind", "community", "--street", "东城街道")
    ok("unit", "add", "交通局", "--kind", "unit", "--community", "西街社区", "--lead")
    ok("unit", "add", "环卫处", "--kind", "department")
    assert ok("issue", "import", str(out)) == "已导入 5 个问题。\n"
    again = tmp_path / "again.csv"
    ok("issue", "export", "-o", str(again))
    assert [
        line.rsplit(",", 1)[1] for line in again.read_text(encoding="utf-8-sig").splitlines()[1:]
    ] == uids
    assert ok("issue", "import", str(again)) == "新增 0，更新 0，未变 5\n"


def unit_list() -> list[dict]:
    return json.loads(ok("unit", "list", "--format", "json"))


def test_unit_export_is_what_unit_import_reads(city, tmp_path, db_path):
    ok("unit", "link", "市人社局", "-c", "东门社区")
    ok("unit", "edit", "东城街道", "--code", "341102001000")
    before = unit_list()
    out = tmp_path / "units.csv"
    assert ok("unit", "export", "-o", str(out)) == f"已导出 13 行到 {out}。\n"
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "name,kind,street,community,lead,secretary,director,liaison,code,note,uid"
    assert [line.rsplit(",", 1)[0] for line in lines if line.startswith("市人社局")] == [
        "市人社局,unit,,西街社区,false,,,,,",
        "市人社局,unit,,东门社区,false,,,,,",
    ]
    assert ok("unit", "import", str(out)) == "新增 0，更新 0，未变 13\n"
    assert unit_list() == before
    # Into an empty database: the same register, uids and all.
    book = tmp_path / "units.xlsx"
    ok("unit", "export", "--format", "xlsx", "-o", str(book))
    db_path.unlink()
    assert ok("unit", "import", str(book)) == "已导入 13 个单位。\n"
    assert unit_list() == before
    ws = openpyxl.load_workbook(book)["单位名录"]
    assert ws["I2"].value == "341102001000" and ws["I2"].data_type == "s"  # a code stays text


def test_unit_import_updates_by_uid(city, tmp_path):
    out = tmp_path / "units.csv"
    ok("unit", "export", "-o", str(out), "--headers", "zh")
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("名称,类型,所属街道,所属社区,是否牵头,书记,主任")
    text = text.replace(
        "西街社区,community,东城街道,,否,王丽,", "西街社区,community,东城街道,,否,李娜,"
    )
    text = text.replace("市财政局,unit,,东门社区,是,", "市财政局,unit,,西街社区,否,")
    out.write_text(text, encoding="utf-8")
    assert ok("unit", "import", str(out)) == "新增 0，更新 2，未变 10\n"
    units = {r["name"]: r for r in unit_list()}
    assert units["西街社区"]["secretary"] == "李娜"
    assert sorted(units["市财政局"]["communities"]) == ["东门社区", "西街社区"]
    text = text.replace("交通局,unit,,西街社区,是,", "交通局,enterprise,,西街社区,是,")
    out.write_text(text, encoding="utf-8")
    assert "导入不能改变类型" in refused("unit", "import", str(out))
