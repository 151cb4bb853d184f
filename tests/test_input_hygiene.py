"""Text that is not valid Unicode, NUL and other control characters: a 422 that names the problem, never a 503.
Tab, newline, carriage return, vertical tab and form feed are whitespace and accepted."""

import json

import pytest
from fastapi.testclient import TestClient

from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    with TestClient(create_app(ServeSettings(), extractor=Extractor.load(tiny_model_dir, device="cpu"))) as c:
        yield c


def post_raw(client, path, payload: str):
    return client.post(path, content=payload.encode(), headers={"content-type": "application/json"})


def test_a_lone_surrogate_is_422_naming_it(client):
    response = post_raw(client, "/v1/extract", '{"text": "\\ud800abc"}')
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "text"] and "U+D800" in problem["msg"] and "surrogate" in problem["msg"]


def test_a_low_surrogate_in_a_batch_names_the_document(client):
    response = post_raw(client, "/v1/extract/batch", '{"documents": [{"text": "ok"}, {"text": "x\\udc00"}]}')
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:3] == ["body", "documents", 1]


def test_a_valid_surrogate_pair_is_one_character(client):
    response = post_raw(client, "/v1/extract", '{"text": "\\ud83d\\ude00 市长李红梅主持会议。"}')
    assert response.status_code == 200


@pytest.mark.parametrize(
    "char, name", [("\x00", "NUL"), ("\x07", "U+0007"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x85", "U+0085")]
)
def test_control_characters_are_422_naming_them(client, char, name):
    response = client.post("/v1/extract", json={"text": f"市长李红梅{char}主持会议。"})
    assert response.status_code == 422
    assert name in response.json()["detail"][0]["msg"] and "at character 5" in response.json()["detail"][0]["msg"]


def test_whitespace_controls_are_accepted(client):
    response = client.post("/v1/extract", json={"text": "市长李红梅\t主持会议。\r\n\x0b\x0c签约50亿元。"})
    assert response.status_code == 200


def test_bytes_that_are_not_utf8_are_422(client):
    response = client.post("/v1/extract", content=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_a_surrogate_in_the_id_is_422(client):
    response = post_raw(client, "/v1/extract", json.dumps({"text": "ok"})[:-1] + ', "id": "\\udfff"}')
    assert response.status_code == 422
