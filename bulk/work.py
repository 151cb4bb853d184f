"""Reading a shard into chunks, and extracting one chunk: the units of work both engines run.

A chunk is `batch_size` consecutive documents of a shard, so an actor's model pass holds the same documents
as `Extractor.extract_many(docs, batch_size)` over the same documents would (with dynamic int8 a pass's
activations share one scale, so batch-mates can matter). Records are serialised exactly as `zsie extract`
does: `json.dumps(record, ensure_ascii=False)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from bulk.io import FACT_LISTS, Shard, read_shard


def shard_chunks(shard: Shard, batch_size: int, skip_ids: frozenset | set = frozenset()) -> list[dict]:
    """The shard as chunk rows {shard, chunk, n_chunks, payload}; the first chunk carries the read errors and
    the number of documents skipped because they were already written. Never empty, so every shard is seen."""
    docs, errors = read_shard(shard)
    kept = [d for d in docs if d["id"] not in skip_ids]
    parts = [kept[i : i + batch_size] for i in range(0, len(kept), batch_size)] or [[]]
    return [
        {
            "shard": shard.name,
            "chunk": k,
            "n_chunks": len(parts),
            "payload": json.dumps(
                {"docs": part, "errors": errors if k == 0 else [], "skipped": len(docs) - len(kept) if k == 0 else 0},
                ensure_ascii=False,
            ),
        }
        for k, part in enumerate(parts)
    ]


def default_loader(model_dir, device: str, int8: bool | None, threads: int | None):
    from model.extractor import Extractor

    return Extractor.load(model_dir, device=device, int8=int8, threads=threads)


class ChunkExtractor:
    """One Extractor; `__call__(payload)` extracts a chunk and returns its result as a JSON string:
    {records: [record JSON lines], ids, errors, skipped, facts}. A chunk that fails is retried a document at a
    time, so one failing document costs only itself."""

    def __init__(
        self,
        model_dir=None,
        device: str = "auto",
        int8: bool | None = None,
        threads: int | None = None,
        loader: Callable | None = None,
    ):
        self.extractor = (loader or default_loader)(model_dir, device, int8, threads)

    def __call__(self, payload: str) -> str:
        chunk = json.loads(payload)
        docs, errors = chunk["docs"], list(chunk["errors"])
        records: list[dict] = []
        if docs:
            try:
                records = self.extractor.extract_many(docs, batch_size=len(docs))
            except Exception:  # noqa: BLE001 - find the document(s) at fault
                records = []
                for doc in docs:
                    try:
                        records += self.extractor.extract_many([doc], batch_size=1)
                    except Exception as err:  # noqa: BLE001
                        errors.append({"id": doc["id"], "source": "extract", "reason": f"{type(err).__name__}: {err}"})
        return json.dumps(
            {
                "records": [json.dumps(r, ensure_ascii=False) for r in records],
                "ids": [r["id"] for r in records],
                "errors": errors,
                "skipped": chunk["skipped"],
                "facts": sum(len(r[k]) for r in records for k in FACT_LISTS),
            },
            ensure_ascii=False,
        )
