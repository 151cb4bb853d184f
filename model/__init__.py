"""The inference core: tokenising, windows, encoder, decoding, normalising and records."""

from model.extractor import Document, Extractor

__all__ = ["Document", "Extractor"]
