"""Large corpora: sharded, resumable extraction to JSONL or Parquet, in-process or on Ray.

`run_batch(...)` is the entry point; it returns the run's summary as a dict. Nothing here imports Ray
except `bulk.ray_engine`, and that only when the Ray engine is chosen.
"""

from __future__ import annotations

from bulk.engine import BatchOptions, run_batch

__all__ = ["BatchOptions", "run_batch"]
