"""Constraints on predicted spans: what a span of each label can never be, whatever the model says.

- No span crosses a sentence end, and none starts or ends with punctuation or whitespace (trimmed).
- A PERSON or TITLE holds no punctuation inside (`梅建华,` → `梅建华`; a name never runs past a comma). The
  middle dot of transliterated names (`买买提·艾力`) is part of the name.
- A PERSON is a full name, surname and given name: one character (`李` of `李局长`, `强` cut from a name) is
  not a name and is dropped.
- An AMOUNT is money: it carries a currency word, or is a bare 亿/万亿 sum (`50个亿`, `过万亿`); `3` in
  `计划3年投资20亿元`, `5000万` in `年产5000万台` are not amounts and are dropped.
- A has_title link never crosses a sentence end.
- A COUNT counts projects: its classifier is 项, or 项目 stands near it in the same sentence (`签约35个项目`,
  `新签约项目516个`); `两个` in `打造两个产业集群` is dropped.
"""

from __future__ import annotations

import re

SENTENCE_END = "。！？；!;\n"  # not an ASCII ?: scraping leaves it for a full-width space
_EDGE = set(" \t\r\n\u3000,，、。；;：:！!？?…")
_NAME_EDGE = _EDGE | set("（）()《》〈〉“”\"'‘’【】[]—-·.")
# Inside a name: spaces are layout (pages pad two-character names: `李  倩`), punctuation is not.
# An ASCII `?` is what scraping leaves of a full-width space (`黄 ?玮`): layout, not punctuation.
_INSIDE = {
    "PERSON": re.compile(r"[,，、。；;：:！!？（）()《》“”\"'【】\[\]…]"),
    "TITLE": re.compile(r"[,，、。；;：:！!？?《》“”\"'【】\[\]…]"),
}  # 某某（深圳）有限公司总经理 keeps its brackets
_CURRENCY = re.compile(
    r"元|美元|欧元|港元|港币|日元|英镑|镑|卢布|韩元|澳元|加元|新元|人民币|美金|法郎|卢比|林吉特|泰铢|"
    r"比索|里拉|兰特|迪拉姆|雷亚尔|克朗|块钱|块|角"
)
_BARE_MONEY = re.compile(r"亿$|万亿$|个亿$")
_SENTENCE = re.compile("[" + SENTENCE_END + "]")  # the same sentence ends as every other constraint
_PROJECT_WORD = "项目"
_REACH = 40  # characters either side of a COUNT searched for 项目 within its sentence


def constrain_span(text: str, label: str, start: int, end: int) -> tuple[int, int] | None:
    """The span as it may stand, (start, end) into `text`, or None when it cannot be a span of this label."""
    edge = _NAME_EDGE if label in _INSIDE else _EDGE
    while start < end and text[start] in edge:
        start += 1
    cut = next((i for i in range(start, end) if text[i] in SENTENCE_END), None)
    if cut is not None:
        end = cut
    while end > start and text[end - 1] in edge:
        end -= 1
    if end <= start:
        return None
    surface = text[start:end]
    if label in _INSIDE:
        inside = _INSIDE[label].search(surface)
        if inside:
            end = start + inside.start()
            if end <= start:
                return None
        if label == "PERSON" and len("".join(text[start:end].split()).replace("?", "")) < 2:
            return None
    elif label == "AMOUNT":
        if not (_CURRENCY.search(surface) or _BARE_MONEY.search(surface)):
            return None
    elif label == "COUNT":
        if not surface.endswith("项") and not _counts_projects(text, start, end):
            return None
    return start, end


_SENTENCE_STOP = re.compile(r"[。！？!]")


def title_reaches(text: str, person: tuple[int, int], title: tuple[int, int]) -> bool:
    """A has_title link stays inside one sentence: no 。！？ between the name and its title (`总书记反复强调。
    副市长欧阳振华…` does not give 欧阳振华 the title 总书记)."""
    lo, hi = min(person[1], title[1]), max(person[0], title[0])
    return not _SENTENCE_STOP.search(text, lo, hi) if lo < hi else True


def _counts_projects(text: str, start: int, end: int) -> bool:
    before = _SENTENCE.split(text[max(0, start - _REACH) : start])[-1]
    after = _SENTENCE.split(text[end : end + _REACH])[0]
    return _PROJECT_WORD in before or _PROJECT_WORD in after
