"""Extractor.extract_many against transformers' token-classification pipeline on the same documents."""

from __future__ import annotations

from pathlib import Path

from transformers import pipeline

from bench.common import bench_documents, timed
from model.extractor import Extractor


def run(model_dir: Path, quick: bool) -> dict:
    docs = bench_documents(40 if quick else 200)
    repeats = 2 if quick else 3
    chars = sum(len(d) for d in docs)
    extractor = Extractor.load(model_dir, device="cpu", int8=False)
    ours = timed(lambda: extractor.extract_many(docs, batch_size=64), repeats)
    ner = pipeline("token-classification", model=str(model_dir), aggregation_strategy="simple", stride=64, device=-1)
    ner.tokenizer.model_max_length = 256  # the same window length as ours
    baseline = timed(lambda: [ner(d) for d in docs], repeats)
    result = {"documents": len(docs), "characters": chars}
    for name, t in (("extractor", ours), ("hf_pipeline", baseline)):
        result[name] = {**t, "chars_per_s": round(chars / t["median_s"], 1), "docs_per_s": round(len(docs) / t["median_s"], 2)}
    result["ratio"] = round(baseline["median_s"] / ours["median_s"], 2)
    result["note"] = "the extractor also runs the relation head and builds records; the pipeline does NER only"
    return result
