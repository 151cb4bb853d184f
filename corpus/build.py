"""Build the corpus: authoring markup -> validated doccano JSONL splits and a provenance table."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from corpus.doccano import write_jsonl
from corpus.markup import MarkupDocument, parse_markup_file
from corpus.validate import validate_document

SPLITS = ("train", "dev", "test")
DEV_SHARE = TEST_SHARE = 0.15


def markup_files(src_dir: str | Path) -> list[Path]:
    """The markup files of a folder: *.md files whose first non-blank line opens a document."""
    files = []
    for path in sorted(Path(src_dir).glob("*.md")):
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
        if first.startswith("### doc:"):
            files.append(path)
    return files


def assign_splits(docs: list[MarkupDocument], group_of) -> dict[str, str]:
    """doc id -> split. Seeds go to test; other documents are split ~70/15/15 within each group
    (authoring batch), ordered by a hash of the id so the split is fixed and independent of file order."""
    groups: dict[str, list[str]] = defaultdict(list)
    split: dict[str, str] = {}
    for doc in docs:
        if doc.meta.get("source", "written") != "written":
            split[doc.id] = "test"
        else:
            groups[group_of(doc)].append(doc.id)
    for ids in groups.values():
        ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        n_test = round(len(ordered) * TEST_SHARE)
        n_dev = round(len(ordered) * DEV_SHARE)
        for rank, doc_id in enumerate(ordered):
            split[doc_id] = "test" if rank < n_test else "dev" if rank < n_test + n_dev else "train"
    return split


def build_corpus(src_dir: str | Path, output_dir: str | Path) -> dict:
    """Parse, validate and split every markup document; write train/dev/test.jsonl and README.md (provenance)."""
    src_dir, output_dir = Path(src_dir), Path(output_dir)
    docs: list[MarkupDocument] = []
    origin: dict[str, Path] = {}
    problems: list[str] = []
    for path in markup_files(src_dir):
        for doc in parse_markup_file(path):
            if doc.id in origin:
                problems.append(f"{path}: document id {doc.id} also in {origin[doc.id]}")
            origin[doc.id] = path
            problems += [f"{path} ({doc.id}): {msg}" for msg in validate_document(doc.to_doccano())]
            docs.append(doc)
    if problems:
        raise ValueError("invalid markup:\n" + "\n".join(problems))
    split = assign_splits(docs, group_of=lambda d: origin[d.id].stem)
    output_dir.mkdir(parents=True, exist_ok=True)
    for name in SPLITS:
        write_jsonl([d.to_doccano() for d in docs if split[d.id] == name], output_dir / f"{name}.jsonl")
    _write_provenance(docs, split, origin, output_dir / "README.md")
    return {name: sum(1 for d in docs if split[d.id] == name) for name in SPLITS}


def _write_provenance(docs, split, origin, path: Path) -> None:
    counts = {name: sum(1 for d in docs if split[d.id] == name) for name in SPLITS}
    lines = [
        "# The annotated corpus",
        "",
        f"{len(docs)} documents in doccano relation JSONL: train {counts['train']}, dev {counts['dev']}, test {counts['test']}",
        "(split by document, about 70/15/15 within each authoring batch; the five seed articles are in test).",
        "The rules are in `GUIDELINES.md`; the authoring markup is in `src/` and `zsie annotations build` turns it",
        "into the JSONL files and this page (do not edit either by hand). The seed documents are built from",
        "`../shared/seeds/` by `src/build_seeds_markup.py`. Nothing from `../shared/heldout-real/` is here.",
        "",
        "## Provenance of every document",
        "",
        "`source` is the seed file a document was taken from, or `written` for documents written in this project",
        "(invented names; realistic, not real reports).",
        "",
        "| id | split | source | markup file | province | level | genre | noise | characters |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for doc in sorted(docs, key=lambda d: (SPLITS.index(split[d.id]), d.id)):
        meta = doc.meta
        lines.append(
            f"| {doc.id} | {split[doc.id]} | {meta.get('source', 'written')} | {origin[doc.id].name} | "
            f"{meta.get('province', '')} | {meta.get('level', '')} | {meta.get('genre', '')} | "
            f"{meta.get('noise', '')} | {len(doc.text)} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
