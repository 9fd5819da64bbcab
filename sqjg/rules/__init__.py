"""The assessment (考评办法): the rules' model, loading and validation, the registry of score
sources and the pure engine.

- model.py    the parts of a rules file as dataclasses, and Rules
- load.py     load_rules(path) / rules_from_text(text) → validated Rules, or RulesError naming
              the key and line; items.py validates [[items]], check.py what validators share
- sources.py  the registry: each score source's facts, label, file shape and points
- engine.py   score_items, total_of, rank_rows, prize_rows, period_rows (no database)

Everything is importable from `sqjg.rules`. The engine is loaded on first use: commands that
only read the rules file (`issue add` reads time limits from it) never import it.
"""

from __future__ import annotations

from typing import Any

from .check import MAX_POINTS, MAX_REWARD_FEN
from .items import RESERVED_KEYS
from .load import load_rules, rules_from_text, validate
from .model import (
    DEFAULT_BANNED,
    DEFAULT_DEADLINES,
    GROUP_BY,
    KNOWN_SECTIONS,
    MECHANISM_COUNT,
    PERIOD_COMBINE,
    PERIOD_KEYS,
    PERIOD_LABELS,
    RATE_EMPTY,
    RATES,
    REPORTS,
    VETO_EFFECTS,
    Award,
    Baseline,
    BottomPenalty,
    Contest,
    Escalation,
    Grade,
    Item,
    Period,
    Prize,
    ProgressAward,
    Ranking,
    RateScoring,
    Rules,
    RulesError,
    StreakFirst,
    Veto,
    YearEnd,
    base_max,
    deadline_date,
    default_rules_path,
    rules_path,
)
from .sources import (
    COMPOUND_SOURCES,
    HAND_ENTERED,
    REGISTRY,
    SOURCE_LIST,
    SOURCES,
    CommunityFacts,
    Source,
    item_points,
    rate_points,
    source_label,
)

_ENGINE = frozenset(
    {
        "PRIZE_TIE_BREAK",
        "PeriodRanked",
        "combine",
        "Ranked",
        "Scored",
        "grade_of",
        "needed_for_target",
        "period_rows",
        "prize_rows",
        "rank_rows",
        "round1",
        "score_items",
        "total_of",
    }
)


def __getattr__(name: str) -> Any:
    if name in _ENGINE:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    *sorted(_ENGINE),
    "COMPOUND_SOURCES", "DEFAULT_BANNED", "DEFAULT_DEADLINES", "GROUP_BY", "HAND_ENTERED",
    "KNOWN_SECTIONS", "MAX_POINTS", "MAX_REWARD_FEN", "MECHANISM_COUNT", "PERIOD_COMBINE",
    "PERIOD_KEYS", "PERIOD_LABELS", "RATE_EMPTY", "RATES", "REGISTRY", "REPORTS", "RESERVED_KEYS", "SOURCES",
    "SOURCE_LIST", "VETO_EFFECTS", "Award", "Baseline", "BottomPenalty", "CommunityFacts",
    "Contest", "Escalation", "Grade", "Item", "Period", "Prize", "ProgressAward", "Ranking",
    "RateScoring", "Rules", "RulesError", "Source", "StreakFirst", "Veto", "YearEnd", "base_max",
    "deadline_date", "default_rules_path", "item_points", "load_rules", "rate_points",
    "rules_from_text", "rules_path", "source_label", "validate",
]  # fmt: skip
