import torch
from hypothesis import given, settings, strategies as st

from model.decoding import decode_bio
from model.inference import plan_batches
from model.labels import bio_tags
from model.windows import make_windows


@given(
    st.text(alphabet=st.sampled_from(list("招商引资。签约！项目\n")), min_size=0, max_size=3000),
    st.integers(4, 300),
    st.integers(0, 100),
)
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
    for (s1, e1), (s2, _e2) in zip(windows, windows[1:], strict=False):
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


def test_batches_can_refuse_padding_beyond_a_fill_ratio():
    lengths = [256, 250, 240, 200, 128, 120, 7]
    batches = plan_batches(lengths, max_batch_tokens=4096, min_fill=0.9)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert all(lengths[i] >= 0.9 * width for i in batch)
    assert [[lengths[i] for i in b] for b in batches] == [[256, 250, 240], [200], [128, 120], [7]]
    assert len(plan_batches(lengths, max_batch_tokens=4096)) == 1  # without it, one padded pass


def _probs(rows):
    tags = bio_tags()
    probs = torch.full((len(rows), len(tags)), 0.001)
    for i, row in enumerate(rows):
        for tag, p in row.items():
            probs[i, tags.index(tag)] = p
    return probs


def test_decoding_keeps_a_name_whole_when_one_character_is_uncertain():
    from model.labels import ENTITY_LABELS as L

    # argmax alone: 王 (B), 建 (O, narrowly), 国 (I): a name broken in two
    probs = _probs([{"B-PERSON": 0.9}, {"O": 0.5, "I-PERSON": 0.45}, {"I-PERSON": 0.9}, {"O": 0.95}])
    assert [(s, e, lab) for s, e, lab, _ in decode_bio(probs)] == [(0, 3, L.index("PERSON"))]


def test_decoding_never_starts_a_span_with_an_inside_tag():
    from model.labels import ENTITY_LABELS as L

    probs = _probs(
        [{"O": 0.9}, {"I-AMOUNT": 0.6, "B-AMOUNT": 0.35}, {"I-AMOUNT": 0.9}, {"B-RATE": 0.9}, {"I-DATE": 0.6, "O": 0.3}]
    )
    spans = decode_bio(probs)
    assert [(s, e, lab) for s, e, lab, _ in spans] == [(1, 3, L.index("AMOUNT")), (3, 4, L.index("RATE"))]
    assert abs(spans[0][3] - (0.95 + 0.901) / 2) < 1e-6  # the score is the label's B- + I- mass


def test_a_title_right_after_a_name_keeps_the_score_of_its_label():
    from model.labels import ENTITY_LABELS as L

    # 李 俊 主 任: the model says TITLE for 主 but mostly as I-TITLE, which may not follow I-PERSON
    probs = _probs(
        [{"B-PERSON": 0.99}, {"I-PERSON": 0.97}, {"I-TITLE": 0.86, "B-TITLE": 0.07, "O": 0.05}, {"I-TITLE": 0.75}]
    )
    spans = decode_bio(probs)
    assert [(s, e, lab) for s, e, lab, _ in spans] == [(0, 2, L.index("PERSON")), (2, 4, L.index("TITLE"))]
    assert spans[1][3] > 0.8  # the decoded tags alone (B 0.07, I 0.75) would score it 0.41, under any threshold


def test_pair_rows_have_one_layout_in_training_and_inference():
    import torch

    from model.network import GOLD_COLUMN, PAIR_COLUMNS, TRAIN_PAIR_COLUMNS, PairRow, pair_row
    from training.train import collate

    row = pair_row(3, (0, 2, 0), (2, 4, 1), [5, 1, 0])
    assert row == PairRow(3, 1, 3, 0, 3, 5, 1, 5, 1, 0) and len(row) == PAIR_COLUMNS == 10
    assert GOLD_COLUMN == PAIR_COLUMNS and TRAIN_PAIR_COLUMNS == 11
    features = {"input_ids": [2, 7, 8, 3], "labels": [-100, 0, 0, -100]}
    batch = collate(
        [{**features, "pairs": []}, {**features, "pairs": [[*pair_row(0, (0, 1, 0), (1, 2, 1), [1, 0, 0]), 1]]}], 0
    )
    assert batch["pairs"].tolist() == [[1, 1, 2, 0, 2, 3, 1, 1, 0, 0, 1]]  # the batch column set by collate, gold last
    empty = collate([{**features, "pairs": []}], 0)["pairs"]
    assert empty.shape == (0, TRAIN_PAIR_COLUMNS) and empty.dtype == torch.long
