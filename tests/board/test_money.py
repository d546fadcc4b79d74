from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from board.money import MoneyError, format_wan, format_yuan, parse_money


@pytest.mark.parametrize(
    "text, fen",
    [
        ("1,234.50", 123450),
        ("1234.5元", 123450),
        ("12.3万", 12_300_000),
        ("12.3万元", 12_300_000),
        ("0.01", 1),
        ("¥1,000", 100000),
        ("￥ 88", 8800),
        ("(200.00)", -20000),
        ("-5", -500),
        ("１２３．４５", 12345),  # full-width digits from Chinese input methods
        ("0.005", 1),  # half up to the fen
        ("0.004", 0),
        ("1.5亿", 15_000_000_000),
        (" 3 180 ", 318000),
        (1234, 123400),
        (12.34, 1234),
        (Decimal("7.10"), 710),
        ("人民币100元", 10000),
    ],
)
def test_parse_money(text, fen):
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "1.2.3",
        "12万3",
        "--5",
        None,
        True,
        float("nan"),
        "1e5",
        "五百",
        "(-200)",
        "1,23",
        "1,2,3",
        "12,34.5",
        "١٢٣",
        ",123",
    ],
)
def test_parse_money_rejects(text):
    with pytest.raises(MoneyError) as info:
        parse_money(text)
    assert str(info.value)  # a Chinese message, not an empty error


def test_float_noise_does_not_leak_into_fen():
    assert parse_money(0.1 + 0.2) == 30
    assert parse_money(1234.565) == 123457


@pytest.mark.parametrize(
    "fen, yuan, wan",
    [
        (0, "0.00元", "0元"),
        (1, "0.01元", "0.01元"),
        (318000, "3,180.00元", "3,180元"),
        (12550, "125.50元", "125.5元"),
        (6_800_000, "68,000.00元", "6.8万元"),
        (1_000_000, "10,000.00元", "1万元"),
        (145_935_863, "1,459,358.63元", "145.94万元"),
        (-6_800_000, "-68,000.00元", "-6.8万元"),
        (999_999, "9,999.99元", "9,999.99元"),
    ],
)
def test_format(fen, yuan, wan):
    assert format_yuan(fen) == yuan
    assert format_wan(fen) == wan


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_format_yuan_round_trips(fen):
    assert parse_money(format_yuan(fen)) == fen
    assert parse_money(format_yuan(fen, unit=False)) == fen
