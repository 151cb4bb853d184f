"""Document consistency: confirmed officials' names spread to their other mentions (model/propagation.py)."""

from model.propagation import confirmed_names, propagate_names

TEXT = "副区长韦东海主持会议。随后，韦东海察看了园区。韦东主任说，韦东海同志要求加快进度。"


def spans(text, entities):
    return [(text[e["start"] : e["end"]], e["label"]) for e in entities]


def ent(text, surface, label, score=0.9, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"label": label, "start": start, "end": start + len(surface), "score": score}


def test_a_titled_name_spreads_to_its_bare_mentions_and_extends_a_cut_one():
    entities = [
        ent(TEXT, "副区长", "TITLE"),
        ent(TEXT, "韦东海", "PERSON", 0.97),
        ent(TEXT, "韦东", "PERSON", 0.8, nth=2),
    ]
    relations = [{"type": "has_title", "head": 1, "tail": 0, "score": 0.9}]
    out, rels = propagate_names(TEXT, entities, relations)
    assert spans(TEXT, out) == [
        ("副区长", "TITLE"),
        ("韦东海", "PERSON"),
        ("韦东海", "PERSON"),
        ("韦东", "PERSON"),
        ("韦东海", "PERSON"),
    ]
    # the cut mention at 韦东主任 is not extended: the text there does not continue into 韦东海
    starts = [e["start"] for e in out if e["label"] == "PERSON"]
    assert starts == [TEXT.index("韦东海"), TEXT.index("韦东海", 7), TEXT.index("韦东主任"), TEXT.rindex("韦东海")]
    assert [e["score"] for e in out if e["label"] == "PERSON" and e is not out[1]] == [0.97, 0.8, 0.97]
    # the relation still joins the same two spans after sorting
    assert (spans(TEXT, [out[rels[0]["head"]]]), spans(TEXT, [out[rels[0]["tail"]]])) == (
        [("韦东海", "PERSON")],
        [("副区长", "TITLE")],
    )
    assert out[rels[0]["head"]]["start"] == TEXT.index("韦东海")


def test_a_truncated_mention_is_extended_to_the_confirmed_name():
    text = "市长罗红梅讲话。罗红梅指出，要抓项目。"
    entities = [ent(text, "市长", "TITLE"), ent(text, "罗红梅", "PERSON"), ent(text, "罗红", "PERSON", nth=1)]
    out, _ = propagate_names(text, entities, [{"type": "has_title", "head": 1, "tail": 0, "score": 0.9}])
    assert spans(text, out) == [("市长", "TITLE"), ("罗红梅", "PERSON"), ("罗红梅", "PERSON")]


def test_an_untitled_name_does_not_spread():
    text = "连云港·回味。连云港·回忆。连云港的夜。"
    entities = [ent(text, "连云港", "PERSON")]
    out, rels = propagate_names(text, entities, [])
    assert spans(text, out) == [("连云港", "PERSON")] and rels == []


def test_occurrences_inside_other_spans_are_left_alone():
    text = "县长王林出席。王林县开发区和王林同志。"
    entities = [ent(text, "县长", "TITLE"), ent(text, "王林", "PERSON"), ent(text, "王林县开发区", "ORG")]
    out, _ = propagate_names(text, entities, [{"type": "has_title", "head": 1, "tail": 0, "score": 0.9}])
    assert spans(text, out) == [("县长", "TITLE"), ("王林", "PERSON"), ("王林县开发区", "ORG"), ("王林", "PERSON")]


def test_only_names_heading_a_title_link_are_confirmed():
    text = "党委书记周宁和李响出席。"
    entities = [ent(text, "党委书记", "TITLE"), ent(text, "周宁", "PERSON", 0.7), ent(text, "李响", "PERSON")]
    relations = [
        {"type": "has_title", "head": 1, "tail": 0, "score": 0.9},
        {"type": "amount_of", "head": 2, "tail": 0, "score": 0.9},
    ]
    assert confirmed_names(text, entities, relations) == {"周宁": 0.7}


def test_the_predictor_spreads_names_after_relations(tiny_model_dir):
    """With `propagate` on, a prediction is the plain one passed through propagate_names."""
    from model.inference import Predictor
    from model.network import ZsieModel
    from model.tokenization import load_tokenizer

    model, tokenizer = ZsieModel.load(tiny_model_dir), load_tokenizer(tiny_model_dir)
    text = "市长李红梅主持会议。会后，李红梅察看园区，李红梅说要开展以商引商。"
    model.config.propagate = False
    plain = Predictor(model, tokenizer).predict([text])[0]
    model.config.propagate = True
    spread = Predictor(model, tokenizer).predict([text])[0]
    assert (spread.entities, spread.relations) == propagate_names(text, plain.entities, plain.relations)
    assert len(spread.entities) > len(plain.entities)  # the bare mentions were found by spreading


def test_mentions_in_site_chrome_are_not_spread_to():
    text = "市长罗红梅讲话。罗红梅指出，要抓项目。\n相关新闻\n罗红梅调研开发区\n"
    entities = [ent(text, "市长", "TITLE"), ent(text, "罗红梅", "PERSON")]
    out, _ = propagate_names(text, entities, [{"type": "has_title", "head": 1, "tail": 0, "score": 0.9}])
    assert [e["start"] for e in out if e["label"] == "PERSON"] == [2, text.index("罗红梅", 5)]
