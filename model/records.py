"""From entity spans and relations to the document record: officials, amounts, counts, rates, strategies."""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date
from itertools import pairwise

from model.cleaning import clean_text
from model.normalize import NormalizeError, find_qualifier, normalize_period, parse_count, parse_money, parse_rate

# Words that mark a public office (party, government, congress, CPPCC, courts, zones, state agencies).
OFFICE_WORDS = (
    "书记",
    "常委",
    "省长",
    "市长",
    "区长",
    "县长",
    "州长",
    "旗长",
    "盟长",
    "镇长",
    "乡长",
    "主任",
    "主席",
    "局长",
    "厅长",
    "部长",
    "秘书长",
    "院长",
    "检察长",
    "委员",
    "总书记",
    "总理",
    "巡视员",
    "调研员",
    "工委",
    "管委会",
    "人大",
    "政协",
    "政府",
    "党委",
    "纪委",
    "监委",
    "发改",
    "商务",
    "督查",
    "专员",
    "司长",
    "处长",
)
# Corporate or media posts: their holders stay PERSON entities, not officials.
NON_OFFICE_WORDS = (
    "董事",
    "总经理",
    "经理",
    "总裁",
    "CEO",
    "首席",
    "创始人",
    "合伙人",
    "股东",
    "记者",
    "编辑",
    "主编",
    "教授",
    "研究员",
    "行长",
    "集团",
    "公司",
    "企业",
    "协会会长",
    "商会会长",
    "会长",
)
ROLE_VERBS = (
    "主持",
    "出席",
    "讲话",
    "致辞",
    "作说明",
    "强调",
    "指出",
    "要求",
    "表示",
    "参加",
    "会见",
    "见证",
    "签约",
    "发言",
    "介绍",
    "推介",
    "总结",
    "部署",
    "宣读",
    "致欢迎辞",
    "调研",
    "通报",
    "解读",
    "作报告",
    "作动员",
)
_SENTENCE_END = re.compile(r"[。！？；\n]")


def is_office(title: str) -> bool:
    if any(word in title for word in NON_OFFICE_WORDS):
        return False
    return any(word in title for word in OFFICE_WORDS)


def _clean(surface: str) -> str:
    return clean_text(surface).text.strip()


def _roles(text: str, end: int, persons: list[tuple[int, int]]) -> list[str]:
    """Role verbs in the rest of the sentence after a name; past the next name only while none was found
    (so a chain 甲、乙出席 gives both 出席). The definition, for one name; `person_roles` gives the same for
    every name in one pass."""
    stop = _SENTENCE_END.search(text, end)
    limit = stop.start() if stop else len(text)
    found: list[str] = []
    cursor = end
    for p_start, p_end in sorted(persons):
        if p_start < end or p_start >= limit:
            continue
        found += _verbs(text[cursor:p_start])
        if found:
            return _unique(found)
        cursor = p_end
    found += _verbs(text[cursor:limit])
    return _unique(found)


def person_roles(text: str, persons: list[tuple[int, int]]) -> dict[tuple[int, int], list[str]]:
    """`_roles` of every name, in time linear in the text and the names: from the last name to the first, a
    name whose gap to the next name in its sentence holds no role verb takes that next name's roles.
    Overlapping names (never from decoding) fall back to `_roles` per name."""
    spans = sorted(set(persons))
    if any(b[0] < a[1] for a, b in pairwise(spans)):
        return {span: _roles(text, span[1], persons) for span in spans}
    stops = [m.start() for m in _SENTENCE_END.finditer(text)]

    def limit_after(pos: int) -> int:
        k = bisect_left(stops, pos)
        return stops[k] if k < len(stops) else len(text)

    roles: dict[tuple[int, int], list[str]] = {}
    following: tuple[tuple[int, int], int] | None = None  # (next name, its limit)
    for span in reversed(spans):
        limit = limit_after(span[1])
        if following is not None and following[0][0] < limit:
            gap = _verbs(text[span[1] : following[0][0]])
            if gap:
                roles[span] = _unique(gap)
            elif following[1] == limit:
                roles[span] = roles[following[0]]
            else:  # a sentence end inside the next name: the definition
                roles[span] = _roles(text, span[1], persons)
        else:
            roles[span] = _unique(_verbs(text[span[1] : limit]))
        following = (span, limit)
    return roles


