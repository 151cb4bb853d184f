"""fp32 against dynamic int8 on the CPU: speed, and entity F1 on the test split."""

from __future__ import annotations

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


def run(model_dir: Path, quick: bool) -> dict:
    gold = load_documents([ROOT / "annotations" / "test.jsonl"])
    docs = bench_documents(20 if quick else 100)
    result = {"documents": len(docs)}
    for name, int8 in (("fp32", False), ("int8", True)):
        extractor = Extractor.load(model_dir, device="cpu", int8=int8)
        t = timed(lambda: extractor.extract_many(docs, batch_size=64), 2 if quick else 3)  # noqa: B023 (timed now)
        result[name] = {**t, "entity_f1": round(_f1(extractor, gold), 4)}
    result["speedup"] = round(result["fp32"]["median_s"] / result["int8"]["median_s"], 2)
    result["f1_points_lost"] = round(100 * (result["fp32"]["entity_f1"] - result["int8"]["entity_f1"]), 2)
    result["int8_default_ok"] = result["speedup"] >= 1.4 and result["f1_points_lost"] <= 0.5
    return result
