"""`zsie annotations …`: validate, describe, build and convert the annotated corpus."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from corpus.build import build_corpus
from corpus.convert import conll_to_doccano, doccano_to_conll, load_label_studio
from corpus.doccano import load_documents, write_jsonl
from corpus.stats import corpus_stats, format_stats
from corpus.validate import validate_files

app = typer.Typer(help="Annotated corpus: validate, stats, build from markup, convert formats.", no_args_is_help=True)


@app.command()
def validate(paths: list[Path] = typer.Argument(..., help="JSONL files or folders of them")) -> None:
    """Check offsets, spans, labels and relations; print every problem as file:line: message."""
    problems = validate_files(paths)
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo("ok: no problems")


@app.command()
def stats(
    paths: list[Path] = typer.Argument(..., help="JSONL files or folders of them"),
    output: Path | None = typer.Option(None, "--output", "-o", help="also write the figures as JSON"),
) -> None:
    """Documents, characters, spans per label and relations per type, per split."""
    result = corpus_stats(paths)
    typer.echo(format_stats(result))
    if output:
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")


@app.command()
def build(
    src: Path = typer.Argument(Path("annotations/src"), help="folder of authoring markup files"),
    output: Path = typer.Option(Path("annotations"), "--output", "-o"),
) -> None:
    """Convert authoring markup into train/dev/test JSONL splits and annotations/README.md (provenance)."""
    try:
        counts = build_corpus(src, output)
    except ValueError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    typer.echo(" ".join(f"{name}={n}" for name, n in counts.items()))


@app.command()
def convert(
    source: Path = typer.Argument(..., help="input file"),
    output: Path = typer.Argument(..., help="output file"),
    source_format: str = typer.Option(..., "--from", help="jsonl | conll | label-studio"),
    target_format: str = typer.Option(..., "--to", help="jsonl | conll"),
) -> None:
    """Convert between doccano JSONL, character CoNLL (BIO) and Label Studio JSON exports."""
    readers = {
        "jsonl": lambda p: load_documents([p]),
        "conll": lambda p: conll_to_doccano(p.read_text(encoding="utf-8")),
        "label-studio": load_label_studio,
    }
    if source_format not in readers or target_format not in ("jsonl", "conll"):
        raise typer.BadParameter("--from takes jsonl|conll|label-studio, --to takes jsonl|conll")
    docs = readers[source_format](source)
    if target_format == "jsonl":
        write_jsonl(docs, output)
    else:
        output.write_text(doccano_to_conll(docs), encoding="utf-8")
    typer.echo(f"{len(docs)} document(s) -> {output}")


@app.command()
def consistency(
    paths: list[Path] = typer.Argument(..., help="JSONL files or folders of them"),
    limit: int = typer.Option(50, help="rows to print"),
) -> None:
    """Surfaces annotated in one place but left bare, or labelled otherwise, elsewhere: places to re-read."""
    from corpus.consistency import inconsistencies

    rows = inconsistencies(load_documents(paths))
    for row in rows[:limit]:
        typer.echo(f"{row['surface']}\tannotated {row['labels']}\tunannotated {row['unannotated']}")
    typer.echo(f"{len(rows)} surface(s) with a disagreement")


@app.command()
def draft(
    output: Path = typer.Option(Path("annotations/drafts"), "--output", "-o", help="folder for the draft markup files"),
    topic: int = typer.Option(140, help="on-topic inews articles to choose"),
    distractors: int = typer.Option(25, help="near-topic distractors to choose"),
    batches: int = typer.Option(7, help="markup files to spread the articles over"),
    first_batch: int = typer.Option(1, help="number of the first file (real_N.md): go on after the corpus's files"),
    split: str | None = typer.Option(
        None, help="write split=… into every header (train: added articles that must not reshuffle dev and test)"
    ),
    avoid: Path | None = typer.Option(None, help="a folder of .txt articles no chosen article may share a line with"),
    model: Path | None = typer.Option(None, help="model that pre-annotates (default: the bundled model)"),
) -> None:
    """Choose real inews articles by topic (never one already in annotations/src) and write draft markup (text
    unchanged, model spans) to correct."""
    from corpus.build import SPLITS
    from corpus.draft import draft_document
    from corpus.inews import annotated_refs, choose, inews_text, lines_of
    from model import Extractor

    if split is not None and split not in SPLITS:
        raise typer.BadParameter(f"one of {', '.join(SPLITS)}", param_hint="--split")
    chosen, near = choose(topic, distractors, exclude=annotated_refs(), avoid=lines_of(avoid) if avoid else set())
    items = [(c, "topic") for c in chosen] + [(c, "distractor") for c in near]
    extractor = Extractor.load(model, device="cpu")
    texts = [inews_text(c.ref) for c, _ in items]
    predictions = extractor.predictor.predict(texts)
    output.mkdir(parents=True, exist_ok=True)
    files: dict[int, list[str]] = {}
    for n, ((cand, kind), text, pred) in enumerate(zip(items, texts, predictions, strict=False)):
        doc_id = "inews_" + cand.ref.replace(":", "_")
        meta = {"source": "inews", "source_ref": cand.ref, "kind": kind} | ({"split": split} if split else {})
        files.setdefault(n % batches, []).append(draft_document(doc_id, text, meta, pred.entities, pred.relations))
    for b, docs in files.items():
        (output / f"real_{first_batch + b}.md").write_text("\n".join(docs), encoding="utf-8")
    typer.echo(f"{len(items)} article(s) in {len(files)} file(s) under {output}")


@app.command()
def agreement(
    first: Path = typer.Argument(..., help="one annotation (JSONL or authoring markup .md)"),
    second: Path = typer.Argument(..., help="the other, independent annotation of the same documents"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="also write the figures and every disagreement as JSON"
    ),
) -> None:
    """Span-level agreement F1 per label (and per relation type) between two annotations of the same documents."""
    from corpus.agreement import agreement as compare, format_agreement, load_annotations

    try:
        result = compare(load_annotations(first), load_annotations(second))
    except ValueError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err
    typer.echo(format_agreement(result))
    if output:
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
