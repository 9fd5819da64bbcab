"""The one date parser of the tool, and "today" (overridable with SQJG_TODAY).

Accepted: 2026-07-10, 2026/7/10, 2026.7.10, 7-10, 7/10, 7月10日, 2026年7月10日 (a missing
year is the current year). Anything else -- a bare day, a year and month without a day,
English month names -- is refused rather than guessed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import Invalid
from .i18n import _

_FULL = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_SHORT = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_ZH = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$")


def today() -> date:
    """Today's date, or SQJG_TODAY=YYYY-MM-DD when set (tests, back-filling)."""
    override = os.environ.get("SQJG_TODAY")
    if override:
        m = _FULL.match(override.strip())
        if not m:
            raise Invalid(
                _("环境变量 SQJG_TODAY 应为 YYYY-MM-DD 格式，现为“{value}”。").format(
                    value=override
                )
            )
        return _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)), override)
    return date.today()


def parse_date(text: str | date, *, today_: date | None = None) -> date:
    """Parse a user's date in any accepted form; raise Invalid with a Chinese sentence otherwise."""
    if isinstance(text, date):
        return text
    raw = text
    s = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    year: int | None
    if m := _FULL.match(s):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _SHORT.match(s):
        year, month, day = None, int(m.group(1)), int(m.group(2))
    elif m := _ZH.match(s):
        year = int(m.group(1)) if m.group(1) else None
        month, day = int(m.group(2)), int(m.group(3))
    else:
        raise Invalid(
            _("无法识别日期“{value}”：请写成 2026-07-10、7-10 或 7月10日。").format(value=raw)
        )
    if year is None:
        year = (today_ or today()).year
    if not MIN_YEAR <= year <= MAX_YEAR:
        # A dropped digit ("0026-07-10") must not become the year 26.
        raise Invalid(
            _("日期“{value}”的年份 {year} 不在 {low} 到 {high} 之间。").format(
                value=raw, year=year, low=MIN_YEAR, high=MAX_YEAR
            )
        )
    return _checked(year, month, day, raw)


MIN_YEAR, MAX_YEAR = 1900, 9999


def _checked(year: int, month: int, day: int, raw: str) -> date:
    found = _calendar(year, month, day)
    if found is None:
        raise Invalid(_("日期“{value}”不存在。").format(value=raw))
    return found


def _calendar(year: int, month: int, day: int) -> date | None:
    # The shapes above decide what is accepted; the standard library knows month lengths and leap
    # years (dateutil's parser, used here before, cost 18 ms of import on every command).
    try:
        return date(year, month, day)
    except ValueError:
        return None


_CN_MONTHS = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
}  # fmt: skip


def month_number_text(text: str) -> str:
    """ "7月", "７月", "七月" -> "7"; anything else as written (the option's own check refuses it)."""
    s = unicodedata.normalize("NFKC", text).strip().removesuffix("月").removesuffix("份")
    if s in _CN_MONTHS:
        return str(_CN_MONTHS[s])
    return s if s.isdigit() else text


def parse_month(month: int | str, year: int | None = None) -> tuple[int, int]:
    """Validate a --month/--year pair; the year defaults to the current one."""
    try:
        m = int(str(month).strip().removesuffix("月"))
    except ValueError:
        raise Invalid(_("月份“{value}”无效：应为 1 到 12。").format(value=month)) from None
    if not 1 <= m <= 12:
        raise Invalid(_("月份“{value}”无效：应为 1 到 12。").format(value=month))
    y = year if year is not None else today().year
    if not 1900 <= y <= 9999:
        raise Invalid(_("年份“{value}”无效。").format(value=year))
    return y, m


@dataclass(frozen=True)
class PeriodSpan:
    """A period named on the command line: 2026-Q3, 2026-H2 or 2026."""

    key: str  # quarter | half | year
    year: int
    index: int  # 1-4 for a quarter, 1-2 for a half, 1 for the year

    @property
    def months(self) -> tuple[int, ...]:
        size = {"quarter": 3, "half": 6, "year": 12}[self.key]
        return tuple(range((self.index - 1) * size + 1, self.index * size + 1))

    @property
    def label(self) -> str:
        suffix = {"quarter": f"-Q{self.index}", "half": f"-H{self.index}", "year": ""}[self.key]
        return f"{self.year}{suffix}"

    @property
    def last_day(self) -> date:
        return month_bounds(self.year, self.months[-1])[1]

    def previous(self) -> PeriodSpan:
        if self.index > 1:
            return PeriodSpan(self.key, self.year, self.index - 1)
        return PeriodSpan(self.key, self.year - 1, {"quarter": 4, "half": 2, "year": 1}[self.key])


_PERIOD = re.compile(r"(\d{4})(?:-?([QqHh])([1-4]))?")


def parse_period(text: str) -> PeriodSpan:
    """--period: 2026-Q3 (a quarter), 2026-H2 (a half year) or 2026 (the year)."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _PERIOD.fullmatch(s)
    if m is None or (m.group(2) in ("H", "h") and m.group(3) not in ("1", "2")):
        raise Invalid(
            _(
                "考评周期“{value}”无效：应写成 2026-Q3（季度）、2026-H2（半年）或 2026（年度）。"
            ).format(value=text)
        )
    year = int(m.group(1))
    if not 1900 <= year <= 9999:
        raise Invalid(_("年份“{value}”无效。").format(value=year))
    if m.group(2) is None:
        return PeriodSpan("year", year, 1)
    return PeriodSpan("quarter" if m.group(2) in "Qq" else "half", year, int(m.group(3)))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of a month."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def not_in_future(d: date, what: str) -> date:
    """Refuse a date after today for things that have already happened."""
    if d > today():
        raise Invalid(
            _("{what}日期 {date} 晚于今天（{today}），不能登记未发生的事。").format(
                what=what, date=d.isoformat(), today=today().isoformat()
            )
        )
    return d
