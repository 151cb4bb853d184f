"""BIO tag probabilities to spans: the most probable tag sequence that is valid BIO (Viterbi).

Per-token argmax breaks names apart: one uncertain character in 王建国 tagged O leaves 王 and a stray
I-PERSON 国. The Viterbi path may not put I-X anywhere but after B-X or I-X, so the whole sequence decides
(dev entity F1 0.727 -> 0.79 for the bundled model). The transitions carry no learned scores: the model's
probabilities decide, the constraint only removes invalid sequences.

Speed: where the argmax sequence is already valid it is the Viterbi path, so only the stretches around an
invalid I- tag are searched. Stretches end at tokens the model is at least 99% sure are outside any span
(`CERTAIN_OUTSIDE`); no span is made to cross such a token.
"""

from __future__ import annotations

import numpy as np
import torch

from model.labels import ENTITY_LABELS, bio_tags

TAGS = bio_tags()
CERTAIN_OUTSIDE = 0.99


def tag_label(tag_id: int) -> int:
    """Entity label index of a B-/I- tag id (tag 0 is O)."""
    return (tag_id - 1) // 2


def _is_inside(tag_id: int) -> bool:
    return tag_id != 0 and tag_id % 2 == 0  # I- tags have even ids


def _constraints() -> tuple[np.ndarray, np.ndarray]:
    """(transition [previous, current], start) log-scores: 0 where allowed, -inf where not."""
    n = len(TAGS)
    allowed = np.ones((n, n), dtype=bool)
    for inside in range(2, n, 2):
        allowed[:, inside] = False
        allowed[inside - 1, inside] = allowed[inside, inside] = True  # after B-X or I-X only
    start = np.array([not _is_inside(t) for t in range(n)])
    return np.where(allowed, 0.0, -np.inf), np.where(start, 0.0, -np.inf)


_TRANSITIONS, _START = _constraints()


def viterbi_path(probs: np.ndarray) -> list[int]:
    """The most probable valid BIO tag sequence for per-token probabilities [n, n_tags]."""
    log_probs = np.log(np.clip(probs, 1e-12, 1.0))
    n = len(log_probs)
    back = np.empty((n, len(TAGS)), dtype=np.int64)
    score = _START + log_probs[0]
    for i in range(1, n):
        candidates = score[:, None] + _TRANSITIONS
        back[i] = candidates.argmax(axis=0)
        score = candidates[back[i], np.arange(len(TAGS))] + log_probs[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def _valid_path(p: np.ndarray) -> list[int]:
    """Argmax tags, with Viterbi run over each stretch that holds an I- tag not preceded by B-/I- of its label."""
    path = p.argmax(axis=1)
    previous = np.concatenate([[0], path[:-1]])
    inside = (path != 0) & (path % 2 == 0)
    invalid = np.flatnonzero(inside & (previous != path) & (previous != path - 1))
    if invalid.size == 0:
        return path.tolist()
    fences = np.flatnonzero(p[:, 0] >= CERTAIN_OUTSIDE)
    stretches: list[list[int]] = []
    for j in invalid.tolist():
        k = int(np.searchsorted(fences, j))
        start = int(fences[k - 1]) + 1 if k > 0 else 0
        end = int(fences[k]) if k < len(fences) else len(path)
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    for start, end in stretches:
        path[start:end] = viterbi_path(p[start:end])
    return path.tolist()


def decode_bio(probs: torch.Tensor) -> list[tuple[int, int, int, float]]:
    """Spans (start token, end token, label index, score) from per-token tag probabilities [n, n_tags].
    A span's score is the mean probability of its label (B- and I- together) over its tokens: the path already
    chose where the span begins, and a title right after a name (李俊主任) has its first character's mass split
    between B-TITLE and the I-TITLE the path may not take there (0.07 + 0.87), which scored it 0.41 and dropped it.
    Real dev: TITLE 0.813 -> 0.825, relations 0.688 -> 0.703, officials 0.932 -> 0.941."""
    if probs.numel() == 0:
        return []
    p = probs.detach().float().numpy()
    path = _valid_path(p)
    spans: list[tuple[int, int, int, float]] = []
    start = None
    for i, tag in enumerate(path + [0]):
        if start is not None and not _is_inside(tag):
            begin = path[start]  # B-X; I-X is the next tag id
            mass = p[start:i, begin] + p[start:i, begin + 1]
            spans.append((start, i, tag_label(begin), float(mass.mean())))
            start = None
        if tag != 0 and not _is_inside(tag):
            start = i
    return spans


def label_name(index: int) -> str:
    return ENTITY_LABELS[index]
