"""Write the committed .xls and .ods fixtures (run once; the files are small and checked in).

    PYTHONPATH=/path/to/xlwt python tests/data/make_workbooks.py

Each sheet has a merged title row, a blank row, the header, data rows with date cells and number
cells, a blank row between data rows, and formatted-but-empty columns at the right. xlwt is used
only here, to produce a real BIFF8 file; it is not a dependency of sqjg or its tests.
"""

import sys
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from workbook_data import (  # noqa: E402
    SHEET,
    SURVEY_HEADER,
    SURVEY_ROWS,
    TITLE,
    UNIT_HEADER,
    UNIT_ROWS,
    UNIT_SHEET,
)


def sheet_rows(header, rows):
    """Title, blank, header, rows with a blank row after the first."""
    body = [rows[0], [], *rows[1:]]
    return [[TITLE], [], header, *body]


def write_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    boxed = xlwt.easyxf("borders: left thin")
    for name, header, rows in (
        (SHEET, SURVEY_HEADER, SURVEY_ROWS),
        (UNIT_SHEET, UNIT_HEADER, UNIT_ROWS),
    ):
        ws = book.add_sheet(name)
        ws.write_merge(0, 0, 0, len(header) - 1, TITLE)
        for r, row in enumerate(sheet_rows(header, rows)[2:], start=2):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, date):
                    ws.write(r, c, v, day)
                else:
                    ws.write(r, c, v)
            # Formatted but empty cells at the right, as Excel leaves them.
            ws.write(r, len(header) + 1, "", boxed)
    book.save(str(path))


def _ods_cell(v) -> str:
    if v is None:
        return "<table:table-cell/>"
    if isinstance(v, date):
        return f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"><text:p>{v.isoformat()}</text:p></table:table-cell>'
    if isinstance(v, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(v)}</text:p></table:table-cell>'


def write_ods(path: Path) -> None:
    tables = []
    for name, header, rows in (
        (SHEET, SURVEY_HEADER, SURVEY_ROWS),
        (UNIT_SHEET, UNIT_HEADER, UNIT_ROWS),
    ):
        width = len(header)
        xml_rows = [
            f'<table:table-row><table:table-cell table:number-columns-spanned="{width}" office:value-type="string"><text:p>{escape(TITLE)}</text:p></table:table-cell>'
            + "<table:covered-table-cell/>" * (width - 1)
            + "</table:table-row>"
        ]
        for row in sheet_rows(header, rows)[1:]:
            cells = "".join(_ods_cell(v) for v in row) or "<table:table-cell/>"
            xml_rows.append(
                f'<table:table-row>{cells}<table:table-cell table:number-columns-repeated="2"/></table:table-row>'
            )
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(xml_rows)}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        # The mimetype entry comes first and uncompressed: that is how readers recognise an ODS.
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)


if __name__ == "__main__":
    write_xls(HERE / "survey.xls")
    write_ods(HERE / "survey.ods")
