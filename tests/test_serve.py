"""The HTTP service: every endpoint and error path, and batching of concurrent requests."""

import threading

import pytest
from fastapi.testclient import TestClient

from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings
from tests.tiny_corpus import tiny_docs


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    return Extractor.load(tiny_model_dir, device="cpu")


def make_client(extractor, **settings):
    return TestClient(create_app(ServeSettings(**settings), extractor=extractor))


@pytest.fixture(scope="module")
def client(extractor):
    with make_client(extractor, max_chars=5000, max_batch_documents=4) as c:
        yield c


def test_health_ready_and_model_info(client):
    assert client.get("/healthz").json() == {"status": "alive"}
    assert client.get("/readyz").json() == {"status": "ready"}
    info = client.get("/v1/model").json()
    assert "PERSON" in info["labels"] and "has_title" in info["relation_types"]
    assert info["device"] == "cpu" and info["dtype"] in ("float32", "int8")


def test_extract_returns_the_record(client):
    text = tiny_docs()[0]["text"]
    body = client.post("/v1/extract", json={"text": text, "id": "a", "doc_date": "2026-03-01"}).json()
    assert body["id"] == "a"
    assert [o["name"] for o in body["officials"]] == ["王建国"]
    assert body["amounts"][0]["value"] == "75300000000"
    for ent in body["entities"]:
        assert text[ent["start"] : ent["end"]] == ent["text"]


def test_batch_keeps_input_order(client):
    docs = [{"text": d["text"], "id": str(i)} for i, d in enumerate(tiny_docs() * 2)]
    results = client.post("/v1/extract/batch", json={"documents": docs}).json()["results"]
    assert [r["id"] for r in results] == ["0", "1", "2", "3"]


def test_empty_text_gives_empty_lists(client):
    body = client.post("/v1/extract", json={"text": ""}).json()
    assert body["entities"] == [] and body["officials"] == [] and body["amounts"] == []


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": 5}, {"text": "x", "doc_date": "2026-13-45"}, {"text": "x", "extra": 1}, {"text": None}, [], "text"],
)
def test_invalid_bodies_are_422_with_a_message(client, payload):
    response = client.post("/v1/extract", json=payload)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_invalid_json_is_422(client):
    response = client.post("/v1/extract", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 422


def test_too_long_text_is_413(client):
    response = client.post("/v1/extract", json={"text": "招" * 5001})
    assert response.status_code == 413 and "5000" in response.json()["detail"]


def test_too_many_documents_is_413(client):
    response = client.post("/v1/extract/batch", json={"documents": [{"text": "x"}] * 5})
    assert response.status_code == 413


def test_metrics_count_requests_batches_and_characters(client):
    client.post("/v1/extract", json={"text": "市长李红梅主持会议。"})
    text = client.get("/metrics").text
    assert 'zsie_requests_total{path="/v1/extract",status="200"}' in text
    assert "zsie_batch_documents_count" in text and "zsie_characters_total" in text and "zsie_queue_depth" in text


def test_demo_page_is_self_contained(client):
    page = client.get("/").text
    assert "<textarea" in page and "/v1/extract" in page
    assert "http://" not in page and "https://" not in page  # no CDN: works offline


def test_concurrent_requests_share_a_batch(extractor):
    with make_client(extractor, max_wait_ms=300) as c:
        results = []

        def call(i):
            results.append(c.post("/v1/extract", json={"text": tiny_docs()[i % 2]["text"], "id": str(i)}).status_code)

        threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results == [200] * 8
        scheduler = c.app.state.runtime["scheduler"]
        assert scheduler.batches_run < 1 + 8  # warm-up is not on the scheduler; 8 requests in fewer batches


def test_without_a_wait_documents_queued_during_a_pass_share_the_next_one():
    import asyncio

    from serve.scheduler import BatchScheduler

    release = threading.Event()
    sizes = []

    class Engine:
        pass_tokens, min_fill = 10_000, 0.0

        def prepare(self, doc):
            return doc, [(10, doc)]

        def run_pass(self, units):
            sizes.append(len(units))
            if len(sizes) == 1:
                release.wait(5)  # the first pass is slow; the others queue behind it

        def finish(self, doc):
            return f"r{doc}"

    scheduler = BatchScheduler(Engine(), max_wait_ms=0)
    scheduler.start()

    async def main():
        first = asyncio.create_task(scheduler.submit([0]))
        while not sizes:
            await asyncio.sleep(0.01)
        rest = [asyncio.create_task(scheduler.submit([i])) for i in range(1, 6)]
        await asyncio.sleep(0.05)
        release.set()
        return await first, [await r for r in rest]

    first, rest = asyncio.run(main())
    scheduler.stop()
    assert first == ["r0"] and rest == [[f"r{i}"] for i in range(1, 6)]
    assert sizes == [1, 5]  # a lone request did not wait; the five that queued ran as one pass


def test_timeout_is_504_and_the_server_keeps_serving(extractor):
    with make_client(extractor, request_timeout_s=0.000001) as c:
        response = c.post("/v1/extract", json={"text": tiny_docs()[0]["text"] * 20})
        assert response.status_code == 504 and "longer than" in response.json()["detail"]
        c.app.state.settings.request_timeout_s = 60
        assert c.post("/v1/extract", json={"text": "市长李红梅主持会议。"}).status_code == 200


class Broken:
    """An extractor whose model fails: requests get 503, never 500, and the service stays up."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def run_pass(self, units):
        raise RuntimeError("boom")


def test_model_failure_is_503_not_500(extractor):
    with make_client(extractor) as c:
        c.app.state.runtime["extractor"] = Broken(extractor)
        response = c.post("/v1/extract", json={"text": "市长李红梅主持会议。"})
        assert response.status_code == 503
        assert c.get("/healthz").status_code == 200
