"""A document as plain text (the cron mail, a file) or drawn by rich on a terminal.

rich is imported only when a table is drawn by it."""

from __future__ import annotations

import io
import sys
from typing import Any

from .document import Document, Lines, Table


def _rich_table(t: Table) -> Any:
    from rich.markup import escape

    from ..render import table

    # Cells are escaped: a description with [brackets] must not be read as rich markup.
    rows = [{k: escape(str(v)) for k, v in r.items() if not k.startswith("_")} for r in t.rows]
    return table(rows, t.columns, None, t.numeric)


def plain_table(t: Table) -> list[str]:
    """The table as rich draws it off a terminal (box.SIMPLE_HEAD: header, a rule, rows), by
    render.plain_lines when it can (rich takes seconds for a city of a thousand communities),
    else by rich itself. Widths are terminal cells, so the columns line up in a mail or a file."""
    from ..render import console, plain_lines

    # The rows' "_class" marks are not columns: plain_lines reads only the columns' keys.
    fast = plain_lines(t.rows, t.columns, None, t.numeric)
    if fast is not None:
        lines = [line.rstrip("\n") for line in fast]
    else:
        buf = io.StringIO()
        console(buf).print(_rich_table(t))
        lines = [line.rstrip() for line in buf.getvalue().split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _paragraphs(doc: Document) -> list[tuple[str, Any]]:
    """The document as (kind, content) paragraphs in reading order, a blank line between two:
    kind "bold" or "plain" with a list of lines, or "table" with a Table. Charts are left out
    (they are for the page)."""
    out: list[tuple[str, Any]] = (
        [("bold", [doc.title]), ("plain", doc.meta)] if doc.meta else [("bold", [doc.title])]
    )
    for sec in doc.sections:
        out.append(("bold", [sec.heading]))
        for b in sec.blocks:
            if isinstance(b, Lines):
                out.append(("plain", [("  • " if b.bullets else "") + line for line in b.lines]))
            elif isinstance(b, Table):
                if b.title:
                    out.append(("plain", [b.title]))
                if not b.rows and b.empty:
                    out.append(("plain", ["  " + b.empty]))
                else:
                    out.append(("table", b))
    return out


def text(doc: Document) -> str:
    """Plain text for a mail or a file: no ANSI codes, no wrapping, CJK columns aligned."""
    parts = []
    for kind, content in _paragraphs(doc):
        lines = plain_table(content) if kind == "table" else content
        parts.append("\n".join(line.rstrip() for line in lines))
    return "\n\n".join(parts) + "\n"


def print_text(doc: Document) -> None:
    """On a terminal: the report with rich's colours at the terminal's width; else plain text."""
    if not sys.stdout.isatty():
        sys.stdout.write(text(doc))
        return
    from rich.text import Text

    from ..render import console

    con = console()
    for i, (kind, content) in enumerate(_paragraphs(doc)):
        if i:
            con.print()
        if kind == "table":
            con.print(_rich_table(content))
        else:
            for line in content:
                con.print(Text(line, style="bold" if kind == "bold" else ""), soft_wrap=True)
