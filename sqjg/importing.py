"""What every importer shares: errors said once per distinct reason with the rows they hit, the
all-or-nothing savepoints, and a progress hook the command layer may draw.

Nothing here imports rich: a command passes a `progress(done, total)` callable (clikit draws it
on a terminal), and a domain importer calls it every few hundred rows.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .errors import Conflict, Invalid, NotFound
from .i18n import _

Progress = Callable[[int, int], None]

# How often an importer reports its progress: often enough for a bar to move, rarely enough to
# cost nothing (a call per row would be a tenth of a survey sheet's time).
PROGRESS_EVERY = 500

_ROW_ERRORS = (Invalid, NotFound, Conflict)
_QUOTED = re.compile(r"“([^”]*)”")


def no_progress(done: int, total: int) -> None:
    """The progress of an import nobody watches."""


class Cell:
    """The column of the row being checked: an importer sets `field` before each check, so an
    error in a workbook can name its cell."""

    __slots__ = ("field",)

    def __init__(self, field: str | None = None) -> None:
        self.field = field


class RowErrors:
    """The errors of an import, said once each: rows with the same error (a misspelt community
    on 6,704 rows) make one line naming their rows, not 6,704 identical lines."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str | None, str | None, str], list[Any]] = {}

    def add(self, where: Any, field: str | None, reason: object) -> None:
        sheet = getattr(where, "sheet", None)
        letters = getattr(where, "letters", {})
        letter = letters.get(field or "") if sheet is not None else None
        self._groups.setdefault((sheet, letter, str(reason)), []).append(where)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._groups.values())

    def __bool__(self) -> bool:
        return bool(self._groups)

    @contextmanager
    def check(
        self, where: Any, field: str | None = None, values: dict[str, str] | None = None
    ) -> Iterator[Cell]:
        """Check one row: a refusal inside is recorded against the row (and the cell the importer
        named, else the column whose value the sentence quotes) and the import goes on."""
        cell = Cell(field)
        try:
            yield cell
        except _ROW_ERRORS as e:
            self.add(where, cell.field or quoted_field(str(e), values), e)

    @contextmanager
    def written(
        self,
        conn: sqlite3.Connection,
        where: Any,
        field: str | None = None,
        values: dict[str, str] | None = None,
    ) -> Iterator[Cell]:
        """Like check, for a row written through a domain function: a refused row's writes are
        undone so the rows after it are checked against the database as it would be."""
        conn.execute("SAVEPOINT import_row")
        cell = Cell(field)
        try:
            yield cell
        except _ROW_ERRORS as e:
            conn.execute("ROLLBACK TO import_row")
            conn.execute("RELEASE import_row")
            self.add(where, cell.field or quoted_field(str(e), values), e)
        except BaseException:
            conn.execute("ROLLBACK TO import_row")
            conn.execute("RELEASE import_row")
            raise
        else:
            conn.execute("RELEASE import_row")

    def raise_if_any(self) -> None:
        """Refuse the whole import, every distinct error on its own line."""
        if self:
            raise Invalid(
                _("导入失败，未写入任何记录。有 {n} 行有误：").format(n=len(self))
                + "\n"
                + "\n".join(self.lines())
            )

    def lines(self) -> list[str]:
        out = []
        # In the order of the sheet, whatever order the rows were checked in (units go in
        # parents first).
        groups = sorted(self._groups.items(), key=lambda g: min(int(r) for r in g[1]))
        for (sheet, letter, reason), rows in groups:
            if len(rows) == 1:
                letters = getattr(rows[0], "letters", {})
                field = next((k for k, v in letters.items() if v == letter), None)
                out.append(_("{where}：{reason}").format(where=rows[0].at(field), reason=reason))
                continue
            spans = _spans(sorted({int(r) for r in rows}))
            shown = _("、").join(spans[:10]) + (_("等") if len(spans) > 10 else "")
            where = _("第 {lines} 行（共 {n:,} 行）").format(lines=shown, n=len(rows))
            if sheet is not None:
                where = _("工作表“{sheet}”").format(sheet=sheet) + where
                if letter:
                    where += _(" {column} 列").format(column=letter)
            out.append(_("{where}：{reason}").format(where=where, reason=reason))
        return out


def differing(
    rec: dict[str, str], recorded: dict[str, tuple[Callable[[str], Any], Any]]
) -> list[str]:
    """The columns of a sheet's row that say something else than the record its uid names:
    `recorded` maps a column to (how its cell is read, the record's value). A column the sheet
    lacks says nothing; an empty cell says "none"; a cell its reader refuses differs."""
    differ = []
    for key, (read, value) in recorded.items():
        if key not in rec:
            continue
        text = rec[key].strip()
        if not text:
            same = value in (None, [])
        else:
            try:
                same = read(text) == value
            except _ROW_ERRORS:
                same = False
        if not same:
            differ.append(key)
    return differ


def quoted_field(reason: str, values: dict[str, str] | None) -> str | None:
    """The one column whose value the refusal quotes (找不到社区“翠糊社区” → community), if any:
    errors raised by the add functions name the bad value, not the column it came from."""
    if not values:
        return None
    quoted = set(_QUOTED.findall(reason))
    hits = [k for k, v in values.items() if v and v in quoted]
    if not hits:
        # Dates and numbers are named unquoted ("日期 2026-08-04 晚于今天").
        hits = [
            k
            for k, v in values.items()
            if len(v) > 1 and re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w.-])", reason)
        ]
    return hits[0] if len(hits) == 1 else None


def _spans(numbers: list[int]) -> list[str]:
    """[3, 4, 5, 9] → ["3–5", "9"]."""
    spans: list[str] = []
    start = prev = None
    for n in numbers + [None]:  # type: ignore[list-item]
        if start is not None and (n is None or n != prev + 1):
            spans.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return spans


@contextmanager
def all_or_nothing(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """The import's writes as one savepoint: a refusal anywhere leaves the database as it was,
    even when the caller's transaction goes on."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def counted(records: list, progress: Progress | None) -> Iterator[Any]:
    """The records, reporting progress every PROGRESS_EVERY rows and at the end."""
    tick = progress or no_progress
    total = len(records)
    tick(0, total)
    for n, rec in enumerate(records):
        if n % PROGRESS_EVERY == 0 and n:
            tick(n, total)
        yield rec
    tick(total, total)
