"""The registry of bodies (责任主体): streets, communities, compounds, co-construction units,
functional departments and enterprises, and the links between units and communities."""

from __future__ import annotations

import difflib
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import Conflict, Invalid, NotFound
from .i18n import N_, _
from .text import normalize_name, spellings

if TYPE_CHECKING:
    from .importing import Progress

KINDS = ("street", "community", "compound", "unit", "department", "enterprise")


def kind_label(kind: str) -> str:
    return {
        "street": _("街道办事处"),
        "community": _("社区"),
        "compound": _("小区"),
        "unit": _("共建单位"),
        "department": _("职能部门"),
        "enterprise": _("企业"),
    }[kind]


# What people write in a CSV's 类型 column.
KIND_ALIASES = {
    "street": "street", "街道": "street", "街道办": "street", "街道办事处": "street",
    "community": "community", "社区": "community",
    "compound": "compound", "小区": "compound",
    "unit": "unit", "共建单位": "unit", "单位": "unit", "牵头单位": "unit",
    "department": "department", "dept": "department", "部门": "department", "职能部门": "department",
    "有关责任部门": "department", "责任部门": "department",
    "enterprise": "enterprise", "企业": "enterprise",
}  # fmt: skip


@dataclass(frozen=True)
class Unit:
    id: int
    name: str
    kind: str
    parent_id: int | None

    @property
    def label(self) -> str:
        return self.name


def check_kind(kind: str) -> str:
    k = KIND_ALIASES.get(str(kind).strip().lower()) or KIND_ALIASES.get(str(kind).strip())
    if k is None:
        raise Invalid(
            _(
                "类型“{kind}”无效：应为 street（街道）、community（社区）、compound（小区）、"
                "unit（共建单位）、department（职能部门）或 enterprise（企业）。"
            ).format(kind=kind)
        )
    return k


def _suggest(conn: sqlite3.Connection, name: str, kinds: tuple[str, ...]) -> str:
    marks = ",".join("?" * len(kinds))
    names = [r[0] for r in conn.execute(f"SELECT name FROM units WHERE kind IN ({marks})", kinds)]
    close = [n for n in names if name and (name in n or n in name)]
    close += [n for n in difflib.get_close_matches(name, names, n=3, cutoff=0.4) if n not in close]
    if not close:
        return ""
    return _("，您是不是要找：{names}").format(names=_("、").join(close[:3]))


def _not_found(conn: sqlite3.Connection, name: str, kinds: tuple[str, ...]) -> NotFound:
    what = "/".join(kind_label(k) for k in kinds) if len(kinds) < 3 else _("单位")
    if conn.execute("SELECT 1 FROM units LIMIT 1").fetchone() is None:
        # Usually the wrong file (a typo in --db or $SQJG_DB), not a wrong name: say which file.
        files = [r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"]
        return NotFound(
            _(
                "找不到{what}“{name}”：数据库 {path} 是空的，还没有登记任何单位；"
                "请先用 sqjg unit add 登记，或用 --db 指定别的数据库文件。"
            ).format(what=what, name=name, path=files[0] if files and files[0] else ":memory:")
        )
    return NotFound(
        _("找不到{what}“{name}”{suggest}。").format(
            what=what, name=name, suggest=_suggest(conn, name, kinds)
        )
    )


def _unit(row: Any) -> Unit:
    return Unit(row[0], row[1], row[2], row[3])


def find(conn: sqlite3.Connection, name: str, kinds: tuple[str, ...] = KINDS) -> Unit:
    """Find a unit by name among `kinds`; a compound may be written as 社区/小区. The name is
    normalised first and its traditional and simplified spellings are the same name."""
    name = normalize_name(name or "")
    if "/" in name and "compound" in kinds:
        community_name, _sep, compound_name = name.partition("/")
        community = find_community(conn, community_name)
        return find_compound(conn, community, compound_name)
    marks = ",".join("?" * len(kinds))
    found = []
    for traditional in (False, True):
        forms = spellings(name, traditional=traditional)
        found = conn.execute(
            f"SELECT id, name, kind, parent_id FROM units WHERE name IN ({','.join('?' * len(forms))})"
            f" AND kind IN ({marks}) ORDER BY id",
            (*forms, *kinds),
        ).fetchall()
        if found or name.isascii():
            break
    if not found:
        raise _not_found(conn, name, kinds)
    if len(found) > 1:
        # Only compounds share names; say which communities to choose from.
        parents = [
            conn.execute("SELECT name FROM units WHERE id = ?", (r[3],)).fetchone()[0]
            for r in found
        ]
        raise Invalid(
            _("有多个小区叫“{name}”，请写成“社区/小区”：{options}。").format(
                name=name, options=_("、").join(f"{p}/{name}" for p in parents)
            )
        )
    return _unit(found[0])


def find_community(conn: sqlite3.Connection, name: str) -> Unit:
    return find(conn, name, ("community",))


def find_street(conn: sqlite3.Connection, name: str) -> Unit:
    return find(conn, name, ("street",))


def find_compound(conn: sqlite3.Connection, community: Unit, name: str) -> Unit:
    name = normalize_name(name or "")
    if "/" in name:
        other = find(conn, name, ("compound",))
        if other.parent_id != community.id:
            raise Invalid(
                _("小区“{name}”不属于社区“{community}”。").format(
                    name=name, community=community.name
                )
            )
        return other
    row = None
    for traditional in (False, True):
        forms = spellings(name, traditional=traditional)
        row = conn.execute(
            "SELECT id, name, kind, parent_id FROM units WHERE kind = 'compound' AND parent_id = ?"
            f" AND name IN ({','.join('?' * len(forms))})",
            (community.id, *forms),
        ).fetchone()
        if row is not None or name.isascii():
            break
    if row is None:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM units WHERE kind = 'compound' AND parent_id = ?", (community.id,)
            )
        ]
        hint = _("，该社区的小区有：{names}").format(names=_("、").join(names)) if names else ""
        raise NotFound(
            _("社区“{community}”下没有小区“{name}”{hint}。").format(
                community=community.name, name=name, hint=hint
            )
        )
    return _unit(row)


