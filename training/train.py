"""Fine-tuning: encoder + BIO head + relation head on annotated windows, with early stopping on dev F1."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from datasets import Dataset
from tqdm import tqdm

from corpus.doccano import load_documents
from model.encoder import SCRATCH_SIZES, scratch_config
from model.network import (
    GOLD_COLUMN,
    PAIR_COLUMNS,
    TRAIN_PAIR_COLUMNS,
    PairRow,
    ZsieConfig,
    ZsieModel,
    base_chain_of,
)
from model.tokenization import build_char_tokenizer, load_tokenizer
from training.data import IGNORE, TAG_IDS, document_windows, open_tag_mask, swap_entities

log = logging.getLogger(__name__)
BATCH_COLUMN = PairRow._fields.index("batch")


@dataclass
class TrainConfig:
    base_model: str = "scratch-small"  # a from-scratch size, or a checkpoint's hub id / directory
    epochs: int = 30
    batch_size: int = 16
    lr: float = 3e-4
    head_lr: float = 1e-3
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    relation_weight: float = 1.0
    augment_copies: int = 2
    patience: int = 5
    seed: int = 13
    max_tokens: int = 254
    overlap: int = 64
    name: str = "zsie"
    entity_threshold: float = 0.0  # saved with the model: spans scoring lower are dropped at inference
    pool_share: float = 0.7  # swapped names/titles drawn from real-world pools (training/augment.py), not the corpus
    lexicon: bool = False  # the lexicon channel (model/lexicon.py): segmenter words and tags as an input feature
    postpose_share: float = 0.0  # augmented titles moved after their names (training/augment.py)
    silver_weight: float = 0.5  # loss weight of silver documents (training/silver.py) against gold's 1


def set_seed(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)


def build_model(config: TrainConfig) -> tuple[ZsieModel, object]:
    zcfg = ZsieConfig(
        base_model=config.base_model,
        base_chain=base_chain_of(config.base_model),
        max_tokens=config.max_tokens,
        overlap=config.overlap,
        name=config.name,
        entity_threshold=config.entity_threshold,
        lexicon=config.lexicon,
    )
    if config.base_model in SCRATCH_SIZES:
        tokenizer = build_char_tokenizer()
        model = ZsieModel.create(None, zcfg, scratch=scratch_config(config.base_model, len(tokenizer)))
    else:
        tokenizer = load_tokenizer(config.base_model)
        model = ZsieModel.create(config.base_model, zcfg)
    if model.token_model.config.max_position_embeddings < config.max_tokens + 2:
        raise ValueError(f"{config.base_model}: windows of {config.max_tokens} tokens exceed its position limit")
    return model, tokenizer


def make_dataset(docs: list[dict], tokenizer, zcfg: ZsieConfig) -> Dataset:
    rows = [
        f
        for doc in docs
        for f in document_windows(doc, tokenizer, zcfg.max_tokens, zcfg.overlap, zcfg.max_pair_distance, zcfg.lexicon)
    ]
    return (
        Dataset.from_list(rows)
        if rows
        else Dataset.from_dict({"doc_id": [], "input_ids": [], "labels": [], "pairs": []})
    )


def collate(rows: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(r["input_ids"]) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    lexicon = torch.zeros((len(rows), width), dtype=torch.long) if rows and "lexicon_ids" in rows[0] else None
    pairs = []
    for b, row in enumerate(rows):
        n = len(row["input_ids"])
        input_ids[b, :n] = torch.tensor(row["input_ids"])
        if lexicon is not None:
            lexicon[b, :n] = torch.tensor(row["lexicon_ids"])
        labels[b, :n] = torch.tensor(row["labels"])
        mask[b, :n] = 1
        pairs += [list(PairRow(*p[:PAIR_COLUMNS])._replace(batch=b)) + p[PAIR_COLUMNS:] for p in row["pairs"]]
    pair_tensor = (
        torch.tensor(pairs, dtype=torch.long) if pairs else torch.zeros((0, TRAIN_PAIR_COLUMNS), dtype=torch.long)
    )
    return {
        "input_ids": input_ids,
        "attention_mask": mask,
        "labels": labels,
        "pairs": pair_tensor,
        "lexicon_ids": lexicon,
        "weights": torch.tensor([float(r.get("weight", 1.0)) for r in rows]),
        "open_tags": torch.tensor([r.get("open_tags") or open_tag_mask(()) for r in rows], dtype=torch.bool),
    }


def batch_loss(model: ZsieModel, batch: dict, relation_weight: float) -> tuple[torch.Tensor, float, float]:
    """BIO cross-entropy over the labelled tokens plus the relation loss over the candidate pairs; each
    window's tokens and pairs count with its document's weight (silver below gold). An O token of a window
    with open tags (silver: labels its teacher misses too many of) is taught "O or one of those tags": the
    loss is -log of their summed probability (partial labels), so a missed span teaches no O."""
    hidden, logits = model.encode(batch["input_ids"], batch["attention_mask"], batch.get("lexicon_ids"))
    labels, weights = batch["labels"], batch["weights"]
    token_loss = torch.nn.functional.cross_entropy(
        logits.view(-1, logits.size(-1)), labels.view(-1), ignore_index=IGNORE, reduction="none"
    ).view(labels.shape)
    open_tags = batch.get("open_tags")
    if open_tags is not None and open_tags.sum() > len(open_tags):  # some window has more than O open
        allowed = logits.masked_fill(~open_tags[:, None, :], float("-inf"))
        partial = logits.logsumexp(-1) - allowed.logsumexp(-1)
        token_loss = torch.where(labels == TAG_IDS["O"], partial, token_loss)
    labelled = (labels != IGNORE).float()
    ner = (token_loss * labelled * weights[:, None]).sum() / labelled.sum().clamp(min=1.0)
    pairs = batch["pairs"]
    if len(pairs) == 0:
        return ner, ner.item(), 0.0
    rel_logits = model.relation_head(hidden, pairs[:, :PAIR_COLUMNS])
    pair_loss = torch.nn.functional.cross_entropy(rel_logits, pairs[:, GOLD_COLUMN], reduction="none")
    rel = (pair_loss * weights[pairs[:, BATCH_COLUMN]]).mean()
    return ner + relation_weight * rel, ner.item(), rel.item()


@dataclass
class Epoch:
    number: int
    log: dict  # loss, ner, rel (means per step), epoch, dev_entity_f1 (rounded), minutes
    dev_f1: float  # unrounded


class Trainer:
    """One fine-tuning run of a built model, as a loop the caller drives: `epochs()` yields each epoch's
    log entry; the caller saves the best or last model and stops when it likes (spaCy's
    train_while_improving, flair's ModelTrainer)."""

    def __init__(
        self,
        model: ZsieModel,
        tokenizer,
        train_docs: list[dict],
        dev_docs: list[dict],
        config: TrainConfig,
        evaluate_fn=None,
        silver_docs: list[dict] = (),
    ):
        """`evaluate_fn(model, tokenizer, docs) -> float` scores dev documents (default: entity micro-F1);
        `silver_docs` (machine-labelled, training/silver.py) train at `config.silver_weight`, unaugmented."""
        from training.evaluate import dev_entity_f1

        if not train_docs:
            raise ValueError("no training documents")
        self.model, self.tokenizer, self.config = model, tokenizer, config
        self.dev_docs = dev_docs
        self.evaluate_fn = evaluate_fn or dev_entity_f1
        self.epoch = 0
        self.augmented = (
            swap_entities(
                train_docs,
                config.augment_copies,
                config.seed,
                pool_share=config.pool_share,
                postpose_share=config.postpose_share,
            )
            if config.augment_copies
            else []
        )
        silver = [{**doc, "weight": config.silver_weight} for doc in silver_docs]
        self.silver_documents = len(silver)
        self.dataset = make_dataset(train_docs + self.augmented + silver, tokenizer, model.config)
        log.info(
            "%d training windows from %d documents (+%d augmented, +%d silver)",
            len(self.dataset),
            len(train_docs),
            len(self.augmented),
            len(silver),
        )

        head_params = list(model.relation_head.parameters()) + list(model.token_model.classifier.parameters())
        if model.lexicon is not None:  # new, like the heads: it learns at their rate
            head_params += list(model.lexicon.parameters())
        head_ids = {id(p) for p in head_params}
        encoder_params = [p for p in model.parameters() if id(p) not in head_ids]
        self.optimizer = torch.optim.AdamW(
            [{"params": encoder_params, "lr": config.lr}, {"params": head_params, "lr": config.head_lr}],
            weight_decay=config.weight_decay,
        )
        self.steps_per_epoch = max(1, (len(self.dataset) + config.batch_size - 1) // config.batch_size)
        total_steps = self.steps_per_epoch * config.epochs
        warmup = max(1, int(total_steps * config.warmup_ratio))
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup)))
        )

    def state_dict(self) -> dict:
        return {"optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        """The optimizer and scheduler state `state_dict()` gave; set `epoch` to the epoch it was saved after."""
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])

    def epochs(self) -> Iterator[Epoch]:
        """Train one epoch at a time, after `self.epoch` up to `config.epochs`, yielding each one's results."""
        config, model = self.config, self.model
        started = time.monotonic()
        pad_id = self.tokenizer.pad_token_id
        while self.epoch < config.epochs:
            epoch = self.epoch + 1
            model.train()
            shuffled = self.dataset.shuffle(seed=config.seed + epoch)
            totals = {"loss": 0.0, "ner": 0.0, "rel": 0.0}
            bar = tqdm(range(0, len(shuffled), config.batch_size), desc=f"epoch {epoch}/{config.epochs}", unit="batch")
            for start in bar:
                rows = shuffled.select(range(start, min(start + config.batch_size, len(shuffled))))
                batch = collate(list(rows), pad_id)
                loss, ner, rel = batch_loss(model, batch, config.relation_weight)
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                self.optimizer.step()
                self.scheduler.step()
                totals["loss"] += loss.item()
                totals["ner"] += ner
                totals["rel"] += rel
                bar.set_postfix(loss=f"{loss.item():.3f}")
            dev_f1 = self.evaluate_fn(model, self.tokenizer, self.dev_docs) if self.dev_docs else 0.0
            entry = {k: round(v / self.steps_per_epoch, 4) for k, v in totals.items()}
            entry.update(
                epoch=epoch, dev_entity_f1=round(dev_f1, 4), minutes=round((time.monotonic() - started) / 60, 2)
            )
            self.epoch = epoch
            log.info("epoch %d: loss %.4f dev entity F1 %.4f", epoch, entry["loss"], dev_f1)
            yield Epoch(epoch, entry, dev_f1)


def train(
    train_paths: list[str],
    dev_paths: list[str],
    output: str | Path,
    config: TrainConfig,
    resume: bool = False,
    evaluate_fn=None,
    silver_paths: list[str] = (),
) -> dict:
    """Train, keep the best model on dev entity F1 in `output` (the last in `output/checkpoint`, with the
    optimizer, for --resume), stop early after `config.patience` epochs without gain; return the summary."""
    set_seed(config.seed)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    train_docs = load_documents(train_paths)
    dev_docs = load_documents(dev_paths)
    silver_docs = load_documents(silver_paths) if silver_paths else []
    if not train_docs:
        raise ValueError("no training documents")

    checkpoint = output / "checkpoint"
    state = {"epoch": 0, "best_f1": -1.0, "best_epoch": 0, "log": []}
    if resume and (checkpoint / "zsie_config.json").exists():
        model = ZsieModel.load(checkpoint)
        tokenizer = load_tokenizer(checkpoint)
        state = json.loads((checkpoint / "train_state.json").read_text())
        log.info("resuming after epoch %d", state["epoch"])
    else:
        model, tokenizer = build_model(config)
    if state["epoch"] == 0:
        (output / "training_log.jsonl").write_text("", encoding="utf-8")  # a fresh run starts a fresh log

    trainer = Trainer(model, tokenizer, train_docs, dev_docs, config, evaluate_fn, silver_docs)
    if resume and (checkpoint / "optimizer.pt").exists():
        trainer.load_state_dict(torch.load(checkpoint / "optimizer.pt"))
    trainer.epoch = state["epoch"]
    for result in trainer.epochs():
        epoch, dev_f1, entry = result.number, result.dev_f1, result.log
        state["log"].append(entry)
        state["epoch"] = epoch
        with (output / "training_log.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
        if dev_f1 > state["best_f1"]:
            state["best_f1"], state["best_epoch"] = dev_f1, epoch
            model.save(output, tokenizer)
        model.save(checkpoint, tokenizer)
        torch.save(trainer.state_dict(), checkpoint / "optimizer.pt")
        (checkpoint / "train_state.json").write_text(json.dumps(state))
        if epoch - state["best_epoch"] >= config.patience:
            log.info("early stop: no dev improvement for %d epochs", config.patience)
            break
    summary = {
        "config": asdict(config),
        "train_documents": len(train_docs),
        "augmented_documents": len(trainer.augmented),
        "silver_documents": trainer.silver_documents,
        "dev_documents": len(dev_docs),
        "windows": len(trainer.dataset),
        "epochs_run": state["epoch"],
        "best_epoch": state["best_epoch"],
        "best_dev_entity_f1": round(state["best_f1"], 4),
        "log": state["log"],
    }
    (output / "training_summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    return summary
