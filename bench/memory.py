"""Resident memory of the server before and after many requests."""

from __future__ import annotations

from pathlib import Path

from bench.common import corpus_texts
from bench.server import load, rss_kb, running_server


def run(model_dir: Path, quick: bool) -> dict:
    texts = corpus_texts()
    requests = 200 if quick else 1000
    with running_server(model_dir) as (url, pid):
        load(url, texts, 8, 16)  # warm-up: allocator pools and caches settle
        before = rss_kb(pid)
        load(url, texts, 16, requests)
        after = rss_kb(pid)
    growth = (after["VmRSS"] - before["VmRSS"]) / before["VmRSS"]
    return {"requests": requests, "rss_before_kb": before["VmRSS"], "rss_after_kb": after["VmRSS"],
            "peak_rss_kb": after["VmHWM"], "rss_growth": round(growth, 4)}
