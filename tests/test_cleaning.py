from hypothesis import given, settings, strategies as st

from model.chrome import chrome_ranges
from model.cleaning import clean_text

NOISY = st.text(alphabet=st.sampled_from(list("市委书记冯忠华出席８００亿元□㊣✅ \n\u200b\x00，。%％1.")), max_size=80)


def test_noise_is_dropped_and_offsets_point_into_the_original():
    original = "产㊣业链招商□□８００亿元\u200b✅"
    clean = clean_text(original)
    assert clean.text == "产业链招商800亿元"
    start, end = clean.to_original(0, 5)
    assert original[start:end] == "产㊣业链招商"
    assert clean.to_clean(0, len(original)) == (0, len(clean.text))
    assert clean.to_clean(6, 8) is None  # only noise there (□□)


@given(NOISY, st.data())
@settings(max_examples=200, deadline=None)
def test_any_clean_span_maps_back_inside_the_original(text, data):
    clean = clean_text(text)
    if not clean.text:
        return
    start = data.draw(st.integers(0, len(clean.text) - 1))
    end = data.draw(st.integers(start + 1, len(clean.text)))
    o_start, o_end = clean.to_original(start, end)
    assert 0 <= o_start < o_end <= len(text)
    assert clean_text(text[o_start:o_end]).text == clean.text[start:end]


def test_chrome_tails_and_lines_are_found():
    text = "首页 > 新闻中心 > 本地要闻\n正文：签约100亿元。\n上一篇：甲 下一篇：乙\n责任编辑：王敏\n相关阅读\n某地签约50亿元\n"
    ranges = chrome_ranges(text)
    covered = [text[s:e] for s, e in ranges]
    assert covered[0].startswith("首页")
    assert any(c.startswith("上一篇") for c in covered)
    assert covered[-1].startswith("相关阅读") and covered[-1].endswith("50亿元\n")
    assert not any("100亿元" in c or "责任编辑" in c for c in covered)


def test_noise_before_a_chrome_keyword_does_not_hide_the_line():
    text = "正文：签约100亿元。\n□□上一篇：甲\n✅相关阅读\n某地签约50亿元\n"
    covered = [text[s:e] for s, e in chrome_ranges(text)]
    assert covered == ["□□上一篇：甲\n", "✅相关阅读\n某地签约50亿元\n"]