def lead_unit(conn: sqlite3.Connection, community_id: int) -> Unit | None:
    row = conn.execute(
        "SELECT u.id, u.name, u.kind, u.parent_id FROM unit_links l JOIN units u ON u.id = l.unit_id"
        " WHERE l.community_id = ? AND l.is_lead = 1",
        (community_id,),
    ).fetchone()
    return _unit(row) if row else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


_PHONE_CHARS = frozenset("0123456789-+() ")


def check_phone(phone: str | None) -> str | None:
    """A telephone number as written (digits, spaces, -, +, brackets), or None when empty."""
    if phone is None:
        return None
    text = unicodedata.normalize("NFKC", phone).strip()
    if not text:
        return None
    if not set(text) <= _PHONE_CHARS or sum(ch.isdigit() for ch in text) < 3:
        raise Invalid(_("电话“{value}”无效：只能有数字、空格、-、+ 和括号。").format(value=phone))
    return text


def _clean_name(value: str | None) -> str | None:
    """A person's or unit's name given in an option: normalised, or None when blank."""
    if value is None or not value.strip():
        return None
    return normalize_name(value)


def add_unit(
    conn: sqlite3.Connection,
    name: str,
    kind: str,
    *,
    street: str | None = None,
    community: str | None = None,
    lead: bool = False,
    secretary: str | None = None,
    director: str | None = None,
    liaison: str | None = None,
    code: str | None = None,
    note: str | None = None,
    contact: str | None = None,
    head: str | None = None,
    phone: str | None = None,
) -> int:
    """Register a unit; returns its id. Every rule is checked before anything is written.

    contact (联系人) and head (负责人) are whom notices are addressed to; any kind may have them.
    """
    phone = check_phone(phone)
    kind = check_kind(kind)
    name = normalize_name(name or "")
    if "/" in name:
        raise Invalid(_("名称“{name}”不能含有“/”（它用来写“社区/小区”）。").format(name=name))
    street, community = _clean_name(street), _clean_name(community)
    people = {
        "secretary": _clean_name(secretary),
        "director": _clean_name(director),
        "liaison": _clean_name(liaison),
    }
    if kind != "community":
        given = [k for k, v in people.items() if v]
        if given:
            raise Invalid(
                _("只有社区登记书记、主任和联系领导；“{name}”是{kind}。").format(
                    name=name, kind=kind_label(kind)
                )
            )
        if street:
            raise Invalid(
                _("只有社区需要 --street；“{name}”是{kind}。").format(
                    name=name, kind=kind_label(kind)
                )
            )
    parent_id: int | None = None
    links: list[Unit] = []
    if kind == "community":
        if not street:
            raise Invalid(_("登记社区“{name}”需要 --street 指明所属街道办事处。").format(name=name))
        if community:
            raise Invalid(_("社区不能再属于社区：请去掉 --community。"))
        parent_id = find_street(conn, street).id
    elif kind == "compound":
        if not community:
            raise Invalid(_("登记小区“{name}”需要 --community 指明所属社区。").format(name=name))
        parent = find_community(conn, community)
        parent_id = parent.id
        forms = spellings(name)
        if conn.execute(
            "SELECT 1 FROM units WHERE kind = 'compound' AND parent_id = ?"
            f" AND name IN ({','.join('?' * len(forms))})",
            (parent_id, *forms),
        ).fetchone():
            raise Conflict(
                _("社区“{community}”下已有小区“{name}”。").format(community=parent.name, name=name)
            )
    elif community:
        if kind not in ("unit", "enterprise"):
            raise Invalid(
                _("{kind}不与社区关联，请去掉 --community。").format(kind=kind_label(kind))
            )
        links = [find_community(conn, c) for c in split_names(community)]
    if lead and kind != "unit":
        raise Invalid(_("只有共建单位可以是牵头单位（--lead）。"))
    if lead and not links:
        raise Invalid(_("--lead 需要同时用 --community 指明牵头的社区。"))
    if kind != "compound":
        _check_name_free(conn, name)
    if lead:
        for c in links:
            _check_no_other_lead(conn, c, None)
    cur = conn.execute(
        "INSERT INTO units(name, kind, parent_id, code, secretary, director, liaison, note,"
        " contact, head, phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            name,
            kind,
            parent_id,
            _clean(code),
            people["secretary"],
            people["director"],
            people["liaison"],
            _clean(note),
            _clean_name(contact),
            _clean_name(head),
            phone,
        ),
    )
    unit_id = cur.lastrowid
    assert unit_id is not None
    for c in links:
        conn.execute(
            "INSERT INTO unit_links(unit_id, community_id, is_lead) VALUES (?, ?, ?)",
            (unit_id, c.id, int(lead)),
        )
    return unit_id


