"""Batch extraction on Ray (`zsie batch --engine ray`, bulk/): the same records as extract_many, errors kept,
resumable, Parquet that reads back. A local Ray with 2 CPUs and the tiny model."""

import json

import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install '.[ray]' to run the Ray engine tests")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")

from bulk import BatchOptions, run_batch  # noqa: E402
from bulk.io import read_records  # noqa: E402
from tests.tiny_corpus import tiny_docs  # noqa: E402

FAIL_MARK = "【故障】"


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    from bulk.ray_engine import start_ray

    start_ray(None, 2)
    yield
    ray.shutdown()


def documents(n: int) -> list[dict]:
    """n distinct documents built from the tiny corpus' texts."""
    texts = [d["text"] for d in tiny_docs()]
    return [
        {
            "id": f"doc-{i:04d}",
            "text": f"第{i}条。" + texts[i % len(texts)] * (1 + i % 3),
            "doc_date": "2026-01-05" if i % 2 else None,
        }
        for i in range(n)
    ]


def write_jsonl(path, docs, extra_lines=()):
    lines = [json.dumps(d, ensure_ascii=False) for d in docs] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def output_lines(out, fmt="jsonl") -> list[str]:
    return [
        json.dumps(r, ensure_ascii=False)
        for p in sorted(out.glob(f"*.{fmt}"))
        if p.name != "errors.jsonl"
        for r in read_records(p)
    ]


def options(model, **kw) -> BatchOptions:
    base = dict(
        engine="ray",
        model_dir=str(model),
        device="cpu",
        batch_size=16,
        shard_size=64,
        actors=1,
        cpus_per_actor=1,
        progress=False,
    )
    return BatchOptions(**{**base, **kw})


class FailingExtractor:
    """An Extractor whose passes fail when they hold a document marked FAIL_MARK."""

    def __init__(self, inner):
        self.inner = inner

    def extract_many(self, docs, batch_size=32):
        if any(FAIL_MARK in d["text"] for d in docs):
            raise RuntimeError("injected failure")
        return self.inner.extract_many(docs, batch_size=batch_size)


def failing_loader(model_dir, device, int8, threads):
    from bulk.work import default_loader

    return FailingExtractor(default_loader(model_dir, device, int8, threads))


@pytest.fixture(scope="module")
def reference(tiny_model_dir):
    """In-process records of 200 documents, serialised as `zsie extract` writes them."""
    from model.extractor import Extractor

    docs = documents(200)
    extractor = Extractor.load(tiny_model_dir, device="cpu")
    return docs, [json.dumps(r, ensure_ascii=False) for r in extractor.extract_many(docs, batch_size=16)]


def test_ray_records_are_byte_identical_to_extract_many(tiny_model_dir, reference, tmp_path):
    docs, expected = reference
    src = write_jsonl(tmp_path / "news.jsonl", docs)
    summary = run_batch([src], tmp_path / "out", options(tiny_model_dir, actors=2))
    assert summary["documents"] == 200 and summary["errors"] == 0 and summary["shards_written"] == 4
    assert summary["facts"] > 0 and summary["documents_per_s"] > 0
    assert 0 < summary["first_result_s"] <= summary["seconds"]
    assert summary["steady_documents_per_s"] > 0  # chunks came back after the first
    assert [p.name for p in sorted((tmp_path / "out").glob("news-*.jsonl"))] == [
        f"news-0000{i}.jsonl" for i in range(4)
    ]
    assert output_lines(tmp_path / "out") == expected  # shard order is input order
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "out").glob("news-*.jsonl")))
    assert raw == "".join(line + "\n" for line in expected)


def slow_loading(model_dir, device, int8, threads):
    """A model that takes a second to load: start-up a long job pays once."""
    import time

    from bulk.work import default_loader

    time.sleep(1.0)
    return default_loader(model_dir, device, int8, threads)


def test_the_steady_rate_leaves_the_start_up_out(tiny_model_dir, reference, tmp_path):
    docs, expected = reference
    src = write_jsonl(tmp_path / "news.jsonl", docs)
    summary = run_batch([src], tmp_path / "out", options(tiny_model_dir, engine="local", loader=slow_loading))
    assert output_lines(tmp_path / "out") == expected
    assert summary["first_result_s"] > 1.0
    # the whole job's rate carries the load; the steady one does not
    assert summary["steady_documents_per_s"] > summary["documents_per_s"] > 0


class LoggingExtractor:
    """An Extractor that logs each pass (process, thread, start, end) to a file and lingers 0.2 s in it."""

    def __init__(self, inner, log):
        self.inner, self.log = inner, log

    def extract_many(self, docs, batch_size=32):
        import os
        import threading
        import time

        start = time.monotonic()
        records = self.inner.extract_many(docs, batch_size=batch_size)
        time.sleep(0.2)  # releases the GIL, as a model pass does
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps([os.getpid(), threading.get_ident(), start, time.monotonic()]) + "\n")
        return records


def logging_loader(model_dir, device, int8, threads, log):
    import torch

    from bulk.work import default_loader

    extractor = LoggingExtractor(default_loader(model_dir, device, int8, threads), log)
    with open(log, "a", encoding="utf-8") as f:
        f.write(json.dumps({"torch_threads": torch.get_num_threads()}) + "\n")
    return extractor


