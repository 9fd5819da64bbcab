"""The engine, pure: score a month's facts (score_items, total_of), rank the communities and
decide every outcome (rank_rows), rank the year-end unit prizes (prize_rows) and the periods
(period_rows). No database, no printing: the facts are gathered by sqjg.assessment."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..i18n import _
from .model import (
    Award,
    BottomPenalty,
    Escalation,
    Grade,
    Item,
    Period,
    Prize,
    Ranking,
    Rules,
    StreakFirst,
    YearEnd,
    base_max,
)
from .sources import PRECISION, CommunityFacts, item_points


def score_items(
    rules: Rules, facts: CommunityFacts, items: Sequence[Item] | None = None
) -> dict[str, float]:
    """Each item's points for one month: the rules' [[items]] assessed that month, or `items`
    for the compound contest (an item whose `months` leave this month out gets no entry)."""
    deadlines = rules.deadlines
    chosen = rules.items if items is None else items
    return {i.key: item_points(i, facts, deadlines) for i in chosen if i.applies_in(facts.month)}


def total_of(
    points: Mapping[str, float],
    items: Sequence[Item] = (),
    ranking: Ranking | None = None,
) -> float:
    """The month's total, never below 0.

    Without items: the plain sum. With them: the base items (scaled by `scale_to` / the month's
    base maximum when the ranking says so) plus the bonus items, whose sum is capped by
    `bonus_cap`; a bonus lifts a total, a cap never lowers the base.
    """
    if not items:
        return max(0.0, sum(points.values()))
    bonus_keys = {i.key for i in items if i.bonus}
    base = sum(v for k, v in points.items() if k not in bonus_keys)
    bonus = sum(v for k, v in points.items() if k in bonus_keys)
    if ranking is not None and ranking.bonus_cap is not None:
        bonus = min(bonus, ranking.bonus_cap)
    if ranking is not None and ranking.scale_to is not None:
        full = base_max([i for i in items if i.key in points])
        if full > 0:
            base = base * ranking.scale_to / full
    return max(0.0, base + bonus)


def round1(value: float) -> float:
    """Round half up to one decimal for output (ranking always compares unrounded values)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)) + 0.0


@dataclass
class Scored:
    """One community's (compound's, unit's) scored month, the input of the ranking."""

    key: Any  # the caller's id
    name: str
    items: dict[str, float]
    total: float
    previous_last: int = 0  # months in a row it was last just before this one
    no_award: bool = False  # a "no_award" veto: ranked, but no award of any kind
    group: str | None = None  # its street, when the ranking is by group
    previous_first: int = 0  # months in a row it was first just before this one


@dataclass
class Ranked:
    scored: Scored
    rank: int
    below: int  # communities strictly below it
    award: Award | None = None
    yellow_card: bool = False
    last: bool = False
    media: bool = False
    consecutive_last: int = 0
    escalation: Escalation | None = None
    baseline: bool = False
    prize: Prize | None = None
    grade: Grade | None = None
    bottom_penalty: BottomPenalty | None = None
    first: bool = False
    consecutive_first: int = 0
    streak: StreakFirst | None = None


def _order(scored: Sequence[Scored], tie_break: Sequence[str]) -> list[tuple[Scored, int, int]]:
    """(entry, rank, strictly below) in ranking order: total, then tie_break items, high to low.

    Entries still equal share a rank and the next rank is skipped (1, 2, 2, 4). O(n log n).
    """

    def key(s: Scored) -> tuple[float, ...]:
        return (
            round(s.total, PRECISION),
            *(round(s.items.get(k, 0.0), PRECISION) for k in tie_break),
        )

    keyed = sorted(
        ((key(s), s) for s in scored), key=lambda t: (tuple(-v for v in t[0]), t[1].name)
    )
    n = len(keyed)
    out: list[tuple[Scored, int, int]] = []
    start = 0
    while start < n:
        end = start
        while end < n and keyed[end][0] == keyed[start][0]:
            end += 1
        for i in range(start, end):
            out.append((keyed[i][1], start + 1, n - end))
        start = end
    return out


