"""Reading documents for extraction: .txt files, folders of them, .jsonl files, or a stream."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from model.extractor import Document, as_document


@dataclass
class InputErrors:
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)


def iter_documents(paths: list[Path], stdin: TextIO | None, errors: InputErrors) -> Iterator[Document]:
    """Documents from every path (a .txt file's id is its name); problems are recorded and skipped."""
    if not paths and stdin is not None:
        yield from _from_stream(stdin, "<stdin>", errors)
        return
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl"))
        else:
            files = [path]
        for file in files:
            if not file.exists():
                errors.add(f"{file}: no such file")
                continue
            try:
                if file.suffix == ".jsonl":
                    with file.open(encoding="utf-8") as handle:
                        yield from _from_jsonl(handle, str(file), errors)
                else:
                    yield Document(file.read_text(encoding="utf-8"), id=file.name)
            except UnicodeDecodeError:
                errors.add(f"{file}: not UTF-8 text, skipped")
            except OSError as err:
                errors.add(f"{file}: unreadable ({err.strerror}), skipped")


def _from_stream(stream: TextIO, name: str, errors: InputErrors) -> Iterator[Document]:
    text = stream.read()
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        yield from _from_jsonl(lines, name, errors)
    else:
        yield Document(text, id=None)


def _from_jsonl(lines, name: str, errors: InputErrors) -> Iterator[Document]:
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield as_document(json.loads(line))
        except (json.JSONDecodeError, ValueError, TypeError) as err:
            errors.add(f"{name}:{lineno}: {err}, skipped")
