"""Record-level scores and slices, to the digit on hand-made gold/prediction pairs."""

import pytest

from training.slices import record_scores, slice_of

TEXT = "市委书记吕东升出席。全年签约项目12个，计划投资总额300亿元。开展产业链招商。"


def doc(spans, relations=()):
    entities = [{"id": i, "label": label, "start_offset": s, "end_offset": e} for i, (s, e, label) in enumerate(spans)]
    rels = [{"id": n, "from_id": h, "to_id": t, "type": kind} for n, (h, t, kind) in enumerate(relations)]
    return {"id": "d", "text": TEXT, "entities": entities, "relations": rels}


GOLD = doc(
    [(0, 4, "TITLE"), (4, 7, "PERSON"), (16, 19, "COUNT"), (26, 31, "AMOUNT"), (34, 39, "STRATEGY")],
    [(1, 0, "has_title")],
)


def test_perfect_prediction_scores_one():
    scores = record_scores([GOLD], [GOLD])
    for kind in ("officials", "amounts", "project_counts", "strategies"):
        assert scores[kind]["f1"] == 1.0, kind
    assert scores["officials"]["title_recall"] == 1.0


def test_a_name_cut_short_is_a_wrong_official():
    pred = doc([(0, 4, "TITLE"), (4, 6, "PERSON"), (16, 19, "COUNT"), (26, 29, "AMOUNT")], [(1, 0, "has_title")])
    scores = record_scores([GOLD], [pred])
    assert scores["officials"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1, "title_recall": 0.0}
    assert scores["amounts"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}  # 300 is not 300亿元
    assert scores["project_counts"]["f1"] == 1.0
    assert scores["strategies"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_an_official_without_his_title_is_not_an_official():
    pred = doc([(4, 7, "PERSON"), (26, 31, "AMOUNT"), (34, 39, "STRATEGY"), (10, 12, "STRATEGY")])
    scores = record_scores([GOLD], [pred])
    assert scores["officials"]["recall"] == 0.0
    assert scores["strategies"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "support": 1}


def test_lengths_must_match_and_slices():
    with pytest.raises(ValueError):
        record_scores([GOLD], [])
    assert slice_of({"source": "inews"}) == slice_of({"source": "seed"}) == "real"
    assert slice_of({"source": "written"}) == slice_of({}) == "written"
