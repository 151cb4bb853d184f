"""The service under concurrent load: batching on against batching off (one document per model pass).

Beside the HTTP figures it times the same request texts in-process, `extract_many` with one document per
call against 64: the most batching can give on this machine's model passes, with no HTTP around it.

`mixed` (also alone: `zsie bench mixed`): 32 clients sending ~1,500-character articles, first alone, then
while one client sends 100,000-character documents back to back; the short requests' p95 under the mixed
load should stay within 3x of their p95 alone, with no errors. Then a request announcing 50M characters
(refused in under 100 ms, before its body is read) and one entity-dense 100,000-character document (well
inside the request timeout).
"""

from __future__ import annotations

from pathlib import Path

import httpx

from bench.common import attendee_list, corpus_texts, long_document, timed
from bench.server import load, mixed, refusal_seconds, running_server
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
    result["mixed"] = run_mixed(model_dir, quick)
    return result


def article_requests() -> list[str]:
    """Requests of about 1,500 characters cut from article text."""
    text = long_document(1_500 * 24)
    return [text[i : i + 1_500] for i in range(0, len(text), 1_500)]


def run_mixed(model_dir: Path, quick: bool) -> dict:
    short_texts = article_requests()
    requests = 96 if quick else 384
    long_text = long_document(100_000)
    with running_server(model_dir) as (url, _pid):
        load(url, short_texts, 4, 8)  # warm-up
        alone = load(url, short_texts, 32, requests)
        together = mixed(url, short_texts, long_text, 32, requests)
        refusal = refusal_seconds(url, 50_000_000)
        dense_text = attendee_list(100_000)
        dense = timed(
            lambda: httpx.post(url + "/v1/extract", json={"text": dense_text}, timeout=300).raise_for_status(),
            1,
            warmup=0,
        )
    p95_ratio = round(together["short"]["p95_s"] / alone["p95_s"], 2)
    errors = together["short"]["errors"] + together["long"]["errors"]
    return {
        "short_chars": 1_500,
        "clients": 32,
        "short_alone": alone,
        **together,
        "short_p95_ratio": p95_ratio,
        "errors": errors,
        "target_met": p95_ratio <= 3 and errors == 0,
        "refusal_50M": refusal,
        "dense_100k": {"chars": len(dense_text), "seconds": dense["median_s"]},
    }
