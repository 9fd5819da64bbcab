"""The amount parser: integer fen, exact, every accepted spelling round-trips; garbage is Invalid."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqjg.errors import Invalid
from sqjg.money import MAX_FEN, format_yuan, parse_amount, yuan


@pytest.mark.parametrize(
    "text,fen",
    [
        ("20000", 2_000_000),
        ("20,000", 2_000_000),
        ("2万", 2_000_000),
        ("1.5万元", 1_500_000),
        ("300.50", 30_050),
        ("300.5", 30_050),
        ("¥300", 30_000),
        ("￥300", 30_000),
        ("３００", 30_000),
        ("２万", 2_000_000),
        ("１，０００．５", 100_050),
        ("0.01", 1),
        ("17万元", 17_000_000),
        ("1.234567万", 1_234_567),
        ("1.2345670万", 1_234_567),
        (" 1,234,567.89 元 ", 123_456_789),
        ("20,000.00 元", 2_000_000),
        ("人民币500元", 50_000),
        ("007", 700),
    ],
)
def test_accepted(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    "text,reason",
    [
        ("0", "大于零"),
        ("0.00", "大于零"),
        ("0万", "大于零"),
        ("-5", "大于零"),
        ("-0.5", "大于零"),
        ("1.234", "两位小数"),
        ("300.500", "两位小数"),
        ("1.2345678万", "两位小数"),
        ("abc", "20,000"),
        ("", "20,000"),
        ("1e5", "20,000"),
        ("300.", "20,000"),
        (".5", "20,000"),
        ("2,0,0", "20,000"),
        ("1,0000", "20,000"),
        ("12,34", "20,000"),
        ("万", "20,000"),
        ("2万万", "20,000"),
        ("五百", "20,000"),
        ("٣٠٠", "20,000"),  # Arabic-Indic digits are not yuan
        ("NaN", "20,000"),
        ("inf", "20,000"),
        ("99999999999999999999", "过大"),
        ("10000000000000.01", "过大"),
        ("9" * 5000, "20,000"),
    ],
)
def test_refused(text, reason):
    with pytest.raises(Invalid) as e:
        parse_amount(text)
    assert reason in str(e.value)
    assert str(e.value).startswith("金额“")


def test_limits():
    assert parse_amount("10000000000000") == MAX_FEN
    assert parse_amount("10,000,000,000,000.00") == MAX_FEN


def test_format_yuan_and_plain_numbers():
    assert format_yuan(2_000_000) == "20,000.00 元"
    assert format_yuan(30_050) == "300.50 元"
    assert format_yuan(1) == "0.01 元"
    assert format_yuan(0) == "0.00 元"
    assert format_yuan(-9_975) == "-99.75 元"
    assert yuan(2_000_000) == 20000 and isinstance(yuan(2_000_000), int)
    assert yuan(30_050) == 300.5
    assert yuan(123_456_789) == 1234567.89


FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def spellings(fen: int) -> list[str]:
    whole, cents = divmod(fen, 100)
    plain = f"{whole}.{cents:02d}"
    out = [
        plain,
        f"{whole:,}.{cents:02d}",
        f"¥{plain}",
        f"￥{whole:,}.{cents:02d}元",
        format_yuan(fen),
        plain.translate(FULL_WIDTH),
        f"{whole:,}.{cents:02d}".translate(FULL_WIDTH) + "元",
    ]
    if cents == 0:
        out += [str(whole), f"{whole:,}", f"{whole}元"]
    elif cents % 10 == 0:
        out.append(f"{whole}.{cents // 10}")
    wan, rest = divmod(fen, 1_000_000)
    frac = f"{rest:06d}".rstrip("0")
    wan_text = f"{wan}.{frac}万" if frac else f"{wan}万"
    out += [wan_text, wan_text + "元", wan_text.translate(FULL_WIDTH)]
    return out


@settings(max_examples=150)
@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_every_spelling_round_trips(fen):
    for text in spellings(fen):
        assert parse_amount(text) == fen, text


@settings(max_examples=100)
@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_round_trips_through_format_yuan(fen):
    assert parse_amount(format_yuan(fen)) == fen


@settings(max_examples=150)
@given(
    st.one_of(st.text(), st.text(alphabet="0123456789.,万元¥-+ eE０１２３４５６７８９，．￥\u3000"))
)
def test_garbage_raises_only_invalid(text):
    try:
        fen = parse_amount(text)
    except Invalid as e:
        assert str(e).startswith("金额“")
    else:
        assert isinstance(fen, int) and 0 < fen <= MAX_FEN


@given(st.integers(min_value=-MAX_FEN, max_value=0))
def test_zero_and_negative_refused(fen):
    with pytest.raises(Invalid):
        parse_amount(f"{fen / 100:.2f}")
