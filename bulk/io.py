"""Readers and writers for batch extraction: input shards in, output shards and error files out.

Inputs are JSONL files of {id, text, doc_date}, Parquet files with columns id, text (doc_date optional), and
folders of .txt files (the id of a .txt document is its file name, as in `zsie extract`). Each input is cut
into shards of `shard_size` documents, named after the input (`news-00000`, `news-00001`, ...); each shard's
output is written whole or not at all (a temporary file renamed into place), so a shard's output file
existing means the shard is done. A JSONL document without an id gets `<file name>:<line>` (ids are what
resumption and errors.jsonl refer to).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

ERRORS_DIR = "errors"
ERRORS_FILE = "errors.jsonl"
SUMMARY_FILE = "summary.json"
FORMATS = ("jsonl", "parquet")
FACT_LISTS = ("officials", "amounts", "project_counts", "rates", "strategies")


@dataclass(frozen=True)
class Shard:
    name: str
    kind: str  # jsonl | parquet | txt
    path: str = ""  # the input file (jsonl, parquet)
    start: int = 0  # jsonl: byte offset of the first line; parquet: first row
    count: int = 0  # documents (non-blank lines, rows or files)
    first_line: int = 1  # jsonl: the line number at `start`
    files: tuple[str, ...] = field(default_factory=tuple)  # txt

    def as_row(self) -> dict:
        return {**asdict(self), "files": list(self.files)}

    @classmethod
    def from_row(cls, row: dict) -> Shard:
        return cls(**{**row, "files": tuple(row.get("files") or ())})


def _stems(files: list[Path]) -> dict[Path, str]:
    """A shard prefix per input: its stem, with a short hash of its path where two inputs share a stem."""
    counts: dict[str, int] = {}
    for f in files:
        counts[f.stem] = counts.get(f.stem, 0) + 1
    return {
        f: f.stem if counts[f.stem] == 1 else f"{f.stem}-{hashlib.sha1(str(f.resolve()).encode()).hexdigest()[:6]}"
        for f in files
    }


def plan_shards(paths: list[Path], shard_size: int) -> tuple[list[Shard], list[dict]]:
    """Shards of every input, in input order, and errors for inputs that cannot be read at all."""
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    errors: list[dict] = []
    units: list[Path] = []  # files (.jsonl, .parquet) and folders (their .txt files)
    for path in paths:
        if path.is_dir():
            nested = sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".parquet"))
            units += nested
            if any(p.suffix == ".txt" for p in path.rglob("*")):
                units.append(path)
        elif not path.exists():
            errors.append({"id": None, "source": str(path), "reason": "no such file"})
        elif path.suffix in (".jsonl", ".parquet", ".txt"):
            units.append(path)
        else:
            errors.append({"id": None, "source": str(path), "reason": "not .jsonl, .parquet, .txt or a folder"})
    shards: list[Shard] = []
    for unit, stem in _stems(units).items():
        if unit.is_dir():
            files = [str(p) for p in sorted(unit.rglob("*.txt"))]
            shards += [
                Shard(
                    f"{stem}-{i // shard_size:05d}",
                    "txt",
                    files=tuple(files[i : i + shard_size]),
                    count=len(files[i : i + shard_size]),
                )
                for i in range(0, len(files), shard_size)
            ]
        elif unit.suffix == ".txt":
            shards.append(Shard(f"{stem}-00000", "txt", files=(str(unit),), count=1))
        elif unit.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(unit).metadata.num_rows
            shards += [
                Shard(f"{stem}-{i // shard_size:05d}", "parquet", str(unit), i, min(shard_size, rows - i))
                for i in range(0, rows, shard_size)
            ]
        else:
            shards += _jsonl_shards(unit, stem, shard_size)
    return shards, errors


def _jsonl_shards(path: Path, stem: str, shard_size: int) -> list[Shard]:
    """One pass over the file's bytes: where every `shard_size`-th non-blank line starts."""
    shards, offset, count, start, first_line = [], 0, 0, 0, 1
    with path.open("rb") as handle:
        for lineno, line in enumerate(handle, start=1):
            if line.strip():
                if count == 0:
                    start, first_line = offset, lineno
                count += 1
                if count == shard_size:
                    shards.append(Shard(f"{stem}-{len(shards):05d}", "jsonl", str(path), start, count, first_line))
                    count = 0
            offset += len(line)
    if count:
        shards.append(Shard(f"{stem}-{len(shards):05d}", "jsonl", str(path), start, count, first_line))
    return shards


