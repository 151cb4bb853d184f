"""Fair scheduling in model passes: the windows of every request in progress share the model, turn by turn.

Requests put their documents in an inbox and await one future. One worker thread owns the model. It does
not run whole documents first come, first served (one 200,000-character document, or a batch of 256 of
them, would hold every later request behind it): each document is cut into windows when its turn comes, and
every model pass is filled round-robin across the requests in progress, one window per request per round,
up to the pass's token budget. A short request that arrives while a long one is running has its windows in
the next pass, so its latency does not grow with the size of what is ahead of it; the long one still gets
its share of every pass.

Work whose request has timed out (its deadline passed) or was cancelled (the client left, or the request's
wait timed out) is dropped before it reaches the model. The event loop never runs the model.

The engine (`Extractor` in the service; a fake in tests) does the work in three steps:
`prepare(document) -> (state, [(tokens, window), ...])`, `run_pass([(state, window), ...])` and
`finish(state) -> result`, and tells the pass size by `pass_tokens` and `min_fill`.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Engine(Protocol):
    pass_tokens: int  # tokens per model pass, padding included
    min_fill: float  # no window shorter than this share of its pass's longest

    def prepare(self, document: Any) -> tuple[Any, list[tuple[int, Any]]]: ...

    def run_pass(self, units: list[tuple[Any, Any]]) -> None: ...

    def finish(self, state: Any) -> Any: ...


class QueueFull(RuntimeError):
    pass


class Expired(TimeoutError):
    """The request's deadline passed before its work was done; what was left of it never ran."""


@dataclass
class _Work:
    """One prepared document of a request: its windows not yet run."""

    request: _Request
    index: int
    state: Any
    windows: deque


@dataclass
class _Request:
    documents: list
    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    deadline: float | None
    chars: int
    results: list = field(default_factory=list)
    next_document: int = 0  # the first document not yet prepared
    works: list[_Work] = field(default_factory=list)  # prepared, not finished
    remaining: int = 0  # documents not finished

    def dead(self, now: float) -> bool:
        return self.future.done() or (self.deadline is not None and now >= self.deadline)


class BatchScheduler:
    def __init__(
        self,
        engine: Engine | Callable[[], Engine],
        max_wait_ms: float = 0.0,
        max_queue: int = 4096,
        on_batch: Callable[[int, int], None] | None = None,
        max_batch_documents: int = 64,
    ):
        """`engine` or a function giving it (looked up for every step, so it can be replaced while running);
        `max_batch_documents` documents at most per pass (1: one document per pass, batching off);
        `max_wait_ms` to wait for more requests before the first pass after an idle spell."""
        self._engine = engine if callable(engine) and not hasattr(engine, "run_pass") else (lambda: engine)
        self.max_wait = max_wait_ms / 1000
        self.max_queue = max_queue
        self.on_batch = on_batch
        self.max_batch_documents = max_batch_documents
        self._inbox: queue.Queue[_Request | None] = queue.Queue()
        self._active: list[_Request] = []
        self._turn = 0  # round-robin start
        self._outstanding = 0  # documents submitted and not finished or dropped
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="zsie-batcher", daemon=True)
        self._stopping = False
        self.batches_run = 0  # model passes
        self.dropped_documents = 0  # documents of dead requests never run

    def start(self) -> None:
        self._thread.start()

    def depth(self) -> int:
        """Documents submitted and not yet finished."""
        return self._outstanding

    async def submit(self, documents: list, deadline: float | None = None) -> list:
        """Results for the documents, in order, once the worker has run them; `deadline` (time.monotonic())
        after which what is left of them is dropped. Cancelling the awaiting task drops it too."""
        if self._stopping:
            raise QueueFull("the service is shutting down")
        if not documents:
            return []
        with self._lock:
            if self._outstanding + len(documents) > self.max_queue:
                raise QueueFull("too many documents waiting; try again shortly")
            self._outstanding += len(documents)
        loop = asyncio.get_running_loop()
        request = _Request(
            list(documents),
            loop.create_future(),
            loop,
            deadline,
            sum(len(getattr(d, "text", "")) for d in documents),
            results=[None] * len(documents),
            remaining=len(documents),
        )
        self._inbox.put(request)
        return await request.future

    def stop(self, timeout: float = 30.0) -> None:
        """Finish what is queued, then stop the worker."""
        self._stopping = True
        self._inbox.put(None)
        self._thread.join(timeout)

    # --- the worker ---------------------------------------------------------------------------------------

    def _admit(self) -> bool:
        """Moves the inbox into the active requests (waiting when there is nothing to do); False on stop."""
        stop = False
        try:
            if not self._active:
                first = self._inbox.get()
                if first is None:
                    return False
                self._active.append(first)
                if self.max_wait > 0:  # gather company for the first pass after an idle spell
                    deadline = time.monotonic() + self.max_wait
                    while (remaining := deadline - time.monotonic()) > 0:
                        try:
                            item = self._inbox.get(timeout=remaining)
                        except queue.Empty:
                            break
                        if item is None:
                            stop = True
                            break
                        self._active.append(item)
            while True:
                item = self._inbox.get_nowait()
                if item is None:
                    stop = True
                    continue
                self._active.append(item)
        except queue.Empty:
            pass
        if stop:
            self._inbox.put(None)  # seen again once the active work is done
            return bool(self._active)
        return True

    def _drop_dead(self) -> None:
        now = time.monotonic()
        alive = []
        for request in self._active:
            if request.dead(now):
                self._release(request.remaining)
                self.dropped_documents += request.remaining
                request.loop.call_soon_threadsafe(
                    _resolve, request.future, None, Expired("the request timed out before its documents were run")
                )
            else:
                alive.append(request)
        self._active = alive

    def _release(self, documents: int) -> None:
        with self._lock:
            self._outstanding -= documents

    def _fail(self, request: _Request, error: Exception) -> None:
        if request in self._active:
            self._active.remove(request)
            self._release(request.remaining)
            request.loop.call_soon_threadsafe(_resolve, request.future, None, error)

    def _head(self, request: _Request, engine: Engine) -> _Work | None:
        """The request's prepared document with windows left, preparing the next one when there is none;
        documents without windows (empty, or all chrome) are finished at once."""
        for work in request.works:
            if work.windows:
                return work
        while request.next_document < len(request.documents):
            index = request.next_document
            request.next_document += 1
            state, windows = engine.prepare(request.documents[index])
            work = _Work(request, index, state, deque(windows))
            request.works.append(work)
            if work.windows:
                return work
            self._finish_work(work, engine)
        return None

    def _finish_work(self, work: _Work, engine: Engine) -> None:
        request = work.request
        request.results[work.index] = engine.finish(work.state)
        request.works.remove(work)
        request.remaining -= 1
        self._release(1)
        if request.remaining == 0:
            self._active.remove(request)
            request.loop.call_soon_threadsafe(_resolve, request.future, request.results, None)

    def _plan_pass(self, engine: Engine) -> tuple[list[_Work], list[tuple]]:
        """Windows for one pass, round-robin across the active requests (one window each per round) under
        the token budget; every window at least `min_fill` of the pass's longest. Returns the documents in
        the pass and the windows taken from them, (state, window)."""
        budget, min_fill = engine.pass_tokens, engine.min_fill
        order = self._active[self._turn % len(self._active) :] + self._active[: self._turn % len(self._active)]
        self._turn += 1
        taken: list[_Work] = []
        units: list[tuple] = []
        documents: set[int] = set()
        width, shortest = 0, 0
        progress = True
        while progress:
            progress = False
            for request in order:
                if request not in self._active:
                    continue
                try:
                    work = self._head(request, engine)
                except Exception as err:  # a document the engine cannot prepare fails its own request only
                    log.exception("preparing a document failed")
                    self._fail(request, err)
                    continue
                if work is None:
                    continue
                tokens = work.windows[0][0]
                new_width, new_shortest = max(width, tokens), min(shortest, tokens) if units else tokens
                if units and (new_width * (len(units) + 1) > budget or new_shortest < min_fill * new_width):
                    continue
                if id(work) not in documents and len(documents) >= self.max_batch_documents:
                    continue
                if id(work) not in documents:
                    documents.add(id(work))
                    taken.append(work)
                units.append((work.state, work.windows.popleft()[1]))
                width, shortest = new_width, new_shortest
                progress = True
        return taken, units

    def _work(self) -> None:
        while self._admit():
            self._drop_dead()
            if not self._active:
                continue
            engine = self._engine()
            works, units = self._plan_pass(engine)
            if not units:
                continue
            try:
                engine.run_pass(units)
            except Exception as err:  # the requests in the pass get the error; the worker keeps serving
                log.exception("a pass of %d windows failed", len(units))
                for request in {id(w.request): w.request for w in works}.values():
                    self._fail(request, err)
                continue
            self.batches_run += 1
            finished_chars = 0
            for work in works:
                if work.windows or work.request not in self._active:
                    continue
                try:
                    self._finish_work(work, engine)
                    finished_chars += len(getattr(work.request.documents[work.index], "text", ""))
                except Exception as err:
                    log.exception("finishing a document failed")
                    self._fail(work.request, err)
            if self.on_batch:
                self.on_batch(len(works), finished_chars)
        for request in self._active:  # only on a stop with work left (it never is: stop waits for it)
            request.loop.call_soon_threadsafe(_resolve, request.future, None, QueueFull("the service stopped"))


def _resolve(future: asyncio.Future, result, error) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
