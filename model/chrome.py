"""Site chrome in scraped pages: menus, breadcrumbs, related-article lists, prev/next links, footers.

Facts found only there are not reported (seed 000 ends in a sidebar of unrelated news). Returns character
ranges of the original text.
"""

from __future__ import annotations

import re

from model.cleaning import NOISE

# A line that opens a list of other articles: everything after it is chrome.
_LIST_HEADERS = re.compile(
    r"^\s*[【\[]?(相关内容|热门资讯|相关阅读|推荐阅读|相关新闻|相关文章|热点推荐|猜你喜欢|热门推荐|延伸阅读|更多阅读|最新资讯|今日推荐|热门文章|精彩推荐)[】\]]?\s*[:：]?\s*$"
)
# Single chrome lines.
_CHROME_LINES = re.compile(
    r"^\s*(上一篇|下一篇|当前位置|您的位置|你的位置|首页\s*[>＞›»]|分享到|打印本页|关闭窗口|扫一扫|版权所有|Copyright|©|主办单位|"
    r"网站地图|联系我们|ICP备|京ICP|粤ICP|技术支持|【打印】|【关闭】|返回顶部)"
    r"|上一篇[:：].*下一篇|[>＞›»]\s*(正文|本地要闻|新闻中心|要闻动态)\s*$",
    re.IGNORECASE,
)


_WITHOUT_NOISE = {ord(ch): None for ch in NOISE}  # "□□上一篇" is still a prev/next line


def chrome_ranges(text: str) -> list[tuple[int, int]]:
    """[start, end) ranges of chrome lines and trailing related-article lists."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, end = pos, pos + len(raw)
        pos = end
        line = raw.translate(_WITHOUT_NOISE)
        if _LIST_HEADERS.match(line):
            ranges.append((start, len(text)))
            break
        if _CHROME_LINES.search(line):
            ranges.append((start, end))
    return ranges
