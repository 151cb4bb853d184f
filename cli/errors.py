"""One error path for every command: a user's mistake (a missing model, a bad or malformed file) reaches
them as a one-line message and an exit code, never a traceback (`--verbose` keeps the traceback)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path

import typer

EXIT_ERROR = 1  # a missing model, an impossible setting
EXIT_BAD_DATA = 2  # input files that fail validation


class BadData(Exception):
    """Input files that fail validation; `problems` are the validator's 'file:line: message' lines."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "invalid data")
        self.problems = problems


def check_data(paths: list[Path]) -> list[str]:
    """The paths as strings, once the validator finds nothing wrong in them; BadData otherwise.

    Documents are checked as the schema needs them (JSON, offsets, labels, relations); the corpus's own
    provenance fields (`source`, `source_ref`) are not asked of a user's data.
    """
    from corpus.validate import validate_files

    problems = validate_files(paths, check_sources=False)
    if problems:
        raise BadData(problems)
    return [str(p) for p in paths]


def user_errors(command: Callable) -> Callable:
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except BadData as err:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                raise
            shown = err.problems[:20]
            for line in shown:
                typer.echo(line, err=True)
            if len(err.problems) > len(shown):
                typer.echo(f"... and {len(err.problems) - len(shown)} more problems", err=True)
            raise typer.Exit(EXIT_BAD_DATA) from None
        except (FileNotFoundError, ValueError) as err:
            if logging.getLogger().isEnabledFor(logging.DEBUG):
                raise
            typer.echo(f"error: {err}", err=True)
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper
