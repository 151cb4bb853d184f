"""Entity-dense text: candidate pairs and roles in linear time, equal to their old (naive) definitions."""

import time

from hypothesis import given, settings, strategies as st

from model.labels import ENTITY_LABELS, RELATION_SCHEMA
from model.network import candidate_pairs, distance_bucket
from model.records import ROLE_VERBS, _roles, build_record, person_roles


def naive_pairs(spans, max_distance):
    """The old definition: every pair scans all spans for the ones between."""
    heads_for = {}
    for heads, tail in RELATION_SCHEMA.values():
        for head in heads:
            heads_for.setdefault(ENTITY_LABELS.index(head), set()).add(ENTITY_LABELS.index(tail))
    out = []
    for i, (hs, he, hl) in enumerate(spans):
        tails = heads_for.get(hl)
        if not tails:
            continue
        for j, (ts, te, tl) in enumerate(spans):
            if tl not in tails or abs(ts - hs) > max_distance:
                continue
            lo, hi = (he, ts) if hs < ts else (te, hs)
            between_tail = sum(1 for s, e, lab in spans if lab == tl and s >= lo and e <= hi)
            between_head = sum(1 for s, e, lab in spans if lab == hl and s >= lo and e <= hi)
            out.append((i, j, [distance_bucket(ts - hs), min(3, between_tail), min(3, between_head)]))
    return out


span = st.tuples(st.integers(0, 60), st.integers(1, 6), st.integers(0, len(ENTITY_LABELS) - 1)).map(
    lambda t: (t[0], t[0] + t[1], t[2])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(span, max_size=40), st.integers(0, 70))
def test_pairs_equal_the_naive_definition_on_any_spans(spans, max_distance):
    assert candidate_pairs(spans, max_distance) == naive_pairs(spans, max_distance)


@st.composite
def decoded_spans(draw):
    """Non-overlapping spans in order, as decoding gives them."""
    spans, pos = [], 0
    for label in draw(st.lists(st.integers(0, len(ENTITY_LABELS) - 1), max_size=60)):
        pos += draw(st.integers(0, 4))
        length = draw(st.integers(1, 5))
        spans.append((pos, pos + length, label))
        pos += length
    return spans


@settings(max_examples=300, deadline=None)
@given(decoded_spans(), st.integers(0, 300))
def test_pairs_equal_the_naive_definition_on_decoded_spans(spans, max_distance):
    assert candidate_pairs(spans, max_distance) == naive_pairs(spans, max_distance)


pieces = st.sampled_from(
    ["张三", "李四", "、", "。", "出席", "主持", "会议", "，", "\n", "市长", "讲话", "了"] + list(ROLE_VERBS[:5])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=40), st.data())
def test_roles_in_one_pass_equal_the_definition(parts, data):
    text = "".join(parts)
    names = [(i, i + 2) for i in range(len(text) - 1) if text[i : i + 2] in ("张三", "李四")]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True) if names else st.just([]))
    roles = person_roles(text, chosen)
    assert {span: _roles(text, span[1], chosen) for span in chosen} == roles


def test_overlapping_names_fall_back_to_the_definition():
    text = "张三李四出席。"
    persons = [(0, 3), (2, 4)]
    assert person_roles(text, persons) == {s: _roles(text, s[1], persons) for s in persons}


def test_a_long_attendee_list_is_linear():
    """20,000 officials in one record: the old roles scan was quadratic (minutes); now well under a second
    of work per 10,000 names (asserted loosely: the machine is shared)."""
    unit = "市长张三出席。"
    text = unit * 20_000
    entities = []
    for k in range(20_000):
        base = k * len(unit)
        entities += [
            {"label": "TITLE", "start": base, "end": base + 2, "score": 1.0},
            {"label": "PERSON", "start": base + 2, "end": base + 4, "score": 1.0},
        ]
    relations = [{"type": "has_title", "head": 2 * k + 1, "tail": 2 * k, "score": 1.0} for k in range(20_000)]
    started = time.perf_counter()
    record = build_record(text, entities, relations, None, "m")
    assert time.perf_counter() - started < 20
    assert record["officials"][0]["roles"] == ["出席"] and len(record["officials"][0]["mentions"]) == 20_000
