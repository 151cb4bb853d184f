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


async def _mixed(url: str, short_texts: list[str], long_text: str, concurrency: int, requests: int) -> dict:
    """`concurrency` clients send the short texts while one client sends `long_text` back to back."""
    stop = asyncio.Event()
    long_latencies: list[float] = []
    long_errors = 0

    async def long_client() -> None:
        nonlocal long_errors
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    response = await client.post("/v1/extract", json={"text": long_text, "id": "long"})
                    if response.status_code != 200:
                        long_errors += 1
                except httpx.HTTPError:
                    long_errors += 1
                long_latencies.append(time.perf_counter() - started)

    background = asyncio.create_task(long_client())
    await asyncio.sleep(1.0)  # the first long document is in the model
    short = await _load(url, short_texts, concurrency, requests)
    stop.set()
    await background  # the long document in flight finishes: its latency is part of the figure
    return {
        "short": short,
        "long": {
            "chars": len(long_text),
            "requests": len(long_latencies),
            "errors": long_errors,
            "latencies_s": [round(x, 3) for x in long_latencies],
        },
    }


def mixed(url: str, short_texts: list[str], long_text: str, concurrency: int, requests: int) -> dict:
    return asyncio.run(_mixed(url, short_texts, long_text, concurrency, requests))


def refusal_seconds(url: str, chars: int) -> dict:
    """Time until the server answers a request announcing `chars` characters of body (its head and the first
    64 KiB sent, as a client streaming it would): a refusal should not wait for, or parse, the body."""
    host, port = url.removeprefix("http://").split(":")
    head = (
        f"POST /v1/extract HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {chars + 12}\r\n\r\n"
    ).encode()
    started = time.perf_counter()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head + b'{"text": "' + b"a" * 65536)
        answer = sock.recv(4096).decode("latin-1")
    elapsed = time.perf_counter() - started
    return {"chars": chars, "status": int(answer.split()[1]) if answer else None, "seconds": round(elapsed, 4)}
