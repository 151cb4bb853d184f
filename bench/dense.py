"""Only the entity-dense case of `scaling` (`zsie bench dense`): an attendee list against article text."""

from __future__ import annotations

from pathlib import Path

from bench.scaling import dense
from model.extractor import Extractor


def run(model_dir: Path, quick: bool) -> dict:
    return dense(Extractor.load(model_dir, device="cpu", int8=False), quick)
