"""Device choice: auto falls back to the CPU; an explicit cuda without a GPU is a clear error."""

import logging

import pytest
import torch

from model.extractor import Extractor, pick_device


def test_auto_uses_cpu_without_cuda(caplog, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with caplog.at_level(logging.INFO):
        assert pick_device("auto").type == "cpu"
    assert "no CUDA device" in caplog.text


def test_explicit_cuda_without_a_gpu_fails_clearly(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no CUDA device"):
        pick_device("cuda")


def test_unknown_device_is_refused():
    with pytest.raises(ValueError, match="auto, cpu or cuda"):
        pick_device("tpu")


def test_int8_extractor_gives_the_same_record_shape(tiny_model_dir):
    fp32 = Extractor.load(tiny_model_dir, device="cpu", int8=False)
    int8 = Extractor.load(tiny_model_dir, device="cpu", int8=True)
    assert (fp32.dtype, int8.dtype) == ("float32", "int8")
    text = "市委书记王建国出席会议。要开展产业链招商。"
    assert set(fp32.extract(text)) == set(int8.extract(text))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_path_runs_fp16_and_matches_cpu(tiny_model_dir):
    cpu = Extractor.load(tiny_model_dir, device="cpu", int8=False)
    gpu = Extractor.load(tiny_model_dir, device="cuda")
    assert gpu.dtype == "float16"
    texts = ["市委书记王建国出席会议。全市新签约项目516个，计划投资总额753亿元。"] * 50
    a = [[(e["start"], e["end"], e["label"]) for e in r["entities"]] for r in cpu.extract_many(texts)]
    b = [[(e["start"], e["end"], e["label"]) for e in r["entities"]] for r in gpu.extract_many(texts, batch_size=50)]
    assert a == b


def test_gpu_pass_settings_pack_many_documents_per_pass_with_the_same_results(tiny_model_dir, monkeypatch):
    """The CUDA path's batching, run on the CPU: wide passes across documents, identical spans."""
    from model.extractor import pass_settings
    from model.inference import Predictor

    extractor = Extractor.load(tiny_model_dir, device="cpu", int8=False)
    texts = ["市委书记王建国出席会议。全市新签约项目516个，计划投资总额753亿元。" * k for k in range(1, 40)]
    results, passes = {}, {}
    for name, device in (("cpu", torch.device("cpu")), ("cuda", torch.device("cuda"))):
        budget, min_fill = pass_settings(device)
        predictor = Predictor(
            extractor.model, extractor.tokenizer, device="cpu", max_batch_tokens=budget, min_fill=min_fill
        )
        calls = []
        real_encode = extractor.model.encode
        monkeypatch.setattr(
            extractor.model,
            "encode",
            lambda ids, mask, *rest: calls.append(ids.shape) or real_encode(ids, mask, *rest),  # noqa: B023
        )
        results[name] = [[(e["start"], e["end"], e["label"]) for e in p.entities] for p in predictor.predict(texts)]
        passes[name] = calls
        monkeypatch.undo()
    assert results["cuda"] == results["cpu"]
    assert len(passes["cuda"]) < len(passes["cpu"]) / 4  # many documents' windows share a pass
    assert max(shape[0] * shape[1] for shape in passes["cuda"]) <= pass_settings(torch.device("cuda"))[0]
    assert all(shape[0] * shape[1] <= 2048 for shape in passes["cpu"])
