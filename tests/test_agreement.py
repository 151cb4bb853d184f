"""Inter-annotator agreement, to the digit on hand-made annotations."""

import pytest

from corpus.agreement import agreement


def doc(spans, relations=()):
    entities = [{"id": i, "label": label, "start_offset": s, "end_offset": e} for i, (s, e, label) in enumerate(spans)]
    rels = [{"id": n, "from_id": h, "to_id": t, "type": kind} for n, (h, t, kind) in enumerate(relations)]
    return {"id": "d1", "text": "市委书记吕东升出席签约仪式，签约项目12个。", "entities": entities, "relations": rels}


def test_agreement_per_label_and_relations():
    a = doc([(0, 4, "TITLE"), (4, 7, "PERSON"), (18, 21, "COUNT")], [(1, 0, "has_title")])
    b = doc([(0, 4, "TITLE"), (4, 6, "PERSON"), (18, 21, "COUNT")], [(1, 0, "has_title")])
    result = agreement([a], [b])
    assert result["labels"]["TITLE"] == {"f1": 1.0, "a": 1, "b": 1, "agreed": 1}
    assert result["labels"]["PERSON"] == {"f1": 0.0, "a": 1, "b": 1, "agreed": 0}
    assert result["micro"] == {"f1": round(2 * 2 / 6, 4), "a": 3, "b": 3, "agreed": 2}
    assert result["relations"]["has_title"]["f1"] == 0.0  # the PERSON end differs
    assert result["labels"]["AMOUNT"]["f1"] == 1.0  # neither annotated any: nothing to disagree on
    assert [(d["text"], d["only_in"]) for d in result["disagreements"]] == [("吕东", "b"), ("吕东升", "a")]


def test_agreement_needs_the_same_documents_and_texts():
    a = doc([])
    with pytest.raises(ValueError, match="share no document"):
        agreement([a], [{**a, "id": "other"}])
    with pytest.raises(ValueError, match="texts differ"):
        agreement([a], [{**a, "text": "别的"}])
