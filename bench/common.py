"""What every benchmark shares: the documents, timing with warm-up and repeats, and the machine."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch

from corpus.doccano import load_documents
from model.chrome import chrome_ranges

ROOT = Path(__file__).resolve().parents[1]


def corpus_texts() -> list[str]:
    """The seeds (their annotated copies in the test split) and the rest of the test split."""
    return [d["text"] for d in load_documents([ROOT / "annotations" / "test.jsonl"])]


def bench_documents(n: int) -> list[str]:
    """At least n documents: the test split repeated."""
    texts = corpus_texts()
    return (texts * (n // len(texts) + 1))[:n]


def without_chrome(text: str) -> str:
    """The text less its site chrome (a related-articles header mid-document would make the rest chrome)."""
    kept, pos = [], 0
    for start, end in chrome_ranges(text):
        kept.append(text[pos:start])
        pos = end
    kept.append(text[pos:])
    return "".join(kept)


def long_document(chars: int) -> str:
    """One document of exactly `chars` characters built from corpus texts, all of it article text."""
    texts = [without_chrome(t) for t in corpus_texts()]
    pieces, total = [], 0
    while total < chars:
        for text in texts:
            pieces.append(text)
            total += len(text) + 1
            if total >= chars:
                break
    return "\n".join(pieces)[:chars]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "建国红梅志强海燕明华卫东晓光文军丽娟春生秋菊德胜玉兰国庆永红小平金山"
OFFICES = (
    "市委书记",
    "市长",
    "副市长",
    "市委常委、常务副市长",
    "市人大常委会主任",
    "市政协主席",
    "区委书记",
    "区长",
    "市委常委、秘书长",
    "市发改委主任",
    "市商务局局长",
    "县委书记",
    "县长",
    "开发区管委会主任",
    "副区长",
)


def attendee_list(chars: int) -> str:
    """One entity-dense document of exactly `chars` characters: attendee lists of officials, as government
    news prints them (市委书记王建国，市长李红梅，…出席。), a name and a title every 6-10 characters."""
    sentences, total, k = [], 0, 0
    while total < chars:
        people = []
        for _ in range(12):
            name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 7) % len(GIVEN)] + GIVEN[(k * 3 + 1) % len(GIVEN)]
            people.append(OFFICES[k % len(OFFICES)] + name)
            k += 1
        sentence = "出席活动的领导有：" + "，".join(people) + "。会议由" + people[0] + "主持，" + people[1] + "讲话。\n"
        sentences.append(sentence)
        total += len(sentence)
    return "".join(sentences)[:chars]


def timed(fn: Callable[[], object], repeats: int, warmup: int = 1) -> dict:
    """Run fn warm-up times unmeasured, then `repeats` times: median, min, max and spread in seconds."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    median = statistics.median(runs)
    return {
        "median_s": round(median, 4),
        "min_s": round(min(runs), 4),
        "max_s": round(max(runs), 4),
        "spread": round((max(runs) - min(runs)) / median, 4) if median else 0.0,
        "runs": [round(r, 4) for r in runs],
    }


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
