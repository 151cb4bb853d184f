"""Seconds per 1,000 characters for one document of growing length."""

from __future__ import annotations

from pathlib import Path

from bench.common import long_document, timed
from model.extractor import Extractor


def run(model_dir: Path, quick: bool) -> dict:
    extractor = Extractor.load(model_dir, device="cpu", int8=False)
    sizes = [1_000, 10_000, 30_000] if quick else [1_000, 10_000, 100_000]
    result = {"sizes": {}}
    for size in sizes:
        text = long_document(size)
        t = timed(lambda: extractor.extract(text), 2 if quick or size >= 100_000 else 3)  # noqa: B023 (timed now)
        result["sizes"][str(size)] = {**t, "s_per_1k_chars": round(t["median_s"] / size * 1000, 5)}
    first, last = result["sizes"][str(sizes[0])], result["sizes"][str(sizes[-1])]
    result["ratio_largest_to_1k"] = round(last["s_per_1k_chars"] / first["s_per_1k_chars"], 3)
    return result
