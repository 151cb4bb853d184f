"""`zsie serve`: the HTTP service."""

from __future__ import annotations

from pathlib import Path

import typer


def serve(
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    device: str | None = typer.Option(None, help="auto | cpu | cuda (default: ZSIE_DEVICE, else auto)"),
) -> None:
    """Serve the extraction API and the demo page (settings also from ZSIE_* environment variables)."""
    import uvicorn

    from serve.app import create_app
    from serve.settings import ServeSettings

    overrides: dict = {}  # only flags given on the command line override ZSIE_* settings
    if device is not None:
        overrides["device"] = device
    if model is not None:
        overrides["model_dir"] = model
    settings = ServeSettings(**overrides)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", timeout_graceful_shutdown=30)
