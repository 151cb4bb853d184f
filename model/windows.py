"""Sentence-aware sliding windows over a token sequence: any length, nothing truncated.

Windows hold at most `max_tokens` tokens and overlap by up to `overlap` tokens. A window ends after a
sentence end when one lies in its second half, and the next one starts at a sentence start inside the
overlap when there is one, so most windows see whole sentences. Consecutive windows always overlap or
touch, so every token is covered.
"""

from __future__ import annotations

SENTENCE_ENDS = frozenset("。！？；!?;\n")


def make_windows(
    token_offsets: list[tuple[int, int]], text: str, max_tokens: int, overlap: int
) -> list[tuple[int, int]]:
    """[start, end) token ranges covering all tokens."""
    if max_tokens < 2:
        raise ValueError("max_tokens must be at least 2")
    overlap = max(0, min(overlap, max_tokens // 2))
    n = len(token_offsets)
    if n <= max_tokens:
        return [(0, n)]

    def ends_sentence(j: int) -> bool:
        start, end = token_offsets[j]
        return text[end - 1 : end] in SENTENCE_ENDS if end > start else False

    windows: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + max_tokens, n)
        if end < n:
            for j in range(end - 1, start + max_tokens // 2, -1):
                if ends_sentence(j):
                    end = j + 1
                    break
        windows.append((start, end))
        if end >= n:
            return windows
        next_start = max(end - overlap, start + 1)
        for j in range(next_start, end):
            if ends_sentence(j - 1):
                next_start = j
                break
        start = next_start


def edge_weights(length: int) -> list[float]:
    """Per-position weight for merging overlapping windows: tokens near a window's edge saw less context."""
    return [1.0 + min(i, length - 1 - i) for i in range(length)]
