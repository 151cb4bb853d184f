"""Encoder configurations: the from-scratch sizes this project trains, and loading any BERT checkpoint."""

from __future__ import annotations

from transformers import BertConfig

# name -> (hidden, layers, heads, intermediate)
SCRATCH_SIZES: dict[str, tuple[int, int, int, int]] = {
    "scratch-tiny": (32, 1, 2, 64),  # tests: trains in seconds
    "scratch-small": (256, 4, 4, 1024),  # the bundled model
    "scratch-base": (384, 6, 6, 1536),
}


def scratch_config(size: str, vocab_size: int, max_positions: int = 512) -> BertConfig:
    if size not in SCRATCH_SIZES:
        raise ValueError(f"unknown from-scratch size {size!r}; choose one of {', '.join(SCRATCH_SIZES)}")
    hidden, layers, heads, intermediate = SCRATCH_SIZES[size]
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        max_position_embeddings=max_positions,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )
