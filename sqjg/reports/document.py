"""The document every report is laid out as: a title, then sections of tables, lines and
charts, every cell already formatted for people. Text, Markdown and HTML render the same
document, so the three always say the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n import _

# --- the document ---------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[tuple[str, str]]
    rows: list[
        dict[str, Any]
    ]  # display strings; "_class" marks a row (total, red-flag, yellow-card)
    numeric: Sequence[str] = ()
    title: str | None = None
    empty: str | None = None


@dataclass
class Lines:
    lines: list[str]
    bullets: bool = False
    note: bool = False


@dataclass
class BarChart:
    """The month's totals, one horizontal bar per community in rank order."""

    bars: list[dict[str, Any]]  # {label, rank, value, outcome: red-flag|yellow-card|""}
    full: float  # the full score (the axis' end)
    baseline: float | None = None
    title: str = ""


@dataclass
class RankChart:
    """Each community's rank over the months (a bump chart)."""

    months: list[str]
    series: list[dict[str, Any]]  # {label, ranks: [int | None]}
    title: str = ""


@dataclass
class RateChart:
    """The civilized-community rate against the year's target, as one gauge."""

    rate: float
    target: float | None
    label: str
    title: str = ""


@dataclass
class Section:
    heading: str
    blocks: list[Any] = field(default_factory=list)


@dataclass
class Document:
    title: str
    meta: list[str]
    sections: list[Section]
    status: str = ""  # "published" or "provisional" (the HTML badge)


# --- formatting cells -----------------------------------------------------------------------


def decimal1(v: Any) -> str:
    return "" if v is None else f"{float(v):.1f}"


def percent(v: Any) -> str:
    return "—" if v is None else f"{float(v) * 100:.1f}%"


def amount(v: Any) -> str:
    return f"{float(v or 0):,.2f}"


def whole(v: Any) -> str:
    return "" if v is None else str(v)


# Lists of names in a cell or a line stop here (a city of thousands of communities); the CSV
# and JSON always carry every name.
NAMES_SHOWN = 20


def name_list(names: Sequence[str]) -> str:
    if len(names) <= NAMES_SHOWN:
        return _("、").join(names)
    return _("{names} 等 {n} 个").format(names=_("、").join(names[:NAMES_SHOWN]), n=len(names))


def names_or_none(names: Sequence[str]) -> str:
    return name_list(names) if names else _("无")
