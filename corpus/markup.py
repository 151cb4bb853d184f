"""Inline authoring markup -> doccano JSONL.

Documents are written by hand in a light markup and converted, so that nobody types offsets:

    ### doc: w001 province=广东 level=city genre=meeting
    [市委书记](TITLE:t1)[冯忠华](PERSON:p1)出席会议。全年签约[516个](COUNT:c1)[项目](METRIC:m1)……
    ### relations
    p1 t1
    c1 m1

A span is `[text](LABEL)` or `[text](LABEL:ref)`; a ref is needed only for spans in relations. A relation
line is `head tail [tail ...]`; its type follows from the labels (PERSON->TITLE is has_title, ...), or is
named explicitly as `head type tail`. The text is kept exactly as written, blank lines included, with the
final newline before the next `###` line dropped.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from model.labels import ENTITY_LABELS, RELATION_TYPES, relation_type_for

_SPAN = re.compile(r"\[([^\[\]\n]+)\]\((" + "|".join(ENTITY_LABELS) + r")(?::([A-Za-z0-9_]+))?\)")
_HEADER = re.compile(r"^### doc:\s*(\S+)(.*)$")


class MarkupError(ValueError):
    pass


@dataclass
class MarkupDocument:
    id: str
    meta: dict[str, str]
    text: str = ""
    entities: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)

    def to_doccano(self) -> dict:
        return {"id": self.id, "text": self.text, "entities": self.entities, "relations": self.relations}


def _parse_body(doc: MarkupDocument, body: str, where: str) -> dict[str, dict]:
    """Strip span markup from body, filling doc.text and doc.entities; return ref -> entity."""
    refs: dict[str, dict] = {}
    out: list[str] = []
    pos = 0
    length = 0
    for match in _SPAN.finditer(body):
        plain = body[pos : match.start()]
        out.append(plain)
        length += len(plain)
        surface, label, ref = match.groups()
        entity = {
            "id": len(doc.entities) + 1,
            "label": label,
            "start_offset": length,
            "end_offset": length + len(surface),
        }
        doc.entities.append(entity)
        if ref:
            if ref in refs:
                raise MarkupError(f"{where}: ref {ref!r} used twice")
            refs[ref] = entity
        out.append(surface)
        length += len(surface)
        pos = match.end()
    out.append(body[pos:])
    doc.text = "".join(out)
    leftover = re.search(r"\]\((?:[A-Z]+)(?::\w+)?\)", doc.text)
    if leftover:
        raise MarkupError(
            f"{where}: malformed span markup near {doc.text[max(0, leftover.start() - 20) : leftover.end()]!r}"
        )
    return refs


def _parse_relations(doc: MarkupDocument, lines: list[str], refs: dict[str, dict], where: str) -> None:
    for line in lines:
        parts = line.split()
        if not parts:
            continue
        if len(parts) == 3 and parts[1] in RELATION_TYPES:
            pairs = [(parts[0], parts[2], parts[1])]
        else:
            pairs = [(parts[0], tail, None) for tail in parts[1:]]
        if not pairs:
            raise MarkupError(f"{where}: relation line needs a head and a tail: {line!r}")
        for head_ref, tail_ref, rel_type in pairs:
            for ref in (head_ref, tail_ref):
                if ref not in refs:
                    raise MarkupError(f"{where}: unknown ref {ref!r} in relation line {line!r}")
            head, tail = refs[head_ref], refs[tail_ref]
            if rel_type is None:
                types = relation_type_for(head["label"], tail["label"])
                if len(types) != 1:
                    raise MarkupError(f"{where}: no relation type links {head['label']} -> {tail['label']} ({line!r})")
                rel_type = types[0]
            doc.relations.append(
                {"id": len(doc.relations) + 1, "from_id": head["id"], "to_id": tail["id"], "type": rel_type}
            )


def parse_markup(source: str, name: str = "<markup>") -> list[MarkupDocument]:
    """Parse every document in a markup file."""
    docs: list[MarkupDocument] = []
    lines = source.split("\n")
    i = 0
    while i < len(lines):
        header = _HEADER.match(lines[i])
        if not header:
            if lines[i].strip():
                raise MarkupError(f"{name}:{i + 1}: text outside a document (expected '### doc: ID')")
            i += 1
            continue
        doc_line = i + 1
        meta = dict(kv.split("=", 1) for kv in header.group(2).split() if "=" in kv)
        doc = MarkupDocument(id=header.group(1), meta=meta)
        i += 1
        body: list[str] = []
        while i < len(lines) and not lines[i].startswith("### "):
            body.append(lines[i])
            i += 1
        rel_lines: list[str] = []
        if i < len(lines) and lines[i].strip() == "### relations":
            i += 1
            while i < len(lines) and not lines[i].startswith("### "):
                rel_lines.append(lines[i])
                i += 1
        elif i < len(lines) and not _HEADER.match(lines[i]):
            raise MarkupError(f"{name}:{i + 1}: unknown section {lines[i]!r}")
        while body and body[-1] == "":  # blank lines before the next section are layout
            body.pop()
        where = f"{name}:{doc_line} ({doc.id})"
        refs = _parse_body(doc, "\n".join(body), where)
        _parse_relations(doc, rel_lines, refs, where)
        docs.append(doc)
    return docs


def parse_markup_file(path: str | Path) -> list[MarkupDocument]:
    path = Path(path)
    return parse_markup(path.read_text(encoding="utf-8"), str(path))


def render_markup(
    doc_id: str, text: str, meta: dict[str, str], entities: list[dict], links: list[tuple[str, str]]
) -> str:
    """The markup of one document: `entities` hold label, start_offset, end_offset and a `ref`; `links` are
    (head ref, tail ref). Refs are written only for spans that take part in a link. Inverse of parse_markup."""
    linked = {ref for pair in links for ref in pair}
    out, pos = [], 0
    for ent in sorted(entities, key=lambda e: e["start_offset"]):
        start, end = ent["start_offset"], ent["end_offset"]
        if start < pos:
            raise MarkupError(f"{doc_id}: spans overlap at {start}")
        ref = f":{ent['ref']}" if ent.get("ref") in linked else ""
        out.append(text[pos:start] + f"[{text[start:end]}]({ent['label']}{ref})")
        pos = end
    out.append(text[pos:])
    header = " ".join([f"### doc: {doc_id}"] + [f"{k}={v}" for k, v in meta.items()])
    heads: dict[str, list[str]] = {}
    for head, tail in links:
        heads.setdefault(head, []).append(tail)
    relations = [f"{head} {' '.join(tails)}" for head, tails in heads.items()]
    return "\n".join([header, "".join(out).rstrip("\n"), "### relations", *relations, ""])


def main(argv: list[str]) -> int:
    """Check markup files: print each document's spans, or the first error. Used while authoring."""
    from corpus.build import check_source_text
    from corpus.validate import validate_document

    status = 0
    for arg in argv:
        try:
            docs = parse_markup_file(arg)
        except MarkupError as err:
            print(err)
            status = 1
            continue
        for doc in docs:
            problems = validate_document(doc.to_doccano()) + check_source_text(doc)
            for problem in problems:
                print(f"{arg} ({doc.id}): {problem}")
                status = 1
            counts: dict[str, int] = {}
            for ent in doc.entities:
                counts[ent["label"]] = counts.get(ent["label"], 0) + 1
            rels: dict[str, int] = {}
            for rel in doc.relations:
                rels[rel["type"]] = rels.get(rel["type"], 0) + 1
            print(f"{arg} {doc.id}: {len(doc.text)} chars, spans {counts}, relations {rels}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