def split_names(text: str) -> list[str]:
    for sep in ("，", "、", ";", "；", "|"):
        text = text.replace(sep, ",")
    names = [n.strip() for n in text.split(",") if n.strip()]
    return list(dict.fromkeys(names))


def _check_name_free(conn: sqlite3.Connection, name: str, except_id: int | None = None) -> None:
    forms = spellings(name)
    row = conn.execute(
        f"SELECT kind FROM units WHERE name IN ({','.join('?' * len(forms))})"
        " AND kind <> 'compound' AND id IS NOT ?",
        (*forms, except_id),
    ).fetchone()
    if row:
        raise Conflict(_("名称“{name}”已被{kind}使用。").format(name=name, kind=kind_label(row[0])))


def _check_no_other_lead(conn: sqlite3.Connection, community: Unit, unit_id: int | None) -> None:
    current = lead_unit(conn, community.id)
    if current is not None and current.id != unit_id:
        raise Conflict(
            _("社区“{community}”已有牵头单位“{lead}”，一个社区只能有一个牵头单位。").format(
                community=community.name, lead=current.name
            )
        )


def link_unit(
    conn: sqlite3.Connection, unit_name: str, community_name: str, *, lead: bool = False
) -> None:
    """A unit co-builds with (another) community; --lead makes it that community's lead unit."""
    unit = find(conn, unit_name, ("unit", "enterprise"))
    if lead and unit.kind != "unit":
        raise Invalid(_("只有共建单位可以是牵头单位（--lead）。"))
    community = find_community(conn, community_name)
    existing = conn.execute(
        "SELECT id, is_lead FROM unit_links WHERE unit_id = ? AND community_id = ?",
        (unit.id, community.id),
    ).fetchone()
    if lead:
        _check_no_other_lead(conn, community, unit.id)
    if existing:
        if not lead or existing[1]:
            raise Conflict(
                _("“{unit}”已与社区“{community}”共建。").format(
                    unit=unit.name, community=community.name
                )
            )
        conn.execute(
            "UPDATE unit_links SET is_lead = 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
            (existing[0],),
        )
        return
    conn.execute(
        "INSERT INTO unit_links(unit_id, community_id, is_lead) VALUES (?, ?, ?)",
        (unit.id, community.id, int(lead)),
    )


def unlink_unit(conn: sqlite3.Connection, unit_name: str, community_name: str) -> None:
    unit = find(conn, unit_name, ("unit", "enterprise"))
    community = find_community(conn, community_name)
    cur = conn.execute(
        "DELETE FROM unit_links WHERE unit_id = ? AND community_id = ?", (unit.id, community.id)
    )
    if cur.rowcount == 0:
        raise NotFound(
            _("“{unit}”没有与社区“{community}”共建。").format(
                unit=unit.name, community=community.name
            )
        )


_UNSET: Any = object()


def edit_unit(
    conn: sqlite3.Connection,
    name: str,
    *,
    new_name: str | None = None,
    street: str | None = None,
    secretary: str | None = None,
    director: str | None = None,
    liaison: str | None = None,
    code: str | None = None,
    note: str | None = None,
    contact: str | None = None,
    head: str | None = None,
    phone: str | None = None,
) -> dict[str, list[Any]]:
    """Change a unit's name or details; only the given fields change. An empty string clears a field.
    Returns what changed as {field: [before, after]} (the street by name), to say so."""
    unit = find(conn, name)
    changes: dict[str, Any] = {}
    if new_name is not None:
        new_name = normalize_name(new_name)
        if "/" in new_name:
            raise Invalid(
                _("名称“{name}”不能含有“/”（它用来写“社区/小区”）。").format(name=new_name)
            )
        if unit.kind == "compound":
            forms = spellings(new_name)
            if conn.execute(
                "SELECT 1 FROM units WHERE kind = 'compound' AND parent_id = ?"
                f" AND name IN ({','.join('?' * len(forms))}) AND id <> ?",
                (unit.parent_id, *forms, unit.id),
            ).fetchone():
                raise Conflict(_("该社区下已有小区“{name}”。").format(name=new_name))
        else:
            _check_name_free(conn, new_name, unit.id)
        changes["name"] = new_name
    if street is not None:
        if unit.kind != "community":
            raise Invalid(
                _("只有社区有所属街道；“{name}”是{kind}。").format(
                    name=unit.name, kind=kind_label(unit.kind)
                )
            )
        changes["parent_id"] = find_street(conn, street).id
    for key, value in (("secretary", secretary), ("director", director), ("liaison", liaison)):
        if value is not None:
            if unit.kind != "community":
                raise Invalid(
                    _("只有社区登记书记、主任和联系领导；“{name}”是{kind}。").format(
                        name=unit.name, kind=kind_label(unit.kind)
                    )
                )
            changes[key] = _clean_name(value)
    if contact is not None:
        changes["contact"] = _clean_name(contact)
    if head is not None:
        changes["head"] = _clean_name(head)
    if phone is not None:
        changes["phone"] = check_phone(phone)
    if code is not None:
        changes["code"] = _clean(code)
    if note is not None:
        changes["note"] = _clean(note)
    if not changes:
        raise Invalid(_("没有要修改的内容：请给出至少一个选项，如 --name 或 --secretary。"))
    before = dict(
        zip(
            (
                "name",
                "parent_id",
                "secretary",
                "director",
                "liaison",
                "code",
                "note",
                "contact",
                "head",
                "phone",
            ),
            conn.execute(
                "SELECT name, parent_id, secretary, director, liaison, code, note,"
                " contact, head, phone FROM units"
                " WHERE id = ?",
                (unit.id,),
            ).fetchone(),
        )
    )
    sets = ", ".join(f"{k} = ?" for k in changes)
    conn.execute(
        f"UPDATE units SET {sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
        (*changes.values(), unit.id),
    )

    def shown(key: str, value: Any) -> Any:
        if key == "parent_id" and value is not None:
            return conn.execute("SELECT name FROM units WHERE id = ?", (value,)).fetchone()[0]
        return value

    return {
        ("street" if k == "parent_id" else k): [shown(k, before[k]), shown(k, v)]
        for k, v in changes.items()
        if before[k] != v
    }


def references(conn: sqlite3.Connection, unit_id: int) -> dict[str, int]:
    """How many rows of each table refer to a unit (read from the schema's own foreign keys)."""
    counts: dict[str, int] = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})"):
            if fk[2] == "units":
                n = conn.execute(
                    f"SELECT count(*) FROM {table} WHERE {fk[3]} = ?", (unit_id,)
                ).fetchone()[0]
                if n:
                    counts[table] = counts.get(table, 0) + n
    return counts


