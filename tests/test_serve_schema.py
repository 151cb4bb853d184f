"""Schemathesis over the OpenAPI spec: no input the schema admits, or nearly admits, gets a 5xx."""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings

SETTINGS = ServeSettings(max_chars=2000, max_batch_documents=8, request_timeout_s=30)
# The spec alone needs no model: create_app only loads one when the app starts.
schema = schemathesis.openapi.from_dict(create_app(SETTINGS).openapi())


@pytest.fixture(scope="module")
def client(tiny_model_dir):
    with TestClient(create_app(SETTINGS, extractor=Extractor.load(tiny_model_dir, device="cpu"))) as c:
        yield c


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, client):
    kwargs = {"params": case.query or None, "headers": dict(case.headers or {})}
    if isinstance(case.body, (bytes, str)):
        kwargs["content"] = case.body
    elif case.body is not None and type(case.body).__name__ != "NotSet":
        kwargs["json"] = case.body
    response = client.request(case.method, case.formatted_path, **kwargs)
    assert response.status_code < 500, response.text
