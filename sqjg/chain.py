"""Hash chains over the records nobody may quietly change (账本指纹).

Every funds entry, issue event, audit row and publication gets a link in `chain_links`: the
SHA-256 (an HMAC when SQJG_KEY names a key file) of the previous link of its table and of the
row's content. A trigger on each table writes the link inside the writer's own transaction by
calling `sqjg_chain`, a function that only sqjg's connections define: a program that opens the
file with plain sqlite3 cannot insert, update or delete an audited row at all (every such write
also writes an audit row, whose link needs the function). That refusal is the choice for
writes from outside sqjg; a clerk who drops the triggers first is caught by `sqjg check`, which
recomputes every chain and compares the schema's triggers with the expected ones.

The chained content is a fixed list of columns per table, so a later migration that adds a
column does not break the links of earlier rows. Columns a legitimate command changes later
(a publication's superseded_at, every updated_at) are left out; such a change is itself an
audit row, which is chained.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

from .errors import Invalid
from .i18n import _

FUNCTION = "sqjg_chain"

# table -> the columns whose values are chained (frozen: see the module docstring).
CHAINED: dict[str, list[str]] = {
    "fund_entries": [
        "id",
        "community_id",
        "entry_date",
        "entry_type",
        "source",
        "payer_id",
        "amount_fen",
        "purpose",
        "category",
        "approved_by",
        "voids_id",
        "reason",
        "running_balance_fen",
        "note",
        "uid",
        "created_at",
    ],
    "issue_events": [
        "id",
        "issue_id",
        "event",
        "happened_on",
        "note",
        "detail",
        "due",
        "uid",
        "created_at",
    ],
    "audit_log": ["id", "run_id", "entity", "entity_id", "op", "before", "after"],
    "publications": [
        "id",
        "scope",
        "year",
        "month",
        "rules_hash",
        "result",
        "result_hash",
        "uid",
        "created_at",
    ],
}

# Chinese names of the chains, for fingerprints and check messages.
LABELS = {
    "fund_entries": "经费",
    "issue_events": "问题事件",
    "audit_log": "审计",
    "publications": "公布",
}

SHORT = 12  # hex digits of a head printed as a fingerprint: 48 bits, enough to anchor


def content_sql(table: str, alias: str) -> str:
    """The SQL expression of a row's chained content (the same text in trigger and check).

    quote() writes each value as an SQL literal (strings quoted, NULL as NULL), so the joined
    text is unambiguous; json_array would not do: inside the audit trigger a value fresh from
    json_object still carries its JSON subtype and would be embedded differently than when
    read back from the table.
    """
    return " || ',' || ".join(f"quote({alias}.{c})" for c in CHAINED[table])


def load_key() -> bytes | None:
    """The HMAC key from the file SQJG_KEY names, or None. The file must be owner-only."""
    name = os.environ.get("SQJG_KEY")
    if not name:
        return None
    p = Path(name)
    try:
        mode = p.stat().st_mode
        key = p.read_bytes()
    except OSError:
        raise Invalid(_("读不到 SQJG_KEY 指向的密钥文件：{path}").format(path=p)) from None
    if stat.S_IMODE(mode) & 0o077:
        raise Invalid(
            _("密钥文件 {path} 的权限过宽，只能由所有者读写（chmod 600）。").format(path=p)
        )
    if not key.strip():
        raise Invalid(_("密钥文件 {path} 是空的。").format(path=p))
    return key


def hasher(key: bytes | None):
    """link(prev, content) -> hex digest: SHA-256, or HMAC-SHA256 with the key."""
    if key is None:

        def link(prev: str | None, content: str) -> str:
            return hashlib.sha256(f"{prev or ''}\n{content}".encode()).hexdigest()

    else:

        def link(prev: str | None, content: str) -> str:
            return hmac.new(key, f"{prev or ''}\n{content}".encode(), hashlib.sha256).hexdigest()

    return link


def register(conn: sqlite3.Connection) -> None:
    """Give a sqjg connection the function the chain triggers call."""
    conn.create_function(FUNCTION, 2, hasher(load_key()), deterministic=True)


def create_triggers(conn: sqlite3.Connection) -> None:
    for table in CHAINED:
        conn.execute(trigger_sql(table))


def trigger_sql(table: str) -> str:
    return (
        f"CREATE TRIGGER chain_{table} AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO chain_links(entity, entity_id, hash) VALUES ('{table}', NEW.id, "
        f"{FUNCTION}((SELECT hash FROM chain_links WHERE entity = '{table}' ORDER BY id DESC LIMIT 1), "
        f"{content_sql(table, 'NEW')})); END"
    )


def link_existing(conn: sqlite3.Connection) -> None:
    """Chain the rows an older database already holds, in id order (inside a migration)."""
    for table in CHAINED:
        link_new_rows(conn, table, 0)


def link_new_rows(conn: sqlite3.Connection, table: str, after_id: int) -> None:
    """Link the rows of `table` above `after_id` in one pass (the bulk paths drop the per-row
    trigger: one query and one executemany instead of a function call and a head look-up
    per row)."""
    link = hasher(load_key())
    head = conn.execute(
        "SELECT hash FROM chain_links WHERE entity = ? ORDER BY id DESC LIMIT 1", (table,)
    ).fetchone()
    prev = head[0] if head else None
    batch = []
    for row_id, content in conn.execute(
        f"SELECT id, {content_sql(table, 't')} FROM {table} t WHERE id > ? ORDER BY id",
        (after_id,),
    ):
        prev = link(prev, content)
        batch.append((table, row_id, prev))
    conn.executemany("INSERT INTO chain_links(entity, entity_id, hash) VALUES (?, ?, ?)", batch)


def run_content(
    conn: sqlite3.Connection, table: str, first: int, last: int, cols: list[str] | None = None
) -> tuple[int, str]:
    """(rows, content) of rows first..last of `table` for a run link: each row's chained
    columns (or `cols`) as a JSON array (json_array costs a sixth of quote() joined with ||),
    one line per row in id order."""
    names = ", ".join(cols or CHAINED[table])
    lines = [
        text
        for (text,) in conn.execute(
            f"SELECT json_array({names}) FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, last),
        )
    ]
    return len(lines), "\n".join(lines)


def link_run(
    conn: sqlite3.Connection, table: str, after_id: int, content: str | None = None
) -> None:
    """One link over every row of `table` above after_id (an import's rows, appended as one run
    of ids): entity_id is the first row, last_id the last. `content`: their run_content, when
    the caller has it already."""
    first, last = conn.execute(
        f"SELECT min(id), max(id) FROM {table} WHERE id > ?", (after_id,)
    ).fetchone()
    if first is None:
        return
    if content is None:
        n, content = run_content(conn, table, first, last)
        if n != last - first + 1:
            link_new_rows(conn, table, after_id)  # not one run: a link per row
            return
    head = conn.execute(
        "SELECT hash FROM chain_links WHERE entity = ? ORDER BY id DESC LIMIT 1", (table,)
    ).fetchone()
    conn.execute(
        "INSERT INTO chain_links(entity, entity_id, last_id, hash) VALUES (?, ?, ?, ?)",
        (table, first, last, hasher(load_key())(head[0] if head else None, content)),
    )


def verify(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Recompute every chain: [{table, id, problem}] naming the first broken row of each chain,
    then every row that has no link (written with the triggers dropped)."""
    link = hasher(load_key())
    problems: list[dict[str, Any]] = []
    for table in CHAINED:
        prev = None
        for link_id, row_id, last_id, stored, present, content in conn.execute(
            f"SELECT c.id, c.entity_id, c.last_id, c.hash, t.id IS NOT NULL,"
            f" {content_sql(table, 't')}"
            f" FROM chain_links c LEFT JOIN {table} t ON t.id = c.entity_id"
            f" WHERE c.entity = ? ORDER BY c.id",
            (table,),
        ):
            if last_id is not None and present:
                n, content = run_content(conn, table, row_id, last_id)
                if n != last_id - row_id + 1:
                    gone = _first_gap(conn, table, row_id, last_id)
                    row_id, present = gone, False
            if not present:
                problems.append(
                    {
                        "table": table,
                        "id": row_id,
                        "problem": _("{table} 第 {id} 行已被删除，链在此断开").format(
                            table=table, id=row_id
                        ),
                    }
                )
                break
            if link(prev, content) != stored:
                text = _("{table} 第 {id} 行与哈希链不符：记录或链在此处被改动过").format(
                    table=table, id=row_id
                )
                if prev is None:
                    # A chain wrong from its first link is as likely a key set differently
                    # from when the rows were written as a tampered first row.
                    text += _("（也可能是密钥不对：请用写入时的 SQJG_KEY 检查）")
                problems.append({"table": table, "id": row_id, "problem": text})
                break
            prev = stored
        for (row_id,) in conn.execute(
            f"SELECT id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM chain_links c"
            f" WHERE c.entity = ? AND c.entity_id = t.id) AND NOT EXISTS (SELECT 1 FROM"
            f" chain_links c INDEXED BY chain_links_runs WHERE c.entity = ?"
            f" AND c.last_id IS NOT NULL AND t.id BETWEEN c.entity_id AND c.last_id) ORDER BY id",
            (table, table),
        ):
            problems.append(
                {
                    "table": table,
                    "id": row_id,
                    "problem": _(
                        "{table} 第 {id} 行不在哈希链上：是绕过 sqjg 写入的（不记在任何 sqjg 命令名下）"
                    ).format(table=table, id=row_id),
                }
            )
    return problems


