"""Request and response bodies of the HTTP API (the document record of the extraction contract)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Text the service refuses (422, naming the character and its position): lone surrogates (not Unicode: a
# broken UTF-16 pair, "\ud800" in JSON) and control characters other than tab, newline, carriage return,
# vertical tab and form feed (NUL and the rest of C0, DEL, C1: binary or mis-decoded input, not an article).
# The library (`Extractor`) takes them all: it drops them before the model and keeps offsets into the text.
_REFUSED = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1f\x7f-\x9f]")


def check_text(text: str) -> str:
    bad = _REFUSED.search(text)
    if bad is None:
        return text
    char = bad.group()
    if "\ud800" <= char <= "\udfff":
        problem = f"a lone surrogate U+{ord(char):04X} (not valid Unicode: half of a UTF-16 pair)"
    else:
        name = {0: "NUL"}.get(ord(char)) or unicodedata.name(char, "control character")
        problem = f"the control character U+{ord(char):04X} ({name})"
    raise ValueError(
        f"{problem} at character {bad.start()}; send valid Unicode text without control characters "
        "other than tab and newline"
    )


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the article text, as scraped")
    id: str | None = Field(default=None, max_length=512)
    doc_date: date | None = Field(default=None, description="YYYY-MM-DD; resolves 去年/今年 in periods")

    @field_validator("text", "id")
    @classmethod
    def valid_unicode(cls, value: str | None) -> str | None:
        return value if value is None else check_text(value)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[ExtractRequest]


class Entity(BaseModel):
    label: str
    start: int
    end: int
    text: str
    score: float


class Relation(BaseModel):
    type: str
    head: int
    tail: int
    score: float


class Official(BaseModel):
    name: str
    titles: list[str]
    roles: list[str]
    mentions: list[list[int]]


class Amount(BaseModel):
    text: str
    start: int
    end: int
    value: str
    value_max: str | None
    currency: str
    qualifier: str | None
    metric: str | None
    period: str | None


class ProjectCount(BaseModel):
    text: str
    start: int
    end: int
    value: int
    qualifier: str | None
    counted: str | None
    period: str | None


class Rate(BaseModel):
    text: str
    start: int
    end: int
    value: str
    unit: str
    metric: str | None
    period: str | None


class Strategy(BaseModel):
    name: str
    mentions: list[list[int]]


class DocumentRecord(BaseModel):
    id: str | None
    model: str
    entities: list[Entity]
    relations: list[Relation]
    officials: list[Official]
    amounts: list[Amount]
    project_counts: list[ProjectCount]
    rates: list[Rate]
    strategies: list[Strategy]


class BatchResponse(BaseModel):
    results: list[DocumentRecord]


class ModelInfo(BaseModel):
    name: str
    version: str
    labels: list[str]
    relation_types: list[str]
    device: str
    dtype: str
    base_model: str
    metrics: dict


class ErrorBody(BaseModel):
    detail: str | list
