"""Inter-annotator agreement: two independent annotations of the same documents, compared span by span.

Agreement F1 per label is the F1 of one annotation scored against the other (symmetric: precision and recall
swap when A and B do). A span agrees when its offsets and label are the same; relations agree when both
spans and the type are the same. Documents are matched by id; the texts must be identical.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from corpus.doccano import load_documents
from model.labels import ENTITY_LABELS, RELATION_TYPES


def load_annotations(path: str | Path) -> list[dict]:
    """Doccano JSONL, or authoring markup (.md)."""
    path = Path(path)
    if path.suffix == ".md":
        from corpus.markup import parse_markup_file

        return [d.to_doccano() for d in parse_markup_file(path)]
    return load_documents([path])


def _spans(doc: dict) -> set[tuple[int, int, str]]:
    return {(e["start_offset"], e["end_offset"], e["label"]) for e in doc["entities"]}


def _relations(doc: dict) -> set[tuple]:
    by_id = {e["id"]: (e["start_offset"], e["end_offset"], e["label"]) for e in doc["entities"]}
    return {
        (by_id[r["from_id"]], by_id[r["to_id"]], r["type"])
        for r in doc["relations"]
        if r["from_id"] in by_id and r["to_id"] in by_id
    }


def _f1(both: int, a: int, b: int) -> dict:
    return {"f1": round(2 * both / (a + b), 4) if a + b else 1.0, "a": a, "b": b, "agreed": both}


def agreement(first: list[dict], second: list[dict]) -> dict:
    """{"documents", "labels": {label: {f1, a, b, agreed}}, "relations": {...}, "micro", "disagreements": [...]}"""
    by_id = {d["id"]: d for d in second}
    shared = [d for d in first if d["id"] in by_id]
    if not shared:
        raise ValueError("the two annotations share no document id")
    labels, rels = {k: Counter() for k in ENTITY_LABELS}, {k: Counter() for k in RELATION_TYPES}
    disagreements = []
    for a in shared:
        b = by_id[a["id"]]
        if a["text"] != b["text"]:
            raise ValueError(f"document {a['id']}: the two texts differ")
        sa, sb = _spans(a), _spans(b)
        for bucket_of, xs, ys in ((labels, sa, sb), (rels, _relations(a), _relations(b))):
            for item in xs:
                bucket_of[item[-1]]["a"] += 1
                bucket_of[item[-1]]["agreed"] += item in ys
            for item in ys:
                bucket_of[item[-1]]["b"] += 1
        for start, end, label in sorted(sa ^ sb):
            disagreements.append(
                {
                    "doc": a["id"],
                    "label": label,
                    "text": a["text"][start:end],
                    "start": start,
                    "end": end,
                    "only_in": "a" if (start, end, label) in sa else "b",
                }
            )
    total = sum(labels.values(), Counter())
    return {
        "documents": len(shared),
        "labels": {k: _f1(c["agreed"], c["a"], c["b"]) for k, c in labels.items()},
        "relations": {k: _f1(c["agreed"], c["a"], c["b"]) for k, c in rels.items()},
        "micro": _f1(total["agreed"], total["a"], total["b"]),
        "disagreements": disagreements,
    }


def format_agreement(result: dict) -> str:
    lines = [
        f"{result['documents']} documents annotated twice",
        "| label | agreement F1 | spans A | spans B | agreed |",
        "|---|---|---|---|---|",
    ]
    for name, row in [*result["labels"].items(), ("**all spans**", result["micro"]), *result["relations"].items()]:
        lines.append(f"| {name} | {row['f1']:.3f} | {row['a']} | {row['b']} | {row['agreed']} |")
    return "\n".join(lines)
