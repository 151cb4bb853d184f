"""Fair scheduling in model passes (serve/scheduler.py) with a slow fake engine: order is asserted, not time."""

import asyncio
import threading
import time

import pytest

from serve.scheduler import BatchScheduler, Expired


class SlowEngine:
    """Documents are (name, windows); each pass records the names of its windows and waits for a go."""

    pass_tokens, min_fill = 2 * 256, 0.0  # two windows per pass

    def __init__(self, gated: bool = True):
        self.passes: list[list[str]] = []
        self.gate = threading.Semaphore(0) if gated else None
        self.prepared: list[str] = []

    def prepare(self, doc):
        name, n = doc
        self.prepared.append(name)
        return name, [(256, k) for k in range(n)]

    def run_pass(self, units):
        self.passes.append([name for name, _ in units])
        if self.gate is not None:
            assert self.gate.acquire(timeout=10), "the test never let this pass run"

    def finish(self, name):
        return name


def step(engine: SlowEngine, passes: int = 1) -> None:
    for _ in range(passes):
        engine.gate.release()


async def wait_for_passes(engine: SlowEngine, n: int) -> None:
    for _ in range(1000):
        if len(engine.passes) >= n:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"only {len(engine.passes)} passes ran")


def test_a_short_request_completes_while_a_long_one_is_in_progress():
    engine = SlowEngine()
    scheduler = BatchScheduler(engine)
    scheduler.start()

    async def main():
        long = asyncio.create_task(scheduler.submit([("long", 40)]))
        await wait_for_passes(engine, 1)  # the long document is in the model
        short = asyncio.create_task(scheduler.submit([("short", 1)]))
        await asyncio.sleep(0.05)
        step(engine, 2)  # the first pass ends; the next holds the short request's window
        assert await asyncio.wait_for(short, 5) == ["short"]
        assert not long.done()  # the short one finished while the long one was still running
        step(engine, 100)
        return await long

    assert asyncio.run(main()) == ["long"]
    scheduler.stop()
    assert engine.passes[0] == ["long", "long"]
    assert "short" in engine.passes[1]  # the next pass, not after the 40 windows ahead of it
    assert sum(p.count("long") for p in engine.passes) == 40


def test_each_pass_is_shared_round_robin_between_requests():
    engine = SlowEngine(gated=False)
    engine.pass_tokens = 4 * 256
    scheduler = BatchScheduler(engine, max_wait_ms=200)  # both requests are there for the first pass
    scheduler.start()

    async def main():
        return await asyncio.gather(scheduler.submit([("a", 6)]), scheduler.submit([("b", 2)]))

    assert asyncio.run(main()) == [["a"], ["b"]]
    scheduler.stop()
    assert sorted(engine.passes[0]) == ["a", "a", "b", "b"]  # one window of each per round
    assert engine.passes[1:] == [["a"] * 4]


def test_a_batch_request_is_one_turn_and_its_documents_are_prepared_one_at_a_time():
    engine = SlowEngine()
    scheduler = BatchScheduler(engine)
    scheduler.start()

    async def main():
        batch = asyncio.create_task(scheduler.submit([(f"doc{i}", 3) for i in range(50)]))
        await wait_for_passes(engine, 1)
        single = asyncio.create_task(scheduler.submit([("single", 1)]))
        await asyncio.sleep(0.05)
        step(engine, 2)
        assert await asyncio.wait_for(single, 5) == ["single"]
        assert len(engine.prepared) < 10  # the batch's 50 documents are cut into windows as their turn comes
        step(engine, 200)
        return await batch

    assert asyncio.run(main()) == [f"doc{i}" for i in range(50)]
    scheduler.stop()


def test_work_of_a_timed_out_request_is_dropped_before_the_model():
    engine = SlowEngine()
    scheduler = BatchScheduler(engine)
    scheduler.start()

    async def main():
        first = asyncio.create_task(scheduler.submit([("first", 1)]))
        await wait_for_passes(engine, 1)
        late = asyncio.create_task(scheduler.submit([("expired", 30)], deadline=time.monotonic() + 0.05))
        cancelled = asyncio.create_task(scheduler.submit([("cancelled", 30)]))
        await asyncio.sleep(0.1)
        cancelled.cancel()  # as when the client leaves or the request's wait times out
        await asyncio.sleep(0.05)
        step(engine, 5)
        assert await first == ["first"]
        with pytest.raises(Expired):
            await late
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        after = await asyncio.wait_for(scheduler.submit([("after", 1)]), 5)
        return after

    assert asyncio.run(main()) == ["after"]
    scheduler.stop()
    names = {name for p in engine.passes for name in p}
    assert names == {"first", "after"}  # neither dropped request reached the model
    assert scheduler.dropped_documents == 2 and scheduler.depth() == 0


def test_a_failing_pass_fails_its_requests_and_the_worker_keeps_serving():
    class Failing(SlowEngine):
        def run_pass(self, units):
            if any(name == "bad" for name, _ in units):
                raise RuntimeError("boom")
            super().run_pass(units)

    engine = Failing(gated=False)
    scheduler = BatchScheduler(engine)
    scheduler.start()

    async def main():
        with pytest.raises(RuntimeError):
            await scheduler.submit([("bad", 2)])
        return await scheduler.submit([("good", 2)])

    assert asyncio.run(main()) == ["good"]
    scheduler.stop()


def test_an_empty_request_is_answered_at_once():
    scheduler = BatchScheduler(SlowEngine(gated=False))
    scheduler.start()
    assert asyncio.run(asyncio.wait_for(scheduler.submit([]), 5)) == []
    scheduler.stop()
