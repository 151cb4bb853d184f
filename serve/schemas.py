"""Request and response bodies of the HTTP API (the document record of the extraction contract)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="the article text, as scraped")
    id: str | None = Field(default=None, max_length=512)
    doc_date: date | None = Field(default=None, description="YYYY-MM-DD; resolves 去年/今年 in periods")


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
