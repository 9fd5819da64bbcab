"""Rendering rows for people (rich tables) and for scripts (CSV, JSON, Markdown).

rich is imported only when a table is printed: it is the slowest import of the tool.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

Column = tuple[str, str]  # (key in the row dict, header shown to people)

CSV_BOM = "\ufeff"  # Excel in China opens UTF-8 CSV correctly only with a BOM


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], keys: Sequence[str], *, bom: bool = True) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(keys)
    for r in rows:
        w.writerow(
            [
                ";".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None else v)
                for v in (r.get(k) for k in keys)
            ]
        )
    return (CSV_BOM if bom else "") + buf.getvalue()


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None) -> str:
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
    return Console(file=target, width=int(os.environ.get("SQJG_WIDTH", "1000")), color_system=None,
                   force_terminal=False, soft_wrap=False, highlight=False, emoji=False)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
          numeric: Sequence[str] = ()) -> Any:
    from rich import box
    from rich.table import Table

    t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", highlight=False)
    for key, header in columns:
        # overflow="fold": unspaced Chinese is folded, never cut with "…".
        t.add_column(header, overflow="fold", justify="right" if key in numeric else "left")
    for r in rows:
        t.add_row(*(cell(r.get(k)) for k, _h in columns))
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
) -> None:
    """Print rows as a table, CSV (English keys, BOM) or JSON (`data` if given, else the rows)."""
    fmt = getattr(fmt, "value", fmt)
    if fmt == "json":
        sys.stdout.write(to_json(rows if data is None else data) + "\n")
    elif fmt == "csv":
        keys = [k for k, _h in columns]
        sys.stdout.write(to_csv(rows, keys))
    elif fmt == "markdown":
        sys.stdout.write(to_markdown(rows, columns, title))
    else:
        if not rows and empty:
            sys.stdout.write(empty + "\n")
            return
        print_renderable(table(rows, columns, title, numeric))


def print_renderable(renderable: Any) -> None:
    """Print a rich renderable; off a terminal, as plain text without trailing padding."""
    if sys.stdout.isatty():
        console().print(renderable)
        return
    buf = io.StringIO()
    console(buf).print(renderable)
    sys.stdout.write("\n".join(line.rstrip() for line in buf.getvalue().split("\n")))
