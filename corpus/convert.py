"""Converters between doccano JSONL, Label Studio JSON exports and character-level CoNLL (BIO)."""

from __future__ import annotations

import json
from pathlib import Path

from model.labels import relation_type_for

# --- Label Studio -------------------------------------------------------------------------------


def label_studio_to_doccano(tasks: list[dict]) -> list[dict]:
    """Label Studio JSON export (a list of tasks) -> doccano relation documents.

    Takes each task's first non-cancelled annotation (or its predictions when none). Relations without a
    label get the only type the schema allows between their endpoints' labels.
    """
    docs = []
    for task in tasks:
        text = task.get("data", {}).get("text")
        if not isinstance(text, str):
            raise ValueError(f"task {task.get('id')}: data.text is missing")
        annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
        results = (annotations or task.get("predictions") or [{"result": []}])[0].get("result", [])
        entities, relations, ids = [], [], {}
        for item in results:
            if item.get("type") != "labels":
                continue
            value = item["value"]
            ids[item["id"]] = len(entities) + 1
            entities.append(
                {
                    "id": len(entities) + 1,
                    "label": value["labels"][0],
                    "start_offset": value["start"],
                    "end_offset": value["end"],
                }
            )
        labels = {e["id"]: e["label"] for e in entities}
        for item in results:
            if item.get("type") != "relation":
                continue
            head, tail = ids[item["from_id"]], ids[item["to_id"]]
            if item.get("direction") == "left":
                head, tail = tail, head
            types = item.get("labels") or relation_type_for(labels[head], labels[tail])
            if not types:
                raise ValueError(f"task {task.get('id')}: relation {labels[head]} -> {labels[tail]} has no type")
            relations.append({"id": len(relations) + 1, "from_id": head, "to_id": tail, "type": types[0]})
        docs.append({"id": task.get("id"), "text": text, "entities": entities, "relations": relations})
    return docs


def load_label_studio(path: str | Path) -> list[dict]:
    return label_studio_to_doccano(json.loads(Path(path).read_text(encoding="utf-8")))


# --- CoNLL ---------------------------------------------------------------------------------------
# One character per line, "CHAR<TAB>TAG"; a "# id = …" line opens each document and a blank line ends it.
# Whitespace characters are written as <U+XXXX> so that the text round-trips exactly.


def _escape(ch: str) -> str:
    return f"<U+{ord(ch):04X}>" if ch.isspace() or ch == "<" else ch


def _unescape(token: str) -> str:
    if token.startswith("<U+") and token.endswith(">"):
        return chr(int(token[3:-1], 16))
    return token


def doc_to_bio(doc: dict) -> list[str]:
    """BIO tag of every character; raises on overlapping spans, which BIO cannot hold."""
    tags = ["O"] * len(doc["text"])
    for ent in sorted(doc.get("entities", []), key=lambda e: e["start_offset"]):
        start, end = ent["start_offset"], ent["end_offset"]
        if any(tag != "O" for tag in tags[start:end]):
            raise ValueError(f"document {doc.get('id')}: overlapping spans cannot be written as BIO")
        tags[start] = f"B-{ent['label']}"
        for i in range(start + 1, end):
            tags[i] = f"I-{ent['label']}"
    return tags


def bio_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Spans (start, end, label) from BIO tags; a stray I- starts a span (IOB2 repair)."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, tag_label = tag.partition("-")
        if start is not None and (prefix != "I" or tag_label != label):
            spans.append((start, i, label))
            start, label = None, None
        if prefix == "B" or (prefix == "I" and start is None):
            start, label = i, tag_label
    return spans


def doccano_to_conll(docs: list[dict]) -> str:
    blocks = []
    for doc in docs:
        lines = [f"# id = {doc.get('id')}"]
        lines += [f"{_escape(ch)}\t{tag}" for ch, tag in zip(doc["text"], doc_to_bio(doc), strict=False)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def conll_to_doccano(source: str) -> list[dict]:
    docs = []
    for block in source.split("\n\n"):
        lines = [line for line in block.split("\n") if line]
        if not lines:
            continue
        doc_id = None
        if lines[0].startswith("# id = "):
            doc_id = lines.pop(0)[len("# id = ") :]
        chars, tags = [], []
        for line in lines:
            token, _, tag = line.rpartition("\t")
            chars.append(_unescape(token))
            tags.append(tag)
        entities = [
            {"id": n, "label": label, "start_offset": s, "end_offset": e}
            for n, (s, e, label) in enumerate(bio_to_spans(tags), start=1)
        ]
        docs.append({"id": doc_id, "text": "".join(chars), "entities": entities, "relations": []})
    return docs
