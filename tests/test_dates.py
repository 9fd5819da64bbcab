"""The one date parser of the tool (sqjg/dates.py): every accepted form, every refusal."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sqjg.dates import month_bounds, not_in_future, parse_date, parse_month, today
from sqjg.errors import Invalid

TODAY = date(2026, 7, 31)  # conftest sets SQJG_TODAY=2026-07-31


@pytest.mark.parametrize(
    "text",
    [
        "2026-07-10",
        "2026-7-10",
        "2026/7/10",
        "2026/07/10",
        "2026.7.10",
        "7-10",
        "07-10",
        "7/10",
        "7.10",
        "7月10日",
        "7月10号",
        "7月10",
        "2026年7月10日",
        " 2026-07-10 ",
        "２０２６－０７－１０",
        "７月１０日",
        "2026 年 7 月 10 日",
    ],
)
def test_accepted_forms(text):
    assert parse_date(text) == date(2026, 7, 10)


def test_missing_year_is_this_year_and_follows_sqjg_today(monkeypatch):
    assert parse_date("3-1") == date(2026, 3, 1)
    monkeypatch.setenv("SQJG_TODAY", "2027-01-05")
    assert parse_date("3-1") == date(2027, 3, 1)
    assert parse_date("3月1日", today_=date(2030, 6, 1)) == date(2030, 3, 1)


def test_a_date_passes_through():
    assert parse_date(date(2026, 7, 10)) == date(2026, 7, 10)


def test_leap_days():
    assert parse_date("2024-2-29") == date(2024, 2, 29)
    with pytest.raises(Invalid, match="不存在"):
        parse_date("2026-2-29")


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "无法识别"),
        ("明天", "无法识别"),
        ("10", "无法识别"),  # a bare day is not guessed
        ("2026-07", "无法识别"),  # nor a month without a day
        ("July 10", "无法识别"),
        ("2026-07-10T00:00", "无法识别"),
        ("7-10-", "无法识别"),
        ("2026-13-01", "不存在"),
        ("2026-06-31", "不存在"),
        ("0-10", "不存在"),
        ("7月32日", "不存在"),
        ("0026-07-10", "年份 26"),  # a dropped digit is not the year 26
        ("1899-12-31", "年份 1899"),
    ],
)
def test_refused(text, message):
    with pytest.raises(Invalid, match=message):
        parse_date(text)


def test_today_honours_sqjg_today(monkeypatch):
    assert today() == TODAY
    monkeypatch.setenv("SQJG_TODAY", "7-1")
    with pytest.raises(Invalid, match="SQJG_TODAY"):
        today()
    monkeypatch.setenv("SQJG_TODAY", "2026-02-30")
    with pytest.raises(Invalid):
        today()
    monkeypatch.delenv("SQJG_TODAY")
    assert today() == date.today()


def test_not_in_future():
    assert not_in_future(TODAY, "发现") == TODAY
    with pytest.raises(Invalid, match="发现日期 2026-08-01 晚于今天（2026-07-31）"):
        not_in_future(date(2026, 8, 1), "发现")


def test_months():
    assert parse_month(7) == (2026, 7)
    assert parse_month("7月", 2025) == (2025, 7)
    assert month_bounds(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month_bounds(2024, 12) == (date(2024, 12, 1), date(2024, 12, 31))
    for bad in ("13", "0", "七"):
        with pytest.raises(Invalid, match="月份"):
            parse_month(bad)


# --- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31))

FULL_FORMS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
]
SHORT_FORMS = [
    lambda d: f"{d.month}-{d.day}",
    lambda d: f"{d.month:02d}-{d.day:02d}",
    lambda d: f"{d.month}/{d.day}",
    lambda d: f"{d.month}月{d.day}日",
    lambda d: f"{d.month}月{d.day}号",
]


@given(d=dates, form=st.sampled_from(FULL_FORMS))
def test_any_date_in_any_full_form_parses_back(d, form):
    assert parse_date(form(d)) == d


@given(
    d=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    form=st.sampled_from(SHORT_FORMS),
)
def test_any_date_of_this_year_in_any_short_form_parses_back(d, form):
    assert parse_date(form(d)) == d


@given(d=dates, form=st.sampled_from(SHORT_FORMS))
def test_short_forms_take_the_year_given(d, form):
    assert parse_date(form(d), today_=date(d.year, 1, 1)) == d


@given(text=st.text(max_size=30))
def test_garbage_never_raises_anything_but_invalid(text):
    try:
        result = parse_date(text)
    except Invalid as e:
        assert str(e)
    else:
        assert isinstance(result, date)


@given(text=st.from_regex(r"\A[0-9０-９年月日号/.\- ]{0,14}\Z"))
def test_date_like_garbage_never_raises_anything_but_invalid(text):
    try:
        assert isinstance(parse_date(text), date)
    except Invalid:
        pass
