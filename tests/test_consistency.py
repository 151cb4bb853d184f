from corpus.consistency import inconsistencies


def doc(text, spans):
    return {
        "text": text,
        "entities": [
            {"id": i, "label": lab, "start_offset": s, "end_offset": e} for i, (s, e, lab) in enumerate(spans)
        ],
        "relations": [],
    }


def test_bare_and_relabelled_surfaces_are_reported():
    docs = [
        doc("开展资本招商和园区招商", [(2, 6, "STRATEGY"), (7, 11, "STRATEGY")]),
        doc("资本招商很重要", []),
        doc("园区招商", [(0, 4, "ORG")]),
    ]
    rows = {r["surface"]: r for r in inconsistencies(docs)}
    assert rows["资本招商"] == {"surface": "资本招商", "labels": {"STRATEGY": 1}, "unannotated": 1}
    assert rows["园区招商"]["labels"] == {"STRATEGY": 1, "ORG": 1}


def test_consistent_corpus_reports_nothing():
    assert inconsistencies([doc("资本招商", [(0, 4, "STRATEGY")]), doc("又见资本招商", [(2, 6, "STRATEGY")])]) == []
