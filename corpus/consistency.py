"""Annotation consistency: surfaces annotated in one place and left bare, or labelled otherwise, elsewhere."""

from __future__ import annotations

from collections import Counter, defaultdict


def inconsistencies(
    docs: list[dict], labels: tuple[str, ...] = ("STRATEGY", "ORG", "PERSON", "TITLE"), min_length: int = 2
) -> list[dict]:
    """For each annotated surface: how often it is annotated with each label and how often it occurs
    unannotated (not covered by any span) across the corpus; only surfaces with a disagreement."""
    annotated: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for ent in doc["entities"]:
            surface = doc["text"][ent["start_offset"] : ent["end_offset"]]
            if ent["label"] in labels and len(surface) >= min_length:
                annotated[surface][ent["label"]] += 1
    report = []
    for surface, by_label in annotated.items():
        bare = 0
        for doc in docs:
            covered = [(e["start_offset"], e["end_offset"]) for e in doc["entities"]]
            start = doc["text"].find(surface)
            while start != -1:
                end = start + len(surface)
                if not any(s < end and start < e for s, e in covered):
                    bare += 1
                start = doc["text"].find(surface, start + 1)
        if bare or len(by_label) > 1:
            report.append({"surface": surface, "labels": dict(by_label), "unannotated": bare})
    report.sort(key=lambda r: -(r["unannotated"] + sum(r["labels"].values())))
    return report
