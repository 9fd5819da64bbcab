"""The monthly assessment (考核评比): gather each community's facts from the database, run the
engine of sqjg.rules, and keep what was published.

Every figure comes from the concern that owns it — issues.month_facts / unit_facts,
activities.month_facts, funds.raised_by — gathered once per month in a few aggregate
queries; this module only puts them together. Public functions (reused by the reports):

- monthly(conn, rules, year, month, today=None) -> dict   the ranking (published one if frozen)
- compute(conn, rules, year, month, today=None) -> dict   the ranking from the data, never frozen
- publish(conn, rules, year, month, force=False, today=None) -> dict
- compound_ranking(conn, rules, community, year, month, today=None) -> dict
- unit_ranking(conn, rules, year, today=None) -> dict
- civilized_target(conn, rules, year) -> dict
- set_score(...), list_scores(...)
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from . import units
from .dates import month_bounds
from .dates import today as today_
from .db import rows
from .errors import Conflict, Invalid, NotFound
from .i18n import _
from .money import yuan
from .rules import (
    HAND_ENTERED,
    RATES,
    REGISTRY,
    CommunityFacts,
    Item,
    Ranked,
    Ranking,
    Rules,
    RulesError,
    Scored,
    deadline_date,
    needed_for_target,
    prize_rows,
    rank_rows,
    round1,
    score_items,
    source_label,
    total_of,
)

NOW_SQL = "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
SCOPE = "community"
# How far back a run of last places is followed when the rules set no first_month.
MAX_LOOKBACK_MONTHS = 120


# --- months ---------------------------------------------------------------------------------


def _prev(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def check_month(rules: Rules, year: int, month: int, today: date) -> None:
    """A month can be assessed once it has begun, and not before the rules' first month."""
    if (year, month) > (today.year, today.month):
        raise Invalid(
            _("{year} 年 {month} 月还没有到（今天是 {today}），不能考评。").format(
                year=year, month=month, today=today.isoformat()
            )
        )
    first = rules.ranking.first_month
    if first is not None and (year, month) < first:
        raise Invalid(
            _(
                "考评从 {fy} 年 {fm} 月开始（规则文件 [ranking] first_month），{year} 年 {month} 月不考评。"
            ).format(fy=first[0], fm=first[1], year=year, month=month)
        )


def as_of_for(year: int, month: int, today: date) -> date:
    """Facts are counted at month end, or today while the month is still running."""
    return min(month_bounds(year, month)[1], today)


def earliest_publication(rules: Rules, year: int, month: int) -> date:
    """The first day a month's result may be published.

    The month of the `assessment` deadline (July: after 25 July, the speech) from the day after
    that date; every other month from the day after its last day: on the last day itself
    entries for that day may still be coming in, and what was published must stay true.
    """
    assessment = rules.deadlines.get("assessment")
    if assessment is not None and int(assessment[:2]) == month:
        return deadline_date(assessment, year) + timedelta(days=1)
    return month_bounds(year, month)[1] + timedelta(days=1)


# --- facts ----------------------------------------------------------------------------------

_COMMUNITIES_SQL = """
SELECT c.id, c.uid, c.name, s.name AS street, c.secretary, c.director, c.liaison,
       (SELECT lu.name FROM unit_links l JOIN units lu ON lu.id = l.unit_id
        WHERE l.community_id = c.id AND l.is_lead = 1) AS lead_unit
FROM units c JOIN units s ON s.id = c.parent_id
WHERE c.kind = 'community'
ORDER BY c.id
"""


