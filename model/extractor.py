"""The public API: `Extractor.load(...)`, `extract(text)`, `extract_many(docs)`."""

from __future__ import annotations

import logging
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import torch
from tqdm import tqdm

from model.bundled import resolve_model_dir
from model.inference import Predictor
from model.network import ZsieModel
from model.records import build_record
from model.tokenization import load_tokenizer

log = logging.getLogger(__name__)

# Tokens per model pass. On the CPU small passes are as fast per token as big ones (measured: 2,048 tokens
# per pass ran the test split 25% faster than 8,192 and held 120 MB less; see bench/README.md), so the budget
# is small; a GPU needs big passes to be busy.
CPU_BATCH_TOKENS = 2048
CUDA_BATCH_TOKENS = 65536
# On the CPU padding is paid in full, and a short pass costs little: a window joins a pass only when it is at
# least 90% as long as the pass's longest (padding of one-document requests fell from 18% to under 1%).
CPU_MIN_FILL = 0.9


@dataclass
class Document:
    text: str
    id: str | None = None
    doc_date: date | None = None


def pick_device(requested: str) -> torch.device:
    """'auto' uses CUDA when present and working, else the CPU (with a log line)."""
    if requested not in ("auto", "cpu", "cuda") and not requested.startswith("cuda:"):
        raise ValueError(f"device must be auto, cpu or cuda, not {requested!r}")
    if requested == "cpu":
        return torch.device("cpu")
    if torch.cuda.is_available():
        try:
            torch.zeros(1, device=requested if requested != "auto" else "cuda")
            return torch.device(requested if requested != "auto" else "cuda")
        except RuntimeError as err:
            log.warning("CUDA failed (%s); using the CPU", err)
            return torch.device("cpu")
    if requested != "auto":
        raise RuntimeError("CUDA was requested but no CUDA device is available")
    log.info("no CUDA device; using the CPU")
    return torch.device("cpu")


def pass_settings(device: torch.device, max_batch_tokens: int | None = None) -> tuple[int, float]:
    """(tokens per model pass, least fill of a pass) for a device: small dense passes on the CPU, wide ones on CUDA."""
    if device.type == "cuda":
        return max_batch_tokens or CUDA_BATCH_TOKENS, 0.0
    return max_batch_tokens or CPU_BATCH_TOKENS, CPU_MIN_FILL


