"""The service under concurrent load: batching on against batching off (one document per model pass)."""

from __future__ import annotations

from pathlib import Path

from bench.common import corpus_texts
from bench.server import load, running_server


def run(model_dir: Path, quick: bool) -> dict:
    texts = sorted(corpus_texts(), key=len)[: 12]  # article-sized requests (the shorter test documents)
    levels = [1, 8, 32, 64]
    requests = 64 if quick else 256
    result = {"request_chars_mean": round(sum(map(len, texts)) / len(texts)), "modes": {}}
    for mode, settings in (("batching", {"batch_documents": 64, "max_wait_ms": 10}),
                           ("no_batching", {"batch_documents": 1, "max_wait_ms": 0})):
        with running_server(model_dir, **settings) as (url, _pid):
            load(url, texts, 4, 8)  # warm-up
            result["modes"][mode] = {str(c): load(url, texts, c, requests) for c in levels}
    on, off = result["modes"]["batching"]["32"], result["modes"]["no_batching"]["32"]
    result["batching_speedup_at_32"] = round(on["requests_per_s"] / off["requests_per_s"], 2)
    result["errors_at_64"] = result["modes"]["batching"]["64"]["errors"]
    return result
