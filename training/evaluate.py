"""Evaluation: seqeval strict IOB2 entity scores, relation scores, a confusion table and worst errors.

Scoring runs the real inference path (cleaning, windows, merging) on the original texts and compares
character spans, so it measures exactly what users get, whatever the tokenizer.
"""

from __future__ import annotations

import html
import json
from collections import Counter, defaultdict
from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2
from tqdm.auto import tqdm

from corpus.convert import doc_to_bio
from corpus.doccano import load_documents
from model.inference import Predictor
from model.labels import ENTITY_LABELS, RELATION_TYPES
from model.network import ZsieModel
from model.tokenization import load_tokenizer
from training.slices import SLICES, prf as _prf, record_scores, slice_of


def predicted_docs(model: ZsieModel, tokenizer, docs: list[dict], max_batch_tokens: int = 8192) -> list[dict]:
    """The model's predictions as doccano-like documents (entities with scores, relations)."""
    was_training = model.training
    predictions = Predictor(model, tokenizer, max_batch_tokens=max_batch_tokens).predict([d["text"] for d in docs])
    model.train(was_training)
    out = []
    for doc, pred in zip(docs, predictions, strict=True):
        entities = [
            {"id": i, "label": e["label"], "start_offset": e["start"], "end_offset": e["end"], "score": e["score"]}
            for i, e in enumerate(pred.entities)
        ]
        relations = [
            {"id": i, "from_id": r["head"], "to_id": r["tail"], "type": r["type"], "score": r["score"]}
            for i, r in enumerate(pred.relations)
        ]
        out.append(
            {
                "id": doc.get("id"),
                "source": doc.get("source"),
                "text": doc["text"],
                "entities": entities,
                "relations": relations,
            }
        )
    return out


