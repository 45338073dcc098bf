"""The shared machinery of the rule components."""

from __future__ import annotations


def test_facts_of_two_labels_over_the_same_characters_keep_their_own_values() -> None:
    import spacy

    from pipeline.components.base import add_fact, facts

    doc = spacy.blank("en")("Akimat of Zaisan district")
    add_fact(doc, 0, 25, "AGENCY", name="Akimat of Zaisan district")
    add_fact(doc, 0, 25, "DISTRICT", kato="634600000", name_ru="Зайсанский район")
    assert next(facts(doc, "AGENCY"))._.norm == {"name": "Akimat of Zaisan district"}
    assert next(facts(doc, "DISTRICT"))._.norm["kato"] == "634600000"
