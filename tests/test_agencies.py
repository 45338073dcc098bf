"""AGENCY: state bodies named as actors, name as written, in ru / kk / en.

Sentences are our own. They pin the span extent the annotators use: region parts and
"of the Republic of Kazakhstan" inside the name, case forms kept as written, people's
names after the body left out, each body reported once.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.agencies import AgencyComponent
from pipeline.components.base import facts
from pipeline.nlp import build_nlp


@cache
def _nlp(lang: str) -> Language:
    return build_nlp(lang)


def agencies(lang: str, text: str) -> list[str]:
    doc = _nlp(lang)(text)
    return [s._.norm["name"] for s in facts(doc, "AGENCY")]


CASES = [
    # Russian: case forms as written, genitive complements, "по" + region
    (
        "ru",
        "Антикоррупционной службой по ВКО возбуждено уголовное дело.",
        ["Антикоррупционной службой по ВКО"],
    ),
    (
        "ru",
        "Прокуратура Восточно-Казахстанской области выявила нарушения при закупках.",
        ["Прокуратура Восточно-Казахстанской области"],
    ),
    (
        "ru",
        "Об этом сообщили в Министерстве труда и социальной защиты населения РК.",
        ["Министерстве труда и социальной защиты населения РК"],
    ),
    (
        "ru",
        "Материалы проверки направлены в акимат Шемонаихинского района.",
        ["акимат Шемонаихинского района"],
    ),
    (
        "ru",
        "Руководитель управления образования области Иван Петров задержан.",
        ["управления образования области"],
    ),
    (
        "ru",
        "Дело расследует Агентство по противодействию коррупции Республики Казахстан.",
        ["Агентство по противодействию коррупции Республики Казахстан"],
    ),
    # Kazakh: modifiers before the head
    (
        "kk",
        "Шығыс Қазақстан облысы бойынша Сыбайлас жемқорлыққа қарсы қызмет тексеру жүргізді.",
        ["Шығыс Қазақстан облысы бойынша Сыбайлас жемқорлыққа қарсы қызмет"],
    ),
    (
        "kk",
        "Бұл туралы Зайсан ауданының прокуратурасы хабарлады.",
        ["Зайсан ауданының прокуратурасы"],
    ),
    (
        "kk",
        "Қазақстан Республикасы Денсаулық сақтау министрлігі жаңа тәртіп енгізді.",
        ["Қазақстан Республикасы Денсаулық сақтау министрлігі"],
    ),
    (
        "kk",
        "Құрылыс, сәулет және қала құрылысы бөлімі жұмысты қабылдады.",
        ["Құрылыс, сәулет және қала құрылысы бөлімі"],
    ),
    # English: "of …" complements, the region part included
    (
        "en",
        "The Anti-Corruption Service of East Kazakhstan Region detained the official.",
        ["Anti-Corruption Service of East Kazakhstan Region"],
    ),
    (
        "en",
        "The Ministry of Labor and Social Protection of the Republic of Kazakhstan reported it.",
        ["Ministry of Labor and Social Protection of the Republic of Kazakhstan"],
    ),
    (
        "en",
        "The Ministry of Energy and the Ministry of Finance were instructed to act.",
        ["Ministry of Energy", "Ministry of Finance"],
    ),
    (
        "en",
        "Official Spokesperson of the Emergencies Ministry Askar Nurlanov said so.",
        ["Emergencies Ministry"],
    ),
    (
        "en",
        "The Zaisan district akimat signed the contract with the regional education department.",
        ["Zaisan district akimat", "regional education department"],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_agency_names(lang: str, text: str, expected: list[str]) -> None:
    assert agencies(lang, text) == expected


NEGATIVE = [
    # "управление" as a common noun ("trust management")
    ("ru", "Он передал полигон в доверительное управление частной фирме."),
    # "қызметі" as "activity", not a service
    ("kk", "Оның қызметі жан-жақты тексерілді."),
    # a meeting of the Government is not the Government acting
    ("en", "The akims reported at the Government meeting on Tuesday."),
    # the verb "may", a person, a company
    ("en", "The director may resign next week."),
]


@pytest.mark.parametrize(("lang", "text"), NEGATIVE)
def test_not_an_agency(lang: str, text: str) -> None:
    assert agencies(lang, text) == []


def test_each_body_reported_once_in_the_nominative() -> None:
    text = (
        "Сотрудники Антикоррупционной службы провели обыски. "
        "Антикоррупционная служба призывает граждан сообщать о фактах коррупции. "
        "Как отметили в Антикоррупционной службе, расследование продолжается."
    )
    assert agencies("ru", text) == ["Антикоррупционная служба"]


def test_bare_head_after_full_name_is_not_repeated() -> None:
    text = "Прокуратура Абайской области провела проверку. По акту прокуратуры нарушения устранены."
    assert agencies("ru", text) == ["Прокуратура Абайской области"]


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_round_trip(lang: str, tmp_path: Path) -> None:
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govkz_agencies")
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    saved, original = loaded.get_pipe("govkz_agencies"), nlp.get_pipe("govkz_agencies")
    assert isinstance(saved, AgencyComponent) and isinstance(original, AgencyComponent)
    assert saved.rows == original.rows and saved.rows
    text = {
        "ru": "Прокуратура Павлодарской области выявила нарушения.",
        "kk": "Павлодар облысының прокуратурасы бұзушылықтарды анықтады.",
        "en": "The Prosecutor's Office of Pavlodar Region found violations.",
    }[lang]
    doc = loaded(text)
    names = [s._.norm["name"] for s in facts(doc, "AGENCY")]
    assert (
        names
        == {
            "ru": ["Прокуратура Павлодарской области"],
            "kk": ["Павлодар облысының прокуратурасы"],
            "en": ["Prosecutor's Office of Pavlodar Region"],
        }[lang]
    )
