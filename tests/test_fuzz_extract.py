"""`Extractor.extract` on random Unicode never raises and returns offsets inside the text."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from model.extractor import Extractor

PIECES = [
    "市长李红梅主持会议。",
    "签约50亿元",
    "😀",
    "👨‍👩‍👧",
    "e\u0301",
    "\u0301\u0302",
    "مرحبا",
    "\u202e",
    "\u200f",
    "\x00",
    "\x07",
    "\ud800",
    "\udfff",
    "\ufffd",
    "\t",
    "\n",
    "\r\n",
    "首页 > 新闻中心\n",
    "上一篇：市长讲话\n",
    "相关阅读\n",
    "版权所有 © 2024\n",
    "　",
    "\u3000",
    "\ufeff",
    "\u200b",
    "Ａ１２３",
    "%",
    "人",
]
texts = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=80),  # anything, surrogates included
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.sampled_from(PIECES),
    st.characters(codec=None, exclude_categories=()).map(str),  # one character
)


@pytest.fixture(scope="module")
def extractor(tiny_model_dir):
    return Extractor.load(tiny_model_dir, device="cpu")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts)
def test_extract_never_raises_and_offsets_stay_inside(extractor, text):
    record = extractor.extract(text)
    for ent in record["entities"]:
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        assert ent["text"] == text[ent["start"] : ent["end"]]
    for key in ("amounts", "project_counts", "rates"):
        for fact in record[key]:
            assert 0 <= fact["start"] < fact["end"] <= len(text)
    for official in record["officials"]:
        assert all(0 <= s < e <= len(text) for s, e in official["mentions"])
    for rel in record["relations"]:
        assert 0 <= rel["head"] < len(record["entities"]) and 0 <= rel["tail"] < len(record["entities"])


def test_only_chrome_and_one_character(extractor):
    assert extractor.extract("首页 > 新闻中心\n上一篇：市长李红梅主持会议\n版权所有 © 2024")["entities"] == []
    for char in ("人", "\x00", "\ud800", "😀", ""):
        assert isinstance(extractor.extract(char)["entities"], list)
