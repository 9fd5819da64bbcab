"""Undoing a person's last command (撤销), whole, from the audit trail.

Every write of a command is an audit row under the command's run (command_runs), with the row
before and after. Undoing the run applies them backwards: an inserted row is deleted, an updated
row gets its old values back, a deleted row is put back with its id. The undo is itself a run,
so its writes are audited like any other, and `undos` remembers which run it reverted.

Three kinds of record are on hash chains and are never rewritten, so commands that wrote them are
refused or reverted by appending: a funds entry is corrected by `fund void`, a publication by
publishing again with --force. An issue's handling event (resolve, verify, notify, extend,
reassign, cancel) stays on its chain and is named in undone_events, which takes it out of the
issue's history and its intervals (sqjg.issues.undo_events). An issue *created* by the command
is cancelled (作废) with a reason naming the undone command: kept, never counted, as
`issue cancel` would leave it (its create event is what every history starts with). The photos
a command linked to an issue are unlinked (links are audited from schema version 12 on: a
command recorded before the upgrade keeps its photos), and an image no issue shows any more is
deleted; image bytes are not in the audit trail, so the person's own file is the copy left.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .errors import Conflict, NotFound
from .i18n import _

# How many of a person's recent commands `undo --list` shows.
LIST_LIMIT = 10


@dataclass
class Change:
    """One audited write of a command: which row, how, and the row before and after."""

    audit_id: int
    entity: str
    entity_id: int
    op: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class Run:
    """A command someone ran, its writes, and why it cannot be undone (None: it can)."""

    id: int
    at: str
    user: str
    argv: str
    changes: list[Change] = field(default_factory=list)
    undone_by: int | None = None
    reason: str | None = None

    @property
    def handled(self) -> list[int]:
        """Handling events the command recorded: taken out of the history (they stay on the chain)."""
        return [
            c.entity_id
            for c in self.changes
            if c.entity == "issue_events" and c.op == "insert" and not _is_create(c)
        ]

    @property
    def cancels(self) -> list[int]:
        """Issues the command created: undone by cancelling them (their create event stays)."""
        return [
            c.after["issue_id"]
            for c in self.changes
            if c.entity == "issue_events" and _is_create(c) and c.after
        ]


def _runs_of(
    conn: sqlite3.Connection, user: str, limit: int, below: int | None
) -> list[tuple[int, str, str, str, int | None]]:
    """The user's newest runs that wrote something, undo runs left out, newest first."""
    return conn.execute(
        "SELECT r.id, r.at, r.user, r.argv, u.undo_run_id FROM command_runs r"
        " LEFT JOIN undos u ON u.run_id = r.id"
        " WHERE r.user = ? AND r.id < ?"
        " AND EXISTS (SELECT 1 FROM audit_log a WHERE a.run_id = r.id)"
        " AND r.id NOT IN (SELECT undo_run_id FROM undos)"
        " ORDER BY r.id DESC LIMIT ?",
        (user, below if below is not None else 1 << 62, limit),
    ).fetchall()


def _changes(conn: sqlite3.Connection, run_id: int) -> list[Change]:
    """The run's writes, one per row: a compact audit row (a bulk import audited as one row
    per table) stands for each of the rows it covers, as they are now."""
    out = []
    for a, e, i, op, b, f in conn.execute(
        "SELECT id, entity, entity_id, op, before, after FROM audit_log"
        " WHERE run_id = ? ORDER BY id",
        (run_id,),
    ).fetchall():
        before, after = json.loads(b) if b else None, json.loads(f) if f else None
        covered = _compact_ids(op, after)
        if covered is None:
            out.append(Change(a, e, i, op, before, after))
            continue
        cur = conn.execute(
            f"SELECT * FROM {e} WHERE id BETWEEN ? AND ? ORDER BY id", (covered[0], covered[1])
        )
        names = [d[0] for d in cur.description]
        now = {row[0]: dict(zip(names, row)) for row in cur}
        # A row gone since was removed by a later command, which the later-change check finds.
        out += [
            Change(a, e, n, "insert", None, now.get(n)) for n in range(covered[0], covered[1] + 1)
        ]
    return out


def _compact_ids(op: str, after: dict[str, Any] | None) -> tuple[int, int] | None:
    """First and last id of the appended rows a compact audit row stands for ({"rows": N,
    "first_id", "last_id", ...}); None for the audit row of one row."""
    if op != "insert" or not after or not {"rows", "first_id", "last_id"} <= set(after):
        return None
    if "id" in after:  # a row of an audited table that happens to have such columns
        return None
    return int(after["first_id"]), int(after["last_id"])


