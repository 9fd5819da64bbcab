"""Rendering rows for people (rich tables) and for scripts (CSV, JSON, Markdown).

rich is imported only when a table is printed: it is the slowest import of the tool.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .i18n import _

Column = tuple[str, str]  # (key in the row dict, header shown to people)

CSV_BOM = "\ufeff"  # Excel in China opens UTF-8 CSV correctly only with a BOM


class Output:
    """How data leaves a command, set by the shared output options (clikit.add_output_options):
    --output, --format xlsx, --headers, --raw and --pretty. Reset before every command line."""

    def __init__(self) -> None:
        self.path: str | None = None  # --output
        self.xlsx = False  # --format xlsx: the CSV's rows as a workbook at `path`
        self.sheet = "Sheet1"
        self.zh = False  # --headers zh: Chinese column names and 是/否
        self.raw = False  # --raw: formula-leading text left as it is
        self.pretty = False  # --pretty: indented JSON for people
        self.written = False  # the workbook was written


output = Output()


def to_json(data: Any) -> str:
    """JSON for scripts: one line (Python's fast encoder; indenting falls back to the slow one),
    indented for people with --pretty."""
    return json.dumps(data, ensure_ascii=False, indent=2 if output.pretty else None, default=str)


# Items of a long list encoded together: one call of the fast encoder per thousand rows.
JSON_BATCH = 1000


def json_chunks(data: dict[str, Any]) -> Iterator[str]:
    """to_json(data) in pieces, for a document too big to hold twice: joined, the pieces are
    to_json(data) exactly. Each top-level value, and each thousand items of a long list, is one
    call of the C encoder; the whole document as one string (and its UTF-8 copy) cost a city's
    monthly report more memory than its data. Indented JSON (--pretty) comes in one piece."""
    if output.pretty or not all(type(k) is str for k in data):
        yield to_json(data)
        return
    yield "{"
    for n, (key, value) in enumerate(data.items()):
        yield ("" if n == 0 else ", ") + to_json(key) + ": "
        if type(value) is list and len(value) > JSON_BATCH:
            yield "["
            for start in range(0, len(value), JSON_BATCH):
                batch = to_json(value[start : start + JSON_BATCH])
                # "[a, b]" without its brackets: the items as the whole list would write them.
                yield ("" if start == 0 else ", ") + batch[1:-1]
            yield "]"
        else:
            yield to_json(value)
    yield "}"


def cell(value: Any) -> str:
    if type(value) is str:  # most cells: first, without the isinstance chain
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return _("、").join(str(v) for v in value)
    return str(value)


# What a spreadsheet reads as the start of a formula (OWASP "CSV injection"); csvio takes the ' off.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any, *, raw: bool = False, yes_no: bool = False) -> Any:
    """A value as a CSV cell: booleans in one style, lists joined, and a text that a spreadsheet
    would run as a formula given a leading ' (shown as text, and taken off again on import)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if yes_no:
            return _("是") if value else _("否")
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    if not raw and isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def to_csv(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    *,
    bom: bool = True,
    raw: bool | None = None,
    header: Sequence[str] | None = None,
    yes_no: bool | None = None,
    columns: Sequence[Column] = (),
) -> str:
    """Rows as CSV, English keys unless `header` is given; `raw` leaves formula-leading text as it
    is; `yes_no` writes booleans 是/否 (with Chinese headers) instead of true/false. What is not
    given follows the command line (--raw, --headers zh: the headers of `columns` when Chinese,
    else the shared field names)."""
    if raw is None:
        raw = output.raw
    if yes_no is None:
        yes_no = output.zh
    if header is None and output.zh:
        header = zh_headers(keys, columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header or keys)
    for r in rows:
        w.writerow([csv_value(r.get(k), raw=raw, yes_no=yes_no) for k in keys])
    return (CSV_BOM if bom else "") + buf.getvalue()


def zh_headers(keys: Sequence[str], columns: Sequence[Column] = ()) -> list[str]:
    """Chinese column names (a sheet for the office): the command's own header when it is
    Chinese (it knows what its column means), else the shared name of the field
    (sqjg.fieldnames, Chinese whatever --lang says), else the key."""
    from .fieldnames import FIELD_NAMES

    own = {k: h for k, h in columns if not h.isascii()}
    return [own.get(k) or FIELD_NAMES.get(k) or k for k in keys]


def write_csv(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    *,
    columns: Sequence[Column] = (),
    header: Sequence[str] | None = None,
) -> None:
    """The one writer of a command's CSV: to stdout, or with --format xlsx the same rows as a
    workbook at --output (Chinese headers, typed cells, never a formula)."""
    if output.xlsx:
        from .xlsxio import write_workbook

        names = list(header) if header is not None else zh_headers(keys, columns)
        write_workbook(output.path or "", [(output.sheet, list(zip(keys, names)), rows)])
        output.written = True
        return
    sys.stdout.write(to_csv(rows, keys, header=header, columns=columns))


def to_markdown(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None
) -> str:
    def esc(v: Any) -> str:
        return cell(v).replace("|", "\\|").replace("\n", " ")

    lines = []
    if title:
        lines += [f"### {title}", ""]
    lines.append("| " + " | ".join(h for _k, h in columns) + " |")
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    for r in rows:
        lines.append("| " + " | ".join(esc(r.get(k)) for k, _h in columns) + " |")
    return "\n".join(lines) + "\n"


def console(file: Any = None) -> Any:
    """A rich Console: on a terminal as usual; elsewhere no colour, no 80-column wrapping."""
    from rich.console import Console

    target = file or sys.stdout
    is_tty = hasattr(target, "isatty") and target.isatty() and not isinstance(target, io.StringIO)
    if is_tty:
        return Console(file=target)
    return Console(
        file=target,
        width=int(os.environ.get("SQJG_WIDTH", "1000")),
        color_system=None,
        force_terminal=False,
        soft_wrap=False,
        highlight=False,
        emoji=False,
    )


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    # Text, not markup: a description like "[占道] 门店" must print as written.
    t = Table(
        title=Text(title) if title else None,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        highlight=False,
    )
    for key, header in columns:
        # overflow="fold": unspaced Chinese is folded, never cut with "…".
        t.add_column(Text(header), overflow="fold", justify="right" if key in numeric else "left")
    for r in rows:
        t.add_row(*(Text(cell(r.get(k))) for k, _h in columns))
    return t


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    fmt: str,
    *,
    title: str | None = None,
    data: Any = None,
    numeric: Sequence[str] = (),
    empty: str | None = None,
    priority: Mapping[str, int] | None = None,
    fold: Sequence[str] = (),
) -> None:
    """Print rows as a table, CSV (English keys, BOM), JSON (`data` if given, else the rows),
    Markdown or records (one `字段：值` block per row).

    `priority` and `fold` matter only on a terminal: see `fit_columns` and `terminal_table`.
    """
    fmt = getattr(fmt, "value", fmt)
    if fmt == "record":
        if not rows and empty:
            sys.stdout.write(empty + "\n")
            return
        sys.stdout.write(to_records(rows, columns, title))
    elif fmt == "json":
        sys.stdout.write(to_json(rows if data is None else data) + "\n")
    elif fmt == "csv":
        write_csv(rows, [k for k, _h in columns], columns=columns)
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(rows, columns, title))
    else:
        if not rows and empty:
            sys.stdout.write(empty + "\n")
            return
        if on_terminal():
            terminal_table(rows, columns, title, numeric, priority or {}, fold)
            return
        lines = plain_lines(rows, columns, title, numeric)
        if lines is not None:
            sys.stdout.writelines(lines)
            return
        print_renderable(table(rows, columns, title, numeric))


