"""The Extractor API on a tiny model: offsets into the original text, long inputs, batching."""

import pytest
import torch
from hypothesis import given, settings, strategies as st

from model.extractor import Document, Extractor
from model.inference import Predictor
from model.labels import RELATION_TYPES, bio_tags
from model.network import ZsieConfig
from model.tokenization import build_char_tokenizer
from tests.tiny_corpus import tiny_docs

ALPHABET = list("市委书记王建国李红梅出席会议签约亿元万个项目同比增长%年产业链资本招商，。、 \n□㊣✅０１２３456789.")


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    return Extractor.load(tiny_model_dir, device="cpu", int8=False)


@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=400))
@settings(max_examples=60, deadline=None)
def test_every_reported_span_is_the_original_text(extractor, text):
    record = extractor.extract(text)
    for ent in record["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        assert text[ent["start"] : ent["end"]] == ent["text"]
    for item in record["amounts"] + record["project_counts"] + record["rates"]:
        assert text[item["start"] : item["end"]] == item["text"]
    for official in record["officials"]:
        for start, end in official["mentions"]:
            assert text[start:end]
    for rel in record["relations"]:
        assert 0 <= rel["head"] < len(record["entities"]) and 0 <= rel["tail"] < len(record["entities"])


def test_noise_inside_the_text_keeps_offsets_in_the_original(extractor):
    text = "市委□□书记王㊣建国出席会议。2025年全市新签约项目５１６个。"
    record = extractor.extract(text)
    for ent in record["entities"]:
        assert text[ent["start"] : ent["end"]] == ent["text"]


class OracleModel(torch.nn.Module):
    """Tags 王建国 as PERSON wherever it stands, whatever the window: isolates windowing and merging."""

    def __init__(self, tokenizer, max_tokens=64, overlap=16):
        super().__init__()
        self.config = ZsieConfig(max_tokens=max_tokens, overlap=overlap)
        self.ids = [tokenizer.convert_tokens_to_ids(ch) for ch in "王建国"]
        self.relation_head = lambda hidden, pairs: torch.zeros(len(pairs), 1 + len(RELATION_TYPES))

    def encode(self, input_ids, attention_mask):
        tags = bio_tags()
        logits = torch.zeros(*input_ids.shape, len(tags))
        logits[..., 0] = 1.0
        logits[..., tags.index("B-PERSON")] += 5.0 * (input_ids == self.ids[0])
        logits[..., tags.index("I-PERSON")] += 5.0 * ((input_ids == self.ids[1]) | (input_ids == self.ids[2]))
        return torch.zeros(*input_ids.shape, 4), logits


@pytest.mark.parametrize("max_tokens, overlap", [(64, 16), (32, 0), (50, 25)])
def test_long_document_is_covered_by_windows_and_merged(max_tokens, overlap):
    tokenizer = build_char_tokenizer()
    predictor = Predictor(OracleModel(tokenizer, max_tokens, overlap), tokenizer, max_batch_tokens=256)
    unit = "市委书记王建国出席会议，强调招商引资。"
    text = "□" + unit * 300  # ~6,000 characters: about a hundred windows
    entities = predictor.predict([text])[0].entities
    assert [text[e["start"] : e["end"]] for e in entities] == ["王建国"] * 300  # every one, none twice
    assert [e["start"] for e in entities] == [1 + 4 + i * len(unit) for i in range(300)]


def test_extract_many_keeps_order_and_matches_single_calls(extractor):
    docs = [Document(d["text"], id=str(i)) for i, d in enumerate(tiny_docs() * 3)] + [Document("", id="empty")]
    batched = extractor.extract_many(docs, batch_size=4)
    assert [r["id"] for r in batched] == [d.id for d in docs]
    for doc, record in zip(docs, batched, strict=False):
        single = extractor.extract(doc.text, doc_id=doc.id)
        assert [(e["start"], e["end"], e["label"]) for e in single["entities"]] == [
            (e["start"], e["end"], e["label"]) for e in record["entities"]
        ]
    assert batched[-1]["entities"] == [] and batched[-1]["officials"] == []


def test_concurrent_passes_give_the_same_records_in_order_and_restore_the_threads(tiny_model_dir):
    import json
    import threading

    extractor = Extractor.load(tiny_model_dir, device="cpu", int8=True, threads=2)
    docs = [Document(d["text"] * (1 + i % 3), id=str(i)) for i, d in enumerate(tiny_docs() * 4)]
    serial = extractor.extract_many(docs, batch_size=3)
    seen: list[tuple[int, int]] = []
    run = extractor._run

    def spying(chunk):  # which thread ran each pass, with how many torch threads
        seen.append((threading.get_ident(), torch.get_num_threads()))
        return run(chunk)

    extractor._run = spying
    together = extractor.extract_many(docs, batch_size=3, passes=2)
    assert [json.dumps(r, ensure_ascii=False) for r in together] == [json.dumps(r, ensure_ascii=False) for r in serial]
    assert len(seen) == -(-len(docs) // 3) and {n for _, n in seen} == {1}  # the 2 threads shared out
    assert threading.get_ident() not in {t for t, _ in seen}
    assert torch.get_num_threads() == 2  # restored for whatever runs next
    with pytest.raises(ValueError, match="passes"):
        extractor.extract_many(docs, passes=0)


def test_site_chrome_is_not_reported(extractor):
    text = tiny_docs()[0]["text"] + "\n相关阅读\n" + tiny_docs()[1]["text"]
    record = extractor.extract(text)
    tail = text.index("相关阅读")
    assert all(e["start"] < tail for e in record["entities"])
    assert "李红梅" not in {o["name"] for o in record["officials"]}


def test_chrome_is_never_sent_to_the_encoder():
    from model.cleaning import clean_text
    from model.inference import content_segments

    text = "首页 > 新闻中心 > 正文\n市长李红梅主持会议。\n上一篇：某某新闻\n签约项目12个。\n相关阅读\n书记王某调研\n"
    clean = clean_text(text)
    offsets = [(i, i + 1) for i in range(len(clean.text))]  # one token per character
    kept = "".join(clean.text[s:e] for s, e in content_segments(clean, offsets))
    assert kept == "市长李红梅主持会议。\n签约项目12个。\n"
    assert content_segments(clean_text("相关阅读\n书记王某调研"), [(i, i + 1) for i in range(11)]) == []


def test_doc_date_resolves_relative_periods(extractor):
    from datetime import date

    record = extractor.extract(tiny_docs()[1]["text"], doc_date=date(2026, 3, 1))
    assert {c["period"] for c in record["project_counts"]} == {"2025"}


def test_bad_input_types_are_refused(extractor):
    with pytest.raises(TypeError):
        extractor.extract_many([42])
    with pytest.raises(ValueError):
        extractor.extract_many([{"id": "x"}])
    with pytest.raises(ValueError):
        extractor.extract_many(["x"], batch_size=0)


def test_a_document_at_the_service_limit_keeps_every_offset_exact(extractor):
    """200,000 characters (the service's default limit) of noisy text with chrome lines in between."""
    piece = "\n".join(d["text"] for d in tiny_docs()) + "\n□□上一篇：某某新闻\n"
    text = (piece * (200_000 // len(piece) + 1))[:200_000]
    record = extractor.extract(text)
    assert len(record["entities"]) > 1000  # found all along the text, not only in the first windows
    assert max(e["start"] for e in record["entities"]) > 190_000
    for entity in record["entities"]:
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert entity["text"] == text[entity["start"] : entity["end"]] and "□" not in entity["text"]
        assert "上一篇" not in entity["text"]


def test_predictor_stages_each_do_one_thing():
    """collate -> forward -> decode -> relate, one at a time, on a model that tags 王建国 only."""
    from model.decoding import label_name

    tokenizer = build_char_tokenizer()
    predictor = Predictor(OracleModel(tokenizer), tokenizer)
    docs, windows = predictor.prepare(["市委书记王建国出席会议。"])
    assert windows == [(0, 0, len(docs[0].ids))]
    input_ids, mask, lexicon = predictor.collate(windows, docs)
    assert lexicon is None  # the oracle model reads no lexicon channel
    assert input_ids[0, 0] == tokenizer.cls_token_id and input_ids[0, -1] == tokenizer.sep_token_id
    assert mask.tolist() == [[1] * (len(docs[0].ids) + 2)]
    hidden, probs = predictor.forward(input_ids, mask)
    assert probs.shape == (1, input_ids.shape[1], len(bio_tags())) and torch.allclose(
        probs.sum(-1), torch.ones(1, input_ids.shape[1])
    )
    spans = predictor.decode(windows, docs, probs)
    assert [(s, e, label_name(lab)) for s, e, lab, _ in spans[0]] == [(4, 7, "PERSON")]
    assert docs[0].weights.min() > 0  # every token's probabilities merged into the document
    predictor.relate(windows, docs, hidden, spans)
    assert docs[0].relation_votes == {}  # the oracle's relation head says "none" to every pair
    assert [e["label"] for e in predictor._finish(docs[0]).entities] == ["PERSON"]
