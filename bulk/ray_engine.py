"""The Ray engine: shards are read by Ray tasks and extracted by a pool of actors, one Extractor each
(`Dataset.map_batches` with a callable class); results stream back to the driver, which writes the shards.

Without an address (and without RAY_ADDRESS) a local Ray is started on this machine; with one, the job joins
that cluster. Inputs and the model must then be readable at the same paths on every node.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import ray

from bulk.io import Shard
from bulk.work import ChunkExtractor, shard_chunks

ROOT = Path(__file__).resolve().parents[1]


class _ChunkActor:
    """map_batches' callable class: loads one Extractor per actor, extracts one chunk per row."""

    def __init__(self, model_dir, device, int8, threads, loader):
        self.worker = ChunkExtractor(model_dir, device, int8, threads, loader)

    def __call__(self, batch: dict) -> dict:
        return {
            "shard": list(batch["shard"]),
            "chunk": list(batch["chunk"]),
            "n_chunks": list(batch["n_chunks"]),
            "result": [self.worker(p) for p in batch["payload"]],
        }


def start_ray(address: str | None, num_cpus: int | None) -> None:
    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, logging_level=logging.WARNING)
    else:  # workers import this checkout's packages, whatever the install points at
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        ray.init(
            num_cpus=num_cpus,
            include_dashboard=False,
            logging_level=logging.WARNING,
            runtime_env={"env_vars": {"PYTHONPATH": path}},
            # Ray starts its workers at nice 15, so the actors doing the job yield the cores to the driver,
            # Ray's own processes and anything else on the machine (measured: ~0.87x the in-process rate
            # on an idle 2-core machine, ~0.1x beside a training run); on a Ray of our own they are the job.
            _system_config={"worker_niceness": 0},
        )


def plan_actors(actors: int | None, cpus_per_actor: float, gpus_per_actor: float) -> int:
    if actors:
        return actors
    resources = ray.cluster_resources()
    if gpus_per_actor > 0:
        return max(1, int(resources.get("GPU", 0) / gpus_per_actor))
    return max(1, int(resources.get("CPU", 1) // cpus_per_actor))


def ray_results(shards: list[Shard], skip_ids: frozenset, opts) -> Iterator[tuple[str, int, int, str]]:
    start_ray(opts.address, opts.num_cpus)
    if not shards:
        return
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the driver's bar counts documents
    context.print_on_execution_start = False
    # one chunk per block: a chunk's records come back as soon as it is done (not when its whole shard is),
    # and a shard's chunks spread over every actor
    context.target_max_block_size = 1
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    n_actors = plan_actors(opts.actors, opts.cpus_per_actor, opts.gpus_per_actor)
    device = "cuda" if opts.gpus_per_actor > 0 else opts.device
    calls = opts.calls_per_actor
    threads = opts.threads_per_actor or max(1, int(opts.cpus_per_actor // calls))
    skip_ref = ray.put(skip_ids)
    batch_size = opts.batch_size

    def read(row: dict) -> list[dict]:
        return shard_chunks(Shard.from_row(row), batch_size, ray.get(skip_ref))

    ds = ray.data.from_items([s.as_row() for s in shards], override_num_blocks=len(shards))
    # reading is light: it must not wait for CPUs the actors hold
    tasks = getattr(ray.data, "TaskPoolStrategy", None)
    read_limit = {"compute": tasks(size=max(2, n_actors))} if tasks else {"concurrency": max(2, n_actors)}
    ds = ds.flat_map(read, num_cpus=0, **read_limit)
    ds = ds.map_batches(
        _ChunkActor,
        batch_size=1,
        # calls > 1: Ray Data runs that many __call__s of an actor at once, each on its own thread
        compute=ray.data.ActorPoolStrategy(
            size=n_actors, max_concurrent_calls_per_actor=calls, enable_true_multi_threading=calls > 1
        ),
        num_cpus=opts.cpus_per_actor,
        num_gpus=opts.gpus_per_actor or None,
        batch_format="numpy",
        fn_constructor_kwargs={
            "model_dir": str(opts.model_dir) if opts.model_dir else None,
            "device": device,
            "int8": opts.int8,
            "threads": threads,
            "loader": opts.loader,
        },
    )
    for row in ds.iter_rows():
        yield str(row["shard"]), int(row["chunk"]), int(row["n_chunks"]), str(row["result"])