TABLE_LABELS = {
    "units": N_("下属单位"),
    "unit_links": N_("共建关系"),
    "issues": N_("问题"),
    "fund_entries": N_("经费记录"),
    "meetings": N_("会议"),
    "cleanups": N_("大清扫"),
    "cleanup_units": N_("大清扫参加单位"),
    "inspections": N_("检查"),
    "submissions": N_("上报"),
    "mechanisms": N_("长效机制"),
    "scores": N_("评分"),
    "civilized": N_("文明社区认定"),
}


def remove_unit(conn: sqlite3.Connection, name: str) -> None:
    """Remove a unit nothing refers to."""
    unit = find(conn, name)
    refs = references(conn, unit.id)
    if refs:
        what = _("、").join(
            _("{what} {n} 条").format(what=_(TABLE_LABELS.get(t, t)), n=n) for t, n in refs.items()
        )
        raise Conflict(
            _("“{name}”仍被引用（{what}），不能删除。").format(name=unit.name, what=what)
        )
    conn.execute("DELETE FROM units WHERE id = ?", (unit.id,))


_LIST_SQL = """
SELECT u.id, u.uid, u.name, u.kind, u.code, u.secretary, u.director, u.liaison, u.note,
       u.contact, u.head, u.phone,
       CASE u.kind WHEN 'community' THEN p.name WHEN 'compound' THEN gp.name END AS street,
       CASE u.kind WHEN 'compound' THEN p.name END AS community,
       CASE u.kind WHEN 'community' THEN
         (SELECT lu.name FROM unit_links l JOIN units lu ON lu.id = l.unit_id
          WHERE l.community_id = u.id AND l.is_lead = 1) END AS lead_unit,
       (SELECT json_group_array(c.name) FROM unit_links l JOIN units c ON c.id = l.community_id
        WHERE l.unit_id = u.id) AS communities,
       (SELECT json_group_array(c.name) FROM unit_links l JOIN units c ON c.id = l.community_id
        WHERE l.unit_id = u.id AND l.is_lead = 1) AS lead_of
FROM units u
LEFT JOIN units p ON p.id = u.parent_id
LEFT JOIN units gp ON gp.id = p.parent_id
"""

KIND_ORDER = "CASE u.kind WHEN 'street' THEN 1 WHEN 'community' THEN 2 WHEN 'compound' THEN 3 WHEN 'unit' THEN 4 WHEN 'department' THEN 5 ELSE 6 END"


def list_units(
    conn: sqlite3.Connection,
    *,
    kind: str | None = None,
    street: str | None = None,
    community: str | None = None,
) -> list[dict[str, Any]]:
    """Registered units as plain dicts with English keys, street → community order."""
    import json

    where, params = [], []
    if kind:
        where.append("u.kind = ?")
        params.append(check_kind(kind))
    if street:
        s = find_street(conn, street)
        where.append(
            "(u.id = ? OR u.parent_id = ? OR p.parent_id = ? OR u.id IN (SELECT l.unit_id FROM unit_links l"
            " JOIN units c ON c.id = l.community_id WHERE c.parent_id = ?))"
        )
        params += [s.id, s.id, s.id, s.id]
    if community:
        c = find_community(conn, community)
        where.append(
            "(u.id = ? OR u.parent_id = ? OR u.id IN (SELECT unit_id FROM unit_links WHERE community_id = ?))"
        )
        params += [c.id, c.id, c.id]
    sql = (
        _LIST_SQL
        + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY {KIND_ORDER}, u.id"
    )
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        row = dict(zip(names, r))
        row["communities"] = json.loads(row["communities"] or "[]")
        row["lead_of"] = json.loads(row["lead_of"] or "[]")
        out.append(row)
    return out


def show_unit(conn: sqlite3.Connection, name: str) -> dict[str, Any]:
    """A unit and its place in the tree: street → communities → compounds, units, people."""
    unit = find(conn, name)
    rows = list_units(conn)
    by_name = {(r["kind"], r["name"], r["community"]): r for r in rows}
    me = next(r for r in rows if r["id"] == unit.id)
    result: dict[str, Any] = {"unit": me}
    if unit.kind == "street":
        result["communities"] = [
            _community_tree(conn, r, rows)
            for r in rows
            if r["kind"] == "community" and r["street"] == unit.name
        ]
    elif unit.kind == "community":
        result["communities"] = [_community_tree(conn, me, rows)]
    elif unit.kind == "compound":
        parent = next(r for r in rows if r["kind"] == "community" and r["name"] == me["community"])
        result["communities"] = [_community_tree(conn, parent, rows)]
    else:
        result["communities"] = [
            _community_tree(conn, r, rows)
            for r in rows
            if r["kind"] == "community" and r["name"] in me["communities"]
        ]
    del by_name
    return result


