"""Normalising figures with `decimal.Decimal` (never float): money, project counts, rates and periods."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from model.cleaning import HALF_WIDTH

DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}
CURRENCIES = [
    ("亿美元", "USD"),
    ("万美元", "USD"),
    ("美元", "USD"),
    ("美金", "USD"),
    ("港元", "HKD"),
    ("港币", "HKD"),
    ("欧元", "EUR"),
    ("日元", "JPY"),
    ("英镑", "GBP"),
    ("人民币", "CNY"),
    ("元", "CNY"),
]
CURRENCY_WORDS = ("美元", "美金", "港元", "港币", "欧元", "日元", "英镑", "人民币", "元")
GTE = ("超过", "超", "逾", "以上", "余", "多", "过", "突破", "不低于", "不少于", "至少")
LTE = ("不到", "不足", "近", "以下", "以内", "不超过", "最多", "接近")
APPROX = ("约", "左右", "大约", "上下", "近乎")
_RANGE_SPLIT = re.compile(r"\s*(?:-|－|—|–|~|～|至|到)\s*")
_NUMERIC = re.compile(r"[0-9.]+")


class NormalizeError(ValueError):
    pass


def parse_number(text: str) -> Decimal:
    """A number written in digits, Chinese numerals or both: 516, 1.2万, 三千五百, 十万零一千, 13万2, 两."""
    text = text.strip().translate(HALF_WIDTH).replace(",", "").replace("，", "")
    if not text:
        raise NormalizeError("empty number")
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    if "点" in text:  # 三十五点五: Chinese decimal point, digits after it read one by one
        whole, _, fraction = text.partition("点")
        if fraction and all(ch in DIGITS for ch in fraction):
            return parse_number(whole) + Decimal("0." + "".join(str(DIGITS[ch]) for ch in fraction))
    total = Decimal(0)  # sections above 万/亿 already closed
    section = Decimal(0)  # the part below the current big unit
    current: Decimal | None = None  # the last number read, waiting for its unit
    last_unit = None
    i = 0
    while i < len(text):
        ch = text[i]
        match = _NUMERIC.match(text, i)
        if match:
            try:
                current = Decimal(match.group())
            except InvalidOperation:
                raise NormalizeError(f"not a number: {text!r}") from None
            i = match.end()
            continue
        if ch in DIGITS:
            current = Decimal(DIGITS[ch]) if current is None or ch in "零〇○" else current * 10 + DIGITS[ch]
            if ch in "零〇○":
                current = None
        elif ch in SMALL_UNITS:
            section += (current if current is not None else Decimal(1)) * SMALL_UNITS[ch]
            current = None
            last_unit = SMALL_UNITS[ch]
        elif ch in BIG_UNITS:
            unit = BIG_UNITS[ch]
            block = section + (current or 0)
            if block == 0 and total == 0:
                block = Decimal(1)  # 万亿 = 1 万亿
            if total and unit > Decimal(10) ** 4 and total < unit:
                total = (total + block) * unit  # 万亿: 1.2万亿 -> 1.2 * 10^4 * 10^8
            elif total and total % unit != 0 and block == 0:
                total *= unit
            else:
                total += block * unit
            section, current = Decimal(0), None
            last_unit = unit
        else:
            raise NormalizeError(f"not a number: {text!r}")
        i += 1
    if current is not None:
        # a trailing digit after a unit is one step down: 13万2 = 13.2万, 三千五 = 3500
        if last_unit is not None and section == 0 and total != 0 and current < 10:
            current *= last_unit / 10
        elif last_unit is not None and last_unit in SMALL_UNITS.values() and current < 10:
            current *= Decimal(last_unit) / 10
        section += current
    return total + section


def _plain(value: Decimal) -> str:
    """A decimal string without exponent or trailing zeros: 8.0E+10 -> '80000000000'."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def find_qualifier(before: str, surface: str, after: str) -> str | None:
    """gte | lte | approx from the words around a figure (qualifiers sit outside the span)."""
    tail = after[:3]
    head = before[-3:]
    if "多" in surface or "余" in surface:
        return "gte"
    for words, name in ((APPROX, "approx"), (LTE, "lte"), (GTE, "gte")):
        if any(head.endswith(w) for w in words) or any(tail.startswith(w) for w in words):
            return name
    return None


@dataclass(frozen=True)
class Money:
    value: str
    value_max: str | None
    currency: str


