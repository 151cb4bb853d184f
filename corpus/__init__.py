"""Annotated corpus formats: doccano JSONL, validation, statistics and converters."""
