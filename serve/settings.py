"""One settings object for the service; every field can be set as an environment variable ZSIE_<NAME>."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZSIE_", protected_namespaces=())

    model_dir: Path | None = None  # None: the bundled model
    device: str = "auto"  # auto | cpu | cuda
    max_chars: int = 200_000  # per document
    max_request_chars: int = 1_000_000  # all documents of one request together
    max_body_bytes: int = (
        8 * 1024 * 1024
    )  # per request body, checked before JSON parsing (1M characters as \uXXXX is 6 MB)
    max_batch_documents: int = 256  # per /v1/extract/batch request
    max_batch_tokens: int | None = None  # per model pass; None: the device's default (CPU 2,048, CUDA 65,536)
    batch_documents: int = 64  # documents per model pass; 1 turns batching off
    max_wait_ms: float = 0.0  # extra wait for company before the first pass after an idle spell
    max_queue_documents: int = 4096  # beyond this, requests are refused with 503
    torch_threads: int | None = None
    int8: bool | None = None  # None: the model's recorded default
    request_timeout_s: float = 60.0  # past it: 504, and what is left of the request is never run
    api_keys: str | None = None  # comma-separated; when set (or api_keys_file), /v1/* needs one of them
    api_keys_file: Path | None = None  # one key per line (blank lines and # comments ignored)
    metrics_need_key: bool = False  # /metrics keyed like /v1/* (when keys are set)
    cors_origins: str | None = None  # comma-separated origins allowed by CORS, or *; unset: no CORS headers

    def keys(self) -> list[str]:
        """The API keys from api_keys and api_keys_file; empty: the service is open."""
        keys = [k.strip() for k in (self.api_keys or "").split(",") if k.strip()]
        if self.api_keys_file is not None:
            if not self.api_keys_file.is_file():
                raise FileNotFoundError(f"ZSIE_API_KEYS_FILE {self.api_keys_file} does not exist")
            for line in self.api_keys_file.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.strip().startswith("#"):
                    keys.append(line.strip())
        return keys

    def origins(self) -> list[str]:
        return [o.strip() for o in (self.cors_origins or "").split(",") if o.strip()]
