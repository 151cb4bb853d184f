"""Starting `zsie serve` on loopback for the load and memory benchmarks, and a bounded async load generator."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(model_dir: Path, **settings):
    """A `zsie serve` process on 127.0.0.1 with ZSIE_* settings; yields (base url, pid)."""
    port = free_port()
    env = {**os.environ, **{f"ZSIE_{k.upper()}": str(v) for k, v in settings.items()}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--model", str(model_dir), "--port", str(port), "--device", "cpu"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("the server exited while starting")
            time.sleep(0.3)
        else:
            raise RuntimeError("the server did not become ready in 120 s")
        yield url, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def rss_kb(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            name, value = line.split(":", 1)
            fields[name] = int(value.split()[0])
    return fields


async def _load(url: str, texts: list[str], concurrency: int, requests: int) -> dict:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/extract", json={"text": texts[i % len(texts)], "id": str(i)})
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 4)

    return {
        "concurrency": concurrency,
        "requests": requests,
        "errors": errors,
        "seconds": round(elapsed, 3),
        "requests_per_s": round(requests / elapsed, 2),
        "p50_s": pct(0.5),
        "p95_s": pct(0.95),
        "p99_s": pct(0.99),
        "mean_s": round(statistics.fmean(latencies), 4),
    }


def load(url: str, texts: list[str], concurrency: int, requests: int) -> dict:
    return asyncio.run(_load(url, texts, concurrency, requests))
