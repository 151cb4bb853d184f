"""The service under concurrent load: batching on against batching off (one document per model pass).

Beside the HTTP figures it times the same request texts in-process, `extract_many` with one document per
call against 64: the most batching can give on this machine's model passes, with no HTTP around it.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import corpus_texts, timed
from bench.server import load, running_server
from model.extractor import Extractor


def _in_process(model_dir: Path, texts: list[str], quick: bool) -> dict:
    extractor = Extractor.load(model_dir, device="cpu")
    docs = (texts * 6)[:64]
    out = {}
    for size in (1, 64):
        t = timed(lambda: extractor.extract_many(docs, batch_size=size), 2 if quick else 3)  # noqa: B023 (timed now)
        out[str(size)] = {**t, "docs_per_s": round(len(docs) / t["median_s"], 2)}
    out["ratio"] = round(out["64"]["docs_per_s"] / out["1"]["docs_per_s"], 2)
    return out


def run(model_dir: Path, quick: bool) -> dict:
    texts = sorted(corpus_texts(), key=len)[:12]  # article-sized requests (the shorter test documents)
    levels = [1, 8, 32, 64]
    requests = 64 if quick else 256
    result = {"request_chars_mean": round(sum(map(len, texts)) / len(texts)), "modes": {}}
    for mode, settings in (
        ("batching", {"batch_documents": 64}),
        ("no_batching", {"batch_documents": 1, "max_wait_ms": 0}),
    ):
        with running_server(model_dir, **settings) as (url, _pid):
            load(url, texts, 4, 8)  # warm-up
            result["modes"][mode] = {str(c): load(url, texts, c, requests) for c in levels}
    on, off = result["modes"]["batching"]["32"], result["modes"]["no_batching"]["32"]
    result["batching_speedup_at_32"] = round(on["requests_per_s"] / off["requests_per_s"], 2)
    result["errors_at_64"] = result["modes"]["batching"]["64"]["errors"]
    result["in_process_docs_per_call"] = _in_process(model_dir, texts, quick)
    return result
