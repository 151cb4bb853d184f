import json

import pytest

from corpus.validate import validate_document, validate_files


def good_doc() -> dict:
    return {
        "id": 1,
        "text": "市委书记冯忠华出席。签约516个项目。",
        "entities": [
            {"id": 1, "label": "TITLE", "start_offset": 0, "end_offset": 4},
            {"id": 2, "label": "PERSON", "start_offset": 4, "end_offset": 7},
            {"id": 3, "label": "COUNT", "start_offset": 12, "end_offset": 16},
            {"id": 4, "label": "METRIC", "start_offset": 16, "end_offset": 18},
        ],
        "relations": [
            {"id": 1, "from_id": 2, "to_id": 1, "type": "has_title"},
            {"id": 2, "from_id": 3, "to_id": 4, "type": "count_of"},
        ],
    }


def test_good_document_has_no_problems():
    assert validate_document(good_doc()) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["entities"][0].update(end_offset=99), "out of range"),
        (lambda d: d["entities"][0].update(start_offset=-1), "out of range"),
        (lambda d: d["entities"][0].update(end_offset=0), "empty span"),
        (lambda d: d["entities"][1].update(start_offset=2), "crosses"),
        (lambda d: d["entities"].append({"id": 9, "label": "ORG", "start_offset": 5, "end_offset": 6}), "nested in"),
        (lambda d: d["entities"][0].update(label="POST"), "unknown label"),
        (lambda d: d["entities"][1].update(id=1), "duplicate entity id"),
        (lambda d: d["relations"][1].update(id=1), "duplicate relation id"),
        (lambda d: d["relations"][0].update(to_id=42), "does not exist"),
        (lambda d: d["relations"][0].update(type="amount_of"), "cannot link PERSON -> TITLE"),
        (lambda d: d["relations"][0].update(type="likes"), "unknown type"),
        (lambda d: d["entities"][0].update(start_offset="0"), "must be integers"),
    ],
)
def test_each_error_class_is_reported(mutate, expected):
    doc = good_doc()
    mutate(doc)
    problems = validate_document(doc)
    assert any(expected in p for p in problems), problems


def test_whitespace_edges_are_reported():
    doc = {
        "id": 1,
        "text": "市长 任刚",
        "entities": [{"id": 1, "label": "PERSON", "start_offset": 2, "end_offset": 5}],
        "relations": [],
    }
    assert any("whitespace" in p for p in validate_document(doc))


def test_files_report_file_and_line(tmp_path):
    bad = good_doc()
    bad["entities"][0]["label"] = "POST"
    dup = good_doc()  # same id as the first document
    path = tmp_path / "x.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in (good_doc(), bad, dup)) + "\n{not json\n")
    problems = validate_files([path])
    assert f"{path}:2: entity 1: unknown label 'POST'" in problems
    assert any(p.startswith(f"{path}:3: duplicate document id") for p in problems)
    assert any(p.startswith(f"{path}:4: invalid JSON") for p in problems)


def test_missing_file_is_a_problem(tmp_path):
    assert validate_files([tmp_path / "missing.jsonl"]) == [f"{tmp_path / 'missing.jsonl'}:0: no such file"]
