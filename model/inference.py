"""Batched inference: many documents -> entity spans and relations with offsets into the original texts.

Site chrome (menus, related-article lists, footers) is found first and never sent to the encoder: its
facts are not reported, so reading it would only cost time. The rest of each document is cut into windows;
windows of all documents are sorted by length and packed into batches under a token budget (dynamic
padding). Each window's BIO probabilities are merged into its document by edge-distance weights; the
relation head scores the candidate pairs of each window's own spans, and a relation survives when both of
its spans survive the merge. Memory is bounded by the batch, plus one probability row per token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from model.chrome import chrome_ranges
from model.cleaning import CleanText, clean_text
from model.constraints import (
    WORD_ALIGNED,
    constrain_span,
    cuts_a_word,
    mend_titles,
    split_title_chains,
    title_reaches,
)
from model.decoding import TAGS, decode_bio, label_name
from model.labels import RELATION_TYPES
from model.lexicon import char_lexicon_ids, tokens_from_chars
from model.network import ZsieModel, candidate_pairs, pair_row
from model.propagation import propagate_names
from model.windows import edge_weights, make_windows


@dataclass
class DocumentPrediction:
    clean: CleanText
    entities: list[dict] = field(default_factory=list)  # label, start, end (original offsets), score
    relations: list[dict] = field(default_factory=list)  # type, head, tail (entity indices), score


@dataclass
class _Doc:
    clean: CleanText
    ids: list[int]
    offsets: list[tuple[int, int]]
    probs: torch.Tensor
    weights: torch.Tensor
    segments: list[tuple[int, int]]  # token ranges outside site chrome
    chrome: list[tuple[int, int]]  # the site chrome itself, original character ranges
    lexicon: list[int] | None = None  # one lexicon id per token, when the model reads the lexicon channel
    words: list[int] | None = None  # one lexicon id per clean character (the segmentation, done once)
    relation_votes: dict = field(default_factory=dict)  # (head chars, tail chars, type) -> score


def tokenize_document(tokenizer, text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Token ids and character offsets of a whole text, no special tokens, no length limit."""
    if not text:
        return [], []
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    pairs = [(i, o) for i, o in zip(encoded["input_ids"], encoded["offset_mapping"], strict=False) if o[1] > o[0]]
    return [i for i, _ in pairs], [tuple(o) for _, o in pairs]


