"""ENTERPRISE facts: legal form + name, in ru, kk and en.

Phrases are written for these tests (not taken from real releases).
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.base import facts

LABEL = "ENTERPRISE"


def enterprises(nlp: Language, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    found = []
    spans = sorted(facts(doc, LABEL), key=lambda s: s.start_char)
    # Records keep one fact per place: facts of one label must not overlap.
    assert all(a.end_char <= b.start_char for a, b in pairwise(spans))
    for span in spans:
        assert span.text == doc.text[span.start_char : span.end_char]
        # The span holds the legal form or the name.
        assert span._.norm["name"].split()[0] in span.text.replace("«", " ").replace('"', " ")
        found.append((span._.norm["legal_form"], span._.norm["name"]))
    return found


CASES = [
    ("ru", "Подрядчик — ТОО «Береке Құрылыс Сервис».", [("LLP", "Береке Құрылыс Сервис")]),
    (
        "ru",
        'Договор с товариществом с ограниченной ответственностью "Алтын  Жол".',
        [("LLP", "Алтын Жол")],
    ),
    ("ru", "Акции АО “Шыгыс Энерго” проданы.", [("JSC", "Шыгыс Энерго")]),
    ("ru", "Акционерное общество „Нур Транс“ обжаловало.", [("JSC", "Нур Транс")]),
    ("ru", "Объект сдаст КГП на ПХВ «Таза Өскемен».", [("STATE_ENTERPRISE", "Таза Өскемен")]),
    ("ru", "Заказчик — ГКП на ПХВ «Горводхоз».", [("STATE_ENTERPRISE", "Горводхоз")]),
    (
        "ru",
        "В РГП на ПХВ «Казгидромет Сервис» прошла проверка.",
        [("STATE_ENTERPRISE", "Казгидромет Сервис")],
    ),
    (
        "ru",
        "Проверено коммунальное государственное предприятие на праве хозяйственного ведения "
        "«Городская больница №3».",
        [("STATE_ENTERPRISE", "Городская больница №3")],
    ),
    (
        "ru",
        "Директор КГУ «Школа-гимназия №12» задержан.",
        [("STATE_INSTITUTION", "Школа-гимназия №12")],
    ),
    (
        "ru",
        "Государственное учреждение «Отдел архитектуры района» не провело конкурс.",
        [("STATE_INSTITUTION", "Отдел архитектуры района")],
    ),
    ("ru", "Поставщиком было ИП Сейткали Н.К., которое сорвало сроки.", [("IE", "Сейткали Н.К.")]),
    ("ru", "Поставщиком было ИП «Жулдыз».", [("IE", "Жулдыз")]),
    (
        "ru",
        "Сельскохозяйственный кооператив «Агро Дала» получил субсидии.",
        [("COOPERATIVE", "Агро Дала")],
    ),
    ("ru", "Средства перечислены в ОФ «Мейірім Жолы».", [("FOUNDATION", "Мейірім Жолы")]),
    (
        "ru",
        "ТОО «Холдинг «Алтын Жол» и ТОО «Сарыарка Строй» подали заявки.",
        [("LLP", "Холдинг Алтын Жол"), ("LLP", "Сарыарка Строй")],
    ),
    (
        "ru",
        "Договоры заключены с ТОО «Альфа Строй», «Бета Курылыс» и «Гамма Сервис».",
        [("LLP", "Альфа Строй"), ("LLP", "Бета Курылыс"), ("LLP", "Гамма Сервис")],
    ),
    ("ru", "Работы выполняла компания «Жаркент Курылыс».", [("OTHER", "Жаркент Курылыс")]),
    ("ru", 'Договор с АО "НК "Темір Жол"" подписан.', [("JSC", "НК Темір Жол")]),
    ("kk", "Мердігер — «Береке Құрылыс» ЖШС.", [("LLP", "Береке Құрылыс")]),
    ("kk", "«Таза Өскемен» ШЖҚ МКК-да тексеру жүрді.", [("STATE_ENTERPRISE", "Таза Өскемен")]),
    ("kk", "«Шығыс Энерго» АҚ басшысы ұсталды.", [("JSC", "Шығыс Энерго")]),
    (
        "kk",
        "«Нұр Жол» жауапкершілігі шектеулі серіктестігінің директоры.",
        [("LLP", "Нұр Жол")],
    ),
    ("kk", "«Сарыарқа Жылу» КМК басшысы.", [("STATE_ENTERPRISE", "Сарыарқа Жылу")]),
    (
        "kk",
        "«Аудандық білім бөлімі» ММ аудит өтті.",
        [("STATE_INSTITUTION", "Аудандық білім бөлімі")],
    ),
    ("kk", "«Ақжол» ЖК жеткізуші болды.", [("IE", "Ақжол")]),
    # a name starting with "№" and a legal form carrying a case ending after a hyphen
    (
        "kk",
        "Шарт «№ 9 орта мектеп» КММ-мен жасалды.",
        [("STATE_INSTITUTION", "№ 9 орта мектеп")],
    ),
    (
        "kk",
        "«№ 2 аудандық аурухана» ШЖҚ КМК-ның басшысы.",
        [("STATE_ENTERPRISE", "№ 2 аудандық аурухана")],
    ),
    ("kk", "«Алтын Сапа» ЖШС-ның директоры сотталды.", [("LLP", "Алтын Сапа")]),
    ("ru", "Проверен ГККП «№ 7 детский сад».", [("STATE_ENTERPRISE", "№ 7 детский сад")]),
    # several modifiers of one legal form, in any order
    (
        "kk",
        "«Дала Нан» ауыл шаруашылығы өндірістік кооперативі құрылды.",
        [("COOPERATIVE", "Дала Нан")],
    ),
    ("ru", "Субсидию получил кооператив «Нива Агро».", [("COOPERATIVE", "Нива Агро")]),
    (
        "en",
        'Heat comes from "Tobyl Zhylu" state municipal enterprise.',
        [("STATE_ENTERPRISE", "Tobyl Zhylu")],
    ),
    ("kk", "Тауарды Сейітқали ЖК жеткізді.", [("IE", "Сейітқали")]),
    ("kk", "«Алтын Дән» ауыл шаруашылығы кооперативі.", [("COOPERATIVE", "Алтын Дән")]),
    ("kk", "«Мейірім» қоғамдық қорына аударылды.", [("FOUNDATION", "Мейірім")]),
    ("kk", "«Сапа Құрылыс» құрылыс компаниясы жұмыс істейді.", [("OTHER", "Сапа Құрылыс")]),
    (
        "en",
        "Works are done by the municipal state enterprise under the right of economic "
        'management "Taza Oskemen".',
        [("STATE_ENTERPRISE", "Taza Oskemen")],
    ),
    ("en", "The contractor is Shygys Kurylys LLP.", [("LLP", "Shygys Kurylys")]),
    ("en", "The contractor is “Bereke Stroy” LLP.", [("LLP", "Bereke Stroy")]),
    ("en", "The supplier was LLP 'Nur Trade'.", [("LLP", "Nur Trade")]),
    ("en", "Shares of Altyn Energo JSC were sold.", [("JSC", "Altyn Energo")]),
    (
        "en",
        'Winners: "Alpha" LLP "Beta" LLP and LLP "Gamma".',
        [("LLP", "Alpha"), ("LLP", "Beta"), ("LLP", "Gamma")],
    ),
    (
        "en",
        'The state institution "Akzhar School" was audited.',
        [("STATE_INSTITUTION", "Akzhar School")],
    ),
    ("en", 'Individual entrepreneur "Saule" supplied food.', [("IE", "Saule")]),
    (
        "en",
        'The agricultural cooperative "Dala Agro" received aid.',
        [("COOPERATIVE", "Dala Agro")],
    ),
    ("en", 'Funds went to the public foundation "Meyirim".', [("FOUNDATION", "Meyirim")]),
    (
        "en",
        "Kazakhmys Corporation and KazBeef Group signed it.",
        [("OTHER", "Kazakhmys Corporation"), ("OTHER", "KazBeef Group")],
    ),
    ("en", "In 2025 Zhol Service LLP won the tender.", [("LLP", "Zhol Service")]),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_enterprises(nlps: dict[str, Language], lang: str, text: str, expected: list) -> None:
    assert sorted(enterprises(nlps[lang], text)) == sorted(expected)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Акимат города и министерство финансов провели проверку."),
        ("ru", "По программе «Дорожная карта занятости» построено 5 школ."),
        ("ru", "Индивидуальному предпринимателю уклониться от уплаты не удалось."),
        ("kk", "Облыс әкімдігі мен министрлік «Жол картасы» бағдарламасын талқылады."),
        ("en", "The company and the akimat signed a memorandum with the World Bank."),
        ("en", 'The "Law and Order" campaign continues.'),
    ],
)
def test_no_enterprise(nlps: dict[str, Language], lang: str, text: str) -> None:
    assert enterprises(nlps[lang], text) == []


def test_round_trip(tmp_path: Path) -> None:
    """A saved pipeline loads with spacy.load and extracts the same facts."""
    nlp = spacy.blank("ru")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govkz_enterprises")
    text = "Подрядчик — ТОО «Береке Құрылыс», заказчик — ГУ «Отдел строительства»."
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert (
        enterprises(loaded, text)
        == enterprises(nlp, text)
        == [
            ("LLP", "Береке Құрылыс"),
            ("STATE_INSTITUTION", "Отдел строительства"),
        ]
    )


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # the form before an unquoted English name
        ("en", "The tender went to JSC Shygys Energy last week.", [("JSC", "Shygys Energy")]),
        ("en", "Works were done by LLP Taza Su, the akimat said.", [("LLP", "Taza Su")]),
        # "individual entrepreneur <Surname>"
        (
            "en",
            "A fine was imposed on individual entrepreneur Serikbayev for late delivery.",
            [("IE", "Serikbayev")],
        ),
        ("kk", "Жеке кәсіпкер Серікбаев айыппұл төледі.", [("IE", "Серікбаев")]),
        ("kk", "Тапсырыс Серікбаев жеке кәсіпкеріне берілді.", [("IE", "Серікбаев")]),
        # an unquoted name before a spelled-out state enterprise form
        (
            "en",
            "The Ekibastuz Teplo Servis state utility enterprise raised tariffs.",
            [("STATE_ENTERPRISE", "Ekibastuz Teplo Servis")],
        ),
        # the inner form written between two closing quotes
        (
            "kk",
            "«Жол Құрылыс» ҰК» АҚ жаңа жоба бастады.",
            [("JSC", "Жол Құрылыс ҰК")],
        ),
        ("en", '"Temir Zhol Service" NC" JSC opened a depot.', [("JSC", "Temir Zhol Service NC")]),
    ],
)
def test_form_and_name_variants(
    nlps: dict[str, Language], lang: str, text: str, expected: list
) -> None:
    assert enterprises(nlps[lang], text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Republican state enterprise was reorganised.",  # a form adjective, no name
        "The LLP Director said the works are finished.",  # a role after the form
    ],
)
def test_no_unquoted_enterprise_en(nlps: dict[str, Language], text: str) -> None:
    assert enterprises(nlps["en"], text) == []
