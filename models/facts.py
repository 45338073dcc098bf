"""One Pydantic model per fact label, joined in a discriminated union on ``label``.

The field names are those of ``spec/EXTRACTION.md`` so that records, gold files and the
evaluator share one vocabulary.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class LegalForm(StrEnum):
    LLP = "LLP"
    JSC = "JSC"
    STATE_ENTERPRISE = "STATE_ENTERPRISE"
    STATE_INSTITUTION = "STATE_INSTITUTION"
    IE = "IE"
    COOPERATIVE = "COOPERATIVE"
    FOUNDATION = "FOUNDATION"
    OTHER = "OTHER"


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


class Violation(StrEnum):
    BRIBERY = "bribery"
    EMBEZZLEMENT = "embezzlement"
    FRAUD = "fraud"
    ABUSE_OF_OFFICE = "abuse_of_office"
    NEGLIGENCE = "negligence"
    FORGERY = "forgery"
    BUDGET_MISUSE = "budget_misuse"
    PROCUREMENT = "procurement"
    LABOR_LAW = "labor_law"
    LAND = "land"
    TAX_CUSTOMS = "tax_customs"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    CONSTRUCTION = "construction"
    OTHER = "other"


class Currency(StrEnum):
    KZT = "KZT"
    USD = "USD"
    RUB = "RUB"
    EUR = "EUR"


class LawCode(StrEnum):
    CRIMINAL = "CRIMINAL"
    ADMINISTRATIVE = "ADMINISTRATIVE"
    OTHER = "OTHER"


class _Evidence(BaseModel):
    """Where the fact stands in the record's ``text``: ``text[start:end] == text``."""

    model_config = ConfigDict(extra="forbid")

    # Declared here so that it comes first in every fact; each label's model narrows it.
    label: str = Field(description="the fact type")
    start: int = Field(ge=0, description="character offset in the record text")
    end: int = Field(ge=0, description="character offset past the span")
    text: str = Field(description="the evidence span exactly as it appears in the text")
    sentence: int = Field(ge=0, description="index of the sentence holding the span")


class _Place(_Evidence):
    kato: str | None = Field(None, description="KATO code of the gazetteer row, null if unknown")
    name_ru: str = Field(description="canonical Russian name (KATO name_ru) or the name as written")


class RegionFact(_Place):
    label: Literal["REGION"] = "REGION"


class DistrictFact(_Place):
    label: Literal["DISTRICT"] = "DISTRICT"


class SettlementFact(_Place):
    label: Literal["SETTLEMENT"] = "SETTLEMENT"


class EnterpriseFact(_Evidence):
    label: Literal["ENTERPRISE"] = "ENTERPRISE"
    legal_form: LegalForm
    name: str = Field(description="the quoted name without quotes, whitespace folded")


class AgencyFact(_Evidence):
    label: Literal["AGENCY"] = "AGENCY"
    name: str = Field(description="the name as written, whitespace folded")


class DeadlineFact(_Evidence):
    label: Literal["DEADLINE"] = "DEADLINE"
    value: dt.date = Field(description="last day of the period the deadline names")
    precision: Precision


class ViolationFact(_Evidence):
    label: Literal["VIOLATION"] = "VIOLATION"
    violation: Violation


class MoneyFact(_Evidence):
    label: Literal["MONEY"] = "MONEY"
    amount: float = Field(description="amount in units of the currency")
    currency: Currency


class LawArticleFact(_Evidence):
    label: Literal["LAW_ARTICLE"] = "LAW_ARTICLE"
    code: LawCode
    article: str = Field(description="article number as cited, e.g. '366' or '189-2'")


Fact = Annotated[
    RegionFact
    | DistrictFact
    | SettlementFact
    | EnterpriseFact
    | AgencyFact
    | DeadlineFact
    | ViolationFact
    | MoneyFact
    | LawArticleFact,
    Field(discriminator="label"),
]

FACT_ADAPTER: TypeAdapter[Fact] = TypeAdapter(Fact)

LABELS: tuple[str, ...] = (
    "REGION",
    "DISTRICT",
    "SETTLEMENT",
    "ENTERPRISE",
    "AGENCY",
    "DEADLINE",
    "VIOLATION",
    "MONEY",
    "LAW_ARTICLE",
)
