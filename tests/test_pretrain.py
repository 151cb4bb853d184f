"""Pretraining: whole-word masking and continued pretraining from an encoder."""

import json

import torch

from model.tokenization import build_char_tokenizer
from training.pretrain import (
    PretrainConfig,
    loss_curve,
    mask_tokens,
    pack_sequences,
    pretrain,
    whole_word_choice,
)


def test_packing_numbers_the_words_of_every_token():
    tokenizer = build_char_tokenizer()
    data, words = pack_sequences(["县委书记吕东升出席", "开展产业链招商"], tokenizer, 10, whole_word=True)
    assert data.shape == words.shape
    assert words[0, 0] == -1 and words[0, -1] == -2  # [CLS] and [SEP] are words of their own
    first = words[0, 1:5].tolist()
    assert len(set(first)) == 1  # 县委书记 is one word
    assert words[0, 5] != words[0, 4]


def test_a_chosen_word_is_masked_in_all_its_tokens():
    words = torch.tensor([[0, 0, 0, 1, 2, 2, 3, 3, 3, 3]] * 200)
    chosen = whole_word_choice(words, 0.3, torch.Generator().manual_seed(1))
    for row in chosen:
        for word in range(4):
            cells = row[words[0] == word]
            assert bool(cells.all()) or not bool(cells.any())
    share = chosen.float().mean().item()
    assert 0.2 < share < 0.4  # about the asked share of tokens


def test_whole_word_masking_leaves_special_tokens(tmp_path):
    tokenizer = build_char_tokenizer()
    data, words = pack_sequences(["市长张三出席会议。" * 20], tokenizer, 32, whole_word=True)
    inputs, chosen, targets = mask_tokens(data, tokenizer, 0.5, torch.Generator().manual_seed(0), words)
    assert not chosen[:, 0].any() and not chosen[:, -1].any()
    assert targets.numel() == int(chosen.sum())


def test_continued_pretraining_starts_from_the_given_encoder(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("市委书记张三出席签约仪式，签约项目12个，总投资300亿元。" * 60, encoding="utf-8")
    config = PretrainConfig(size="scratch-tiny", seq_len=32, batch_size=4, max_steps=2, warmup_steps=1)
    pretrain([str(text)], tmp_path / "first", config)
    from transformers import BertForMaskedLM

    first = BertForMaskedLM.from_pretrained(tmp_path / "first")
    config = PretrainConfig(
        size="scratch-base",
        seq_len=32,
        batch_size=4,
        max_steps=1,
        warmup_steps=1,
        whole_word=True,
        init_from=str(tmp_path / "first"),
    )
    summary = pretrain([str(text)], tmp_path / "second", config)
    second = BertForMaskedLM.from_pretrained(tmp_path / "second")
    assert summary["steps"] == 1
    assert second.config.hidden_size == first.config.hidden_size  # the given encoder, not a new scratch-base


def test_pretraining_leaves_out_held_out_articles_and_resumes_where_the_time_budget_stopped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kept = "市委书记张三出席签约仪式，签约项目12个，总投资300亿元。" * 30
    held_out_line = "副市长李四在招商推介会上介绍了全市营商环境的新举措。"
    (corpus / "kept.txt").write_text(kept, encoding="utf-8")
    (corpus / "held.txt").write_text("开头一句。\n" + held_out_line + "\n结尾一句。" * 40, encoding="utf-8")
    avoid = tmp_path / "heldout"
    avoid.mkdir()
    (avoid / "a.txt").write_text(held_out_line + "\n", encoding="utf-8")
    config = PretrainConfig(
        size="scratch-tiny", seq_len=32, batch_size=2, max_steps=3, warmup_steps=1, avoid=str(avoid), max_minutes=0.0
    )
    summary = pretrain([str(corpus)], tmp_path / "out", config)
    assert summary["texts"] == 1  # the article sharing a line with the held-out set is left out
    assert summary["steps"] == 0  # a budget of 0 minutes stops before the first step …
    assert (tmp_path / "out" / "checkpoint" / "state.json").exists() is False  # … and nothing advanced to save

    config = PretrainConfig(size="scratch-tiny", seq_len=32, batch_size=2, max_steps=3, warmup_steps=1)
    config.checkpoint_every = 100  # never reached: the checkpoint must still be written when the run stops
    summary = pretrain([str(corpus)], tmp_path / "out", config)
    state = json.loads((tmp_path / "out" / "checkpoint" / "state.json").read_text())
    assert state["step"] == 3 and len(state["losses"]) == 3
    assert summary["loss_curve"] == [[3, round(sum(state["losses"]) / 3, 4)]]

    config.max_steps = 5
    summary = pretrain([str(corpus)], tmp_path / "out", config, resume=True)
    assert summary["steps"] == 5  # resumed at step 3, not from scratch
    assert len(json.loads((tmp_path / "out" / "checkpoint" / "state.json").read_text())["losses"]) == 5


def test_loss_curve_means_each_run_of_steps():
    assert loss_curve([4.0, 2.0, 3.0], every=2) == [[2, 3.0], [3, 3.0]]
    assert loss_curve([]) == []


def test_a_stop_signal_ends_pretraining_after_its_step_with_the_checkpoint_saved(tmp_path, monkeypatch):
    import os
    import signal

    import training.pretrain as pretraining

    text = tmp_path / "a.txt"
    text.write_text("市委书记张三出席签约仪式，签约项目12个，总投资300亿元。" * 60, encoding="utf-8")
    real_step = pretraining._step

    def step_then_stop(*args):
        real_step(*args)
        if args[7]["step"] == 3:  # state: as a scheduler's `kill` would, mid-run
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(pretraining, "_step", step_then_stop)
    before = signal.getsignal(signal.SIGTERM)
    config = PretrainConfig(size="scratch-tiny", seq_len=32, batch_size=2, max_steps=1000, warmup_steps=1)
    summary = pretrain([str(text)], tmp_path / "out", config)
    assert summary["steps"] == 3
    assert json.loads((tmp_path / "out" / "checkpoint" / "state.json").read_text())["step"] == 3
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back
