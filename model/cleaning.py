"""Cleaning scraped text for the model while keeping a map back to the original characters.

Noise symbols (□ ㊣ ✅ …), zero-width and control characters and lone surrogates are dropped; full-width digits, letters and
number punctuation become half-width. Every cleaned character remembers its original index, so any span
found in the cleaned text maps back to exact offsets in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NOISE = frozenset("□■㊣✅●◆◇★☆▲△▼▽※\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufffd")
_FULLWIDTH_NUMERIC = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH_NUMERIC.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH_NUMERIC.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH_NUMERIC.update({"％": "%", "．": ".", "＋": "+", "－": "-", "\u3000": " ", "\xa0": " "})
HALF_WIDTH = str.maketrans(_FULLWIDTH_NUMERIC)  # for str.translate where no offset map is needed


@dataclass(frozen=True)
class CleanText:
    original: str
    text: str
    origin: tuple[int, ...]  # origin[i]: index in `original` of cleaned character i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the cleaned span [start, end): from its first to its last character."""
        return self.origin[start], self.origin[end - 1] + 1

    def to_clean(self, start: int, end: int) -> tuple[int, int] | None:
        """Cleaned offsets of the original span [start, end), or None when it holds no kept character."""
        import bisect

        lo = bisect.bisect_left(self.origin, start)
        hi = bisect.bisect_left(self.origin, end)
        return (lo, hi) if hi > lo else None


# Characters dropped: noise symbols, control characters other than newline and tab, and lone surrogates (not
# Unicode; the tokenizer cannot encode them. The service refuses them with a 422, the library drops them).
_DROPPED = re.compile("[" + re.escape("".join(sorted(NOISE))) + "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(original: str) -> CleanText:
    text = original.translate(HALF_WIDTH)  # one character for one: offsets unchanged
    dropped = [m.start() for m in _DROPPED.finditer(original)]
    if not dropped:
        return CleanText(original=original, text=text, origin=tuple(range(len(original))))
    origin: list[int] = []
    pieces: list[str] = []
    start = 0
    for index in dropped + [len(original)]:
        origin.extend(range(start, index))
        pieces.append(text[start:index])
        start = index + 1
    return CleanText(original=original, text="".join(pieces), origin=tuple(origin))
