"""Dated work of the campaign: committee meetings, clean-ups, city leaders' inspections,
reports handed up to the 三创办 (submissions), the six long-term mechanisms, one timeline of it
all, and the campaign calendar (which community met which deadline).

Public functions other concerns reuse: `month_facts` (the monthly assessment's facts),
`due_status` (the rows of `sqjg due`, reused by the monthly and daily reports) and `timeline`.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from . import units
from .dates import month_bounds, not_in_future, parse_date, parse_month
from .errors import Conflict, Invalid, NotFound
from .i18n import _

if TYPE_CHECKING:
    from .importing import Progress

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

# --- vocabularies -------------------------------------------------------------------------------

REPORTS = ("survey", "funds", "cleanup", "selfcheck")
MECHANISMS = ("meeting", "liaison", "archive", "finance", "supervision", "cleaning")
TYPES = ("meeting", "cleanup", "inspection", "submission")
# Deadline keys that are tasks a community does; any other key (e.g. `assessment`) is a date only.
TASKS = ("survey", "funds", "cleanup", "selfcheck")
STATUSES = ("missing", "late", "on_time")

# What people type besides the English keys.
REPORT_ALIASES = {
    "survey": "survey", "排查": "survey", "问题排查": "survey", "问题大排查": "survey", "排查情况": "survey",
    "funds": "funds", "fund": "funds", "经费": "funds", "经费筹集": "funds", "共建经费": "funds",
    "cleanup": "cleanup", "大清扫": "cleanup", "卫生大清扫": "cleanup", "清扫": "cleanup",
    "selfcheck": "selfcheck", "self-check": "selfcheck", "自查": "selfcheck", "自查情况": "selfcheck",
}  # fmt: skip
MECHANISM_ALIASES = {
    "meeting": "meeting", "会议": "meeting", "会议机制": "meeting", "会议制度": "meeting",
    "liaison": "liaison", "沟通联系": "liaison", "沟通联系制度": "liaison", "联系制度": "liaison",
    "archive": "archive", "建档": "archive", "建档制度": "archive", "档案": "archive",
    "finance": "finance", "财务": "finance", "财务管理": "finance", "财务管理制度": "finance",
    "supervision": "supervision", "督查": "supervision", "督查考核": "supervision", "督查考核制度": "supervision",
    "cleaning": "cleaning", "保洁": "cleaning", "保洁制度": "cleaning",
}  # fmt: skip
TYPE_ALIASES = {
    "meeting": "meeting", "meetings": "meeting", "会议": "meeting", "共建委会议": "meeting",
    "cleanup": "cleanup", "cleanups": "cleanup", "大清扫": "cleanup", "卫生大清扫": "cleanup",
    "inspection": "inspection", "inspections": "inspection", "inspect": "inspection", "检查": "inspection",
    "submission": "submission", "submissions": "submission", "submit": "submission", "上报": "submission",
}  # fmt: skip


def report_label(report: str) -> str:
    return {
        "survey": _("问题排查情况"),
        "funds": _("经费筹集情况"),
        "cleanup": _("卫生大清扫情况"),
        "selfcheck": _("自查情况"),
    }.get(report, report)


def mechanism_label(name: str) -> str:
    return {
        "meeting": _("会议机制"),
        "liaison": _("沟通联系制度"),
        "archive": _("建档制度"),
        "finance": _("财务管理制度"),
        "supervision": _("督查考核制度"),
        "cleaning": _("保洁制度"),
    }.get(name, name)


def type_label(kind: str) -> str:
    return {
        "meeting": _("共建委会议"),
        "cleanup": _("卫生大清扫"),
        "inspection": _("市级领导检查"),
        "submission": _("上报"),
    }.get(kind, kind)


def deadline_label(key: str) -> str:
    return {
        "survey": _("问题排查情况上报"),
        "funds": _("经费筹集情况上报"),
        "cleanup": _("卫生大清扫"),
        "selfcheck": _("自查情况上报"),
        "assessment": _("月度考核"),
    }.get(key, key)


def status_label(status: str) -> str:
    return {"on_time": _("按时"), "late": _("逾期完成"), "missing": _("未完成")}.get(status, status)


def check_report(report: str) -> str:
    text = str(report or "").strip()
    key = REPORT_ALIASES.get(text.lower()) or REPORT_ALIASES.get(text)
    if key is None:
        raise Invalid(
            _(
                "上报事项“{value}”无效：应为 survey（问题排查）、funds（经费筹集）、cleanup（大清扫）或 selfcheck（自查）。"
            ).format(value=report)
        )
    return key


def check_mechanism(name: str) -> str:
    text = str(name or "").strip()
    key = MECHANISM_ALIASES.get(text.lower()) or MECHANISM_ALIASES.get(text)
    if key is None:
        raise Invalid(
            _(
                "长效机制“{value}”无效：应为 meeting（会议）、liaison（沟通联系）、archive（建档）、finance（财务管理）、supervision（督查考核）或 cleaning（保洁）。"
            ).format(value=name)
        )
    return key


def check_type(kind: str) -> str:
    text = str(kind or "").strip()
    key = TYPE_ALIASES.get(text.lower()) or TYPE_ALIASES.get(text)
    if key is None:
        raise Invalid(
            _(
                "活动类别“{value}”无效：应为 meeting（会议）、cleanup（大清扫）、inspection（检查）或 submission（上报）。"
            ).format(value=kind)
        )
    return key


# --- checking values ----------------------------------------------------------------------------


def _happened(value: str | date, what: str) -> date:
    """A date of something that has already happened: parsed, and not after today."""
    return not_in_future(parse_date(value), what)


def _count(value: int | str | None, what: str) -> int | None:
    """A number of people: a whole number, zero or more."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Invalid(_("{what}应为整数，现为“{value}”。").format(what=what, value=value))
    if isinstance(value, str):
        text = value.strip().removesuffix("人")
        try:
            value = int(text)
        except ValueError:
            raise Invalid(
                _("{what}应为整数，现为“{value}”。").format(what=what, value=value)
            ) from None
    if isinstance(value, float):
        if not value.is_integer():
            raise Invalid(_("{what}应为整数，现为“{value}”。").format(what=what, value=value))
        value = int(value)
    if value < 0:
        raise Invalid(_("{what}不能为负数（现为 {value}）。").format(what=what, value=value))
    return int(value)


