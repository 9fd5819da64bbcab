"""Surveyed problems (问题大排查) and their rectification, on the closed loop of digital urban
management (GB/T 30428: 立案 → 派遣 → 处置 → 核查 → 结案).

An issue is open (待整改) → resolved (已整改待核查, the responsible side reports it fixed) →
closed (已结案, verified on site); a failed verification sends it back to open and counts a
rework (返工). It can also be cancelled (作废: a duplicate, not a problem) and is then kept but
never counted. Every event is a row of issue_events with the date it happened (one that `sqjg
undo` took back stays there, on its hash chain, but out of the view issue_history, which every
reading of the history goes through); the issues row
carries denormalised copies (status, due, resolved_on, closed_on, on_time, notices, reworks,
extensions, last_event_on) that `_sync` recomputes from the events with the very SQL that
answers "as of D" questions, so the two can never disagree (`history_problems` checks it).

Every figure "as of D" is read from the history as it stood on D: an event dated after D does
not count, and the due date in force is the one before any extension dated after D. Each
issue's states are kept as intervals (issue_states, maintained by triggers with each event), so
the state of every issue on D is one range scan. The
definitions live in one place, the block "THE DEFINITIONS" below, and every report (list,
summary, exposure board, month_facts, unit_facts) is built from them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from . import units
from .dates import not_in_future, parse_date, today
from .errors import Conflict, Invalid, NotFound
from .i18n import N_, _
from .text import name_key, normalize_name
from .units import Unit

if TYPE_CHECKING:
    from .importing import Progress
    from .timelimits import TimeLimit, TimeLimits

STATUSES = ("open", "resolved", "closed", "cancelled")
EVENTS = (
    "create",
    "resolve",
    "verify_pass",
    "verify_fail",
    "notify",
    "extend",
    "reassign",
    "cancel",
)
# Kinds (tags) heard in the speech; others are allowed.
KIND_TAGS = (
    "卫生死角",
    "乱堆乱放",
    "乱倒垃圾",
    "占道",
    "毁绿种菜",
    "市政设施",
    "路面破损",
    "绿化养护",
    "历史遗留",
)
CATEGORIES = (1, 2, 3, 4)
FAR_PAST = "0000-01-01"
FAR_FUTURE = "9999-12-31"


def status_label(status: str) -> str:
    return {
        "open": _("待整改"),
        "resolved": _("已整改待核查"),
        "closed": _("已结案"),
        "cancelled": _("已作废"),
    }[status]


def event_label(event: str) -> str:
    return {
        "create": _("立案"),
        "resolve": _("报整改完成"),
        "verify_pass": _("核查通过，结案"),
        "verify_fail": _("核查未通过，返工"),
        "notify": _("整改通知"),
        "extend": _("延期"),
        "reassign": _("改派"),
        "cancel": _("作废"),
        "edit": _("更正"),
    }[event]


def category_label(category: int) -> str:
    return {1: _("社区/小区"), 2: _("街道"), 3: _("共建单位"), 4: _("职能部门")}[category]


_CATEGORY_WORDS = {
    "社区": 1, "小区": 1, "社区/小区": 1, "社区小区": 1,
    "街道": 2, "街道办": 2, "街道办事处": 2,
    "共建单位": 3, "单位": 3,
    "职能部门": 4, "部门": 4, "有关责任部门": 4, "责任部门": 4,
}  # fmt: skip
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


def parse_category(value: int | str) -> int:
    """1-4, also written 第1类, 一类, 三类 or by who solves it (社区, 街道, 共建单位, 职能部门)."""
    s = unicodedata.normalize("NFKC", str(value)).strip()
    if s in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[s]
    core = s.removeprefix("第").removesuffix("类")
    core = _CN_DIGITS.get(core, core)
    if core in ("1", "2", "3", "4"):
        return int(core)
    raise Invalid(
        _(
            "类别“{value}”无效：应为 1（社区/小区）、2（街道）、3（共建单位）或 4（职能部门）。"
        ).format(value=value)
    )


_STATUS_WORDS = {
    "open": "open", "待整改": "open",
    "resolved": "resolved", "已整改": "resolved", "待核查": "resolved", "已整改待核查": "resolved",
    "closed": "closed", "已结案": "closed", "结案": "closed",
    "cancelled": "cancelled", "canceled": "cancelled", "已作废": "cancelled", "作废": "cancelled",
    "overdue": "overdue", "超期": "overdue", "超期未整改": "overdue",
    "late": "late", "逾期结案": "late", "超期结案": "late",
}  # fmt: skip


def parse_status(value: str) -> str:
    s = _STATUS_WORDS.get(str(value).strip().lower())
    if s is None:
        raise Invalid(
            _(
                "状态“{value}”无效：应为 open（待整改）、resolved（待核查）、closed（已结案）、"
                "cancelled（已作废）、overdue（超期）或 late（逾期结案）。"
            ).format(value=value)
        )
    return s


_TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "严重"}
_FALSE = {"", "0", "false", "no", "n", "否"}


def _iso(d: date | str | None) -> str:
    return parse_date(d if d is not None else today()).isoformat()


def as_of_date(as_of: date | str | None = None) -> str:
    """The ISO date an --as-of value stands for (default today)."""
    return _iso(as_of)


# =============================================================================================
# THE DEFINITIONS. Every figure of every report is defined here once, as SQL over the view `a`
# (one row per issue as it stood on the date :d). Nothing else in the tool restates them.
#
# The issue as of D: it exists if found on or before D; only events dated on or before D count.
#   status_d      the state after its newest state event (create, resolve, verify_pass,
#                 verify_fail, cancel) dated on or before D;
#   due_d         the due date in force at D: the new date of the newest extension dated on or
#                 before D, else the original due date;
#   resolved_d    when resolved or closed at D, the date of its newest resolve (the one that
#                 stood at D), else none; closed_d likewise the verify_pass date;
#   notices_d, reworks_d, extensions_d: notices, failed verifications, extensions dated on or
#                 before D.
#   late_days_d   days already overdue when a late extension (one dated after the due date it
#                 replaced) was granted, summed over the extensions dated on or before D: a late
#                 extension moves the date but does not erase the days it came too late for.
#   (Each is a column of the issue's interval in issue_states that holds on D: the history
#   folded once, when each event was written, into the states it passed through.)
#
# Counted (计入): not cancelled at D. Cancelled issues are never counted as fixed and are left
#   out of every denominator.
# Due in [F, D] (应结案): counted, and the due date in force at D falls between F and D.
#   "Due by D" is the same with F unbounded.
# Overdue as of D (超期): counted, and either not resolved and D is after the due date in force,
#   or resolved (the resolution standing at D) after that due date, or late_days_d > 0.
# Overdue and pending (超期待处置): open at D (not resolved) and D after the due date in force.
# Closed on time as of D (按期结案): closed at D, having been resolved on or before the due date
#   in force, and never extended late. The flag is frozen when the issue closes (a closed issue
#   takes no more events).
# On the exposure board as of D (曝光台): not closed and not cancelled at D, and serious or with
#   at least N notices (the rules file's exposure_notices) dated on or before D.
# Days overdue: late_days_d, plus the days from the due date in force to the resolution standing
#   at D (else to D) when that is later.
# Reworked (返工): counted, with at least one failed verification by D.
# Ever resolved (已处置): resolved or closed at D, or open again after a rework (every rework
#   follows a resolve).
# Extended (延期): counted, with at least one extension by D.
# =============================================================================================

COUNTED = "(a.status_d <> 'cancelled')"
DUE_IN = "(a.status_d <> 'cancelled' AND a.due_d BETWEEN :first AND :d)"
OVERDUE = (
    "(a.status_d <> 'cancelled' AND (coalesce(a.resolved_d, :d) > a.due_d OR a.late_days_d > 0))"
)
OVERDUE_PENDING = "(a.status_d = 'open' AND :d > a.due_d)"
ON_TIME = "(a.status_d = 'closed' AND a.on_time = 1)"
ON_BOARD = "(a.status_d IN ('open', 'resolved') AND (a.serious = 1 OR a.notices_d >= :notices))"
DAYS_OVERDUE = (
    f"CASE WHEN {OVERDUE} THEN a.late_days_d"
    " + max(0, CAST(julianday(coalesce(a.resolved_d, :d)) - julianday(a.due_d) AS INTEGER))"
    " ELSE 0 END"
)
REWORKED = "(a.status_d <> 'cancelled' AND a.reworks_d > 0)"
EVER_RESOLVED = (
    "(a.status_d IN ('resolved', 'closed') OR (a.status_d = 'open' AND a.reworks_d > 0))"
)
EXTENDED = "(a.status_d <> 'cancelled' AND a.extensions_d > 0)"

# The history read back at :d: aggregates over the events `e` of an issue `i` dated on or before
# :d (one pass per issue over the covering index issue_events_issue). They rely on two rules the
# lifecycle functions enforce (and `history_problems` checks): an issue's events are recorded in
# date order, so the newest event is the one with the largest id; and every extension moves the
# due date later, so the due date in force is the largest extension date.
# Days an extension `e` came too late for: from the due date it replaced to the day it was granted.
LATE_DAYS_SQL = (
    "coalesce(sum(CASE WHEN e.event = 'extend' THEN max(0, CAST(julianday(e.happened_on)"
    " - julianday(json_extract(e.detail, '$.from_due')) AS INTEGER)) END), 0)"
)
_HISTORY = {
    "status": (
        "CASE max(CASE e.event WHEN 'create' THEN e.id * 8 WHEN 'resolve' THEN e.id * 8 + 1"
        " WHEN 'verify_pass' THEN e.id * 8 + 2 WHEN 'verify_fail' THEN e.id * 8 + 3"
        " WHEN 'cancel' THEN e.id * 8 + 4 END) % 8"
        " WHEN 1 THEN 'resolved' WHEN 2 THEN 'closed' WHEN 4 THEN 'cancelled' ELSE 'open' END"
    ),
    "due": "coalesce(max(e.due), i.original_due)",
    "last_resolve": "max(CASE WHEN e.event = 'resolve' THEN e.happened_on END)",
    "last_close": "max(CASE WHEN e.event = 'verify_pass' THEN e.happened_on END)",
    "notices": "count(*) FILTER (WHERE e.event = 'notify')",
    "reworks": "count(*) FILTER (WHERE e.event = 'verify_fail')",
    "extensions": "count(*) FILTER (WHERE e.event = 'extend')",
    "late_days": LATE_DAYS_SQL,
    "last_event_on": "max(e.happened_on)",
}


def _history(columns: str, which: str) -> str:
    """SELECT `columns` (over `i` and the _HISTORY aggregates) per issue chosen by `which`."""
    return (
        f"SELECT {columns} FROM issues i CROSS JOIN issue_history e"
        f" WHERE e.issue_id = i.id AND e.happened_on <= :d AND {which} GROUP BY i.id"
    )


# The issue as of :d is the interval of issue_states (sqjg.schema.m008_issue_states) holding on
# :d: the state after the last event of a day holds from that day up to the day of the next one.
# The triggers that keep the intervals run in the transaction of the event itself, and
# `history_problems` rebuilds them from the events to check.
_STATE_COLUMNS = (
    "s.issue_id AS id, s.community_id, s.compound_id, s.unit_id, s.category, s.kind, s.serious,"
    " s.found, s.on_time, s.status AS status_d, s.due AS due_d, s.resolved_on AS resolved_d,"
    " s.closed_on AS closed_d, s.notices AS notices_d, s.reworks AS reworks_d,"
    " s.extensions AS extensions_d, s.late_days AS late_days_d"
)
_SNAPSHOT_COLUMNS = (
    "issue_id, community_id, compound_id, unit_id, category, kind, serious, found, on_time, status,"
    " due, resolved_on, closed_on, notices, reworks, extensions, late_days"
)
# The primary key (valid_to, issue_id) makes "valid_to > :d" one range of the table.
_HOLDS = "s.valid_to > :d AND s.valid_from <= :d"


def as_of_view(
    conn: sqlite3.Connection, params: dict[str, Any], where: str = "", states: str = ""
) -> str:
    """`WITH a AS (…)`: one row per issue found on or before :d, as it stood on :d.

    `where` is a condition on the issues row `i`, `states` one on the interval `s` (its columns
    community_id, compound_id, unit_id, category, kind, serious, found and the state at :d);
    named parameters in `params`. Inside `snapshot(conn, d)` the rows come from the snapshot.
    """
    snap = _has_snapshot(conn, params["d"])
    source = "temp.issue_snapshot" if snap else "issue_states"
    holds = "s.d = :d" if snap else _HOLDS
    extra = f" AND ({states})" if states else ""
    if where:
        # The filter chooses the issues (by an index of issues); each one's interval is one seek.
        body = (
            f"SELECT {_STATE_COLUMNS} FROM issues i CROSS JOIN {source} s"
            f" WHERE s.issue_id = i.id AND {holds}{extra} AND ({where})"
        )
    else:
        body = f"SELECT {_STATE_COLUMNS} FROM {source} s WHERE {holds}{extra}"
    return f"\nWITH a AS ({body})\n"


# --- One snapshot per document ----------------------------------------------------------------
# A report reads the same date many times (the ranking's facts, the survey by community and by
# unit, the exposure board, the rework list): inside `snapshot` the state on that date is
# copied once into a TEMP table of this connection, keyed by date, and every reading of that
# date uses it.


def _has_snapshot(conn: sqlite3.Connection, d: str) -> bool:
    try:
        return (
            conn.execute("SELECT 1 FROM temp.issue_snapshot_dates WHERE d = ?", (d,)).fetchone()
            is not None
        )
    except sqlite3.OperationalError:  # no snapshot was ever taken on this connection
        return False


class snapshot:
    """`with snapshot(conn, d):` -- readings as of `d` inside read the state copied once on entry.

    Only for readers: a write inside would not be seen by the readings of `d`.
    """

    def __init__(self, conn: sqlite3.Connection, as_of: date | str) -> None:
        self.conn, self.d, self.taken = conn, _iso(as_of), False

    def __enter__(self) -> snapshot:
        conn = self.conn
        if _has_snapshot(conn, self.d):
            return self
        first = conn.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE name = 'issue_snapshot'"
        ).fetchone()
        if first is None:
            # In a temporary file, through SQLite's own page cache. Held in memory, the copy
            # added its whole size to the report's peak (15 MB at 1k of 105); read back through
            # the cache it is as fast or faster, the operating system keeping the file's pages.
            # The pragma is set only on a connection with no temporary objects yet: changing it
            # drops another's temporary tables, or fails inside a transaction (an import keeps
            # its sheet in memory).
            if conn.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == 0:
                conn.execute("PRAGMA temp_store = FILE")
            conn.execute("CREATE TEMP TABLE issue_snapshot_dates (d TEXT PRIMARY KEY)")
            conn.execute(f"CREATE TEMP TABLE issue_snapshot (d TEXT NOT NULL, {_SNAPSHOT_COLUMNS})")
        # Appended in community and unit order: the readings that group by them sort rows that
        # are in order already (at 650,000 rows 0.5 s instead of 1.5 s each); a table keyed by
        # (d, community, unit, issue) cost 4.5 s of CPU to fill, this 3.4 s.
        conn.execute(
            f"INSERT INTO temp.issue_snapshot SELECT :d, {_SNAPSHOT_COLUMNS} FROM issue_states s"
            f" WHERE {_HOLDS} ORDER BY s.community_id, s.unit_id",
            {"d": self.d},
        )
        conn.execute("INSERT INTO temp.issue_snapshot_dates(d) VALUES (?)", (self.d,))
        self.taken = True
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.taken:
            return
        conn = self.conn
        conn.execute("DELETE FROM temp.issue_snapshot_dates WHERE d = ?", (self.d,))
        if conn.execute("SELECT 1 FROM temp.issue_snapshot_dates").fetchone() is None:
            # Dropping is instant; deleting 650,000 rows one by one took seconds.
            conn.execute("DROP TABLE temp.issue_snapshot")
            conn.execute("DROP TABLE temp.issue_snapshot_dates")
        else:
            conn.execute("DELETE FROM temp.issue_snapshot WHERE d = ?", (self.d,))


# --- Responsible parties: who may be responsible for a category -------------------------------


class _SqlLookup:
    """Name look-ups one at a time (the `issue add` path)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def community(self, name: str) -> Unit:
        return units.find_community(self.conn, name)

    def compound(self, community: Unit, name: str) -> Unit:
        return units.find_compound(self.conn, community, name)

    def compound_or_none(self, community: Unit, name: str) -> Unit | None:
        row = self.conn.execute(
            "SELECT id, name, kind, parent_id FROM units WHERE kind = 'compound' AND parent_id = ? AND name = ?",
            (community.id, name),
        ).fetchone()
        return Unit(*row) if row else None

    def unit(self, name: str) -> Unit:
        return units.find(
            self.conn, name, ("street", "community", "unit", "department", "enterprise")
        )

    def street(self, community: Unit) -> Unit:
        row = self.conn.execute(
            "SELECT id, name, kind, parent_id FROM units WHERE id = ?", (community.parent_id,)
        ).fetchone()
        return Unit(*row)

    def linked(self, community: Unit) -> list[Unit]:
        return [
            Unit(*r)
            for r in self.conn.execute(
                "SELECT u.id, u.name, u.kind, u.parent_id FROM unit_links l JOIN units u ON u.id = l.unit_id"
                " WHERE l.community_id = ? AND u.kind = 'unit' ORDER BY l.is_lead DESC, u.id",
                (community.id,),
            )
        ]

    def lead(self, community: Unit) -> Unit | None:
        return units.lead_unit(self.conn, community.id)

    def departments(self) -> list[Unit]:
        return [
            Unit(*r)
            for r in self.conn.execute(
                "SELECT id, name, kind, parent_id FROM units WHERE kind = 'department' ORDER BY id"
            )
        ]


