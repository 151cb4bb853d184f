"""`zsie bench ray`: in-process `Extractor.extract_many` against the Ray engine (`zsie batch --engine ray`) on
the same inews articles, with one actor and with every actor x thread split of this machine's cores.

Ray's figures are whole jobs as a user runs them (reading the JSONL, actor start-up and model load, writing
the shards), timed after the local Ray is up; the in-process figure is extract_many alone after a warm-up, so
the comparison is strict. Every Ray run's records must be byte-identical to the in-process ones.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from bench.common import bench_documents
from bulk import BatchOptions, run_batch
from bulk.io import read_records
from model.extractor import Extractor

BATCH_SIZE = 32


def articles(n: int) -> tuple[list[dict], str]:
    """The first n non-empty inews articles (title + newline + content), or the test split repeated."""
    try:
        from corpus.inews import InewsUnavailable, iter_articles
    except ImportError:
        iter_articles = None
    docs: list[dict] = []
    if iter_articles:
        try:
            for ref, text in iter_articles():
                if text.strip():
                    docs.append({"id": ref, "text": text, "doc_date": None})
                if len(docs) == n:
                    return docs, "inews"
        except InewsUnavailable:
            pass
    return [
        {"id": f"test:{i}", "text": t, "doc_date": None} for i, t in enumerate(bench_documents(n))
    ], "test split (no inews)"


def splits(cores: int) -> list[tuple[int, int, int]]:
    """(actors, threads per pass, calls per actor) using every core: 1 x cores ... cores x 1, and one actor
    running `cores` one-thread calls at once."""
    plain = [(a, cores // a, 1) for a in range(1, cores + 1) if cores % a == 0]
    return plain + ([(1, 1, cores)] if cores > 1 else [])


def split_name(actors: int, threads: int, calls: int) -> str:
    return f"{actors}x{threads}" + (f" {calls} calls" if calls > 1 else "")


def timed_lines(extractor: Extractor, docs: list[dict], passes: int = 1) -> tuple[list[str], float]:
    """extract_many's records serialised as `zsie extract` writes them, and the seconds it took."""
    started = time.perf_counter()
    records = extractor.extract_many(docs, batch_size=BATCH_SIZE, passes=passes)
    return [json.dumps(r, ensure_ascii=False) for r in records], time.perf_counter() - started


def run(model_dir: Path, quick: bool, n: int | None = None) -> dict:
    from bulk.ray_engine import start_ray

    docs, source = articles(n or (100 if quick else 2000))
    chars = sum(len(d["text"]) for d in docs)
    cores = os.cpu_count() or 1
    extractor = Extractor.load(model_dir, device="cpu")
    extractor.extract_many(docs[:BATCH_SIZE], batch_size=BATCH_SIZE)  # warm-up
    reference, local_s = timed_lines(extractor, docs)
    # in-process with a one-thread pass per core at once (`zsie extract --passes`): the same trick as one actor's calls
    passes_lines, passes_s = timed_lines(extractor, docs, passes=cores)
    result = {
        "documents": len(docs),
        "characters": chars,
        "source": source,
        "batch_size": BATCH_SIZE,
        "cores": cores,
        "in_process": {
            "seconds": round(local_s, 3),
            "docs_per_s": round(len(docs) / local_s, 2),
            "chars_per_s": round(chars / local_s, 1),
            "threads": extractor_threads(),
            "dtype": extractor.dtype,
        },
        "in_process_passes": {
            "passes": cores,
            "seconds": round(passes_s, 3),
            "docs_per_s": round(len(docs) / passes_s, 2),
            "identical": passes_lines == reference,
        },
        "ray": {},
    }
    del extractor
    start_ray(None, cores)
    with tempfile.TemporaryDirectory() as tmp:
        source_file = Path(tmp) / "articles.jsonl"
        source_file.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
        for actors, threads, calls in splits(cores):
            out = Path(tmp) / f"out-{actors}x{threads}x{calls}"
            summary = run_batch(
                [source_file],
                out,
                BatchOptions(
                    engine="ray",
                    model_dir=str(model_dir),
                    device="cpu",
                    batch_size=BATCH_SIZE,
                    shard_size=BATCH_SIZE * 32,
                    actors=actors,
                    cpus_per_actor=threads * calls,
                    threads_per_actor=threads,
                    calls_per_actor=calls,
                    progress=False,
                ),
            )
            lines = [
                json.dumps(r, ensure_ascii=False) for p in sorted(out.glob("articles-*.jsonl")) for r in read_records(p)
            ]
            result["ray"][split_name(actors, threads, calls)] = {
                "actors": actors,
                "threads_per_actor": threads,
                "calls_per_actor": calls,
                "seconds": summary["seconds"],
                "docs_per_s": summary["documents_per_s"],
                # when the driver got its first chunk back: Ray Data hands a map task's output over when the
                # task (a shard's chunks) is done, so on one actor this is near the end of the job
                "first_result_s": summary["first_result_s"],
                "steady_docs_per_s": summary["steady_documents_per_s"],
                "chars_per_s": round(chars / summary["seconds"], 1),
                "errors": summary["errors"],
                "identical": lines == reference,
            }
    # one actor at its best: one pass of every core's thread, or a call per core of one thread each
    one_actor = [k for k, r in result["ray"].items() if r["actors"] == 1]
    result["best_1_actor"] = max(one_actor, key=lambda k: result["ray"][k]["docs_per_s"])
    one = result["ray"][result["best_1_actor"]]
    result["ray_1_actor_vs_in_process"] = round(one["docs_per_s"] / result["in_process"]["docs_per_s"], 3)
    result["within_15pct"] = result["ray_1_actor_vs_in_process"] >= 0.85
    result["ray_1_actor_vs_in_process_passes"] = round(one["docs_per_s"] / result["in_process_passes"]["docs_per_s"], 3)
    # after start-up (actor start, model load: paid once per job, whatever its size)
    steady = one["steady_docs_per_s"] or 0.0
    result["ray_1_actor_steady_vs_in_process"] = round(steady / result["in_process"]["docs_per_s"], 3)
    result["best_split"] = max(result["ray"], key=lambda k: result["ray"][k]["docs_per_s"])
    result["identical"] = (
        all(r["identical"] for r in result["ray"].values()) and result["in_process_passes"]["identical"]
    )
    result["note"] = (
        "Ray times are whole jobs (actor start, model load, reading, writing shards); steady rates count the "
        "documents after the first chunk came back over the time after it; in-process is extract_many after a warm-up"
    )
    return result


def extractor_threads() -> int:
    import torch

    return torch.get_num_threads()
