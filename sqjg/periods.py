"""Periods (季度、半年、年度考评): a quarter, half year or year ranked on the monthly totals of
its assessed months, with its awards and progress award, and frozen like a month.

- period_ranking(conn, rules, span, today=None) -> dict   the published result, else computed
- compute_period(conn, rules, span, today=None) -> dict   from the months' totals now
- publish_period(conn, rules, span, force=False, allow_missing=False, today=None) -> dict

A published period is stored as a month is (publications: scope = the period key, month = its
last month), so the tables and the hash chains need nothing new. A month's total is its
published total when the month is published (sqjg.assessment.month_standing).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any

from .assessment import (
    NOW_SQL,
    assessed_months,
    award_fields,
    canonical_json,
    communities,
    earliest_publication,
    in_display_order,
    missing_entries,
    missing_words,
    month_standing,
    published,
)
from .dates import PeriodSpan
from .dates import today as today_
from .errors import Conflict, Invalid
from .i18n import _
from .money import yuan
from .rules import PERIOD_LABELS, Period, Rules, RulesError, Scored, round1


def period_of(rules: Rules, span: PeriodSpan) -> Period:
    period = rules.period(span.key)
    if period is None:
        raise RulesError(
            _('规则文件 {path} 没有{what}考评：请写 [[periods]] key = "{key}"。').format(
                path=rules.path, what=_period_word(span.key), key=span.key
            )
        )
    return period


def _period_word(key: str) -> str:
    return _(PERIOD_LABELS[key])


def period_words(span: PeriodSpan) -> str:
    """2026 年第 3 季度 / 2026 年下半年 / 2026 年度."""
    if span.key == "quarter":
        return _("{year} 年第 {n} 季度").format(year=span.year, n=span.index)
    if span.key == "half":
        return (_("{year} 年上半年") if span.index == 1 else _("{year} 年下半年")).format(
            year=span.year
        )
    return _("{year} 年度").format(year=span.year)


def period_months(
    conn: sqlite3.Connection, rules: Rules, span: PeriodSpan, today: date
) -> list[int]:
    """The period's assessed months: from first_month, over by today, or published."""
    return [m for m in assessed_months(conn, rules, span.year, today) if m in span.months]


def _combined(
    conn: sqlite3.Connection,
    rules: Rules,
    period: Period,
    span: PeriodSpan,
    months: Sequence[int],
    comms: Sequence[dict[str, Any]],
    today: date,
) -> dict[str, tuple[float, dict[str, float], list[str]]]:
    """Community uid → (combined total, month → total, vetoes) over the assessed months."""
    from .rules import combine

    standings = {m: month_standing(conn, rules, span.year, m, comms, today) for m in months}
    out = {}
    for c in comms:
        totals = {
            f"{span.year}-{m:02d}": st[c["uid"]][0] for m, st in standings.items() if c["uid"] in st
        }
        vetoes = sorted({k for st in standings.values() for k in st.get(c["uid"], (0, []))[1]})
        out[c["uid"]] = (combine(list(totals.values()), period.combine), totals, vetoes)
    return out