class _Registry:
    """Every unit loaded once into dicts (the import path: one look-up per row costs nothing)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        # A name not in the dicts as written is looked up as `issue add` does (normalised,
        # traditional spellings) and refused with the same suggestions.
        self.slow = _SqlLookup(conn)
        self.named: dict[str, Unit] = {}
        self.compounds: dict[tuple[int, str], Unit] = {}
        self.by_id: dict[int, Unit] = {}
        for r in conn.execute("SELECT id, name, kind, parent_id FROM units"):
            u = Unit(*r)
            self.by_id[u.id] = u
            if u.kind == "compound":
                self.compounds[(u.parent_id, u.name)] = u  # type: ignore[index]
            else:
                self.named[u.name] = u
        self.links: dict[int, list[Unit]] = {}
        self.leads: dict[int, Unit] = {}
        for unit_id, community_id, is_lead in conn.execute(
            "SELECT l.unit_id, l.community_id, l.is_lead FROM unit_links l JOIN units u ON u.id = l.unit_id"
            " WHERE u.kind = 'unit' ORDER BY l.is_lead DESC, u.id"
        ):
            self.links.setdefault(community_id, []).append(self.by_id[unit_id])
            if is_lead:
                self.leads[community_id] = self.by_id[unit_id]
        self._departments = [u for u in self.by_id.values() if u.kind == "department"]

    def community(self, name: str) -> Unit:
        u = self.named.get(name.strip())
        if u is None or u.kind != "community":
            return self.slow.community(name)
        return u

    def compound(self, community: Unit, name: str) -> Unit:
        u = self.compound_or_none(community, name)
        if u is None:
            return self.slow.compound(community, name)
        return u

    def compound_or_none(self, community: Unit, name: str) -> Unit | None:
        name = name.strip()
        if "/" in name:  # 社区/小区
            owner, _sep, name = name.partition("/")
            if owner.strip() != community.name:
                return None
        return self.compounds.get((community.id, name.strip()))

    def unit(self, name: str) -> Unit:
        u = self.named.get(name.strip())
        if u is None:
            return self.slow.unit(name)
        return u

    def street(self, community: Unit) -> Unit:
        return self.by_id[community.parent_id]  # type: ignore[index]

    def linked(self, community: Unit) -> list[Unit]:
        return self.links.get(community.id, [])

    def lead(self, community: Unit) -> Unit | None:
        return self.leads.get(community.id)

    def departments(self) -> list[Unit]:
        return self._departments


def _names(found: list[Unit]) -> str:
    return _("、").join(u.name for u in found) or _("（无）")


def responsible_party(look: Any, community: Unit, category: int, unit_name: str | None) -> Unit:
    """The responsible party for an issue of `category` in `community` (the fit rule).

    1 → the community itself or one of its compounds; 2 → the street office of that community;
    3 → a co-construction unit linked to that community; 4 → a functional department.
    Without a name: 1 → the community, 2 → its street, 3 → its lead unit, 4 → refused.
    """
    name = (unit_name or "").strip()
    if category == 1:
        if not name or name == community.name:
            return community
        owner, slash, own = name.partition("/")  # a compound may be written 社区/小区
        compound = None
        if not slash:
            compound = look.compound_or_none(community, name)
        elif owner.strip() == community.name:
            compound = look.compound_or_none(community, own.strip())
        if compound is not None:
            return compound
        raise Invalid(
            _(
                "类别 1（社区/小区）的责任方应为社区“{community}”本身或它的小区，“{name}”不是。"
            ).format(community=community.name, name=name)
        )
    if category == 2:
        street = look.street(community)
        if not name:
            return street
        unit = look.unit(name)
        if unit.id != street.id:
            raise Invalid(
                _(
                    "类别 2（街道）的责任方应为社区“{community}”所属的“{street}”，“{name}”不是。"
                ).format(community=community.name, street=street.name, name=name)
            )
        return unit
    if category == 3:
        linked = look.linked(community)
        if not name:
            lead = look.lead(community)
            if lead is None:
                raise Invalid(
                    _(
                        "社区“{community}”没有牵头单位，类别 3 的问题要指明责任单位，可选：{names}。"
                    ).format(community=community.name, names=_names(linked))
                )
            return lead
        unit = look.unit(name)
        if unit.kind != "unit" or all(u.id != unit.id for u in linked):
            raise Invalid(
                _(
                    "类别 3（共建单位）的责任单位应为与社区“{community}”共建的单位（{names}），“{name}”不是。"
                ).format(community=community.name, names=_names(linked), name=name)
            )
        return unit
    departments = look.departments()
    if not name:
        raise Invalid(
            _("类别 4（职能部门）的问题要指明责任部门，可选：{names}。").format(
                names=_names(departments)
            )
        )
    unit = look.unit(name)
    if unit.kind != "department":
        raise Invalid(
            _("类别 4（职能部门）的责任单位应为职能部门（{names}），“{name}”不是。").format(
                names=_names(departments), name=name
            )
        )
    return unit


_NOT_WORDS = re.compile(r"[\s\W_]+")


def description_key(text: str) -> str:
    """What two descriptions of the same problem share: NFKC, case, spacing and punctuation aside
    (“楼道堆放杂物。” and “楼道 堆放杂物” are one problem)."""
    return _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text).casefold())


def open_issue_like(conn: sqlite3.Connection, community_id: int, description: str):
    """The lowest-numbered issue not yet closed or cancelled in the community whose description
    has the same `description_key`, or None."""
    key = description_key(description)
    for row in conn.execute(
        "SELECT id, description FROM issues WHERE community_id = ? AND status IN ('open', 'resolved')"
        " ORDER BY id",
        (community_id,),
    ):
        if description_key(row[1]) == key:
            return {"id": row[0], "description": row[1]}
    return None


def _clean(text: str | None) -> str | None:
    # Only the ends are trimmed: what people wrote (line breaks included) is kept as written.
    if text is None:
        return None
    text = str(text).strip()
    return text or None


# --- Logging ----------------------------------------------------------------------------------


def add_issue(
    conn: sqlite3.Connection,
    description: str,
    *,
    community: str,
    category: int | str,
    due: date | str | None = None,
    compound: str | None = None,
    location: str | None = None,
    unit: str | None = None,
    found: date | str | None = None,
    kind: str | None = None,
    serious: bool = False,
    inspection: int | None = None,
    note: str | None = None,
    limits: TimeLimits | None = None,
    refuse_duplicate: bool = False,
) -> int:
    """Log a surveyed problem (立案); returns its id. Every rule is checked before anything is written.

    Without `found`, the problem was found today -- or, with `inspection`, on the inspection's date.
    Without `due`, the time limit of its kind, else category, else the default (`limits`) sets it.
    With `refuse_duplicate`, an issue still open in the same community with the same description
    (see `description_key`) is refused with its id: typing a survey sheet twice is the usual slip.
    """
    text = _clean(description)
    if not text:
        raise Invalid(_("问题描述不能为空。"))
    look = _SqlLookup(conn)
    where = look.community(community)
    if refuse_duplicate:
        same = open_issue_like(conn, where.id, text)
        if same is not None:
            raise Conflict(
                _(
                    "{community}已有相同描述的未结案问题 {id}（{description}）；确属另一处问题请加 --allow-duplicate。"
                ).format(community=where.name, id=same["id"], description=same["description"])
            )
    place = look.compound(where, compound.strip()) if compound and compound.strip() else None
    cat = parse_category(category)
    party = responsible_party(look, where, cat, unit)
    inspected_on: str | None = None
    if inspection is not None:
        row = conn.execute(
            "SELECT i.community_id, i.inspected_on, c.name FROM inspections i JOIN units c ON c.id = i.community_id"
            " WHERE i.id = ?",
            (inspection,),
        ).fetchone()
        if row is None:
            raise NotFound(_("找不到检查记录 {id}。").format(id=inspection))
        if row[0] != where.id:
            raise Invalid(
                _("检查记录 {id} 是对社区“{other}”的检查，不是“{community}”。").format(
                    id=inspection, other=row[2], community=where.name
                )
            )
        inspected_on = row[1]
    found_on = (
        parse_date(found)
        if found is not None
        else (date.fromisoformat(inspected_on) if inspected_on else today())
    )
    not_in_future(found_on, _("发现"))
    due_on = parse_date(due) if due is not None else default_due(limits, kind, cat, found_on)[0]
    if due_on < found_on:
        raise Invalid(
            _("整改时限 {due} 早于发现日期 {found}。").format(
                due=due_on.isoformat(), found=found_on.isoformat()
            )
        )
    return _insert(
        conn,
        [
            (
                text,
                where.id,
                place.id if place else None,
                _clean(location),
                cat,
                party.id,
                _clean(kind),
                found_on.isoformat(),
                due_on.isoformat(),
                int(bool(serious)),
                inspection,
                _clean(note),
            )
        ],
    )


def default_due(
    limits: TimeLimits | None, kind: str | None, category: int, found: date
) -> tuple[date, TimeLimit, list[int]]:
    """The due date the rules' time limits give; the rule used; years the calendar does not know."""
    from .timelimits import due_from

    rule = limits.rule_for(_clean(kind), category) if limits else None
    if rule is None:
        raise Invalid(
            _("没有给出整改时限（--due），规则文件 [issues.time_limits] 也没有适用的时限。")
        )
    due_on, unknown = due_from(found, rule)
    return due_on, rule, unknown