def grade_of(grades: Sequence[Grade], total: float) -> Grade | None:
    """The first (highest) band the total reaches; None below every band or without grades."""
    t = round(total, PRECISION)
    return next((g for g in grades if t >= round(g.score, PRECISION)), None)


def rank_rows(ranking: Ranking, scored: Sequence[Scored]) -> list[Ranked]:
    """Rank one month and decide every outcome; with `group_by` each group (street) is ranked
    on its own — ranks, awards, cards, last places — groups in order of first appearance."""
    if ranking.group_by is None:
        return _rank_one(ranking, scored)
    groups: dict[str | None, list[Scored]] = {}
    for s in scored:
        groups.setdefault(s.group, []).append(s)
    return [r for members in groups.values() for r in _rank_one(ranking, members)]


def _rank_one(ranking: Ranking, scored: Sequence[Scored]) -> list[Ranked]:
    """Rank one month (or one group of it) and decide every outcome of the speech.

    - awards go by rank equality (two tied for 2nd both get the 2nd award, and there is no
      3rd); none below min_award_score;
    - never an award and a sanction in one month: an award outweighs a yellow card, but the
      last place outweighs an award when the rules sanction last place (media or escalation),
      so in a city of three the third is named in the media and gets no red flag;
    - yellow card: fewer than `yellow_card_bottom` communities strictly below, unless awarded;
    - last: none strictly below; media when publish_last; consecutive months last (including
      `previous_last`) reach the highest escalation whose `months` they reach;
    - baseline: total ≥ baseline.score;
    - bottom_penalties: fewer than `count` strictly below (the smallest such count applies),
      unless awarded;
    - first: rank 1 with somebody below; consecutive months first (including `previous_first`)
      reach the highest streak_first whose `months` they reach.
    When nobody stands strictly below anybody (every community equal) the month has no
    bottom: no yellow card, no last place, no media, and a run of last places is broken.
    """
    ordered = _order(scored, ranking.tie_break)
    has_bottom = bool(ordered) and ordered[0][2] > 0
    awards = {a.rank: a for a in ranking.awards}
    out: list[Ranked] = []
    last_sanctioned = ranking.publish_last or bool(ranking.escalation)
    for s, rank, below in ordered:
        r = Ranked(s, rank, below)
        r.last = has_bottom and below == 0
        award = awards.get(rank)
        if (
            award is not None
            and round(s.total, PRECISION) >= round(ranking.min_award_score, PRECISION)
            and not (r.last and last_sanctioned)
            and not s.no_award
        ):
            r.award = award
        r.yellow_card = has_bottom and below < ranking.yellow_card_bottom and r.award is None
        r.media = r.last and ranking.publish_last
        r.consecutive_last = s.previous_last + 1 if r.last else 0
        for e in ranking.escalation:
            if r.consecutive_last >= e.months:
                r.escalation = e
        if ranking.baseline is not None and not s.no_award:
            r.baseline = round(s.total, PRECISION) >= round(ranking.baseline.score, PRECISION)
        r.grade = grade_of(ranking.grades, s.total)
        if has_bottom and r.award is None:
            r.bottom_penalty = next((b for b in ranking.bottom_penalties if below < b.count), None)
        r.first = has_bottom and rank == 1
        r.consecutive_first = s.previous_first + 1 if r.first else 0
        for f in ranking.streak_first:
            if r.consecutive_first >= f.months:
                r.streak = f
        out.append(r)
    return out


@dataclass
class PeriodRanked:
    """One community in a period's ranking: its ranked combined total and its rise."""

    ranked: Ranked
    rise: float | None  # the combined total minus the previous period's; None: none before
    progress: bool = False


