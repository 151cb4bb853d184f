"""Weight averaging (`zsie average`, training/average.py): the mean of every weight, a model that loads and
predicts, and clear errors for models that cannot be averaged."""

import json
import shutil

import pytest
from safetensors.torch import load_file, save_file
from typer.testing import CliRunner

from cli.main import app
from model.extractor import Extractor
from tests.tiny_corpus import tiny_docs
from training.average import average_models

WEIGHT_FILES = ("model.safetensors", "relation_head.safetensors")


def shifted_copy(model_dir, target, by: float):
    """A copy of the model with every floating weight moved by `by`."""
    shutil.copytree(model_dir, target)
    for name in WEIGHT_FILES:
        state = load_file(target / name)
        save_file({k: v + by if v.is_floating_point() else v for k, v in state.items()}, target / name)
    return target


def test_the_average_is_the_mean_of_every_weight_and_predicts(tiny_model_dir, tmp_path):
    other = shifted_copy(tiny_model_dir, tmp_path / "other", 1.0)
    summary = average_models([tiny_model_dir, other], tmp_path / "soup")
    assert summary["weights"] == [0.5, 0.5]
    for name in WEIGHT_FILES:
        first, soup = load_file(tiny_model_dir / name), load_file(tmp_path / "soup" / name)
        for key, value in first.items():
            if value.is_floating_point():
                assert (soup[key] - (value + 0.5)).abs().max() < 1e-5, key
    assert json.loads((tmp_path / "soup" / "average.json").read_text())["models"][1] == str(other)
    record = Extractor.load(tmp_path / "soup", device="cpu").extract(tiny_docs()[0]["text"])
    assert set(record) >= {"officials", "amounts"}
    # a model averaged with itself is itself: the same records
    same = average_models([tiny_model_dir, tiny_model_dir], tmp_path / "same")
    text = tiny_docs()[1]["text"]
    assert same["models"] and (
        Extractor.load(tmp_path / "same", device="cpu").extract(text)["officials"]
        == Extractor.load(tiny_model_dir, device="cpu").extract(text)["officials"]
    )


def test_models_that_cannot_be_averaged_are_refused(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="at least two"):
        average_models([tiny_model_dir], tmp_path / "one")
    other = shifted_copy(tiny_model_dir, tmp_path / "other", 0.0)
    tokenizer = json.loads((other / "tokenizer.json").read_text())
    tokenizer["model"]["vocab"]["新字"] = max(tokenizer["model"]["vocab"].values()) + 1
    (other / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False))
    with pytest.raises(ValueError, match="different tokenizers"):
        average_models([tiny_model_dir, other], tmp_path / "out")
    result = CliRunner().invoke(app, ["average", str(tiny_model_dir), str(tmp_path), "-o", str(tmp_path / "x")])
    message = " ".join(result.output.replace("│", " ").split())  # the error box wraps long lines
    assert result.exit_code != 0 and "is not a zsie model" in message


def test_an_average_records_the_training_of_every_run_in_it_even_nested(tiny_model_dir, tmp_path):
    from training.model_card import ablation_rows

    first = shifted_copy(tiny_model_dir, tmp_path / "first", 0.5)
    second = shifted_copy(tiny_model_dir, tmp_path / "second", 1.0)
    third = shifted_copy(tiny_model_dir, tmp_path / "third", 1.5)
    for folder, epochs in ((first, 2), (second, 3), (third, 4)):
        log = [{"epoch": e + 1, "minutes": 1.5 * (e + 1)} for e in range(epochs)]
        (folder / "training_summary.json").write_text(json.dumps({"log": log}))
    average_models([first, second], tmp_path / "pair")
    nested = average_models([tmp_path / "pair", third], tmp_path / "nested")
    assert [(r["epochs"], r["minutes"]) for r in nested["training"]] == [(2, 3.0), (3, 4.5), (4, 6.0)]
    shutil.rmtree(first)  # the members' folders may go; the cost stays with the average
    shutil.rmtree(second)
    row = ablation_rows({"nested": tmp_path / "nested"})[0]
    assert row["epochs"] == "2 + 3 + 4" and row["minutes"] == 13.5