def _score(value: float | str) -> float:
    """An inspection score: a number from 0 to 100, decimals allowed."""
    try:
        score = (
            float(str(value).strip().removesuffix("分")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise Invalid(
            _("得分应为 0 到 100 之间的数，现为“{value}”。").format(value=value)
        ) from None
    if not math.isfinite(score) or not 0 <= score <= 100:
        raise Invalid(_("得分应为 0 到 100 之间的数，现为“{value}”。").format(value=value))
    return score


def _note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    return note or None


# --- recording ----------------------------------------------------------------------------------


def _insert(conn: sqlite3.Connection, table: str, uid: str | None, **values: Any) -> int:
    """Insert a record; `uid` (from an import) keeps the identity it has in another copy."""
    if uid:
        values["uid"] = uid
    cols = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cur = conn.execute(f"INSERT INTO {table}({cols}) VALUES ({marks})", tuple(values.values()))
    return int(cur.lastrowid or 0)


def add_meeting(
    conn: sqlite3.Connection,
    community: str,
    on: str | date,
    *,
    attendees: int | str | None = None,
    note: str | None = None,
    uid: str | None = None,
) -> int:
    """Record a co-construction committee meeting (共建委会议); returns its id.

    A second meeting of the same community on the same day is refused as a double entry.
    """
    c = units.find_community(conn, community)
    day = _happened(on, _("会议"))
    people = _count(attendees, _("参会人数"))
    if conn.execute(
        "SELECT 1 FROM meetings WHERE community_id = ? AND held_on = ?", (c.id, day.isoformat())
    ).fetchone():
        raise Conflict(
            _("社区“{community}”{date} 的共建委会议已登记过。").format(
                community=c.name, date=day.isoformat()
            )
        )
    return _insert(
        conn,
        "meetings",
        uid,
        community_id=c.id,
        held_on=day.isoformat(),
        attendees=people,
        note=_note(note),
    )


def resolve_units(conn: sqlite3.Connection, names: str | Sequence[str] | None) -> list[units.Unit]:
    """Co-construction units, departments or enterprises named in `--units A,B`; unknown names refused."""
    if names is None:
        return []
    listed = (
        units.split_names(names)
        if isinstance(names, str)
        else list(dict.fromkeys(n.strip() for n in names if n.strip()))
    )
    return [units.find(conn, n, ("unit", "department", "enterprise")) for n in listed]


def add_cleanup(
    conn: sqlite3.Connection,
    community: str,
    on: str | date,
    participants: int | str,
    *,
    units_: str | Sequence[str] | None = None,
    note: str | None = None,
    uid: str | None = None,
) -> int:
    """Record a big clean-up (卫生大清扫) and the units that took part; returns its id.

    A second clean-up of the same community on the same day is refused as a double entry.
    """
    c = units.find_community(conn, community)
    day = _happened(on, _("大清扫"))
    people = _count(participants, _("参加人数"))
    if people is None:
        raise Invalid(_("请用 --participants 写明参加人数。"))
    taking_part = resolve_units(conn, units_)
    if conn.execute(
        "SELECT 1 FROM cleanups WHERE community_id = ? AND held_on = ?", (c.id, day.isoformat())
    ).fetchone():
        raise Conflict(
            _("社区“{community}”{date} 的大清扫已登记过。").format(
                community=c.name, date=day.isoformat()
            )
        )
    cleanup_id = _insert(
        conn,
        "cleanups",
        uid,
        community_id=c.id,
        held_on=day.isoformat(),
        participants=people,
        note=_note(note),
    )
    conn.executemany(
        "INSERT INTO cleanup_units(cleanup_id, unit_id) VALUES (?, ?)",
        [(cleanup_id, u.id) for u in taking_part],
    )
    return cleanup_id


def add_inspection(
    conn: sqlite3.Connection,
    community: str,
    on: str | date,
    leader: str,
    score: float | str,
    *,
    note: str | None = None,
    uid: str | None = None,
) -> int:
    """Record a city leaders' inspection (市级领导检查) and its score; returns its id.

    The same leader inspecting the same community twice on one day is refused as a double entry.
    """
    c = units.find_community(conn, community)
    day = _happened(on, _("检查"))
    who = (leader or "").strip()
    if not who:
        raise Invalid(_("请用 --leader 写明检查领导的姓名。"))
    points = _score(score)
    if conn.execute(
        "SELECT 1 FROM inspections WHERE community_id = ? AND inspected_on = ? AND leader = ?",
        (c.id, day.isoformat(), who),
    ).fetchone():
        raise Conflict(
            _("{leader} {date} 对社区“{community}”的检查已登记过。").format(
                leader=who, date=day.isoformat(), community=c.name
            )
        )
    return _insert(
        conn,
        "inspections",
        uid,
        community_id=c.id,
        inspected_on=day.isoformat(),
        leader=who,
        score=points,
        note=_note(note),
    )


def submit(
    conn: sqlite3.Connection,
    community: str,
    report: str,
    on: str | date,
    *,
    note: str | None = None,
    uid: str | None = None,
) -> dict[str, Any]:
    """Record a report handed up to the 三创办 (上报).

    Submitting the same report again is a resubmission and is recorded; the earliest one in the
    year counts for the deadline. Returns {"id", "report", "count" (this year's submissions of
    that report, this one included), "first" (the earliest date in that year)}.
    """
    c = units.find_community(conn, community)
    key = check_report(report)
    day = _happened(on, _("上报"))
    new_id = _insert(
        conn,
        "submissions",
        uid,
        community_id=c.id,
        report=key,
        submitted_on=day.isoformat(),
        note=_note(note),
    )
    count, first = conn.execute(
        "SELECT count(*), min(submitted_on) FROM submissions WHERE community_id = ? AND report = ?"
        " AND submitted_on BETWEEN ? AND ?",
        (c.id, key, f"{day.year:04d}-01-01", f"{day.year:04d}-12-31"),
    ).fetchone()
    return {
        "id": new_id,
        "report": key,
        "count": count,
        "first": date.fromisoformat(first),
    }


def set_mechanism(
    conn: sqlite3.Connection,
    community: str,
    name: str,
    on: str | date,
    *,
    note: str | None = None,
) -> dict[str, Any]:
    """Record that a long-term mechanism (长效机制) is in place.

    Setting it again for the same community updates the date (a correction: a mechanism is
    established once) and the note if one is given. Returns {"id", "name", "previous": date|None}.
    """
    c = units.find_community(conn, community)
    key = check_mechanism(name)
    day = _happened(on, _("长效机制建立"))
    row = conn.execute(
        "SELECT id, established_on FROM mechanisms WHERE community_id = ? AND name = ?", (c.id, key)
    ).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO mechanisms(community_id, name, established_on, note) VALUES (?, ?, ?, ?)",
            (c.id, key, day.isoformat(), _note(note)),
        )
        return {"id": int(cur.lastrowid or 0), "name": key, "previous": None}
    conn.execute(
        f"UPDATE mechanisms SET established_on = ?, note = coalesce(?, note), updated_at = {NOW_SQL} WHERE id = ?",
        (day.isoformat(), _note(note), row[0]),
    )
    return {"id": row[0], "name": key, "previous": date.fromisoformat(row[1])}


def unset_mechanism(conn: sqlite3.Connection, community: str, name: str) -> None:
    """Remove a mechanism recorded by mistake."""
    c = units.find_community(conn, community)
    key = check_mechanism(name)
    cur = conn.execute("DELETE FROM mechanisms WHERE community_id = ? AND name = ?", (c.id, key))
    if cur.rowcount == 0:
        raise NotFound(
            _("社区“{community}”没有登记{mechanism}。").format(
                community=c.name, mechanism=mechanism_label(key)
            )
        )


_TABLE_OF = {
    "meeting": "meetings",
    "cleanup": "cleanups",
    "inspection": "inspections",
    "submission": "submissions",
}


def remove_activity(conn: sqlite3.Connection, kind: str, activity_id: int) -> dict[str, Any]:
    """Delete a meeting, clean-up, inspection or submission recorded by mistake (the audit log keeps it).

    An inspection that issues refer to is kept. Returns the removed row as `timeline` shows it.
    """
    key = check_type(kind)
    found = timeline(conn, kinds=(key,), ids=(activity_id,))
    if not found:
        raise NotFound(
            _("找不到编号为 {id} 的{what}记录。").format(id=activity_id, what=type_label(key))
        )
    if key == "inspection":
        n = conn.execute(
            "SELECT count(*) FROM issues WHERE inspection_id = ?", (activity_id,)
        ).fetchone()[0]
        if n:
            raise Conflict(
                _("检查 {id} 已有 {n} 个问题引用，不能删除。").format(id=activity_id, n=n)
            )
    if key == "cleanup":
        conn.execute("DELETE FROM cleanup_units WHERE cleanup_id = ?", (activity_id,))
    conn.execute(f"DELETE FROM {_TABLE_OF[key]} WHERE id = ?", (activity_id,))
    return found[0]


# --- reading ------------------------------------------------------------------------------------


def mechanism_matrix(
    conn: sqlite3.Connection, *, community: str | None = None, street: str | None = None
) -> list[dict[str, Any]]:
    """Communities × six mechanisms: one row per community, each mechanism's date (ISO) or None."""
    where, params = _community_filter(conn, community, street, alias="c")
    cols = ", ".join(
        f"max(CASE m.name WHEN '{name}' THEN m.established_on END) AS {name}" for name in MECHANISMS
    )
    rows = _rows(
        conn,
        f"""SELECT c.name AS community, s.name AS street, {cols}, count(m.id) AS count
            FROM units c JOIN units s ON s.id = c.parent_id
            LEFT JOIN mechanisms m ON m.community_id = c.id
            WHERE c.kind = 'community' {where}
            GROUP BY c.id ORDER BY c.id""",
        params,
    )
    return rows


def _community_filter(
    conn: sqlite3.Connection, community: str | None, street: str | None, *, alias: str
) -> tuple[str, list[Any]]:
    where, params = "", []
    if community:
        where += f" AND {alias}.id = ?"
        params.append(units.find_community(conn, community).id)
    if street:
        where += f" AND {alias}.parent_id = ?"
        params.append(units.find_street(conn, street).id)
    return where, params


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, tuple(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def period(year: int | None = None, month: int | str | None = None) -> tuple[date, date] | None:
    """The dates a --year/--month pair covers (a month without a year is in this year); None = all."""
    if month is not None:
        y, m = parse_month(month, year)
        return month_bounds(y, m)
    if year is not None:
        if not 1900 <= int(year) <= 9999:
            raise Invalid(_("年份“{value}”无效。").format(value=year))
        return date(int(year), 1, 1), date(int(year), 12, 31)
    return None


# One SELECT per kind of activity, all with the same named columns, so one UNION ALL gives the timeline.
_COLUMNS = (
    "type",
    "id",
    "date",
    "community_id",
    "attendees",
    "participants",
    "units",
    "leader",
    "score",
    "report",
    "note",
    "uid",
)
_BRANCHES = {
    "meeting": (
        (
            "'meeting'",
            "a.id",
            "a.held_on",
            "a.community_id",
            "a.attendees",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "a.note",
            "a.uid",
        ),
        "meetings",
        "a.held_on",
    ),
    "cleanup": (
        (
            "'cleanup'",
            "a.id",
            "a.held_on",
            "a.community_id",
            "NULL",
            "a.participants",
            (
                "(SELECT json_group_array(name) FROM (SELECT u.name FROM cleanup_units cu"
                " JOIN units u ON u.id = cu.unit_id WHERE cu.cleanup_id = a.id ORDER BY cu.id))"
            ),
            "NULL",
            "NULL",
            "NULL",
            "a.note",
            "a.uid",
        ),
        "cleanups",
        "a.held_on",
    ),
    "inspection": (
        (
            "'inspection'",
            "a.id",
            "a.inspected_on",
            "a.community_id",
            "NULL",
            "NULL",
            "NULL",
            "a.leader",
            "a.score",
            "NULL",
            "a.note",
            "a.uid",
        ),
        "inspections",
        "a.inspected_on",
    ),
    "submission": (
        (
            "'submission'",
            "a.id",
            "a.submitted_on",
            "a.community_id",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "a.report",
            "a.note",
            "a.uid",
        ),
        "submissions",
        "a.submitted_on",
    ),
}
TIMELINE_KEYS = [
    "date",
    "type",
    "id",
    "community",
    "attendees",
    "participants",
    "units",
    "leader",
    "score",
    "report",
    "note",
    "uid",
]


def timeline(
    conn: sqlite3.Connection,
    *,
    community: str | None = None,
    year: int | None = None,
    month: int | str | None = None,
    street: str | None = None,
    kinds: Iterable[str] | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Meetings, clean-ups, inspections and submissions in date order, as plain dicts.

    Keys: date (ISO), type (meeting|cleanup|inspection|submission), id, community, attendees,
    participants, units (list of names, clean-ups only), leader, score, report, note, uid; a key
    that does not apply to the type is None. `month` without `year` is in this year; `year`
    alone is the whole year.
    """
    chosen = [check_type(k) for k in kinds] if kinds is not None else list(TYPES)
    span = period(year, month)
    community_id = units.find_community(conn, community).id if community else None
    street_id = units.find_street(conn, street).id if street else None
    parts, params = [], []
    for kind in TYPES:
        if kind not in chosen:
            continue
        exprs, table, date_col = _BRANCHES[kind]
        sql = (
            "SELECT "
            + ", ".join(f"{e} AS {c}" for e, c in zip(exprs, _COLUMNS))
            + f" FROM {table} a"
        )
        conds = []
        if span:
            conds.append(f"{date_col} BETWEEN ? AND ?")
            params += [span[0].isoformat(), span[1].isoformat()]
        if community_id is not None:
            conds.append("a.community_id = ?")
            params.append(community_id)
        if ids is not None:
            conds.append(f"a.id IN ({','.join('?' * len(ids))})")
            params += list(ids)
        parts.append(sql + (" WHERE " + " AND ".join(conds) if conds else ""))
    if not parts:
        return []
    order = "CASE t.type WHEN 'meeting' THEN 1 WHEN 'cleanup' THEN 2 WHEN 'inspection' THEN 3 ELSE 4 END"
    street_cond = ""
    if street_id is not None:
        street_cond = " WHERE c.parent_id = ?"
        params.append(street_id)
    sql = (
        f"SELECT t.date, t.type, t.id, c.name AS community, t.attendees, t.participants, t.units, t.leader,"
        f" t.score, t.report, t.note, t.uid FROM ({' UNION ALL '.join(parts)}) t"
        f" JOIN units c ON c.id = t.community_id{street_cond}"
        f" ORDER BY t.date, c.name, {order}, t.id"
    )
    rows = _rows(conn, sql, params)
    for r in rows:
        r["units"] = json.loads(r["units"]) if r["units"] is not None else None
    return rows


def summary(row: dict[str, Any]) -> str:
    """One Chinese phrase for a timeline row (the table's 内容 column)."""
    kind = row["type"]
    if kind == "meeting":
        if row["attendees"] is None:
            return _("召开共建委会议")
        return _("召开共建委会议，参会 {n} 人").format(n=row["attendees"])
    if kind == "cleanup":
        text = _("大清扫，参加 {n} 人").format(n=row["participants"])
        if row["units"]:
            text += _("；参加单位：{names}").format(names=_("、").join(row["units"]))
        return text
    if kind == "inspection":
        return _("{leader}检查，得分 {score}").format(
            leader=row["leader"], score=format_score(row["score"])
        )
    return _("上报{report}").format(report=report_label(row["report"]))


def format_score(score: float | None) -> str:
    if score is None:
        return ""
    return f"{score:g}" if float(score).is_integer() else f"{score:.2f}".rstrip("0")


# --- facts for the monthly assessment ----------------------------------------------------------


def month_facts(conn: sqlite3.Connection, first: date, last: date) -> dict[int, dict[str, Any]]:
    """Activity facts per community id for the period [first, last] (normally one month).

    Values: inspections (count in the period), inspection_mean (mean score, or None),
    meetings (count), cleanups (count), first_cleanup (date or None), submitted ({report:
    earliest date within first's year and on or before last}), mechanisms (established on or
    before last). Communities with nothing at all are absent.
    """
    lo, hi = first.isoformat(), last.isoformat()
    year_start = f"{first.year:04d}-01-01"
    facts: dict[int, dict[str, Any]] = {}

    def entry(cid: int) -> dict[str, Any]:
        if cid not in facts:
            facts[cid] = {
                "inspections": 0,
                "inspection_mean": None,
                "meetings": 0,
                "cleanups": 0,
                "first_cleanup": None,
                "submitted": {},
                "mechanisms": 0,
            }
        return facts[cid]

    for cid, n, mean in conn.execute(
        "SELECT community_id, count(*), avg(score) FROM inspections WHERE inspected_on BETWEEN ? AND ?"
        " GROUP BY community_id",
        (lo, hi),
    ):
        e = entry(cid)
        e["inspections"], e["inspection_mean"] = n, float(mean)
    for cid, n in conn.execute(
        "SELECT community_id, count(*) FROM meetings WHERE held_on BETWEEN ? AND ? GROUP BY community_id",
        (lo, hi),
    ):
        entry(cid)["meetings"] = n
    for cid, n, earliest in conn.execute(
        "SELECT community_id, count(*), min(held_on) FROM cleanups WHERE held_on BETWEEN ? AND ?"
        " GROUP BY community_id",
        (lo, hi),
    ):
        e = entry(cid)
        e["cleanups"], e["first_cleanup"] = n, date.fromisoformat(earliest)
    for cid, report, earliest in conn.execute(
        "SELECT community_id, report, min(submitted_on) FROM submissions WHERE submitted_on BETWEEN ? AND ?"
        " GROUP BY community_id, report",
        (year_start, hi),
    ):
        entry(cid)["submitted"][report] = date.fromisoformat(earliest)
    for cid, n in conn.execute(
        "SELECT community_id, count(*) FROM mechanisms WHERE established_on <= ? GROUP BY community_id",
        (hi,),
    ):
        entry(cid)["mechanisms"] = n
    return facts


# --- the campaign calendar ---------------------------------------------------------------------


def deadline_date(month_day: str, year: int) -> date:
    """'MM-DD' in a given year; 02-29 in a year without it is the 28th."""
    month, day = (int(p) for p in month_day.split("-"))
    last = month_bounds(year, month)[1].day
    return date(year, month, min(day, last))


def calendar(
    deadlines: dict[str, str], year: int
) -> tuple[list[tuple[str, date]], list[tuple[str, date]]]:
    """Split the rules' deadlines into (tasks, other dates), each as [(key, date in year)] by date."""
    tasks, others = [], []
    for key, month_day in deadlines.items():
        (tasks if key in TASKS else others).append((key, deadline_date(month_day, year)))
    rank = {k: i for i, k in enumerate(deadlines)}
    tasks.sort(key=lambda t: (t[1], rank[t[0]]))
    others.sort(key=lambda t: (t[1], rank[t[0]]))
    return tasks, others


def status_of(deadline: date, done: date | None, as_of: date) -> tuple[str, int]:
    """(status, days) of one community for one deadline.

    on_time: done on or before the deadline (days 0); late: done after it (days = done − deadline);
    missing: not done by as_of (days left = deadline − as_of while on or before the deadline,
    else days late = as_of − deadline).
    """
    if done is not None:
        if done <= deadline:
            return "on_time", 0
        return "late", (done - deadline).days
    if as_of <= deadline:
        return "missing", (deadline - as_of).days
    return "missing", (as_of - deadline).days


def due_status(
    conn: sqlite3.Connection,
    as_of: date,
    deadlines: dict[str, str],
    *,
    community: str | None = None,
    street: str | None = None,
    only: Iterable[str] | None = None,
) -> list[dict[str, Any]]:
    """Every community's status for every task deadline of as_of's year.

    Rows {"deadline", "date", "community", "status", "done", "days"}, grouped by deadline (in
    date order), within a deadline missing first, then late, then on time, then by name.
    `survey`, `funds` and `selfcheck` are met by the earliest submission of that report,
    `cleanup` by the earliest recorded clean-up; only what was done in as_of's year and on or
    before as_of counts. Keys that are not tasks (e.g. `assessment`) are skipped.
    """
    year = as_of.year
    tasks, _others = calendar(deadlines, year)
    if only is not None:
        wanted = set(only)
        unknown = wanted - set(TASKS)
        if unknown:
            raise Invalid(
                _("时限“{key}”无效：应为 survey、funds、cleanup 或 selfcheck。").format(
                    key=_("、").join(sorted(unknown))
                )
            )
        tasks = [t for t in tasks if t[0] in wanted]
    where, params = _community_filter(conn, community, street, alias="c")
    communities = conn.execute(
        # Registration order: the office's own list order (code-point order of Chinese names is not
        # an order anyone reads by).
        f"SELECT c.id, c.name FROM units c WHERE c.kind = 'community' {where} ORDER BY c.id",
        params,
    ).fetchall()
    lo, hi = f"{year:04d}-01-01", as_of.isoformat()
    done: dict[tuple[str, int], date] = {}
    for cid, report, earliest in conn.execute(
        "SELECT community_id, report, min(submitted_on) FROM submissions WHERE submitted_on BETWEEN ? AND ?"
        " GROUP BY community_id, report",
        (lo, hi),
    ):
        done[(report, cid)] = date.fromisoformat(earliest)
    # The clean-up deadline is met by the clean-up itself, not by its report.
    for key in [k for k in done if k[0] == "cleanup"]:
        del done[key]
    for cid, earliest in conn.execute(
        "SELECT community_id, min(held_on) FROM cleanups WHERE held_on BETWEEN ? AND ? GROUP BY community_id",
        (lo, hi),
    ):
        done[("cleanup", cid)] = date.fromisoformat(earliest)
    order = {s: i for i, s in enumerate(STATUSES)}
    out: list[dict[str, Any]] = []
    for key, when in tasks:
        group = []
        for position, (cid, name) in enumerate(communities):
            finished = done.get((key, cid))
            status, days = status_of(when, finished, as_of)
            group.append(
                (
                    order[status],
                    position,
                    {
                        "deadline": key,
                        "date": when.isoformat(),
                        "community": name,
                        "status": status,
                        "done": finished.isoformat() if finished else None,
                        "days": days,
                    },
                )
            )
        group.sort(key=lambda t: (t[0], t[1]))
        out.extend(row for _status, _position, row in group)
    return out


# --- Bulk import ------------------------------------------------------------------------------

IMPORT_ALIASES = {
    "community": "community", "社区": "community",
    "date": "date", "日期": "date",
    "attendees": "attendees", "参会人数": "attendees",
    "participants": "participants", "参加人数": "participants",
    "units": "units", "参加单位": "units",
    "leader": "leader", "检查领导": "leader", "带队领导": "leader",
    "score": "score", "得分": "score",
    "report": "report", "上报事项": "report", "报送": "report",
    "note": "note", "备注": "note",
    "uid": "uid", "识别码": "uid",
    # What the lists write besides: the kind (activity list) is checked, the number left alone.
    "type": "type", "类型": "type",
    "id": "id", "编号": "id",
}  # fmt: skip
IMPORT_COLUMNS = {
    "meeting": ("community", "date"),
    "cleanup": ("community", "date", "participants"),
    "inspection": ("community", "date", "leader", "score"),
    "submission": ("community", "report", "date"),
}
# The columns of each kind an existing record is compared on.
_COMPARED = {
    "meeting": ("community", "date", "attendees", "note"),
    "cleanup": ("community", "date", "participants", "units", "note"),
    "inspection": ("community", "date", "leader", "score", "note"),
    "submission": ("community", "report", "date", "note"),
}


def _column_labels() -> dict[str, str]:
    return {
        "community": _("社区"),
        "date": _("日期"),
        "attendees": _("参会人数"),
        "participants": _("参加人数"),
        "units": _("参加单位"),
        "leader": _("检查领导"),
        "score": _("得分"),
        "report": _("上报事项"),
        "note": _("备注"),
    }


def _import_row(conn: sqlite3.Connection, kind: str, r: dict[str, str], uid: str | None) -> None:
    note = r.get("note") or None
    if kind == "meeting":
        add_meeting(
            conn,
            r["community"],
            r["date"],
            attendees=r.get("attendees") or None,
            note=note,
            uid=uid,
        )
    elif kind == "cleanup":
        add_cleanup(
            conn,
            r["community"],
            r["date"],
            r["participants"],
            units_=r.get("units") or None,
            note=note,
            uid=uid,
        )
    elif kind == "submission":
        submit(conn, r["community"], r["report"], r["date"], note=note, uid=uid)
    else:
        add_inspection(conn, r["community"], r["date"], r["leader"], r["score"], note=note, uid=uid)


def _row_differs(
    conn: sqlite3.Connection, kind: str, have: dict[str, Any], rec: dict[str, str]
) -> list[str]:
    """The columns of a sheet's row that say something else than the record with its uid."""
    from .importing import differing

    readers: dict[str, Any] = {
        "community": lambda t: units.find_community(conn, t).name,
        "date": lambda t: parse_date(t).isoformat(),
        "attendees": lambda t: _count(t, _("参会人数")),
        "participants": lambda t: _count(t, _("参加人数")),
        "units": lambda t: sorted(u.name for u in resolve_units(conn, t)),
        "leader": lambda t: t,
        "score": _score,
        "report": check_report,
        "note": _note,
    }
    values = {**have, "units": sorted(have["units"] or [])}
    return differing(rec, {k: (readers[k], values[k]) for k in _COMPARED[kind]})


def _import_one(conn: sqlite3.Connection, kind: str, rec: dict[str, str], cell: Any) -> str:
    """One row: "unchanged" for a record already here under the row's uid, else "added"."""
    given = rec.get("type", "").strip()
    if given:
        cell.field = "type"
        if check_type(given) != kind:
            raise Invalid(
                _(
                    "这一行是{what}记录，不能作为{kind}记录导入（只导出一类：activity list --type {key}）。"
                ).format(what=type_label(check_type(given)), kind=type_label(kind), key=kind)
            )
    cell.field = None
    uid = rec.get("uid", "").strip() or None
    found = (
        conn.execute(f"SELECT id FROM {_TABLE_OF[kind]} WHERE uid = ?", (uid,)).fetchone()
        if uid
        else None
    )
    if found is None:
        _import_row(conn, kind, rec, uid)
        return "added"
    have = timeline(conn, kinds=(kind,), ids=(found[0],))[0]
    differ = _row_differs(conn, kind, have, rec)
    if differ:
        # No command edits a recorded activity, so neither does an import.
        cell.field = differ[0]
        labels = _column_labels()
        raise Conflict(
            _(
                "{what}记录第 {id} 号（识别码 {uid}）已登记，表中的{columns}与它不同："
                "导入不能修改已登记的记录，更正请用 sqjg activity remove {kind} {id} 删除后再登记。"
            ).format(
                what=type_label(kind),
                id=found[0],
                uid=uid,
                columns=_("、").join(labels[k] for k in differ),
                kind=kind,
            )
        )
    return "unchanged"


def import_activities(
    conn: sqlite3.Connection,
    kind: str,
    path: str,
    encoding: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import meetings, clean-ups, inspections or submissions (kind) from a CSV or workbook, each
    row through the same checks as its add command; if any row is refused, every distinct error
    is listed with its rows and nothing is written.

    What the kind's list writes reads back (a `type` column, as `activity list` writes, must be
    the kind). A row carrying the uid of a recorded activity is skipped when it says the same and
    refused when it says anything else (no command edits an activity: remove it and add it
    again); a uid this database does not know (another copy's export) is a new record that keeps
    it. Returns how many rows added, updated (never any) and unchanged."""
    from .csvio import read_rows
    from .importing import RowErrors, all_or_nothing, counted

    keys, records = read_rows(path, IMPORT_ALIASES, encoding, sheet)
    missing = [k for k in IMPORT_COLUMNS[kind] if k not in keys]
    if missing:
        raise Invalid(_("表头缺少必需的列：{columns}。").format(columns=_("、").join(missing)))
    errors = RowErrors()
    seen: set[str] = set()
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    with all_or_nothing(conn, "import_activities"):
        for line, rec in counted(records, progress):
            with errors.written(conn, line, values=rec) as cell:
                uid = rec.get("uid", "").strip()
                if uid:
                    if uid in seen:
                        cell.field = "uid"
                        raise Invalid(_("识别码“{uid}”在表中出现了两次。").format(uid=uid))
                    seen.add(uid)
                counts[_import_one(conn, kind, rec, cell)] += 1
        errors.raise_if_any()
    return counts