def due_rule(
    conn: sqlite3.Connection, issue_id: int, limits: TimeLimits
) -> tuple[TimeLimit, list[int]]:
    """Which time limit set a stored issue's original due date, and the unknown years it crossed."""
    kind, category, found = conn.execute(
        "SELECT kind, category, found FROM issues WHERE id = ?", (issue_id,)
    ).fetchone()
    _due, rule, unknown = default_due(limits, kind, category, date.fromisoformat(found))
    return rule, unknown


_INSERT_ISSUE = (
    "INSERT INTO issues(id, description, community_id, compound_id, location, category, unit_id, kind, found,"
    " due, original_due, serious, inspection_id, last_event_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CREATE = (
    "INSERT INTO issue_events(issue_id, event, happened_on, note) VALUES (?, 'create', ?, ?)"
)


def _insert(
    conn: sqlite3.Connection, records: list[tuple], *, bulk: bool = False, compact: bool = False
) -> int:
    """Insert new issues with their create events; returns the first new id.

    records: (description, community_id, compound_id, location, category, unit_id, kind, found,
    due, serious, inspection_id, note). Ids are given explicitly (the caller holds the write lock)
    so that each create event can name its issue without a round trip per row. bulk: audited
    set-based; compact: with one audit row per table (schema.compact_audit).
    """
    from contextlib import nullcontext

    from .schema import bulk_insert

    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issues").fetchone()[0]
    # A sheet is audited set-based; one issue keeps the ordinary per-row triggers.
    with bulk_insert(conn, ["issues", "issue_events"], compact=compact) if bulk else nullcontext():
        conn.executemany(
            _INSERT_ISSUE,
            (
                (
                    first + n,
                    r[0],
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[8],
                    r[9],
                    r[10],
                    r[7],
                )
                for n, r in enumerate(records)
            ),
        )
        conn.executemany(_INSERT_CREATE, ((first + n, r[7], r[11]) for n, r in enumerate(records)))
    return first


