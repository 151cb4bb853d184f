"""Seconds per 1,000 characters for one document of growing length, and for an entity-dense one.

`dense` is an attendee-list document (officials' titles and names every few characters, bench.common's
`attendee_list`) of the largest size, against article text of the same size: its cost per character should
be within 2x of ordinary text (before candidate pairs and roles were linear in the spans it was 7x).
"""

from __future__ import annotations

from pathlib import Path

from bench.common import attendee_list, long_document, timed
from model.extractor import Extractor


def dense(extractor: Extractor, quick: bool) -> dict:
    size = 30_000 if quick else 100_000
    out = {"chars": size}
    for name, text in (("article", long_document(size)), ("dense", attendee_list(size))):
        t = timed(lambda text=text: extractor.extract(text), 1 if quick else 2)
        record = extractor.extract(text)
        out[name] = {**t, "s_per_1k_chars": round(t["median_s"] / size * 1000, 5), "entities": len(record["entities"])}
    out["ratio_dense_to_article"] = round(out["dense"]["s_per_1k_chars"] / out["article"]["s_per_1k_chars"], 3)
    return out


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
    result["dense"] = dense(extractor, quick)
    return result