def _community_tree(
    conn: sqlite3.Connection, community: dict[str, Any], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "name": community["name"],
        "street": community["street"],
        "secretary": community["secretary"],
        "director": community["director"],
        "liaison": community["liaison"],
        "lead_unit": community["lead_unit"],
        "compounds": [
            r["name"]
            for r in rows
            if r["kind"] == "compound" and r["community"] == community["name"]
        ],
        "units": [
            r["name"]
            for r in rows
            if r["kind"] in ("unit", "enterprise") and community["name"] in r["communities"]
        ],
    }


# --- CSV import -----------------------------------------------------------------------------

IMPORT_ALIASES = {
    "name": "name", "名称": "name", "单位名称": "name",
    "kind": "kind", "类型": "kind",
    "street": "street", "所属街道": "street", "街道": "street",
    "community": "community", "所属社区": "community", "社区": "community",
    "secretary": "secretary", "书记": "secretary",
    "director": "director", "主任": "director",
    "liaison": "liaison", "联系领导": "liaison",
    "contact": "contact", "联系人": "contact",
    "head": "head", "负责人": "head",
    "phone": "phone", "电话": "phone", "联系电话": "phone",
    "lead": "lead", "是否牵头": "lead", "牵头单位": "lead",
    "code": "code", "代码": "code", "区划代码": "code",
    "note": "note", "备注": "note",
    "uid": "uid", "识别码": "uid",
}  # fmt: skip
EXPORT_COLUMNS = [
    "name", "kind", "street", "community", "lead", "secretary", "director", "liaison", "code",
    "note", "uid",
]  # fmt: skip