def to_records(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None
) -> str:
    """One block of `字段：值` lines per row, a blank line between: a wide row read downwards."""
    from rich.cells import cell_len

    width = max((cell_len(h) for _k, h in columns), default=0)
    blocks = [title] if title else []
    for r in rows:
        lines = []
        for key, header in columns:
            pad = " " * (width - cell_len(header)) if "\n" not in header else ""
            lines.append(
                _("{field}{pad}：{value}").format(field=header, pad=pad, value=cell(r.get(key)))
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


class Display:
    """How tables are shown on a terminal, set by the shared --wide and --no-pager options."""

    wide: bool = False
    pager: bool = True


display = Display()


def on_terminal() -> bool:
    """Whether stdout is a person's terminal: the only case where tables are fitted and paged."""
    out = sys.stdout
    return hasattr(out, "isatty") and out.isatty() and not isinstance(out, io.StringIO)


def screen_size() -> tuple[int, int]:
    """Columns and lines of the terminal; SQJG_WIDTH, when set, wins for the columns."""
    import shutil

    cols, lines = shutil.get_terminal_size((80, 24))
    if os.environ.get("SQJG_WIDTH"):
        cols = int(os.environ["SQJG_WIDTH"])
    return cols, lines


def natural_widths(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> dict[str, int]:
    """Each column's width in terminal cells when no cell is wrapped (CJK counts double)."""
    from rich.cells import cell_len

    def longest(text: str) -> int:
        return max((cell_len(line) for line in text.split("\n")), default=0)

    return {
        key: max([longest(header), *(longest(cell(r.get(key))) for r in rows)])
        for key, header in columns
    }


def table_width(widths: Sequence[int]) -> int:
    """box.SIMPLE_HEAD: one space of padding each side of a cell, one rule between columns and an
    edge each side."""
    return sum(widths) + 3 * len(widths) + 1 if widths else 0


def fit_columns(
    columns: Sequence[Column],
    widths: Mapping[str, int],
    screen: int,
    priority: Mapping[str, int],
) -> tuple[list[Column], list[Column]]:
    """The columns kept and the columns left out so that the table fits `screen` cells.

    Priority 0 is never left out (the first column's default); a higher number goes first, and
    among equals the rightmost. Columns left out are then taken back, best first, while they still
    fit: a narrow column need not go because a wide one of the same priority went before it.
    """
    first = columns[0][0] if columns else None

    def rank(key: str) -> int:
        return priority.get(key, 0 if key == first else 1)

    kept = list(columns)
    dropped: list[Column] = []
    order = sorted(
        (c for c in columns if rank(c[0]) > 0),
        key=lambda c: (-rank(c[0]), -columns.index(c)),
    )
    for col in order:
        if table_width([widths[k] for k, _h in kept]) <= screen:
            break
        kept.remove(col)
        dropped.append(col)
    for col in reversed(dropped[:]):
        trial = [c for c in columns if c in kept or c is col]
        if table_width([widths[k] for k, _h in trial]) <= screen:
            kept = trial
            dropped.remove(col)
    return kept, [c for c in columns if c in dropped]


def terminal_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None,
    numeric: Sequence[str],
    priority: Mapping[str, int],
    fold: Sequence[str],
) -> None:
    """A table on a terminal: fitted to the screen by leaving out low-priority columns (named in
    one line under it), or all of it with --wide; through the pager when it is longer or wider
    than the screen. A cell is never wrapped inside: only the `fold` columns (free text such as a
    description) may wrap, and then at spaces first, so names, dates and money stay whole.
    """
    from rich.console import Console

    cols, lines = screen_size()
    widths = natural_widths(rows, columns)
    if display.wide:
        kept, hidden = list(columns), []
    else:
        kept, hidden = fit_columns(columns, widths, cols, priority)
    t = table(rows, kept, title, numeric)
    for col, (key, _h) in zip(t.columns, kept):
        if key not in fold:
            col.no_wrap = True
            col.min_width = widths[key]
    width = max(cols, table_width([widths[k] for k, _h in kept])) if display.wide else cols
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=True, highlight=False, emoji=False)
    con.print(t)
    text = "\n".join(line.rstrip() for line in buf.getvalue().split("\n"))
    if hidden:
        note = _("另有 {n} 列未显示：{names}；加 --wide 显示全部列。").format(
            n=len(hidden), names=_("、").join(h for _k, h in hidden)
        )
        text += note + "\n"
    shown = text.split("\n")
    from rich.cells import cell_len

    too_big = len(shown) > lines or max((cell_len(_strip_ansi(s)) for s in shown), default=0) > cols
    if display.pager and too_big and page(text):
        return
    sys.stdout.write(text)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def page(text: str) -> bool:
    """Show text through the pager as git does ($PAGER, else `less -SRFX`); False when there is
    none to run, so the caller prints it directly."""
    import subprocess

    command = os.environ.get("PAGER")
    if command is None:
        command = "less -SRFX"
    if command.strip() in ("", "cat"):
        return False
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE)
    except OSError:
        return False
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager before the end: not an error
    proc.wait()
    return proc.returncode != 127  # 127: the shell found no such pager


