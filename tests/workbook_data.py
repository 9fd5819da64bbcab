"""The rows of the workbook fixtures, typed as a spreadsheet holds them (dates as dates, codes and
categories as numbers), shared by the tests and by tests/data/make_workbooks.py."""

from datetime import date

TITLE = "2026年7月问题排查表"
SHEET = "排查表"
SURVEY_HEADER = [
    "问题",
    "社区",
    "小区",
    "地点",
    "类别",
    "责任单位",
    "整改时限",
    "发现日期",
    "类型",
    "严重",
]
SURVEY_ROWS = [
    ["楼道堆物", "西街社区", "梧桐苑", "3号楼", 1, None, date(2026, 7, 10), date(2026, 7, 1), "乱堆乱放", "否"],
    ["路面破损", "西街社区", None, "解放路", 4, "环卫处", date(2026, 7, 20), date(2026, 7, 2), "路面破损", "是"],
    ["乱倒垃圾", "东门社区", "向阳小区", None, 3, None, date(2026, 7, 31), date(2026, 7, 3), None, "否"],
]  # fmt: skip

UNIT_SHEET = "名录"
UNIT_HEADER = ["名称", "类型", "所属街道", "所属社区", "是否牵头", "区划代码"]
UNIT_ROWS = [
    ["南城街道", "street", None, None, None, 341102001000],
    ["南湖社区", "community", "南城街道", None, None, 341102001001],
    ["市教育局", "unit", None, "南湖社区", "是", None],
]  # fmt: skip


def csv_text(header, rows) -> str:
    """The CSV twin of a sheet, as a person would type it."""

    def cell(v):
        return "" if v is None else (v.isoformat() if isinstance(v, date) else str(v))

    return "\n".join(",".join(cell(v) for v in row) for row in [header, *rows]) + "\n"
