"""`zsie bench`: speed and memory benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import typer


def bench(
    which: str = typer.Argument(
        "all",
        help="throughput | quant | scaling | load | memory | profile | all; dense or mixed: that case of scaling or load alone; ray (needs the ray extra, not in all)",
    ),
    quick: bool = typer.Option(False, "--quick", help="small sizes: every benchmark in minutes"),
    output: Path = typer.Option(Path("bench/results"), "--output", "-o"),
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
) -> None:
    """Run benchmarks (warm-up, repeats, medians); results to OUTPUT/<name>.json and the bench/README.md table."""
    from bench.run import BENCHMARKS, OPTIONAL, PARTS, refresh_readme, run_benchmarks
    from model.bundled import resolve_model_dir

    names = list(BENCHMARKS) if which == "all" else [which]
    if any(n not in BENCHMARKS + PARTS + OPTIONAL for n in names):
        raise typer.BadParameter(f"choose one of {', '.join(BENCHMARKS + PARTS + OPTIONAL)} or all")
    results = run_benchmarks(names, resolve_model_dir(model), output, quick)
    if output.resolve() == (Path(__file__).resolve().parents[1] / "bench" / "results"):
        refresh_readme(output)
    for name, result in results.items():
        typer.echo(
            f"{name}: "
            + json.dumps(
                {k: v for k, v in result.items() if k not in ("machine", "modes", "sizes")}, ensure_ascii=False
            )[:400]
        )
