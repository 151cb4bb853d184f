"""The inference core: tokenising, windows, encoder, decoding, normalising and records.

`Extractor` and `Document` are imported on first use, so light modules (`model.labels`, the schema the
corpus tools read) do not pull in torch and transformers.
"""

from __future__ import annotations

__all__ = ["Document", "Extractor"]


def __getattr__(name: str):
    if name in __all__:
        from model import extractor

        return getattr(extractor, name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
