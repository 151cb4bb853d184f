"""fp32 against int8 on the CPU: speed, and entity F1 on the test split.

Two int8 paths: torch.ao's dynamic int8 (what `Extractor.load(int8=True)` ships) and torchao's
`Int8DynamicActivationInt8WeightConfig` (the supported successor; measured when torchao is installed,
`pip install -e .[bench]`).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from bench.common import ROOT, bench_documents, timed
from corpus.doccano import load_documents
from model.extractor import Extractor
from training.evaluate import entity_scores


def _f1(extractor: Extractor, gold: list[dict]) -> float:
    records = extractor.extract_many([d["text"] for d in gold], batch_size=64)
    pred = [
        {
            "text": d["text"],
            "entities": [
                {"label": e["label"], "start_offset": e["start"], "end_offset": e["end"]} for e in r["entities"]
            ],
        }
        for d, r in zip(gold, records, strict=True)
    ]
    return entity_scores(gold, pred)["micro"]["f1"]


def torchao_extractor(model_dir: Path) -> Extractor | None:
    """The fp32 extractor with torchao's CPU int8 (dynamic activations, int8 weights) on its Linear layers."""
    try:
        from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_
    except ImportError:
        return None
    extractor = Extractor.load(model_dir, device="cpu", int8=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_(extractor.model, Int8DynamicActivationInt8WeightConfig())
    extractor.dtype = "int8 (torchao)"
    return extractor


def run(model_dir: Path, quick: bool) -> dict:
    gold = load_documents([ROOT / "annotations" / "test.jsonl"])
    docs = bench_documents(20 if quick else 100)
    result = {"documents": len(docs)}
    loaders = {
        "fp32": lambda: Extractor.load(model_dir, device="cpu", int8=False),
        "int8": lambda: Extractor.load(model_dir, device="cpu", int8=True),
        "torchao_int8": lambda: torchao_extractor(model_dir),
    }
    for name, loader in loaders.items():
        extractor = loader()
        if extractor is None:
            result[name] = None
            continue
        t = timed(lambda extractor=extractor: extractor.extract_many(docs, batch_size=64), 2 if quick else 3)
        result[name] = {**t, "entity_f1": round(_f1(extractor, gold), 4)}
    result["speedup"] = round(result["fp32"]["median_s"] / result["int8"]["median_s"], 2)
    result["f1_points_lost"] = round(100 * (result["fp32"]["entity_f1"] - result["int8"]["entity_f1"]), 2)
    result["int8_default_ok"] = result["speedup"] >= 1.4 and result["f1_points_lost"] <= 0.5
    if result["torchao_int8"]:
        ao = result["torchao_int8"]
        result["torchao_speedup"] = round(result["fp32"]["median_s"] / ao["median_s"], 2)
        result["torchao_vs_int8"] = round(result["int8"]["median_s"] / ao["median_s"], 2)  # > 1: torchao faster
    return result
