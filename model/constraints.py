"""Constraints on predicted spans: what a span of each label can never be, whatever the model says.

- No span crosses a sentence end, and none starts or ends with punctuation or whitespace (trimmed).
- A PERSON or TITLE holds no punctuation inside (`梅建华,` → `梅建华`; a name never runs past a comma). The
  middle dot of transliterated names (`买买提·艾力`) is part of the name.
- A PERSON is a full name, surname and given name: one character (`李` of `李局长`, `强` cut from a name), a
  surname with a form of address (`李先生`), a firm (`曦强乳业`) or a verb (`申请`) is not a name and is dropped.
- An AMOUNT is money: it carries a currency word, or is a bare 亿/万亿 sum (`50个亿`, `过万亿`); `3` in
  `计划3年投资20亿元`, `5000万` in `年产5000万台` are not amounts and are dropped.
- A TITLE ends with a post (…长, 书记, 主任, 委员, 经理, 总裁, 负责人, 教授 …): `总经办` (an office), a name
  read as a title (`江海`) are not titles. A piece that does not end with one, right before another TITLE, is
  the front of that title cut in two and joins it (`招商银行机构客户部` + `总经理`); one cut before its post
  word is extended over it (`…经济商务处` + `参赞`).
- An ORG or a METRIC starts and ends where a segmenter word does (`WORD_ALIGNED`): `黑河旅俄华` (of 华侨),
  `电信公` (of 公司), `招` (of 招商银行) are broken reads and are dropped. Names are not held to this (the
  segmenter splits them wrongly: 王/小川); 96.5% of the corpus's real ORG spans and 98.6% of its METRIC spans
  align, and on real dev (v0.4) the rule lifts ORG F1 0.357 -> 0.384 and METRIC 0.52 -> 0.55, recall unchanged.
- A chain of posts written without a separator is one TITLE per post, as the guidelines annotate it
  (`澄城县委常委政法委书记` → `澄城县委常委` + `政法委书记`, each linked to the name): a TITLE is split after
  `常委` (never `常委会`, a body) when what follows is a post of its own.
- A has_title link never crosses a sentence end.
- A COUNT counts projects: its classifier is 项, or 项目 stands near it in the same sentence (`签约35个项目`,
  `新签约项目516个`); `两个` in `打造两个产业集群` is dropped.
"""

from __future__ import annotations

import re

from model.lexicon import ends_word, group_of, segmenter_tags, starts_word

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
    r"比索|里拉|兰特|迪拉姆|雷亚尔|克朗|块钱|块|毛钱|角|港仙|美分|欧分"
)
_BARE_MONEY = re.compile(r"亿$|万亿$|个亿$")
_SENTENCE = re.compile("[" + SENTENCE_END + "]")  # the same sentence ends as every other constraint
# Last words of posts; every gold title of the corpus ends with one (`tests/test_constraints.py` checks).
_POST_END = re.compile(
    r"(?:长|书记|书|主任|委|主席|理|员|总裁|人|官|事|代表|教授|指挥|总统|士|顾问|师|医生|帝|主管|教练|总监|主编|总编|干部|"
    r"大使|司令|总工|首相|议长|会计|参赞|[Cc][EeFfTtOo][Oo])$"
)
# Posts a title cut short may be missing (`中国驻日本大使馆经济商务处` + `参赞`): whole words only, longest first.
_POST_AFTER = re.compile(
    r"副?(?:总经理|书记|主任|委员|常委|主席|经理|总裁|负责人|代表|教授|秘书长|秘书|指挥|总统|顾问|主管|总监|主编|"
    r"总编|大使|参赞|司令|院长|局长|处长|科长|厅长|部长|所长|站长|校长|行长|社长|会长|理事长|董事长|董事|总工程师)"
)
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
        if label == "PERSON" and not _can_be_a_name(text[start:end]):
            return None
        if label == "TITLE" and not ends_with_post(text[start:end]):
            return None
    elif label == "AMOUNT":
        if not (_CURRENCY.search(surface) or _BARE_MONEY.search(surface)):
            return None
    elif label == "COUNT":
        if not surface.endswith("项") and not _counts_projects(text, start, end):
            return None
    return start, end


# A surname with a form of address (`李先生`, `王女士`) or a firm's name (`曦强乳业`) is not a full name.
_NOT_A_NAME_END = re.compile(
    r"(?:先生|女士|小姐|同志|师傅|老师|大爷|阿姨|大妈|老板|乳业|食品|集团|公司|银行|科技|药业|实业|股份|控股|置业|地产|"
    r"电器|电子|能源|物流|传媒)$"
)


