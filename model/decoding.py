"""BIO tag sequences to spans."""

from __future__ import annotations

import torch

from model.labels import ENTITY_LABELS, bio_tags

TAGS = bio_tags()


def tag_label(tag_id: int) -> int:
    """Entity label index of a B-/I- tag id (tag 0 is O)."""
    return (tag_id - 1) // 2


def decode_bio(probs: torch.Tensor) -> list[tuple[int, int, int, float]]:
    """Spans (start token, end token, label index, score) from per-token tag probabilities [n, n_tags].

    A span starts at B-X, or at I-X that does not continue an X span (IOB2 repair); its score is the mean
    probability of its chosen tags.
    """
    if probs.numel() == 0:
        return []
    best_p, best = probs.max(dim=-1)
    best = best.tolist()
    best_p = best_p.tolist()
    spans: list[tuple[int, int, int, float]] = []
    start, label, total = None, None, 0.0
    for i, tag in enumerate(best + [0]):
        is_inside = tag != 0 and tag % 2 == 0  # I- tags have even ids
        tag_lab = tag_label(tag) if tag else None
        if start is not None and not (is_inside and tag_lab == label):
            spans.append((start, i, label, total / (i - start)))
            start = None
        if tag != 0 and start is None:
            start, label, total = i, tag_lab, 0.0
        if start is not None and i < len(best):
            total += best_p[i]
    return spans


def label_name(index: int) -> str:
    return ENTITY_LABELS[index]