def quantize_int8(model: ZsieModel) -> ZsieModel:
    """Dynamic int8 of the Linear layers on the CPU (torch.ao's `quantize_dynamic`).

    PyTorch marks this path deprecated in favour of torchao, but torchao's CPU int8 (dynamic activation +
    int8 weight) ran 5.5x slower than it here and lost the speed-up over fp32 altogether (bench/README.md,
    "Quantisation"), so it stays, with its deprecation warnings silenced here, where they are raised, and
    nowhere else."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"(?is).*(deprecated|torchao).*")
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


class Extractor:
    def __init__(
        self,
        model: ZsieModel,
        tokenizer,
        device: torch.device,
        max_batch_tokens: int | None,
        quantized: bool,
        model_dir: Path,
    ):
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.quantized = quantized
        self.model_dir = model_dir
        self.dtype = "int8" if quantized else ("float16" if device.type == "cuda" else "float32")
        budget, min_fill = pass_settings(device, max_batch_tokens)
        self.predictor = Predictor(model, tokenizer, device=str(device), max_batch_tokens=budget, min_fill=min_fill)

    @classmethod
    def load(
        cls,
        model_dir: str | Path | None = None,
        device: str = "auto",
        int8: bool | None = None,
        max_batch_tokens: int | None = None,
        threads: int | None = None,
    ) -> Extractor:
        """Load a model directory (None: the bundled model). CPU: dynamic int8 when `int8` (None: the model's
        recorded default); CUDA: fp16 and larger batches."""
        directory = resolve_model_dir(model_dir)
        if threads:
            torch.set_num_threads(threads)
        model = ZsieModel.load(directory).eval()
        tokenizer = load_tokenizer(directory)
        target = pick_device(device)
        quantized = False
        if target.type == "cuda":
            model = model.to(target).half()
        else:
            use_int8 = model.config.cpu_int8 if int8 is None else int8
            if use_int8:
                model = quantize_int8(model)
                quantized = True
        return cls(model, tokenizer, target, max_batch_tokens, quantized, directory)

    @property
    def name(self) -> str:
        cfg = self.model.config
        return f"{cfg.name}-{cfg.version}"

    def extract(self, text: str, doc_id: str | None = None, doc_date: date | None = None) -> dict:
        return self.extract_many([Document(text, doc_id, doc_date)])[0]

    def extract_many(
        self, docs: Iterable[str | Document | dict], batch_size: int = 32, progress: bool = False, passes: int = 1
    ) -> list[dict]:
        return list(self.iter_extract(docs, batch_size, progress, passes))

    def iter_extract(
        self, docs: Iterable[str | Document | dict], batch_size: int = 32, progress: bool = False, passes: int = 1
    ) -> Iterator[dict]:
        """Records in input order, `batch_size` documents per model pass, memory bounded by the batch.
        `passes` > 1 (CPU): that many chunks at once, each on its own thread with this process's torch threads
        shared out between them; the records are the same, since each pass still holds one chunk."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if passes < 1:
            raise ValueError("passes must be at least 1")
        bar = tqdm(desc="extract", unit="doc", disable=not progress)
        chunks = _chunks((as_document(item) for item in docs), batch_size)
        if passes == 1 or self.device.type != "cpu":
            results = map(self._run, chunks)
        else:
            results = _concurrent_passes(self._run, chunks, passes)
        for records in results:
            yield from records
            bar.update(len(records))
        bar.close()

    # The same work in steps, for a scheduler that interleaves the windows of many requests (serve/scheduler.py):
    # prepare a document, run any windows of any prepared documents in passes, finish each document.
    @property
    def pass_tokens(self) -> int:
        return self.predictor.max_batch_tokens

    @property
    def min_fill(self) -> float:
        return self.predictor.min_fill

    def prepare_document(self, item: str | Document | dict) -> tuple[tuple, list[tuple[int, tuple[int, int]]]]:
        """(state, windows): each window as (tokens in its pass with [CLS]/[SEP], its token range), longest first."""
        doc = as_document(item)
        state, windows = self.predictor.prepare_one(doc.text)
        return (doc, state), [(end - start + 2, (start, end)) for start, end in windows]

    def run_pass(self, units: list[tuple[tuple, tuple[int, int]]]) -> None:
        """One model pass over windows (state, token range) of prepared documents."""
        self.predictor.run_windows([(state[1], start, end) for state, (start, end) in units])

    def finish_document(self, state: tuple) -> dict:
        doc, prepared = state
        p = self.predictor._finish(prepared)
        return build_record(doc.text, p.entities, p.relations, doc.id, self.name, doc.doc_date)

    def _run(self, docs: list[Document]) -> list[dict]:
        predictions = self.predictor.predict([d.text for d in docs])
        return [
            build_record(d.text, p.entities, p.relations, d.id, self.name, d.doc_date)
            for d, p in zip(docs, predictions, strict=True)
        ]


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _concurrent_passes(run, chunks: Iterator[list], passes: int) -> Iterator[list]:
    """run(chunk) for each chunk, `passes` at once on threads, results in input order. Each thread runs its
    passes on threads / passes torch threads: on 2 cores two one-thread passes keep both cores busy where one
    two-thread pass idles at every synchronisation point (1,200 inews articles, int8: 1.13-1.31x as fast)."""
    total = torch.get_num_threads()
    share = max(1, total // passes)
    pending: deque = deque()
    with ThreadPoolExecutor(passes, initializer=torch.set_num_threads, initargs=(share,)) as pool:
        try:
            for chunk in chunks:
                pending.append(pool.submit(run, chunk))
                if len(pending) > passes:  # memory bounded: at most passes + 1 chunks in flight
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
            torch.set_num_threads(total)  # the threads' setting is process-wide for threads started later


def as_document(item: str | Document | dict) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, str):
        return Document(item)
    if isinstance(item, dict):
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError("a document needs a 'text' string")
        raw_date = item.get("doc_date")
        doc_date = date.fromisoformat(raw_date) if isinstance(raw_date, str) and raw_date else raw_date
        return Document(text, item.get("id"), doc_date)
    raise TypeError(f"cannot extract from {type(item).__name__}")
