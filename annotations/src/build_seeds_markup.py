"""Build annotations/src/seeds.md from the five real seed articles in ../shared/seeds.

Each seed's annotation is a list of anchors. An anchor is a stretch of the seed text in which spans are
marked as ⟦surface|LABEL⟧ or ⟦surface|LABEL|ref⟧; with the marks removed the stretch must occur in the seed
exactly once (or give an occurrence index as the second item of a tuple). The script locates each anchor,
places its spans at absolute offsets, checks they do not overlap and do not fall into site chrome, and
writes the markup file with the seed text untouched between spans.

Run from anywhere:  .venv/bin/python annotations/src/build_seeds_markup.py
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
OUT = Path(__file__).resolve().parent / "seeds.md"

_MARK = re.compile(r"⟦([^⟦⟧|]+)\|([A-Z]+)(?:\|([A-Za-z0-9_]+))?⟧")

# Judgement calls that the guidelines leave open, switchable in one place.
LEADERSHIP_ORGS = False  # 党中央 / 省委 / 省政府 / 市委 / 市政府 / 人大常委会 / 政协 / 管委会 / 工商联 as ORG
MEDIA_ORGS = True  # news outlets in datelines and bylines (新快报, 青岛日报, 观海新闻) as ORG

LEAD = "ORG" if LEADERSHIP_ORGS else None
MEDIA = "ORG" if MEDIA_ORGS else None


def L(text: str) -> str:
    """Leadership-organ spans: keep the mark or drop it according to LEADERSHIP_ORGS."""
    return text if LEAD else _MARK.sub(lambda m: m.group(1), text)


def M(text: str) -> str:
    """Media-outlet spans: keep the mark or drop it according to MEDIA_ORGS."""
    return text if MEDIA else _MARK.sub(lambda m: m.group(1), text)


DOCS = [
    # ------------------------------------------------------------------ seed 000: Guangzhou meeting
    {
        "id": "seed_000",
        "meta": "province=广东 level=city genre=meeting noise=yes",
        "chrome_from": "\n相关内容\n",
        "anchors": [
            "⟦市投资发展委员会|ORG⟧2026年工作会议召开\n创始人",
            (
                "广州市招商引资工作推进会暨⟦市投资发展委员会|ORG⟧2026年工作会议召开。⟦市委书记|TITLE|t1⟧⟦冯忠华|PERSON|p1⟧出席会议并讲话",
                0,
            ),
            "深入学习贯彻⟦习近平|PERSON|p2⟧⟦总书记|TITLE|t2⟧在全国两会期间",
            L("认真落实⟦省委|ORG⟧、⟦省政府|ORG⟧工作要求"),
            "锚定万亿目标开展全年⟦全员招商|STRATEGY⟧,全力推动",
            "⟦市委副书记|TITLE|t3⟧、⟦市长|TITLE|t4⟧⟦孙志洋|PERSON|p3⟧主持会议",
            "⟦冯忠华|PERSON⟧强调,今年是",
            "统一到⟦习近平|PERSON|p4⟧⟦总书记|TITLE|t5⟧、" + L("⟦党中央|ORG⟧") + "决策部署",
            "拿出⟦全员招商|STRATEGY⟧的热度",
            "大力开展⟦平台招商|STRATEGY⟧、⟦活动招商|STRATEGY⟧、⟦园区招商|STRATEGY⟧,建强招商网络体系开展"
            "⟦靶向式招商|STRATEGY⟧,依托链主企业开展⟦补链强链招商|STRATEGY⟧,",
            "依托⟦广州实验室|ORG⟧、⟦国创中心|ORG⟧、⟦国转中心|ORG⟧等科教资源",
            "⟦冯忠华|PERSON⟧强调,各级各部门",
            "广泛汇聚全年招商、⟦全员招商|STRATEGY⟧的强大合力",
            "⟦市投资发展委员会办公室|ORG⟧牵头抓总",
            "市属国企加强⟦招投联动|STRATEGY⟧,",
            "⟦孙志洋|PERSON⟧强调,要认真落实",
            "扎实深入开展全年⟦全员招商|STRATEGY⟧,加力",
            "纵深推进⟦链主招商|STRATEGY⟧、⟦场景招商|STRATEGY⟧、⟦资本招商|STRATEGY⟧、⟦以商引商|STRATEGY⟧、"
            "⟦策划式招商|STRATEGY⟧,引育",
            "紧盯重点企业⟦靶向招商|STRATEGY⟧,",
            "⟦市政府秘书长|TITLE|t6⟧⟦潘志军|PERSON|p5⟧就2026年",
            L("⟦市委|ORG⟧、⟦市人大常委会|ORG⟧、⟦市政府|ORG⟧、⟦市政协|ORG⟧领导同志"),
            L("市各民主党派和⟦工商联|ORG⟧、驻穗"),
            "文|记者 ⟦罗仕|PERSON⟧ 通讯员 ⟦史伟宗|PERSON⟧",
        ],
        "relations": ["p1 t1", "p2 t2", "p3 t3 t4", "p4 t5", "p5 t6"],
    },
    # ------------------------------------------------------------------ seed 001: Qingyuan plan
    {
        "id": "seed_001",
        "meta": "province=广东 level=city genre=plan noise=yes",
        "chrome_from": None,
        "anchors": [
            "超⟦800亿元|AMOUNT|a0⟧!清远明确⟦2026年|DATE|d0⟧招商引资目标任务",
            "⟦新签约项目计划投资总额|METRIC|m1⟧⟦800亿元|AMOUNT|a1⟧以上、组建7支市级招商先锋队开展⟦驻外招商|STRATEGY⟧……",
            "⟦2025年|DATE|d1⟧,全市⟦新签约各类项目|METRIC|m2⟧⟦516个|COUNT|c1⟧,⟦计划投资总额|METRIC|m3⟧"
            "⟦753亿元|AMOUNT|a2⟧,⟦同比增长|METRIC|m4⟧⟦8.2%|RATE|r1⟧,⟦当年动工率|METRIC|m5⟧⟦60%|RATE|r2⟧,"
            "⟦完成投资总额|METRIC|m6⟧⟦111亿元|AMOUNT|a3⟧。其中⟦工业项目达产产值|METRIC|m7⟧预计⟦669亿元|AMOUNT|a4⟧、"
            "⟦税收|METRIC|m8⟧⟦24亿元|AMOUNT|a5⟧;⟦制造业项目计划投资总额|METRIC|m9⟧约⟦339亿元|AMOUNT|a6⟧,"
            "⟦同比增长|METRIC|m10⟧⟦26%|RATE|r3⟧;成功引进⟦粤实电子|ORG⟧、⟦楚江铜业|ORG⟧、⟦豪美度假村|ORG⟧等"
            "⟦20个|COUNT|c2⟧⟦10亿元以上项目|METRIC|m11⟧,",
            "机制压实⟦全员招商|STRATEGY⟧责任",
            "纵深推进⟦全员招商|STRATEGY⟧,要求",
            "开展⟦展会招商|STRATEGY⟧;还要",
            "聚力各方资源⟦以商引商|STRATEGY⟧。",
            "去年创新开展的⟦驻外招商|STRATEGY⟧,今年",
            "壮大⟦驻外招商|STRATEGY⟧队伍、开展⟦精准招商|STRATEGY⟧的部署",
            "京津冀等重点区域⟦驻外招商|STRATEGY⟧,各县",
            "组队⟦驻外招商|STRATEGY⟧。",
            "有针对性地开展⟦产业链招商|STRATEGY⟧和举办",
            "据悉,⟦2025年|DATE|d2⟧,清远组建了21支市、县两级⟦驻外招商|STRATEGY⟧队,奔赴北京、广州、深圳、长三角等重点区域,"
            "⟦全年|DATE|d3⟧累计对接企业及商协会7700个,⟦签约项目|METRIC|m12⟧⟦233个|COUNT|c3⟧,⟦投资金额|METRIC|m13⟧达"
            "⟦256亿元|AMOUNT|a7⟧,",
            "推进⟦资本基金招商|STRATEGY⟧、探索⟦场景招商|STRATEGY⟧、深化⟦产业链招商|STRATEGY⟧、强化"
            "⟦深圳孵化器招商|STRATEGY⟧对接",
            "开展⟦链式招商|STRATEGY⟧、⟦以商招商|STRATEGY⟧,",
            "在清远投资发展30多年的⟦建滔集团有限公司|ORG⟧亮相广东新春第一会。该公司⟦执行董事|TITLE|t1⟧"
            "⟦张家成|PERSON|p1⟧表示",
            "⟦建滔集团|ORG⟧加快转型升级",
            "⟦建滔集团|ORG⟧在清远投资建设",
            "更是⟦以商引商|STRATEGY⟧的",
        ],
        "relations": [
            "a0 d0",
            "a1 m1",
            "c1 m2 d1",
            "a2 m3 d1",
            "r1 m4 d1",
            "r2 m5 d1",
            "a3 m6 d1",
            "a4 m7 d1",
            "a5 m8 d1",
            "a6 m9 d1",
            "r3 m10 d1",
            "c2 m11 d1",
            "c3 m12 d3",
            "a7 m13 d3",
            "p1 t1",
        ],
    },
    # ------------------------------------------------------------------ seed 002: Wuhan devzone meeting
    {
        "id": "seed_002",
        "meta": "province=湖北 level=devzone genre=meeting noise=yes",
        "chrome_from": "\n上一篇:",
        "anchors": [
            "⟦市委常委|TITLE|t1⟧、⟦武汉经开区工委书记|TITLE|t2⟧⟦刘子清|PERSON|p1⟧主持会议",
            L("深入学习贯彻⟦党中央|ORG⟧和⟦省委|ORG⟧、⟦市委|ORG⟧关于"),
            "⟦工委副书记|TITLE|t3⟧、⟦管委会主任|TITLE|t4⟧⟦唐超|PERSON|p2⟧,⟦区人大常委会主任|TITLE|t5⟧"
            "⟦陈明骏|PERSON|p3⟧,⟦区政协主席|TITLE|t6⟧⟦徐安|PERSON|p4⟧出席会议。⟦工委副书记|TITLE|t7⟧"
            "⟦赵永强|PERSON|p5⟧总结",
            "大力开展⟦精准招商|STRATEGY⟧、⟦产业链招商|STRATEGY⟧、⟦驻点招商|STRATEGY⟧。⟦去年|DATE|d1⟧,全区"
            "⟦签约亿元以上招商项目|METRIC|m1⟧⟦110个|COUNT|c1⟧、⟦签约额|METRIC|m2⟧超⟦2100亿元|AMOUNT|a1⟧,"
            "⟦全年|DATE|d2⟧⟦FDI|METRIC|m3⟧完成⟦5.6亿美元|AMOUNT|a2⟧,⟦占全市比重|METRIC|m4⟧约⟦40%|RATE|r1⟧。",
            "⟦驻点招商|STRATEGY⟧干部代表作交流发言",
            "扩大⟦驻点招商|STRATEGY⟧范围",
            "加入⟦驻点招商|STRATEGY⟧队伍",
            "⟦刘子清|PERSON⟧指出",
            "⟦刘子清|PERSON⟧强调",
            "树立“⟦市场化招商|STRATEGY⟧”的创新思维",
            "强化汽车⟦全产业链招商|STRATEGY⟧,",
            "开展⟦存量招商|STRATEGY⟧、⟦驻点招商|STRATEGY⟧、⟦场景招商|STRATEGY⟧、⟦办会招商|STRATEGY⟧、"
            "⟦资本招商|STRATEGY⟧、⟦平台招商|STRATEGY⟧,发挥",
            "抓好⟦集中招商|STRATEGY⟧、集约开发",
            "⟦刘子清|PERSON⟧要求",
            "常态化开展“⟦全员招商|STRATEGY⟧月、无会招商周”活动",
            "⟦唐超|PERSON⟧要求,要着力开展⟦产业链招商|STRATEGY⟧,",
            "大力推动⟦产业基金招商|STRATEGY⟧,用足用好⟦500亿元|AMOUNT|a3⟧的⟦产业发展母基金|METRIC|m5⟧,强化与"
            "⟦东风资管|ORG⟧、⟦长江产投|ORG⟧等",
            "配强用好⟦驻点招商|STRATEGY⟧专班力量",
            "做实⟦校友招商|STRATEGY⟧、⟦以商招商|STRATEGY⟧等文章",
            L("工委委员,⟦区人大常委会|ORG⟧、⟦管委会|ORG⟧、⟦区政协|ORG⟧领导班子成员"),
        ],
        "relations": [
            "p1 t1 t2",
            "p2 t3 t4",
            "p3 t5",
            "p4 t6",
            "p5 t7",
            "c1 m1 d1",
            "a1 m2 d1",
            "a2 m3 d2",
            "r1 m4 d2",
            "a3 m5",
        ],
    },
    # ------------------------------------------------------------------ seed 003: Guangzhou speeches
    {
        "id": "seed_003",
        "meta": "province=广东 level=city genre=meeting noise=no",
        "chrome_from": "\n关键词:",
        "anchors": [
            M("⟦新快报|ORG⟧讯 1月28日"),
            L("⟦广东省委|ORG⟧、⟦省政府|ORG⟧召开新春第一会"),
            "⟦市发改委主任|TITLE|t1⟧⟦李海洲|PERSON|p1⟧:聚焦⟦全年|DATE|d1⟧⟦投资|METRIC|m1⟧过⟦万亿|AMOUNT|a1⟧的目标",
            "⟦广州市发展改革委主任|TITLE|t2⟧⟦李海洲|PERSON|p2⟧表示,“⟦市发展改革委|ORG⟧将进一步",
            "⟦李海洲|PERSON⟧说,⟦市发改委|ORG⟧将瞄准⟦全年|DATE|d2⟧⟦增长|METRIC|m2⟧⟦6%|RATE|r1⟧以上的目标",
            "力争⟦今年|DATE|d3⟧⟦汽车制造业产值|METRIC|m3⟧突破⟦7000亿元|AMOUNT|a2⟧;大力实施“强芯”“亮屏”“融网”工程,力争"
            "⟦电子信息制造业产值|METRIC|m4⟧突破⟦3500亿元|AMOUNT|a3⟧;争创国家生物经济先导区,力争"
            "⟦生物医药与健康产业增加值|METRIC|m5⟧突破⟦1700亿元|AMOUNT|a4⟧。",
            "⟦李海洲|PERSON⟧还表示,⟦市发改委|ORG⟧将着力推进重大项目建设,聚焦⟦全年|DATE|d4⟧⟦投资|METRIC|m6⟧过"
            "⟦万亿|AMOUNT|a5⟧的目标",
            "大力推动⟦1722个|COUNT|c1⟧⟦市“攻城拔寨”项目|METRIC|m7⟧建设,特别是集中精力抓好⟦287个|COUNT|c2⟧"
            "⟦新开工项目|METRIC|m8⟧,",
            "⟦市工信局局长|TITLE|t3⟧⟦高裕跃|PERSON|p3⟧:争取⟦全年|DATE|d5⟧⟦规上工业增加值增长|METRIC|m9⟧⟦8%|RATE|r2⟧以上\n",
            "⟦广州市政府副秘书长|TITLE|t4⟧、⟦工业和信息化局局长|TITLE|t5⟧⟦高裕跃|PERSON|p4⟧表示",
            "⟦高裕跃|PERSON⟧将今年⟦市工信局|ORG⟧的重点工作",
            "图谱开展⟦精准招商|STRATEGY⟧,",
            "完成" + L("⟦市委|ORG⟧⟦市政府|ORG⟧") + "下达的各项目标任务:争取⟦全年|DATE|d6⟧"
            "⟦规上工业增加值增长|METRIC|m10⟧⟦8%|RATE|r3⟧以上;⟦工业投资|METRIC|m11⟧超⟦1800亿元|AMOUNT|a6⟧,"
            "⟦增速|METRIC|m12⟧达⟦45%|RATE|r4⟧。”⟦高裕跃|PERSON⟧说。",
            "⟦市商务局局长|TITLE|t6⟧⟦洪谦|PERSON|p5⟧:招商引资",
            "⟦广州市商务局局长|TITLE|t7⟧⟦洪谦|PERSON|p6⟧表示,新的一年,⟦市商务局|ORG⟧将紧紧围绕",
            "因地制宜实施⟦靶向招商|STRATEGY⟧。",
            "推动⟦招投联动|STRATEGY⟧、⟦以投促引|STRATEGY⟧,带着资金招商、推送市场招商、走进⟦展会招商|STRATEGY⟧。",
            "“活”起来。⟦洪谦|PERSON⟧表示",
            "■采写:" + M("⟦新快报|ORG⟧") + "记者 ⟦麦婉诗|PERSON⟧ ⟦黄闻禹|PERSON⟧",
            "■摄影:" + M("⟦新快报|ORG⟧") + "记者 ⟦郗慧晶|PERSON⟧",
        ],
        "relations": [
            "p1 t1",
            "a1 m1 d1",
            "p2 t2",
            "r1 m2 d2",
            "a2 m3 d3",
            "a3 m4 d3",
            "a4 m5 d3",
            "a5 m6 d4",
            "c1 m7",
            "c2 m8",
            "p3 t3",
            "r2 m9 d5",
            "p4 t4 t5",
            "r3 m10 d6",
            "a6 m11 d6",
            "r4 m12 d6",
            "p5 t6",
            "p6 t7",
        ],
    },
    # ------------------------------------------------------------------ seed 004: Qingdao meeting (noisy)
    {
        "id": "seed_004",
        "meta": "province=山东 level=city genre=meeting noise=yes",
        "chrome_from": None,
        "anchors": [
            "贯彻落实⟦习|PERSON⟧对山东□□□",
            "⟦市委书记|TITLE|t1⟧⟦曾赞荣|PERSON|p1⟧出席会议并讲话,⟦市委副书记|TITLE|t2⟧□□□□、⟦市长|TITLE|t3⟧"
            "⟦任刚|PERSON|p2⟧主持,⟦市人大常委会主任|TITLE|t4⟧⟦梅建华|PERSON|p3⟧,⟦市政协主席|TITLE|t5⟧"
            "⟦孟庆斌|PERSON|p4⟧,⟦市委副书记|TITLE|t6⟧□□、⟦统战部部长|TITLE|t7⟧⟦张惠|PERSON|p5⟧出㊣席",
            "大力开展⟦产业链招商|STRATEGY⟧□□□□、⟦资本招商|STRATEGY⟧□□□、⟦科技招商|STRATEGY⟧□□□□、"
            "⟦场景招商|STRATEGY⟧□□、⟦园区招商|STRATEGY⟧,",
            "(" + M("⟦青岛日报|ORG⟧/⟦观海新闻|ORG⟧") + "记者 ⟦薛华飞|PERSON⟧)",
            L("下午,⟦市委|ORG⟧□□□、⟦市政府|ORG⟧召开"),
            "⟦2024年|DATE|d1⟧,全市⟦新签约亿元以上项目|METRIC|m1⟧⟦928个|COUNT|c1⟧□□□□、⟦总投资|METRIC|m2⟧"
            "⟦4934.3亿元|AMOUNT|a1⟧。",
            "要强化⟦产㊣业链招商|STRATEGY⟧,",
            "强化⟦资本招商|STRATEGY⟧,充分运用",
            "“⟦以投促引|STRATEGY⟧”撬动",
            "强化⟦科技招商|STRATEGY⟧,放大",
            "强化⟦场景招商|STRATEGY⟧,系统",
            "强化⟦园区招商|STRATEGY⟧,聚焦",
        ],
        "relations": ["p1 t1", "p2 t2 t3", "p3 t4", "p4 t5", "p5 t6 t7", "c1 m1 d1", "a1 m2 d1"],
    },
]


def _locate(text: str, anchor, doc_id: str) -> list[tuple[int, int, str, str | None]]:
    marked, occurrence = (anchor, None) if isinstance(anchor, str) else anchor
    plain_parts, spans, pos = [], [], 0
    plain_len = 0
    for m in _MARK.finditer(marked):
        before = marked[pos : m.start()]
        plain_parts.append(before)
        plain_len += len(before)
        surface, label, ref = m.groups()
        spans.append((plain_len, plain_len + len(surface), label, ref, surface))
        plain_parts.append(surface)
        plain_len += len(surface)
        pos = m.end()
    plain_parts.append(marked[pos:])
    plain = "".join(plain_parts)
    assert "⟦" not in plain and "⟧" not in plain, f"{doc_id}: bad mark in anchor {marked!r}"
    hits = [m.start() for m in re.finditer(re.escape(plain), text)]
    if occurrence is None:
        assert len(hits) == 1, f"{doc_id}: anchor {plain!r} found {len(hits)} times"
        base = hits[0]
    else:
        assert len(hits) > occurrence, f"{doc_id}: anchor {plain!r} has no occurrence {occurrence}"
        base = hits[occurrence]
    out = []
    for start, end, label, ref, surface in spans:
        assert text[base + start : base + end] == surface
        out.append((base + start, base + end, label, ref))
    return out


def build() -> str:
    files = sorted(SEEDS.glob("*.txt"))
    assert len(files) == len(DOCS), f"expected {len(DOCS)} seeds, found {len(files)}"
    chunks = []
    for path, doc in zip(files, DOCS, strict=False):
        text = path.read_text(encoding="utf-8").rstrip("\n")
        assert "[" not in text and "]" not in text, f"{path.name}: brackets would clash with the markup"
        spans = []
        for anchor in doc["anchors"]:
            spans.extend(_locate(text, anchor, doc["id"]))
        spans.sort()
        for (s1, e1, *_), (s2, e2, *_) in zip(spans, spans[1:], strict=False):
            assert s2 >= e1, f"{doc['id']}: overlapping spans at {s1}-{e1} and {s2}-{e2}"
        if doc["chrome_from"]:
            chrome = text.index(doc["chrome_from"])
            assert all(e <= chrome for _, e, _, _ in spans), f"{doc['id']}: span in site chrome"
        refs = [r for *_, r in spans if r]
        assert len(refs) == len(set(refs)), f"{doc['id']}: duplicate refs"
        used = {r for line in doc["relations"] for r in line.split()}
        assert used <= set(refs), f"{doc['id']}: relation refs without spans: {used - set(refs)}"
        body, pos = [], 0
        for start, end, label, ref in spans:
            body.append(text[pos:start])
            body.append(f"[{text[start:end]}]({label}{':' + ref if ref else ''})")
            pos = end
        body.append(text[pos:])
        chunks.append(
            f"### doc: {doc['id']} source={path.name} {doc['meta']}\n"
            + "".join(body)
            + "\n### relations\n"
            + "\n".join(doc["relations"])
            + "\n"
        )
    return "\n".join(chunks)


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUT}")