def period_rows(
    period: Period,
    ranking: Ranking,
    scored: Sequence[Scored],
    previous: Mapping[Any, float] | None = None,
) -> list[PeriodRanked]:
    """Rank a period (季度, 半年, 年度) on each community's combined monthly totals.

    The period's awards go by rank as a month's do (a "no_award" veto in any of its months
    bars them; no cards or last-place sanctions in a period; by group when the ranking is);
    the progress award goes to the `count` largest rises over `previous` (key → the previous
    period's combined total), a rise above 0 only; ties at the boundary all get it.
    """
    plain = replace(
        Ranking(),
        awards=period.awards,
        min_award_score=ranking.min_award_score,
        yellow_card_bottom=0,
        publish_last=False,
        escalation=(),
        group_by=ranking.group_by,
    )
    ranked = rank_rows(plain, scored)
    prev = previous or {}
    out = [
        PeriodRanked(r, r.scored.total - prev[r.scored.key] if r.scored.key in prev else None)
        for r in ranked
    ]
    pa = period.progress_award
    if pa is not None:
        groups: dict[str | None, list[PeriodRanked]] = {}
        for p in out:
            key = p.ranked.scored.group if ranking.group_by else None
            groups.setdefault(key, []).append(p)
        for members in groups.values():
            rising = sorted(
                (p for p in members if p.rise is not None and round(p.rise, PRECISION) > 0
                 and not p.ranked.scored.no_award),
                key=lambda p: -p.rise,  # type: ignore[operator]
            )  # fmt: skip
            if len(rising) > pa.count:
                bar = round(rising[pa.count - 1].rise, PRECISION)  # type: ignore[arg-type]
                rising = [p for p in rising if round(p.rise, PRECISION) >= bar]  # type: ignore[arg-type]
            for p in rising:
                p.progress = True
    return out


def combine(values: Sequence[float], how: str) -> float:
    """A period's figure from its months' totals: their mean or their sum."""
    if not values:
        return 0.0
    return sum(values) / len(values) if how == "mean" else sum(values)


# Year-end units tied on score are told apart by these parts of it, in this order.
PRIZE_TIE_BREAK = ("communities", "rectification")


def prize_rows(year_end: YearEnd, scored: Sequence[Scored]) -> list[Ranked]:
    """Year-end unit prizes: the prizes fill places in order (1 × first = place 1, 2 × second =
    places 2-3, 3 × third = places 4-6), so the number of each prize always holds.

    Units tied on score are told apart by PRIZE_TIE_BREAK (their communities' mean monthly
    total, then their category-3 on-time rate). Units still tied share the places they
    occupy: when those places hold one prize each gets it; when they hold different prizes
    (or run past the last prize) the group pools the money of its places and shares it
    equally, rounded down to the fen, under the joined titles marked 并列.
    """
    slots = [p for p in year_end.unit_prizes for _n in range(p.count)]
    ordered = _order(scored, PRIZE_TIE_BREAK)
    out: list[Ranked] = []
    start = 0
    while start < len(ordered):
        end = start
        while end < len(ordered) and ordered[end][1] == ordered[start][1]:
            end += 1
        group = ordered[start:end]
        held = slots[start:end]
        prize: Prize | None = None
        if held and round(group[0][0].total, PRECISION) >= round(year_end.min_score, PRECISION):
            if len(group) == len(held) and all(p == held[0] for p in held):
                prize = held[0]
            else:
                titles = list(dict.fromkeys(_(p.title) for p in held))
                prize = Prize(
                    _("{titles}（并列）").format(titles=_("、").join(titles)),
                    len(group),
                    sum(p.reward_fen for p in held) // len(group),
                )
        for s, rank, below in group:
            r = Ranked(s, rank, below)
            r.prize = prize
            out.append(r)
        start = end
    return out


def needed_for_target(total: int, designated: int, rate: float) -> int:
    """How many more designations reach `rate` of `total` (exact decimal arithmetic: 0.7 × 10 = 7)."""
    required = math.ceil(Decimal(str(rate)) * total)
    return max(0, required - designated)
