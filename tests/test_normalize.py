from datetime import date
from decimal import Decimal

import pytest

from model.normalize import (
    NormalizeError,
    find_qualifier,
    normalize_period,
    parse_count,
    parse_money,
    parse_number,
    parse_rate,
)


@pytest.mark.parametrize(
    "text, value, value_max, currency",
    [
        ("16.4亿", "1640000000", None, "CNY"),  # floats give 1639999999.9999998
        ("800亿元", "80000000000", None, "CNY"),
        ("5.6亿美元", "560000000", None, "USD"),
        ("32819.1万元", "328191000", None, "CNY"),
        ("三千五百亿元", "350000000000", None, "CNY"),
        ("6-8亿元", "600000000", "800000000", "CNY"),
        ("5至10亿元", "500000000", "1000000000", "CNY"),
        ("两到三万元", "20000", "30000", "CNY"),
        ("50万至200万元", "500000", "2000000", "CNY"),
        ("50个亿", "5000000000", None, "CNY"),
        ("两个亿", "200000000", None, "CNY"),
        ("万亿元", "1000000000000", None, "CNY"),
        ("1.2万亿元", "1200000000000", None, "CNY"),
        ("2.36万亿元", "2360000000000", None, "CNY"),
        ("一万八千亿元", "1800000000000", None, "CNY"),
        ("13万2", "132000", None, "CNY"),
        ("十万零一千元", "101000", None, "CNY"),
        ("一亿二千万元", "120000000", None, "CNY"),
        ("约4.287亿美元", "428700000", None, "USD"),
        ("近700万元", "7000000", None, "CNY"),
        ("3000多欧元", "3000", None, "EUR"),
        ("1000余万元", "10000000", None, "CNY"),
        ("25亿港元", "2500000000", None, "HKD"),
        ("30亿日元", "3000000000", None, "JPY"),
        ("１２６５０．８万元", "126508000", None, "CNY"),
        ("1,200万元", "12000000", None, "CNY"),
    ],
)
def test_money(text, value, value_max, currency):
    money = parse_money(text)
    assert (money.value, money.value_max, money.currency) == (value, value_max, currency)


@pytest.mark.parametrize(
    "text, value",
    [
        ("516个", 516),
        ("两个", 2),
        ("十二个", 12),
        ("32项", 32),
        ("一百八十个", 180),
        ("５１６个", 516),
        ("860余个", 860),
        ("十多个", 10),
        ("二十个", 20),
    ],
)
def test_counts(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8.2%", ("8.2", "percent")),
        ("百分之十二", ("12", "percent")),
        ("百分之三十五点五", ("35.5", "percent")),
        ("3.5个百分点", ("3.5", "point")),
        ("８．５％", ("8.5", "percent")),
        ("1.5倍", ("1.5", "times")),
        ("三成", ("30", "percent")),
    ],
)
def test_rates(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize(
    "before, surface, after, expected",
    [
        ("签约额超", "2100亿元", "，全年", "gte"),
        ("投资总额", "800亿元", "以上，", "gte"),
        ("总额约", "339亿元", "", "approx"),
        ("", "700万元", "左右", "approx"),
        ("达到近", "700万元", "", "lte"),
        ("投资", "3000多欧元", "", "gte"),
        ("共", "516个", "，", None),
        ("逾", "50亿元", "", "gte"),
        ("不到", "5亿元", "", "lte"),
    ],
)
def test_qualifiers(before, surface, after, expected):
    assert find_qualifier(before, surface, after) == expected


@pytest.mark.parametrize(
    "text, doc_date, expected",
    [
        ("2025年", None, "2025"),
        ("2025年度", None, "2025"),
        ("去年", date(2026, 3, 1), "2025"),
        ("去年", None, "去年"),
        ("今年", date(2026, 3, 1), "2026"),
        ("全年", date(2026, 3, 1), "2026"),
        ("上半年", date(2026, 8, 1), "2026-H1"),
        ("2025年一季度", None, "2025-Q1"),
        ("1-10月", date(2025, 11, 5), "2025-01/2025-10"),
        ('"十四五"期间', None, '"十四五"期间'),
    ],
)
def test_periods(text, doc_date, expected):
    assert normalize_period(text, doc_date) == expected


def test_numbers_are_decimals_not_floats():
    assert isinstance(parse_number("16.4亿"), Decimal)
    assert parse_number("0.1") + parse_number("0.2") == Decimal("0.3")


@pytest.mark.parametrize("bad", ["", "亿元以上项目", "abc元", "1-2-3亿元", "1.2.3亿元", "..万元"])
def test_unparseable_amounts_raise(bad):
    with pytest.raises(NormalizeError):
        parse_money(bad)