def test_one_actor_runs_concurrent_calls_on_one_extractor(tiny_model_dir, reference, tmp_path):
    import functools

    docs, expected = reference
    src = write_jsonl(tmp_path / "news.jsonl", docs)
    log = tmp_path / "passes.jsonl"
    loader = functools.partial(logging_loader, log=str(log))
    opts = options(tiny_model_dir, actors=1, cpus_per_actor=2, calls_per_actor=2, loader=loader)
    summary = run_batch([src], tmp_path / "out", opts)
    assert summary["errors"] == 0 and output_lines(tmp_path / "out") == expected
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    loads = [r for r in rows if isinstance(r, dict)]
    passes = sorted((r for r in rows if isinstance(r, list)), key=lambda r: r[2])
    assert loads == [{"torch_threads": 1}]  # one Extractor; 2 CPUs over 2 calls: one thread per pass
    assert len(passes) == 4 + 4 + 4 + 1  # shards of 64, 64, 64 and 8 documents in chunks of 16
    assert len({p[0] for p in passes}) == 1 and len({p[1] for p in passes}) >= 2
    assert any(b[2] < a[3] for a, b in zip(passes, passes[1:], strict=False))  # passes overlapped in time


def test_calls_per_actor_must_be_positive(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="calls_per_actor"):
        run_batch([], tmp_path / "out", options(tiny_model_dir, calls_per_actor=0))


def test_malformed_line_and_failing_document_go_to_errors_and_the_rest_complete(tiny_model_dir, tmp_path):
    docs = documents(40)
    docs[7]["text"] = FAIL_MARK + docs[7]["text"]
    src = write_jsonl(tmp_path / "news.jsonl", docs, ['{"id": "broken", "text": ', '{"id": "no-text"}'])
    summary = run_batch([src], tmp_path / "out", options(tiny_model_dir, loader=failing_loader))
    assert summary["documents"] == 39 and summary["errors"] == 3
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    by_source = {e["source"]: e for e in errors}
    assert by_source[f"{src}:41"]["reason"].startswith("not a JSON line")
    assert by_source[f"{src}:42"]["id"] == "no-text" and "text" in by_source[f"{src}:42"]["reason"]
    failed = [e for e in errors if e["source"] == "extract"]
    assert failed == [{"id": "doc-0007", "source": "extract", "reason": "RuntimeError: injected failure"}]
    written = [json.loads(line)["id"] for line in output_lines(tmp_path / "out")]
    assert written == [d["id"] for d in docs if d["id"] != "doc-0007"]


def test_interrupted_job_resumes_and_writes_every_document_once(tiny_model_dir, reference, tmp_path):
    docs, expected = reference
    src = write_jsonl(tmp_path / "news.jsonl", docs)
    out = tmp_path / "out"
    first = run_batch([src], out, options(tiny_model_dir, max_shards=2))
    assert first["shards_written"] == 2 and first["shards_left"] == 2
    (out / "news-00003.jsonl.tmp").write_text('{"half a shard', encoding="utf-8")  # a writer killed mid-file
    second = run_batch([src], out, options(tiny_model_dir))
    assert second["shards_already_done"] == 2 and second["shards_written"] == 2
    assert first["documents"] + second["documents"] == 200
    ids = [json.loads(line)["id"] for line in output_lines(out)]
    assert len(ids) == len(set(ids)) == 200
    assert output_lines(out) == expected
    third = run_batch([src], out, options(tiny_model_dir))  # nothing left: nothing rewritten
    assert third["documents"] == 0 and third["shards_written"] == 0
    # ids already written are skipped even when they arrive in another input
    again = write_jsonl(tmp_path / "more.jsonl", docs[:10] + documents(210)[200:])
    fourth = run_batch([again], out, options(tiny_model_dir))
    assert fourth["documents"] == 10 and fourth["skipped"] == 10
    assert len(output_lines(out)) == 210


def test_parquet_output_reads_back_into_the_same_records(tiny_model_dir, reference, tmp_path):
    docs, expected = reference
    src = tmp_path / "news.parquet"
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(docs[:64]), src)
    summary = run_batch([src], tmp_path / "out", options(tiny_model_dir, output_format="parquet"))
    assert summary["documents"] == 64
    table = pq.read_table(tmp_path / "out" / "news-00000.parquet")
    assert table.column_names[:2] == ["id", "model"]
    assert {"officials", "amounts", "project_counts", "rates", "strategies"} <= set(table.column_names)
    assert [json.dumps(r, ensure_ascii=False) for r in table.to_pylist()] == expected[:64]


def test_cli_batch_with_a_folder_of_txt(tiny_model_dir, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    folder = tmp_path / "articles"
    folder.mkdir()
    for i, d in enumerate(documents(5)):
        (folder / f"a{i}.txt").write_text(d["text"], encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "batch",
            str(folder),
            "-o",
            str(out),
            "--model",
            str(tiny_model_dir),
            "--device",
            "cpu",
            "--actors",
            "1",
            "--no-progress",
        ],
    )
    assert result.exit_code == 1, result.output  # bad.txt is reported, the rest written
    summary = json.loads(next(line for line in result.stdout.splitlines() if line.startswith('{"documents"')))
    assert summary["documents"] == 5 and summary["errors"] == 1
    assert sorted(json.loads(line)["id"] for line in output_lines(out)) == [f"a{i}.txt" for i in range(5)]
    assert json.loads((out / "errors.jsonl").read_text())["reason"] == "not UTF-8 text"


def test_the_local_ray_runs_its_workers_at_normal_priority():
    # Ray's default nice 15 leaves the actors doing the job only what the driver and Ray's own processes spare
    @ray.remote(num_cpus=0)
    def niceness():
        import os

        return os.nice(0)

    assert ray.get(niceness.remote()) == 0