def compute_period(
    conn: sqlite3.Connection, rules: Rules, span: PeriodSpan, today: date | None = None
) -> dict[str, Any]:
    """A period's ranking from the months' totals now (published months: their published
    totals), its awards and progress award; ignores any publication of the period."""
    from .rules import combine, period_rows

    rules.require_items()
    period = period_of(rules, span)
    today = today or today_()
    months = period_months(conn, rules, span, today)
    if not months:
        raise Invalid(
            _("{period}还没有考评过的月份（考评从 first_month 开始、月份结束后计入）。").format(
                period=period_words(span)
            )
        )
    comms = communities(conn)
    combined = _combined(conn, rules, period, span, months, comms, today)
    before = span.previous()
    earlier = period_months(conn, rules, before, today)
    previous = None
    if earlier:
        by_uid = _combined(conn, rules, period, before, earlier, comms, today)
        previous = {c["id"]: by_uid[c["uid"]][0] for c in comms}
    scored = []
    for c in comms:
        total, _totals, vetoes = combined[c["uid"]]
        no_award = any((v := rules.veto(k)) and v.effect == "no_award" for k in vetoes)
        scored.append(
            Scored(c["id"], c["name"], {}, total, no_award=no_award, group=c.get("street"))
        )
    pa = period.progress_award
    by_id = {c["id"]: c for c in comms}
    out_rows = []
    for p in period_rows(period, rules.ranking, scored, previous):
        r, c = p.ranked, by_id[p.ranked.scored.key]
        total, totals, vetoes = combined[c["uid"]]
        row = {
            "period": span.label,
            "rank": r.rank,
            "community": c["name"],
            "street": c["street"],
            "score": round1(total),
            "items": {k: round1(v) for k, v in totals.items()},
            **award_fields(r),
            "yellow_card": False,
            "media": False,
            "consecutive_last": 0,
            "escalation": None,
            "baseline": False,
            "baseline_reward_yuan": 0,
            "last": r.last,
            "grade": None,
            "grade_reward_yuan": 0,
            "veto": vetoes,
            "progress": None if p.rise is None else round1(p.rise),
            "progress_award": pa.title if p.progress and pa else None,
            "progress_reward_yuan": yuan(pa.reward_fen) if p.progress and pa else 0,
            "community_uid": c["uid"],
        }
        if rules.ranking.group_by:
            row["group"] = r.scored.group
        out_rows.append(row)
    maxima = [rules.ranking.scale_to or rules.max_in(m) for m in months]
    return {
        "period": span.label,
        "year": span.year,
        "month": None,
        "months": months,
        "combine": period.combine,
        "published": False,
        "published_on": None,
        "as_of": min(span.last_day, today).isoformat(),
        "rules_hash": rules.sha256,
        "baseline_score": None,
        "items": [
            {
                "key": f"{span.year}-{m:02d}",
                "name": _("{month} 月").format(month=m),
                "source": "month",
                "max": round1(top),
                "min": 0,
                "bonus": False,
            }
            for m, top in zip(months, maxima, strict=True)
        ],
        "max_total": round1(combine(maxima, period.combine)),
        "bonus_cap": None,
        "left_out": [],
        "missing": [
            {**m, "month": month}
            for month in months
            if published(conn, span.year, month) is None
            for m in missing_entries(conn, rules, span.year, month)
        ],
        "rows": out_rows,
        "media": [],
    }


def period_ranking(
    conn: sqlite3.Connection, rules: Rules, span: PeriodSpan, today: date | None = None
) -> dict[str, Any]:
    """The period's ranking: the published result when frozen, else computed now."""
    period_of(rules, span)
    pub = published(conn, span.year, span.months[-1], span.key)
    if pub is not None:
        pub["rules_changed"] = pub.get("rules_hash") != rules.sha256
        return pub
    result = compute_period(conn, rules, span, today)
    result["rules_changed"] = False
    return result


def publish_period(
    conn: sqlite3.Connection,
    rules: Rules,
    span: PeriodSpan,
    *,
    force: bool = False,
    allow_missing: bool = False,
    today: date | None = None,
) -> dict[str, Any]:
    """Freeze a period as a month is frozen, once it is over (its last month publishable)."""
    today = today or today_()
    period_of(rules, span)
    earliest = earliest_publication(rules, span.year, span.months[-1])
    if today < earliest:
        raise Invalid(
            _("{period}还没有结束，要到 {date} 才能公布（今天是 {today}）。").format(
                period=period_words(span), date=earliest.isoformat(), today=today.isoformat()
            )
        )
    existing = conn.execute(
        "SELECT id, result FROM publications WHERE scope = ? AND year = ? AND month = ?"
        " AND superseded_at IS NULL",
        (span.key, span.year, span.months[-1]),
    ).fetchone()
    if existing is not None and not force:
        on = json.loads(existing[1]).get("published_on")
        raise Conflict(
            _(
                "{period}的结果已于 {on} 公布；要重新公布请加 --force（原结果保留，标为已作废）。"
            ).format(period=period_words(span), on=on)
        )
    result = compute_period(conn, rules, span, today)
    if not result["rows"]:
        raise Invalid(_("还没有登记任何社区，没有可公布的排名。"))
    if result["missing"] and not allow_missing:
        raise Invalid(
            _(
                "{period}还有手工评分没有录入：{missing}；录齐后再公布，或加 --allow-missing 按 0 分公布。"
            ).format(period=period_words(span), missing=missing_words(result["missing"]))
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
        (
            span.key,
            span.year,
            span.months[-1],
            rules.sha256,
            text,
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        ),
    )
    result = in_display_order(json.loads(text))
    result["rules_changed"] = False
    return result
