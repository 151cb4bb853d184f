"""Where the bundled model lives, and resolving a user's --model choice."""

from __future__ import annotations

from pathlib import Path

BUNDLED_MODEL_DIR = Path(__file__).resolve().parents[1] / "models" / "zsie-small"


def resolve_model_dir(model_dir: str | Path | None) -> Path:
    """The given directory, or the bundled model when None; a clear error when it is missing."""
    path = Path(model_dir) if model_dir is not None else BUNDLED_MODEL_DIR
    if not (path / "zsie_config.json").exists():
        hint = " (build it with `make model`)" if model_dir is None else ""
        raise FileNotFoundError(f"no zsie model at {path}{hint}")
    return path