# Text whose width every terminal and rich agree on (printable ASCII, Latin, punctuation, symbols,
# CJK, kana, Hangul, full-width forms). Anything else -- line breaks, control or combining
# characters, emoji -- goes through rich.
_PLAIN = re.compile(
    r"[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2100-\u2bff"
    r"\u3000-\u3029\u3030-\u303f\u3040-\u3098\u309b-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    r"\uff00-\uffef]*"
)


def plain_lines(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> Iterator[str] | None:
    """Exactly what `print_renderable(table(...))` prints off a terminal, made directly and line
    by line (rich takes seconds to lay out a table of a few thousand rows). None when only rich
    can say: line breaks or unusual characters in the text, a table wider than the console, a
    title that would wrap. (box.SIMPLE_HEAD: a blank top edge, the header, a rule, the rows, a
    blank bottom edge; one space of padding each side of a cell and one between columns; widths
    in terminal cells.)

    A report's cells repeat (a community name on every row, the same few statuses and dates):
    each distinct string is measured once, printable ASCII by its length and the rest by rich.
    """
    from rich.cells import cell_len

    width: dict[str, int] = {}  # each distinct cell's width; -1: only rich can lay it out

    def measure(v: str) -> int:
        if v[:1].isspace() or v[-1:].isspace():  # rich trims the space around a cell
            w = -1
        elif v.isascii():
            w = len(v) if v.isprintable() else -1
        else:
            w = cell_len(v) if _PLAIN.fullmatch(v) else -1
        width[v] = w
        return w

    head = [h for _k, h in columns]
    keys = [k for k, _h in columns]
    body = [[cell(r.get(k)) for k in keys] for r in rows]
    widths = [0] * len(columns)
    for values in (head, *body):
        for i, v in enumerate(values):
            w = width.get(v)
            if w is None:
                w = measure(v)
            if w < 0:
                return None
            if w > widths[i]:
                widths[i] = w
    if title and measure(title) < 0:
        return None
    total = sum(w + 2 for w in widths) + len(widths) + 1
    if total > int(os.environ.get("SQJG_WIDTH", "1000")) or (title and width[title] > total):
        return None
    right = [k in numeric for k in keys]

    def line(values: list[str]) -> str:
        cells = [
            " " * (w - width[v]) + v if r else v + " " * (w - width[v])
            for v, w, r in zip(values, widths, right)
        ]
        return ("  " + "   ".join(cells)).rstrip() + "\n"

    def lines() -> Iterator[str]:
        if title:
            yield title + "\n"
        yield "\n"
        yield line(head)
        yield " " + "─" * (total - 2) + "\n"
        for values in body:
            yield line(values)
        yield "\n"

    return lines()


def plain_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    numeric: Sequence[str] = (),
) -> str | None:
    """plain_lines as one string (None when only rich can lay the table out)."""
    lines = plain_lines(rows, columns, title, numeric)
    return None if lines is None else "".join(lines)


def print_renderable(renderable: Any) -> None:
    """Print a rich renderable; off a terminal, as plain text without trailing padding."""
    if sys.stdout.isatty():
        console().print(renderable)
        return
    buf = io.StringIO()
    console(buf).print(renderable)
    sys.stdout.write("\n".join(line.rstrip() for line in buf.getvalue().split("\n")))