def read_shard(shard: Shard) -> tuple[list[dict], list[dict]]:
    """(documents {id, text, doc_date}, errors {id, source, reason}) of one shard; bad lines and files are
    errors, the rest are read."""
    from model.extractor import as_document

    docs, errors = [], []

    def add(item, source: str, default_id: str | None) -> None:
        try:
            if not isinstance(item, dict):
                raise ValueError("a line must be a JSON object")
            doc = as_document(item)  # the same checks as `zsie extract`
        except (ValueError, TypeError) as err:
            errors.append(
                {"id": item.get("id") if isinstance(item, dict) else None, "source": source, "reason": str(err)}
            )
            return
        doc_id = doc.id if doc.id is not None else default_id
        docs.append(
            {
                "id": str(doc_id) if doc_id is not None else None,
                "text": doc.text,
                "doc_date": doc.doc_date.isoformat() if doc.doc_date else None,
            }
        )

    if shard.kind == "txt":
        for file in shard.files:
            try:
                text = Path(file).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                errors.append({"id": Path(file).name, "source": file, "reason": "not UTF-8 text"})
                continue
            except OSError as err:
                errors.append({"id": Path(file).name, "source": file, "reason": f"unreadable ({err.strerror})"})
                continue
            docs.append({"id": Path(file).name, "text": text, "doc_date": None})
    elif shard.kind == "parquet":
        for offset, row in enumerate(_parquet_rows(shard)):
            add(row, f"{shard.path}:row {shard.start + offset}", f"{Path(shard.path).name}:{shard.start + offset}")
    else:
        name = Path(shard.path).name
        with open(shard.path, "rb") as handle:
            handle.seek(shard.start)
            lineno, seen = shard.first_line - 1, 0
            while seen < shard.count:
                raw = handle.readline()
                lineno += 1
                if not raw:
                    break
                if not raw.strip():
                    continue
                seen += 1
                source = f"{shard.path}:{lineno}"
                try:
                    item = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError) as err:
                    errors.append({"id": None, "source": source, "reason": f"not a JSON line: {err}"})
                    continue
                add(item, source, f"{name}:{lineno}")
    return docs, errors


def _parquet_rows(shard: Shard):
    import pyarrow.parquet as pq

    handle = pq.ParquetFile(shard.path)
    names = set(handle.schema_arrow.names)
    columns = [c for c in ("id", "text", "doc_date") if c in names]
    row, stop = 0, shard.start + shard.count
    for group in range(handle.num_row_groups):
        size = handle.metadata.row_group(group).num_rows
        if row + size > shard.start and row < stop:
            table = handle.read_row_group(group, columns=columns)
            lo, hi = max(shard.start - row, 0), min(stop - row, size)
            for item in table.slice(lo, hi - lo).to_pylist():
                if item.get("doc_date") is not None and not isinstance(item["doc_date"], str):
                    item["doc_date"] = item["doc_date"].isoformat()  # a date32 column
                yield item
        row += size
        if row >= stop:
            break


# --- output -----------------------------------------------------------------------------------------------


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(path.name + ".tmp")
    write(tmp)
    os.replace(tmp, path)


def shard_output(out_dir: Path, name: str, fmt: str) -> Path:
    return out_dir / f"{name}.{fmt}"