def _first_gap(conn: sqlite3.Connection, table: str, first: int, last: int) -> int:
    """The first id of first..last that is no longer in `table`."""
    expected = first
    for (row_id,) in conn.execute(
        f"SELECT id FROM {table} WHERE id BETWEEN ? AND ? ORDER BY id", (first, last)
    ):
        if row_id != expected:
            return expected
        expected += 1
    return expected


def heads(conn: sqlite3.Connection) -> dict[str, str | None]:
    """Each chain's newest link (full hash), None for an empty chain."""
    out: dict[str, str | None] = {}
    for table in CHAINED:
        row = conn.execute(
            "SELECT hash FROM chain_links WHERE entity = ? ORDER BY id DESC LIMIT 1", (table,)
        ).fetchone()
        out[table] = row[0] if row else None
    return out


def fingerprint(conn: sqlite3.Connection) -> str:
    """One line to print and file away: 账本指纹 fund_entries:abcdef012345 …"""
    parts = [f"{t}:{(h or '0' * SHORT)[:SHORT]}" for t, h in heads(conn).items()]
    return _("账本指纹：{parts}").format(parts=" ".join(parts))


_ANCHOR = re.compile(r"\b(" + "|".join(CHAINED) + r")\s*[:=：]\s*([0-9a-f]{8,64})\b")


def parse_anchor(text: str) -> dict[str, str]:
    """table -> hash prefix, from a fingerprint line (or a file holding one, e.g. a report)."""
    found = dict(_ANCHOR.findall(text.lower()))
    if not found:
        raise Invalid(
            _("--anchor 里没有账本指纹：应形如 “fund_entries:0123456789ab audit_log:…”。")
        )
    return found


def verify_anchor(conn: sqlite3.Connection, anchor: dict[str, str]) -> list[dict[str, Any]]:
    """Each anchored head must still be a link of its chain (a rebuilt or cut chain loses it)."""
    problems = []
    for table, prefix in anchor.items():
        if prefix == "0" * len(prefix):
            continue  # the chain was empty when the fingerprint was printed
        hit = conn.execute(
            "SELECT 1 FROM chain_links WHERE entity = ? AND substr(hash, 1, ?) = ? LIMIT 1",
            (table, len(prefix), prefix),
        ).fetchone()
        if hit is None:
            problems.append(
                {
                    "table": table,
                    "id": None,
                    "problem": _(
                        "{table} 链中已找不到早先打印的指纹 {prefix}：链被重算或截断过"
                    ).format(table=table, prefix=prefix),
                }
            )
    return problems