def _insert_from(conn: sqlite3.Connection, source: str, *, compact: bool = False) -> int:
    """Insert new issues with their create events from a query, set-based (an import's TEMP
    table); returns how many. The query gives, in order, columns named description,
    community_id, compound_id, location, category, unit_id, kind, found, due, serious,
    inspection_id, note and uid (NULL: a new one). The same columns as _insert, with ids given
    in the query's order, so the rows are audited like _insert(bulk=True)'s."""
    from .schema import UID, bulk_insert

    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM issues").fetchone()[0]
    conn.execute("DROP TABLE IF EXISTS temp.new_issues")
    # Materialised once: rowid 1, 2, … is the query's order, so issue i is first - 1 + rowid.
    conn.execute(f"CREATE TEMP TABLE new_issues AS SELECT * FROM ({source})")
    try:
        with bulk_insert(conn, ["issues", "issue_events"], compact=compact):
            n = conn.execute(
                "INSERT INTO issues(id, description, community_id, compound_id, location, category,"
                " unit_id, kind, found, due, original_due, serious, inspection_id, last_event_on, uid)"
                " SELECT ? - 1 + rowid, description, community_id, compound_id, location, category,"
                " unit_id, kind, found, due, due, serious, inspection_id, found,"
                f" coalesce(uid, {UID}) FROM temp.new_issues ORDER BY rowid",
                (first,),
            ).rowcount
            conn.execute(
                "INSERT INTO issue_events(issue_id, event, happened_on, note)"
                " SELECT ? - 1 + rowid, 'create', found, note FROM temp.new_issues ORDER BY rowid",
                (first,),
            )
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.new_issues")
    return n


def brief(conn: sqlite3.Connection, issue_id: int) -> dict[str, Any]:
    """The few facts `issue add` echoes back: community, category, responsible unit, due date."""
    row = conn.execute(
        "SELECT c.name, i.category, u.name, i.due FROM issues i JOIN units c ON c.id = i.community_id"
        " JOIN units u ON u.id = i.unit_id WHERE i.id = ?",
        (issue_id,),
    ).fetchone()
    if row is None:
        raise NotFound(_("找不到问题 {id}。").format(id=issue_id))
    return {"id": issue_id, "community": row[0], "category": row[1], "unit": row[2], "due": row[3]}


# --- Lifecycle --------------------------------------------------------------------------------

_ALLOWED = {
    "resolve": ("open",),
    "verify": ("resolved",),
    "notify": ("open",),
    "extend": ("open",),
    "reassign": ("open",),
    "cancel": ("open", "resolved"),
}


def _action_label(action: str) -> str:
    return {
        "resolve": _("报整改完成"),
        "verify": _("核查"),
        "notify": _("发整改通知"),
        "extend": _("延期"),
        "reassign": _("改派"),
        "cancel": _("作废"),
    }[action]


def _load(conn: sqlite3.Connection, issue_id: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT id, community_id, category, unit_id, status, found, due, last_event_on FROM issues WHERE id = ?",
        (issue_id,),
    ).fetchone()
    if row is None:
        raise NotFound(_("找不到问题 {id}。").format(id=issue_id))
    keys = ("id", "community_id", "category", "unit_id", "status", "found", "due", "last_event_on")
    return dict(zip(keys, row))


def _check_transition(issue: dict[str, Any], action: str) -> None:
    status, n = issue["status"], issue["id"]
    if status in _ALLOWED[action]:
        return
    what = _action_label(action)
    if status == "closed":
        raise Invalid(_("问题 {id} 已结案，不能再{action}。").format(id=n, action=what))
    if status == "cancelled":
        raise Invalid(_("问题 {id} 已作废，不能再{action}。").format(id=n, action=what))
    if action == "verify":
        raise Invalid(
            _(
                "问题 {id} 还没有报整改完成（待整改），不能核查；请先运行 sqjg issue resolve {id}。"
            ).format(id=n)
        )
    if action == "resolve":
        raise Invalid(
            _("问题 {id} 已报整改完成，正等待核查；核查未通过后才能再次报整改。").format(id=n)
        )
    raise Invalid(
        _(
            "问题 {id} 已报整改完成、正等待核查，不能{action}；请先核查（sqjg issue verify {id}）。"
        ).format(id=n, action=what)
    )


def _event_date(issue: dict[str, Any], on: date | str | None, what: str) -> str:
    """The date an event happened: not in the future, not before the issue was found, and not
    before the issue's newest event (a history is recorded in date order, so that reading it
    back "as of" any date always gives a state the issue really passed through)."""
    d = parse_date(on) if on is not None else today()
    not_in_future(d, what)
    iso = d.isoformat()
    if iso < issue["found"]:
        raise Invalid(
            _("{what}日期 {date} 早于问题的发现日期 {found}。").format(
                what=what, date=iso, found=issue["found"]
            )
        )
    if iso < issue["last_event_on"]:
        raise Invalid(
            _(
                "{what}日期 {date} 早于问题 {id} 上一条记录的日期 {last}：记录须按日期先后登记。"
            ).format(what=what, date=iso, id=issue["id"], last=issue["last_event_on"])
        )
    return iso


def _record(
    conn: sqlite3.Connection,
    issue_id: int,
    event: str,
    on: str,
    *,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
    due: str | None = None,
) -> dict[str, Any]:
    conn.execute(
        "INSERT INTO issue_events(issue_id, event, happened_on, note, detail, due) VALUES (?, ?, ?, ?, ?, ?)",
        (
            issue_id,
            event,
            on,
            _clean(note),
            json.dumps(detail, ensure_ascii=False) if detail else None,
            due,
        ),
    )
    return _sync(conn, issue_id)


# What the history implies for the issues row's denormalised columns. The on-time flag is the
# definition of "closed on time" above: resolved on or before the due date in force at closing.
_DENORMALISED = (
    "status",
    "due",
    "resolved_on",
    "closed_on",
    "on_time",
    "notices",
    "reworks",
    "extensions",
    "late_days",
    "last_event_on",
)
_DERIVED_SQL = (
    "SELECT id, status, due,"
    " CASE WHEN status IN ('resolved', 'closed') THEN last_resolve END AS resolved_on,"
    " CASE WHEN status = 'closed' THEN last_close END AS closed_on,"
    " CASE WHEN status = 'closed' THEN coalesce(last_resolve <= due AND late_days = 0, 0) END AS on_time,"
    " notices, reworks, extensions, late_days, last_event_on"
    " FROM ("
    + _history(
        "i.id, " + ", ".join(f"{expr} AS {name}" for name, expr in _HISTORY.items()), "{which}"
    )
    + ")"
)


# A row that already says what its history implies is left alone: an undo has restored it from
# the audit trail before the history is derived again, and an unchanged update would still be
# audited, a "问题 N 修改" line in `sqjg log` that shows no change.
_SYNC_UPDATE = (
    "UPDATE issues SET "
    + ", ".join(f"{k} = :{k}" for k in _DENORMALISED)
    + ", updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = :id AND ("
    + " OR ".join(f"{k} IS NOT :{k}" for k in _DENORMALISED)
    + ")"
)


def _sync(conn: sqlite3.Connection, issue_id: int) -> dict[str, Any]:
    """Recompute the issues row's denormalised columns from its history (the same SQL as "as of")."""
    row = conn.execute(
        _DERIVED_SQL.format(which="i.id = :id"), {"d": FAR_FUTURE, "id": issue_id}
    ).fetchone()
    values = dict(zip(_DENORMALISED, row[1:]))
    conn.execute(_SYNC_UPDATE, {**values, "id": issue_id})
    return {"id": issue_id, **values}


def resolve_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    on: date | str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """The responsible side reports the problem fixed (整改完成): open → resolved."""
    issue = _load(conn, issue_id)
    _check_transition(issue, "resolve")
    return _record(conn, issue_id, "resolve", _event_date(issue, on, _("整改完成")), note=note)


def verify_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    passed: bool,
    on: date | str | None = None,
    note: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """On-site verification (核查): pass closes (结案); fail sends it back to open and counts a rework.

    `by` names the verifier, who must not belong to the responsible unit (independent verification).
    """
    issue = _load(conn, issue_id)
    _check_transition(issue, "verify")
    verifier = None
    if by is not None:
        if not by.strip():
            raise Invalid(_("核查人（--by）不能为空。"))
        verifier = normalize_name(by)
        _check_independent(conn, issue["unit_id"], verifier)
    event = "verify_pass" if passed else "verify_fail"
    when = _event_date(issue, on, _("核查"))
    detail = {"by": verifier} if verifier else None
    return _record(conn, issue_id, event, when, note=note, detail=detail)


def unit_people(conn: sqlite3.Connection, unit_id: int) -> dict[str, str]:
    """Name → role of everyone registered under a unit: the unit itself, its contact and head;
    a community's secretary and director; a street office's liaison leaders (on its communities)."""
    row = conn.execute(
        "SELECT name, kind, contact, head, secretary, director FROM units WHERE id = ?", (unit_id,)
    ).fetchone()
    people: dict[str, str] = {}
    roles = ((row[2], _("联系人")), (row[3], _("负责人")), (row[4], _("书记")), (row[5], _("主任")))
    for person, role in roles:
        if person:
            people.setdefault(_person_key(person), role)
    if row[1] == "street":
        for (person,) in conn.execute(
            "SELECT liaison FROM units WHERE kind = 'community' AND parent_id = ? AND liaison IS NOT NULL",
            (unit_id,),
        ):
            people.setdefault(_person_key(person), _("联系领导"))
    people[_person_key(row[0])] = _("本单位")
    return people


def _person_key(name: str) -> str:
    # People write 陈建国 and 陈 建国, 陳建國 and 陈建国 for the same person.
    return name_key(name).replace(" ", "")


def _check_independent(conn: sqlite3.Connection, unit_id: int, verifier: str) -> None:
    people = unit_people(conn, unit_id)
    key = _person_key(verifier)
    if key in people:
        unit = conn.execute("SELECT name FROM units WHERE id = ?", (unit_id,)).fetchone()[0]
        raise Invalid(
            _(
                "核查人“{by}”是责任单位“{unit}”的{role}，不能核查本单位的整改：请由其他人核查。"
            ).format(by=verifier, unit=unit, role=people[key])
        )


