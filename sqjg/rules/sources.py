"""The registry of score sources: each source says, in one entry, the facts it reads, its label,
the shape of its item in the rules file, and how it turns facts into points.

Adding a source is one `Source(...)` in SOURCE_LIST. `sqjg.assessment` gathers exactly the
facts the items' sources declare (`needs`), so a source cannot be forgotten by a gate there;
tests walk the registry to prove every declared fact has a gatherer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..i18n import N_, _
from .model import MECHANISM_COUNT, RATES, REPORTS, Item, RateScoring, deadline_date

# Sums of floats that are equal on paper can differ in the 15th digit; compare at 1e-9.
PRECISION = 9


@dataclass
class CommunityFacts:
    """What one community (or compound) did in one month; missing facts are zeros."""

    year: int
    month: int
    manual: dict[str, float] = field(default_factory=dict)  # item key → points entered by hand
    inspections: int = 0
    inspection_mean: float | None = None  # mean of the month's inspection scores (0-100)
    meetings: int = 0
    cleanups: int = 0
    first_cleanup: date | None = None  # the month's first clean-up
    submitted: dict[str, date] = field(
        default_factory=dict
    )  # report → first handed up (by month end)
    due: int = 0  # issues due in the month
    due_closed_on_time: int = 0  # … of which closed on time
    overdue: int = 0  # issues overdue at month end
    exposure: int = 0  # issues on the exposure board at month end
    mechanisms: int = 0  # long-term mechanisms in place at month end (of six)
    raised_fen: int = 0  # funds raised by month end
    counts: dict[str, int] = field(default_factory=dict)  # count:* item key → the month's count
    rates: dict[str, float | None] = field(default_factory=dict)  # rate name → 0-1, None: no issue
    rate_means: dict[str, float | None] = field(default_factory=dict)  # … mean over communities


Points = Callable[[Item, CommunityFacts, Mapping[str, str]], float]

# How an item of a source is written in the rules file:
#   "max"     max = full points
#   "funds"   max and target (yuan for full points)
#   "penalty" per (negative) and min (the floor), no max
#   "count"   per, with max (扣完为止 from max) or min (a penalty from 0)
#   "rate"    max and the rate scoring keys (full_at/per_point, bands, invert, empty)
#   "manual"  max, optionally bands on the figure entered (0-100)
SHAPES = ("max", "funds", "penalty", "count", "rate", "manual")


@dataclass(frozen=True)
class Source:
    """One score source of [[items]] source = "…"."""

    code: str
    label: str  # Chinese, marked for translation
    needs: tuple[str, ...]  # the CommunityFacts fields it reads
    points: Points  # unclamped points; the engine clamps to the item's bounds
    shape: str = "max"
    compound: bool = False  # a compound (小区) can be scored on it: it has no activities or funds
    counted: str | None = None  # count:* from the issues: the count sqjg.issues.month_counts takes


def _manual(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    figure = float(f.manual.get(item.key, 0.0))
    if item.entry_bands:
        # a figure entered on its own scale (a satisfaction score of 0-100) turned into points
        r = round(figure, PRECISION)
        return next((p for at, p in item.entry_bands if r >= round(at, PRECISION)), 0.0)
    return figure


def _inspection(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    if f.inspection_mean is None or not f.inspections:
        return 0.0
    return f.inspection_mean / 100 * item.max


def _meeting(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return item.max if f.meetings > 0 else 0.0


def _cleanup(item: Item, f: CommunityFacts, deadlines: Mapping[str, str]) -> float:
    deadline = deadlines.get("cleanup")
    if deadline is not None and int(deadline[:2]) == f.month:
        on_time = f.first_cleanup is not None and f.first_cleanup <= deadline_date(deadline, f.year)
        return item.max if on_time else 0.0
    return item.max if f.cleanups > 0 else 0.0


def _submission(report: str) -> Points:
    def points(item: Item, f: CommunityFacts, deadlines: Mapping[str, str]) -> float:
        due = deadline_date(deadlines[report], f.year)
        if (f.year, f.month) < (due.year, due.month):
            return item.max  # not due yet this month: nobody can be late, nobody loses points
        handed = f.submitted.get(report)
        return item.max if handed is not None and handed <= due else 0.0

    return points


def _rectification(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return item.max if f.due <= 0 else f.due_closed_on_time / f.due * item.max


def _overdue(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return item.per * f.overdue


def _exposure(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return item.per * f.exposure


def _mechanisms(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return f.mechanisms / MECHANISM_COUNT * item.max


def _funds(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return f.raised_fen / item.target_fen * item.max


def _count(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    # from the maximum, 扣完为止; without a maximum a penalty from 0 down to min
    return item.max + item.per * f.counts.get(item.key, 0)


def _count_manual(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
    return item.max + item.per * f.manual.get(item.key, 0.0)


def _rate(name: str) -> Points:
    def points(item: Item, f: CommunityFacts, _d: Mapping[str, str]) -> float:
        return rate_points(item, f.rates.get(name), f.rate_means.get(name))

    return points


def rate_points(item: Item, rate: float | None, mean: float | None) -> float:
    """A rate item's points. `rate` None: no issue counts toward it, so `empty` decides
    ("average" scores the mean rate of the communities that have one; full when none has)."""
    s = item.rate or RateScoring()
    if rate is None:
        if s.empty == "zero":
            return 0.0
        if s.empty == "full" or mean is None:
            return item.max
        rate = mean
    r = 1.0 - rate if s.invert else rate
    r = round(r, PRECISION)
    if s.bands:
        return next((p for at, p in s.bands if r >= round(at, PRECISION)), 0.0)
    if s.full_at is not None:
        if r >= round(s.full_at, PRECISION):
            return item.max
        below = (Decimal(str(s.full_at)) - Decimal(repr(r))) * 100  # percentage points
        return max(0.0, item.max - s.per_point * float(below))
    return item.max * r


_SUBMISSION_LABELS = {
    "survey": N_("排查情况按时上报"),
    "funds": N_("经费情况按时上报"),
    "cleanup": N_("大清扫情况按时上报"),
    "selfcheck": N_("自查情况按时上报"),
}
_RATE_LABELS = {
    "closure": N_("结案率"),
    "on_time": N_("按期结案率"),
    "rework": N_("返工率"),
    "overdue_open": N_("超期待处置率"),
    "extension": N_("延期率"),
}
# count:NAME from the issues: found in the month, overdue in the month, on the exposure board
# at month end, reworks and notices in the month.
_COUNT_LABELS = {
    "found": N_("当月发现问题数"),
    "overdue": N_("当月超期问题数"),
    "exposure": N_("月末曝光台问题数"),
    "rework": N_("当月返工次数"),
    "notices": N_("当月整改通知次数"),
}

SOURCE_LIST: tuple[Source, ...] = (
    Source("manual", N_("手工录入"), ("manual",), _manual, "manual", compound=True),
    Source("inspection", N_("市级领导检查平均分"), ("inspections", "inspection_mean"), _inspection),
    Source("meeting", N_("共建委会议"), ("meetings",), _meeting),
    Source("cleanup", N_("卫生大清扫"), ("cleanups", "first_cleanup"), _cleanup),
    *(
        Source(f"submission:{r}", _SUBMISSION_LABELS[r], ("submitted",), _submission(r))
        for r in REPORTS
    ),
    Source(
        "rectification",
        N_("问题按期整改率"),
        ("due", "due_closed_on_time"),
        _rectification,
        compound=True,
    ),
    Source("overdue", N_("当月超期问题"), ("overdue",), _overdue, "penalty", compound=True),
    Source("exposure", N_("月末曝光台问题"), ("exposure",), _exposure, "penalty", compound=True),
    Source("mechanisms", N_("长效机制建成比例"), ("mechanisms",), _mechanisms),
    Source("funds", N_("截至月末筹集经费"), ("raised_fen",), _funds, "funds"),
    *(
        Source(f"rate:{r}", _RATE_LABELS[r], ("rates", "rate_means"), _rate(r), "rate")
        for r in RATES
    ),
    *(
        Source(f"count:{c}", label, ("counts",), _count, "count", counted=c)
        for c, label in _COUNT_LABELS.items()
    ),
    Source("count:manual", N_("手工录入件数"), ("manual",), _count_manual, "count"),
)
REGISTRY: dict[str, Source] = {s.code: s for s in SOURCE_LIST}
SOURCES: tuple[str, ...] = tuple(REGISTRY)
COMPOUND_SOURCES: tuple[str, ...] = tuple(s.code for s in SOURCE_LIST if s.compound)
# The sources whose figure a person types in (`sqjg score set`); a missing entry is warned about.
HAND_ENTERED = frozenset(s.code for s in SOURCE_LIST if "manual" in s.needs)


def source_label(code: str) -> str:
    """The source's Chinese label (the code itself when unknown)."""
    s = REGISTRY.get(code)
    return _(s.label) if s else code


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    return min(max(value, lo), hi)


def item_points(item: Item, facts: CommunityFacts, deadlines: Mapping[str, str]) -> float:
    """One item's points, clamped to [0, max] (penalties to [min, 0])."""
    return _clamp(REGISTRY[item.source].points(item, facts, deadlines), item.bounds)
