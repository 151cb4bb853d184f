"""The inference core: tokenising, windows, encoder, decoding, normalising and records."""
