"""Data safety: the audit trail, online backups and the database's health check (建档制度)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from .errors import Conflict, Invalid
from .i18n import N_, _

# The audited tables in the words of the people reading the log.
ENTITY_LABELS = {
    "units": N_("单位"),
    "unit_links": N_("共建关系"),
    "civilized": N_("文明社区"),
    "issues": N_("问题"),
    "issue_events": N_("问题处置"),
    "issue_edits": N_("问题更正"),
    "fund_entries": N_("经费"),
    "meetings": N_("共建委会议"),
    "cleanups": N_("大清扫"),
    "cleanup_units": N_("大清扫参加单位"),
    "inspections": N_("检查"),
    "submissions": N_("上报"),
    "mechanisms": N_("长效机制"),
    "scores": N_("手工评分"),
    "publications": N_("公布"),
    "vetoes": N_("一票否决"),
    "undone_events": N_("撤销的处置记录"),
    "issue_photos": N_("问题照片"),
}


# What `sqjg log --entity` accepts → the tables it covers (the first is the main one; the
# others are its child rows, matched on `parent_key` when --id is given).
ENTITIES: dict[str, tuple[list[str], str | None]] = {
    "unit": (["units", "unit_links"], "unit_id"),
    "issue": (["issues", "issue_events", "issue_photos"], "issue_id"),
    "fund": (["fund_entries"], None),
    "score": (["scores"], None),
    "meeting": (["meetings"], None),
    "cleanup": (["cleanups", "cleanup_units"], "cleanup_id"),
    "inspection": (["inspections"], None),
    "submission": (["submissions"], None),
    "mechanism": (["mechanisms"], None),
    "publication": (["publications"], None),
    "civilized": (["civilized"], None),
}


_FIRST = "json_extract(a.after, '$.first_id')"
_LAST = "json_extract(a.after, '$.last_id')"


def audit_entries(
    conn: sqlite3.Connection,
    *,
    since: str | None = None,
    entity: str | None = None,
    entity_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Audit rows, oldest first: when, who, which command, which row, before and after."""
    where, params = [], []
    if since:
        where.append("r.at >= ?")
        params.append(since)
    if entity:
        if entity not in ENTITIES:
            raise Invalid(
                _("--entity 只能是以下之一：{choices}。").format(choices=_("、").join(ENTITIES))
            )
        tables, parent_key = ENTITIES[entity]
        marks = ",".join("?" * len(tables))
        if entity_id is None:
            where.append(f"a.entity IN ({marks})")
            params += tables
        else:
            cond = "(a.entity = ? AND a.entity_id = ?)"
            params += [tables[0], entity_id]
            if parent_key and len(tables) > 1:
                child = ",".join("?" * (len(tables) - 1))
                cond = (
                    f"({cond} OR (a.entity IN ({child}) AND "
                    f"coalesce(json_extract(a.after, '$.{parent_key}'), json_extract(a.before, '$.{parent_key}')) = ?))"
                )
                params += [*tables[1:], entity_id]
            # A compact audit row (an import, schema.compact_audit) stands for a run of ids: it
            # is the record's insert when the id falls in it, or a child's when one of its rows
            # names the record.
            runs = [f"(a.entity = ? AND ? BETWEEN {_FIRST} AND {_LAST})"]
            params += [tables[0], entity_id]
            if parent_key:
                for child_table in tables[1:]:
                    runs.append(
                        f"(a.entity = ? AND EXISTS (SELECT 1 FROM {child_table} c"
                        f" WHERE c.id BETWEEN {_FIRST} AND {_LAST} AND c.{parent_key} = ?))"
                    )
                    params += [child_table, entity_id]
            cond = f"({cond} OR (json_extract(a.after, '$.rows') IS NOT NULL AND ({' OR '.join(runs)})))"
            where.append(cond)
    elif entity_id is not None:
        raise Invalid(_("--id 需要同时给出 --entity。"))
    sql = (
        # An audit row without a chain link was written with sqjg's triggers dropped: it is not
        # attributed to the command that happened to run last.
        "SELECT a.id, r.at, r.user, r.argv, a.entity, a.entity_id, a.op, a.before, a.after,"
        " r.os_user, l.id IS NULL"
        " FROM audit_log a LEFT JOIN chain_links l ON l.entity = 'audit_log' AND l.entity_id = a.id"
        " LEFT JOIN command_runs r ON r.id = a.run_id AND l.id IS NOT NULL"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id"
    )
    if limit:
        sql = f"SELECT * FROM ({sql.replace(' ORDER BY a.id', ' ORDER BY a.id DESC')} LIMIT {int(limit)}) ORDER BY id"
    out = []
    for row in conn.execute(sql, params):
        before = json.loads(row[7]) if row[7] else None
        after = json.loads(row[8]) if row[8] else None
        out.append(
            {
                "id": row[0],
                "at": row[1],
                "user": row[2],
                "os_user": row[9],
                "outside": bool(row[10]),
                "command": row[3],
                "entity": row[4],
                "entity_id": row[5],
                "op": row[6],
                "before": before,
                "after": after,
                "changes": _changes(before, after),
            }
        )
    return out