TRUE_WORDS = {"1", "true", "yes", "y", "是", "√", "✓", "牵头"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否"}
_IMPORT_ORDER = {
    "street": 0,
    "department": 1,
    "community": 2,
    "compound": 3,
    "unit": 4,
    "enterprise": 5,
}


def export_rows(conn: sqlite3.Connection, **filters: Any) -> list[dict[str, Any]]:
    """The register as `unit import` reads it (EXPORT_COLUMNS): a unit that co-builds with several
    communities has one row per community, each saying whether it leads that community."""
    out = []
    for r in list_units(conn, **filters):
        base = {k: r.get(k) for k in EXPORT_COLUMNS if k in r}
        base["lead"] = False
        if r["kind"] != "community":
            base["street"] = None
        if r["kind"] in ("unit", "enterprise") and r["communities"]:
            for c in r["communities"]:
                out.append({**base, "community": c, "lead": c in r["lead_of"]})
        else:
            out.append(base)
    return out


def import_units(
    conn: sqlite3.Connection,
    path: str,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import a register; every row is checked and a single bad row means nothing goes in.

    Rows are applied parents first (streets, then communities, compounds, units), so the
    file's own order does not matter. Each row is inserted inside a savepoint: its error is
    collected with the line number (rows with the same error make one line), and if any row
    failed the whole import rolls back.

    A row whose uid is a registered unit updates it through the rules of `unit edit` and
    `unit link`, or is skipped when nothing changed; a uid this database does not know (a
    register from another office's copy) is a new unit that keeps its uid. A unit's second row
    (another community) links it. Returns how many rows added, updated and left units unchanged.
    """
    from .csvio import read_rows

    keys, records = read_rows(path, IMPORT_ALIASES, encoding, sheet)
    for required in ("name", "kind"):
        if required not in keys:
            raise Invalid(_("表头缺少必需的列：{column}。").format(column=required))
    from .importing import RowErrors, all_or_nothing, counted

    errors = RowErrors()
    prepared = []
    for line, rec in records:
        with errors.check(line, "kind") as cell:
            kind = check_kind(rec.get("kind", ""))
            cell.field = "lead"
            lead_text = rec.get("lead", "").lower()
            if lead_text not in TRUE_WORDS and lead_text not in FALSE_WORDS:
                raise Invalid(
                    _("牵头单位一栏应为“是”或“否”，现为“{value}”。").format(value=rec.get("lead"))
                )
            prepared.append((_IMPORT_ORDER[kind], line, kind, rec, lead_text in TRUE_WORDS))
    prepared.sort(key=lambda t: (t[0], t[1]))
    registered = {r["uid"]: r for r in list_units(conn)} if "uid" in keys else {}
    added_here: dict[str, str] = {}  # uid or name of a unit this file added → its name
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with all_or_nothing(conn, "import_units"):
        for _order, line, kind, rec, lead in counted(prepared, progress):
            with errors.written(conn, line, values=rec):
                uid = rec.get("uid", "")
                again = (
                    added_here.get(uid or rec.get("name", ""))
                    if kind in ("unit", "enterprise")
                    else None
                )
                if uid and uid in registered:
                    outcome = _update_from_row(conn, registered[uid], kind, rec, lead)
                    counts[outcome] += 1
                elif again and rec.get("community"):
                    link_unit(conn, again, rec["community"], lead=lead)
                    counts["added"] += 1
                else:
                    new_id = add_unit(
                        conn,
                        rec.get("name", ""),
                        kind,
                        street=rec.get("street") or None,
                        community=rec.get("community") or None,
                        lead=lead,
                        secretary=rec.get("secretary") or None,
                        director=rec.get("director") or None,
                        liaison=rec.get("liaison") or None,
                        contact=rec.get("contact") or None,
                        head=rec.get("head") or None,
                        phone=rec.get("phone") or None,
                        code=rec.get("code") or None,
                        note=rec.get("note") or None,
                    )
                    if uid:
                        conn.execute("UPDATE units SET uid = ? WHERE id = ?", (uid, new_id))
                    added_here[uid or rec.get("name", "").strip()] = rec.get("name", "").strip()
                    counts["added"] += 1
        errors.raise_if_any()
    return counts


def _update_from_row(
    conn: sqlite3.Connection, cur: dict[str, Any], kind: str, rec: dict[str, str], lead: bool
) -> str:
    """Bring a registered unit in line with its row; "updated" or "unchanged"."""
    if kind != cur["kind"]:
        raise Invalid(
            _("识别码 {uid} 是{kind}“{name}”，导入不能改变类型。").format(
                uid=cur["uid"], kind=kind_label(cur["kind"]), name=cur["name"]
            )
        )
    changed = False
    community = _clean(rec.get("community"))
    if kind in ("unit", "enterprise") and community:
        if community not in cur["communities"] or (lead and community not in cur["lead_of"]):
            link_unit(conn, cur["name"], community, lead=lead)
            cur["communities"] = [*cur["communities"], community]
            if lead:
                cur["lead_of"] = [*cur["lead_of"], community]
            changed = True
        elif not lead and community in cur["lead_of"]:
            raise Invalid(
                _(
                    "导入不能取消“{name}”在社区“{community}”的牵头单位：请用 unit link 改由其他单位牵头。"
                ).format(name=cur["name"], community=community)
            )
    elif kind == "compound" and community != cur["community"]:
        raise Invalid(_("导入不能把小区“{name}”移到其他社区。").format(name=cur["name"]))
    fields = ["name", "code", "note"]
    if kind == "community":
        fields += ["street", "secretary", "director", "liaison"]
    changes = {
        k: (_clean(rec.get(k)) or "") for k in fields if k in rec and _clean(rec.get(k)) != cur[k]
    }
    if changes:
        here = f"{cur['community']}/{cur['name']}" if kind == "compound" else cur["name"]
        new_name = changes.pop("name", None)
        edit_unit(conn, here, new_name=new_name, **changes)
        cur.update(changes)
        if new_name is not None:
            cur["name"] = new_name
        changed = True
    return "updated" if changed else "unchanged"


def designate_civilized(
    conn: sqlite3.Connection, community: str, year: int, on: str | None, note: str | None
) -> None:
    """Record that a community is a 文明社区 for a year."""
    c = find_community(conn, community)
    if conn.execute(
        "SELECT 1 FROM civilized WHERE community_id = ? AND year = ?", (c.id, year)
    ).fetchone():
        raise Conflict(_("社区“{name}”已登记为 {year} 年文明社区。").format(name=c.name, year=year))
    conn.execute(
        "INSERT INTO civilized(community_id, year, designated_on, note) VALUES (?, ?, ?, ?)",
        (c.id, year, on, note),
    )
