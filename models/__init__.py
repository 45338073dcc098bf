"""Pydantic models: the single definition of a corpus record and its JSON Schema."""

from .facts import (
    FACT_ADAPTER,
    LABELS,
    AgencyFact,
    Currency,
    DeadlineFact,
    DistrictFact,
    EnterpriseFact,
    Fact,
    LawArticleFact,
    LawCode,
    LegalForm,
    MoneyFact,
    Precision,
    RegionFact,
    SettlementFact,
    Violation,
    ViolationFact,
)
from .release import SCHEMA_VERSION, Extractor, Lang, Release, Source


def json_schema() -> dict:
    """JSON Schema of a record, generated from the models (never written by hand)."""
    return Release.model_json_schema()


__all__ = [
    "FACT_ADAPTER",
    "LABELS",
    "SCHEMA_VERSION",
    "AgencyFact",
    "Currency",
    "DeadlineFact",
    "DistrictFact",
    "EnterpriseFact",
    "Extractor",
    "Fact",
    "Lang",
    "LawArticleFact",
    "LawCode",
    "LegalForm",
    "MoneyFact",
    "Precision",
    "RegionFact",
    "Release",
    "SettlementFact",
    "Source",
    "Violation",
    "ViolationFact",
    "json_schema",
]
