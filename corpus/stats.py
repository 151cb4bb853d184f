"""Corpus statistics: documents, characters, spans per label and relations per type, per file (split)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from corpus.doccano import expand_paths, read_jsonl
from model.labels import ENTITY_LABELS, RELATION_TYPES


def _empty() -> dict:
    return {
        "documents": 0,
        "characters": 0,
        "spans": {label: 0 for label in ENTITY_LABELS},
        "relations": {rel: 0 for rel in RELATION_TYPES},
    }


def corpus_stats(paths: Iterable[str | Path]) -> dict:
    """{"splits": {name: stats}, "sources": {source: stats}, "total": stats}; a split is one file, named by its
    stem; a source is a document's `source` (seed, inews, written)."""
    splits: dict[str, dict] = {}
    sources: dict[str, dict] = {}
    total = _empty()
    for path in expand_paths(paths):
        split = splits.setdefault(path.stem, _empty())
        for _, doc in read_jsonl(path):
            spans = Counter(e["label"] for e in doc.get("entities", []))
            rels = Counter(r["type"] for r in doc.get("relations", []))
            source = sources.setdefault(str(doc.get("source", "unknown")), _empty())
            by_split = source.setdefault("documents_per_split", {})
            by_split[path.stem] = by_split.get(path.stem, 0) + 1
            for bucket in (split, source, total):
                bucket["documents"] += 1
                bucket["characters"] += len(doc.get("text", ""))
                for label, n in spans.items():
                    bucket["spans"][label] = bucket["spans"].get(label, 0) + n
                for rel, n in rels.items():
                    bucket["relations"][rel] = bucket["relations"].get(rel, 0) + n
    return {"splits": splits, "sources": dict(sorted(sources.items())), "total": total}


def format_stats(stats: dict) -> str:
    """A plain-text table: one column per split, one per source, and the total."""
    sources = stats.get("sources", {})
    columns = list(stats["splits"]) + list(sources) + ["total"]
    buckets = list(stats["splits"].values()) + list(sources.values()) + [stats["total"]]
    rows = [("documents", [b["documents"] for b in buckets]), ("characters", [b["characters"] for b in buckets])]
    for split in stats["splits"]:
        per_source = [b.get("documents_per_split", {}).get(split, 0) for b in sources.values()]
        rows.append((f"documents in {split}", [""] * len(stats["splits"]) + per_source + [""]))
    rows += [(f"span {label}", [b["spans"].get(label, 0) for b in buckets]) for label in stats["total"]["spans"]]
    rows += [(f"rel {rel}", [b["relations"].get(rel, 0) for b in buckets]) for rel in stats["total"]["relations"]]
    width = max(len(name) for name, _ in rows) + 2
    lines = ["".ljust(width) + "".join(c.rjust(12) for c in columns)]
    for name, values in rows:
        lines.append(name.ljust(width) + "".join(str(v).rjust(12) for v in values))
    return "\n".join(lines)
