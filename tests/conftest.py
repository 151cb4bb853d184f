import pytest

from corpus.doccano import load_documents

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus_docs() -> list[dict]:
    """Every document of the committed corpus splits."""
    docs = load_documents(sorted((ROOT / "annotations").glob("*.jsonl")))
    assert docs, "annotations/*.jsonl is empty: run `make annotations`"
    return docs
