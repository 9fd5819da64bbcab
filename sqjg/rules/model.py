"""The rules' parts (考评办法): items, ranking, periods, year end, vetoes, the compound contest,
as frozen dataclasses; the loaded Rules. Pure: no database, no printing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..errors import Invalid
from ..i18n import N_, _


class RulesError(Invalid):
    """A rules file that cannot be used; the message names the key (and line where known)."""


def default_rules_path() -> Path:
    return Path(str(files("sqjg.data") / "rules.toml"))


def rules_path(path: str | os.PathLike[str] | None = None) -> Path:
    """--rules FILE, else SQJG_RULES, else the shipped data/rules.toml."""
    if path:
        return Path(path)
    env = os.environ.get("SQJG_RULES")
    return Path(env) if env else default_rules_path()


# --- the rules' parts -----------------------------------------------------------------------

MECHANISM_COUNT = 6  # the speech's six long-term mechanisms
REPORTS = ("survey", "funds", "cleanup", "selfcheck")
# rate:NAME → the indicator of `issue summary` it reads (one definition each, in sqjg.issues).
RATES = {
    "closure": "closure_rate",
    "on_time": "on_time_rate",
    "rework": "rework_rate",
    "overdue_open": "overdue_pending_rate",
    "extension": "extension_rate",
}
RATE_EMPTY = ("full", "zero", "average")
KNOWN_SECTIONS = (
    "issues",
    "funds",
    "deadlines",
    "items",
    "ranking",
    "year_end",
    "targets",
    "compound",
    "veto",
    "periods",
)


@dataclass(frozen=True)
class RateScoring:
    """How a rate r (0-1) becomes points: linear max × r, a threshold (full_at, per_point) or
    bands (at, points), read on 1 − r when inverted; `empty` when no issue counts."""

    full_at: float | None = None
    per_point: float = 0.0
    bands: tuple[tuple[float, float], ...] = ()  # (at, points), highest `at` first
    invert: bool = False
    empty: str = "full"


@dataclass(frozen=True)
class Item:
    """One score item of the 考评办法."""

    key: str
    name: str
    source: str
    max: float = 0.0  # points for a perfect month (0 for a penalty item)
    per: float = 0.0  # penalty items: points per counted fact (negative)
    min: float = 0.0  # penalty items: the floor (negative)
    target_fen: int = 0  # `funds`: the amount that earns full points
    note: str = ""
    months: tuple[int, ...] = ()  # the months the item is assessed in; () = every month
    bonus: bool = False  # 加分项: beyond the base maximum, capped by [ranking] bonus_cap
    rate: RateScoring | None = None  # rate:* sources: how the rate becomes points
    # manual items with bands: the figure entered (0-100, a satisfaction score) → points,
    # (at, points) highest `at` first
    entry_bands: tuple[tuple[float, float], ...] = ()
    # count:* sources: only issues of this kind / category / seriousness are counted
    kind: str | None = None
    category: int | None = None
    serious: bool | None = None

    def applies_in(self, month: int) -> bool:
        return not self.months or month in self.months

    @property
    def is_penalty(self) -> bool:
        """Points of 0 or below: overdue, exposure, and a count with `per` but no `max` (every
        other item has a positive max, validated on load)."""
        return not self.max

    @property
    def entry_max(self) -> float:
        """The largest figure `score set` takes: the points, or 100 for a banded score."""
        return 100.0 if self.entry_bands else self.max

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.min, 0.0) if self.is_penalty else (0.0, self.max)


@dataclass(frozen=True)
class Award:
    rank: int
    title: str
    reward_fen: int


@dataclass(frozen=True)
class Escalation:
    months: int
    action: str


@dataclass(frozen=True)
class Baseline:
    score: float
    reward_fen: int


VETO_EFFECTS = ("zero", "no_award")


@dataclass(frozen=True)
class Veto:
    """一票否决: "zero" makes the month's total 0; "no_award" keeps score and rank but gives no
    award, grade reward or baseline award."""

    key: str
    name: str
    effect: str


@dataclass(frozen=True)
class Grade:
    """One band of 等次: a total of at least `score` is rated `title`."""

    score: float
    title: str
    reward_fen: int = 0


@dataclass(frozen=True)
class BottomPenalty:
    """The last `count` places of a ranking get `title` and pay `fine_fen` (通报批评, 罚款)."""

    count: int
    title: str
    fine_fen: int = 0


@dataclass(frozen=True)
class StreakFirst:
    """First `months` months running (this one included) → `action` (通报嘉奖)."""

    months: int
    action: str


GROUP_BY = ("street",)
# [[periods]] key → its Chinese word (季度排名, 半年排名, 年度排名)
PERIOD_LABELS = {"quarter": N_("季度"), "half": N_("半年"), "year": N_("年度")}
PERIOD_KEYS = tuple(PERIOD_LABELS)
PERIOD_COMBINE = ("mean", "sum")


@dataclass(frozen=True)
class ProgressAward:
    """进步奖: the `count` communities whose total rose most over the previous period."""

    title: str
    reward_fen: int = 0
    count: int = 1


@dataclass(frozen=True)
class Period:
    """A ranking over several months ([[periods]]): quarter, half year or year."""

    key: str  # quarter | half | year
    combine: str = "mean"  # mean | sum of the assessed months' totals
    awards: tuple[Award, ...] = ()
    progress_award: ProgressAward | None = None


@dataclass(frozen=True)
class Ranking:
    tie_break: tuple[str, ...] = ()
    awards: tuple[Award, ...] = (
        Award(1, N_("流动红旗"), 2_000_000),
        Award(2, N_("流动红旗"), 1_500_000),
        Award(3, N_("流动红旗"), 1_000_000),
    )
    min_award_score: float = 0.0
    yellow_card_bottom: int = 3
    publish_last: bool = True
    escalation: tuple[Escalation, ...] = (
        Escalation(2, N_("书记在新闻媒体上说明工作")),
        Escalation(3, N_("书记当年工作考核为不称职")),
    )
    baseline: Baseline | None = None
    first_month: tuple[int, int] | None = None  # (year, month) of the first assessed month
    bonus_cap: float | None = None  # the most the bonus items add together; None = no cap
    scale_to: float | None = None  # totals rescaled so the month's base maximum is this many
    grades: tuple[Grade, ...] = ()  # 等次, highest score first
    group_by: str | None = None  # "street": ranks, awards and cards within each street
    bottom_penalties: tuple[BottomPenalty, ...] = ()  # the last `count` places: title and fine
    streak_first: tuple[StreakFirst, ...] = ()  # first so many months running → an action


@dataclass(frozen=True)
class Prize:
    title: str
    count: int
    reward_fen: int


@dataclass(frozen=True)
class YearEnd:
    unit_prizes: tuple[Prize, ...] = (
        Prize(N_("一等奖"), 1, 10_000_000),
        Prize(N_("二等奖"), 2, 8_000_000),
        Prize(N_("三等奖"), 3, 6_000_000),
    )
    community_weight: float = 0.6  # × the mean monthly total of the unit's communities
    rectification_weight: float = 0.4  # × 100 × the on-time closure rate of its category-3 issues
    min_score: float = 0.0


@dataclass(frozen=True)
class Contest:
    """The compound contest inside a community (小区流动红旗)."""

    items: tuple[Item, ...] = ()
    tie_break: tuple[str, ...] = ()
    awards: tuple[Award, ...] = (Award(1, N_("小区流动红旗"), 0),)

    @property
    def ranking(self) -> Ranking:
        return Ranking(
            tie_break=self.tie_break,
            awards=self.awards,
            yellow_card_bottom=0,
            publish_last=False,
            escalation=(),
            baseline=None,
        )


@dataclass
class Rules:
    path: Path
    text: str
    data: dict[str, Any] = field(repr=False)
    items: tuple[Item, ...] = ()
    ranking: Ranking = field(default_factory=Ranking)
    year_end: YearEnd = field(default_factory=YearEnd)
    targets: dict[int, float] = field(default_factory=dict)
    compound: Contest = field(default_factory=Contest)
    vetoes: tuple[Veto, ...] = ()
    periods: tuple[Period, ...] = ()

    def period(self, key: str) -> Period | None:
        return next((p for p in self.periods if p.key == key), None)

    def veto(self, key: str) -> Veto | None:
        return next((v for v in self.vetoes if v.key == key), None)

    @property
    def exposure_notices(self) -> int:
        return int(self.data.get("issues", {}).get("exposure_notices", 3))

    @property
    def notice_ladder(self):  # -> tuple[sqjg.notices.Step, ...]
        """Who each successive notice goes to ([[issues.notices]]); validated on load."""
        from ..notices import ladder_from

        return ladder_from(self.data.get("issues", {}).get("notices"))

    @property
    def resolve_photo(self) -> bool:
        return bool(self.data.get("issues", {}).get("resolve_photo", False))

    @property
    def verify_photo(self) -> bool:
        return bool(self.data.get("issues", {}).get("verify_photo", False))

    @property
    def photo_max_mb(self) -> float:
        return float(self.data.get("issues", {}).get("photo_max_mb", 20))

    @property
    def time_limits(self):  # -> sqjg.timelimits.TimeLimits
        """Default time limits by kind and category ([issues.time_limits]); validated on load."""
        from ..timelimits import time_limits_from

        return time_limits_from(self.data.get("issues", {}).get("time_limits"))

    @property
    def banned_words(self) -> list[str]:
        return list(self.data.get("funds", {}).get("banned_words", DEFAULT_BANNED))

    @property
    def deadlines(self) -> dict[str, str]:
        """Deadline key → 'MM-DD' (each year)."""
        return dict(self.data.get("deadlines", DEFAULT_DEADLINES))

    @property
    def sha256(self) -> str:
        """The hash of the file's text, stored with a published month."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def items_in(self, month: int) -> tuple[Item, ...]:
        """The items assessed in a month (an item with `months` is left out elsewhere)."""
        return tuple(i for i in self.items if i.applies_in(month))

    def max_in(self, month: int) -> float:
        """The month's base maximum: the full points of its non-bonus items."""
        return base_max(self.items_in(month))

    def require_items(self) -> None:
        """The assessment needs [[items]]; files for other commands may leave them out."""
        if not self.items:
            raise RulesError(
                _("规则文件 {path} 没有考评项目：请至少写一个 [[items]]。").format(path=self.path)
            )


def base_max(items: Sequence[Item]) -> float:
    """The full points of the non-bonus items."""
    return sum(i.max for i in items if not i.bonus)


DEFAULT_BANNED = ["奖金", "福利", "补贴发放", "慰问金", "加班费", "bonus", "welfare"]
DEFAULT_DEADLINES = {
    "survey": "07-10",
    "funds": "07-10",
    "cleanup": "07-25",
    "assessment": "07-25",
    "selfcheck": "08-31",
}


def deadline_date(mmdd: str, year: int) -> date:
    """A 'MM-DD' deadline in a given year (02-29 falls on 02-28 in other years)."""
    month, day = int(mmdd[:2]), int(mmdd[3:5])
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


# --- loading and validating -----------------------------------------------------------------
