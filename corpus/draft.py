"""Draft markup for real articles: the text unchanged, with a model's spans and relations as a starting point
that annotators correct. Nothing drafted enters the corpus before a person has read and fixed it."""

from __future__ import annotations

from corpus.markup import render_markup


def draft_document(doc_id: str, text: str, meta: dict[str, str], entities: list[dict], relations: list[dict]) -> str:
    """One markup document from predicted `entities` ({label, start, end}) and `relations` ({type, head, tail}
    as entity indices). Spans that markup cannot hold (a bracket or a newline inside) are left out."""
    kept = {}
    for index, ent in enumerate(entities):
        surface = text[ent["start"] : ent["end"]]
        if any(ch in surface for ch in "[]\n"):
            continue
        kept[index] = {
            "label": ent["label"],
            "start_offset": ent["start"],
            "end_offset": ent["end"],
            "ref": f"e{index}",
        }
    links = [
        (kept[r["head"]]["ref"], kept[r["tail"]]["ref"]) for r in relations if r["head"] in kept and r["tail"] in kept
    ]
    return render_markup(doc_id, text, meta, list(kept.values()), links)