def notify_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    on: date | str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A notice to rectify (整改通知) sent to the responsible side; counted."""
    issue = _load(conn, issue_id)
    _check_transition(issue, "notify")
    return _record(conn, issue_id, "notify", _event_date(issue, on, _("整改通知")), note=note)


def extend_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    due: date | str,
    reason: str,
    on: date | str | None = None,
) -> dict[str, Any]:
    """Move the due date later (延期), counting an extension; the original due date is kept."""
    issue = _load(conn, issue_id)
    _check_transition(issue, "extend")
    why = _clean(reason)
    if not why:
        raise Invalid(_("延期要写明理由（--reason）。"))
    when = _event_date(issue, on, _("延期"))
    new_due = parse_date(due).isoformat()
    if new_due <= issue["due"]:
        raise Invalid(
            _("新的整改时限 {new} 应晚于现在的时限 {due}。").format(new=new_due, due=issue["due"])
        )
    if new_due < when:
        raise Invalid(
            _("新的整改时限 {new} 早于办理延期的日期 {date}。").format(new=new_due, date=when)
        )
    return _record(
        conn,
        issue_id,
        "extend",
        when,
        note=why,
        detail={"from_due": issue["due"], "due": new_due},
        due=new_due,
    )


def reassign_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    unit: str,
    category: int | str | None = None,
    on: date | str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Send the issue back and route it to another responsible party (回退/改派); same fit rule as add."""
    issue = _load(conn, issue_id)
    _check_transition(issue, "reassign")
    cat = parse_category(category) if category is not None else issue["category"]
    look = _SqlLookup(conn)
    row = conn.execute(
        "SELECT id, name, kind, parent_id FROM units WHERE id = ?", (issue["community_id"],)
    ).fetchone()
    community = Unit(*row)
    if not (unit or "").strip():
        raise Invalid(_("改派要指明新的责任单位（--unit）。"))
    party = responsible_party(look, community, cat, unit)
    if party.id == issue["unit_id"] and cat == issue["category"]:
        raise Invalid(
            _("问题 {id} 的责任单位已是“{unit}”（类别 {category}）。").format(
                id=issue_id, unit=party.name, category=cat
            )
        )
    when = _event_date(issue, on, _("改派"))
    old_name = conn.execute("SELECT name FROM units WHERE id = ?", (issue["unit_id"],)).fetchone()[
        0
    ]
    conn.execute(
        "UPDATE issues SET unit_id = ?, category = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
        (party.id, cat, issue_id),
    )
    detail = {
        "from_unit_id": issue["unit_id"],
        "from_unit": old_name,
        "from_category": issue["category"],
        "unit_id": party.id,
        "unit": party.name,
        "category": cat,
    }
    result = _record(conn, issue_id, "reassign", when, note=note, detail=detail)
    result["unit"] = party.name
    result["category"] = cat
    return result


# What `issue edit` may correct, with the label its history shows. Category and unit change
# only through reassign (routing is an event with consequences); dates only through extend.
EDITABLE = {
    "description": N_("问题"),
    "location": N_("地点"),
    "compound": N_("小区"),
    "kind": N_("类型"),
    "serious": N_("严重"),
}


def edit_issue(
    conn: sqlite3.Connection,
    issue_id: int,
    *,
    description: str | None = None,
    location: str | None = None,
    compound: str | None = None,
    kind: str | None = None,
    serious: bool | None = None,
    note: str | None = None,
) -> dict[str, list[Any]]:
    """Correct what an issue says (a typo in its description, the wrong compound); returns the
    changes as {field: [before, after]}. An empty location, compound or kind clears it."""
    issue = _load(conn, issue_id)
    row = conn.execute(
        "SELECT i.description, i.location, c.name, i.kind, i.serious FROM issues i"
        " LEFT JOIN units c ON c.id = i.compound_id WHERE i.id = ?",
        (issue_id,),
    ).fetchone()
    now = dict(zip(("description", "location", "compound", "kind", "serious"), row))
    now["serious"] = bool(now["serious"])
    wanted: dict[str, Any] = {}
    if description is not None:
        wanted["description"] = _clean(description)
        if not wanted["description"]:
            raise Invalid(_("问题描述不能为空。"))
    for key, value in (("location", location), ("kind", kind)):
        if value is not None:
            wanted[key] = _clean(value)
    compound_id = None
    if compound is not None:
        name = _clean(compound)
        if name:
            where = Unit(
                *conn.execute(
                    "SELECT id, name, kind, parent_id FROM units WHERE id = ?",
                    (issue["community_id"],),
                ).fetchone()
            )
            place = _SqlLookup(conn).compound(where, name)
            compound_id, name = place.id, place.name
        wanted["compound"] = name
    if serious is not None:
        wanted["serious"] = bool(serious)
    if not wanted:
        raise Invalid(
            _(
                "没有要修改的内容：请用 --description、--location、--compound、--kind 或 --serious/--not-serious。"
            )
        )
    changes = {k: [now[k], v] for k, v in wanted.items() if now[k] != v}
    if not changes:
        raise Invalid(_("问题 {id} 已是这样，未修改。").format(id=issue_id))
    columns = {"compound": "compound_id"}
    values = {
        k: (compound_id if k == "compound" else int(v) if k == "serious" else v)
        for k, (_o, v) in changes.items()
    }
    sets = ", ".join(f"{columns.get(k, k)} = ?" for k in values)
    conn.execute(
        f"UPDATE issues SET {sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
        (*values.values(), issue_id),
    )
    conn.execute(
        "INSERT INTO issue_edits(issue_id, happened_on, changes, note) VALUES (?, ?, ?, ?)",
        (issue_id, today().isoformat(), json.dumps(changes, ensure_ascii=False), _clean(note)),
    )
    return changes


def undo_events(conn: sqlite3.Connection, event_ids: list[int]) -> None:
    """Take events recorded by mistake out of their issues' history (sqjg undo). They stay on
    the hash chain: undone_events names them, issue_history leaves them out (its trigger
    refills the issue's intervals), and each issue's row is derived again from what is left."""
    rows = conn.execute(
        "SELECT id, issue_id, happened_on FROM issue_events"
        " WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(event_ids),),
    ).fetchall()
    conn.executemany(
        "INSERT INTO undone_events(event_id, issue_id, happened_on) VALUES (?, ?, ?)", rows
    )
    for issue_id in sorted({r[1] for r in rows}):
        _sync(conn, issue_id)


def cancel_issue(
    conn: sqlite3.Connection, issue_id: int, *, reason: str, on: date | str | None = None
) -> dict[str, Any]:
    """Cancel an issue logged by mistake (作废: a duplicate, not a problem). Kept, never counted."""
    issue = _load(conn, issue_id)
    _check_transition(issue, "cancel")
    why = _cancel_reason(reason)
    return _record(conn, issue_id, "cancel", _event_date(issue, on, _("作废")), note=why)


def _cancel_reason(reason: str) -> str:
    why = _clean(reason)
    if not why:
        raise Invalid(_("作废要写明理由（--reason）。"))
    return why


def cancel_issues(conn: sqlite3.Connection, issue_ids: list[int], *, reason: str) -> None:
    """cancel_issue, today, for many issues at once (the issues of an import being undone): the
    same checks and the same rows, with the cancel events inserted by one statement and audited,
    chained and turned into intervals set-based (schema.bulk_insert), then every row derived
    again by one query. Undoing a 50,000-row sheet took 33 s one by one, 21 s this way."""
    from .schema import bulk_insert

    ids = sorted(set(issue_ids))
    if len(ids) == 1:
        # One issue takes the per-row path every handling command takes: dropping and recreating
        # the insert triggers would cost more than it saves.
        cancel_issue(conn, ids[0], reason=reason)
        return
    why = _cancel_reason(reason)
    if not ids:
        return
    on = None
    for issue_id in ids:
        issue = _load(conn, issue_id)
        _check_transition(issue, "cancel")
        on = _event_date(issue, None, _("作废"))
    chosen = json.dumps(ids)
    with bulk_insert(conn, ["issue_events"]):
        conn.execute(
            "INSERT INTO issue_events(issue_id, event, happened_on, note)"
            " SELECT value, 'cancel', ?, ? FROM json_each(?) ORDER BY value",
            (on, why, chosen),
        )
    derived = conn.execute(
        _DERIVED_SQL.format(which="i.id IN (SELECT value FROM json_each(:ids))"),
        {"d": FAR_FUTURE, "ids": chosen},
    ).fetchall()
    conn.executemany(
        _SYNC_UPDATE, ({**dict(zip(_DENORMALISED, row[1:])), "id": row[0]} for row in derived)
    )


# --- Reading ----------------------------------------------------------------------------------

_LIST_SELECT = f"""
SELECT a.id, i.description, c.name AS community, s.name AS street, p.name AS compound, i.location,
       a.category, u.name AS unit, u.kind AS unit_kind, a.kind, a.found, a.due_d AS due,
       i.original_due, a.status_d AS status, {OVERDUE} AS overdue,
       CASE WHEN a.status_d = 'closed' THEN a.on_time END AS on_time,
       a.notices_d AS notices, a.reworks_d AS reworks, a.extensions_d AS extensions, a.serious,
       a.resolved_d AS resolved_on, a.closed_d AS closed_on, {DAYS_OVERDUE} AS days_overdue,
       {ON_BOARD} AS exposed, i.inspection_id
FROM a
JOIN issues i ON i.id = a.id
JOIN units c ON c.id = a.community_id
LEFT JOIN units s ON s.id = c.parent_id
LEFT JOIN units p ON p.id = a.compound_id
JOIN units u ON u.id = a.unit_id
"""

# The JSON shape of an issue (the keys scripts first relied on, then the extra keys).
ISSUE_KEYS = [
    "id",
    "description",
    "community",
    "compound",
    "location",
    "category",
    "unit",
    "kind",
    "found",
    "due",
    "status",
    "overdue",
    "on_time",
    "notices",
    "reworks",
    "extensions",
    "serious",
    "street",
    "original_due",
    "resolved_on",
    "closed_on",
    "days_overdue",
    "inspection_id",
    "flags",
]

