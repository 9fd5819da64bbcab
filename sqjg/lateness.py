"""Published months stay true: an entry dated inside a published month (added or removed) is
refused, or, with `--late --reason`, recorded as a late entry (公布后补录) that check and the
monthly report list.

The guard runs once per command, just before its write transaction commits, over the audit
rows that command wrote: every writer (single adds, imports, voids, score set) is covered by
one query, without each command knowing about publications.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .errors import Conflict, Invalid
from .i18n import _

# audited table -> the column of its date (scores carry year and month instead).
DATED = {
    "fund_entries": "entry_date",
    "meetings": "held_on",
    "cleanups": "held_on",
    "inspections": "inspected_on",
    "submissions": "submitted_on",
    "issue_events": "happened_on",
    # An event taken out of the history by `sqjg undo` changes the day it happened on.
    "undone_events": "happened_on",
}

# The row as inserted, or as it was before a delete (removing a July meeting changes July too).
_ROW = "coalesce(a.after, a.before)"
_DAY = (
    "CASE a.entity "
    + " ".join(f"WHEN '{t}' THEN json_extract({_ROW}, '$.{c}')" for t, c in DATED.items())
    + f" WHEN 'scores' THEN printf('%04d-%02d', json_extract({_ROW}, '$.year'),"
    f" json_extract({_ROW}, '$.month')) END"
)

_IN_PUBLISHED = f"""
SELECT a.id, a.entity, a.entity_id, p.year, p.month, substr({_DAY}, 1, 10) AS day
FROM audit_log a
JOIN publications p ON p.superseded_at IS NULL AND p.scope = 'community'
    AND substr({_DAY}, 1, 7) = printf('%04d-%02d', p.year, p.month)
WHERE a.run_id = ? AND (a.op = 'insert' OR (a.op = 'delete' AND a.entity <> 'scores'))
    AND a.entity IN ({",".join(f"'{t}'" for t in [*DATED, "scores"])})
ORDER BY a.id
"""


def check_reason(late: bool, reason: str | None) -> str | None:
    """The late-entry reason the options give, or None; --late and --reason go together."""
    reason = (reason or "").strip() or None
    if late and reason is None:
        raise Invalid(_("--late 需要同时用 --reason 说明补录的原因。"))
    if reason is not None and not late:
        raise Invalid(_("--reason 只与 --late 同用。"))
    return reason


def guard(conn: sqlite3.Connection, late_reason: str | None) -> None:
    """Refuse the command's entries dated inside a published month, or record them as late."""
    if (
        conn.execute("SELECT 1 FROM publications WHERE superseded_at IS NULL LIMIT 1").fetchone()
        is None
    ):
        return
    (run_id,) = conn.execute("SELECT max(id) FROM command_runs").fetchone()
    hits = conn.execute(_IN_PUBLISHED, (run_id,)).fetchall()
    if not hits:
        return
    if late_reason is None:
        _id, _entity, _eid, year, month, day = hits[0]
        raise Conflict(
            _(
                "{year} 年 {month} 月的结果已经公布，不能再登记该月内（{day}）的记录；确需补录请加 --late --reason 说明原因，公布的排名不变。"
            ).format(year=year, month=month, day=day)
        )
    conn.executemany(
        "INSERT INTO late_entries(audit_id, year, month, reason) VALUES (?, ?, ?, ?)",
        [(h[0], h[3], h[4], late_reason) for h in hits],
    )


def late_entries(
    conn: sqlite3.Connection, year: int | None = None, month: int | None = None
) -> list[dict[str, Any]]:
    """Entries recorded inside a month after it was published, oldest first."""
    where, params = "", ()
    if year is not None and month is not None:
        where, params = " WHERE l.year = ? AND l.month = ?", (year, month)
    rows = conn.execute(
        f"SELECT l.year, l.month, a.entity, a.entity_id, substr({_DAY}, 1, 10), l.reason,"
        " r.at, r.user, r.argv"
        " FROM late_entries l JOIN audit_log a ON a.id = l.audit_id"
        f" LEFT JOIN command_runs r ON r.id = a.run_id{where} ORDER BY l.id",
        params,
    ).fetchall()
    keys = ("year", "month", "entity", "entity_id", "date", "reason", "at", "user", "command")
    return [dict(zip(keys, r)) for r in rows]
