"""doccano's relation JSONL, read and written unchanged.

One document per line:
{"id", "text", "entities": [{"id", "label", "start_offset", "end_offset"}],
 "relations": [{"id", "from_id", "to_id", "type"}]}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, document) for every non-blank line; bad JSON raises ValueError naming the line."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{lineno}: invalid JSON: {err.msg}") from err


def load_documents(paths: Iterable[str | Path]) -> list[dict]:
    """All documents of the given JSONL files (or directories of them), in order."""
    docs: list[dict] = []
    for path in expand_paths(paths):
        docs.extend(doc for _, doc in read_jsonl(path))
    return docs


def write_jsonl(documents: Iterable[dict], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as handle:
        for doc in documents:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories expand to their *.jsonl files, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.glob("*.jsonl")))
        else:
            out.append(path)
    return out


def spans(doc: dict) -> list[tuple[int, int, str]]:
    """(start, end, label) of every entity, sorted by position."""
    return sorted((e["start_offset"], e["end_offset"], e["label"]) for e in doc.get("entities", []))
