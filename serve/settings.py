"""One settings object for the service; every field can be set as an environment variable ZSIE_<NAME>."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZSIE_", protected_namespaces=())

    model_dir: Path | None = None  # None: the bundled model
    device: str = "auto"  # auto | cpu | cuda
    max_chars: int = 200_000  # per document
    max_batch_documents: int = 256  # per /v1/extract/batch request
    max_batch_tokens: int | None = None  # per model pass; None: the device's default (CPU 2,048, CUDA 65,536)
    batch_chars: int = 32_000  # characters the scheduler gathers for one extract_many call
    batch_documents: int = 64  # documents per model pass; 1 turns batching off
    max_wait_ms: float = 0.0  # extra wait to fill a batch; 0: take what queued while the model was busy
    max_queue_documents: int = 4096  # beyond this, requests are refused with 503
    torch_threads: int | None = None
    int8: bool | None = None  # None: the model's recorded default
    request_timeout_s: float = 60.0