def content_segments(
    clean: CleanText, offsets: list[tuple[int, int]], chrome: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """[start, end) token ranges outside site chrome (`chrome_ranges` of the original, unless given), in order."""
    chrome = chrome_ranges(clean.original) if chrome is None else chrome
    segments: list[tuple[int, int]] = []
    r, start = 0, None
    for i, (char_start, _) in enumerate(offsets):
        original = clean.origin[char_start]
        while r < len(chrome) and chrome[r][1] <= original:
            r += 1
        inside = r < len(chrome) and chrome[r][0] <= original
        if inside and start is not None:
            segments.append((start, i))
            start = None
        elif not inside and start is None:
            start = i
    if start is not None:
        segments.append((start, len(offsets)))
    return segments


def plan_batches(
    lengths: list[int], max_batch_tokens: int, max_batch_size: int = 256, min_fill: float = 0.0
) -> list[list[int]]:
    """Indices grouped into batches: longest first, each batch's padded size within the token budget, and
    no window shorter than `min_fill` of its batch's width (padding is wasted compute)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        width = lengths[current[0]] if current else lengths[index]
        if current and (
            width * (len(current) + 1) > max_batch_tokens
            or len(current) >= max_batch_size
            or lengths[index] < min_fill * width
        ):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class Predictor:
    def __init__(
        self, model: ZsieModel, tokenizer, device: str = "cpu", max_batch_tokens: int = 8192, min_fill: float = 0.0
    ):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.device = torch.device(device)
        self.max_batch_tokens = max_batch_tokens
        self.min_fill = min_fill
        self.config = model.config

    def predict(self, texts: list[str]) -> list[DocumentPrediction]:
        docs, windows = self.prepare(texts)
        lengths = [end - start + 2 for _, start, end in windows]
        with torch.inference_mode():
            for batch in plan_batches(lengths, self.max_batch_tokens, min_fill=self.min_fill):
                self._run_batch([windows[i] for i in batch], docs)
        return [self._finish(doc) for doc in docs]

    def prepare(self, texts: list[str]) -> tuple[list[_Doc], list[tuple[int, int, int]]]:
        """Cleaned, tokenised documents and their windows (doc index, token start, token end) outside chrome."""
        docs = []
        windows: list[tuple[int, int, int]] = []
        for d, text in enumerate(texts):
            clean = clean_text(text)
            ids, offsets = tokenize_document(self.tokenizer, clean.text)
            chrome = chrome_ranges(clean.original)
            segments = content_segments(clean, offsets, chrome)
            words = char_lexicon_ids(clean.text) if self.config.lexicon else None
            lexicon = tokens_from_chars(words, offsets) if words is not None else None
            docs.append(
                _Doc(
                    clean,
                    ids,
                    offsets,
                    torch.zeros(len(ids), len(TAGS)),
                    torch.zeros(len(ids)),
                    segments,
                    chrome,
                    lexicon=lexicon,
                    words=words,
                )
            )
            for seg_start, seg_end in segments:
                segment = offsets[seg_start:seg_end]
                for start, end in make_windows(segment, clean.text, self.config.max_tokens, self.config.overlap):
                    if end > start:
                        windows.append((d, seg_start + start, seg_start + end))
        return docs, windows

    def prepare_one(self, text: str) -> tuple[_Doc, list[tuple[int, int]]]:
        """One document's state and its windows (token start, token end), longest first: for schedulers that
        run the windows of many documents, in passes of their own choosing (`run_windows`), then `_finish`."""
        docs, windows = self.prepare([text])
        return docs[0], sorted(((start, end) for _, start, end in windows), key=lambda w: w[0] - w[1])

    def run_windows(self, items: list[tuple[_Doc, int, int]]) -> None:
        """One model pass over windows (document state, token start, token end) of any documents."""
        docs: list[_Doc] = []
        row_of: dict[int, int] = {}
        batch = []
        for doc, start, end in items:
            if id(doc) not in row_of:
                row_of[id(doc)] = len(docs)
                docs.append(doc)
            batch.append((row_of[id(doc)], start, end))
        with torch.inference_mode():
            self._run_batch(batch, docs)

    def _run_batch(self, batch: list[tuple[int, int, int]], docs: list[_Doc]) -> None:
        """One model pass over windows (doc index, token start, token end), in four stages."""
        input_ids, mask, lexicon = self.collate(batch, docs)
        hidden, probs = self.forward(input_ids, mask, lexicon)
        window_spans = self.decode(batch, docs, probs)
        self.relate(batch, docs, hidden, window_spans)

    def collate(
        self, batch: list[tuple[int, int, int]], docs: list[_Doc]
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(input ids, attention mask, lexicon ids or None) of the windows, [CLS]/[SEP] added, padded to the longest."""
        tok = self.tokenizer
        width = max(end - start for _, start, end in batch) + 2
        input_ids = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        lexicon = torch.zeros((len(batch), width), dtype=torch.long) if self.config.lexicon else None
        for row, (d, start, end) in enumerate(batch):
            ids = [tok.cls_token_id] + docs[d].ids[start:end] + [tok.sep_token_id]
            input_ids[row, : len(ids)] = torch.tensor(ids)
            mask[row, : len(ids)] = 1
            if lexicon is not None:
                lexicon[row, 1 : end - start + 1] = torch.tensor(docs[d].lexicon[start:end])
        return input_ids, mask, lexicon

    def forward(
        self, input_ids: torch.Tensor, mask: torch.Tensor, lexicon: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The encoder pass: (token states on the device, BIO probabilities on the CPU)."""
        inputs = (input_ids.to(self.device), mask.to(self.device))
        if lexicon is not None:  # only a model with the lexicon channel takes it
            inputs += (lexicon.to(self.device),)
        hidden, logits = self.model.encode(*inputs)
        return hidden, logits.float().softmax(-1).cpu()

    def decode(self, batch: list[tuple[int, int, int]], docs: list[_Doc], probs: torch.Tensor) -> list[list[tuple]]:
        """Adds each window's BIO probabilities to its document (edge-distance weights) and returns each
        window's own spans (start, end, label, score), in window tokens without [CLS]."""
        window_spans = []
        for row, (d, start, end) in enumerate(batch):
            doc = docs[d]
            window_probs = probs[row, 1 : end - start + 1]
            weights = torch.tensor(edge_weights(end - start))
            doc.probs[start:end] += window_probs * weights[:, None]
            doc.weights[start:end] += weights
            window_spans.append(decode_bio(window_probs))
        return window_spans

    def relate(
        self, batch: list[tuple[int, int, int]], docs: list[_Doc], hidden: torch.Tensor, window_spans: list[list[tuple]]
    ) -> None:
        """Scores the candidate pairs of each window's spans with the relation head; each document keeps the
        best score of every (head chars, tail chars, type) its windows voted for."""
        pair_rows, pair_keys = [], []
        for row, ((d, start, _), spans) in enumerate(zip(batch, window_spans, strict=True)):
            doc = docs[d]
            for i, j, features in candidate_pairs(
                [(s, e, lab) for s, e, lab, _ in spans], self.config.max_pair_distance
            ):
                hs, he, _, _ = spans[i]
                ts, te, _, _ = spans[j]
                pair_rows.append(pair_row(row, spans[i][:3], spans[j][:3], features))
                head_chars = (doc.offsets[start + hs][0], doc.offsets[start + he - 1][1])
                tail_chars = (doc.offsets[start + ts][0], doc.offsets[start + te - 1][1])
                pair_keys.append((d, head_chars, tail_chars))
        if not pair_rows:
            return
        pairs = torch.tensor(pair_rows, dtype=torch.long, device=self.device)
        rel_probs = self.model.relation_head(hidden, pairs).float().softmax(-1).cpu()
        best_p, best = rel_probs.max(-1)
        for (d, head_chars, tail_chars), p, t in zip(pair_keys, best_p.tolist(), best.tolist(), strict=True):
            if t == 0:
                continue
            key = (head_chars, tail_chars, RELATION_TYPES[t - 1])
            votes = docs[d].relation_votes
            votes[key] = max(votes.get(key, 0.0), p)

    def _finish(self, doc: _Doc) -> DocumentPrediction:
        """A document's spans from its merged probabilities (above the entity threshold), and the relations
        voted between two surviving spans."""
        out = DocumentPrediction(clean=doc.clean)
        if not doc.ids:
            return out
        probs = doc.probs / doc.weights.clamp(min=1e-9)[:, None]
        index_of = {}
        spans = [
            (seg_start + s, seg_start + e, label, score)
            for seg_start, seg_end in doc.segments
            for s, e, label, score in decode_bio(probs[seg_start:seg_end])
        ]  # no span bridges chrome
        kept_spans = []  # (clean keys, start, end, label, score) in text order
        for s, e, label, score in spans:
            if score < self.config.entity_threshold:
                continue
            clean_start, clean_end = doc.offsets[s][0], doc.offsets[e - 1][1]
            start, end = doc.clean.to_original(clean_start, clean_end)
            kept_spans.append(([(clean_start, clean_end)], start, end, label_name(label), score))
        words = None
        if self.config.constraints:
            kept_spans = mend_titles(doc.clean.original, kept_spans)
            if any(span[3] in WORD_ALIGNED for span in kept_spans):
                words = doc.words if doc.words is not None else char_lexicon_ids(doc.clean.text)
        for keys, start, end, label, score in kept_spans:
            if self.config.constraints:
                if label in WORD_ALIGNED and cuts_a_word(words, keys[0][0], keys[-1][1]):
                    continue
                kept = constrain_span(doc.clean.original, label, start, end)
                if kept is None:
                    continue
                start, end = kept
            index_of.update((key, len(out.entities)) for key in keys)
            out.entities.append({"label": label, "start": start, "end": end, "score": round(score, 4)})
        linked = {}  # a joined title's pieces may each have voted for the same link: keep the best vote
        for (head_chars, tail_chars, rel_type), score in sorted(doc.relation_votes.items()):
            head, tail = index_of.get(head_chars), index_of.get(tail_chars)
            if head is None or tail is None or score < self.config.relation_threshold:
                continue
            if self.config.constraints and rel_type == "has_title":
                person, title = out.entities[head], out.entities[tail]
                if not title_reaches(
                    doc.clean.original, (person["start"], person["end"]), (title["start"], title["end"])
                ):
                    continue
            if score > linked.get((rel_type, head, tail), -1.0):
                linked[(rel_type, head, tail)] = score
        out.relations = [
            {"type": rel_type, "head": head, "tail": tail, "score": round(score, 4)}
            for (rel_type, head, tail), score in linked.items()
        ]
        if self.config.constraints:
            out.entities, out.relations = split_title_chains(doc.clean.original, out.entities, out.relations)
        if self.config.propagate:
            out.entities, out.relations = propagate_names(doc.clean.original, out.entities, out.relations, doc.chrome)
        return out