def _verbs(segment: str) -> list[str]:
    segment = clean_text(segment).text  # 出㊣席 is 出席
    hits = sorted((segment.find(v), v) for v in ROLE_VERBS if v in segment)
    return [v for _, v in hits]


def _position(ent: dict) -> dict:
    return {"text": ent["text"], "start": ent["start"], "end": ent["end"]}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def build_record(
    text: str,
    entities: list[dict],
    relations: list[dict],
    doc_id: str | None,
    model_name: str,
    doc_date: date | None = None,
) -> dict:
    """The document record of the output contract; entities carry original offsets."""
    for ent in entities:
        ent["text"] = text[ent["start"] : ent["end"]]
    tails: dict[tuple[int, str], list[int]] = {}
    for rel in relations:
        tails.setdefault((rel["head"], rel["type"]), []).append(rel["tail"])

    def linked(index: int, rel_type: str) -> dict | None:
        targets = tails.get((index, rel_type))
        if not targets:
            return None
        return entities[min(targets, key=lambda t: abs(entities[t]["start"] - entities[index]["start"]))]

    def metric_of(index: int, rel_type: str) -> str | None:
        ent = linked(index, rel_type)
        return _clean(ent["text"]) if ent else None

    def period_of(index: int) -> str | None:
        ent = linked(index, "in_period")
        return normalize_period(_clean(ent["text"]), doc_date) if ent else None

    def context(ent: dict) -> tuple[str, str]:
        return clean_text(text[max(0, ent["start"] - 4) : ent["start"]]).text, clean_text(
            text[ent["end"] : ent["end"] + 4]
        ).text

    officials: dict[str, dict] = {}
    persons = [(e["start"], e["end"]) for e in entities if e["label"] == "PERSON"]
    roles_of = person_roles(text, persons)
    amounts, counts, rates, strategies = [], [], [], {}
    for index, ent in enumerate(entities):
        label, surface = ent["label"], _clean(ent["text"])
        if label == "PERSON":
            titles = [_clean(entities[t]["text"]) for t in tails.get((index, "has_title"), [])]
            record = officials.setdefault(
                surface, {"name": surface, "titles": [], "roles": [], "mentions": [], "_office": False}
            )
            record["titles"] = _unique(record["titles"] + titles)
            record["roles"] = _unique(record["roles"] + roles_of[(ent["start"], ent["end"])])
            record["mentions"].append([ent["start"], ent["end"]])
            record["_office"] = record["_office"] or any(is_office(t) for t in titles)
        elif label == "AMOUNT":
            before, after = context(ent)
            try:
                money = parse_money(surface)
            except NormalizeError:
                continue
            amounts.append(
                {
                    **_position(ent),
                    "value": money.value,
                    "value_max": money.value_max,
                    "currency": money.currency,
                    "qualifier": find_qualifier(before, surface, after),
                    "metric": metric_of(index, "amount_of"),
                    "period": period_of(index),
                }
            )
        elif label == "COUNT":
            before, after = context(ent)
            try:
                value = parse_count(surface)
            except NormalizeError:
                continue
            counts.append(
                {
                    **_position(ent),
                    "value": value,
                    "qualifier": find_qualifier(before, surface, after),
                    "counted": metric_of(index, "count_of"),
                    "period": period_of(index),
                }
            )
        elif label == "RATE":
            try:
                value, unit = parse_rate(surface)
            except NormalizeError:
                continue
            rates.append(
                {
                    **_position(ent),
                    "value": value,
                    "unit": unit,
                    "metric": metric_of(index, "rate_of"),
                    "period": period_of(index),
                }
            )
        elif label == "STRATEGY":
            strategies.setdefault(surface, {"name": surface, "mentions": []})["mentions"].append(
                [ent["start"], ent["end"]]
            )
    return {
        "id": doc_id,
        "model": model_name,
        "entities": entities,
        "relations": relations,
        "officials": [{k: v for k, v in o.items() if k != "_office"} for o in officials.values() if o["_office"]],
        "amounts": amounts,
        "project_counts": counts,
        "rates": rates,
        "strategies": list(strategies.values()),
    }
