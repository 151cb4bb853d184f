"""`zsie serve`: settings from ZSIE_* environment variables win unless a flag is given."""

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


@pytest.fixture
def captured(monkeypatch):
    """The settings `zsie serve` would start the service with (no server is started)."""
    import uvicorn

    import serve.app

    seen = {}
    monkeypatch.setattr(serve.app, "create_app", lambda settings: seen.setdefault("settings", settings))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    return seen


def test_serve_keeps_the_device_from_the_environment(captured, monkeypatch):
    monkeypatch.setenv("ZSIE_DEVICE", "cpu")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert captured["settings"].device == "cpu"


def test_serve_flag_overrides_the_environment(captured, monkeypatch):
    monkeypatch.setenv("ZSIE_DEVICE", "cpu")
    monkeypatch.setenv("ZSIE_MODEL_DIR", "/from/env")
    result = runner.invoke(app, ["serve", "--device", "cuda", "--model", "/from/flag"])
    assert result.exit_code == 0, result.output
    assert captured["settings"].device == "cuda"
    assert str(captured["settings"].model_dir) == "/from/flag"


def test_serve_defaults_to_auto_without_environment(captured, monkeypatch):
    monkeypatch.delenv("ZSIE_DEVICE", raising=False)
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert captured["settings"].device == "auto"