def communities(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every community with its street, people and lead unit (one query)."""
    return rows(conn, _COMMUNITIES_SQL)


def _manual_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    for unit_id, item, points in conn.execute(
        "SELECT unit_id, item, points FROM scores WHERE year = ? AND month = ? AND superseded_at IS NULL",
        (year, month),
    ):
        if unit_id in facts:
            facts[unit_id].manual[item] = float(points)


def _issue_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    from . import issues

    for key, f in issues.month_facts(
        conn, first, as_of, exposure_notices=rules.exposure_notices, by=by
    ).items():
        if key in facts:
            t = facts[key]
            t.due, t.due_closed_on_time = int(f.get("due", 0)), int(f.get("due_closed_on_time", 0))
            t.overdue, t.exposure = int(f.get("overdue", 0)), int(f.get("exposure", 0))


def _activity_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    from . import activities

    for key, f in activities.month_facts(conn, first, as_of).items():
        if key in facts:
            t = facts[key]
            t.inspections, t.inspection_mean = (
                int(f.get("inspections", 0)),
                f.get("inspection_mean"),
            )
            t.meetings, t.cleanups = int(f.get("meetings", 0)), int(f.get("cleanups", 0))
            t.first_cleanup, t.submitted = f.get("first_cleanup"), dict(f.get("submitted") or {})
            t.mechanisms = int(f.get("mechanisms", 0))


def _count_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    from . import issues

    for i in items:
        counted = REGISTRY[i.source].counted
        if counted is None:
            continue
        got = issues.month_counts(
            conn,
            first,
            as_of,
            counted,
            exposure_notices=rules.exposure_notices,
            kind=i.kind,
            category=i.category,
            serious=i.serious,
            by=by,
        )
        for key, n in got.items():
            if key in facts:
                facts[key].counts[i.key] = n


def _rate_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    from . import issues

    wanted = sorted(
        {i.source.split(":", 1)[1] for i in items if "rates" in REGISTRY[i.source].needs}
    )
    # the rates of `issue summary`, over the community's issues as of the month's end
    for row in issues.summary(conn, as_of, by=by, exposure_notices=rules.exposure_notices):
        if row["level"] == by and row["id"] in facts:
            facts[row["id"]].rates = {n: row[RATES[n]] for n in wanted}
    for n in wanted:
        have = [f.rates[n] for f in facts.values() if f.rates.get(n) is not None]
        mean = sum(have) / len(have) if have else None
        for f in facts.values():
            f.rate_means[n] = mean


def _fund_facts(conn, rules, items, year, month, first, as_of, facts, by) -> None:
    from . import funds

    for key, fen in funds.raised_by(conn, as_of).items():
        if key in facts:
            facts[key].raised_fen = int(fen)


# Who fills which CommunityFacts fields, and for which level (a compound has no activities or
# funds of its own). gather_facts runs a gatherer when an item's source (sqjg.rules.REGISTRY)
# needs one of its fields; tests prove every field a source needs has a gatherer here.
GATHERERS: tuple[tuple[frozenset[str], tuple[str, ...], Any], ...] = (
    (frozenset({"manual"}), ("community", "compound"), _manual_facts),
    (
        frozenset({"due", "due_closed_on_time", "overdue", "exposure"}),
        ("community", "compound"),
        _issue_facts,
    ),
    (
        frozenset(
            {
                "inspections",
                "inspection_mean",
                "meetings",
                "cleanups",
                "first_cleanup",
                "submitted",
                "mechanisms",
            }
        ),
        ("community",),
        _activity_facts,
    ),  # fmt: skip
    (frozenset({"counts"}), ("community", "compound"), _count_facts),
    (frozenset({"rates", "rate_means"}), ("community", "compound"), _rate_facts),
    (frozenset({"raised_fen"}), ("community",), _fund_facts),
)


def gather_facts(
    conn: sqlite3.Connection,
    rules: Rules,
    items: Sequence[Item],
    year: int,
    month: int,
    as_of: date,
    ids: Iterable[int],
    *,
    by: str = "community",
) -> dict[int, CommunityFacts]:
    """One month's facts for the given communities (or compounds, by="compound").

    Only the facts the items' sources declare are gathered, each concern once for all.
    """
    needed = {n for i in items for n in REGISTRY[i.source].needs}
    # How many times the gatherers would read the issues' state on `as_of`: the issue facts
    # and the rates once each when needed, and once per item counted from the issues.
    readings = sum(
        bool(fields & needed)
        for fields, _levels, gather in GATHERERS
        if gather in (_issue_facts, _rate_facts)
    ) + sum(REGISTRY[i.source].counted is not None for i in items)
    if readings < 2:
        return _gather_facts(conn, rules, items, year, month, as_of, ids, by=by)
    from . import issues

    # Several readings of the issues on the same day: their state on it is taken once.
    with issues.snapshot(conn, as_of):
        return _gather_facts(conn, rules, items, year, month, as_of, ids, by=by)


def _gather_facts(
    conn: sqlite3.Connection,
    rules: Rules,
    items: Sequence[Item],
    year: int,
    month: int,
    as_of: date,
    ids: Iterable[int],
    *,
    by: str,
) -> dict[int, CommunityFacts]:
    first = date(year, month, 1)
    facts = {i: CommunityFacts(year, month) for i in ids}
    needed = {n for i in items for n in REGISTRY[i.source].needs}
    for fields, levels, gather in GATHERERS:
        if by in levels and fields & needed:
            gather(conn, rules, items, year, month, first, as_of, facts, by)
    return facts


def month_vetoes(
    conn: sqlite3.Connection, rules: Rules, year: int, month: int
) -> dict[int, list[str]]:
    """Community id → the [[veto]] keys in force on it for the month (no query when the rules
    have no [[veto]]: the ranking keeps its few queries)."""
    out: dict[int, list[str]] = {}
    if not rules.vetoes:
        return out
    for unit_id, key in conn.execute(
        "SELECT unit_id, key FROM vetoes WHERE year = ? AND month = ? AND cleared_at IS NULL"
        " ORDER BY key",
        (year, month),
    ):
        out.setdefault(unit_id, []).append(key)
    return out


def _scored(
    rules: Rules,
    comms: Sequence[dict[str, Any]],
    facts: dict[int, CommunityFacts],
    items: Sequence[Item] | None = None,
    vetoes: dict[int, list[str]] | None = None,
) -> list[Scored]:
    out = []
    for c in comms:
        f = facts[c["id"]]
        points = score_items(rules, f, items)
        if items is None:
            total = total_of(points, rules.items_in(f.month), rules.ranking)
        else:
            total = total_of(points, items)
        effects = {v.effect for k in (vetoes or {}).get(c["id"], []) if (v := rules.veto(k))}
        if "zero" in effects:
            total = 0.0
        out.append(
            Scored(
                c["id"],
                c["name"],
                points,
                total,
                no_award="no_award" in effects,
                group=c.get("street"),
            )
        )
    return out


# --- published results ----------------------------------------------------------------------


def canonical_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def published(
    conn: sqlite3.Connection, year: int, month: int, scope: str = SCOPE
) -> dict[str, Any] | None:
    """The month's published result, exactly as it was frozen, or None. A period is stored
    like a month: scope quarter|half|year, month its last month."""
    row = conn.execute(
        "SELECT result, result_hash FROM publications WHERE scope = ? AND year = ? AND month = ?"
        " AND superseded_at IS NULL",
        (scope, year, month),
    ).fetchone()
    if row is None:
        return None
    text, digest = row
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        raise Conflict(
            _(
                "{year} 年 {month} 月的公布结果与保存时的哈希不符，可能被改动过；请运行 sqjg check 检查数据库。"
            ).format(year=year, month=month)
        )
    return in_display_order(json.loads(text))


# The stored text is canonical (sorted keys); scripts and people read the keys in this order.
_TOP_ORDER = (
    "period",
    "year",
    "month",
    "months",
    "combine",
    "published",
    "published_on",
    "as_of",
    "rules_hash",
    "baseline_score",
    "items",
    "max_total",
    "bonus_cap",
    "left_out",
    "missing",
    "rows",
    "media",
)
_ROW_ORDER = (
    "period",
    "rank",
    "community",
    "street",
    "group",
    "score",
    "items",
    "red_flag",
    "award",
    "reward_yuan",
    "yellow_card",
    "media",
    "consecutive_last",
    "escalation",
    "baseline",
    "baseline_reward_yuan",
    "last",
    "grade",
    "grade_reward_yuan",
    "veto",
    "bottom_penalty",
    "fine_yuan",
    "first",
    "consecutive_first",
    "streak_first",
    "progress",
    "progress_award",
    "progress_reward_yuan",
    "months",
    "community_uid",
)
_MEDIA_ORDER = (
    "community",
    "street",
    "secretary",
    "director",
    "liaison",
    "lead_unit",
    "consecutive_last",
    "escalation",
)
_ITEM_ORDER = ("key", "name", "source", "max", "min", "bonus")


def _reorder(d: dict[str, Any], order: Sequence[str]) -> dict[str, Any]:
    return {**{k: d[k] for k in order if k in d}, **{k: v for k, v in d.items() if k not in order}}


def in_display_order(result: dict[str, Any]) -> dict[str, Any]:
    out = _reorder(result, _TOP_ORDER)
    out["rows"] = [_reorder(r, _ROW_ORDER) for r in out.get("rows", [])]
    out["media"] = [_reorder(m, _MEDIA_ORDER) for m in out.get("media", [])]
    out["items"] = [_reorder(i, _ITEM_ORDER) for i in out.get("items", [])]
    return out


def _ends_in(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    comms: Sequence[dict[str, Any]],
    today: date,
) -> tuple[set[int], set[int]]:
    """Community ids (last, first) in an earlier month: its published result, else computed."""
    pub = published(conn, year, month)
    if pub is not None:
        by_uid = {c["uid"]: c["id"] for c in comms}
        rows_ = [r for r in pub["rows"] if r.get("community_uid") in by_uid]
        lasts = {by_uid[r["community_uid"]] for r in rows_ if r.get("last")}
        # a result published before `first` was kept: rank 1 with somebody below
        below = any(r["rank"] > 1 for r in rows_)
        firsts = {
            by_uid[r["community_uid"]] for r in rows_ if r.get("first", below and r["rank"] == 1)
        }
        return lasts, firsts
    as_of = as_of_for(year, month, today)
    facts = gather_facts(conn, rules, rules.items, year, month, as_of, (c["id"] for c in comms))
    scored = _scored(rules, comms, facts, vetoes=month_vetoes(conn, rules, year, month))
    ranked = rank_rows(rules.ranking, scored)
    return {r.scored.key for r in ranked if r.last}, {r.scored.key for r in ranked if r.first}


def _previous_runs(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    lasts: set[int],
    firsts: set[int],
    comms: Sequence[dict[str, Any]],
    today: date,
) -> tuple[dict[int, int], dict[int, int]]:
    """For the candidates last (and first), how many months in a row just before (year, month)
    each was last (first); every earlier month is ranked once for both."""
    run_last, run_first = dict.fromkeys(lasts, 0), dict.fromkeys(firsts, 0)
    alive_last, alive_first = set(lasts), set(firsts)
    y, m = _prev(year, month)
    first = rules.ranking.first_month
    for _step in range(MAX_LOOKBACK_MONTHS):
        if not (alive_last or alive_first) or (first is not None and (y, m) < first):
            break
        was_last, was_first = _ends_in(conn, rules, y, m, comms, today)
        alive_last &= was_last
        alive_first &= was_first
        for k in alive_last:
            run_last[k] += 1
        for k in alive_first:
            run_first[k] += 1
        y, m = _prev(y, m)
    return run_last, run_first


# --- the monthly ranking --------------------------------------------------------------------


def award_fields(r: Ranked) -> dict[str, Any]:
    return {
        "red_flag": r.award is not None,
        "award": r.award.title if r.award else None,
        "reward_yuan": yuan(r.award.reward_fen) if r.award else 0,
    }


def _extra_fields(rk: Ranking, r: Ranked) -> dict[str, Any]:
    """The row's fields for constructs the rules use (a file without them keeps its rows)."""
    out: dict[str, Any] = {}
    if rk.group_by:
        out["group"] = r.scored.group
    if rk.bottom_penalties:
        b = r.bottom_penalty
        out["bottom_penalty"] = b.title if b else None
        out["fine_yuan"] = yuan(b.fine_fen) if b else 0
    if rk.streak_first:
        out["first"] = r.first
        out["consecutive_first"] = r.consecutive_first
        out["streak_first"] = r.streak.action if r.streak else None
    return out


def items_meta(items: Sequence[Item]) -> list[dict[str, Any]]:
    return [
        {
            "key": i.key,
            "name": i.name,
            "source": i.source,
            "max": i.max if not i.is_penalty else 0,
            "min": i.min if i.is_penalty else 0,
            "bonus": i.bonus,
        }
        for i in items
    ]


def missing_entries(
    conn: sqlite3.Connection, rules: Rules, year: int, month: int
) -> list[dict[str, Any]]:
    """Communities with no points entered for a hand-entered item assessed in the month.

    A missing entry scores 0 like a real 0, so a forgotten sheet would silently sink a
    community: `rank` warns about it and `--publish` waits for it.
    """
    keys = [i.key for i in rules.items_in(month) if i.source in HAND_ENTERED]
    if not keys:
        return []
    entered: dict[int, set[str]] = {}
    for unit_id, item in conn.execute(
        "SELECT unit_id, item FROM scores WHERE year = ? AND month = ? AND superseded_at IS NULL",
        (year, month),
    ):
        entered.setdefault(unit_id, set()).add(item)
    out = []
    for c in communities(conn):
        lacking = [k for k in keys if k not in entered.get(c["id"], set())]
        if lacking:
            out.append({"community": c["name"], "items": lacking})
    return out


def missing_words(missing: Sequence[dict[str, Any]]) -> str:
    """西街社区（daily、survey）、东门社区（daily）: for one-line messages."""
    return _("、").join(
        _("{community}（{items}）").format(community=m["community"], items=_("、").join(m["items"]))
        for m in missing
    )


def reward_words(title: str, reward_yuan: float) -> str:
    """流动红旗 · 奖励 20,000 元: a title and its reward (the title alone when there is none)."""
    if reward_yuan:
        return _("{title} · 奖励 {amount} 元").format(title=_(title), amount=f"{reward_yuan:,}")
    return _(title)


def outcome_words(row: dict[str, Any]) -> str:
    """A ranking row's outcome in words: 流动红旗 · 奖励 20,000 元 / 黄牌警告 / 媒体公布 / escalation / 达标."""
    parts = []
    if row.get("award"):
        parts.append(reward_words(row["award"], row.get("reward_yuan") or 0))
    if row.get("yellow_card"):
        parts.append(_("黄牌警告"))
    if row.get("media"):
        parts.append(_("媒体公布"))
    elif row.get("last"):
        parts.append(_("最后一名"))
    if row.get("escalation"):
        parts.append(
            _("连续 {n} 个月最后一名：{action}").format(
                n=row.get("consecutive_last"), action=_(row["escalation"])
            )
        )
    if row.get("baseline"):
        parts.append(reward_words(_("达标"), row.get("baseline_reward_yuan") or 0))
    if row.get("grade"):
        parts.append(reward_words(row["grade"], row.get("grade_reward_yuan") or 0))
    if row.get("bottom_penalty"):
        parts.append(
            _("{title} · 罚款 {amount} 元").format(
                title=_(row["bottom_penalty"]), amount=f"{row['fine_yuan']:,}"
            )
            if row.get("fine_yuan")
            else _(row["bottom_penalty"])
        )
    if row.get("streak_first"):
        parts.append(
            _("连续 {n} 个月第一名：{action}").format(
                n=row.get("consecutive_first"), action=_(row["streak_first"])
            )
        )
    if row.get("progress_award"):
        parts.append(reward_words(row["progress_award"], row.get("progress_reward_yuan") or 0))
    return " / ".join(parts)


def compute(
    conn: sqlite3.Connection, rules: Rules, year: int, month: int, today: date | None = None
) -> dict[str, Any]:
    """The month's ranking computed from the data now (ignores any publication of the month)."""
    rules.require_items()
    today = today or today_()
    check_month(rules, year, month, today)
    as_of = as_of_for(year, month, today)
    comms = communities(conn)
    by_id = {c["id"]: c for c in comms}
    facts = gather_facts(conn, rules, rules.items, year, month, as_of, by_id)
    vetoes = month_vetoes(conn, rules, year, month)
    scored = _scored(rules, comms, facts, vetoes=vetoes)
    ranked = rank_rows(rules.ranking, scored)
    rk = rules.ranking
    lasts = {r.scored.key for r in ranked if r.last}
    # a run of first places matters only when the rules reward one
    firsts = {r.scored.key for r in ranked if r.first} if rk.streak_first else set()
    if lasts or firsts:
        run_last, run_first = _previous_runs(conn, rules, year, month, lasts, firsts, comms, today)
        if any(run_last.values()) or any(run_first.values()):
            for s in scored:
                s.previous_last = run_last.get(s.key, 0)
                s.previous_first = run_first.get(s.key, 0)
            ranked = rank_rows(rk, scored)
    baseline = rk.baseline
    out_rows, media = [], []
    for r in ranked:
        c = by_id[r.scored.key]
        row = {
            "rank": r.rank,
            "community": c["name"],
            "street": c["street"],
            "score": round1(r.scored.total),
            "items": {k: round1(v) for k, v in r.scored.items.items()},
            **award_fields(r),
            "yellow_card": r.yellow_card,
            "media": r.media,
            "consecutive_last": r.consecutive_last,
            "escalation": r.escalation.action if r.escalation else None,
            "baseline": r.baseline,
            "baseline_reward_yuan": yuan(baseline.reward_fen) if r.baseline and baseline else 0,
            "last": r.last,
            "grade": r.grade.title if r.grade else None,
            "grade_reward_yuan": yuan(r.grade.reward_fen)
            if r.grade and not r.scored.no_award
            else 0,
            "veto": vetoes.get(r.scored.key, []),
            "community_uid": c["uid"],
            **_extra_fields(rk, r),
        }
        out_rows.append(row)
        if r.media:
            media.append(
                {
                    "community": c["name"],
                    "street": c["street"],
                    "secretary": c["secretary"],
                    "director": c["director"],
                    "liaison": c["liaison"],
                    "lead_unit": c["lead_unit"],
                    "consecutive_last": r.consecutive_last,
                    "escalation": r.escalation.action if r.escalation else None,
                }
            )
    return {
        "year": year,
        "month": month,
        "published": False,
        "published_on": None,
        "as_of": as_of.isoformat(),
        "rules_hash": rules.sha256,
        "baseline_score": baseline.score if baseline else None,
        # an item assessed in other months only is left out, so the month's maximum can be lower
        "items": items_meta(rules.items_in(month)),
        "max_total": round1(rules.ranking.scale_to or rules.max_in(month)),
        "bonus_cap": rules.ranking.bonus_cap,
        "left_out": [i.name for i in rules.items if not i.applies_in(month)],
        "missing": missing_entries(conn, rules, year, month),
        "rows": out_rows,
        "media": media,
    }


def monthly(
    conn: sqlite3.Connection, rules: Rules, year: int, month: int, today: date | None = None
) -> dict[str, Any]:
    """The month's ranking: the published result when the month is frozen, else computed now."""
    pub = published(conn, year, month)
    if pub is not None:
        pub["rules_changed"] = pub.get("rules_hash") != rules.sha256
        return pub
    result = compute(conn, rules, year, month, today)
    result["rules_changed"] = False
    return result


def publish(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    *,
    force: bool = False,
    allow_missing: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Freeze the month: its ranks, totals, items, outcomes and the rules' hash are stored.

    Publishing again needs force; the earlier publication is kept, marked superseded. A month
    with hand-entered points still missing is refused unless allow_missing.
    """
    today = today or today_()
    check_month(rules, year, month, today)
    earliest = earliest_publication(rules, year, month)
    if today < earliest:
        raise Invalid(
            _("{year} 年 {month} 月的考评结果要到 {date} 才能公布（今天是 {today}）。").format(
                year=year, month=month, date=earliest.isoformat(), today=today.isoformat()
            )
        )
    existing = conn.execute(
        "SELECT id, result FROM publications WHERE scope = ? AND year = ? AND month = ? AND superseded_at IS NULL",
        (SCOPE, year, month),
    ).fetchone()
    if existing is not None and not force:
        on = json.loads(existing[1]).get("published_on")
        raise Conflict(
            _(
                "{year} 年 {month} 月的结果已于 {on} 公布；要重新公布请加 --force（原结果保留，标为已作废）。"
            ).format(year=year, month=month, on=on)
        )
    result = compute(conn, rules, year, month, today)
    if not result["rows"]:
        raise Invalid(_("还没有登记任何社区，没有可公布的排名。"))
    if result["missing"] and not allow_missing:
        raise Invalid(
            _(
                "{year} 年 {month} 月还有手工评分没有录入：{missing}；录齐后再公布，或加 --allow-missing 按 0 分公布。"
            ).format(year=year, month=month, missing=missing_words(result["missing"]))
        )
    result["published"] = True
    result["published_on"] = today.isoformat()
    if existing is not None:
        conn.execute(
            f"UPDATE publications SET superseded_at = {NOW_SQL}, updated_at = {NOW_SQL} WHERE id = ?",
            (existing[0],),
        )
    text = canonical_json(result)
    conn.execute(
        "INSERT INTO publications(scope, year, month, rules_hash, result, result_hash) VALUES (?, ?, ?, ?, ?, ?)",
        (SCOPE, year, month, rules.sha256, text, hashlib.sha256(text.encode("utf-8")).hexdigest()),
    )
    result = in_display_order(json.loads(text))
    result["rules_changed"] = False
    return result


def publications(conn: sqlite3.Connection, year: int | None = None) -> list[dict[str, Any]]:
    """Every publication (current and superseded), newest first."""
    where, params = "", ()
    if year is not None:
        where, params = " WHERE year = ?", (year,)
    return rows(
        conn,
        "SELECT id, scope, year, month, rules_hash, result_hash, created_at, superseded_at FROM publications"
        + where
        + " ORDER BY year DESC, month DESC, id DESC",
        params,
    )


# --- the compound contest -------------------------------------------------------------------


def compound_ranking(
    conn: sqlite3.Connection,
    rules: Rules,
    community: str,
    year: int,
    month: int,
    today: date | None = None,
) -> dict[str, Any]:
    """A community's compounds ranked with the rules' [compound] items (小区流动红旗)."""
    today = today or today_()
    contest = rules.compound
    if not contest.items:
        raise RulesError(
            _("规则文件 {path} 没有小区竞赛项目：请写 [[compound.items]]。").format(path=rules.path)
        )
    c = units.find_community(conn, community)
    check_month(rules, year, month, today)
    comps = rows(
        conn,
        "SELECT id, uid, name FROM units WHERE kind = 'compound' AND parent_id = ? ORDER BY id",
        (c.id,),
    )
    if not comps:
        raise NotFound(_("社区“{name}”还没有登记小区。").format(name=c.name))
    as_of = as_of_for(year, month, today)
    facts = gather_facts(
        conn, rules, contest.items, year, month, as_of, (x["id"] for x in comps), by="compound"
    )
    ranked = rank_rows(contest.ranking, _scored(rules, comps, facts, contest.items))
    by_id = {x["id"]: x for x in comps}
    street = conn.execute("SELECT name FROM units WHERE id = ?", (c.parent_id,)).fetchone()[0]
    out_rows = [
        {
            "rank": r.rank,
            "compound": by_id[r.scored.key]["name"],
            "community": c.name,
            "street": street,
            "score": round1(r.scored.total),
            "items": {k: round1(v) for k, v in r.scored.items.items()},
            **award_fields(r),
            "yellow_card": False,
            "media": False,
            "consecutive_last": 0,
            "escalation": None,
            "baseline": False,
        }
        for r in ranked
    ]
    return {
        "year": year,
        "month": month,
        "community": c.name,
        "published": False,
        "as_of": as_of.isoformat(),
        "rules_hash": rules.sha256,
        "items": items_meta(contest.items),
        "rows": out_rows,
    }


# --- year-end unit prizes -------------------------------------------------------------------


def assessed_months(conn: sqlite3.Connection, rules: Rules, year: int, today: date) -> list[int]:
    """The year's months that count at year end: months from first_month whose last day has
    come, and every published month of the year."""
    first = rules.ranking.first_month
    months = {
        m
        for m in range(1, 13)
        if (first is None or (year, m) >= first) and month_bounds(year, m)[1] <= today
    }
    months |= {
        r[0]
        for r in conn.execute(
            "SELECT month FROM publications WHERE scope = ? AND year = ? AND superseded_at IS NULL",
            (SCOPE, year),
        )
    }
    return sorted(months)


def month_standing(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    comms: Sequence[dict[str, Any]],
    today: date,
) -> dict[str, tuple[float, list[str]]]:
    """Community uid → (the month's total, its vetoes): the published ones, else computed
    (unrounded)."""
    pub = published(conn, year, month)
    if pub is not None:
        return {
            r["community_uid"]: (float(r["score"]), list(r.get("veto") or []))
            for r in pub["rows"]
            if r.get("community_uid")
        }
    facts = gather_facts(
        conn,
        rules,
        rules.items,
        year,
        month,
        as_of_for(year, month, today),
        (c["id"] for c in comms),
    )
    uid = {c["id"]: c["uid"] for c in comms}
    vetoes = month_vetoes(conn, rules, year, month)
    scored = _scored(rules, comms, facts, vetoes=vetoes)
    return {uid[s.key]: (s.total, vetoes.get(s.key, [])) for s in scored}


def month_totals(
    conn: sqlite3.Connection,
    rules: Rules,
    year: int,
    month: int,
    comms: Sequence[dict[str, Any]],
    today: date,
) -> dict[str, float]:
    """Community uid → the month's total: the published one, else computed (unrounded)."""
    return {u: t for u, (t, _v) in month_standing(conn, rules, year, month, comms, today).items()}


def unit_ranking(
    conn: sqlite3.Connection, rules: Rules, year: int, today: date | None = None
) -> dict[str, Any]:
    """Year-end prizes for co-construction units (责任单位年终考核).

    Annual score = weights.communities × the mean monthly total of the communities the unit
    co-builds with (over the year's assessed months) + weights.rectification × 100 × the
    on-time closure rate of its category-3 issues due in the year (full when none were due).
    Units linked to no community take no part.
    """
    rules.require_items()
    today = today or today_()
    if year > today.year:
        raise Invalid(_("{year} 年还没有到，不能做年终考核。").format(year=year))
    months = assessed_months(conn, rules, year, today)
    if not months:
        raise Invalid(_("{year} 年还没有考评过的月份，不能做年终考核。").format(year=year))
    comms = communities(conn)
    totals = [month_totals(conn, rules, year, m, comms, today) for m in months]
    linked = rows(
        conn,
        "SELECT u.id, u.name, c.uid AS community_uid, c.name AS community FROM units u"
        " JOIN unit_links l ON l.unit_id = u.id JOIN units c ON c.id = l.community_id"
        " WHERE u.kind = 'unit' ORDER BY u.id, c.id",
    )
    members: dict[int, dict[str, Any]] = {}
    for r in linked:
        m = members.setdefault(r["id"], {"name": r["name"], "uids": [], "communities": []})
        m["uids"].append(r["community_uid"])
        m["communities"].append(r["community"])
    from . import issues

    closure = issues.unit_facts(conn, date(year, 1, 1), min(date(year, 12, 31), today), category=3)
    ye = rules.year_end
    scored, parts = [], {}
    for unit_id, m in members.items():
        values = [t[u] for t in totals for u in m["uids"] if u in t]
        mean = sum(values) / len(values) if values else 0.0
        f = closure.get(unit_id, {})
        due, on_time = int(f.get("due", 0)), int(f.get("due_closed_on_time", 0))
        rate = on_time / due if due else 1.0
        score = ye.community_weight * mean + ye.rectification_weight * 100 * rate
        parts[unit_id] = (mean, rate, due, on_time)
        scored.append(
            Scored(unit_id, m["name"], {"communities": mean, "rectification": rate * 100}, score)
        )
    out_rows = []
    for r in prize_rows(ye, scored):
        mean, rate, due, on_time = parts[r.scored.key]
        m = members[r.scored.key]
        out_rows.append(
            {
                "rank": r.rank,
                "unit": m["name"],
                "score": round1(r.scored.total),
                "items": {k: round1(v) for k, v in r.scored.items.items()},
                "prize": r.prize.title if r.prize else None,
                "reward_yuan": yuan(r.prize.reward_fen) if r.prize else 0,
                # the monthly row's other keys, so scripts can read every ranking alike
                "red_flag": False,
                "award": r.prize.title if r.prize else None,
                "yellow_card": False,
                "media": False,
                "consecutive_last": 0,
                "escalation": None,
                "baseline": False,
                "communities": m["communities"],
                "issues_due": due,
                "issues_on_time": on_time,
            }
        )
    return {
        "year": year,
        "month": None,
        "months": months,
        "published": False,
        "weights": {"communities": ye.community_weight, "rectification": ye.rectification_weight},
        "rows": out_rows,
    }


# --- civilized-community rate ---------------------------------------------------------------


def civilized_target(conn: sqlite3.Connection, rules: Rules, year: int) -> dict[str, Any]:
    """Designated 文明社区 / all communities for a year, against the rules' target."""
    total = conn.execute("SELECT count(*) FROM units WHERE kind = 'community'").fetchone()[0]
    names = [
        r[0]
        for r in conn.execute(
            "SELECT u.name FROM civilized v JOIN units u ON u.id = v.community_id WHERE v.year = ? ORDER BY u.id",
            (year,),
        )
    ]
    target = rules.targets.get(year)
    needed = needed_for_target(total, len(names), target) if target is not None else None
    return {
        "year": year,
        "communities": total,
        "designated": len(names),
        "rate": round(len(names) / total, 4) if total else 0.0,
        "target": target,
        "needed": needed,
        "met": needed == 0 if needed is not None else None,
        "names": names,
    }


# --- scores entered by hand -----------------------------------------------------------------


def set_score(
    conn: sqlite3.Connection,
    rules: Rules,
    name: str,
    year: int,
    month: int,
    item_key: str,
    points: float | None,
    note: str | None = None,
    today: date | None = None,
    *,
    count: int | None = None,
) -> dict[str, Any]:
    """Enter a `manual` item's points (or a `count:manual` item's count) for a community (or a
    compound, written 社区/小区). The count is stored as the row's points.

    Setting again replaces the current points; the old row is kept with superseded_at.
    """
    today = today or today_()
    unit = units.find(conn, name, ("community", "compound"))
    if unit.kind == "community":
        rules.require_items()
        items, what = rules.items, _("社区考评项目")
    else:
        items, what = rules.compound.items, _("小区竞赛项目")
    manual = [i.key for i in items if i.source in HAND_ENTERED]
    item = next((i for i in items if i.key == item_key), None)
    if item is None:
        raise NotFound(
            _("没有{what}“{key}”；可手工录入的项目：{keys}。").format(
                what=what, key=item_key, keys=_("、").join(manual) or _("（无）")
            )
        )
    if item.source == "count:manual":
        if count is None or points is not None:
            raise Invalid(
                _("项目“{key}”（{name}）是计数扣分项，请用 --count 录入件数。").format(
                    key=item.key, name=_(item.name)
                )
            )
        if not 0 <= count <= 100_000:
            raise Invalid(_("件数应在 0 到 100000 之间，现为 {count}。").format(count=count))
        points = float(count)
    elif count is not None:
        raise Invalid(
            _("项目“{key}”不是计数项，--count 只用于 count:manual 项目；请用 --points。").format(
                key=item.key
            )
        )
    elif points is None:
        raise Invalid(_("请用 --points 录入分数（计数项用 --count）。"))
    if item.source not in HAND_ENTERED:
        raise Invalid(
            _(
                "项目“{key}”（{name}）的分数来自{source}，由数据计算，不能手工录入；可手工录入的项目：{keys}。"
            ).format(
                key=item.key,
                name=_(item.name),
                source=source_label(item.source),
                keys=_("、").join(manual) or _("（无）"),
            )
        )
    if not item.applies_in(month):
        raise Invalid(
            _("项目“{key}”（{name}）只在 {months} 月考评，{month} 月没有这一项。").format(
                key=item.key,
                name=_(item.name),
                months=_("、").join(str(m) for m in item.months),
                month=month,
            )
        )
    if item.source == "manual" and (not math.isfinite(points) or not 0 <= points <= item.entry_max):
        raise Invalid(
            _("项目“{key}”的分数应在 0 到 {max:g} 之间，现为 {points:g}。").format(
                key=item.key, max=item.entry_max, points=points
            )
        )
    check_month(rules, year, month, today)
    old = conn.execute(
        "SELECT id, points FROM scores WHERE unit_id = ? AND year = ? AND month = ? AND item = ?"
        " AND superseded_at IS NULL",
        (unit.id, year, month, item.key),
    ).fetchone()
    if old is not None:
        conn.execute(
            f"UPDATE scores SET superseded_at = {NOW_SQL}, updated_at = {NOW_SQL} WHERE id = ?",
            (old[0],),
        )
    note = (note or "").strip() or None
    conn.execute(
        "INSERT INTO scores(unit_id, year, month, item, points, note) VALUES (?, ?, ?, ?, ?, ?)",
        (unit.id, year, month, item.key, float(points), note),
    )
    is_published = (
        unit.kind == "community"
        and conn.execute(
            "SELECT 1 FROM publications WHERE scope = ? AND year = ? AND month = ? AND superseded_at IS NULL",
            (SCOPE, year, month),
        ).fetchone()
        is not None
    )
    return {
        "unit": unit.name,
        "kind": unit.kind,
        "year": year,
        "month": month,
        "item": item.key,
        "name": item.name,
        "points": float(points),
        "count": int(points) if item.source == "count:manual" else None,
        "replaced": float(old[1]) if old else None,
        "published": is_published,
    }


def set_veto(
    conn: sqlite3.Connection,
    rules: Rules,
    name: str,
    year: int,
    month: int,
    key: str,
    note: str | None = None,
    *,
    clear: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Put a [[veto]] (一票否决) on a community's month, or lift it with clear (history kept)."""
    today = today or today_()
    unit = units.find_community(conn, name)
    veto = rules.veto(key)
    if veto is None:
        raise NotFound(
            _("规则文件中没有一票否决项“{key}”；有：{keys}。").format(
                key=key, keys=_("、").join(v.key for v in rules.vetoes) or _("（无）")
            )
        )
    check_month(rules, year, month, today)
    current = conn.execute(
        "SELECT id FROM vetoes WHERE unit_id = ? AND year = ? AND month = ? AND key = ?"
        " AND cleared_at IS NULL",
        (unit.id, year, month, key),
    ).fetchone()
    if clear:
        if current is None:
            raise Invalid(
                _("{unit} {year} 年 {month} 月没有“{name}”一票否决，无需撤销。").format(
                    unit=unit.name, year=year, month=month, name=_(veto.name)
                )
            )
        conn.execute(
            f"UPDATE vetoes SET cleared_at = {NOW_SQL}, updated_at = {NOW_SQL} WHERE id = ?",
            (current[0],),
        )
    else:
        if current is not None:
            raise Conflict(
                _("{unit} {year} 年 {month} 月已经有“{name}”一票否决。").format(
                    unit=unit.name, year=year, month=month, name=_(veto.name)
                )
            )
        conn.execute(
            "INSERT INTO vetoes(unit_id, year, month, key, note) VALUES (?, ?, ?, ?, ?)",
            (unit.id, year, month, key, note),
        )
    return {
        "unit": unit.name,
        "year": year,
        "month": month,
        "key": key,
        "name": veto.name,
        "effect": veto.effect,
        "cleared": clear,
        "published": published(conn, year, month) is not None,
    }


def list_scores(
    conn: sqlite3.Connection,
    *,
    year: int | None = None,
    month: int | None = None,
    community: str | None = None,
    history: bool = False,
) -> list[dict[str, Any]]:
    """Scores entered by hand (current ones, or with history every version), newest month first."""
    where, params = [], []
    if not history:
        where.append("s.superseded_at IS NULL")
    if year is not None:
        where.append("s.year = ?")
        params.append(year)
    if month is not None:
        where.append("s.month = ?")
        params.append(month)
    if community:
        c = units.find_community(conn, community)
        where.append("(u.id = ? OR u.parent_id = ?)")
        params += [c.id, c.id]
    sql = (
        "SELECT s.id, s.year, s.month, u.kind,"
        " CASE u.kind WHEN 'compound' THEN p.name || '/' || u.name ELSE u.name END AS unit,"
        " CASE u.kind WHEN 'compound' THEN p.name ELSE u.name END AS community,"
        " s.item, s.points, s.note, s.created_at AS entered_at, s.superseded_at"
        " FROM scores s JOIN units u ON u.id = s.unit_id LEFT JOIN units p ON p.id = u.parent_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY s.year DESC, s.month DESC, CASE u.kind WHEN 'community' THEN u.id ELSE u.parent_id END,"
        " u.kind <> 'community', u.id, s.item, s.id"
    )
    return rows(conn, sql, tuple(params))
