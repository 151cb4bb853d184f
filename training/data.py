"""Annotated documents -> training windows: token ids, BIO label ids and gold relation pairs."""

from __future__ import annotations

import bisect
import random
from collections import defaultdict

from model.cleaning import clean_text
from model.inference import tokenize_document
from model.labels import ENTITY_LABELS, RELATION_TYPES, bio_tags
from model.lexicon import PAD_ID, token_lexicon_ids
from model.network import candidate_pairs, pair_row
from model.windows import make_windows

TAG_IDS = {tag: i for i, tag in enumerate(bio_tags())}
IGNORE = -100


def document_windows(
    doc: dict, tokenizer, max_tokens: int, overlap: int, max_pair_distance: int, lexicon: bool = False
) -> list[dict]:
    """One feature dict per window of the (cleaned) document; every token lands in some window. With
    `lexicon`, each window also carries its tokens' lexicon ids (model/lexicon.py). A document's optional
    `ignore` ranges (characters) carry no label, its `weight` (default 1) scales its loss, its `open_labels`
    (silver, training/silver.py) are labels its O tokens may also be (each window's `open_tags`: 1 for the O
    tag and those labels' B-/I- tags), and with `relations_unlabelled` its windows teach spans only (no
    relation pairs)."""
    clean = clean_text(doc["text"])
    ids, offsets = tokenize_document(tokenizer, clean.text)
    if not ids:
        return []
    lexicon_ids = token_lexicon_ids(clean.text, offsets) if lexicon else None
    starts = [s for s, _ in offsets]
    tags = [TAG_IDS["O"]] * len(ids)
    token_span: dict[object, tuple[int, int, int]] = {}
    for ent in sorted(doc.get("entities", []), key=lambda e: e["start_offset"]):
        mapped = clean.to_clean(ent["start_offset"], ent["end_offset"])
        if mapped is None:
            continue
        cs, ce = mapped
        toks = _tokens_in(starts, cs, ce)
        if not toks:
            continue
        label = ent["label"]
        tags[toks[0]] = TAG_IDS[f"B-{label}"]
        for t in toks[1:]:
            tags[t] = TAG_IDS[f"I-{label}"]
        token_span[ent["id"]] = (toks[0], toks[-1] + 1, ENTITY_LABELS.index(label))
    for start, end in doc.get("ignore", []):  # silver documents: spans the teacher was unsure of teach nothing
        mapped = clean.to_clean(start, end)
        for t in _tokens_in(starts, *mapped) if mapped else []:
            tags[t] = IGNORE
    gold_rel = {}
    for rel in doc.get("relations", []):
        head, tail = token_span.get(rel["from_id"]), token_span.get(rel["to_id"])
        if head and tail:
            gold_rel[(head, tail)] = 1 + RELATION_TYPES.index(rel["type"])

    open_tags = open_tag_mask(doc.get("open_labels", ()))
    features = []
    for start, end in make_windows(offsets, clean.text, max_tokens, overlap):
        inside = sorted({s for s in token_span.values() if s[0] >= start and s[1] <= end})
        local = [(s - start, e - start, lab) for s, e, lab in inside]
        pairs = []
        for i, j, extra in [] if doc.get("relations_unlabelled") else candidate_pairs(local, max_pair_distance):
            label = gold_rel.get((inside[i], inside[j]), 0)
            pairs.append([*pair_row(0, local[i], local[j], extra), label])  # batch column set by collate; gold last
        features.append(
            {
                "doc_id": str(doc.get("id")),
                "input_ids": [tokenizer.cls_token_id] + ids[start:end] + [tokenizer.sep_token_id],
                "labels": [IGNORE] + tags[start:end] + [IGNORE],
                "pairs": pairs,
                "weight": float(doc.get("weight", 1.0)),
                "open_tags": open_tags,
                **({"lexicon_ids": [PAD_ID] + lexicon_ids[start:end] + [PAD_ID]} if lexicon else {}),
            }
        )
    return features


def open_tag_mask(labels) -> list[int]:
    """1 for the tags an O token may stand for: O itself and the B-/I- tags of `labels` (none: a full label)."""
    unknown = set(labels) - set(ENTITY_LABELS)
    if unknown:
        raise ValueError(f"open labels must be entity labels, not {sorted(unknown)}")
    return [int(tag == "O" or tag[2:] in labels) for tag in TAG_IDS]


def _tokens_in(starts: list[int], cs: int, ce: int) -> list[int]:
    """Indices of the tokens starting inside [cs, ce) (starts are sorted)."""
    return list(range(bisect.bisect_left(starts, cs), bisect.bisect_left(starts, ce)))


SWAP_LABELS = ("PERSON", "TITLE", "ORG", "AMOUNT", "COUNT", "RATE", "STRATEGY", "DATE")
# Share of swapped PERSON/TITLE spans drawn from the real-world pools (training/augment.py) rather than the corpus.
POOL_SHARE = 0.7


def swap_entities(
    docs: list[dict],
    copies: int,
    seed: int,
    swap_prob: float = 0.5,
    pool_share: float = POOL_SHARE,
    postpose_share: float = 0.0,
) -> list[dict]:
    """Augmented copies of the documents: spans of SWAP_LABELS replaced by same-label surfaces from other
    documents (amounts, strategies …) or, for names and titles, mostly from real-world pools; offsets and
    relations carried over. With `postpose_share`, some titles move after their names (augment.postpose_titles)."""
    from training.augment import POOLS, postpose_titles

    rng = random.Random(seed)
    pool: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        for ent in doc["entities"]:
            if ent["label"] in SWAP_LABELS:
                pool[ent["label"]].append(doc["text"][ent["start_offset"] : ent["end_offset"]])
    out = []
    for copy in range(copies):
        for doc in docs:
            text, pieces, pos, entities = doc["text"], [], 0, []
            length = 0
            for ent in sorted(doc["entities"], key=lambda e: e["start_offset"]):
                before = text[pos : ent["start_offset"]]
                pieces.append(before)
                length += len(before)
                surface = text[ent["start_offset"] : ent["end_offset"]]
                if ent["label"] in SWAP_LABELS and rng.random() < swap_prob:
                    make = POOLS.get(ent["label"])
                    surface = make(rng) if make and rng.random() < pool_share else rng.choice(pool[ent["label"]])
                entities.append({**ent, "start_offset": length, "end_offset": length + len(surface)})
                pieces.append(surface)
                length += len(surface)
                pos = ent["end_offset"]
            pieces.append(text[pos:])
            copied = {
                "id": f"{doc['id']}#aug{copy}",
                "text": "".join(pieces),
                "entities": entities,
                "relations": doc["relations"],
            }
            out.append(postpose_titles(copied, rng, postpose_share) if postpose_share else copied)
    return out
