"""LAW_ARTICLE facts: code (CRIMINAL/ADMINISTRATIVE/OTHER) + article, in ru, kk and en.

Phrases are written for these tests (not taken from real releases).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.base import facts

LABEL = "LAW_ARTICLE"


def articles(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    found = []
    spans = sorted(facts(doc, LABEL), key=lambda s: s.start_char)
    # Records keep one fact per place: facts of one label must not overlap.
    assert all(a.end_char <= b.start_char for a, b in pairwise(spans))
    for span in spans:
        assert span.text == doc.text[span.start_char : span.end_char]
        assert span._.norm["article"] in span.text
        found.append((span._.norm["code"], span._.norm["article"]))
    return found


CASES = [
    ("ru", "Дело возбуждено по ст. 189 УК РК.", [("CRIMINAL", "189")]),
    ("ru", "Расследование ведется по ч. 4 ст. 189 УК.", [("CRIMINAL", "189")]),
    ("ru", "Он обвиняется по статье 366 Уголовного кодекса.", [("CRIMINAL", "366")]),
    ("ru", "Наказан статьей 462 КоАП.", [("ADMINISTRATIVE", "462")]),
    (
        "ru",
        "Штраф по статье 676 Кодекса Республики Казахстан об административных правонарушениях.",
        [("ADMINISTRATIVE", "676")],
    ),
    ("ru", "Дела по ст. 189, 190 УК объединены.", [("CRIMINAL", "189"), ("CRIMINAL", "190")]),
    (
        "ru",
        "По ст. 189, 190 и 191 УК РК и ст. 462 КоАП.",
        [("CRIMINAL", "189"), ("CRIMINAL", "190"), ("CRIMINAL", "191"), ("ADMINISTRATIVE", "462")],
    ),
    ("ru", "Квалифицировано по статье 189-2 УК РК.", [("CRIMINAL", "189-2")]),
    ("ru", "Осужден по 190-й статье УК РК.", [("CRIMINAL", "190")]),
    ("ru", "Дело по части 4 статьи 192 УК РК.", [("CRIMINAL", "192")]),
    ("ru", "Нарушена статья 25 Закона о государственных закупках.", [("OTHER", "25")]),
    ("ru", "Согласно статье 12 Уголовно-процессуального кодекса.", [("OTHER", "12")]),
    ("kk", "Іс ҚР ҚК 366-бабы бойынша қозғалды.", [("CRIMINAL", "366")]),
    ("kk", "ҚР Қылмыстық кодексінің 190-бабы бойынша тергеу.", [("CRIMINAL", "190")]),
    ("kk", "Лауазымды тұлға ӘҚБтК 676-бабы бойынша жазаланды.", [("ADMINISTRATIVE", "676")]),
    ("kk", "ҚР ҚК 189, 190-баптары бойынша іс.", [("CRIMINAL", "189"), ("CRIMINAL", "190")]),
    ("kk", "Қылмыстық-процестік кодекстің 45-бабына сәйкес.", [("OTHER", "45")]),
    ("kk", "Мемлекеттік сатып алу туралы заңның 25-бабы бұзылды.", [("OTHER", "25")]),
    (
        "en",
        "He was fined under Article 676 of the Administrative Code.",
        [("ADMINISTRATIVE", "676")],
    ),
    (
        "en",
        "A case under article 361 of the Criminal Code of the Republic of Kazakhstan was opened.",
        [("CRIMINAL", "361")],
    ),
    (
        "en",
        "Charged under Part 2 of Article 28 and Part 4 of Article 190 of the Criminal Code.",
        [("CRIMINAL", "28"), ("CRIMINAL", "190")],
    ),
    (
        "en",
        "Articles 366 and 367 of the Criminal Code apply.",
        [("CRIMINAL", "366"), ("CRIMINAL", "367")],
    ),
    ("en", "Under Article 4 of the Law on Public Procurement.", [("OTHER", "4")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_articles(nlps: dict[str, Language], lang: str, text: str, expected: list) -> None:
    assert sorted(articles(nlps[lang], text)) == sorted(expected)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "В статье 5 журнала опубликовано интервью."),
        ("kk", "Жиында 5 мәселе қаралды."),
        ("en", "The article 12 pages long was published."),
    ],
)
def test_no_code_no_fact(nlps: dict[str, Language], lang: str, text: str) -> None:
    assert articles(nlps[lang], text) == []


def test_round_trip(tmp_path: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govkz_law_articles")
    text = "Charged under Article 189 of the Criminal Code."
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert articles(loaded, text) == articles(nlp, text) == [("CRIMINAL", "189")]
