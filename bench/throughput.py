"""Extractor.extract_many against transformers' token-classification pipeline on the same documents.

The pipeline loads the bundled model as transformers does (fp32). The extractor runs twice: as shipped
(the model's recorded CPU default, dynamic int8 for the bundled model) and in fp32, so the ratio that comes
from the core (windows, packing, passes) is apart from the one that comes from int8.
"""

from __future__ import annotations

from pathlib import Path

from transformers import pipeline

from bench.common import bench_documents, timed
from model.extractor import Extractor


def run(model_dir: Path, quick: bool) -> dict:
    docs = bench_documents(40 if quick else 200)
    repeats = 3
    chars = sum(len(d) for d in docs)
    timings = {}
    for name, int8 in (("extractor", None), ("extractor_fp32", False)):
        extractor = Extractor.load(model_dir, device="cpu", int8=int8)
        timings[name] = timed(lambda: extractor.extract_many(docs, batch_size=64), repeats)  # noqa: B023 (timed now)
        timings[name]["dtype"] = extractor.dtype
    ner = pipeline("token-classification", model=str(model_dir), aggregation_strategy="simple", stride=64, device=-1)
    ner.tokenizer.model_max_length = 256  # the same window length as ours
    timings["hf_pipeline"] = {**timed(lambda: [ner(d) for d in docs], repeats), "dtype": "float32"}
    result = {"documents": len(docs), "characters": chars}
    for name, t in timings.items():
        result[name] = {
            **t,
            "chars_per_s": round(chars / t["median_s"], 1),
            "docs_per_s": round(len(docs) / t["median_s"], 2),
        }
    result["ratio"] = round(timings["hf_pipeline"]["median_s"] / timings["extractor"]["median_s"], 2)
    result["ratio_fp32"] = round(timings["hf_pipeline"]["median_s"] / timings["extractor_fp32"]["median_s"], 2)
    result["note"] = "the extractor also runs the relation head and builds records; the pipeline does NER only"
    return result
