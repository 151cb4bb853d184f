"""A tiny annotated corpus the model tests train on (seconds, not minutes)."""

from corpus.markup import parse_markup

MARKUP = """### doc: tiny1
[市委书记](TITLE:t1)[王建国](PERSON:p1)出席会议。[2025年](DATE:d1)全市[新签约项目](METRIC:m1)[516个](COUNT:c1)，[计划投资总额](METRIC:m2)[753亿元](AMOUNT:a1)，[同比增长](METRIC:m3)[8.2%](RATE:r1)。要开展[产业链招商](STRATEGY)和[资本招商](STRATEGY)。
### relations
p1 t1
c1 m1 d1
a1 m2 d1
r1 m3 d1

### doc: tiny2
[市长](TITLE:t1)[李红梅](PERSON:p1)主持会议。[去年](DATE:d1)全区[签约额](METRIC:m1)超[2100亿元](AMOUNT:a1)，[亿元以上项目](METRIC:m2)[110个](COUNT:c1)。推进[驻点招商](STRATEGY)、[以商引商](STRATEGY)，引进[粤实电子](ORG)。
### relations
p1 t1
a1 m1 d1
c1 m2 d1
"""


def tiny_docs() -> list[dict]:
    return [doc.to_doccano() for doc in parse_markup(MARKUP)]