# Flags an issue can carry (codes in JSON, labels for people); `issue list --flag CODE` filters.
# 多次返工: the fix failed verification this many times, a case for the committee, not the unit.
REWORK_FLAG_AT = 3
FLAGS = {"rework": N_("多次返工")}
_FLAG_ALIASES = {"rework": "rework", "多次返工": "rework", "返工": "rework"}
_FLAG_SQL = {"rework": f"a.reworks_d >= {REWORK_FLAG_AT}"}


def parse_flag(value: str) -> str:
    code = _FLAG_ALIASES.get(value.strip().lower()) if value else None
    if code is None:
        raise Invalid(
            _("标记“{value}”无效：应为 {choices}。").format(
                value=value,
                choices=_("、").join(f"{k}（{_(v)}）" for k, v in FLAGS.items()),
            )
        )
    return code


def flag_labels(flags: list[str]) -> str:
    return _("、").join(_(FLAGS[f]) for f in flags)


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row[k] for k in ISSUE_KEYS if k != "flags"}
    out["overdue"] = bool(row["overdue"])
    out["serious"] = bool(row["serious"])
    out["on_time"] = None if row["on_time"] is None else bool(row["on_time"])
    out["flags"] = ["rework"] if row["reworks"] >= REWORK_FLAG_AT else []
    return out


def _filters(
    conn: sqlite3.Connection,
    *,
    community: str | None = None,
    street: str | None = None,
    compound: str | None = None,
    category: int | str | None = None,
    unit: str | None = None,
    kind: str | None = None,
    issue_id: int | None = None,
    search: str | None = None,
) -> tuple[list[str], dict[str, Any]]:
    """Conditions on the issues row `i` for the common filters (names resolved once)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    c: Unit | None = None
    if community:
        c = units.find_community(conn, community)
        where.append("i.community_id = :community")
        params["community"] = c.id
    if street:
        s = units.find_street(conn, street)
        where.append(
            "i.community_id IN (SELECT id FROM units WHERE kind = 'community' AND parent_id = :street)"
        )
        params["street"] = s.id
    if compound:
        p = (
            units.find_compound(conn, c, compound)
            if c
            else units.find(conn, compound, ("compound",))
        )
        where.append("i.compound_id = :compound")
        params["compound"] = p.id
    if category is not None and category != "":
        where.append("i.category = :category")
        params["category"] = parse_category(category)
    if unit:
        u = units.find(conn, unit)
        where.append("i.unit_id = :unit")
        params["unit"] = u.id
    if kind:
        where.append("i.kind = :kind")
        params["kind"] = kind.strip()
    if issue_id is not None:
        where.append("i.id = :issue_id")
        params["issue_id"] = issue_id
    if search and search.strip():
        # instr, not the trigram index: any length of text matches, one or two characters too.
        where.append(
            "(instr(i.description, :search) OR instr(coalesce(i.location, ''), :search)"
            " OR instr(coalesce(i.kind, ''), :search))"
        )
        params["search"] = unicodedata.normalize("NFKC", search.strip())
    return where, params


# The list's overdue is what a clerk chases: still open and past due now. Closed after the due
# date is late; past_due (both, and the fixed-late ones awaiting verification) is the
# definition the figures use, for the reports.
_LIST_CONDITIONS = {
    "overdue": OVERDUE_PENDING,
    "late": "(a.status_d = 'closed' AND a.on_time = 0)",
    "past_due": OVERDUE,
}


def list_issues(
    conn: sqlite3.Connection,
    *,
    as_of: date | str | None = None,
    status: str | None = None,
    exposure_notices: int = 3,
    flag: str | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Issues found on or before `as_of` (default today), each as it stood on that date, by id.

    Filters: community, street, compound, category, unit, kind, issue_id (all by name except the
    last) and status (open|resolved|closed|cancelled|overdue|late, as of the date; past_due for
    the figures' definition). Without a status
    every issue is listed, whatever its state. Rows carry ISSUE_KEYS.
    """
    d = _iso(as_of)
    where, params = _filters(conn, **filters)
    params.update(d=d, first=FAR_PAST, notices=exposure_notices)
    outer = ""
    if status:
        st = status if status == "past_due" else parse_status(status)
        if st in _LIST_CONDITIONS:
            outer = f" WHERE {_LIST_CONDITIONS[st]}"
        else:
            outer = " WHERE a.status_d = :status"
            params["status"] = st
    if flag:
        outer += (" AND " if outer else " WHERE ") + _FLAG_SQL[parse_flag(flag)]
    sql = as_of_view(conn, params, " AND ".join(where)) + _LIST_SELECT + outer + " ORDER BY a.id"
    cur = conn.execute(sql, params)
    names = [c[0] for c in cur.description]
    return [_shape(dict(zip(names, r))) for r in cur]


