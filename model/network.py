"""The network: one BERT encoder, a token-classification (BIO) head and a relation head.

The encoder + BIO head are a plain `AutoModelForTokenClassification`, saved so that transformers'
`from_pretrained` and `pipeline("token-classification")` load them as they are. The relation head and the
project's own settings are saved beside them (`relation_head.safetensors`, `zsie_config.json`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModelForTokenClassification, BertForTokenClassification, PreTrainedModel

from model.labels import ENTITY_LABELS, RELATION_SCHEMA, RELATION_TYPES, bio_tags

N_DISTANCE_BUCKETS = 16
N_BETWEEN_BUCKETS = 4


@dataclass
class ZsieConfig:
    """Settings saved beside the weights; everything inference needs besides the encoder config."""

    version: str = "0.1.0"
    name: str = "zsie"
    base_model: str = "scratch-small"
    # the models this one was warm-started from, nearest first, down to the pretrained encoder: the lineage
    # outlives the folders of intermediate runs (the card names the encoder's pretraining from it)
    base_chain: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=lambda: list(ENTITY_LABELS))
    relation_types: list[str] = field(default_factory=lambda: list(RELATION_TYPES))
    max_tokens: int = 254  # per window, without [CLS]/[SEP]
    overlap: int = 64
    max_pair_distance: int = 160  # tokens between a relation's head and tail
    relation_width: int = 256
    relation_threshold: float = 0.5
    entity_threshold: float = 0.0  # spans whose mean label probability (B- + I-) is lower are dropped; chosen on dev
    lexicon: bool = False  # the lexicon channel (model/lexicon.py): segmenter word positions and tags as input
    constraints: bool = True  # output constraints on spans (model/constraints.py)
    propagate: bool = True  # confirmed officials' names spread over their document (model/propagation.py)
    cpu_int8: bool = False  # dynamic int8 on CPU by default: set only when measured to lose <= 0.5 F1 points
    metrics: dict = field(default_factory=dict)  # test-split figures, filled by evaluation

    def save(self, directory: Path) -> None:
        (directory / "zsie_config.json").write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False))

    @classmethod
    def load(cls, directory: Path) -> ZsieConfig:
        data = json.loads((directory / "zsie_config.json").read_text())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def base_chain_of(base_model: str) -> list[str]:
    """`base_model` and, when it is a zsie model, the models it was warm-started from, nearest first."""
    base = Path(base_model)
    if not (base / "zsie_config.json").exists():
        return [base_model]
    config = ZsieConfig.load(base)
    return [base_model, *(config.base_chain or base_chain_of(config.base_model))]


def distance_bucket(distance: int) -> int:
    """Signed token distance -> bucket: 0-7 for head before tail (log scale), 8-15 after."""
    magnitude = min(7, int(math.log2(abs(distance) + 1)))
    return magnitude if distance >= 0 else 8 + magnitude


class RelationHead(nn.Module):
    """Scores a typed candidate pair of spans from the encoder's token states.

    A span is its first and last token states; a pair adds the label embeddings, the signed distance and
    how many spans of the tail's and head's labels lie between them (so "the nearest one" is learnable).
    Output: one logit per relation type plus "none" (index 0).
    """

    def __init__(self, hidden: int, width: int = 256):
        super().__init__()
        self.span = nn.Linear(2 * hidden, width)
        self.label = nn.Embedding(len(ENTITY_LABELS), 32)
        self.distance = nn.Embedding(N_DISTANCE_BUCKETS, 32)
        self.between = nn.Embedding(N_BETWEEN_BUCKETS, 16)
        self.mlp = nn.Sequential(
            nn.Linear(3 * width + 2 * 32 + 32 + 2 * 16, width),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(width, 1 + len(RELATION_TYPES)),
        )
        allowed = torch.zeros(len(ENTITY_LABELS), len(ENTITY_LABELS), 1 + len(RELATION_TYPES), dtype=torch.bool)
        allowed[:, :, 0] = True
        for t, (heads, tail) in enumerate(RELATION_SCHEMA.values(), start=1):
            for head in heads:
                allowed[ENTITY_LABELS.index(head), ENTITY_LABELS.index(tail), t] = True
        self.register_buffer("allowed", allowed, persistent=False)

    def span_states(
        self, hidden: torch.Tensor, batch: torch.Tensor, start: torch.Tensor, end: torch.Tensor
    ) -> torch.Tensor:
        return self.span(torch.cat([hidden[batch, start], hidden[batch, end - 1]], dim=-1))

    def forward(self, hidden: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        """pairs: LongTensor [P, PAIR_COLUMNS], one `PairRow` per row (further columns are ignored)."""
        p = PairRow(*pairs[:, :PAIR_COLUMNS].T)  # one column tensor per field
        head = self.span_states(hidden, p.batch, p.head_start, p.head_end)
        tail = self.span_states(hidden, p.batch, p.tail_start, p.tail_end)
        features = torch.cat(
            [
                head,
                tail,
                head * tail,
                self.label(p.head_label),
                self.label(p.tail_label),
                self.distance(p.distance),
                self.between(p.tail_between),
                self.between(p.head_between),
            ],
            dim=-1,
        )
        logits = self.mlp(features)
        mask = self.allowed[p.head_label, p.tail_label]
        return logits.masked_fill(~mask, torch.finfo(logits.dtype).min)


class PairRow(NamedTuple):
    """One candidate relation pair, as a row of the pair tensor the relation head reads. Token positions
    count the window's [CLS], so they index the encoder's states directly."""

    batch: int  # the window's row in the batch
    head_start: int
    head_end: int
    head_label: int  # index into ENTITY_LABELS
    tail_start: int
    tail_end: int
    tail_label: int
    distance: int  # distance_bucket(tail start - head start)
    tail_between: int  # spans of the tail's label between the two, at most 3
    head_between: int  # spans of the head's label between the two, at most 3


PAIR_COLUMNS = len(PairRow._fields)  # what the relation head reads
GOLD_COLUMN = PAIR_COLUMNS  # training rows add the gold relation (0: none, else 1 + RELATION_TYPES index)
TRAIN_PAIR_COLUMNS = PAIR_COLUMNS + 1


def pair_row(batch: int, head: tuple[int, int, int], tail: tuple[int, int, int], features: list[int]) -> PairRow:
    """The row of a candidate pair: `head`/`tail` are (start, end, label) in window tokens without [CLS],
    `features` as `candidate_pairs` gives them."""
    (hs, he, hl), (ts, te, tl) = head, tail
    return PairRow(batch, hs + 1, he + 1, hl, ts + 1, te + 1, tl, *features)


def _heads_for() -> dict[int, set[int]]:
    heads_for: dict[int, set[int]] = {}
    for heads, tail in RELATION_SCHEMA.values():
        for head in heads:
            heads_for.setdefault(ENTITY_LABELS.index(head), set()).add(ENTITY_LABELS.index(tail))
    return heads_for


_HEADS_FOR = _heads_for()


class _LabelIndex:
    """The spans of one label sorted by (start, end), for counting those inside [lo, hi] by bisection.

    Decoded spans never overlap, so ends rise with starts and a count is two bisections; on overlapping
    spans (possible in principle, never from decoding) the count scans the spans starting in [lo, hi]."""

    def __init__(self, items: list[tuple[int, int, int]]):  # (start, end, index in the window's spans)
        items.sort()
        self.starts = [s for s, _, _ in items]
        self.ends = [e for _, e, _ in items]
        self.indices = [i for _, _, i in items]
        self.monotone = all(a <= b for a, b in zip(self.ends, self.ends[1:], strict=False))

    def count_inside(self, lo: int, hi: int, cap: int = 3) -> int:
        first = bisect_left(self.starts, lo)
        if self.monotone:
            return min(cap, max(0, bisect_right(self.ends, hi) - first))
        count = 0
        for k in range(first, bisect_right(self.starts, hi)):
            if self.ends[k] <= hi:
                count += 1
                if count >= cap:
                    break
        return count


def candidate_pairs(spans: list[tuple[int, int, int]], max_distance: int) -> list[tuple[int, int, list[int]]]:
    """Typed candidate pairs among one window's spans (start, end, label index), as (head i, tail j,
    [distance bucket, tail-label spans between, head-label spans between]), ordered by (i, j).

    Time is linear in the spans plus the pairs given (each pair costs two bisections): per label, the spans
    sorted by start; a head's tails are found by bisection within `max_distance`, and the spans "between"
    are counted in each label's sorted starts and ends (the old definition, a scan of all spans per pair,
    was cubic in spans per window and dominated entity-dense text)."""
    by_label: dict[int, list[tuple[int, int, int]]] = {}
    for index, (s, e, lab) in enumerate(spans):
        by_label.setdefault(lab, []).append((s, e, index))
    labels = {lab: _LabelIndex(items) for lab, items in by_label.items()}
    out = []
    for i, (hs, he, hl) in enumerate(spans):
        tails = _HEADS_FOR.get(hl)
        if not tails:
            continue
        found = []
        for tl in tails:
            index = labels.get(tl)
            if index is None:
                continue
            for k in range(bisect_left(index.starts, hs - max_distance), bisect_right(index.starts, hs + max_distance)):
                j = index.indices[k]
                ts, te = index.starts[k], index.ends[k]
                lo, hi = (he, ts) if hs < ts else (te, hs)
                between_tail = index.count_inside(lo, hi)
                between_head = labels[hl].count_inside(lo, hi)
                found.append((j, [distance_bucket(ts - hs), between_tail, between_head]))
        found.sort(key=lambda item: item[0])
        out += [(i, j, features) for j, features in found]
    return out


class ZsieModel(nn.Module):
    """Encoder + BIO head (a plain transformers token-classification model) + relation head, and with
    `config.lexicon` a lexicon embedding added to the character embeddings before the encoder.

    The lexicon embedding lives in `lexicon.safetensors` beside the transformers checkpoint: transformers'
    `from_pretrained` / `pipeline` load the encoder and BIO head as they are (without the lexicon channel, so
    their tags are those of a model deprived of an input it was trained with); `ZsieModel.load` loads all."""

    def __init__(self, token_model: PreTrainedModel, relation_head: RelationHead, config: ZsieConfig):
        super().__init__()
        self.token_model = token_model
        self.relation_head = relation_head
        self.config = config
        self.lexicon = None
        if config.lexicon:
            from model.lexicon import N_LEXICON_IDS, PAD_ID

            self.lexicon = nn.Embedding(N_LEXICON_IDS, token_model.config.hidden_size, padding_idx=PAD_ID)
            nn.init.normal_(self.lexicon.weight, std=0.02)
            with torch.no_grad():
                self.lexicon.weight[PAD_ID].zero_()

    @classmethod
    def create(cls, encoder_source: str | Path | None, config: ZsieConfig, scratch=None) -> ZsieModel:
        """A new model: encoder weights from a checkpoint (hub id or directory), or from scratch when
        `scratch` (a BertConfig) is given. The BIO head comes with the checkpoint when it has one of the same
        labels; a zsie model's relation head and lexicon channel too (`_continue_from`)."""
        tags = bio_tags()
        label_kwargs = dict(
            num_labels=len(tags),
            id2label=dict(enumerate(tags)),
            label2id={t: i for i, t in enumerate(tags)},
        )
        if scratch is not None:
            for key, value in label_kwargs.items():
                setattr(scratch, key, value)
            token_model = BertForTokenClassification(scratch)
        else:
            encoder_config = AutoConfig.from_pretrained(str(encoder_source), **label_kwargs)
            token_model = AutoModelForTokenClassification.from_pretrained(str(encoder_source), config=encoder_config)
        head = RelationHead(token_model.config.hidden_size, config.relation_width)
        model = cls(token_model, head, config)
        if scratch is None:
            model._continue_from(Path(str(encoder_source)))
        return model

    def _continue_from(self, directory: Path) -> None:
        """Continued fine-tuning of a zsie model: its relation head and lexicon channel carry over too
        (where this model has them and the shapes agree); a plain encoder checkpoint has neither."""
        head_file, lexicon_file = directory / "relation_head.safetensors", directory / "lexicon.safetensors"
        if head_file.exists():
            state = load_file(str(head_file))
            if all(state[k].shape == v.shape for k, v in self.relation_head.state_dict().items() if k in state):
                self.relation_head.load_state_dict(state)
        if self.lexicon is not None and lexicon_file.exists():
            weight = load_file(str(lexicon_file))["weight"]
            if weight.shape == self.lexicon.weight.shape:
                self.lexicon.load_state_dict({"weight": weight})

    def encode(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, lexicon_ids: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """(token states, BIO logits) from one encoder pass; `lexicon_ids` (same shape as `input_ids`) are
        needed when the model has the lexicon channel."""
        tm = self.token_model
        if self.lexicon is None:
            hidden = tm.base_model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        else:
            if lexicon_ids is None:
                raise ValueError("this model reads a lexicon channel: pass lexicon_ids")
            embeds = tm.base_model.get_input_embeddings()(input_ids) + self.lexicon(lexicon_ids)
            hidden = tm.base_model(inputs_embeds=embeds, attention_mask=attention_mask).last_hidden_state
        logits = tm.classifier(tm.dropout(hidden))
        return hidden, logits

    def save(self, directory: str | Path, tokenizer=None) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.token_model.save_pretrained(directory)
        if tokenizer is not None:
            tokenizer.save_pretrained(directory)
        state = {k: v.detach().contiguous().cpu() for k, v in self.relation_head.state_dict().items()}
        save_file(state, str(directory / "relation_head.safetensors"))
        if self.lexicon is not None:
            save_file(
                {"weight": self.lexicon.weight.detach().contiguous().cpu()}, str(directory / "lexicon.safetensors")
            )
        self.config.save(directory)

    @classmethod
    def load(cls, directory: str | Path) -> ZsieModel:
        directory = Path(directory)
        if not (directory / "zsie_config.json").exists():
            raise FileNotFoundError(f"{directory} is not a zsie model (no zsie_config.json)")
        config = ZsieConfig.load(directory)
        token_model = AutoModelForTokenClassification.from_pretrained(str(directory))
        head = RelationHead(token_model.config.hidden_size, config.relation_width)
        head.load_state_dict(load_file(str(directory / "relation_head.safetensors")))
        model = cls(token_model, head, config)
        if model.lexicon is not None:
            model.lexicon.load_state_dict(load_file(str(directory / "lexicon.safetensors")))
        return model
