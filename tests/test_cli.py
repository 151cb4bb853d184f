"""The `zsie` command line: thin commands, clear errors, exit codes."""

import csv
import io
import json

from typer.testing import CliRunner

from cli.main import app
from corpus.doccano import write_jsonl
from model.network import ZsieConfig
from tests.conftest import ROOT
from tests.tiny_corpus import tiny_docs

runner = CliRunner()


def test_annotations_validate_passes_on_the_corpus_and_fails_with_file_line():
    ok = runner.invoke(app, ["annotations", "validate", str(ROOT / "annotations")])
    assert ok.exit_code == 0, ok.output


def test_annotations_validate_reports_problems(tmp_path):
    bad = tiny_docs()
    bad[1]["entities"][0]["end_offset"] = 10_000
    path = tmp_path / "bad.jsonl"
    write_jsonl(bad, path)
    result = runner.invoke(app, ["annotations", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: entity 1: offsets" in result.output


def test_annotations_stats_writes_json(tmp_path):
    out = tmp_path / "stats.json"
    result = runner.invoke(app, ["annotations", "stats", str(ROOT / "annotations"), "-o", str(out)])
    assert result.exit_code == 0 and "span PERSON" in result.output
    stats = json.loads(out.read_text())
    assert set(stats["splits"]) == {"train", "dev", "test"}


def test_annotations_convert_round_trip(tmp_path):
    src = tmp_path / "a.jsonl"
    write_jsonl(tiny_docs(), src)
    assert (
        runner.invoke(
            app, ["annotations", "convert", str(src), str(tmp_path / "a.conll"), "--from", "jsonl", "--to", "conll"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app,
            [
                "annotations",
                "convert",
                str(tmp_path / "a.conll"),
                str(tmp_path / "b.jsonl"),
                "--from",
                "conll",
                "--to",
                "jsonl",
            ],
        ).exit_code
        == 0
    )
    back = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert [len(d["entities"]) for d in back] == [len(d["entities"]) for d in tiny_docs()]


def test_extract_reads_files_folders_and_jsonl_and_reports_bad_files(tiny_model_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(tiny_docs()[0]["text"], encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    (folder / "docs.jsonl").write_text(
        json.dumps({"id": "j1", "text": tiny_docs()[1]["text"], "doc_date": "2026-01-05"}, ensure_ascii=False)
        + "\n{broken\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(folder), "--model", str(tiny_model_dir), "-o", str(out)])
    assert result.exit_code == 1  # bad inputs are reported and skipped; the others are processed
    assert "bad.txt: not UTF-8" in result.output and "docs.jsonl:2" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a.txt", "j1"]
    assert records[0]["officials"][0]["name"] == "王建国"


def test_extract_csv_has_one_row_per_fact(tiny_model_dir, tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(tiny_docs()[0]["text"], encoding="utf-8")
    result = runner.invoke(app, ["extract", str(src), "--model", str(tiny_model_dir), "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout[result.stdout.index("doc_id") :])))
    kinds = {row["kind"] for row in rows}
    assert {"official", "amount", "project_count", "rate", "strategy"} <= kinds


def test_extract_with_concurrent_passes_writes_the_same_records(tiny_model_dir, tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": str(i), "text": d["text"]}, ensure_ascii=False) + "\n" for i, d in enumerate(tiny_docs())
        ),
        encoding="utf-8",
    )
    outputs = []
    for passes in ("1", "2"):
        out = tmp_path / f"out-{passes}.jsonl"
        args = ["extract", str(src), "--model", str(tiny_model_dir), "--batch-size", "2", "--passes", passes]
        result = runner.invoke(app, [*args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == len(tiny_docs())
    refused = runner.invoke(app, ["extract", str(src), "--model", str(tiny_model_dir), "--passes", "0"])
    assert refused.exit_code == 2 and "--passes" in refused.output


def test_extract_from_stdin(tiny_model_dir):
    result = runner.invoke(app, ["extract", "--model", str(tiny_model_dir)], input=tiny_docs()[1]["text"])
    assert result.exit_code == 0
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["id"] is None and record["officials"][0]["name"] == "李红梅"


def test_missing_model_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["extract", "--model", str(tmp_path)], input="x")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)  # no traceback
    assert result.output.strip() == f"error: no zsie model at {tmp_path}"


def test_evaluate_missing_model_is_one_line(tmp_path):
    data = tmp_path / "dev.jsonl"
    write_jsonl(tiny_docs(), data)
    result = runner.invoke(app, ["evaluate", "--model", str(tmp_path / "nothing"), "--data", str(data)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [f"error: no zsie model at {tmp_path / 'nothing'}"]


def malformed(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(tiny_docs()[0], ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    return path


def test_train_on_malformed_jsonl_gives_the_validator_line_and_exit_2(tmp_path):
    result = runner.invoke(
        app, ["train", "--train", str(malformed(tmp_path)), "-o", str(tmp_path / "out"), "--base-model", "scratch-tiny"]
    )
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [
        f"{tmp_path / 'bad.jsonl'}:2: invalid JSON: Expecting property name enclosed in double quotes"
    ]
    assert not (tmp_path / "out").exists()


def test_evaluate_on_malformed_jsonl_gives_the_validator_line_and_exit_2(tiny_model_dir, tmp_path):
    result = runner.invoke(app, ["evaluate", "--model", str(tiny_model_dir), "--data", str(malformed(tmp_path))])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert f"{tmp_path / 'bad.jsonl'}:2: invalid JSON" in result.output and "Traceback" not in result.output


def test_missing_data_file_is_exit_2(tiny_model_dir, tmp_path):
    result = runner.invoke(app, ["evaluate", "--model", str(tiny_model_dir), "--data", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 2 and f"{tmp_path / 'none.jsonl'}:0: no such file" in result.output


def test_train_defaults_come_from_train_config_and_every_setting_is_reachable():
    import dataclasses

    import typer.main

    from training.train import TrainConfig

    command = typer.main.get_command(app).commands["train"]
    params = {p.name: p for p in command.params}
    for f in dataclasses.fields(TrainConfig):
        assert f.name in params, f"--{f.name.replace('_', '-')} is missing"
        assert params[f.name].default == getattr(TrainConfig(), f.name), f.name


def test_find_threshold_sweeps_entity_thresholds_into_json(tiny_model_dir, tmp_path):
    data = tmp_path / "dev.jsonl"
    write_jsonl(tiny_docs(), data)
    result = runner.invoke(
        app, ["find-threshold", "--model", str(tiny_model_dir), "--data", str(data), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    sweep = json.loads((tmp_path / "threshold_sweep.json").read_text())
    assert [r["threshold"] for r in sweep["rows"]][:2] == [0.0, 0.5] and "best by entity:" in result.output
    assert "--sweep-thresholds" not in runner.invoke(app, ["evaluate", "--help"]).output


def test_find_threshold_apply_saves_the_choice_with_the_model(tiny_model_dir, tmp_path):
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    data = tmp_path / "dev.jsonl"
    write_jsonl(tiny_docs(), data)
    args = ["find-threshold", "--model", str(model), "--data", str(data), "--threshold", "1.01"]
    result = runner.invoke(app, [*args, "--apply"])
    assert result.exit_code == 0, result.output
    assert ZsieConfig.load(model).entity_threshold == 1.01
    bad = runner.invoke(app, [*args, "--criterion", "precision"])
    assert bad.exit_code != 0 and "officials-real" in bad.output
    no_real = runner.invoke(app, [*args, "--criterion", "officials-real"])
    assert no_real.exit_code != 0 and "needs real documents" in no_real.output
