from pathlib import Path

import pytest

from corpus.doccano import load_documents

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus_docs() -> list[dict]:
    """Every document of the committed corpus splits."""
    docs = load_documents(sorted((ROOT / "annotations").glob("*.jsonl")))
    assert docs, "annotations/*.jsonl is empty: run `make annotations`"
    return docs


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A tiny model trained here on the tiny corpus (seconds): for tests of everything built on a model."""
    from corpus.doccano import write_jsonl
    from tests.tiny_corpus import tiny_docs
    from training.train import TrainConfig, train

    root = tmp_path_factory.mktemp("tiny-model")
    data = root / "tiny.jsonl"
    write_jsonl(tiny_docs(), data)
    out = root / "model"
    train(
        [str(data)],
        [str(data)],
        out,
        TrainConfig(
            base_model="scratch-tiny", epochs=40, batch_size=4, lr=3e-3, head_lr=3e-3, augment_copies=0, patience=100
        ),
    )
    return out
