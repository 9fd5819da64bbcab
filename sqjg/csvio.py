"""Reading survey sheets, registers and ledgers: CSV saved by Excel (UTF-8 with or without BOM,
GB18030/GBK) and workbooks (.xlsx, .xls, .ods), told apart by the file's content, not its name."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import Invalid
from .i18n import _
from .render import FORMULA_LEADS

ENCODINGS = ("utf-8-sig", "gb18030")


# Whitespace (what str.strip removes, line breaks aside) at the start or end of an unquoted cell.
_EDGE_SPACE = re.compile(r"(?m)^[^\S\r\n]|[^\S\r\n](?:,|\r|$)|[,\r][^\S\r\n]")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class Where(int):
    """A row's line number (an int, so "第 {line} 行" and sorting keep working) that also knows,
    for a workbook, the sheet and each column's letter, so an error can point at the cell."""

    sheet: str | None
    letters: dict[str, str]

    def __new__(cls, line: int, sheet: str | None = None, letters: dict[str, str] | None = None):
        obj = super().__new__(cls, line)
        obj.sheet = sheet
        obj.letters = letters or {}
        return obj

    def at(self, key: str | None = None) -> str:
        """ "第 7 行" for a CSV; "工作表“排查表”第 7 行 E 列" for a workbook cell."""
        if self.sheet is None:
            return _("第 {line} 行").format(line=int(self))
        letter = self.letters.get(key or "")
        if letter:
            return _("工作表“{sheet}”第 {line} 行 {column} 列").format(
                sheet=self.sheet, line=int(self), column=letter
            )
        return _("工作表“{sheet}”第 {line} 行").format(sheet=self.sheet, line=int(self))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def unescape(value: str) -> str:
    """Take off the ' that an export put before a formula-leading text."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_LEADS:
        return value[1:]
    return value


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode a file's bytes: the given encoding, else UTF-8 (BOM or not), else GB18030 (a superset of GBK)."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise Invalid(_("不认识的编码“{encoding}”。").format(encoding=encoding)) from None
        except UnicodeDecodeError:
            raise Invalid(_("文件不是 {encoding} 编码。").format(encoding=encoding)) from None
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise Invalid(_("无法识别文件编码：请另存为 UTF-8 或 GBK 格式的 CSV。"))


def is_workbook(data: bytes) -> bool:
    """An .xlsx or .ods (a zip) or an .xls (an OLE compound file), whatever the file is called."""
    return data.startswith(_ZIP) or data.startswith(_OLE)


def _header_key(aliases: dict[str, str], name: str) -> str | None:
    return aliases.get(name.lower()) or aliases.get(name)


class Table:
    """A sheet read by column position: `keys` (canonical, in the file's column order), `rows`
    (each a list of stripped, unescaped cells, one per key) and `lines` (each row's line number
    as the file or Excel shows it). `where(i)` is row i's Where, made only for a row in error."""

    __slots__ = ("keys", "rows", "lines", "sheet", "letters")

    def __init__(
        self,
        keys: list[str],
        rows: list[list[str]],
        lines: list[int],
        sheet: str | None = None,
        letters: dict[str, str] | None = None,
    ) -> None:
        self.keys, self.rows, self.lines = keys, rows, lines
        self.sheet, self.letters = sheet, letters or {}

    def where(self, i: int) -> Where:
        return Where(self.lines[i], self.sheet, self.letters)


def read_rows(
    path: str | Path,
    aliases: dict[str, str],
    encoding: str | None = None,
    sheet: str | None = None,
) -> tuple[list[str], list[tuple[Where, dict[str, str]]]]:
    """Read a CSV file or a workbook sheet into (canonical header, [(row, {column: value})]).

    `aliases` maps every accepted header spelling (English or Chinese) to its canonical key;
    unknown columns are refused so a typo in a header never silently drops a column.
    """
    table = read_table(path, aliases, encoding, sheet)
    keys = table.keys
    return keys, [(table.where(i), dict(zip(keys, row))) for i, row in enumerate(table.rows)]


def _unescape_all(rows: list[list[str]]) -> None:
    for row in rows:
        for i, v in enumerate(row):
            if v[:1] == "'":
                row[i] = unescape(v)


def read_table(
    path: str | Path,
    aliases: dict[str, str],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Read a CSV file or a workbook sheet by column position (see Table); the checks and
    refusals of read_rows, without a dict and a Where per row."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise Invalid(_("找不到文件：{path}").format(path=p)) from None
    except (IsADirectoryError, PermissionError):
        raise Invalid(_("无法读取文件：{path}").format(path=p)) from None
    if is_workbook(data):
        return _read_workbook(p, data, aliases, sheet)
    if sheet is not None:
        raise Invalid(
            _("--sheet 只用于工作簿（.xlsx、.xls、.ods），{path} 是 CSV 文件。").format(path=p)
        )
    text = decode(data, encoding).replace("\x00", "")
    # strict: a quote left open is an error naming its line, not the rest of the file
    # swallowed silently into one cell.
    start = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise Invalid(_("文件 {path} 是空的或没有表头。").format(path=p))
        keys = []
        for h in header:
            key = _header_key(aliases, h.strip())
            if key is None:
                raise Invalid(_("第 1 行：不认识的列名“{name}”。").format(name=h.strip()))
            if key in keys:
                raise Invalid(_("第 1 行：列“{name}”重复。").format(name=h.strip()))
            keys.append(key)
        width = len(keys)
        # Cells are trimmed; a sheet with no space at any cell's edge (the usual export) skips
        # the pass over every cell (a fifth of reading 100,000 rows).
        trim = '"' in text or _EDGE_SPACE.search(text) is not None
        rows: list[list[str]] = []
        lines: list[int] = []
        start = reader.line_num + 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            cells = list(map(str.strip, record)) if trim else record
            if len(cells) != width:
                if not any(cells):
                    continue
                if len(cells) > width:
                    if any(cells[width:]):
                        raise Invalid(_("第 {line} 行：列数多于表头。").format(line=line))
                    del cells[width:]
                else:
                    cells += [""] * (width - len(cells))
            elif not any(cells):
                continue
            rows.append(cells)
            lines.append(line)
    except csv.Error as e:
        raise Invalid(_csv_error(str(e), start)) from None
    # Only an export escapes cells (a leading '): most sheets need no pass over every cell.
    if "'" in text:
        _unescape_all(rows)
    return Table(keys, rows, lines)


def _csv_error(error: str, line: int) -> str:
    """The csv module's English reason as one Chinese sentence naming where the record began."""
    if "field larger than field limit" in error:
        return _(
            "第 {line} 行起有一个单元格超过 {limit} 个字符的上限（常见原因是引号没有配对）。"
        ).format(line=line, limit=f"{csv.field_size_limit():,}")
    if "unexpected end of data" in error or "EOF" in error:
        return _("第 {line} 行开始的引号没有配对，一直到文件末尾。").format(line=line)
    if "expected after" in error:
        return _('第 {line} 行：引号后面紧跟着别的字符（引号内的引号要写成两个 ""）。').format(
            line=line
        )
    if "NUL" in error or "new-line character seen in unquoted field" in error:
        return _("第 {line} 行：含有不能出现在 CSV 里的字符。").format(line=line)
    return _("第 {line} 行：CSV 格式错误。").format(line=line)


def cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold: dates as ISO dates, whole numbers without
    ".0" (a 12-digit code typed as a number stays 341102000000, never 3.41102E+11)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # 15 significant digits is what Excel keeps; it drops binary noise such as 0.30000000000000004.
        return f"{value:.15g}"
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _open_sheet(p: Path, data: bytes, sheet: str | None):
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as e:
        raise Invalid(_("无法读取工作簿 {path}：{error}").format(path=p, error=e)) from None
    names = book.sheet_names
    if not names:
        raise Invalid(_("工作簿 {path} 里没有工作表。").format(path=p))
    if sheet is None:
        name = names[0]
    elif sheet in names:
        name = sheet
    elif sheet.strip().isdigit() and 1 <= int(sheet) <= len(names):
        name = names[int(sheet) - 1]
    else:
        raise Invalid(
            _("工作簿里没有工作表“{sheet}”：有 {names}（也可写序号 1–{n}）。").format(
                sheet=sheet, names=_("、").join(names), n=len(names)
            )
        )
    try:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as e:
        raise Invalid(_("无法读取工作簿 {path}：{error}").format(path=p, error=e)) from None
    return name, rows


def _read_workbook(p: Path, data: bytes, aliases: dict[str, str], sheet: str | None) -> Table:
    name, grid = _open_sheet(p, data, sheet)
    rows = [[cell_text(v) for v in row] for row in grid]
    # The header is the first row naming a known column: title rows ("2026年7月问题排查表", often a
    # merged cell) and blank rows above it are skipped.
    head = next(
        (i for i, row in enumerate(rows) if any(v and _header_key(aliases, v) for v in row)), None
    )
    if head is None:
        raise Invalid(_("工作表“{sheet}”里找不到表头行。").format(sheet=name))
    columns: list[int] = []
    keys: list[str] = []
    letters: dict[str, str] = {}
    for i, h in enumerate(rows[head]):
        if not h:
            continue
        key = _header_key(aliases, h)
        where = Where(head + 1, name, {"": column_letter(i)})
        if key is None:
            raise Invalid(_("{where}：不认识的列名“{name}”。").format(where=where.at(""), name=h))
        if key in keys:
            raise Invalid(_("{where}：列“{name}”重复。").format(where=where.at(""), name=h))
        keys.append(key)
        columns.append(i)
        letters[key] = column_letter(i)
    named = set(columns)
    out: list[list[str]] = []
    lines: list[int] = []
    for r in range(head + 1, len(rows)):
        row = rows[r]
        if not any(row):
            continue
        for i, v in enumerate(row):
            if v and i not in named:
                where = Where(r + 1, name, {"": column_letter(i)})
                raise Invalid(_("{where}：这一列有内容但没有列名。").format(where=where.at("")))
        out.append([(unescape(row[i]) if i < len(row) else "") for i in columns])
        lines.append(r + 1)
    return Table(keys, out, lines, name, letters)