def _changes(before: dict | None, after: dict | None) -> dict[str, list[Any]]:
    """Only the fields that differ: {field: [before, after]} (timestamps left out)."""
    keys = set(before or {}) | set(after or {})
    skip = {"updated_at", "created_at"}
    diff = {}
    for k in sorted(keys - skip):
        old = (before or {}).get(k)
        new = (after or {}).get(k)
        if old != new:
            diff[k] = [old, new]
    return diff


def backup(
    conn: sqlite3.Connection, target: str | os.PathLike[str], *, force: bool = False
) -> dict[str, Any]:
    """Copy the database with SQLite's online backup API (safe while others write), then check
    the copy. The copy is written beside the target and renamed into place only when it is whole."""
    dest = Path(target)
    (db_file,) = [r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"]
    if db_file:
        # Overwriting the live database or its -wal/-shm/-journal destroys committed writes.
        aim = os.path.realpath(dest)
        for suffix in ("", "-wal", "-shm", "-journal"):
            if aim == os.path.realpath(db_file + suffix):
                raise Invalid(
                    _(
                        "备份目标 {path} 是数据库本身或它的 -wal/-shm/-journal 文件，不能覆盖。"
                    ).format(path=dest)
                )
    if dest.is_dir():
        raise Invalid(_("备份目标是一个目录：{path}").format(path=dest))
    if not dest.parent.is_dir():
        raise Invalid(_("备份目录不存在：{path}").format(path=dest.parent))
    if dest.exists() and not force:
        raise Conflict(_("文件 {path} 已存在；加 --force 覆盖。").format(path=dest))
    remove_stale_temporaries(dest)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        copy = sqlite3.connect(tmp)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            version = copy.execute("PRAGMA user_version").fetchone()[0]
        finally:
            copy.close()
        if result != "ok":
            raise Invalid(_("备份副本完整性检查未通过：{result}").format(result=result))
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {
        "path": str(dest),
        "bytes": dest.stat().st_size,
        "integrity": "ok",
        "schema_version": version,
    }


def expected_schema() -> dict[tuple[str, str], str]:
    """(type, name) -> SQL of every trigger and index a database of this sqjg version has:
    the migrations run on an empty database in memory (a few milliseconds)."""
    from . import schema

    mem = sqlite3.connect(":memory:")
    try:
        for step in schema.MIGRATIONS:
            step(mem)
            schema.refresh_audit_triggers(mem)
        return _schema_objects(mem)
    finally:
        mem.close()


def _schema_objects(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    return {
        (kind, name): sql
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE type IN ('trigger', 'index') AND sql IS NOT NULL"
        )
    }


def schema_problems(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """[(type, name, what)] for each trigger or index that is missing, altered or (a trigger)
    not sqjg's. Not repaired here: a changed trigger is evidence, `--repair-triggers` fixes."""
    expected = expected_schema()
    actual = _schema_objects(conn)
    out = []
    for key, sql in expected.items():
        if key not in actual:
            out.append((*key, "missing"))
        elif actual[key] != sql:
            out.append((*key, "altered"))
    for key in actual:
        if key not in expected and key[0] == "trigger":
            out.append((*key, "unexpected"))
    return out


def repair_triggers(conn: sqlite3.Connection) -> list[dict[str, str]]:
    """Re-create every missing or altered trigger and index and drop foreign triggers, inside
    the caller's write transaction; each repair is an audit row (entity sqlite_master)."""
    expected = expected_schema()
    actual = _schema_objects(conn)
    done = []
    for kind, name, what in schema_problems(conn):
        if what != "missing":
            conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        if what != "unexpected":
            conn.execute(expected[(kind, name)])
        conn.execute(
            "INSERT INTO audit_log(run_id, entity, entity_id, op, before, after)"
            " VALUES ((SELECT max(id) FROM command_runs), 'sqlite_master', 0, ?, ?, ?)",
            (
                {"missing": "insert", "altered": "update", "unexpected": "delete"}[what],
                json.dumps(
                    {"type": kind, "name": name, "sql": actual.get((kind, name))},
                    ensure_ascii=False,
                )
                if what != "missing"
                else None,
                json.dumps(
                    {"type": kind, "name": name, "sql": expected[(kind, name)]}, ensure_ascii=False
                )
                if what != "unexpected"
                else None,
            ),
        )
        done.append({"type": kind, "name": name, "repair": what})
    return done


def remove_stale_temporaries(dest: Path) -> list[Path]:
    """Remove `.NAME.PID.tmp` files a killed earlier run left beside `dest` (its process is gone)."""
    removed = []
    for tmp in dest.parent.glob(f".{glob_escape(dest.name)}.*.tmp"):
        pid_text = tmp.name[len(dest.name) + 2 : -len(".tmp")]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_database(
    conn: sqlite3.Connection, anchor: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """Every check of `sqjg check`: [{check, problem}] — empty when all is well."""
    from . import chain

    problems: list[dict[str, str]] = []

    def fail(check: str, problem: str) -> None:
        problems.append({"check": check, "problem": problem})

    labels = {
        "missing": _("{kind} {name} 不存在（被删除过）；可用 sqjg check --repair-triggers 重建"),
        "altered": _(
            "{kind} {name} 的定义与 sqjg 的不同（被改动过）；可用 sqjg check --repair-triggers 重建"
        ),
        "unexpected": _("{kind} {name} 不是 sqjg 建的；可用 sqjg check --repair-triggers 删除"),
    }
    kinds = {"trigger": _("触发器"), "index": _("索引")}
    for kind, name, what in schema_problems(conn):
        fail("schema", labels[what].format(kind=kinds[kind], name=name))
    for p in chain.verify(conn):
        fail("hash_chain", p["problem"])
    if anchor:
        for p in chain.verify_anchor(conn, anchor):
            fail("anchor", p["problem"])

    for (result,) in conn.execute("PRAGMA integrity_check"):
        if result != "ok":
            fail("integrity_check", result)
    for table, rowid, parent, _fkid in conn.execute("PRAGMA foreign_key_check"):
        fail(
            "foreign_key_check",
            _("{table} 第 {rowid} 行引用的 {parent} 不存在").format(
                table=table, rowid=rowid, parent=parent
            ),
        )
    for name, n in conn.execute(
        "SELECT c.name, count(*) FROM unit_links l JOIN units c ON c.id = l.community_id"
        " WHERE l.is_lead = 1 GROUP BY l.community_id HAVING count(*) > 1"
    ):
        fail("one_lead_unit", _("社区“{name}”有 {n} 个牵头单位").format(name=name, n=n))
    for pid, year, month, result, result_hash in conn.execute(
        "SELECT id, year, month, result, result_hash FROM publications"
    ):
        if hashlib.sha256(result.encode("utf-8")).hexdigest() != result_hash:
            fail(
                "published_unchanged",
                _("{year} 年 {month} 月已公布的结果被改动过（记录 {id}）").format(
                    year=year, month=month, id=pid
                ),
            )
    for check in _domain_checks():
        for problem in check(conn):
            fail(check.__name__.removeprefix("check_"), problem)
    return problems


def _domain_checks() -> list:
    """The invariants each concern knows best (funds ledger, issue histories)."""
    from .funds import ledger_problems
    from .issues import history_problems

    return [ledger_problems, history_problems]