def search_sort_limit(
    rows: list[dict[str, Any]],
    *,
    search: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Listed issues narrowed to those whose description, location or kind hold every word of
    `search` (NFKC, any case), ordered by due date, found date or days overdue (most first), at
    most `limit` of them. Ties keep the id order."""
    if search:
        words = [w for w in unicodedata.normalize("NFKC", search).casefold().split() if w]

        def hay(r: dict[str, Any]) -> str:
            text = " ".join(str(r.get(k) or "") for k in ("description", "location", "kind"))
            return unicodedata.normalize("NFKC", text).casefold()

        rows = [r for r in rows if all(w in hay(r) for w in words)]
    if sort == "due":
        rows = sorted(rows, key=lambda r: r["due"])
    elif sort == "found":
        rows = sorted(rows, key=lambda r: r["found"])
    elif sort == "days-overdue":
        rows = sorted(rows, key=lambda r: -(r["days_overdue"] or 0))
    return rows[:limit] if limit is not None else rows


def todo_for_unit(
    conn: sqlite3.Connection, unit: str, as_of: date | str | None = None
) -> dict[str, Any]:
    """A responsible party's open issues on a date, by due date, each with the days left (negative:
    days overdue), its notices and its community's secretary and director to call. The list a
    clerk sends to the unit."""
    party = _SqlLookup(conn).unit(unit)
    d = _iso(as_of)
    rows = list_issues(conn, as_of=d, status="open", unit=party.name)
    people = {
        r[0]: (r[1], r[2])
        for r in conn.execute(
            "SELECT name, secretary, director FROM units WHERE kind = 'community'"
        )
    }
    day = date.fromisoformat(d)
    items = []
    for r in sorted(rows, key=lambda r: (r["due"], r["id"])):
        secretary, director = people.get(r["community"], (None, None))
        items.append(
            {
                "id": r["id"],
                "community": r["community"],
                "compound": r["compound"],
                "description": r["description"],
                "location": r["location"],
                "due": r["due"],
                "days_left": (date.fromisoformat(r["due"]) - day).days,
                "notices": r["notices"],
                "secretary": secretary,
                "director": director,
            }
        )
    return {"unit": party.name, "as_of": d, "issues": items}


def show_issue(conn: sqlite3.Connection, issue_id: int) -> dict[str, Any]:
    """One issue as it stands today and its whole history: {"issue": {...}, "events": [...]}."""
    _load(conn, issue_id)
    d = max(
        today().isoformat(),
        conn.execute("SELECT last_event_on FROM issues WHERE id = ?", (issue_id,)).fetchone()[0],
    )
    found = list_issues(conn, as_of=d, issue_id=issue_id)
    issue = found[0]
    events = []
    for r in conn.execute(
        "SELECT id, event, happened_on, note, detail, due FROM issue_history WHERE issue_id = ?"
        " ORDER BY happened_on, id",
        (issue_id,),
    ):
        events.append(
            {
                "id": r[0],
                "event": r[1],
                "date": r[2],
                "note": r[3],
                "detail": json.loads(r[4]) if r[4] else None,
                "due": r[5],
            }
        )
    # Corrections are in the history too, after the events of their day (they were typed later).
    edits = [
        {
            "id": r[0],
            "event": "edit",
            "date": r[1],
            "note": r[3],
            "detail": json.loads(r[2]),
            "due": None,
        }
        for r in conn.execute(
            "SELECT id, happened_on, changes, note FROM issue_edits WHERE issue_id = ? ORDER BY id",
            (issue_id,),
        )
    ]
    events = sorted(events + edits, key=lambda e: (e["date"], e["event"] == "edit"))
    return {"issue": issue, "events": events}


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


# Per-group counts for `summary`, each from THE DEFINITIONS.
_SUMMARY_FIGURES = {
    "total": COUNTED,
    "category_1": f"{COUNTED} AND a.category = 1",
    "category_2": f"{COUNTED} AND a.category = 2",
    "category_3": f"{COUNTED} AND a.category = 3",
    "category_4": f"{COUNTED} AND a.category = 4",
    "open": "a.status_d = 'open'",
    "resolved": "a.status_d = 'resolved'",
    "closed": "a.status_d = 'closed'",
    "cancelled": "a.status_d = 'cancelled'",
    "overdue": OVERDUE,
    "overdue_pending": OVERDUE_PENDING,
    "due": DUE_IN,
    "closed_due": f"{DUE_IN} AND a.status_d = 'closed'",
    "on_time_due": f"{DUE_IN} AND {ON_TIME}",
    "reworked": REWORKED,
    "resolved_ever": EVER_RESOLVED,
    "extended": EXTENDED,
    "exposure": ON_BOARD,
}
SUMMARY_COUNTS = list(_SUMMARY_FIGURES)
SUMMARY_RATES = [
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "overdue_pending_rate",
    "extension_rate",
]

# Group keys. The unary + keeps SQLite from walking an index of issues to group (random reads of
# the whole table); a scan and a sort is several times faster (EXPLAIN QUERY PLAN: SCAN i, USE
# TEMP B-TREE FOR GROUP BY).
_GROUPS = {
    "community": ("+a.community_id", "community"),
    "street": ("(SELECT parent_id FROM units WHERE id = a.community_id)", "street"),
    "unit": ("+a.unit_id", None),
    "compound": ("+a.compound_id", "compound"),
    "kind": ("coalesce(a.kind, '')", "kind"),
}


def _group_key(conn: sqlite3.Connection, by: str, d: str) -> str:
    """The group key of `by`; over a snapshot, whose rows are in community and unit order, the
    plain column (a sort of rows already in order is cheap)."""
    key = _GROUPS[_check_by(by)][0]
    if by in ("community", "unit") and _has_snapshot(conn, d):
        return key.removeprefix("+")
    return key


def _check_by(by: str) -> str:
    if by not in _GROUPS:
        raise Invalid(_("--by 只能是以下之一：{choices}。").format(choices=_("、").join(_GROUPS)))
    return by


def _grouped(
    conn: sqlite3.Connection,
    by: str,
    figures: dict[str, str],
    params: dict[str, Any],
    states: str = "",
) -> dict[int, dict[str, int]]:
    key = _group_key(conn, by, params["d"])
    cols = ", ".join(f"count(*) FILTER (WHERE {expr}) AS {name}" for name, expr in figures.items())
    sql = (
        as_of_view(conn, params, states=states) + f"SELECT {key} AS gid, {cols} FROM a GROUP BY gid"
    )
    cur = conn.execute(sql, params)
    names = [c[0] for c in cur.description][1:]
    return {r[0]: dict(zip(names, r[1:])) for r in cur if r[0] is not None}


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    """The five indicators (see `summary`)."""
    row["closure_rate"] = _rate(row["closed_due"], row["due"])
    row["on_time_rate"] = _rate(row["on_time_due"], row["due"])
    row["rework_rate"] = _rate(row["reworked"], row["resolved_ever"])
    row["overdue_pending_rate"] = _rate(row["overdue_pending"], row["due"])
    row["extension_rate"] = _rate(row["extended"], row["total"])
    return row


def summary(
    conn: sqlite3.Connection,
    as_of: date | str | None = None,
    *,
    by: str = "community",
    exposure_notices: int = 3,
) -> list[dict[str, Any]]:
    """The survey report (排查情况) as of a date: one row per community (street, unit, compound or
    kind tag with `by`; a kind row's id is the tag), then the city total (level "total").

    Counts: total (not cancelled), category_1..4, open/resolved/closed/cancelled (state at the
    date), overdue, overdue_pending, due (due by the date), closed_due, on_time_due, reworked,
    resolved_ever, extended, exposure. Indicators (fractions 0-1, None when the denominator is 0):
      closure_rate 结案率            = closed_due / due       (closed among issues due by the date)
      on_time_rate 按期结案率        = on_time_due / due      (closed on time among them)
      rework_rate 返工率             = reworked / resolved_ever (issues ever reported fixed)
      overdue_pending_rate 超期待处置率 = overdue_pending / due
      extension_rate 延期率          = extended / total
    Cancelled issues are in no numerator or denominator. By community and street every one is
    listed, with zeros when it has no issues, and so is every kind of the speech (KIND_TAGS); by
    unit or compound only those with issues.
    """
    return summaries(conn, as_of, (by,), exposure_notices=exposure_notices)[by]


def summaries(
    conn: sqlite3.Connection,
    as_of: date | str | None,
    bys: Sequence[str],
    *,
    exposure_notices: int = 3,
) -> dict[str, list[dict[str, Any]]]:
    """`summary` by each of `bys` from one grouped query (grouped by all of them at once, then
    summed per grouping): a report that shows the survey by community and by unit reads the
    date once."""
    bys = [_check_by(b) for b in bys]
    params = {"d": _iso(as_of), "first": FAR_PAST, "notices": exposure_notices}
    keys = ", ".join(f"{_group_key(conn, b, params['d'])} AS g{n}" for n, b in enumerate(bys))
    inner = ", ".join(
        f"count(*) FILTER (WHERE {expr}) AS {name}" for name, expr in _SUMMARY_FIGURES.items()
    )
    group = ", ".join(f"g{n}" for n in range(len(bys)))
    sums = ", ".join(f"sum({name})" for name in _SUMMARY_FIGURES)
    # The finest groups once, then each grouping sums them (a few thousand rows, in SQL).
    outer = " UNION ALL ".join(
        f"SELECT {n}, g{n}, {sums} FROM g WHERE g{n} IS NOT NULL GROUP BY g{n}"
        for n in range(len(bys))
    )
    sql = (
        as_of_view(conn, params)
        + f", g AS MATERIALIZED (SELECT {keys}, {inner} FROM a GROUP BY {group})\n{outer}"
    )
    counts: list[dict[Any, tuple]] = [{} for _b in bys]
    for r in conn.execute(sql, params):
        counts[r[0]][r[1]] = r[2:]
    return {
        b: _summary_rows(conn, b, {k: dict(zip(SUMMARY_COUNTS, v)) for k, v in c.items()})
        for b, c in zip(bys, counts)
    }


def _summary_rows(
    conn: sqlite3.Connection, by: str, counts: dict[Any, dict[str, int]]
) -> list[dict[str, Any]]:
    if by in ("community", "street"):
        groups = [
            {"id": r[0], "name": r[1], "street": r[2]}
            for r in conn.execute(
                "SELECT u.id, u.name, s.name FROM units u LEFT JOIN units s ON s.id = u.parent_id"
                " WHERE u.kind = ? ORDER BY u.id",
                (by,),
            )
        ]
    elif by == "kind":
        # The speech's kinds always (the office reports on each), then any others, then untagged.
        others = sorted(k for k in counts if k and k not in KIND_TAGS)
        groups = [{"id": k, "name": k} for k in (*KIND_TAGS, *others)]
        if "" in counts:
            groups.append({"id": "", "name": _("（未分类）")})
    else:
        ids = sorted(counts)
        info = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(
                f"SELECT u.id, u.name, u.kind, p.name FROM units u LEFT JOIN units p ON p.id = u.parent_id"
                f" WHERE u.id IN ({marks})",
                chunk,
            ):
                info[r[0]] = r
        groups = []
        for i in ids:
            r = info[i]
            g: dict[str, Any] = {"id": r[0], "name": r[1]}
            if by == "unit":
                g["unit_kind"] = r[2]
            else:
                g["community"] = r[3]
            groups.append(g)
    zero = dict.fromkeys(SUMMARY_COUNTS, 0)
    out = []
    total = dict(zero)
    for g in groups:
        figures = counts.get(g["id"], zero)
        for k in SUMMARY_COUNTS:
            total[k] += figures[k]
        out.append(_with_rates({"level": by, **g, **figures}))
    out.append(_with_rates({"level": "total", "id": None, "name": _("合计"), **total}))
    return out


# The exposure board's row keys: one list for `issue exposure` JSON/CSV and the monthly report.
EXPOSURE_KEYS = [
    "id",
    "description",
    "community",
    "street",
    "compound",
    "location",
    "category",
    "unit",
    "unit_kind",
    "kind",
    "found",
    "due",
    "status",
    "serious",
    "notices",
    "overdue",
    "days_overdue",
    "reasons",
]


def exposure_board(
    conn: sqlite3.Connection, as_of: date | str | None = None, *, notices: int
) -> list[dict[str, Any]]:
    """The media exposure board (曝光台) as of a date: issues not closed that are serious or got at
    least `notices` notices. Serious first, then most notices, longest overdue."""
    d = _iso(as_of)
    params = {"d": d, "first": FAR_PAST, "notices": notices}
    sql = (
        as_of_view(conn, params, states="s.serious = 1 OR s.notices >= :notices")
        + _LIST_SELECT
        + f" WHERE {ON_BOARD}"
        " ORDER BY a.serious DESC, a.notices_d DESC, days_overdue DESC, a.id"
    )
    cur = conn.execute(sql, params)
    names = [c[0] for c in cur.description]
    out = []
    for r in cur:
        row = dict(zip(names, r))
        shaped = _shape(row)
        shaped["unit_kind"] = row["unit_kind"]
        reasons = []
        if row["serious"]:
            reasons.append("serious")
        if row["notices"] >= notices:
            reasons.append("notices")
        shaped["reasons"] = reasons
        out.append(shaped)
    return out


def month_facts(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    *,
    exposure_notices: int,
    by: str = "community",
) -> dict[int, dict[str, int]]:
    """Issue facts for the ranking of a period, as the history stood on `last`.

    Keyed by community id (or compound id with by="compound"; issues without a compound are
    skipped). Values: due (counted issues whose due date in force falls in [first, last]),
    due_closed_on_time (of those, closed on time), overdue (open past due on `last`, or fixed
    late within the period), overdue_pending and exposure (as of `last`). Groups without issues are absent: callers default to zeros.
    """
    if by not in ("community", "compound"):
        raise Invalid(
            _("--by 只能是以下之一：{choices}。").format(
                choices=_("、").join(("community", "compound"))
            )
        )
    figures = {
        "due": DUE_IN,
        "due_closed_on_time": f"{DUE_IN} AND {ON_TIME}",
        # overdue in the period, not ever: an issue fixed late in July costs nothing in September
        "overdue": _MONTH_COUNTS["overdue"],
        "overdue_pending": OVERDUE_PENDING,
        "exposure": ON_BOARD,
    }
    params = {"d": _iso(last), "first": _iso(first), "notices": exposure_notices}
    return _grouped(conn, by, figures, params)


# count:* sources of the rules file. Issue states as they stood at the month's end…
_MONTH_COUNTS = {
    "found": f"{COUNTED} AND a.found >= :first",
    # overdue in the month: open past due at its end, or fixed late during it
    # -- or extended late during it: the extension moves the date, the days it came late for stay
    "overdue": f"({OVERDUE_PENDING} OR (a.status_d <> 'cancelled' AND a.resolved_d BETWEEN :first"
    " AND :d AND a.resolved_d > a.due_d)"
    " OR (a.status_d <> 'cancelled' AND a.late_days_d > 0 AND EXISTS (SELECT 1 FROM issue_history le"
    " WHERE le.issue_id = a.id AND le.event = 'extend' AND le.happened_on BETWEEN :first AND :d"
    " AND le.happened_on > json_extract(le.detail, '$.from_due'))))",
    "exposure": ON_BOARD,
}
# … and events dated in the month: each notice, each failed verification (a rework).
_MONTH_EVENTS = {"notices": "notify", "rework": "verify_fail"}
COUNT_WHATS = (*_MONTH_COUNTS, *_MONTH_EVENTS)


def month_counts(
    conn: sqlite3.Connection,
    first: date,
    last: date,
    what: str,
    *,
    exposure_notices: int,
    kind: str | None = None,
    category: int | None = None,
    serious: bool | None = None,
    by: str = "community",
) -> dict[int, int]:
    """Per community (or compound): how many issues (or events) of `what` in [first, last],
    optionally only issues of a kind, a category or seriousness. Absent groups are zero."""
    conds, params = [], {"d": _iso(last), "first": _iso(first), "notices": exposure_notices}
    if kind is not None:
        conds.append("{t}.kind = :kind")
        params["kind"] = kind
    if category is not None:
        conds.append("{t}.category = :category")
        params["category"] = category
    if serious is not None:
        conds.append("{t}.serious = :serious")
        params["serious"] = int(serious)
    where = " AND ".join(conds)
    if what in _MONTH_COUNTS:
        got = _grouped(conn, by, {"n": _MONTH_COUNTS[what]}, params, where.format(t="s"))
        return {k: v["n"] for k, v in got.items() if v["n"]}
    where = where.format(t="i")
    column = {"community": "i.community_id", "compound": "i.compound_id"}[by]
    params["event"] = _MONTH_EVENTS[what]
    sql = (
        f"SELECT {column}, count(*) FROM issue_history e JOIN issues i ON i.id = e.issue_id"
        " WHERE e.event = :event AND e.happened_on BETWEEN :first AND :d"
        f"{' AND ' + where if where else ''} AND {column} IS NOT NULL GROUP BY {column}"
    )
    return {r[0]: r[1] for r in conn.execute(sql, params)}


def unit_facts(
    conn: sqlite3.Connection, first: date, last: date, *, category: int | None = 3
) -> dict[int, dict[str, int]]:
    """Per responsible unit, as the history stood on `last`: due (counted issues whose due date in
    force falls in [first, last]) and due_closed_on_time. `category=None` takes all categories."""
    figures = {"due": DUE_IN, "due_closed_on_time": f"{DUE_IN} AND {ON_TIME}"}
    params: dict[str, Any] = {"d": _iso(last), "first": _iso(first), "notices": 0}
    where = ""
    if category is not None:
        where = "s.category = :category"
        params["category"] = parse_category(category)
    return _grouped(conn, "unit", figures, params, where)


# --- Bulk survey sheets -----------------------------------------------------------------------

IMPORT_ALIASES = {
    "description": "description", "问题": "description", "问题描述": "description", "描述": "description",
    "community": "community", "社区": "community", "所属社区": "community",
    "compound": "compound", "小区": "compound",
    "location": "location", "地点": "location", "位置": "location", "具体位置": "location",
    "category": "category", "类别": "category", "问题类别": "category",
    "unit": "unit", "责任单位": "unit", "责任方": "unit", "责任主体": "unit",
    "due": "due", "整改时限": "due", "整改期限": "due", "完成时限": "due",
    "found": "found", "发现日期": "found", "排查日期": "found",
    "kind": "kind", "类型": "kind", "问题类型": "kind",
    "serious": "serious", "严重": "serious", "是否严重": "serious", "严重问题": "serious",
    "note": "note", "备注": "note",
    "uid": "uid", "识别码": "uid",
}  # fmt: skip
EXPORT_COLUMNS = [
    "description",
    "community",
    "compound",
    "location",
    "category",
    "unit",
    "due",
    "found",
    "kind",
    "serious",
    "uid",
]
_REQUIRED = ("description", "community", "category", "due")


def import_issues(
    conn: sqlite3.Connection,
    path: str,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: TimeLimits | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Import a survey sheet (排查表): sqjg.issue_import, checked set-based, written in bulk."""
    from .issue_import import import_issues as run

    return run(conn, path, encoding, sheet, limits, progress)


def _column_label(key: str) -> str:
    """A survey-sheet column in the words of its Chinese header."""
    for spelling, canonical in IMPORT_ALIASES.items():
        if canonical == key and not spelling.isascii():
            return spelling
    return key


def export_rows(
    conn: sqlite3.Connection, *, status: str | None = None, **filters: Any
) -> list[dict[str, Any]]:
    """Issues as survey-sheet rows (EXPORT_COLUMNS), the due date in force as of today; importing
    them gives the same issues again. Cancelled issues are left out unless asked for by status."""
    rows = list_issues(conn, status=status, **filters)
    uids = dict(conn.execute("SELECT id, uid FROM issues"))
    out = []
    for r in rows:
        if r["status"] == "cancelled" and status is None:
            continue
        rec = {k: r.get(k) for k in EXPORT_COLUMNS}
        rec["serious"] = bool(r["serious"])
        rec["uid"] = uids[r["id"]]
        out.append(rec)
    return out


# --- Consistency (sqjg check) -----------------------------------------------------------------


def history_problems(conn: sqlite3.Connection) -> list[str]:
    """Issues whose history is malformed, or whose denormalised columns disagree with it (sqjg check).

    Besides the columns, it checks the rules the "as of" reading relies on: the first event is the
    create, dated the found day; events are recorded in date order; each extension moves the due
    date later.
    """
    problems: list[str] = []
    for issue_id, n, first in conn.execute(
        "SELECT id, n, first FROM (SELECT i.id,"
        " (SELECT count(*) FROM issue_history e WHERE e.issue_id = i.id AND e.event = 'create'"
        "  AND e.happened_on = i.found) AS n,"
        " (SELECT e.event FROM issue_history e WHERE e.issue_id = i.id ORDER BY e.id LIMIT 1) AS first"
        " FROM issues i) WHERE n <> 1 OR first IS NOT 'create' ORDER BY id"
    ):
        problems.append(
            _("问题 {id} 的第一条记录应是发现当日的立案，且只有一条（现有 {n} 条）。").format(
                id=issue_id, n=n
            )
        )
    for (issue_id,) in conn.execute(
        "SELECT DISTINCT e.issue_id FROM issue_history e JOIN issues i ON i.id = e.issue_id"
        " WHERE e.happened_on < i.found ORDER BY e.issue_id"
    ):
        problems.append(_("问题 {id} 有早于发现日期的记录。").format(id=issue_id))
    for (issue_id,) in conn.execute(
        "SELECT DISTINCT issue_id FROM (SELECT issue_id, happened_on,"
        " lag(happened_on) OVER (PARTITION BY issue_id ORDER BY id) AS previous FROM issue_history)"
        " WHERE previous > happened_on ORDER BY issue_id"
    ):
        problems.append(_("问题 {id} 的处置记录没有按日期先后登记。").format(id=issue_id))
    for (issue_id,) in conn.execute(
        "SELECT DISTINCT issue_id FROM (SELECT issue_id, due,"
        " lag(due) OVER (PARTITION BY issue_id ORDER BY id) AS previous FROM issue_history WHERE event = 'extend')"
        " WHERE previous >= due ORDER BY issue_id"
    ):
        problems.append(_("问题 {id} 的延期没有把整改时限往后推。").format(id=issue_id))
    for issue_id in states_mismatches(conn):
        problems.append(_("问题 {id} 的状态区间与处置记录不符。").format(id=issue_id))
    differs = " OR ".join(f"y.{k} IS NOT i.{k}" for k in _DENORMALISED)
    stored = ", ".join(f"i.{k} AS stored_{k}" for k in _DENORMALISED)
    cur = conn.execute(
        f"SELECT y.*, {stored} FROM ({_DERIVED_SQL.format(which='1')}) y JOIN issues i ON i.id = y.id"
        f" WHERE {differs} ORDER BY y.id",
        {"d": FAR_FUTURE},
    )
    names = [c[0] for c in cur.description]
    for r in cur:
        row = dict(zip(names, r))
        wrong = [k for k in _DENORMALISED if row[k] != row[f"stored_{k}"]]
        problems.append(
            _("问题 {id} 的 {fields} 与处置记录不符。").format(
                id=row["id"], fields=_("、").join(wrong)
            )
        )
    return problems


def states_mismatches(conn: sqlite3.Connection) -> list[int]:
    """Ids of the issues whose intervals in issue_states differ from the ones rebuilt from their
    events (the triggers keep them; anything that wrote around the triggers shows here)."""
    from .schema import ISSUE_STATES_COLUMNS, ISSUE_STATES_SELECT

    conn.execute("DROP TABLE IF EXISTS temp.issue_states_rebuilt")
    conn.execute(
        "CREATE TEMP TABLE issue_states_rebuilt AS"
        f" SELECT {ISSUE_STATES_COLUMNS} FROM ({ISSUE_STATES_SELECT.format(which='1')})"
    )
    try:
        rebuilt = f"SELECT {ISSUE_STATES_COLUMNS} FROM temp.issue_states_rebuilt"
        kept = f"SELECT {ISSUE_STATES_COLUMNS} FROM main.issue_states"
        return [
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT issue_id FROM ({rebuilt} EXCEPT {kept}"
                f" UNION ALL SELECT * FROM ({kept} EXCEPT {rebuilt})) ORDER BY issue_id"
            )
        ]
    finally:
        conn.execute("DROP TABLE temp.issue_states_rebuilt")
