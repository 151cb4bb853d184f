"""The committed corpus: valid, built from its markup, and as large and varied as the schema needs."""

from collections import Counter

from corpus.build import build_corpus, near_duplicates
from corpus.doccano import load_documents
from corpus.markup import MarkupDocument
from corpus.stats import corpus_stats
from corpus.validate import validate_files
from model.labels import ENTITY_LABELS, RELATION_TYPES
from tests.conftest import ROOT


def test_committed_splits_are_valid():
    assert validate_files([ROOT / "annotations"]) == []


def test_splits_are_what_the_markup_builds(tmp_path):
    build_corpus(ROOT / "annotations" / "src", tmp_path)
    for split in ("train", "dev", "test"):
        assert (tmp_path / f"{split}.jsonl").read_text() == (ROOT / "annotations" / f"{split}.jsonl").read_text()


def test_corpus_size_and_coverage():
    total = corpus_stats([ROOT / "annotations"])["total"]
    assert total["documents"] >= 155
    for label in ENTITY_LABELS:
        assert total["spans"][label] >= 150, label
    for rel in RELATION_TYPES:
        assert total["relations"][rel] >= 100, rel


def test_seeds_are_in_test_with_their_exact_text():
    test_docs = {d["id"]: d for d in load_documents([ROOT / "annotations" / "test.jsonl"])}
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    for index, path in enumerate(seeds):
        doc = test_docs[f"seed_{index:03d}"]
        assert doc["text"] == path.read_text(encoding="utf-8").rstrip("\n")


def test_no_document_in_two_splits():
    ids = Counter(d["id"] for d in load_documents([ROOT / "annotations"]))
    assert [i for i, n in ids.items() if n > 1] == []


def test_corpus_variety():
    from corpus.build import markup_files
    from corpus.markup import parse_markup_file
    from model.cleaning import clean_text

    everything = [d for path in markup_files(ROOT / "annotations" / "src") for d in parse_markup_file(path)]
    docs = [d for d in everything if d.meta.get("source") != "inews"]  # the written and seed documents
    real = [d for d in everything if d.meta.get("source") == "inews"]
    assert len(real) >= 160 and sum(d.meta.get("kind") == "distractor" for d in real) >= 0.1 * len(real)
    assert sum(len(d.text) > 1500 for d in real) >= 30 and sum(len(d.text) < 800 for d in real) >= 30
    provinces = {d.meta.get("province") for d in docs if d.meta.get("province")}
    assert len(provinces) >= 25, sorted(provinces)
    assert {d.meta.get("level") for d in docs} >= {"province", "city", "district", "county", "devzone"}
    assert {d.meta.get("genre") for d in docs} >= {"meeting", "signing", "promotion", "results", "plan", "interview"}
    assert sum(d.meta.get("noise") == "yes" for d in docs) >= len(docs) / 4
    lengths = [len(d.text) for d in docs]
    assert min(lengths) >= 200 and max(lengths) <= 6000 and sum(n > 1500 for n in lengths) >= 30
    strategies = {
        clean_text(d.text[e["start_offset"] : e["end_offset"]]).text
        for d in docs
        for e in d.entities
        if e["label"] == "STRATEGY"
    }
    assert len(strategies) >= 40


def test_a_training_repost_of_a_held_out_article_is_left_out_of_every_split():
    story = "".join(f"第{n}段：开发区今年新签约产业项目{n}个，计划投资总额再创新高。" for n in range(1, 6))
    docs = [
        MarkupDocument("held", {}, story),
        MarkupDocument("repost", {}, "转载：" + story),
        MarkupDocument("quotes_a_little", {}, story[:90] + "其余内容完全不同。" * 5),
        MarkupDocument("other", {}, "另一篇报道的内容，与上面的稿件没有任何相同的句子，字数也足够长。"),
    ]
    split = {"held": "test", "repost": "train", "quotes_a_little": "train", "other": "train"}
    assert near_duplicates(docs, split) == {"repost": "held"}


def test_no_committed_training_article_repeats_a_held_out_one():
    held = load_documents([ROOT / "annotations" / "dev.jsonl", ROOT / "annotations" / "test.jsonl"])
    train = load_documents([ROOT / "annotations" / "train.jsonl"])
    docs = [MarkupDocument(d["id"], {}, d["text"]) for d in held + train]
    split = {d["id"]: "test" for d in held} | {d["id"]: "train" for d in train}
    assert near_duplicates(docs, split) == {}
