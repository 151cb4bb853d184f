"""Only the mixed-load case of `load` (`zsie bench mixed`): short requests beside back-to-back long ones."""

from __future__ import annotations

from pathlib import Path

from bench.load import run_mixed


def run(model_dir: Path, quick: bool) -> dict:
    return run_mixed(model_dir, quick)
