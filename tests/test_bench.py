"""`zsie bench all --quick` keeps working: every result file is produced with sane fields (no timing asserted)."""

import json

from typer.testing import CliRunner

from cli.main import app


def test_quick_benchmarks_write_sane_results(tiny_model_dir, tmp_path):
    result = CliRunner().invoke(app, ["bench", "all", "--quick", "--model", str(tiny_model_dir), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    read = {
        name: json.loads((tmp_path / f"{name}.json").read_text())
        for name in ("throughput", "quant", "scaling", "load", "memory", "profile")
    }
    throughput = read["throughput"]
    assert throughput["extractor"]["chars_per_s"] > 0 and throughput["ratio"] > 0 and throughput["ratio_fp32"] > 0
    assert throughput["extractor_fp32"]["dtype"] == "float32" and throughput["hf_pipeline"]["docs_per_s"] > 0
    assert 0 <= read["quant"]["int8"]["entity_f1"] <= 1 and read["quant"]["speedup"] > 0
    assert set(read["scaling"]["sizes"]) == {"1000", "10000", "30000"}
    dense = read["scaling"]["dense"]
    assert dense["chars"] == 30_000 and dense["dense"]["entities"] >= 0 and dense["ratio_dense_to_article"] > 0
    mixed = read["load"]["mixed"]
    assert mixed["short"]["requests"] == mixed["short_alone"]["requests"] > 0 and mixed["long"]["chars"] == 100_000
    assert mixed["refusal_50M"]["status"] == 413 and mixed["dense_100k"]["seconds"] > 0
    assert set(read["load"]["modes"]) == {"batching", "no_batching"}
    assert read["load"]["modes"]["batching"]["64"]["requests"] > 0
    memory = read["memory"]
    assert memory["rss_after_kb"] > 0 and memory["peak_rss_kb"] >= memory["rss_after_kb"]
    assert [p["requests"] for p in memory["curve"]] == list(range(20, 201, 20))
    assert read["load"]["in_process_docs_per_call"]["ratio"] > 0
    profile = read["profile"]
    assert 0 < profile["stages"]["forward"]["share"] <= 1 and profile["top_own_time"]
    for data in read.values():
        assert data["machine"]["cores"] >= 1 and data["quick"] is True


def test_long_documents_are_article_text_not_chrome():
    from bench.common import long_document
    from model.chrome import chrome_ranges

    text = long_document(30_000)
    assert len(text) == 30_000 and chrome_ranges(text) == []  # chrome would be skipped, not timed


def test_the_ray_bench_tries_every_split_and_one_actor_with_a_call_per_core():
    from bench.bulk_ray import split_name, splits

    assert splits(2) == [(1, 2, 1), (2, 1, 1), (1, 1, 2)]
    assert splits(4) == [(1, 4, 1), (2, 2, 1), (4, 1, 1), (1, 1, 4)]
    assert splits(1) == [(1, 1, 1)]
    assert [split_name(*s) for s in splits(2)] == ["1x2", "2x1", "1x1 2 calls"]
