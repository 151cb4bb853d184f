"""A character-level Chinese BERT tokeniser whose vocabulary is generated here, not downloaded.

The vocabulary is every hanzi of GB2312 (decoded programmatically), printable ASCII, full-width and CJK
punctuation, and the noise symbols of scraped pages; every non-hanzi character also appears as a `##x`
continuation piece, so every character of a run like `2025`, `FDI` or `□□㊣` becomes one token and offsets
map to single characters.
"""

from __future__ import annotations

from pathlib import Path

from transformers import AutoTokenizer, BertTokenizerFast, PreTrainedTokenizerFast

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Noise that scraped pages carry (see the seeds); kept so the model sees it as itself, not as [UNK].
NOISE_SYMBOLS = "□■㊣✅●◆◇★☆▲△▼▽○◎※→←↑↓√×…—–·•"
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕…—～·￥％＋－＝／＜＞｜"


def gb2312_hanzi() -> list[str]:
    """The 6,763 hanzi of GB2312 (rows 16-87), decoded from their two-byte codes."""
    chars = []
    for row in range(0xB0, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def build_vocab() -> list[str]:
    vocab: list[str] = list(SPECIAL_TOKENS)
    seen = set(vocab)

    def add(token: str) -> None:
        if token not in seen:
            seen.add(token)
            vocab.append(token)

    for code in range(0x21, 0x7F):  # printable ASCII, no space
        add(chr(code))
    for code in range(0xFF01, 0xFF5F):  # full-width forms
        add(chr(code))
    for ch in CJK_PUNCT + NOISE_SYMBOLS + "〇":
        add(ch)
    # Non-hanzi characters run together into one "word" before WordPiece; a continuation piece for each
    # keeps such runs (2025, FDI, □□㊣, ８００) one token per character.
    for token in list(vocab[len(SPECIAL_TOKENS) :]):
        add("##" + token)
    for ch in gb2312_hanzi():
        add(ch)
    return vocab


def build_char_tokenizer(directory: str | Path | None = None) -> BertTokenizerFast:
    """A fresh character-level tokeniser; saved to `directory` when given."""
    vocab = {token: index for index, token in enumerate(build_vocab())}
    tokenizer = BertTokenizerFast(
        vocab=vocab,
        do_lower_case=False,
        tokenize_chinese_chars=True,
        strip_accents=False,
        model_max_length=512,
    )
    if directory is not None:
        tokenizer.save_pretrained(str(directory))
    return tokenizer


def load_tokenizer(name_or_dir: str | Path) -> PreTrainedTokenizerFast:
    """Any checkpoint's own fast tokeniser (hub id or local directory); offsets need a fast one."""
    tokenizer = AutoTokenizer.from_pretrained(str(name_or_dir), use_fast=True)
    if not tokenizer.is_fast:
        raise ValueError(f"{name_or_dir}: a fast tokenizer is required for character offsets")
    return tokenizer
