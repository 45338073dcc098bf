"""MONEY facts: amount in units of currency + ISO code, in ru, kk and en.

Phrases are written for these tests (not taken from real releases).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.base import facts
from pipeline.components.money import MoneyComponent
from pipeline.components.numbers import find_numbers, parse_number

LABEL = "MONEY"


def money(nlp: Language, text: str) -> list[tuple[float, str]]:
    doc = nlp(text)
    found = []
    spans = sorted(facts(doc, LABEL), key=lambda s: s.start_char)
    # Records keep one fact per place: facts of one label must not overlap.
    assert all(a.end_char <= b.start_char for a, b in pairwise(spans))
    for span in spans:
        assert span.text == doc.text[span.start_char : span.end_char]
        found.append((span._.norm["amount"], span._.norm["currency"]))
    return found


CASES = [
    ("ru", "На ремонт выделено 12 млн тенге.", [(12e6, "KZT")]),
    ("ru", "Стоимость проекта — ₸7 млрд.", [(7e9, "KZT")]),
    ("ru", "Ущерб составил 140 350 762 тенге.", [(140350762, "KZT")]),
    ("ru", "Сумма контракта 2,5 млрд тенге.", [(2.5e9, "KZT")]),
    ("ru", "Он получил 20 000 долларов США.", [(20000, "USD")]),
    ("ru", "Изъято $20 000 наличными.", [(20000, "USD")]),
    ("ru", "Штраф 15 млн. тг. уплачен.", [(15e6, "KZT")]),
    ("ru", "Вернули свыше 500 тыс. тенге.", [(500e3, "KZT")]),
    ("ru", "Объем — 3 млрд 250 млн 100 тыс. тенге.", [(3250100000, "KZT")]),
    ("ru", "Выделено семь миллиардов тенге.", [(7e9, "KZT")]),
    ("ru", "Контракт на 1,2 млрд рублей и 3 млн евро.", [(1.2e9, "RUB"), (3e6, "EUR")]),
    ("ru", "Литр стоит от 250 до 260 тенге.", [(250, "KZT"), (260, "KZT")]),
    ("ru", "Штраф — 5 000 000 (пять миллионов) тенге.", [(5e6, "KZT")]),
    ("kk", "Жөндеуге 500 мың теңге бөлінді.", [(500e3, "KZT")]),
    ("kk", "Құны 2,5 млрд теңгені құрайды.", [(2.5e9, "KZT")]),
    ("kk", "Мердігерге 25 миллионнан астам теңге төленді.", [(25e6, "KZT")]),
    ("kk", "Зиян 3 млн АҚШ долларын құрады.", [(3e6, "USD")]),
    ("kk", "Жоба 7 миллиард 400 миллион теңгеге бағаланды.", [(7.4e9, "KZT")]),
    ("en", "The project costs 7.5 billion tenge.", [(7.5e9, "KZT")]),
    ("en", "A loan of USD 2 million was approved.", [(2e6, "USD")]),
    ("en", "Another 1,2 million tenge was returned.", [(1.2e6, "KZT")]),
    ("en", "The damage is 140 350 762 tenge.", [(140350762, "KZT")]),
    ("en", "They paid 140,350,762 tenge.", [(140350762, "KZT")]),
    ("en", "Budget: KZT4.2 billion and $35 million.", [(4.2e9, "KZT"), (35e6, "USD")]),
    ("en", "Diesel sells at 250-260 tenge per litre.", [(250, "KZT"), (260, "KZT")]),
    ("en", "The fund holds more than 3 bln tenge.", [(3e9, "KZT")]),
    ("en", "Spending rose to 900 thousand euros.", [(900e3, "EUR")]),
    ("en", "The deal is worth $5m, not 5 m of pipe.", [(5e6, "USD")]),
    # a country adjective or qualifier between the amount and the currency word
    ("ru", "Изъято 3,1 млн российских рублей наличными.", [(3.1e6, "RUB")]),
    ("ru", "Найдено 40 тыс. американских долларов.", [(40e3, "USD")]),
    ("ru", "Залог — 8 млн казахстанских тенге.", [(8e6, "KZT")]),
    ("ru", "Обменяли 9 тыс. белорусских рублей.", []),  # BYN: not a currency we normalize
    ("kk", "Кеденде 6 млн Ресей рублі табылды.", [(6e6, "RUB")]),
    ("kk", "Келісім 12 мың АҚШ доллары көлемінде.", [(12e3, "USD")]),
    ("en", "A grant of 4 million U.S. dollars arrived.", [(4e6, "USD")]),
    ("en", "Investors pledged 70 million American dollars.", [(70e6, "USD")]),
    ("en", "Customs held 2.2 million Russian roubles.", [(2.2e6, "RUB")]),
    ("en", "The plant costs 15 million euro.", [(15e6, "EUR")]),
    ("en", "Exports reached 9.1 billion tenges.", [(9.1e9, "KZT")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_amounts(nlps: dict[str, Language], lang: str, text: str, expected: list) -> None:
    assert sorted(money(nlps[lang], text)) == sorted((float(a), c) for a, c in expected)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "В 2025 году построено 12 школ на 3 600 мест."),
        ("ru", "Проверено 1,5 млн гектаров."),
        ("kk", "2025 жылы 1 200 адам жұмысқа орналасты."),
        ("en", "About 2 million people live in the region since 2024."),
    ],
)
def test_no_currency_no_fact(nlps: dict[str, Language], lang: str, text: str) -> None:
    assert money(nlps[lang], text) == []


@pytest.mark.parametrize(
    ("text", "decimal_comma", "value"),
    [
        ("140 350 762", True, 140350762.0),
        ("2,5", True, 2.5),
        ("12.5", True, 12.5),
        ("1,200", False, 1200.0),
        ("1,200", True, 1.2),
        ("3 976,9", True, 3976.9),
        ("1,200,000.50", False, 1200000.5),
        ("abc", True, None),
    ],
)
def test_parse_number(text: str, decimal_comma: bool, value: float | None) -> None:
    assert parse_number(text, decimal_comma=decimal_comma) == value


def test_find_numbers_keeps_years_apart() -> None:
    assert [n for _, _, n in find_numbers("в 2025 140 млн и 1 000 000")] == [
        "2025",
        "140",
        "1 000 000",
    ]


def test_round_trip_keeps_rows(tmp_path: Path) -> None:
    """Rows added at runtime are saved with the pipeline and used after spacy.load."""
    nlp = spacy.blank("ru")
    nlp.add_pipe("sentencizer")
    comp = nlp.add_pipe("govkz_money")
    assert isinstance(comp, MoneyComponent)
    text = "Ему передали 5 лямов тенге."
    assert money(nlp, text) == []
    comp.rows.append({"kind": "multiplier", "regex": "лям\\w*", "value": 1000000})
    comp.build(comp.rows)
    assert money(nlp, text) == [(5e6, "KZT")]
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert money(loaded, text) == [(5e6, "KZT")]
    assert money(loaded, "Выделено 2,5 млрд тенге.") == [(2.5e9, "KZT")]
