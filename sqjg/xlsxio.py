"""Writing workbooks (--format xlsx) with openpyxl: Chinese headers, a frozen header row, columns
as wide as their Chinese text, dates as dates, yuan as numbers with two decimals, and every text
(codes included) a plain string cell, never a formula."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .i18n import _

Column = tuple[str, str]  # (key in the row dict, header shown to people)

YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a CJK (wide) character takes two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _cell_value(key: str, value: Any, money: set[str]) -> tuple[Any, str | None]:
    """(value, number format) for one cell."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return (_("是") if value else _("否")), None
    if isinstance(value, (list, tuple)):
        return _("、").join(str(v) for v in value), None
    if key in money or key.endswith("_yuan"):
        try:
            return round(float(str(value).replace(",", "")), 2), YUAN_FORMAT
        except ValueError:
            return str(value), None
    if isinstance(value, date):
        return value, DATE_FORMAT
    if _is_iso_date(value):
        return date.fromisoformat(value), DATE_FORMAT
    if isinstance(value, (int, float)) and key not in ("code",):
        return value, None
    return str(value), None


def write_workbook(
    path: str | Path,
    sheets: Sequence[tuple[str, Sequence[Column], Sequence[dict[str, Any]]]],
    *,
    money: Sequence[str] = (),
) -> None:
    """Write one sheet per (title, columns, rows); the file is written whole or not at all."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only: rows stream into the file instead of a model of every cell (the monthly
    # report of a 6,000-community city was 2.4x the text report's time in the normal mode).
    book = Workbook(write_only=True)
    used: set[str] = set()
    money_keys = set(money)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        ws = book.create_sheet(_sheet_title(title, used))
        widths = [text_width(h) for _k, h in columns]
        # A write-only sheet takes its column widths before its first row, so the rows are
        # converted (and measured) first.
        converted = []
        for row in rows:
            cells: list[Any] = []
            for c, (key, _h) in enumerate(columns):
                value, number_format = _cell_value(key, row.get(key), money_keys)
                if number_format or (isinstance(value, str) and value.startswith("=")):
                    cell = WriteOnlyCell(ws, value=value)
                    if isinstance(value, str):
                        # openpyxl stores a text starting with "=" as a formula; a plain string
                        # cell keeps "=HYPERLINK(…)" a description instead of a live link.
                        cell.data_type = "s"
                    if number_format:
                        cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(value)
                shown = "0000-00-00" if number_format == DATE_FORMAT else str(value or "")
                w = text_width(shown.split("\n", 1)[0])
                if w > widths[c]:
                    widths[c] = w
            converted.append(cells)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(w + 2, 60)
        ws.freeze_panes = "A2"
        header = []
        for _k, h in columns:
            cell = WriteOnlyCell(ws, value=h)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for cells in converted:
            ws.append(cells)
    import io

    from .reports.atomic import write_atomic

    # Built in memory and written like every other output: atomic, owner-only, never through a
    # symlink at the target.
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel refuses sheet names over 31 characters or with []:*?/\ and duplicate names.
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "Sheet"
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]}({n})"
        n += 1
    used.add(name)
    return name
