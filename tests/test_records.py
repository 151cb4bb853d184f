"""Records built from the gold seed annotations: the officials and figures a reader finds in each seed."""

from datetime import date

import pytest

from corpus.doccano import load_documents
from model.records import build_record, is_office
from tests.conftest import ROOT


def gold_record(doc: dict, doc_date=None) -> dict:
    index = {e["id"]: i for i, e in enumerate(doc["entities"])}
    entities = [
        {"label": e["label"], "start": e["start_offset"], "end": e["end_offset"], "score": 1.0} for e in doc["entities"]
    ]
    relations = [
        {"type": r["type"], "head": index[r["from_id"]], "tail": index[r["to_id"]], "score": 1.0}
        for r in doc["relations"]
    ]
    return build_record(doc["text"], entities, relations, doc["id"], "gold", doc_date)


@pytest.fixture(scope="module")
def seeds():
    docs = {d["id"]: d for d in load_documents([ROOT / "annotations" / "test.jsonl"])}
    return [docs[f"seed_{i:03d}"] for i in range(5)]


def test_seed_000_officials_titles_and_roles(seeds):
    record = gold_record(seeds[0])
    officials = {o["name"]: o for o in record["officials"]}
    assert officials["冯忠华"]["titles"] == ["市委书记"]
    assert {"出席", "讲话"} <= set(officials["冯忠华"]["roles"])
    assert officials["孙志洋"]["titles"] == ["市委副书记", "市长"]
    assert "主持" in officials["孙志洋"]["roles"]
    assert officials["潘志军"]["titles"] == ["市政府秘书长"] and "作说明" in officials["潘志军"]["roles"]
    assert len(officials["冯忠华"]["mentions"]) >= 3
    sidebar = seeds[0]["text"].index("热门资讯")
    for item in record["amounts"] + record["project_counts"] + record["rates"]:
        assert item["start"] < sidebar


def test_seed_001_amounts_counts_rates(seeds):
    record = gold_record(seeds[1], date(2026, 2, 26))
    amounts = {(a["text"], a["metric"]): a for a in record["amounts"]}
    top = amounts[("800亿元", "新签约项目计划投资总额")]
    assert (top["value"], top["currency"], top["qualifier"]) == ("80000000000", "CNY", "gte")
    assert amounts[("753亿元", "计划投资总额")]["period"] == "2025"
    assert amounts[("339亿元", "制造业项目计划投资总额")]["qualifier"] == "approx"
    counts = {c["text"]: c for c in record["project_counts"]}
    assert counts["516个"]["value"] == 516 and counts["516个"]["counted"] == "新签约各类项目"
    rates = {r["text"]: r for r in record["rates"]}
    assert rates["8.2%"]["value"] == "8.2" and rates["8.2%"]["metric"] == "同比增长"
    assert {s["name"] for s in record["strategies"]} >= {
        "驻外招商",
        "产业链招商",
        "以商引商",
        "场景招商",
        "资本基金招商",
    }
    assert "张家成" not in {o["name"] for o in record["officials"]}  # an executive, not an official


def test_seed_004_noise_in_title_chains(seeds):
    record = gold_record(seeds[4])
    officials = {o["name"]: o for o in record["officials"]}
    assert officials["任刚"]["titles"] == ["市委副书记", "市长"] and "主持" in officials["任刚"]["roles"]
    assert officials["张惠"]["titles"] == ["市委副书记", "统战部部长"]
    assert "出席" in officials["梅建华"]["roles"]  # a chain of names shares the verb at its end
    counts = {c["text"]: c for c in record["project_counts"]}
    assert counts["928个"]["period"] == "2024"


def test_every_record_offset_points_into_the_text(seeds):
    for doc in seeds:
        record = gold_record(doc)
        for ent in record["entities"]:
            assert doc["text"][ent["start"] : ent["end"]] == ent["text"]
        for item in record["amounts"] + record["project_counts"] + record["rates"]:
            assert doc["text"][item["start"] : item["end"]] == item["text"]
        for strategy in record["strategies"]:
            for start, end in strategy["mentions"]:
                assert doc["text"][start:end]


@pytest.mark.parametrize(
    "title, office",
    [
        ("市委书记", True),
        ("区人大常委会主任", True),
        ("武汉经开区工委书记", True),
        ("执行董事", False),
        ("董事长", False),
        ("总经理", False),
        ("市政府秘书长", True),
    ],
)
def test_office_titles(title, office):
    assert is_office(title) is office
