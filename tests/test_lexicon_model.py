"""The lexicon channel in a model: train -> save -> load -> predict on a tiny corpus, and the documented
transformers loading path of a checkpoint that has it."""

import pytest
import torch
from transformers import AutoModelForTokenClassification

from corpus.doccano import load_documents, write_jsonl
from model.inference import Predictor
from model.network import ZsieModel
from model.tokenization import load_tokenizer
from tests.tiny_corpus import tiny_docs
from training.train import TrainConfig, Trainer, build_model, set_seed

FAST = dict(epochs=30, batch_size=4, lr=3e-3, head_lr=3e-3, augment_copies=0, patience=100, lexicon=True)


@pytest.fixture(scope="module")
def lexicon_model(tmp_path_factory):
    root = tmp_path_factory.mktemp("lexicon")
    write_jsonl(tiny_docs(), root / "tiny.jsonl")
    docs = load_documents([root / "tiny.jsonl"])
    config = TrainConfig(base_model="scratch-tiny", **FAST)
    set_seed(config.seed)
    model, tokenizer = build_model(config)
    for _ in Trainer(model, tokenizer, docs, [], config).epochs():
        pass
    model.save(root / "model", tokenizer)
    return model, tokenizer, root / "model", docs


def test_lexicon_model_round_trip(lexicon_model):
    model, tokenizer, directory, docs = lexicon_model
    assert (directory / "lexicon.safetensors").exists()
    loaded = ZsieModel.load(directory)
    assert loaded.config.lexicon and loaded.lexicon is not None
    texts = [d["text"] for d in docs]
    in_memory = Predictor(model, tokenizer).predict(texts)
    again = Predictor(loaded, load_tokenizer(directory)).predict(texts)
    assert [p.entities for p in in_memory] == [p.entities for p in again]
    assert [p.relations for p in in_memory] == [p.relations for p in again]
    found = sum(
        len(
            {(e["start_offset"], e["end_offset"], e["label"]) for e in d["entities"]}
            & {(e["start"], e["end"], e["label"]) for e in p.entities}
        )
        for d, p in zip(docs, again, strict=True)
    )
    assert found >= 0.9 * sum(len(d["entities"]) for d in docs)


def test_the_lexicon_channel_is_read(lexicon_model):
    model, tokenizer, _, docs = lexicon_model
    ids = torch.tensor(
        [
            [
                tokenizer.cls_token_id,
                *tokenizer(docs[0]["text"][:20], add_special_tokens=False)["input_ids"],
                tokenizer.sep_token_id,
            ]
        ]
    )
    mask = torch.ones_like(ids)
    model.eval()
    with pytest.raises(ValueError, match="lexicon"):
        model.encode(ids, mask)
    _, with_lexicon = model.encode(ids, mask, torch.full_like(ids, 5))
    _, other_lexicon = model.encode(ids, mask, torch.full_like(ids, 9))
    assert not torch.allclose(with_lexicon, other_lexicon)


def test_checkpoint_with_lexicon_loads_through_transformers(lexicon_model):
    """The documented path: transformers loads the encoder and BIO head as they are; the lexicon embedding is a
    separate file that ZsieModel.load adds."""
    _, _, directory, _ = lexicon_model
    token_model = AutoModelForTokenClassification.from_pretrained(directory)
    assert token_model.config.id2label[0] == "O"
    reference = ZsieModel.load(directory).token_model.state_dict()
    for key, value in token_model.state_dict().items():
        assert torch.equal(value, reference[key]), key
