"""flair's contract for every model class: train -> save -> load -> predict, on a tiny corpus."""

import json
import shutil

import pytest
from transformers import BertConfig, BertModel, pipeline

from corpus.doccano import write_jsonl
from model.inference import Predictor
from model.network import ZsieConfig, ZsieModel, base_chain_of
from model.tokenization import build_char_tokenizer, load_tokenizer
from tests.tiny_corpus import tiny_docs
from training.evaluate import evaluate
from training.train import TrainConfig, train

FAST = dict(epochs=40, batch_size=4, lr=3e-3, head_lr=3e-3, augment_copies=0, patience=100)


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    write_jsonl(tiny_docs(), path)
    return path


@pytest.fixture(scope="module")
def scratch_model(tiny_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("scratch")
    summary = train([str(tiny_file)], [str(tiny_file)], out, TrainConfig(base_model="scratch-tiny", **FAST))
    return out, summary


def test_scratch_model_learns_the_tiny_corpus(scratch_model, tiny_file):
    out, summary = scratch_model
    assert summary["best_dev_entity_f1"] >= 0.9
    report = evaluate(out, [str(tiny_file)])
    assert report["entities"]["micro"]["f1"] >= 0.9
    assert report["relations"]["micro"]["f1"] >= 0.8
    log = [json.loads(line) for line in (out / "training_log.jsonl").read_text().splitlines()]
    assert len(log) == 40 and all("dev_entity_f1" in e and "loss" in e for e in log)


def test_model_card_reports_training_and_test_metrics(scratch_model, tiny_file):
    from training.model_card import write_model_card

    out, _ = scratch_model
    evaluate(out, [str(tiny_file)], out / "eval")
    for name in ("report.json", "report.md", "report.html"):
        assert (out / "eval" / name).stat().st_size > 0
    card = write_model_card(out).read_text()
    assert "## How it was trained" in card and "| PERSON |" in card and "Targets missed" in card
    assert ZsieModel.load(out).config.metrics["entity_micro_f1"] >= 0.9


def test_ablation_rows_are_updated_by_run_and_the_others_kept(scratch_model, tiny_file, tmp_path):
    from training.model_card import write_model_card

    out, _ = scratch_model
    model = shutil.copytree(out, tmp_path / "model")
    evaluate(out, [str(tiny_file)], out / "eval")
    shutil.copytree(out / "eval", model / "eval", dirs_exist_ok=True)
    evaluate(out, [str(tiny_file)], out / "dev")  # the run folder's dev report (the tiny corpus is all written)
    old = [{"run": "gone", "real_dev_entity_f1": 0.5}, {"run": "tiny", "real_dev_entity_f1": 0.1}]
    (model / "ablation.json").write_text(json.dumps(old), encoding="utf-8")
    card = write_model_card(model, ablation={"tiny": out, "new": out}).read_text()
    rows = json.loads((model / "ablation.json").read_text())
    assert [r["run"] for r in rows] == ["gone", "tiny", "new"]
    assert rows[0] == old[0]  # a run whose folder is gone keeps its figures
    assert rows[1]["written_dev_entity_f1"] >= 0.9 and rows[1]["epochs"] == 40  # re-scored from its folder
    assert "| gone | 0.5 |" in card and "| new |" in card and "real-dev TITLE F1" in card


def test_loaded_model_predicts_what_the_trained_one_did(tiny_file, tmp_path):
    """The caller drives the loop: build the model, take the epochs, save; the saved model predicts exactly
    what the in-memory one does."""
    from corpus.doccano import load_documents
    from training.train import Trainer, build_model, set_seed

    docs = load_documents([tiny_file])
    config = TrainConfig(base_model="scratch-tiny", **FAST)
    set_seed(config.seed)
    model, tokenizer = build_model(config)
    epochs = [e.number for e in Trainer(model, tokenizer, docs, [], config).epochs()]
    assert epochs == list(range(1, FAST["epochs"] + 1))
    model.save(tmp_path, tokenizer)
    texts = [d["text"] for d in docs]
    in_memory = Predictor(model, tokenizer).predict(texts)
    loaded = Predictor(ZsieModel.load(tmp_path), load_tokenizer(tmp_path)).predict(texts)
    assert [p.entities for p in in_memory] == [p.entities for p in loaded]
    assert [p.relations for p in in_memory] == [p.relations for p in loaded]
    for doc, pred in zip(docs, loaded, strict=True):
        gold = {(e["start_offset"], e["end_offset"], e["label"]) for e in doc["entities"]}
        got = {(e["start"], e["end"], e["label"]) for e in pred.entities}
        assert len(gold & got) >= 0.9 * len(gold)


def test_trainer_yields_epochs_and_the_caller_may_stop(tiny_file):
    from corpus.doccano import load_documents
    from training.train import Trainer, build_model

    docs = load_documents([tiny_file])
    config = TrainConfig(base_model="scratch-tiny", **{**FAST, "epochs": 5})
    model, tokenizer = build_model(config)
    trainer = Trainer(model, tokenizer, docs, docs[:2], config)
    seen = []
    for epoch in trainer.epochs():
        seen.append(epoch)
        if epoch.number == 2:
            break
    assert [e.number for e in seen] == [1, 2] and trainer.epoch == 2
    assert all(0 <= e.dev_f1 <= 1 and e.log["epoch"] == e.number and e.log["loss"] > 0 for e in seen)


def test_saved_model_loads_in_transformers_pipeline(scratch_model):
    out, _ = scratch_model
    ner = pipeline("token-classification", model=str(out), aggregation_strategy="simple")
    text = tiny_docs()[0]["text"]
    groups = ner(text)
    assert any(g["entity_group"] == "PERSON" and text[g["start"] : g["end"]] == "王建国" for g in groups)


def test_resume_continues_from_the_checkpoint(tiny_file, tmp_path):
    config = TrainConfig(base_model="scratch-tiny", **{**FAST, "epochs": 2})
    train([str(tiny_file)], [str(tiny_file)], tmp_path, config)
    config.epochs = 3
    summary = train([str(tiny_file)], [str(tiny_file)], tmp_path, config, resume=True)
    assert [e["epoch"] for e in summary["log"]] == [1, 2, 3]


def test_a_fresh_run_starts_a_fresh_log_and_resume_continues_it(tiny_file, tmp_path):
    config = TrainConfig(base_model="scratch-tiny", **{**FAST, "epochs": 2})
    train([str(tiny_file)], [], tmp_path, config)
    train([str(tiny_file)], [], tmp_path, config)  # a second fresh run into the same folder
    log = [json.loads(line) for line in (tmp_path / "training_log.jsonl").read_text().splitlines()]
    assert [e["epoch"] for e in log] == [1, 2]
    config.epochs = 3
    train([str(tiny_file)], [], tmp_path, config, resume=True)
    log = [json.loads(line) for line in (tmp_path / "training_log.jsonl").read_text().splitlines()]
    assert [e["epoch"] for e in log] == [1, 2, 3]


def test_seed_makes_training_reproducible(tiny_file, tmp_path):
    config = TrainConfig(base_model="scratch-tiny", **{**FAST, "epochs": 2})
    a = train([str(tiny_file)], [], tmp_path / "a", config)
    b = train([str(tiny_file)], [], tmp_path / "b", config)
    assert a["log"][-1]["loss"] == b["log"][-1]["loss"]


def test_any_local_bert_checkpoint_is_a_base_model(tiny_file, tmp_path):
    """A locally saved BERT (as a user's bert-base-chinese copy would be) with its own tokenizer."""
    base = tmp_path / "tiny-bert"
    tokenizer = build_char_tokenizer(base)
    BertModel(
        BertConfig(
            vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64
        )
    ).save_pretrained(base)
    out = tmp_path / "finetuned"
    summary = train([str(tiny_file)], [str(tiny_file)], out, TrainConfig(base_model=str(base), **FAST))
    assert summary["best_dev_entity_f1"] >= 0.9
    model = ZsieModel.load(out)
    assert model.config.base_model == str(base) and model.config.base_chain == [str(base)]
    pred = Predictor(model, load_tokenizer(out)).predict([tiny_docs()[1]["text"]])[0]
    assert {"PERSON", "AMOUNT", "STRATEGY"} <= {e["label"] for e in pred.entities}
    # a warm start records the lineage, which outlives the intermediate model's folder
    second = tmp_path / "second"
    train([str(tiny_file)], [], second, TrainConfig(base_model=str(out), **{**FAST, "epochs": 1}))
    assert ZsieConfig.load(second).base_chain == [str(out), str(base)]
    shutil.rmtree(out)
    assert base_chain_of(str(second)) == [str(second), str(out), str(base)]


def test_base_model_with_short_positions_is_refused(tiny_file, tmp_path):
    base = tmp_path / "short-bert"
    tokenizer = build_char_tokenizer(base)
    BertModel(
        BertConfig(
            vocab_size=len(tokenizer),
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
    ).save_pretrained(base)
    with pytest.raises(ValueError, match="position limit"):
        train([str(tiny_file)], [], tmp_path / "out", TrainConfig(base_model=str(base)))


def test_not_a_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a zsie model"):
        ZsieModel.load(tmp_path)


def test_threshold_sweep_scores_each_threshold_as_served(tiny_model_dir, tiny_file):
    from training.evaluate import evaluate, threshold_sweep

    result = threshold_sweep(tiny_model_dir, [tiny_file], [0.0, 0.5, 1.01])
    f1 = {row["threshold"]: row["entity_micro_f1"] for row in result["rows"]}
    assert f1[1.01] == 0.0  # nothing survives a threshold above every score
    assert result["best_threshold"] in (0.0, 0.5) and f1[result["best_threshold"]] > 0.5
    assert ZsieConfig.load(tiny_model_dir).entity_threshold == 0.0  # so evaluate() keeps every span too
    assert abs(f1[0.0] - evaluate(tiny_model_dir, [tiny_file])["entities"]["micro"]["f1"]) < 1e-9
    assert {row["real_officials_f1"] for row in result["rows"]} == {None}  # the tiny corpus has no real slice
    tie = threshold_sweep(tiny_model_dir, [tiny_file], [0.0, 0.001])  # no span scores under 0.001: equal rows
    assert tie["rows"][0]["entity_micro_f1"] == tie["rows"][1]["entity_micro_f1"]
    assert tie["best_threshold"] == 0.001  # a tie goes to the stricter threshold
    with pytest.raises(ValueError, match="needs real documents"):
        threshold_sweep(tiny_model_dir, [tiny_file], [0.0], criterion="officials-real")


def test_threshold_sweep_can_choose_for_officials_on_real_articles(tiny_model_dir, tmp_path):
    from training.evaluate import threshold_sweep

    data = tmp_path / "real.jsonl"
    write_jsonl([doc | {"source": "inews"} for doc in tiny_docs()], data)
    result = threshold_sweep(tiny_model_dir, [data], [0.0, 0.5, 1.01], criterion="officials-real")
    officials = {row["threshold"]: row["real_officials_f1"] for row in result["rows"]}
    assert officials[1.01] == 0.0 and officials[0.0] > 0.5
    assert officials[result["best_threshold"]] == max(officials.values())
    assert result["criterion"] == "officials-real" and result["real_documents"] == len(tiny_docs())
