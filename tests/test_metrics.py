"""Relation P/R/F1, the confusion table and the worst errors, on hand-made gold/prediction pairs, to the digit."""

import pytest

from training.evaluate import confusion_and_errors, entity_scores, relation_scores

ZERO = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


def doc(doc_id, entities, relations, text="x" * 30):
    return {
        "id": doc_id,
        "text": text,
        "entities": [
            {"id": i, "start_offset": s, "end_offset": e, "label": lab, **({"score": sc[0]} if sc else {})}
            for i, (s, e, lab, *sc) in enumerate(entities)
        ],
        "relations": [{"id": i, "from_id": h, "to_id": t, "type": typ} for i, (h, t, typ) in enumerate(relations)],
    }


TITLES = [(0, 3, "PERSON"), (3, 5, "TITLE"), (5, 8, "PERSON"), (8, 10, "TITLE")]
PERIODS = [(0, 2, "AMOUNT"), (3, 5, "AMOUNT"), (6, 8, "COUNT"), (10, 14, "DATE")]


def test_relation_scores_to_the_digit():
    gold = [
        doc("a", TITLES, [(0, 1, "has_title"), (2, 3, "has_title")]),
        doc("b", PERIODS, [(0, 3, "in_period"), (1, 3, "in_period"), (2, 3, "in_period")]),
    ]
    pred = [
        doc("a", TITLES, [(0, 1, "has_title"), (0, 3, "has_title")]),  # one right, one wrong, one missed
        doc("b", PERIODS + [(10, 13, "DATE")], [(0, 3, "in_period"), (1, 3, "in_period"), (2, 4, "in_period")]),
    ]  # tail span off by one
    scores = relation_scores(gold, pred)
    assert scores["per_type"] == {
        "has_title": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
        "amount_of": ZERO,
        "count_of": ZERO,
        "rate_of": ZERO,
        "in_period": {"precision": 0.6667, "recall": 0.6667, "f1": 0.6667, "support": 3},
    }
    assert scores["micro"] == {"precision": 0.6, "recall": 0.6, "f1": 0.6}


def test_relation_needs_both_spans_labels_and_type():
    gold = [doc("a", TITLES, [(0, 1, "has_title")])]
    relabelled = [doc("a", [(0, 3, "ORG")] + TITLES[1:], [(0, 1, "has_title")])]
    retyped = [doc("a", TITLES, [(0, 1, "in_period")])]
    assert relation_scores(gold, relabelled)["micro"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    scores = relation_scores(gold, retyped)
    assert scores["per_type"]["has_title"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_type"]["in_period"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}


TEXT = "abcdefghijklmnopqrst"
GOLD = [doc("d1", [(0, 3, "PERSON"), (5, 8, "ORG"), (10, 12, "DATE"), (15, 18, "TITLE")], [], TEXT)]
PRED = [
    doc(
        "d1",
        [(0, 3, "PERSON", 0.9), (5, 8, "STRATEGY", 0.8), (10, 13, "DATE", 0.7), (19, 20, "METRIC", 0.95)],
        [],
        TEXT,
    )
]


def test_confusion_table_and_worst_errors_to_the_digit():
    table, worst = confusion_and_errors(GOLD, PRED, worst=3, context=2)
    assert table == {
        "PERSON": {"PERSON": 1},
        "ORG": {"STRATEGY": 1},
        "DATE": {"DATE": 1},
        "TITLE": {"MISSED": 1},
        "NONE": {"METRIC": 1},
    }
    assert worst == [  # most confident first; a miss counts as certain; the fourth (boundary, 0.7) is cut
        {
            "doc": "d1",
            "kind": "missed",
            "gold": "TITLE",
            "pred": None,
            "text": "pqr",
            "context": "no【pqr】st",
            "score": 1.0,
        },
        {
            "doc": "d1",
            "kind": "spurious",
            "gold": None,
            "pred": "METRIC",
            "text": "t",
            "context": "rs【t】",
            "score": 0.95,
        },
        {
            "doc": "d1",
            "kind": "label",
            "gold": "ORG",
            "pred": "STRATEGY",
            "text": "fgh",
            "predicted_text": "fgh",
            "context": "de【fgh】ij",
            "score": 0.8,
        },
    ]
    _, every = confusion_and_errors(GOLD, PRED, context=2)
    assert every[3] == {
        "doc": "d1",
        "kind": "boundary",
        "gold": "DATE",
        "pred": "DATE",
        "text": "kl",
        "predicted_text": "klm",
        "context": "ij【kl】mn",
        "score": 0.7,
    }


def test_entity_scores_to_the_digit():
    scores = entity_scores(GOLD, PRED)
    assert scores["micro"] == {"precision": 0.25, "recall": 0.25, "f1": 0.25}
    assert scores["per_label"]["PERSON"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["per_label"]["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_label"]["RATE"] == ZERO


@pytest.mark.parametrize("score", [relation_scores, confusion_and_errors])
def test_gold_and_predictions_must_line_up(score):
    with pytest.raises(ValueError):
        score(GOLD + GOLD, PRED)
