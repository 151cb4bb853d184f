"""Document consistency: an official named once with a title is the same name wherever it recurs.

Real news names an official in full with a title once (`县委常委、政法委书记任永前`) and then alone, as the
subject of a clause (`随后，任永前又仔细检查了…`), where the model, without the title's help, misses the name
or cuts it short (`任永`). One sense per discourse: the names the document itself confirms (a PERSON span with
a has_title link) are spread to their other occurrences.

- A PERSON span that is a proper prefix of a confirmed name, where the text continues into that name, is
  extended to it (`任永` → `任永前`).
- Every other occurrence of a confirmed name that overlaps no span and lies outside site chrome becomes a
  PERSON span, scored as the name's best confirmed mention; longer names first, so `李刚强` is never read as
  `李刚` + `强`.

Only confirmed names spread: a bare PERSON span may be a misread word (a place name in a page heading that
recurs forty times), and spreading it would multiply the error.
"""

from __future__ import annotations

from model.chrome import chrome_ranges
from model.constraints import in_text_order

MIN_LENGTH = 2  # a one-character surface is never a name


def confirmed_names(text: str, entities: list[dict], relations: list[dict]) -> dict[str, float]:
    """Surface -> best score of the PERSON spans that head a has_title relation."""
    names: dict[str, float] = {}
    for rel in relations:
        person = entities[rel["head"]]
        if rel["type"] != "has_title" or person["label"] != "PERSON":
            continue
        surface = text[person["start"] : person["end"]]
        if len(surface) >= MIN_LENGTH and surface.strip() == surface:
            names[surface] = max(names.get(surface, 0.0), person["score"])
    return names


def propagate_names(
    text: str, entities: list[dict], relations: list[dict], chrome: list[tuple[int, int]] | None = None
) -> tuple[list[dict], list[dict]]:
    """Entities ({label, start, end, score}, offsets into `text`) with truncated names extended and the other
    occurrences of confirmed names added, sorted by position; relations ({type, head, tail, score}, indices
    into the entities) re-pointed at the sorted list. Nothing passed in is dropped. `chrome`: the text's site
    chrome ranges when the caller has them (`model.chrome.chrome_ranges`)."""
    names = confirmed_names(text, entities, relations)
    if not names:
        return entities, relations
    longest_first = sorted(names, key=len, reverse=True)
    entities = [dict(e) for e in entities]
    taken = bytearray(len(text))  # 1 where a span stands: one pass per check, however many spans (dense pages)
    for ent in entities:
        taken[ent["start"] : ent["end"]] = b"\1" * (ent["end"] - ent["start"])

    for ent in entities:
        if ent["label"] != "PERSON":
            continue
        surface = text[ent["start"] : ent["end"]]
        for name in longest_first:
            end = ent["start"] + len(name)
            if len(name) > len(surface) and name.startswith(surface) and text.startswith(name, ent["start"]):
                if not any(taken[ent["end"] : end]):  # spans never overlap, so only the added part can collide
                    taken[ent["end"] : end] = b"\1" * (end - ent["end"])
                    ent["end"] = end
                break
    # a related-articles list or a menu naming the official is not the article
    for start, end in chrome_ranges(text) if chrome is None else chrome:
        taken[start:end] = b"\1" * (end - start)
    for name in longest_first:
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            if not any(taken[at:end]):
                entities.append({"label": "PERSON", "start": at, "end": end, "score": names[name]})
                taken[at:end] = b"\1" * len(name)
            at = text.find(name, end)
    return in_text_order(entities, relations)
