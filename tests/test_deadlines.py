"""DEADLINE: due dates in ru / kk / en, with and without a publication date.

Sentences are our own, written to cover the spec's examples and its "Borderline cases,
decided" (starts, events, plain plans, entry into force, implementation periods, relative
dates without an anchor are not deadlines).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy

from pipeline.components.base import facts
from pipeline.components.deadlines import DeadlineComponent
from pipeline.nlp import get_nlp

PUB = dt.date(2025, 3, 10)


def deadlines(lang: str, text: str, published: dt.date | None = None) -> list[tuple[str, str]]:
    nlp = get_nlp(lang)
    doc = nlp.make_doc(text)
    doc._.published = published
    doc = nlp(doc)
    return [(s._.norm["value"], s._.norm["precision"]) for s in facts(doc, "DEADLINE")]


POSITIVE = [
    # Russian
    (
        "ru",
        "Срок завершения реконструкции котельной установлен до 31 декабря 2025 года.",
        None,
        ("2025-12-31", "day"),
    ),
    (
        "ru",
        "Подрядчик должен закончить ремонт кровли до конца 2025 года.",
        None,
        ("2025-12-31", "year"),
    ),
    ("ru", "Школу обязаны сдать до конца года.", PUB, ("2025-12-31", "year")),
    (
        "ru",
        "Работы по благоустройству должны быть выполнены не позднее 1 июля.",
        PUB,
        ("2025-07-01", "day"),
    ),
    (
        "ru",
        "Мост планируется ввести в эксплуатацию в III квартале 2025 года.",
        None,
        ("2025-09-30", "quarter"),
    ),
    (
        "ru",
        "Больницу должны достроить в первом полугодии 2026 года.",
        None,
        ("2026-06-30", "quarter"),
    ),
    ("ru", "Срок сдачи — 2026 год.", None, ("2026-12-31", "year")),
    ("ru", "Дорогу до села отремонтируют до 2027 года.", None, ("2027-12-31", "year")),
    (
        "ru",
        "Завершение строительства детского сада запланировано на ноябрь 2025 года.",
        None,
        ("2025-11-30", "month"),
    ),
    (
        "ru",
        "Дом должен был быть сдан в эксплуатацию в декабре 2024 года, однако сроки сорваны.",
        None,
        ("2024-12-31", "month"),
    ),
    ("ru", "Подрядчик обязан устранить дефекты в срок до 15 октября.", PUB, ("2025-10-15", "day")),
    # Kazakh
    (
        "kk",
        "Жобаны аяқтау мерзімі 2025 жылдың 31 желтоқсанына дейін белгіленді.",
        None,
        ("2025-12-31", "day"),
    ),
    ("kk", "Мектеп 3-тоқсанда пайдалануға берілуі тиіс.", PUB, ("2025-09-30", "quarter")),
    ("kk", "Жол құрылысы 2026 жылдың наурыз айында аяқталады.", None, ("2026-03-31", "month")),
    ("kk", "Аурухана құрылысы 2027 жылға дейін аяқталуы керек.", None, ("2027-12-31", "year")),
    (
        "kk",
        "Нысанды биылғы жылдың соңына дейін пайдалануға беру қажет.",
        PUB,
        ("2025-12-31", "year"),
    ),
    (
        "kk",
        "Су құбыры 2026 жылдың бірінші жартыжылдығында іске қосылуы тиіс.",
        None,
        ("2026-06-30", "quarter"),
    ),
    (
        "kk",
        "Мердігер жұмысты 2025 жылғы 1 қыркүйекке дейін тапсыруға міндетті.",
        None,
        ("2025-09-01", "day"),
    ),
    # English
    (
        "en",
        "The deadline for completing the water pipeline is set for December 31, 2025.",
        None,
        ("2025-12-31", "day"),
    ),
    ("en", "The school is scheduled to be completed in July 2026.", None, ("2026-07-31", "month")),
    (
        "en",
        "All works must be finished in the first half of 2019.",
        None,
        ("2019-06-30", "quarter"),
    ),
    (
        "en",
        "The plant will be commissioned in the third quarter of 2025.",
        None,
        ("2025-09-30", "quarter"),
    ),
    ("en", "The bridge is to be rebuilt by 2027.", None, ("2027-12-31", "year")),
    (
        "en",
        "The contractor must hand over the building before October 15.",
        PUB,
        ("2025-10-15", "day"),
    ),
    (
        "en",
        "The road was due to be completed in 2023, but the work is still under way.",
        None,
        ("2023-12-31", "year"),
    ),
    (
        "en",
        "The clinic must be put into operation by the end of the year.",
        PUB,
        ("2025-12-31", "year"),
    ),
]


# Generalization: orders to remedy/repay by a date, Kazakh dative dates without a year,
# "end of the year" without "this", quarters and halves of a relative year.
POSITIVE += [
    (
        "kk",
        "Серіктестікке қарызды 5 желтоқсанға дейін өтеу туралы нұсқама берілді.",
        PUB,
        ("2025-12-05", "day"),
    ),
    (
        "kk",
        "Бөлімге бұзушылықтарды 2026 жылғы 15 наурызға дейін түзету тапсырылды.",
        PUB,
        ("2026-03-15", "day"),
    ),
    ("kk", "Компанияға берешекті 1 қазанға дейін өтеу міндеттелді.", PUB, ("2025-10-01", "day")),
    ("kk", "Құрылысты жыл соңына дейін аяқтау керек.", PUB, ("2025-12-31", "year")),
    (
        "kk",
        "Оқу жылы басталғанға дейін, 2025 жылғы 25 тамызға дейін мектепті жөндеп бітіру қажет.",
        PUB,
        ("2025-08-25", "day"),
    ),
    ("kk", "Құрылыс келесі жылдың бірінші тоқсанында аяқталады.", PUB, ("2026-03-31", "quarter")),
    (
        "ru",
        "Работодателю выдано предписание погасить задолженность до 20 ноября.",
        PUB,
        ("2025-11-20", "day"),
    ),
    (
        "ru",
        "Необходимо завершить ремонт до начала учебного года – до 1 сентября.",
        PUB,
        ("2025-09-01", "day"),
    ),
    (
        "ru",
        "Строительство завершат в первом квартале следующего года.",
        PUB,
        ("2026-03-31", "quarter"),
    ),
    (
        "en",
        "The contractor was ordered to fix the roof by 10 October, and the clinic will resume "
        "work on 1 November.",
        PUB,
        ("2025-10-10", "day"),
    ),
    (
        "en",
        "The road must be finished in the first half of this year.",
        PUB,
        ("2025-06-30", "quarter"),
    ),
]


# Generalization: a day and month of a relative year, a full date closing a quote, a
# term after a dash, a past deadline missed.
POSITIVE += [
    ("ru", "Отчёты принимаются не позднее 20 апреля следующего года.", PUB, ("2026-04-20", "day")),
    ("kk", "Есептер келесі жылғы 20 сәуірге дейін қабылданады.", PUB, ("2026-04-20", "day")),
    ("en", "Reports are accepted no later than 20 April of next year.", PUB, ("2026-04-20", "day")),
    (
        "ru",
        "«Насосную станцию надо сдать не позднее 5 мая 2026 года», – сказал он.",
        PUB,
        ("2026-05-05", "day"),
    ),
    (
        "kk",
        "«Сорғы стансасын 2026 жылғы 5 мамырға дейін тапсыру керек», – деді ол.",
        PUB,
        ("2026-05-05", "day"),
    ),
    (
        "kk",
        "Мердігерге тапсырма берілді. Мерзімі – 2026 жылғы 5 мамыр.",
        PUB,
        ("2026-05-05", "day"),
    ),
    ("en", "The bridge should have been completed in 2023.", PUB, ("2023-12-31", "year")),
    ("en", "The deadline is 5 May 2026.", PUB, ("2026-05-05", "day")),
    ("ru", "Срок – 5 мая 2026 года.", PUB, ("2026-05-05", "day")),
]


@pytest.mark.parametrize(("lang", "text", "published", "expected"), POSITIVE)
def test_deadline_found(
    lang: str, text: str, published: dt.date | None, expected: tuple[str, str]
) -> None:
    assert deadlines(lang, text, published) == [expected]


NEGATIVE = [
    # event dates
    ("ru", "25 июня 2025 года состоялось заседание общественного совета.", PUB),
    ("kk", "Жиын 2025 жылғы 25 маусымда өтті.", PUB),
    ("en", "The meeting of the commission took place on 25 June 2025.", PUB),
    # start dates
    ("ru", "Строительство школы начнут в 2024 году.", PUB),
    ("kk", "Құрылыс 2024 жылы басталады.", PUB),
    ("en", "Construction of the new hospital is due to commence in 2021.", PUB),
    # plain plans
    ("ru", "В 2026 году заработная плата учителей вырастет на 10 процентов.", PUB),
    ("en", "In 2026 salaries of teachers will rise by 10 percent.", PUB),
    # entry into force
    ("ru", "Закон вступает в силу с 1 января 2026 года.", PUB),
    ("en", "The law enters into force on January 1, 2026.", PUB),
    # implementation period without a stated finish
    ("ru", "Сроки реализации проекта — 2024–2025 годы.", PUB),
    # relative expressions without an anchor date
    ("ru", "Работы завершат через два месяца.", PUB),
    ("en", "The works must be completed within two months.", PUB),
    # no publication date and no year: nothing to compute the date from
    ("ru", "Подрядчик обязан сдать объект не позднее 1 июля.", None),
    ("en", "The hospital must be completed by the end of the year.", None),
    # words that look like months: "may" the verb, "қазандық" (boiler house)
    ("en", "The project may be completed soon.", PUB),
    ("kk", "Кентте екі қазандық жөнделуі тиіс.", PUB),
]


# Generalization: past completions in Kazakh, retrospective periods, events "scheduled".
NEGATIVE += [
    ("kk", "Спорт кешені 2022 жылы салынған, бірақ ол әлі ашылмаған.", PUB),
    ("kk", "Облыста 2024 жылы бес су құбыры жобасы іске асырылды.", PUB),
    ("kk", "Аукцион 15 шілдеде өтеді.", PUB),
    ("ru", "Аудит охватил расходы за 2023–2024 годы и завершился в срок.", PUB),
    ("ru", "Аукцион по продаже участков назначен на 15 июля.", PUB),
    ("en", "Two plots will be put up at an auction scheduled for 3 June.", PUB),
    ("en", "The public hearing is scheduled for 20 November.", PUB),
]


# Generalization: validity periods, negated terms, negated completions, past events in a
# past relative year.
NEGATIVE += [
    ("ru", "Стратегия рассчитана до 2030 года.", PUB),
    ("kk", "Стратегия 2030 жылға дейін есептелген.", PUB),
    ("en", "The strategy runs until 2030.", PUB),
    ("kk", "Көпір биыл салынбайды.", PUB),
    ("en", "The bridge will not be completed this year.", PUB),
    ("kk", "Кеңес былтыр қабылданған шешімдердің орындалуын қарады.", PUB),
    ("en", "Inspectors checked the roads resurfaced last year.", PUB),
]


@pytest.mark.parametrize(("lang", "text", "published"), NEGATIVE)
def test_not_a_deadline(lang: str, text: str, published: dt.date | None) -> None:
    assert deadlines(lang, text, published) == []


def test_start_and_finish_in_one_sentence() -> None:
    text = "Работы начнутся в апреле 2026 года, а завершить их необходимо до 1 сентября 2026 года."
    assert deadlines("ru", text) == [("2026-09-01", "day")]


def test_year_fixed_by_an_earlier_date_in_the_text() -> None:
    text = "В 2026 году району выделят средства на две школы. Их обязаны сдать к 1 сентября."
    assert deadlines("ru", text) == [("2026-09-01", "day")]


def test_span_covers_the_date_expression() -> None:
    nlp = get_nlp("en")
    doc = nlp("The facility is to be handed over by September 1, 2026.")
    (span,) = facts(doc, "DEADLINE")
    assert span.text == "by September 1, 2026"


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_round_trip(lang: str, tmp_path: Path) -> None:
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govkz_deadlines")
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    saved, original = loaded.get_pipe("govkz_deadlines"), nlp.get_pipe("govkz_deadlines")
    assert isinstance(saved, DeadlineComponent) and isinstance(original, DeadlineComponent)
    assert saved.rows == original.rows and saved.rows
    text = {
        "ru": "Объект должен быть сдан до 1 июля 2026 года.",
        "kk": "Нысан 2026 жылғы 1 шілдеге дейін тапсырылуы тиіс.",
        "en": "The facility must be handed over by July 1, 2026.",
    }[lang]
    doc = loaded(text)
    values = [s._.norm["value"] for s in facts(doc, "DEADLINE")]
    assert values == ["2026-07-01"]