def recent(conn: sqlite3.Connection, user: str, *, below: int | None = None) -> list[Run]:
    """The user's recent commands, newest first, each with whether it can be undone."""
    out = []
    for run_id, at, who, argv, undone_by in _runs_of(conn, user, LIST_LIMIT, below):
        run = Run(run_id, at, who, argv, _changes(conn, run_id), undone_by)
        run.reason = _reason(conn, run)
        out.append(run)
    return out


def last(conn: sqlite3.Connection, user: str, *, below: int | None = None) -> Run:
    """The user's last command not yet undone, with the reason it cannot be undone, if any."""
    for run_id, at, who, argv, undone_by in _runs_of(conn, user, LIST_LIMIT * 100, below):
        if undone_by is None:
            run = Run(run_id, at, who, argv, _changes(conn, run_id))
            run.reason = _reason(conn, run)
            return run
    raise NotFound(
        _("没有可撤销的命令：用户 {user} 还没有运行过改动数据的命令（或都已撤销）。").format(
            user=user
        )
    )


def _reason(conn: sqlite3.Connection, run: Run) -> str | None:
    """Why this run cannot be undone now, as one sentence; None when it can."""
    if run.undone_by is not None:
        return _("已由命令 #{undo} 撤销。").format(undo=run.undone_by)
    entities = {c.entity for c in run.changes}
    from .schema import AUDITED

    if not entities <= set(AUDITED):
        # check --repair-triggers records the schema objects it re-created (sqlite_master).
        return _("它重建了数据库的触发器或索引，这不是数据的改动，不能撤销。")
    if "publications" in entities:
        return _(
            "它公布了考评结果，公布的结果不能撤销；要改正请重新计算后用 sqjg rank --publish --force 重新公布。"
        )
    if "fund_entries" in entities:
        return _(
            "它登记了经费记录，经费账不能撤销；登错的记录请用 sqjg fund void 编号 --reason 原因 冲销。"
        )
    touched = json.dumps(sorted({(c.entity, c.entity_id) for c in run.changes}))
    later = conn.execute(
        "SELECT a.run_id, r.argv, r.user, a.entity, a.entity_id"
        " FROM (SELECT json_extract(value, '$[0]') AS entity, json_extract(value, '$[1]') AS"
        " entity_id FROM json_each(?)) b"
        " JOIN audit_log a ON a.entity = b.entity AND a.entity_id = b.entity_id AND a.run_id > ?"
        " JOIN command_runs r ON r.id = a.run_id"
        # A command undone since, and the undo that reverted it, left the records as they were.
        " WHERE a.run_id NOT IN (SELECT run_id FROM undos UNION SELECT undo_run_id FROM undos)"
        " ORDER BY a.id LIMIT 1",
        (touched, run.id),
    ).fetchone()
    if later is not None:
        later_run, argv, who, entity, entity_id = later
        return _(
            "之后的命令 #{run}（{user}：{argv}）又改动了同一条记录（{entity} {id}），撤销会丢掉它的改动。"
        ).format(run=later_run, user=who, argv=argv, entity=label(entity), id=entity_id)
    dependant = _dependant(conn, run)
    if dependant is not None:
        child, child_id, entity, entity_id = dependant
        return _(
            "之后登记的记录（{child} {child_id}）引用了它新增的 {entity} {id}，不能删除。"
        ).format(child=label(child), child_id=child_id, entity=label(entity), id=entity_id)
    return None


def label(table: str) -> str:
    """A table's name in the words of the people reading the audit trail."""
    from .safety import ENTITY_LABELS

    return _(ENTITY_LABELS[table]) if table in ENTITY_LABELS else table


def _is_create(change: Change) -> bool:
    return change.op == "insert" and (change.after or {}).get("event") == "create"


