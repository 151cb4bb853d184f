"""The `zsie` entry point."""

from __future__ import annotations

import logging

import typer

from cli import annotations, benchmarks, extraction, learning, serving
from cli.errors import user_errors

app = typer.Typer(help="zhaoshang-ie: facts from Chinese investment-promotion news.", no_args_is_help=True)
app.add_typer(annotations.app, name="annotations")
for command in (
    learning.pretrain,
    learning.train,
    learning.silver,
    learning.evaluate,
    learning.find_threshold,
    learning.average,
    learning.model_card,
    extraction.extract,
    extraction.batch,
    serving.serve,
    benchmarks.bench,
):
    app.command()(user_errors(command))


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="debug logging")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")


if __name__ == "__main__":
    app()