def _can_be_a_name(surface: str) -> bool:
    """A PERSON is a full name: two characters or more (layout spaces and `?` aside), not a surname with a form
    of address or a firm, and not one word the segmenter's dictionary knows as a verb (`申请`: the surname 申
    and a character after it). No name of the corpus's 3,023 gold PERSON spans fails this."""
    bare = "".join(surface.split()).replace("?", "")
    if len(bare) < 2 or _NOT_A_NAME_END.search(bare):
        return False
    words = segmenter_tags(bare)
    return not (len(words) == 1 and group_of(words[0][1]) == "v")


WORD_ALIGNED = frozenset({"ORG", "METRIC"})


def cuts_a_word(char_ids: list[int], start: int, end: int) -> bool:
    """Whether the span [start, end) of a text starts or ends inside a segmenter word, given the text's
    `model.lexicon.char_lexicon_ids`."""
    return not (starts_word(char_ids[start]) and ends_word(char_ids[end - 1]))


# Where a chain of posts runs on without a separator: the standing-committee seat, which is never a whole
# title's end when more follows (`常委会主任` is a post of the committee, not a chain).
_CHAIN_BREAK = re.compile(r"常委(?!会)")


def split_title_chains(text: str, entities: list[dict], relations: list[dict]) -> tuple[list[dict], list[dict]]:
    """Entities ({label, start, end, score}) with each unseparated chain of posts in one TITLE split into a
    TITLE per post; every relation of the chain goes to each of its pieces. Sorted by position, relations
    re-pointed, as `model.propagation.propagate_names` returns them."""
    pieces: dict[int, list[tuple[int, int]]] = {}
    for i, ent in enumerate(entities):
        if ent["label"] != "TITLE":
            continue
        cuts = [ent["start"]]
        for match in _CHAIN_BREAK.finditer(text, ent["start"], ent["end"]):
            rest = text[match.end() : ent["end"]]
            if len(rest) >= 2 and ends_with_post(rest):
                cuts.append(match.end())
        if len(cuts) > 1:
            pieces[i] = list(zip(cuts, cuts[1:] + [ent["end"]], strict=True))
    if not pieces:
        return entities, relations
    out: list[dict] = []
    index_of: dict[int, list[int]] = {}
    for i, ent in enumerate(entities):
        index_of[i] = []
        for start, end in pieces.get(i, [(ent["start"], ent["end"])]):
            index_of[i].append(len(out))
            out.append({**ent, "start": start, "end": end})
    split_relations = [
        {**rel, "head": head, "tail": tail}
        for rel in relations
        for head in index_of[rel["head"]]
        for tail in index_of[rel["tail"]]
    ]
    return in_text_order(out, split_relations)


def in_text_order(entities: list[dict], relations: list[dict]) -> tuple[list[dict], list[dict]]:
    """Entities sorted by (start, end) and relations re-pointed at the sorted list."""
    order = sorted(range(len(entities)), key=lambda i: (entities[i]["start"], entities[i]["end"]))
    new_index = {old: new for new, old in enumerate(order)}
    return [entities[i] for i in order], [
        {**r, "head": new_index[r["head"]], "tail": new_index[r["tail"]]} for r in relations
    ]


def ends_with_post(title: str) -> bool:
    return bool(_POST_END.search(title.rstrip()))


def mend_titles(text: str, spans: list[tuple]) -> list[tuple]:
    """Spans (keys, start, end, label, score) in text order, with each TITLE that does not end with a post
    mended where the text shows how: joined to the TITLE that follows it with no gap (`招商银行机构客户部` +
    `总经理`; the joined span keeps both pieces' keys, their relation votes, and the lower score), or else
    extended over a post word that follows it and no other span (`…经济商务处` + `参赞`). What cannot be mended
    is left for `constrain_span` to drop."""
    out: list[tuple] = []
    for span in spans:
        if out and span[3] == "TITLE":
            keys, start, end, label, score = out[-1]
            whole = (start, span[2])  # a join never takes in punctuation: `部署；` + `副县长` stay apart
            if (
                label == "TITLE"
                and end == span[1]
                and not ends_with_post(text[start:end])
                and constrain_span(text, "TITLE", *whole) == whole
            ):
                out[-1] = (keys + span[0], start, span[2], "TITLE", min(score, span[4]))
                continue
        out.append(span)
    for i, (keys, start, end, label, score) in enumerate(out):
        if label != "TITLE" or ends_with_post(text[start:end]):
            continue
        limit = out[i + 1][1] if i + 1 < len(out) else len(text)
        post = _POST_AFTER.match(text, end, limit)
        if post:
            out[i] = (keys, start, post.end(), label, score)
    return out


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