def entity_scores(gold: list[dict], pred: list[dict]) -> dict:
    y_true = [doc_to_bio(d) for d in gold]
    y_pred = [doc_to_bio(d) for d in pred]
    report = classification_report(y_true, y_pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    per_label = {}
    for label in ENTITY_LABELS:
        row = report.get(label, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        per_label[label] = {
            "precision": round(float(row["precision"]), 4),
            "recall": round(float(row["recall"]), 4),
            "f1": round(float(row["f1-score"]), 4),
            "support": int(row["support"]),
        }

    def avg(key: str) -> dict:
        row = report.get(key, {})
        return {
            k: round(float(row.get(src, 0.0)), 4)
            for k, src in (("precision", "precision"), ("recall", "recall"), ("f1", "f1-score"))
        }

    return {"micro": avg("micro avg"), "macro": avg("macro avg"), "per_label": per_label}


def _relation_set(doc: dict) -> set[tuple]:
    by_id = {e["id"]: e for e in doc["entities"]}
    out = set()
    for rel in doc["relations"]:
        head, tail = by_id.get(rel["from_id"]), by_id.get(rel["to_id"])
        if head and tail:
            out.add(
                (
                    (head["start_offset"], head["end_offset"], head["label"]),
                    (tail["start_offset"], tail["end_offset"], tail["label"]),
                    rel["type"],
                )
            )
    return out


def relation_scores(gold: list[dict], pred: list[dict]) -> dict:
    """A relation counts only when both spans (offsets and labels) and the type are right."""
    counts = {t: Counter() for t in RELATION_TYPES}
    for g, p in zip(gold, pred, strict=True):
        gs, ps = _relation_set(g), _relation_set(p)
        for rel in gs & ps:
            counts[rel[2]]["tp"] += 1
        for rel in ps - gs:
            counts[rel[2]]["fp"] += 1
        for rel in gs - ps:
            counts[rel[2]]["fn"] += 1
    per_type = {t: _prf(c["tp"], c["fp"], c["fn"]) for t, c in counts.items()}
    total = sum(counts.values(), Counter())
    micro = _prf(total["tp"], total["fp"], total["fn"])
    micro.pop("support")
    return {"micro": micro, "per_type": per_type}


def confusion_and_errors(
    gold: list[dict], pred: list[dict], worst: int = 30, context: int = 20
) -> tuple[dict, list[dict]]:
    """Gold label -> predicted label counts (MISSED: nothing predicted there; NONE: nothing gold there),
    and the worst errors with their context, most confident first."""
    table: dict[str, Counter] = defaultdict(Counter)
    errors = []
    for g_doc, p_doc in zip(gold, pred, strict=True):
        text = g_doc["text"]
        gold_spans = [(e["start_offset"], e["end_offset"], e["label"]) for e in g_doc["entities"]]
        pred_spans = [(e["start_offset"], e["end_offset"], e["label"], e.get("score", 1.0)) for e in p_doc["entities"]]

        def ctx(s: int, e: int) -> str:
            return f"{text[max(0, s - context) : s]}【{text[s:e]}】{text[e : e + context]}".replace("\n", " ")  # noqa: B023 (used in this iteration)

        for gs, ge, gl in gold_spans:
            overlapping = [p for p in pred_spans if p[0] < ge and gs < p[1]]
            if not overlapping:
                table[gl]["MISSED"] += 1
                errors.append(
                    {
                        "doc": g_doc.get("id"),
                        "kind": "missed",
                        "gold": gl,
                        "pred": None,
                        "text": text[gs:ge],
                        "context": ctx(gs, ge),
                        "score": 1.0,
                    }
                )
                continue
            best = max(overlapping, key=lambda p: min(ge, p[1]) - max(gs, p[0]))
            table[gl][best[2]] += 1
            if (best[0], best[1], best[2]) != (gs, ge, gl):
                kind = "label" if (best[0], best[1]) == (gs, ge) else "boundary"
                errors.append(
                    {
                        "doc": g_doc.get("id"),
                        "kind": kind,
                        "gold": gl,
                        "pred": best[2],
                        "text": text[gs:ge],
                        "predicted_text": text[best[0] : best[1]],
                        "context": ctx(gs, ge),
                        "score": best[3],
                    }
                )
        for ps, pe, pl, score in pred_spans:
            if not any(g[0] < pe and ps < g[1] for g in gold_spans):
                table["NONE"][pl] += 1
                errors.append(
                    {
                        "doc": p_doc.get("id"),
                        "kind": "spurious",
                        "gold": None,
                        "pred": pl,
                        "text": text[ps:pe],
                        "context": ctx(ps, pe),
                        "score": score,
                    }
                )
    errors.sort(key=lambda e: -e["score"])
    return {g: dict(c) for g, c in table.items()}, errors[:worst]


def scores(gold: list[dict], pred: list[dict]) -> dict:
    """Entity, relation and record scores of one set of documents."""
    return {
        "documents": len(gold),
        "entities": entity_scores(gold, pred),
        "relations": relation_scores(gold, pred),
        "records": record_scores(gold, pred),
    }


def evaluate_documents(model: ZsieModel, tokenizer, gold: list[dict]) -> dict:
    pred = predicted_docs(model, tokenizer, gold)
    confusion, worst = confusion_and_errors(gold, pred)
    report = scores(gold, pred)
    report["slices"] = {}
    for name in SLICES:
        picked = [i for i, doc in enumerate(gold) if slice_of(doc) == name]
        if picked:
            report["slices"][name] = scores([gold[i] for i in picked], [pred[i] for i in picked])
    return report | {"confusion": confusion, "worst_errors": worst}


def dev_entity_f1(model: ZsieModel, tokenizer, docs: list[dict]) -> float:
    return entity_scores(docs, predicted_docs(model, tokenizer, docs))["micro"]["f1"]


def evaluate(model_dir: str | Path, data: list[str | Path], output: str | Path | None = None) -> dict:
    """Score a saved model on doccano JSONL files; write report.json/.md/.html to `output` when given."""
    model = ZsieModel.load(model_dir)
    tokenizer = load_tokenizer(model_dir)
    gold = load_documents(data)
    if not gold:
        raise ValueError("no documents to evaluate")
    report = evaluate_documents(model, tokenizer, gold)
    report["model"] = str(model_dir)
    report["data"] = [str(p) for p in data]
    if output is not None:
        write_reports(report, Path(output))
    return report


# What a threshold is chosen for: entity micro F1 on all of dev, or the officials a user reads from real articles
# (the figure that matters most; `training/slices.py`).
SWEEP_CRITERIA = ("entity", "officials-real")


def threshold_sweep(
    model_dir: str | Path, data: list[str | Path], thresholds: list[float], criterion: str = "entity"
) -> dict:
    """Entity and relation micro F1, and officials F1 on the real slice, at each entity score threshold; the
    best row by `criterion` (ties: the higher entity F1, then the higher threshold, which drops more unsure spans
    on text unlike dev). Each threshold is a full prediction pass, so name
    propagation and the output constraints see the spans a user would get. Choose on dev, never on test."""
    if criterion not in SWEEP_CRITERIA:
        raise ValueError(f"criterion must be one of {', '.join(SWEEP_CRITERIA)}, not {criterion!r}")
    model = ZsieModel.load(model_dir)
    tokenizer = load_tokenizer(model_dir)
    gold = load_documents(data)
    if not gold:
        raise ValueError("no documents to sweep over")
    real = [i for i, doc in enumerate(gold) if slice_of(doc) == "real"]
    if criterion == "officials-real" and not real:
        raise ValueError("criterion officials-real needs real documents (source seed or inews) in the data")
    rows = []
    for threshold in tqdm(thresholds, desc="thresholds", unit="threshold"):
        model.config.entity_threshold = threshold
        pred = predicted_docs(model, tokenizer, gold)
        officials = record_scores([gold[i] for i in real], [pred[i] for i in real])["officials"]["f1"] if real else None
        rows.append(
            {
                "threshold": threshold,
                "entity_micro_f1": entity_scores(gold, pred)["micro"]["f1"],
                "relation_micro_f1": relation_scores(gold, pred)["micro"]["f1"],
                "real_officials_f1": officials,
            }
        )
    key = "real_officials_f1" if criterion == "officials-real" else "entity_micro_f1"
    best = max(rows, key=lambda r: (r[key], r["entity_micro_f1"], r["threshold"]))
    return {
        "model": str(model_dir),
        "data": [str(d) for d in data],
        "documents": len(gold),
        "real_documents": len(real),
        "criterion": criterion,
        "rows": rows,
        "best_threshold": best["threshold"],
    }


def _table(rows: list[list], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _slice_sections(report: dict) -> list[str]:
    """Real and written slices side by side: entities per label, relations per type, records."""
    slices = report.get("slices", {})
    if not slices:
        return []
    names = list(slices)
    header = ["", *[f"{n} P" for n in names], *[f"{n} R" for n in names], *[f"{n} F1" for n in names]]

    def rows(pick) -> list[list]:
        keys = list(pick(slices[names[0]]))
        return [
            [k, *[pick(slices[n]).get(k, {}).get(m, "") for m in ("precision", "recall", "f1") for n in names]]
            for k in keys
        ]

    docs = ", ".join(f"{n} {slices[n]['documents']} documents" for n in names)
    out = [
        f"\n## By slice ({docs})\n",
        "### Entities\n",
        _table(rows(lambda s: {**s["entities"]["per_label"], "micro": s["entities"]["micro"]}), header),
        "\n### Relations\n",
        _table(rows(lambda s: {**s["relations"]["per_type"], "micro": s["relations"]["micro"]}), header),
        "\n### Records (what users read)\n",
        _table(rows(lambda s: s["records"]), header),
    ]
    title_recall = ", ".join(f"{n} {slices[n]['records']['officials']['title_recall']}" for n in names)
    out.append(f"\nTitle recall of the officials found: {title_recall}.")
    return out


def render_markdown(report: dict) -> str:
    ent, rel = report["entities"], report["relations"]
    parts = [
        f"# Evaluation report\n\nModel: `{report.get('model')}`; data: {', '.join(report.get('data', []))}; "
        f"{report['documents']} documents. Entities: seqeval, strict IOB2 on characters.\n",
        "## Entities\n",
        _table(
            [[lab, v["precision"], v["recall"], v["f1"], v["support"]] for lab, v in ent["per_label"].items()]
            + [["**micro**", *ent["micro"].values(), ""], ["**macro**", *ent["macro"].values(), ""]],
            ["label", "precision", "recall", "F1", "support"],
        ),
        "\n## Relations (both spans and the type right)\n",
        _table(
            [[t, v["precision"], v["recall"], v["f1"], v["support"]] for t, v in rel["per_type"].items()]
            + [["**micro**", *rel["micro"].values(), ""]],
            ["type", "precision", "recall", "F1", "support"],
        ),
        "\n## Records (officials by name, amounts by value + currency, counts by value, strategies by name)\n",
        _table(
            [[k, v["precision"], v["recall"], v["f1"], v["support"]] for k, v in report["records"].items()],
            ["record", "precision", "recall", "F1", "support"],
        ),
        *_slice_sections(report),
        "\n## Confusion (rows gold, columns predicted)\n",
    ]
    cols = list(ENTITY_LABELS) + ["MISSED"]
    rows = [[g] + [report["confusion"].get(g, {}).get(c, 0) for c in cols] for g in list(ENTITY_LABELS) + ["NONE"]]
    parts.append(_table(rows, ["gold \\ pred"] + cols))
    parts.append("\n## Worst errors\n")
    parts.append(
        _table(
            [
                [e["doc"], e["kind"], e["gold"], e["pred"], e["score"], e["context"].replace("|", "\\|")]
                for e in report["worst_errors"]
            ],
            ["doc", "kind", "gold", "predicted", "score", "context"],
        )
    )
    return "\n".join(parts) + "\n"


def render_html(report: dict) -> str:
    def bars(rows: dict) -> str:
        out = []
        for name, v in rows.items():
            out.append(f"<div class='row'><b>{html.escape(name)}</b>")
            for key, color in (("precision", "#4c78a8"), ("recall", "#f58518"), ("f1", "#54a24b")):
                out.append(
                    f"<div class='bar' style='width:{v[key] * 300:.0f}px;background:{color}' title='{key} {v[key]}'>"
                    f"{key[0].upper()} {v[key]:.2f}</div>"
                )
            out.append("</div>")
        return "\n".join(out)

    md = html.escape(render_markdown(report))
    return (
        "<!doctype html><meta charset='utf-8'><title>zsie evaluation</title>"
        "<style>body{font-family:sans-serif;margin:2em}.row{margin:.6em 0}.bar{color:#fff;font-size:12px;"
        "padding:1px 4px;margin:1px 0;white-space:nowrap}pre{white-space:pre-wrap}</style>"
        f"<h1>Evaluation</h1><p>entity micro F1 {report['entities']['micro']['f1']:.4f}, relation micro F1 "
        f"{report['relations']['micro']['f1']:.4f}</p><h2>Entities per label</h2>{bars(report['entities']['per_label'])}"
        f"<h2>Relations per type</h2>{bars(report['relations']['per_type'])}<h2>Full report</h2><pre>{md}</pre>"
    )


def write_reports(report: dict, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    (output / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (output / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (output / "report.html").write_text(render_html(report), encoding="utf-8")
