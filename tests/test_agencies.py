"""AGENCY: state bodies named as actors, name as written, in ru / kk / en.

Sentences are our own. They pin the span extent the annotators use: region parts and
"of the Republic of Kazakhstan" inside the name, case forms kept as written, people's
names after the body left out, each body reported once.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from pipeline.components.agencies import AgencyComponent
from pipeline.components.base import facts
from pipeline.nlp import get_nlp


def agencies(lang: str, text: str) -> list[str]:
    doc = get_nlp(lang)(text)
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


# How far a name extends: genitive chains, "по …" / "бойынша" region parts, comma and
# "и" lists of complements, "при …"; where one name stops and the next begins.
EXTENT = [
    # Kazakh: a body in the genitive owns the next one; a nominative head ends a name
    (
        "kk",
        "Ауыл шаруашылығы министрлігінің Ветеринариялық бақылау комитеті тексеру нәтижесін "
        "жариялады.",
        ["Ауыл шаруашылығы министрлігінің Ветеринариялық бақылау комитеті"],
    ),
    (
        "kk",
        "Маңғыстау облысы бойынша Ішкі мемлекеттік аудит департаменті Бейнеу ауданының "
        "құрылыс бөліміне ұсыныс жіберді.",
        [
            "Маңғыстау облысы бойынша Ішкі мемлекеттік аудит департаменті",
            "Бейнеу ауданының құрылыс бөліміне",
        ],
    ),
    (
        "kk",
        "Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің Шымкент қ. бойынша департаменті "
        "күдіктіні ұстады.",
        ["Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің Шымкент қ. бойынша департаменті"],
    ),
    (
        "kk",
        "Қызметкерлер Түркістан облысының еңбек инспекциясы жөніндегі басқармасына жүгінді.",
        ["Түркістан облысының еңбек инспекциясы жөніндегі басқармасына"],
    ),
    (
        "kk",
        "Қарағанды облысы әкімінің аппараты ақпарат таратты.",
        ["Қарағанды облысы әкімінің аппараты"],
    ),
    (
        "kk",
        "Жетісу облыстық қоғамдық кеңесі жобаны талқылады.",
        ["Жетісу облыстық қоғамдық кеңесі"],
    ),
    # a nominative agency owns a regional department named with "бойынша" ...
    (
        "kk",
        "Қазақстан Республикасы Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі Ұлытау облысы "
        "бойынша департаменті жиын өткізді.",
        [
            "Қазақстан Республикасы Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі Ұлытау облысы "
            "бойынша департаменті"
        ],
    ),
    # ... but a nominative body followed by another body's name is two actors
    (
        "kk",
        "Ішкі мемлекеттік аудит комитеті Атырау облысының білім басқармасына аудит жүргізді.",
        ["Ішкі мемлекеттік аудит комитеті", "Атырау облысының білім басқармасына"],
    ),
    # a plural with a modifier names bodies; "Облыс әкімі" is a person
    ("kk", "Облыс әкімі аудандық әкімдіктерге тапсырма берді.", ["аудандық әкімдіктерге"]),
    # "бақылау" (control) is not part of the name that follows it
    (
        "kk",
        "Жұмыстарды бақылау Қостанай облысының энергетика басқармасына жүктелді.",
        ["Қостанай облысының энергетика басқармасына"],
    ),
    # a press service speaks for its body: the body is the actor
    (
        "kk",
        "Бұл туралы Денсаулық сақтау министрлігінің баспасөз қызметі хабарлады.",
        ["Денсаулық сақтау министрлігінің"],
    ),
    # a capitalised plural opening the sentence is not part of the name
    (
        "kk",
        "Құжаттар Сыбайлас жемқорлыққа қарсы қызметке жіберілді. Тұрғындар Жамбыл облысының "
        "әкімдігіне хат жазды.",
        ["Сыбайлас жемқорлыққа қарсы қызметке", "Жамбыл облысының әкімдігіне"],
    ),
    # Russian: "по" + region (hyphenated, "г."), a second body in the genitive, "при …"
    (
        "ru",
        "Департамент государственных доходов по Карагандинской области Комитета "
        "государственных доходов МФ РК провел рейд.",
        [
            "Департамент государственных доходов по Карагандинской области Комитета "
            "государственных доходов МФ РК"
        ],
    ),
    (
        "ru",
        "Антикоррупционной службой по г. Шымкенту задержан чиновник.",
        ["Антикоррупционной службой по г. Шымкенту"],
    ),
    (
        "ru",
        "Проверку завершила Антикоррупционная служба по Северо-Казахстанской области.",
        ["Антикоррупционная служба по Северо-Казахстанской области"],
    ),
    (
        "ru",
        "Заседание провел антикоррупционный комитет при Общественном совете Жамбылской области.",
        ["антикоррупционный комитет при Общественном совете Жамбылской области"],
    ),
    (
        "ru",
        "Отдел жилищно-коммунального хозяйства, пассажирского транспорта и автомобильных дорог "
        "Жанакорганского района объявил конкурс.",
        [
            "Отдел жилищно-коммунального хозяйства, пассажирского транспорта и автомобильных "
            "дорог Жанакорганского района"
        ],
    ),
    (
        "ru",
        "Специализированный межрайонный суд по уголовным делам Павлодарской области вынес "
        "приговор.",
        ["Специализированный межрайонный суд по уголовным делам Павлодарской области"],
    ),
    (
        "ru",
        "Департамент Агентства РК по делам государственной службы по Атырауской области провел "
        "семинар.",
        ["Департамент Агентства РК по делам государственной службы по Атырауской области"],
    ),
    ("ru", "Средства перечислены районным акиматам.", ["районным акиматам"]),
    # a colon in a headline does not hide the actor after it
    (
        "ru",
        "Итоги года: Прокуратура Жамбылской области сообщила о росте числа дел.",
        ["Прокуратура Жамбылской области"],
    ),
    # after a comma a person's title starts the next item
    (
        "ru",
        "В совещании участвовали представители районного отдела образования, акимы сельских "
        "округов.",
        ["районного отдела образования"],
    ),
    # English: a bare plural is a class of bodies, a modified one names them
    ("en", "The district akimats must submit reports.", ["district akimats"]),
    # a compound dative complement ("по защите и развитию …") stays in the name
    (
        "ru",
        "Агентство по защите и развитию конкуренции вынесло предписание перевозчику.",
        ["Агентство по защите и развитию конкуренции"],
    ),
    # a participle after the name opens a clause and is not part of it
    (
        "ru",
        "Жалоба касалась акимата поселкового округа, выдавшего разрешение без торгов.",
        ["акимата поселкового округа"],
    ),
    # a thing handed to the Government is not a complement of its name
    ("ru", "Министерство обязали представить в Правительство план мероприятий.", ["Правительство"]),
    # an indeclinable city right after the head
    ("ru", "Полиция Кокшетау задержала двоих мошенников.", ["Полиция Кокшетау"]),
    # an internal section ("отдел закупок") of a body is not itself a body
    (
        "ru",
        "Сотрудник отдела закупок управления образования подписал акт.",
        ["управления образования"],
    ),
    # English: a statute reference after "under" is not a complement of a court
    (
        "en",
        "The Aktau City Court under Article 189 sentenced the accountant.",
        ["Aktau City Court"],
    ),
    (
        "en",
        "The roads and land relations department of Ili district received the complaint.",
        ["roads and land relations department of Ili district"],
    ),
    # Kazakh: a bare court form needs an adjective, not an owner in the genitive
    ("kk", "Материалдар Талас аудандық сотқа жолданды.", ["Талас аудандық сотқа"]),
    (
        "kk",
        "Семей қаласы прокуратурасының сотқа жолдаған талабы қанағаттандырылды.",
        ["Семей қаласы прокуратурасының"],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), EXTENT)
def test_name_extent(lang: str, text: str, expected: list[str]) -> None:
    assert agencies(lang, text) == expected


# Bodies whose head word needs a particular modifier: audit, revenue, investigation bodies.
KINDS = [
    (
        "ru",
        "Служба экономических расследований задержала директора склада.",
        ["Служба экономических расследований"],
    ),
    (
        "ru",
        "Ревизионная комиссия Павлодарской области проверила расходы.",
        ["Ревизионная комиссия Павлодарской области"],
    ),
    ("ru", "Высшая аудиторская палата направила рекомендации.", ["Высшая аудиторская палата"]),
    ("kk", "Экономикалық тергеу қызметі іс қозғады.", ["Экономикалық тергеу қызметі"]),
    (
        "kk",
        "Атырау облысының тексеру комиссиясы шығыстарды тексерді.",
        ["Атырау облысының тексеру комиссиясы"],
    ),
    ("kk", "Жоғары аудиторлық палата ұсыныстар жолдады.", ["Жоғары аудиторлық палата"]),
    (
        "en",
        "The Economic Investigations Service detained the supplier.",
        ["Economic Investigations Service"],
    ),
    ("en", "The Supreme Audit Chamber published its report.", ["Supreme Audit Chamber"]),
    (
        "en",
        "The Pavlodar specialized interdistrict criminal court sentenced the driver.",
        ["Pavlodar specialized interdistrict criminal court"],
    ),
    (
        "kk",
        "Іс Атырау облыстық мамандандырылған ауданаралық сотында қаралды.",
        ["Атырау облыстық мамандандырылған ауданаралық сотында"],
    ),
    (
        "en",
        "The district prosecutor's offices checked the schools.",
        ["district prosecutor's offices"],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), KINDS)
def test_bodies_by_kind(lang: str, text: str, expected: list[str]) -> None:
    assert agencies(lang, text) == expected


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
    # a name quoted whole is an institution's legal name (an ENTERPRISE), not an actor
    ("kk", "Тапсырыс беруші – «Бейнеу ауданының құрылыс бөлімі» ММ."),
    ("ru", "Заказчиком выступило ГУ «Отдел строительства Каркаралинского района»."),
    ("en", 'The contract was signed by the state institution "Education Department of Taraz".'),
    # a department with no place or owner named is not a body named as an actor
    ("kk", "Ол бұрын білім бөлімінде жұмыс істеген."),
    # "государственная служба" is the civil service, not a service body
    ("ru", "Он двадцать лет проработал на государственной службе."),
    ("en", "The akimats must submit reports."),
    # a website, not the Government; a commission that is not an audit body
    ("ru", "Заявку можно подать через портал электронного правительства."),
    ("ru", "Комиссия по приемке осмотрела здание."),
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


def test_kazakh_body_reported_once_as_first_written() -> None:
    text = (
        "Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің қызметкерлері рейд өткізді. "
        "Кейін Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігі мәлімдеме жасады."
    )
    assert agencies("kk", text) == ["Сыбайлас жемқорлыққа қарсы іс-қимыл агенттігінің"]


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
