"""Limits that bound one request's cost: body bytes (before JSON parsing) and characters per request, both 413."""

import json

import pytest
from fastapi.testclient import TestClient

from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    extractor = Extractor.load(tiny_model_dir, device="cpu")
    settings = ServeSettings(max_chars=3000, max_request_chars=5000, max_body_bytes=40_000, max_batch_documents=8)
    with TestClient(create_app(settings, extractor=extractor)) as c:
        yield c


def test_defaults_are_documented_values():
    settings = ServeSettings()
    assert settings.max_request_chars == 1_000_000 and settings.max_body_bytes == 8 * 1024 * 1024


def test_request_characters_over_the_limit_is_413(client):
    docs = [{"text": "市长李红梅主持会议。" * 200} for _ in range(3)]  # 2,000 each: each under 3,000, 6,000 in all
    response = client.post("/v1/extract/batch", json={"documents": docs})
    assert response.status_code == 413
    assert "6000 characters in all" in response.json()["detail"] and "5000" in response.json()["detail"]
    assert client.post("/v1/extract/batch", json={"documents": docs[:2]}).status_code == 200


def test_body_over_the_byte_limit_is_413_before_parsing(client):
    body = json.dumps({"text": "市" * 20_000}, ensure_ascii=True).encode()  # 120,000 bytes as \\uXXXX
    response = client.post("/v1/extract", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "40000 bytes" in response.json()["detail"] and "ZSIE_MAX_BODY_BYTES" in response.json()["detail"]


def test_a_chunked_body_is_cut_off_at_the_limit(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1000
        yield b'"}'

    response = client.post("/v1/extract", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_body_that_is_not_json_is_still_422_under_the_limit(client):
    response = client.post("/v1/extract", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
