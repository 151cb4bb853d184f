"""API keys (ZSIE_API_KEYS / ZSIE_API_KEYS_FILE) and CORS (ZSIE_CORS_ORIGINS)."""

import pytest
from fastapi.testclient import TestClient

from model.extractor import Extractor
from serve.app import create_app
from serve.settings import ServeSettings

BODY = {"text": "市长李红梅主持会议。"}


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    return Extractor.load(tiny_model_dir, device="cpu")


@pytest.fixture(scope="module")
def client(extractor, tmp_path_factory):
    key_file = tmp_path_factory.mktemp("keys") / "keys.txt"
    key_file.write_text("# team keys\nfile-key\n\n")
    with TestClient(
        create_app(ServeSettings(api_keys="alpha, beta", api_keys_file=key_file), extractor=extractor)
    ) as c:
        yield c


def test_missing_key_is_401(client):
    response = client.post("/v1/extract", json=BODY)
    assert response.status_code == 401 and "API key is needed" in response.json()["detail"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/v1/model").status_code == 401
    assert client.post("/v1/extract/batch", json={"documents": [BODY]}).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "gamma"},
        {"Authorization": "Bearer alph"},
        {"Authorization": "alpha"},
        {"Authorization": "Basic alpha"},
        {"X-API-Key": ""},
    ],
)
def test_wrong_key_is_401(client, headers):
    assert client.post("/v1/extract", json=BODY, headers=headers).status_code == 401


@pytest.mark.parametrize(
    "headers", [{"X-API-Key": "alpha"}, {"Authorization": "Bearer beta"}, {"Authorization": "bearer file-key"}]
)
def test_right_key_is_served(client, headers):
    assert client.post("/v1/extract", json=BODY, headers=headers).status_code == 200
    assert client.get("/v1/model", headers=headers).status_code == 200


def test_health_metrics_and_demo_stay_open(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and 'id="apikey"' in page.text  # the demo page takes a key


def test_metrics_can_be_keyed(extractor):
    with TestClient(create_app(ServeSettings(api_keys="alpha", metrics_need_key=True), extractor=extractor)) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"X-API-Key": "alpha"}).status_code == 200
        assert c.get("/healthz").status_code == 200


def test_without_keys_the_service_is_open_and_sends_no_cors_headers(extractor):
    with TestClient(create_app(ServeSettings(), extractor=extractor)) as c:
        response = c.post("/v1/extract", json=BODY, headers={"Origin": "https://example.org"})
        assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


def test_cors_origins_when_set(extractor):
    settings = ServeSettings(cors_origins="https://news.example.org", api_keys="alpha")
    with TestClient(create_app(settings, extractor=extractor)) as c:
        preflight = c.options(
            "/v1/extract",
            headers={
                "Origin": "https://news.example.org",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-api-key, content-type",
            },
        )
        assert preflight.status_code == 200  # a preflight needs no key
        assert preflight.headers["access-control-allow-origin"] == "https://news.example.org"
        other = c.post("/v1/extract", json=BODY, headers={"Origin": "https://evil.example", "X-API-Key": "alpha"})
        assert "access-control-allow-origin" not in other.headers


def test_a_missing_key_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="ZSIE_API_KEYS_FILE"):
        ServeSettings(api_keys_file=tmp_path / "nope.txt").keys()
