"""The seed release (anticorruption-vko 1021338) gives the facts the product was
specified from, in en, ru and kk, and no wrong place, enterprise, violation or deadline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import release_from_item

SAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "samples" / "anticorruption-vko"

EXPECTED = {
    "DISTRICT": {"636800000", "634000000", "635600000", "634600000"},
    "REGION": {"630000000"},
    "VIOLATION": {"budget_misuse", "procurement", "labor_law"},
    "DEADLINE": {("2025-12-31", "day")},
}
ENTERPRISE_NAMES = {"en": "taza oskemen", "ru": "таза өскемен", "kk": "таза өскемен"}
AGENCY_CUE = {"en": "anti-corruption service", "ru": "антикоррупцион", "kk": "сыбайлас"}


@pytest.fixture(scope="module", params=["en", "ru", "kk"])
def seed(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    lang = request.param
    item = json.loads((SAMPLES / f"1021338.{lang}.json").read_text(encoding="utf-8"))
    return lang, release_from_item(item, lang=lang, entity="anticorruption-vko", source=None)


def _values(record, label: str) -> set:  # type: ignore[no-untyped-def]
    out = set()
    for fact in record.facts:
        if fact.label != label:
            continue
        if label in ("REGION", "DISTRICT", "SETTLEMENT"):
            out.add(fact.kato)
        elif label == "VIOLATION":
            out.add(fact.violation.value)
        elif label == "DEADLINE":
            out.add((fact.value.isoformat(), fact.precision.value))
        elif label == "ENTERPRISE":
            out.add((fact.name.casefold(), fact.legal_form.value))
    return out


@pytest.mark.parametrize("label", sorted(EXPECTED))
def test_seed_gives_exactly_the_expected_values(seed, label: str) -> None:  # type: ignore[no-untyped-def]
    lang, record = seed
    assert _values(record, label) == EXPECTED[label], f"{lang} {label}"


def test_seed_enterprise(seed) -> None:  # type: ignore[no-untyped-def]
    lang, record = seed
    assert _values(record, "ENTERPRISE") == {(ENTERPRISE_NAMES[lang], "STATE_ENTERPRISE")}


def test_seed_agency(seed) -> None:  # type: ignore[no-untyped-def]
    lang, record = seed
    names = [f.name.casefold() for f in record.facts if f.label == "AGENCY"]
    assert any(AGENCY_CUE[lang] in name for name in names), names


def test_seed_evidence_spans_point_into_the_text(seed) -> None:  # type: ignore[no-untyped-def]
    _, record = seed
    assert record.facts
    for fact in record.facts:
        assert record.text[fact.start : fact.end] == fact.text
