"""The lexicon channel: word knowledge for a character model, as a feature it learns to weigh.

A character-level encoder pretrained for an hour does not know that 反复 is a word or that 东升 can be a given
name. A segmenter does (rjieba, the Rust binding of jieba, ~5M characters/s): each character gets one id for
its position in the segmenter's word (Begin / Inside / End / Single) and that word's part-of-speech group
(nr person name, ns place, nt organisation, m numeral, v verb …), plus the project's gazetteers as extra
groups (titles, strategies, currency words) added to the segmenter's dictionary. The model embeds the id and
adds it to the character embedding, so it can overrule the segmenter where it is wrong (王/小川, 孙 + 海洋
as a place): the segmenter is evidence, never a rule.
"""

from __future__ import annotations

from functools import lru_cache

POSITIONS = ("B", "I", "E", "S")
# Part-of-speech groups; a tag not listed falls into "other" (by its first letter where that is listed).
GROUPS = (
    "other",
    "nr",
    "ns",
    "nt",
    "nz",
    "n",
    "v",
    "m",
    "q",
    "t",
    "a",
    "d",
    "p",
    "c",
    "u",
    "x",
    "eng",
    "title",
    "strategy",
    "currency",
)
PAD_ID = 0
N_LEXICON_IDS = 1 + len(POSITIONS) * len(GROUPS)

_PLACES = ("省", "市", "县", "区", "州", "镇", "乡", "旗", "盟")
_POSTS = ("书记", "副书记", "长", "委常委", "委书记", "委副书记")
_OFFICES = (
    "主任",
    "副主任",
    "主席",
    "副主席",
    "秘书长",
    "副秘书长",
    "局长",
    "副局长",
    "厅长",
    "副厅长",
    "部长",
    "副部长",
    "院长",
    "副院长",
    "检察长",
    "董事长",
    "副董事长",
    "总经理",
    "副总经理",
    "党委书记",
    "党组书记",
    "巡视员",
    "调研员",
)
TITLE_WORDS = tuple(
    sorted(
        {f"{p}{post}" for p in _PLACES for post in _POSTS}
        | {f"副{p}长" for p in _PLACES}
        | {f"常务副{p}长" for p in _PLACES}
        | {f"{p}委常委" for p in _PLACES}
        | set(_OFFICES)
        | {"总书记", "国家主席", "国务院总理", "副总理", "国务委员", "管委会主任", "工委书记", "村支书", "党工委书记"}
    )
)
STRATEGY_WORDS = (
    "产业链招商",
    "链主招商",
    "资本招商",
    "资本基金招商",
    "产业基金招商",
    "基金招商",
    "场景招商",
    "驻点招商",
    "驻外招商",
    "以商引商",
    "以商招商",
    "以企引企",
    "以投促引",
    "招投联动",
    "科技招商",
    "园区招商",
    "平台招商",
    "活动招商",
    "展会招商",
    "办会招商",
    "存量招商",
    "精准招商",
    "靶向招商",
    "链式招商",
    "委托招商",
    "云招商",
    "网络招商",
    "小分队招商",
    "全员招商",
    "总部招商",
    "数字招商",
    "飞地招商",
    "以链招商",
    "中介招商",
    "乡贤招商",
)
CURRENCY_WORDS = (
    "元",
    "万元",
    "亿元",
    "万亿元",
    "美元",
    "万美元",
    "亿美元",
    "港元",
    "亿港元",
    "欧元",
    "亿欧元",
    "日元",
    "英镑",
    "港币",
    "人民币",
)


def group_of(tag: str) -> str:
    if tag in GROUPS:
        return tag
    if tag and tag[0] in GROUPS:  # vn, vd -> v; nrt, nrfg -> n (kept apart only where listed)
        return "nr" if tag.startswith("nr") else tag[0]
    return "other"


def lexicon_id(position: str, group: str) -> int:
    return 1 + GROUPS.index(group) * len(POSITIONS) + POSITIONS.index(position)


GAZETTEER = {
    word: tag
    for words, tag in ((TITLE_WORDS, "title"), (STRATEGY_WORDS, "strategy"), (CURRENCY_WORDS, "currency"))
    for word in words
}


@lru_cache(maxsize=1)
def _segmenter():
    import rjieba

    segmenter = rjieba.Jieba()
    for word, tag in GAZETTEER.items():  # the segmenter keeps its own tag for words it knows: see char_lexicon_ids
        segmenter.add_word(word, 100000, tag)
    return segmenter


def segmenter_tags(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech tag) pairs of the segmenter, with the project's gazetteers in its dictionary."""
    return _segmenter().tag(text)


def char_lexicon_ids(text: str) -> list[int]:
    """One lexicon id per character of `text` (PAD_ID for whitespace)."""
    ids: list[int] = []
    for word, tag in segmenter_tags(text):
        group = GAZETTEER.get(word) or group_of(tag)
        n = len(word)
        if n == 1:
            ids.append(PAD_ID if word.isspace() else lexicon_id("S", group))
            continue
        ids.append(lexicon_id("B", group))
        ids.extend(lexicon_id("I", group) for _ in range(n - 2))
        ids.append(lexicon_id("E", group))
    if len(ids) != len(text):  # the segmenter keeps every character; guard the contract all the same
        raise RuntimeError(f"segmenter returned {len(ids)} characters for a text of {len(text)}")
    return ids


def starts_word(lexicon_id_: int) -> bool:
    """Whether the character with this id begins a segmenter word (whitespace, PAD_ID, stands alone)."""
    return lexicon_id_ == PAD_ID or POSITIONS[(lexicon_id_ - 1) % len(POSITIONS)] in ("B", "S")


def ends_word(lexicon_id_: int) -> bool:
    return lexicon_id_ == PAD_ID or POSITIONS[(lexicon_id_ - 1) % len(POSITIONS)] in ("E", "S")


def token_lexicon_ids(text: str, offsets: list[tuple[int, int]]) -> list[int]:
    """One lexicon id per token: the id of the token's first character (tokens here are one character, or a
    word piece of a checkpoint's tokenizer, whose first character stands for it)."""
    return tokens_from_chars(char_lexicon_ids(text), offsets)


def tokens_from_chars(chars: list[int], offsets: list[tuple[int, int]]) -> list[int]:
    """`token_lexicon_ids` from the text's `char_lexicon_ids`, for a caller that keeps those too."""
    return [chars[start] if start < len(chars) else PAD_ID for start, _ in offsets]
