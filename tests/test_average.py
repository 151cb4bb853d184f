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