def _split_currency(text: str) -> tuple[str, str]:
    """(number part, ISO code); only qualifier words may follow the currency word."""
    for word, code in CURRENCIES:
        if word in text:
            index = text.rindex(word)
            rest = text[index + len(word) :]
            if rest and rest not in GTE + LTE + APPROX:
                raise NormalizeError(f"text after the currency in {text!r}")
            number_part = text[:index] + word[: -len(_currency_word(word))]
            return number_part, code
    return text, "CNY"


def _currency_word(word: str) -> str:
    return next(w for w in CURRENCY_WORDS if word.endswith(w))


def _strip_fillers(text: str) -> str:
    # 50个亿 -> 50亿; 3000多 / 1000余万 -> 3000 / 1000万 (the qualifier is reported separately)
    text = re.sub(r"个(?=[万亿])", "", text)
    return text.replace("多", "").replace("余", "").replace("来", "")


def parse_money(text: str) -> Money:
    """'800亿元' -> 80000000000 CNY; ranges give value (lower) and value_max (upper)."""
    body, currency = _split_currency(text.strip().translate(HALF_WIDTH))
    body = _strip_fillers(body)
    for word in GTE + LTE + APPROX:
        if body.startswith(word) and len(body) > len(word):
            body = body[len(word) :]
    parts = [p for p in _RANGE_SPLIT.split(body) if p]
    if not parts:
        raise NormalizeError(f"no amount in {text!r}")
    if len(parts) > 2:
        raise NormalizeError(f"not an amount: {text!r}")
    upper = parse_number(parts[-1])
    if len(parts) == 1:
        return Money(_plain(upper), None, currency)
    low_text = parts[0]
    unit = re.search(r"(万亿|亿|万|千|百)$", parts[-1])
    if unit and not re.search(r"[万亿千百]$", low_text):
        low_text += unit.group(1)  # 6-8亿: the lower bound shares the upper bound's unit
    lower = parse_number(low_text)
    return Money(_plain(lower), _plain(upper), currency)


def parse_count(text: str) -> int:
    """'516个' -> 516, '两个' -> 2, '32项' -> 32."""
    body = _strip_fillers(re.sub(r"[个项批家宗件只]+$", "", text.strip().translate(HALF_WIDTH)))
    value = parse_number(body)
    if value != value.to_integral_value():
        raise NormalizeError(f"not a whole count: {text!r}")
    return int(value)


def parse_rate(text: str) -> tuple[str, str]:
    """(value, unit): '8.2%' -> ('8.2', 'percent'); '百分之十二' -> ('12', 'percent');
    '3.5个百分点' -> ('3.5', 'point'); '1.5倍' -> ('1.5', 'times')."""
    body = text.strip().translate(HALF_WIDTH)
    unit = "percent"
    if body.endswith("个百分点") or body.endswith("百分点"):
        body, unit = re.sub(r"个?百分点$", "", body), "point"
    elif body.endswith("倍"):
        body, unit = body[:-1], "times"
    elif body.startswith("百分之"):
        body = body[3:]
    elif body.endswith("%") or body.endswith("％"):
        body = body[:-1]
    elif body.endswith("成"):
        return _plain(parse_number(body[:-1]) * 10), "percent"
    return _plain(parse_number(body)), unit


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def normalize_period(text: str, doc_date: date | None = None) -> str:
    """A period as an ISO-like string where it can be resolved: 2025, 2025-H1, 2025-Q1, 2025-01/2025-10;
    relative words (去年/今年/全年) need `doc_date`; anything else comes back as written."""
    raw = text.strip()
    explicit = _YEAR.search(raw)
    year = int(explicit.group(1)) if explicit else None
    if year is None and doc_date is not None:
        if "去年" in raw or "上年" in raw:
            year = doc_date.year - 1
        elif "前年" in raw:
            year = doc_date.year - 2
        elif any(w in raw for w in ("今年", "全年", "本年", "当年", "年内", "上半年", "下半年", "季度")) or re.match(
            r"^\d{1,2}\s*[-至到~]\s*\d{1,2}月", raw
        ):
            year = doc_date.year
        elif "明年" in raw:
            year = doc_date.year + 1
    if year is None:
        return raw
    if "上半年" in raw:
        return f"{year}-H1"
    if "下半年" in raw:
        return f"{year}-H2"
    quarter = re.search(r"([一二三四1-4])季度", raw)
    if quarter and "前" not in raw:
        return f"{year}-Q{_QUARTER[quarter.group(1)]}"
    months = re.search(r"(\d{1,2})\s*[-至到~]\s*(\d{1,2})\s*月", raw)
    if months:
        return f"{year}-{int(months.group(1)):02d}/{year}-{int(months.group(2)):02d}"
    return str(year)
