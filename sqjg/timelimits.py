"""Time limits (处置时限) by kind and category, and China's working-day calendar.

The rules file's `[issues.time_limits]` gives a default time limit per issue kind, per category
(`category.4`) and a `default`, each as "N工作日" (working days) or "N天" (calendar days). Working
days follow the State Council's holiday schedule with its make-up working weekends (调休), as the
`chinese-calendar` package carries it; for a year the package does not know, only weekends are
days off, and the caller is told which years those were so it can say so once.

Counting: the day the problem was found is day 0; N working days later is the N-th working day
after it (found on a Wednesday, 1工作日 is Thursday).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .i18n import N_, _

_WORKING_SUFFIXES = ("个工作日", "工作日")
_CALENDAR_SUFFIXES = ("个自然日", "自然日", "天", "日")


@dataclass(frozen=True)
class TimeLimit:
    days: int
    working: bool
    key: str  # the rules-file key that set it: a kind, "category.N" or "default"

    def text(self) -> str:
        return (_("{n}个工作日") if self.working else _("{n}天")).format(n=self.days)


@dataclass(frozen=True)
class TimeLimits:
    kinds: dict[str, TimeLimit] = field(default_factory=dict)
    categories: dict[int, TimeLimit] = field(default_factory=dict)
    default: TimeLimit | None = None

    def __bool__(self) -> bool:
        return bool(self.kinds or self.categories or self.default)

    def rule_for(self, kind: str | None, category: int) -> TimeLimit | None:
        """The limit of the issue's kind, else of its category, else the default."""
        if kind and kind in self.kinds:
            return self.kinds[kind]
        return self.categories.get(category, self.default)


class LimitError(ValueError):
    """A bad [issues.time_limits] entry: args are (key, sentence)."""


def parse_limit(value: Any, key: str) -> TimeLimit:
    """'3工作日' / '3个工作日' → 3 working days; '7天' / '7日' / '7自然日' → 7 calendar days."""
    text = str(value).strip().replace(" ", "") if isinstance(value, str) else ""
    for suffixes, working in ((_WORKING_SUFFIXES, True), (_CALENDAR_SUFFIXES, False)):
        for suffix in suffixes:
            number = text.removesuffix(suffix)
            if number != text and number.isascii() and number.isdigit():
                n = int(number)
                if 0 < n <= 3650:
                    return TimeLimit(n, working, key)
    raise LimitError(
        key,
        _("[issues.time_limits] {key} 应写成“3工作日”或“7天”（1 到 3650），现为“{value}”").format(
            key=key, value=value
        ),
    )


def time_limits_from(raw: Any) -> TimeLimits:
    """Parse the `[issues.time_limits]` table; raise LimitError(key, sentence) on the first bad entry."""
    if raw is None:
        return TimeLimits()
    if not isinstance(raw, dict):
        raise LimitError("time_limits", _("[issues.time_limits] 应为表"))
    kinds: dict[str, TimeLimit] = {}
    categories: dict[int, TimeLimit] = {}
    default: TimeLimit | None = None
    for key, value in raw.items():
        if key == "default":
            default = parse_limit(value, key)
        elif key == "category":
            # `category.4 = "15工作日"` is TOML for a nested table {"category": {"4": ...}}.
            if not isinstance(value, dict):
                raise LimitError(
                    key, _('[issues.time_limits] category 应写成 category.4 = "15工作日"')
                )
            for number, limit in value.items():
                if number not in ("1", "2", "3", "4"):
                    raise LimitError(
                        f"category.{number}",
                        _("[issues.time_limits] 类别应为 1 到 4，现为“{value}”").format(
                            value=number
                        ),
                    )
                categories[int(number)] = parse_limit(limit, f"category.{number}")
        else:
            kinds[key.strip()] = parse_limit(value, key)
    return TimeLimits(kinds, categories, default)


# --- the working-day calendar ---------------------------------------------------------------


def _known(year: int) -> bool:
    from chinese_calendar import constants

    return year in _known_years(constants)


_YEARS: set[int] | None = None


def _known_years(constants: Any) -> set[int]:
    global _YEARS
    if _YEARS is None:
        _YEARS = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    return _YEARS


def is_working_day(day: date) -> bool:
    """A working day by the official calendar; weekends only for a year it does not know."""
    if _known(day.year):
        from chinese_calendar import is_workday

        return bool(is_workday(day))
    return day.weekday() < 5


def add_working_days(start: date, n: int) -> tuple[date, list[int]]:
    """The n-th working day after `start`, and the years passed that the calendar does not know."""
    unknown: list[int] = []
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if not _known(day.year) and day.year not in unknown:
            unknown.append(day.year)
        if is_working_day(day):
            left -= 1
    return day, unknown


def due_from(found: date, limit: TimeLimit) -> tuple[date, list[int]]:
    """The due date a time limit gives an issue found on `found`, with the unknown years used."""
    if limit.working:
        return add_working_days(found, limit.days)
    return found + timedelta(days=limit.days), []


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: str  # "holiday" (法定节假日) or "workday" (调休上班)
    name: str


_NAMES = {
    "New Year's Day": N_("元旦"),
    "Spring Festival": N_("春节"),
    "Tomb-sweeping Day": N_("清明节"),
    "Labour Day": N_("劳动节"),
    "Dragon Boat Festival": N_("端午节"),
    "National Day": N_("国庆节"),
    "Mid-autumn Festival": N_("中秋节"),
    "Anti-Fascist 70th Day": N_("抗战胜利70周年纪念日"),
}


def year_calendar(year: int) -> list[CalendarDay] | None:
    """The holidays and make-up working days in force in a year; None if the calendar lacks it."""
    from chinese_calendar import constants

    if year not in _known_years(constants):
        return None
    out: list[CalendarDay] = []
    for day, holiday in constants.holidays.items():
        if day.year == year:
            out.append(CalendarDay(day, "holiday", _holiday_name(holiday)))
    for day, holiday in constants.workdays.items():
        # The package also lists ordinary weekdays it was told about; only weekends are make-up days.
        if day.year == year and day.weekday() >= 5:
            out.append(CalendarDay(day, "workday", _holiday_name(holiday)))
    return sorted(out, key=lambda c: c.day)


def _holiday_name(holiday: Any) -> str:
    # The package stores the English name (a string, or an enum whose value is the string).
    english = str(getattr(holiday, "value", holiday))
    return _(_NAMES[english]) if english in _NAMES else english
