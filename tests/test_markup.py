import pytest

from corpus.markup import MarkupError, parse_markup

SOURCE = """### doc: d1 province=广东 level=city
[市委副书记](TITLE:t1)、[市长](TITLE:t2)[孙志洋](PERSON:p1)主持。区(市)签约[516个](COUNT:c1)[项目](METRIC:m1)，[2025年](DATE:d1)。

第二段[8.2%](RATE)
### relations
p1 t1 t2
c1 m1 d1

### doc: d2
无标注
"""


def test_markup_becomes_offsets_into_plain_text():
    d1, d2 = parse_markup(SOURCE)
    assert d1.text == "市委副书记、市长孙志洋主持。区(市)签约516个项目，2025年。\n\n第二段8.2%"
    assert d1.meta == {"province": "广东", "level": "city"}
    got = [(d1.text[e["start_offset"] : e["end_offset"]], e["label"]) for e in d1.entities]
    assert got == [
        ("市委副书记", "TITLE"),
        ("市长", "TITLE"),
        ("孙志洋", "PERSON"),
        ("516个", "COUNT"),
        ("项目", "METRIC"),
        ("2025年", "DATE"),
        ("8.2%", "RATE"),
    ]
    assert [r["type"] for r in d1.relations] == ["has_title", "has_title", "count_of", "in_period"]
    assert d2.text == "无标注" and d2.entities == []


def test_explicit_relation_type_and_bad_pairs():
    ok = parse_markup("### doc: a\n[1亿元](AMOUNT:a)[税收](METRIC:m)\n### relations\na amount_of m\n")
    assert ok[0].relations[0]["type"] == "amount_of"
    with pytest.raises(MarkupError, match="no relation type"):
        parse_markup("### doc: a\n[张三](PERSON:p)[税收](METRIC:m)\n### relations\np m\n")
    with pytest.raises(MarkupError, match="unknown ref"):
        parse_markup("### doc: a\n[张三](PERSON:p)\n### relations\np t\n")
    with pytest.raises(MarkupError, match="used twice"):
        parse_markup("### doc: a\n[张三](PERSON:p)[李四](PERSON:p)\n")
    with pytest.raises(MarkupError, match="outside a document"):
        parse_markup("stray\n### doc: a\nx\n")
