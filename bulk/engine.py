"""The batch run: plan shards, skip what is written, extract the rest (in-process or on Ray), write each
shard whole, merge errors, return the summary."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from bulk.io import (
    FORMATS,
    SUMMARY_FILE,
    done_shards,
    merge_errors,
    plan_shards,
    write_shard,
    written_ids,
)
from bulk.work import ChunkExtractor, shard_chunks


@dataclass
class BatchOptions:
    engine: str = "ray"  # ray | local
    output_format: str = "jsonl"  # jsonl | parquet
    model_dir: str | None = None
    device: str = "auto"
    int8: bool | None = None
    batch_size: int = 32  # documents per model pass (one chunk)
    shard_size: int = 1024  # documents per output shard; a multiple of batch_size keeps passes as extract_many's
    actors: int | None = None  # Ray: None = as many as the CPUs (or GPUs) allow
    cpus_per_actor: float = 1
    threads_per_actor: int | None = None  # torch threads per model pass; None = cpus_per_actor / calls_per_actor
    # chunks one actor extracts at once, each on its own thread with the actor's one Extractor: 2 calls of one
    # thread each keep two cores busy where one pass of two threads leaves them idle at every sync point
    calls_per_actor: int = 1
    gpus_per_actor: float = 0  # > 0: each actor asks for this (fractional) GPU and uses CUDA
    address: str | None = None  # Ray cluster; None = RAY_ADDRESS or a local Ray started here
    num_cpus: int | None = None  # a local Ray's CPUs (None: the machine's)
    max_shards: int | None = None  # stop after writing this many shards (a run can be resumed)
    progress: bool | None = None  # None: when stderr is a terminal
    loader: Callable | None = None  # (model_dir, device, int8, threads) -> Extractor; tests inject failures here


def run_batch(paths: list[Path], out_dir: Path, options: BatchOptions | None = None) -> dict:
    """Extract every document of `paths` into shards under `out_dir`; return (and write) the summary."""
    opts = options or BatchOptions()
    if opts.output_format not in FORMATS:
        raise ValueError(f"output format must be one of {', '.join(FORMATS)}")
    if opts.engine not in ("ray", "local"):
        raise ValueError("engine must be ray or local")
    if opts.batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if opts.calls_per_actor < 1:
        raise ValueError("calls_per_actor must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    shards, input_errors = plan_shards([Path(p) for p in paths], opts.shard_size)
    finished = done_shards(out_dir, opts.output_format)
    pending = [s for s in shards if s.name not in finished]
    seen = written_ids(out_dir, opts.output_format)
    started = time.perf_counter()
    totals = {"documents": 0, "facts": 0, "errors": 0, "skipped": 0, "shards_written": 0}
    show = sys.stderr.isatty() if opts.progress is None else opts.progress
    bar = tqdm(total=sum(s.count for s in pending), desc=f"batch ({opts.engine})", unit="doc", disable=not show)
    if opts.engine == "ray":
        from bulk.ray_engine import ray_results

        results = ray_results(pending, frozenset(seen), opts)
    else:
        results = local_results(pending, frozenset(seen), opts)
    buffers: dict[str, dict] = {}
    first_result_s = None  # start-up: engine, workers, model load, the first chunk's extraction
    later_docs = 0  # documents extracted after the first chunk came back: the steady-state rate's work
    try:
        for shard_name, chunk, n_chunks, result in results:
            part = json.loads(result)
            if first_result_s is None:
                first_result_s = time.perf_counter() - started
            else:
                later_docs += len(part["ids"])
            buf = buffers.setdefault(shard_name, {"parts": {}, "n": n_chunks})
            buf["parts"][chunk] = part
            if len(buf["parts"]) < buf["n"]:
                continue
            parts = [buf["parts"][k] for k in range(buf["n"])]
            del buffers[shard_name]
            lines, errors = [], []
            for part in parts:
                errors += part["errors"]
                totals["skipped"] += part["skipped"]
                for doc_id, line in zip(part["ids"], part["records"], strict=False):
                    if doc_id in seen:
                        errors.append(
                            {"id": doc_id, "source": shard_name, "reason": "duplicate id: already written, skipped"}
                        )
                        continue
                    seen.add(doc_id)
                    lines.append(line)
                totals["facts"] += part["facts"]
            write_shard(out_dir, shard_name, opts.output_format, lines, errors)
            totals["documents"] += len(lines)
            totals["errors"] += len(errors)
            totals["shards_written"] += 1
            bar.update(len(lines) + len(errors) + sum(p["skipped"] for p in parts))
            if opts.max_shards is not None and totals["shards_written"] >= opts.max_shards:
                break
    finally:
        close = getattr(results, "close", None)
        if close:
            close()
        bar.close()
    seconds = time.perf_counter() - started
    steady_s = seconds - first_result_s if first_result_s is not None else 0.0
    all_errors = merge_errors(out_dir, input_errors)
    remaining = len(pending) - totals["shards_written"]
    summary = {
        **totals,
        "errors": totals["errors"] + len(input_errors),
        "errors_in_file": all_errors,
        "shards": len(shards),
        "shards_already_done": len(shards) - len(pending),
        "shards_left": remaining,
        "seconds": round(seconds, 2),
        "documents_per_s": round(totals["documents"] / seconds, 2) if seconds else 0.0,
        "first_result_s": round(first_result_s, 2) if first_result_s is not None else None,
        # the rate once the workers are up: what a long job runs at, its start-up paid once
        "steady_documents_per_s": round(later_docs / steady_s, 2) if later_docs and steady_s > 0 else None,
        "engine": opts.engine,
        "format": opts.output_format,
        "output": str(out_dir),
    }
    (out_dir / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return summary


def local_results(shards, skip_ids: frozenset, opts: BatchOptions) -> Iterator[tuple[str, int, int, str]]:
    """The in-process engine: one Extractor, shards in order."""
    worker = ChunkExtractor(opts.model_dir, opts.device, opts.int8, opts.threads_per_actor, opts.loader)
    for shard in shards:
        for row in shard_chunks(shard, opts.batch_size, skip_ids):
            yield row["shard"], row["chunk"], row["n_chunks"], worker(row["payload"])
