"""The HTTP service: FastAPI over the extraction core, with a micro-batching scheduler."""
