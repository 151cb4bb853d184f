"""Scores as users see them: per slice of the corpus (real articles vs written ones) and per record kind.

Record scores build the same document record (`model.records.build_record`) from the gold spans and from the
predicted ones and compare what a user reads: officials by name (and, for the officials found, the share of
their gold titles that were found), amounts by Decimal value + currency, project counts by value, strategies
by name. Each is a multiset per document, summed over documents into P/R/F1.
"""

from __future__ import annotations

from collections import Counter

from model.records import build_record

REAL_SOURCES = ("seed", "inews")
SLICES = ("real", "written")


def slice_of(doc: dict) -> str:
    return "real" if doc.get("source") in REAL_SOURCES else "written"


def record_of(doc: dict) -> dict:
    """The record a user would get if the document's spans and relations were these."""
    index = {e["id"]: i for i, e in enumerate(doc["entities"])}
    entities = [{"label": e["label"], "start": e["start_offset"], "end": e["end_offset"]} for e in doc["entities"]]
    relations = [
        {"type": r["type"], "head": index[r["from_id"]], "tail": index[r["to_id"]]}
        for r in doc["relations"]
        if r["from_id"] in index and r["to_id"] in index
    ]
    return build_record(doc["text"], entities, relations, doc.get("id"), "eval")


def _keys(record: dict) -> dict[str, Counter]:
    return {
        "officials": Counter(o["name"] for o in record["officials"]),
        "amounts": Counter((a["value"], a["currency"]) for a in record["amounts"]),
        "project_counts": Counter(c["value"] for c in record["project_counts"]),
        "strategies": Counter(s["name"] for s in record["strategies"]),
    }


def prf(tp: int, fp: int, fn: int) -> dict:
    """Precision, recall and F1 from counts (0 where undefined), rounded to 4 places, and the support."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def record_scores(gold: list[dict], pred: list[dict]) -> dict:
    """{"officials": {precision, recall, f1, support, title_recall}, "amounts": …, "project_counts": …,
    "strategies": …}; `gold` and `pred` are doccano-like documents in the same order."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold documents but {len(pred)} predicted")
    counts = {kind: Counter() for kind in ("officials", "amounts", "project_counts", "strategies")}
    titles_found = titles_gold = 0
    for g_doc, p_doc in zip(gold, pred, strict=True):
        g_rec, p_rec = record_of(g_doc), record_of(p_doc)
        g_keys, p_keys = _keys(g_rec), _keys(p_rec)
        for kind, bucket in counts.items():
            both = g_keys[kind] & p_keys[kind]
            bucket["tp"] += sum(both.values())
            bucket["fp"] += sum((p_keys[kind] - both).values())
            bucket["fn"] += sum((g_keys[kind] - both).values())
        predicted_titles = {o["name"]: set(o["titles"]) for o in p_rec["officials"]}
        for official in g_rec["officials"]:
            if official["name"] in predicted_titles:
                titles_gold += len(official["titles"])
                titles_found += len(set(official["titles"]) & predicted_titles[official["name"]])
    out = {kind: prf(c["tp"], c["fp"], c["fn"]) for kind, c in counts.items()}
    out["officials"]["title_recall"] = round(titles_found / titles_gold, 4) if titles_gold else 0.0
    return out
