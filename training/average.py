"""Weight averaging ("model soup"): the uniform mean of zsie models fine-tuned from the same start.

Models fine-tuned from one checkpoint on different data (self-training rounds, gold sets) sit in one basin of
the loss; their mean often reads better than any of them. Every weight is averaged (encoder, BIO head, relation
head, lexicon channel); settings and tokenizer come from the first model, which must match the others.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from model.network import ZsieModel
from model.tokenization import load_tokenizer

SUMMARY = "average.json"
# what the averaged model carries over from its last model, so the card can tell how that one was trained
CARRIED = ("training_summary.json", "training_log.jsonl")


def average_models(model_dirs: list[str | Path], output: str | Path) -> dict:
    """Write the uniform weight average of `model_dirs` to `output`; return the summary (also average.json)."""
    dirs = [Path(d) for d in model_dirs]
    if len(dirs) < 2:
        raise ValueError("averaging needs at least two models")
    models = [ZsieModel.load(d) for d in dirs]  # FileNotFoundError for a folder that is not a zsie model
    tokenizers = {(d / "tokenizer.json").read_bytes() if (d / "tokenizer.json").exists() else b"" for d in dirs}
    if len(tokenizers) != 1:
        raise ValueError("the models have different tokenizers: average only models fine-tuned from one start")
    states = [m.state_dict() for m in models]
    first = states[0]
    for d, state in zip(dirs[1:], states[1:], strict=True):
        if state.keys() != first.keys() or any(state[k].shape != first[k].shape for k in first):
            raise ValueError(f"{d} does not have the weights of {dirs[0]}: average only models of one architecture")
    mean = {
        k: (torch.stack([s[k].float() for s in states]).mean(0).to(v.dtype) if v.is_floating_point() else v)
        for k, v in first.items()
    }
    models[0].load_state_dict(mean)
    output = Path(output)
    models[0].save(output, tokenizer=load_tokenizer(dirs[0]))
    for name in CARRIED:
        if (dirs[-1] / name).exists():
            shutil.copyfile(dirs[-1] / name, output / name)
    summary = {
        "models": [str(d) for d in dirs],
        "weights": [round(1 / len(dirs), 6)] * len(dirs),
        "training": [run for d in dirs for run in training_runs(d)],
    }
    (output / SUMMARY).write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def training_runs(model_dir: Path) -> list[dict]:
    """The fine-tuning runs whose weights a model holds: {model, epochs, minutes} for a trained model, the runs
    of its members for an average (recorded when it was made, so the cost outlives the members' folders)."""
    soup = model_dir / SUMMARY
    if soup.exists():
        return json.loads(soup.read_text(encoding="utf-8")).get("training", [])
    summary = model_dir / "training_summary.json"
    log = json.loads(summary.read_text(encoding="utf-8")).get("log", []) if summary.exists() else []
    return [{"model": str(model_dir), "epochs": len(log), "minutes": log[-1]["minutes"] if log else None}]
