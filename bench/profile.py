"""Where extraction time goes: cProfile over `extract_many` on the benchmark documents (the model's default
precision), grouped into the stages of the core, plus the functions with the most time of their own."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from bench.common import bench_documents
from model.extractor import Extractor

# Stage -> (file suffix, function name) whose cumulative time is that stage. The model pass is the
# Predictor's four stages, collate -> forward -> decode -> relate; around it, the document's preparation
# (cleaning, tokenizing), the merge into its spans and relations (finish) and its record.
STAGES = {
    "cleaning": ("model/cleaning.py", "clean_text"),
    "tokenizing": ("model/inference.py", "tokenize_document"),
    "collate": ("model/inference.py", "collate"),
    "forward": ("model/inference.py", "forward"),
    "decode": ("model/inference.py", "decode"),
    "relate": ("model/inference.py", "relate"),
    "finish": ("model/inference.py", "_finish"),
    "records": ("model/records.py", "build_record"),
}


def run(model_dir: Path, quick: bool) -> dict:
    docs = bench_documents(40 if quick else 200)
    extractor = Extractor.load(model_dir, device="cpu")
    extractor.extract_many(docs[:8])  # warm-up
    profiler = cProfile.Profile()
    profiler.runcall(extractor.extract_many, docs, 64)
    stats = pstats.Stats(profiler).stats  # {(file, line, name): (calls, ncalls, tottime, cumtime, callers)}
    total = max(cum for (_, _, _, cum, _) in stats.values())
    stages = {}
    for stage, (suffix, name) in STAGES.items():
        cum = sum(v[3] for (file, _, func), v in stats.items() if file.endswith(suffix) and func == name)
        stages[stage] = {"seconds": round(cum, 4), "share": round(cum / total, 4)}
    own = sorted(stats.items(), key=lambda kv: -kv[1][2])[:15]
    top = [
        {
            "function": f"{Path(file).name}:{line}({func})",
            "calls": v[1],
            "own_s": round(v[2], 4),
            "share": round(v[2] / total, 4),
        }
        for (file, line, func), v in own
    ]
    return {
        "documents": len(docs),
        "dtype": extractor.dtype,
        "total_s": round(total, 4),
        "stages": stages,
        "top_own_time": top,
    }
