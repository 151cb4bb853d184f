"""Runs the benchmarks, writes bench/results/<name>.json and refreshes the table in bench/README.md."""

from __future__ import annotations

import importlib
import json
import time
from pathlib import Path

from bench.common import ROOT, machine

BENCHMARKS = ("throughput", "quant", "scaling", "load", "memory", "profile")  # `all`
PARTS = ("dense", "mixed")  # one case of scaling / load, alone: `zsie bench dense|mixed`
# Run by name only, not by `all`: they need an optional extra (ray: `pip install '.[ray]'`).
OPTIONAL = ("ray",)
MODULES = {"ray": "bench.bulk_ray"}  # a module named bench/ray.py would read like Ray itself
README = ROOT / "bench" / "README.md"
TABLE_START, TABLE_END = "<!-- results:start -->", "<!-- results:end -->"


def run_benchmarks(names: list[str], model_dir: Path, output: Path, quick: bool) -> dict:
    output.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in names:
        started = time.monotonic()
        result = importlib.import_module(MODULES.get(name, f"bench.{name}")).run(model_dir, quick)
        result.update(
            benchmark=name,
            quick=quick,
            model=str(model_dir),
            machine=machine(),
            wall_s=round(time.monotonic() - started, 1),
            taken=time.strftime("%Y-%m-%d %H:%M:%S"),
        )
        (output / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        results[name] = result
    return results


def summary_rows(results_dir: Path) -> list[tuple[str, str, str, str]]:
    """(benchmark, figure, target, met) rows from the result files present."""
    rows = []

    def load(name: str) -> dict | None:
        path = results_dir / f"{name}.json"
        return json.loads(path.read_text()) if path.exists() else None

    if r := load("throughput"):
        rows.append(
            (
                "throughput",
                f"{r['extractor']['chars_per_s']:.0f} chars/s ({r['extractor']['dtype']}) vs pipeline "
                f"{r['hf_pipeline']['chars_per_s']:.0f}: {r['ratio']}x; fp32 extractor {r['extractor_fp32']['chars_per_s']:.0f}: "
                f"{r['ratio_fp32']}x",
                ">= 3x",
                str(r["ratio"] >= 3),
            )
        )
    if r := load("quant"):
        ao = (
            f"; torchao int8 {r['torchao_speedup']}x fp32, F1 {r['torchao_int8']['entity_f1']}"
            if r.get("torchao_int8")
            else ""
        )
        rows.append(
            (
                "quant",
                f"int8 {r['speedup']}x fp32, F1 {r['fp32']['entity_f1']} -> {r['int8']['entity_f1']}{ao}",
                ">= 1.4x, <= 0.5 pt lost",
                str(r["int8_default_ok"]),
            )
        )
    if r := load("scaling"):
        per = ", ".join(f"{k}: {v['s_per_1k_chars']}" for k, v in r["sizes"].items())
        rows.append(
            (
                "scaling",
                f"s per 1k chars {per}; ratio {r['ratio_largest_to_1k']}",
                "<= 1.2",
                str(r["ratio_largest_to_1k"] <= 1.2),
            )
        )
    dense = (load("scaling") or {}).get("dense") or load("dense")
    if dense:
        rows.append(
            (
                "scaling: dense",
                f"attendee list of {dense['chars']} chars: {dense['dense']['s_per_1k_chars']} s per 1k chars "
                f"vs article text {dense['article']['s_per_1k_chars']}: {dense['ratio_dense_to_article']}x",
                "<= 2x",
                str(dense["ratio_dense_to_article"] <= 2),
            )
        )
    mixed = (load("load") or {}).get("mixed") or load("mixed")
    if mixed:
        rows.append(
            (
                "load: mixed",
                f"32 clients of 1,500 chars: p95 {mixed['short_alone']['p95_s']} s alone, "
                f"{mixed['short']['p95_s']} s beside 100k-char documents back to back ({mixed['short_p95_ratio']}x; "
                f"{mixed['long']['requests']} long done); errors {mixed['errors']}; 50M chars refused "
                f"({mixed['refusal_50M']['status']}) in {1000 * mixed['refusal_50M']['seconds']:.0f} ms; "
                f"dense 100k document {mixed['dense_100k']['seconds']} s",
                "<= 3x, 0 errors, < 100 ms",
                str(mixed["target_met"] and mixed["refusal_50M"]["seconds"] < 0.1),
            )
        )
    if r := load("load"):
        on = r["modes"]["batching"]
        rows.append(
            (
                "load",
                f"32 clients: {on['32']['requests_per_s']} req/s batched vs {r['modes']['no_batching']['32']['requests_per_s']} unbatched ({r['batching_speedup_at_32']}x; in-process 64 docs per call vs 1: {r['in_process_docs_per_call']['ratio']}x); errors at 64: {r['errors_at_64']}",
                ">= 2x, 0 errors",
                str(r["batching_speedup_at_32"] >= 2 and r["errors_at_64"] == 0),
            )
        )
    if r := load("memory"):
        rows.append(
            (
                "memory",
                f"RSS {r['rss_before_kb'] // 1024} -> {r['rss_after_kb'] // 1024} MiB over {r['requests']} requests ({100 * r['rss_growth']:.1f}%; second half {100 * r['rss_growth_second_half']:.1f}%), after a {r['warmup_requests']}-request warm-up from {r['rss_at_start_kb'] // 1024} MiB; peak {r['peak_rss_kb'] // 1024} MiB",
                "< 10%",
                str(r["rss_growth"] < 0.10),
            )
        )
    if r := load("profile"):
        shares = ", ".join(f"{k} {100 * v['share']:.0f}%" for k, v in r["stages"].items())
        rows.append(("profile", f"{r['dtype']}, {r['documents']} documents: {shares}", "", ""))
    if r := load("ray"):
        splits = ", ".join(f"{k}: {v['docs_per_s']}" for k, v in r["ray"].items())
        rows.append(
            (
                "ray",
                f"{r['documents']} {r['source']} articles: in-process {r['in_process']['docs_per_s']} docs/s"
                + (
                    f" ({r['in_process_passes']['docs_per_s']} with {r['in_process_passes']['passes']} passes at once)"
                    if "in_process_passes" in r
                    else ""
                )
                + ", Ray (actors x threads) "
                f"{splits} docs/s; 1 actor ({r.get('best_1_actor', '1x2')}) {r['ray_1_actor_vs_in_process']}x in-process"
                + (
                    f" (after start-up {r['ray_1_actor_steady_vs_in_process']}x)"
                    if "ray_1_actor_steady_vs_in_process" in r
                    else ""
                )
                + f"; best {r['best_split']}; identical {r['identical']}"
                f"{' (quick)' if r.get('quick') else ''}",
                ">= 0.85x, identical",
                str(r["within_15pct"] and r["identical"]),
            )
        )
    return rows


def refresh_readme(results_dir: Path) -> None:
    rows = summary_rows(results_dir)
    if not rows or not README.exists():
        return
    any_result = next(results_dir.glob("*.json"))
    info = json.loads(any_result.read_text())
    m = info["machine"]
    table = [
        TABLE_START,
        "",
        f"Taken {info['taken']} on {m['cpu']}, {m['cores']} cores, torch {m['torch']} ({m['torch_threads']} threads)"
        f"{' — quick mode' if info.get('quick') else ''}.",
        "",
        "| benchmark | figure | target | met |",
        "|---|---|---|---|",
    ]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    table += ["", TABLE_END]
    text = README.read_text()
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    README.write_text(text[:start] + "\n".join(table) + text[end:])
