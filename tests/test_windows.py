import torch
from hypothesis import given, settings, strategies as st

from model.decoding import decode_bio
from model.inference import plan_batches
from model.labels import bio_tags
from model.windows import make_windows


@given(st.text(alphabet=st.sampled_from(list("招商引资。签约！项目\n")), min_size=0, max_size=3000),
       st.integers(4, 300), st.integers(0, 100))
@settings(max_examples=100, deadline=None)
def test_windows_cover_every_token_within_the_limit(text, max_tokens, overlap):
    offsets = [(i, i + 1) for i in range(len(text))]
    windows = make_windows(offsets, text, max_tokens, overlap)
    covered = set()
    for start, end in windows:
        assert 0 <= start < end <= len(offsets) or (start, end) == (0, 0)
        assert end - start <= max_tokens
        covered.update(range(start, end))
    assert covered == set(range(len(offsets)))
    for (s1, e1), (s2, e2) in zip(windows, windows[1:]):
        assert s1 < s2 <= e1  # forward, overlapping or touching


def test_windows_prefer_sentence_ends():
    text = "甲" * 90 + "。" + "乙" * 60 + "。" + "丙" * 80
    offsets = [(i, i + 1) for i in range(len(text))]
    windows = make_windows(offsets, text, 128, 32)
    assert windows[0] == (0, 91)


def test_batches_respect_the_token_budget_and_keep_every_item():
    lengths = [256, 10, 256, 40, 128, 128, 7, 256]
    batches = plan_batches(lengths, max_batch_tokens=512)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert max(lengths[i] for i in batch) * len(batch) <= 512 or len(batch) == 1
    assert [lengths[i] for i in batches[0]] == [256, 256]  # longest first, so padding stays small


def test_decoding_repairs_stray_inside_tags():
    tags = bio_tags()
    seq = ["B-PERSON", "I-PERSON", "O", "I-AMOUNT", "I-AMOUNT", "B-RATE", "I-DATE"]
    probs = torch.zeros(len(seq), len(tags))
    for i, tag in enumerate(seq):
        probs[i, tags.index(tag)] = 1.0
    spans = [(s, e, lab) for s, e, lab, _ in decode_bio(probs)]
    from model.labels import ENTITY_LABELS as L
    assert spans == [(0, 2, L.index("PERSON")), (3, 5, L.index("AMOUNT")), (5, 6, L.index("RATE")), (6, 7, L.index("DATE"))]
