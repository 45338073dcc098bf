"""The record: one press release in one language, with its facts and provenance."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .facts import Fact

SCHEMA_VERSION = "1.0"

Lang = Literal["ru", "kk", "en"]


class Source(BaseModel):
    """How the bytes behind a record were obtained, so it can be traced and re-extracted."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str = Field(description="the API URL that returned the item, with its query")
    fetched_at: dt.datetime = Field(description="when the response arrived (UTC)")
    sha256: str = Field(description="sha256 of the raw response body bytes")
    warc_file: str | None = Field(None, description="WARC file holding the response")
    warc_record_id: str | None = Field(None, description="WARC-Record-ID of the response")


class Extractor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str


class Release(BaseModel):
    """One record of the corpus: a gov.kz press release in one language."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal["1.0"] = "1.0"
    id: int | None = Field(None, description="gov.kz numeric news id, shared by languages")
    doc_id: str | None = Field(None, description="caller's id, kept from extract-text input")
    lang: Lang
    entity: str | None = Field(None, description="gov.kz project slug, e.g. anticorruption-vko")
    url: str | None = Field(None, description="public gov.kz page of the release")
    title: str | None = None
    published_at: dt.datetime | None = Field(None, description="ISO 8601 with offset")
    views: int | None = None
    text: str = Field(description="clean text: title + blank line + body; offsets refer to it")
    content_sha256: str | None = Field(
        None, description="sha256 of title+body as served; changes when the release is edited"
    )
    version: int = Field(1, ge=1, description="1 for the first text seen, +1 per edit")
    facts: list[Fact] = Field(default_factory=list)
    source: Source | None = None
    extractor: Extractor

    @property
    def key(self) -> str:
        """Stable identity of a release in one language across versions."""
        return f"{self.entity or ''}:{self.id if self.id is not None else self.doc_id}:{self.lang}"
