"""Micro-batching: documents of concurrent requests are gathered and run through the model together.

Requests put their documents on a queue and await futures. One worker thread takes everything waiting (up
to a character budget and a document count, waiting at most `max_wait_ms` for more; with 0 it takes just
what queued while the model was busy, so a lone request never waits), runs one `extract_many` over it
(which packs the windows of all those documents into length-sorted passes) and resolves each future. The
event loop never runs the model.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class _Job:
    document: object
    chars: int
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    enqueued: float = field(default_factory=time.monotonic)


class QueueFull(RuntimeError):
    pass


class BatchScheduler:
    def __init__(
        self,
        run_batch: Callable[[list], list[dict]],
        max_batch_chars: int,
        max_wait_ms: float,
        max_queue: int = 4096,
        on_batch: Callable[[int, int], None] | None = None,
        max_batch_documents: int = 64,
    ):
        self.run_batch = run_batch
        self.max_batch_chars = max_batch_chars
        self.max_wait = max_wait_ms / 1000
        self.max_queue = max_queue
        self.on_batch = on_batch
        self.max_batch_documents = max_batch_documents
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="zsie-batcher", daemon=True)
        self._stopping = False
        self.batches_run = 0

    def start(self) -> None:
        self._thread.start()

    def depth(self) -> int:
        return self._queue.qsize()

    async def submit(self, documents: list) -> list[dict]:
        """Results for the documents, in order, once the worker has run them."""
        if self._stopping:
            raise QueueFull("the service is shutting down")
        if self._queue.qsize() + len(documents) > self.max_queue:
            raise QueueFull("too many documents waiting; try again shortly")
        loop = asyncio.get_running_loop()
        futures = []
        for doc in documents:
            future = loop.create_future()
            self._queue.put(_Job(doc, len(getattr(doc, "text", "")), future, loop))
            futures.append(future)
        return list(await asyncio.gather(*futures))

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then stop the worker."""
        self._stopping = True
        self._queue.put(None)
        self._thread.join(timeout)

    def _collect(self) -> tuple[list[_Job], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        jobs, chars = [first], first.chars
        deadline = time.monotonic() + self.max_wait
        while chars < self.max_batch_chars and len(jobs) < self.max_batch_documents:
            remaining = deadline - time.monotonic()
            try:
                job = self._queue.get(timeout=max(0.0, remaining)) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            jobs.append(job)
            chars += job.chars
        return jobs, False

    def _work(self) -> None:
        stop = False
        while not stop:
            jobs, stop = self._collect()
            live = [j for j in jobs if not j.future.cancelled()]
            if not live:
                continue
            try:
                results = self.run_batch([j.document for j in live])
                outcome = [(j, r, None) for j, r in zip(live, results, strict=True)]
            except Exception as err:  # the requests get the error; the worker keeps serving
                log.exception("batch of %d documents failed", len(live))
                outcome = [(j, None, err) for j in live]
            self.batches_run += 1
            if self.on_batch:
                self.on_batch(len(live), sum(j.chars for j in live))
            for job, result, error in outcome:
                job.loop.call_soon_threadsafe(_resolve, job.future, result, error)
        # drain anything left after the stop marker
        while not self._queue.empty():
            job = self._queue.get_nowait()
            if job is not None:
                job.loop.call_soon_threadsafe(_resolve, job.future, None, QueueFull("the service stopped"))


def _resolve(future: asyncio.Future, result, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