def _references(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """table -> [(child table, column)] of every foreign key that points at its id."""
    out: dict[str, list[tuple[str, str]]] = {}
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    for child in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({child})"):
            parent, column = fk[2], fk[3]
            out.setdefault(parent, []).append((child, column))
    return out


def _deleted(run: Run) -> set[tuple[str, int]]:
    """The rows the undo deletes: those the command inserted, except the issues it cancels."""
    cancelled = set(run.cancels)
    return {
        (c.entity, c.entity_id)
        for c in run.changes
        if c.op == "insert"
        and c.entity != "issue_events"
        and not (c.entity == "issues" and c.entity_id in cancelled)
    }


def _dependant(conn: sqlite3.Connection, run: Run) -> tuple[str, int, str, int] | None:
    """A row outside the undo that refers to a row the undo would delete."""
    deleted = _deleted(run)
    by_table: dict[str, list[int]] = {}
    for entity, entity_id in deleted:
        by_table.setdefault(entity, []).append(entity_id)
    refs = _references(conn)
    for entity, ids in sorted(by_table.items()):
        # One pass per referring column, however many rows the command added (an import).
        for child, column in refs.get(entity, []):
            for child_id, parent_id in conn.execute(
                f"SELECT rowid, {column} FROM {child}"
                f" WHERE {column} IN (SELECT value FROM json_each(?)) ORDER BY rowid",
                (json.dumps(ids),),
            ):
                if (child, child_id) not in deleted:
                    return child, child_id, entity, parent_id
    return None


def undo(conn: sqlite3.Connection, run_id: int, user: str) -> Run:
    """Revert run `run_id`, which must still be the user's last command and undoable (inside the
    undo's own write transaction, whose run is the newest)."""
    from .issues import cancel_issues, undo_events

    (this_run,) = conn.execute("SELECT max(id) FROM command_runs").fetchone()
    run = last(conn, user, below=this_run)
    if run.id != run_id:
        raise Conflict(
            _(
                "确认期间又有命令改动了数据库，要撤销的已不是命令 #{run}；请重新运行 sqjg undo。"
            ).format(run=run_id)
        )
    if run.reason is not None:
        raise Conflict(_("不能撤销命令 #{run}：{reason}").format(run=run.id, reason=run.reason))
    cancelled = set(run.cancels)
    try:
        for c in reversed(run.changes):
            if c.entity == "issue_events" or (c.entity == "issues" and c.entity_id in cancelled):
                continue
            if c.op == "insert":
                conn.execute(f"DELETE FROM {c.entity} WHERE id = ?", (c.entity_id,))
            elif c.op == "update":
                _restore(conn, c.entity, c.entity_id, c.before or {})
            else:
                _put_back(conn, c.entity, c.before or {})
        _drop_unlinked_photos(conn, run)
        if run.handled:
            undo_events(conn, run.handled)
        if cancelled:
            cancel_issues(
                conn,
                sorted(cancelled),
                reason=_("撤销命令 #{run}：{argv}").format(run=run.id, argv=run.argv),
            )
    except sqlite3.IntegrityError as e:
        raise Conflict(
            _("撤销命令 #{run} 会与之后登记的记录冲突（{error}），未改动任何记录。").format(
                run=run.id, error=e
            )
        ) from None
    conn.execute("INSERT INTO undos(run_id, undo_run_id) VALUES (?, ?)", (run.id, this_run))
    return run


def _drop_unlinked_photos(conn: sqlite3.Connection, run: Run) -> None:
    """The images whose links the undo removed, once no issue shows them any more.

    A photo is stored once per content and kept out of the audit trail (its bytes); the links
    are audited and undone above. An image nothing links to is only a person's picture left in
    the file, so it goes with its last link."""
    ids = sorted(
        {
            c.after["photo_id"]
            for c in run.changes
            if c.entity == "issue_photos" and c.op == "insert" and c.after
        }
    )
    if ids:
        conn.execute(
            "DELETE FROM photos WHERE id IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM issue_photos ip WHERE ip.photo_id = photos.id)",
            (json.dumps(ids),),
        )


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _restore(conn: sqlite3.Connection, table: str, row_id: int, before: dict[str, Any]) -> None:
    # updated_at says when the row last changed, and the undo changes it now.
    cols = [k for k in before if k in _columns(conn, table) and k not in ("id", "updated_at")]
    sets = ", ".join(f"{k} = ?" for k in cols)
    conn.execute(
        f"UPDATE {table} SET {sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
        (*(before[k] for k in cols), row_id),
    )


def _put_back(conn: sqlite3.Connection, table: str, before: dict[str, Any]) -> None:
    cols = [k for k in before if k in _columns(conn, table)]
    conn.execute(
        f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        tuple(before[k] for k in cols),
    )
