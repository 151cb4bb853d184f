from corpus.convert import bio_to_spans, conll_to_doccano, doccano_to_conll, label_studio_to_doccano
from corpus.doccano import spans


def test_conll_round_trip_keeps_every_span_and_character(corpus_docs):
    back = conll_to_doccano(doccano_to_conll(corpus_docs))
    assert len(back) == len(corpus_docs)
    for original, restored in zip(corpus_docs, back, strict=True):
        assert restored["text"] == original["text"]
        assert spans(restored) == spans(original)
        assert restored["id"] == str(original["id"])


def test_bio_repairs_stray_inside_tags():
    assert bio_to_spans(["I-PERSON", "I-PERSON", "O", "B-RATE", "I-RATE", "I-DATE"]) == [
        (0, 2, "PERSON"),
        (3, 5, "RATE"),
        (5, 6, "DATE"),
    ]


def label_studio_task(doc: dict) -> dict:
    """A Label Studio export task built from a doccano document (as Label Studio would write it)."""
    result = [
        {
            "id": f"e{e['id']}",
            "type": "labels",
            "from_name": "label",
            "to_name": "text",
            "value": {
                "start": e["start_offset"],
                "end": e["end_offset"],
                "text": doc["text"][e["start_offset"] : e["end_offset"]],
                "labels": [e["label"]],
            },
        }
        for e in doc["entities"]
    ]
    result += [
        {
            "type": "relation",
            "from_id": f"e{r['from_id']}",
            "to_id": f"e{r['to_id']}",
            "direction": "right",
            "labels": [r["type"]] if r["id"] % 2 else [],
        }  # half unlabeled: the type is inferred
        for r in doc["relations"]
    ]
    return {"id": doc["id"], "data": {"text": doc["text"]}, "annotations": [{"result": result, "was_cancelled": False}]}


def test_label_studio_round_trip_keeps_spans_and_relations(corpus_docs):
    converted = label_studio_to_doccano([label_studio_task(d) for d in corpus_docs])
    for original, restored in zip(corpus_docs, converted, strict=True):
        assert restored["text"] == original["text"]
        assert spans(restored) == spans(original)
        by_id = {e["id"]: e for e in original["entities"]}
        new_by_id = {e["id"]: e for e in restored["entities"]}

        def rel_set(doc_rels, table):
            return sorted(
                (table[r["from_id"]]["start_offset"], table[r["to_id"]]["start_offset"], r["type"]) for r in doc_rels
            )

        assert rel_set(restored["relations"], new_by_id) == rel_set(original["relations"], by_id)
