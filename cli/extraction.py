"""`zsie extract`: raw scraped text in, one JSON record per document (or CSV rows of facts) out."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

CSV_FIELDS = [
    "doc_id",
    "kind",
    "text",
    "start",
    "end",
    "value",
    "value_max",
    "currency",
    "qualifier",
    "metric",
    "period",
    "name",
    "titles",
    "roles",
]


def csv_rows(record: dict) -> list[dict]:
    """One row per fact: officials, amounts, project counts, rates, strategies."""
    doc = record["id"]
    rows = [
        {
            "doc_id": doc,
            "kind": "official",
            "name": o["name"],
            "titles": "、".join(o["titles"]),
            "roles": "、".join(o["roles"]),
            "start": o["mentions"][0][0],
            "end": o["mentions"][0][1],
        }
        for o in record["officials"]
    ]
    rows += [
        {
            "doc_id": doc,
            "kind": "amount",
            **{
                k: a[k]
                for k in ("text", "start", "end", "value", "value_max", "currency", "qualifier", "metric", "period")
            },
        }
        for a in record["amounts"]
    ]
    rows += [
        {
            "doc_id": doc,
            "kind": "project_count",
            "metric": c["counted"],
            **{k: c[k] for k in ("text", "start", "end", "value", "qualifier", "period")},
        }
        for c in record["project_counts"]
    ]
    rows += [
        {"doc_id": doc, "kind": "rate", **{k: r[k] for k in ("text", "start", "end", "value", "metric", "period")}}
        for r in record["rates"]
    ]
    rows += [
        {"doc_id": doc, "kind": "strategy", "name": s["name"], "start": s["mentions"][0][0], "end": s["mentions"][0][1]}
        for s in record["strategies"]
    ]
    return rows


def extract(
    paths: list[Path] = typer.Argument(
        None, help=".txt files, folders of them, or .jsonl of {id, text, doc_date}; stdin when none"
    ),
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
    device: str = typer.Option("auto", help="auto | cpu | cuda"),
    batch_size: int = typer.Option(32, help="documents per model pass"),
    passes: int = typer.Option(1, help="CPU: model passes at once on threads, sharing the torch threads"),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl | csv"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
    int8: bool | None = typer.Option(
        None, "--int8/--no-int8", help="dynamic int8 on CPU (default: the model's setting)"
    ),
) -> None:
    """Extract officials, amounts, project counts, rates and strategies; exit 1 if any input was skipped."""
    from model.extractor import Extractor
    from model.inputs import InputErrors, iter_documents

    if output_format not in ("jsonl", "csv"):
        raise typer.BadParameter("--format takes jsonl or csv")
    if passes < 1:
        raise typer.BadParameter("--passes takes 1 or more")
    extractor = Extractor.load(model, device=device, int8=int8)
    errors = InputErrors()
    docs = iter_documents(list(paths or []), sys.stdin if not paths else None, errors)
    sink = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = csv.DictWriter(sink, fieldnames=CSV_FIELDS) if output_format == "csv" else None
        if writer:
            writer.writeheader()
        for record in extractor.iter_extract(docs, batch_size=batch_size, progress=True, passes=passes):
            if writer:
                writer.writerows(csv_rows(record))
            else:
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if output:
            sink.close()
    for message in errors.messages:
        typer.echo(message, err=True)
    if errors.messages:
        raise typer.Exit(1)


def batch(
    paths: list[Path] = typer.Argument(
        ..., help=".jsonl of {id, text, doc_date}, .parquet (id, text, doc_date), folders of .txt"
    ),
    output: Path = typer.Option(..., "--output", "-o", help="output folder: shards, errors.jsonl, summary.json"),
    engine: str = typer.Option("ray", help="ray | local (in-process, no Ray)"),
    output_format: str = typer.Option("jsonl", "--format", help="jsonl | parquet"),
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
    device: str = typer.Option("auto", help="auto | cpu | cuda (--gpus-per-actor > 0 means cuda)"),
    int8: bool | None = typer.Option(
        None, "--int8/--no-int8", help="dynamic int8 on CPU (default: the model's setting)"
    ),
    batch_size: int = typer.Option(32, help="documents per model pass"),
    shard_size: int = typer.Option(1024, help="documents per output shard (the unit of resumption)"),
    actors: int | None = typer.Option(
        None, help="Ray actors, one Extractor each (default: CPUs / --cpus-per-actor, or GPUs / --gpus-per-actor)"
    ),
    cpus_per_actor: float = typer.Option(1, help="CPUs each actor asks Ray for"),
    threads_per_actor: int | None = typer.Option(
        None, help="torch threads per model pass (default: --cpus-per-actor / --calls-per-actor)"
    ),
    calls_per_actor: int = typer.Option(
        1, help="chunks one actor extracts at once, each on its own thread, sharing the actor's Extractor"
    ),
    gpus_per_actor: float = typer.Option(0, help="GPU (fraction) per actor; > 0 runs the Extractor on CUDA"),
    address: str | None = typer.Option(
        None, "--address", help="join this Ray cluster (default: RAY_ADDRESS, else a local Ray)"
    ),
    num_cpus: int | None = typer.Option(None, help="CPUs of the local Ray (default: all)"),
    max_shards: int | None = typer.Option(None, help="stop after writing this many shards (re-run to resume)"),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="progress bar (default: when stderr is a terminal)"
    ),
) -> None:
    """Large corpora: sharded, resumable extraction; re-run the same command to finish an interrupted job.
    Exit 1 when any document or line went to errors.jsonl."""
    from bulk import BatchOptions, run_batch

    if engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError as err:
            raise typer.BadParameter(
                "the Ray engine needs Ray: pip install 'zhaoshang-ie[ray]' (or --engine local)"
            ) from err
    opts = BatchOptions(
        engine=engine,
        output_format=output_format,
        model_dir=str(model) if model else None,
        device=device,
        int8=int8,
        batch_size=batch_size,
        shard_size=shard_size,
        actors=actors,
        cpus_per_actor=cpus_per_actor,
        threads_per_actor=threads_per_actor,
        calls_per_actor=calls_per_actor,
        gpus_per_actor=gpus_per_actor,
        address=address,
        num_cpus=num_cpus,
        max_shards=max_shards,
        progress=progress,
    )
    try:
        summary = run_batch(list(paths), output, opts)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err
    typer.echo(json.dumps(summary, ensure_ascii=False))
    if summary["errors"]:
        raise typer.Exit(1)
