"""Augmentation that reorders: titles moved after their names (training/augment.py postpose_titles)."""

import random

from corpus.markup import parse_markup
from training.augment import postpose_titles
from training.data import swap_entities

MARKUP = """### doc: a
会上，[副市长](TITLE:t1)[张海洋](PERSON:p1)讲话，[市委常委](TITLE:t2)、[秘书长](TITLE:t3)[刘芳](PERSON:p2)主持。[行长](TITLE:t4)[周宁](PERSON:p3)出席。
### relations
p1 t1
p2 t2
p2 t3
p3 t4
"""


def doc():
    return parse_markup(MARKUP)[0].to_doccano()


def surfaces(d):
    return [(d["text"][e["start_offset"] : e["end_offset"]], e["label"]) for e in d["entities"]]


def test_a_lone_title_moves_after_its_name_and_the_offsets_follow():
    moved = postpose_titles(doc(), random.Random(0), share=1.0)
    assert moved["text"] == "会上，张海洋副市长讲话，市委常委、秘书长刘芳主持。周宁行长出席。"
    assert surfaces(moved) == [
        ("副市长", "TITLE"),
        ("张海洋", "PERSON"),
        ("市委常委", "TITLE"),
        ("秘书长", "TITLE"),
        ("刘芳", "PERSON"),
        ("行长", "TITLE"),
        ("周宁", "PERSON"),
    ]  # entities keep their order in the list; their offsets now point at the moved text
    assert moved["relations"] == doc()["relations"]
    assert len(moved["text"]) == len(doc()["text"])


def test_a_title_chain_stays_as_it_is_and_share_zero_changes_nothing():
    original = doc()
    assert postpose_titles(original, random.Random(0), share=0.0) is original
    moved = postpose_titles(original, random.Random(0), share=1.0)
    assert "市委常委、秘书长刘芳" in moved["text"]


def test_swap_entities_postposes_in_its_copies_only_when_asked():
    plain = swap_entities([doc()], copies=3, seed=5, pool_share=0.0)
    again = swap_entities([doc()], copies=3, seed=5, pool_share=0.0, postpose_share=0.0)
    assert plain == again  # share 0 draws nothing: the old augmentation is unchanged
    moved = swap_entities([doc()], copies=3, seed=5, pool_share=0.0, postpose_share=1.0)
    for copy in moved:
        ents = {e["id"]: e for e in copy["entities"]}
        after = [ents[r["to_id"]]["start_offset"] == ents[r["from_id"]]["end_offset"] for r in copy["relations"]]
        assert after == [True, False, False, True]  # 张海洋 and 周宁 before their titles; 刘芳's chain stays


def test_title_pools_cover_the_forms_of_real_news():
    from training.augment import random_title

    rng = random.Random(11)
    titles = [random_title(rng) for _ in range(3000)]
    for form in ("银行", "中共", "大学", "街道", "村", "省", "常务副"):
        assert any(form in t for t in titles), form
    assert not any(t.endswith("局常委") or t.endswith("政协局长") for t in titles)  # organs keep their own posts
    assert all(t and not any(c in t for c in "，。 ") for t in titles)
