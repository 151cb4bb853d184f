"""Resident memory of the server before and after many requests.

RSS is read at start-up, after a warm-up of the same load (the allocator keeps freed activation buffers
for reuse, so the first few hundred requests raise RSS to a plateau; the plateau, not the climb to it, is
what a leak check should start from), and after every tenth of the measured requests, so a leak shows as
a slope and a plateau as a flat tail.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import corpus_texts
from bench.server import load, rss_kb, running_server

CONCURRENCY = 16


def run(model_dir: Path, quick: bool) -> dict:
    texts = corpus_texts()
    requests = 200 if quick else 1000
    warmup = 50 if quick else 300
    step = requests // 10
    curve = []
    with running_server(model_dir) as (url, pid):
        at_start = rss_kb(pid)
        load(url, texts, CONCURRENCY, warmup)
        before = rss_kb(pid)
        for done in range(step, requests + 1, step):
            load(url, texts, CONCURRENCY, step)
            curve.append({"requests": done, "rss_kb": rss_kb(pid)["VmRSS"]})
        after = rss_kb(pid)
    half = curve[len(curve) // 2 - 1]["rss_kb"]
    return {
        "requests": requests,
        "warmup_requests": warmup,
        "concurrency": CONCURRENCY,
        "rss_at_start_kb": at_start["VmRSS"],
        "rss_before_kb": before["VmRSS"],
        "rss_after_kb": after["VmRSS"],
        "peak_rss_kb": after["VmHWM"],
        "rss_growth": round((after["VmRSS"] - before["VmRSS"]) / before["VmRSS"], 4),
        "rss_growth_second_half": round((after["VmRSS"] - half) / half, 4),
        "curve": curve,
    }