def write_shard(out_dir: Path, name: str, fmt: str, lines: list[str], errors: list[dict]) -> None:
    """The shard's errors (errors/<name>.jsonl), then its records: the record file appears last and whole."""
    err_path = out_dir / ERRORS_DIR / f"{name}.jsonl"
    if errors:
        err_path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(
            err_path,
            lambda p: p.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8"),
        )
    elif err_path.exists():
        err_path.unlink()
    target = shard_output(out_dir, name, fmt)
    if fmt == "jsonl":
        _atomic_write(target, lambda p: p.write_text("".join(line + "\n" for line in lines), encoding="utf-8"))
    else:
        import pyarrow.parquet as pq

        table = records_table([json.loads(line) for line in lines])
        _atomic_write(target, lambda p: pq.write_table(table, p))


def done_shards(out_dir: Path, fmt: str) -> set[str]:
    return {p.name[: -len(fmt) - 1] for p in out_dir.glob(f"*.{fmt}") if p.name != ERRORS_FILE}


def written_ids(out_dir: Path, fmt: str) -> set[str]:
    """Ids of every record in the finished output shards."""
    ids: set[str] = set()
    for name in done_shards(out_dir, fmt):
        path = shard_output(out_dir, name, fmt)
        if fmt == "jsonl":
            with path.open(encoding="utf-8") as handle:
                ids.update(json.loads(line)["id"] for line in handle if line.strip())
        else:
            import pyarrow.parquet as pq

            ids.update(pq.read_table(path, columns=["id"]).column("id").to_pylist())
    return ids


def merge_errors(out_dir: Path, input_errors: list[dict]) -> int:
    """errors.jsonl: the input errors of this run, then every shard's errors, in shard order; returns the count."""
    folder = out_dir / ERRORS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    inputs = folder / "_inputs.jsonl"
    if input_errors:
        inputs.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in input_errors), encoding="utf-8")
    elif inputs.exists():
        inputs.unlink()
    lines = []
    for path in sorted(folder.glob("*.jsonl")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    _atomic_write(
        out_dir / ERRORS_FILE, lambda p: p.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    )
    return len(lines)


# --- Parquet: one row per document, the record's lists as nested columns -----------------------------------


def records_schema():
    """Columns in the record's key order, so a row read back (`to_pylist()`) is the record, key for key."""
    import pyarrow as pa

    s, i, f = pa.string(), pa.int64(), pa.float64()
    span = [("text", s), ("start", i), ("end", i)]
    mentions = pa.list_(pa.list_(i))
    return pa.schema(
        [
            ("id", s),
            ("model", s),
            ("entities", pa.list_(pa.struct([("label", s), ("start", i), ("end", i), ("score", f), ("text", s)]))),
            ("relations", pa.list_(pa.struct([("type", s), ("head", i), ("tail", i), ("score", f)]))),
            (
                "officials",
                pa.list_(
                    pa.struct([("name", s), ("titles", pa.list_(s)), ("roles", pa.list_(s)), ("mentions", mentions)])
                ),
            ),
            (
                "amounts",
                pa.list_(
                    pa.struct(
                        span
                        + [
                            ("value", s),
                            ("value_max", s),
                            ("currency", s),
                            ("qualifier", s),
                            ("metric", s),
                            ("period", s),
                        ]
                    )
                ),
            ),
            (
                "project_counts",
                pa.list_(pa.struct(span + [("value", i), ("qualifier", s), ("counted", s), ("period", s)])),
            ),
            ("rates", pa.list_(pa.struct(span + [("value", s), ("unit", s), ("metric", s), ("period", s)]))),
            ("strategies", pa.list_(pa.struct([("name", s), ("mentions", mentions)]))),
        ]
    )


def records_table(records: list[dict]):
    import pyarrow as pa

    schema = records_schema()
    return pa.Table.from_pylist([{name: r.get(name) for name in schema.names} for r in records], schema=schema)


def read_records(path: Path) -> list[dict]:
    """The records of an output shard (.jsonl or .parquet)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
