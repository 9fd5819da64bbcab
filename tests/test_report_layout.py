"""The HTML report on a 390-pixel phone and on paper, checked from its structure and style sheet."""

import re
from html.parser import HTMLParser

from test_report import monthly, rules_file, town  # noqa: F401 - fixtures are used by name

from sqjg.i18n import set_language
from sqjg.reports import htmlpage
from sqjg.reports import monthly as monthly_fmt


class _Tree(HTMLParser):
    """Each <table> with the classes of its enclosing elements; each <svg>'s attributes."""

    def __init__(self):
        super().__init__()
        self.stack, self.tables, self.svgs = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([c for _t, c in self.stack])
        if tag == "svg":
            self.svgs.append(a)
        if tag not in ("meta", "br", "rect", "line", "path", "circle", "text", "polyline"):
            self.stack.append((tag, a.get("class", "")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def page(db_path) -> str:
    return htmlpage.page(monthly_fmt.monthly_document(monthly(db_path), charts=True))


def rules(css: str, selector: str) -> str:
    """The declarations of every rule whose selector list names `selector`."""
    # Only the style sheet: `[^{}]+` over the page's body text backtracks quadratically.
    css = css.split("</style>")[0]
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    return " ".join(body for sel, body in found if selector in [s.strip() for s in sel.split(",")])


def test_nothing_is_wider_than_a_390_pixel_phone(town, db_path):  # noqa: F811
    html = page(db_path)
    css = html.split("<style>")[1].split("</style>")[0]
    tree = _Tree()
    tree.feed(html)
    # Every table scrolls inside its own wrapper, and the wrapper is no wider than the page.
    assert tree.tables and all("scroll" in classes for classes in tree.tables)
    assert "overflow-x: auto" in rules(css, ".scroll") and "max-width: 100%" in rules(
        css, ".scroll"
    )
    # Charts scale to the width: a viewBox and no fixed width on the root.
    assert tree.svgs and all("viewbox" in s and "width" not in s for s in tree.svgs)
    assert "width: 100%" in rules(css, "svg")
    # No fixed width anywhere beyond 390 px, except the page's max-width (a maximum, not a width).
    for prop, value, unit in re.findall(
        r"(?<![-\w])(width|min-width)\s*:\s*([\d.]+)(px|mm|cm|pt|in)", css
    ):
        px = float(value) * {"px": 1, "mm": 3.78, "cm": 37.8, "pt": 1.333, "in": 96}[unit]
        assert px <= 390, (prop, value, unit)
    # On a phone the text has side padding, and headers never wrap one character per line.
    phone = css.split("@media screen and (max-width: 600px)")[1].split("@media print")[0]
    assert "padding: 12px 14px" in rules(phone, "body")
    assert "white-space: nowrap" in rules(css, "th")
    # Names stay on one line, and free text keeps a readable measure beside them (a description
    # folded two characters to a line was what a 390-pixel screenshot showed): the table scrolls.
    assert "white-space: nowrap" in rules(css, "td.name")
    assert re.search(r"min-width: \d+em", rules(css, "td.text"))
    board = html.split("四、曝光台")[1].split("</table>")[0]
    assert '<td class="text">' in board and board.count('<td class="name">') >= 4
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_printed_page_numbers_headings_and_fonts(town, db_path):  # noqa: F811
    html = page(db_path)
    assert 'content: "第 " counter(page) " 页 / 共 " counter(pages) " 页"' in html
    printed = html.split("@media print")[1]
    assert "break-after: avoid-page" in rules(printed, ".block > h3")
    assert "break-after: avoid-page" in rules(printed, "section > h2")
    # Each table's heading is in the same block as the table it names.
    assert re.search(r'<div class="block">\n<h3>[^<]+</h3>\n<div class="scroll"><table', html)
    stack = htmlpage.FONT_STACK.split(", ")
    assert stack[:3] == ['"PingFang SC"', '"Hiragino Sans GB"', '"Microsoft YaHei"']
    assert '"Noto Sans CJK SC"' in stack and stack[-1] == "sans-serif"
    set_language("en")
    try:
        english = page(db_path)
    finally:
        set_language("zh")
    assert 'content: "Page " counter(page) " of " counter(pages) ""' in english


def test_a_tie_broken_by_tie_break_is_explained_under_the_ranking():
    rep = {
        "tie_break": ["rectification", "inspection"],
        "items": {
            "items": [
                {"key": "rectification", "name": "问题按期整改"},
                {"key": "inspection", "name": "市级领导检查"},
            ]
        },
        "ranking": [
            {"rank": 1, "community": "西街社区", "score": 90.0},
            {"rank": 2, "community": "东门社区", "score": 78.3},
            {"rank": 3, "community": "南门社区", "score": 78.3},
            {"rank": 4, "community": "北关社区", "score": 70.0},
        ],
    }
    assert monthly_fmt._tie_note(rep) == (
        "东门社区、南门社区总分同为 78.3，按考评办法的 tie_break 依次比较 问题按期整改、市级领导检查 的得分排定先后。"
    )
    # Equal ranks are a tie left standing; without tie_break, or under changed rules, no note.
    rep["ranking"][2]["rank"] = 2
    assert monthly_fmt._tie_note(rep) is None
    rep["ranking"][2]["rank"] = 3
    assert monthly_fmt._tie_note({**rep, "tie_break": []}) is None
    assert monthly_fmt._tie_note({**rep, "rules_changed": True}) is None


def test_monthly_report_as_one_workbook_with_a_sheet_per_section(town, db_path, tmp_path):  # noqa: F811
    import openpyxl
    from conftest import ok, refused

    out = tmp_path / "7月.xlsx"
    assert ok("report", "monthly", "--month", "7", "--year", "2026", "--format", "xlsx", "-o", str(out)) == f"已写入报表：{out}\n"  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "一、排名与奖惩"
    ws = book["一、排名与奖惩"]
    assert [c.value for c in ws[1]] == ["名次", "社区", "街道", "总分", "结果"]
    assert ws["A2"].value == 1 and ws["B2"].value == "西街社区" and ws["D2"].value == 90.0
    assert ws.freeze_panes == "A2"
    assert "--format xlsx 需要用 --output 指定文件" in refused(
        "report", "monthly", "--month", "7", "--year", "2026", "--format", "xlsx"
    )
