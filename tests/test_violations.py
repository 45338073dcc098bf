"""VIOLATION facts: taxonomy labels from data cues, negation, prevention talk, `other`.

Every sentence here is written for these tests (not taken from real releases).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.language import Language

from pipeline.components.base import add_fact, facts
from pipeline.components.violations import stems_to_patterns

LABEL = "VIOLATION"
LANGS = ("ru", "kk", "en")


def labels(nlp: Language, text: str) -> set[str]:
    doc = nlp(text)
    found = set()
    for span in facts(doc, LABEL):
        assert span.text == doc.text[span.start_char : span.end_char]
        found.add(span._.norm["violation"])
    return found


SEED = {
    "en": (
        "Audit results. The analysis revealed systemic violations: inefficient use of budget "
        "funds, violations in the field of public procurement and labor legislation."
    ),
    "ru": (
        "Итоги проверки. Анализ выявил системные нарушения: неэффективное использование "
        "бюджетных средств, нарушения в сфере государственных закупок и трудового "
        "законодательства."
    ),
    "kk": (
        "Тексеру қорытындысы. Талдау жүйелі бұзушылықтарды анықтады: бюджет қаражатын "
        "тиімсіз пайдалану, мемлекеттік сатып алу саласындағы және еңбек заңнамасын "
        "бұзушылықтар."
    ),
}


@pytest.mark.parametrize("lang", LANGS)
def test_seed_coordinated_violations(nlps: dict[str, Language], lang: str) -> None:
    assert labels(nlps[lang], SEED[lang]) == {"budget_misuse", "procurement", "labor_law"}


@pytest.mark.parametrize("lang", LANGS)
def test_seed_labels_survive_overlap_resolution(nlps: dict[str, Language], lang: str) -> None:
    """Downstream, facts of one label may not overlap: the coordinated spans are disjoint."""
    doc = nlps[lang](SEED[lang])
    spans = sorted(facts(doc, LABEL), key=lambda s: s.start)
    assert {s._.norm["violation"] for s in spans} == {"budget_misuse", "procurement", "labor_law"}
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start


CASES = [
    # bribery
    (
        "ru",
        {"bribery"},
        "Сотрудник акимата задержан при получении взятки в размере 500 тысяч тенге.",
    ),
    ("kk", {"bribery"}, "Аудан әкімінің орынбасары 3 млн теңге пара алды деген күдікпен ұсталды."),
    ("en", {"bribery"}, "A customs officer was detained while receiving a bribe of 2,000 dollars."),
    # embezzlement
    ("kk", {"embezzlement"}, "Кәсіпорын директоры бюджет қаражатын жымқырды деген күдікке ілінді."),
    ("ru", {"embezzlement"}, "Бухгалтер больницы подозревается в присвоении 12 млн тенге."),
    (
        "en",
        {"embezzlement"},
        "The director is suspected of embezzlement of funds allocated for school meals.",
    ),
    # fraud
    (
        "en",
        {"fraud"},
        "A resident of the city was detained on suspicion of fraud with housing queues.",
    ),
    ("kk", {"fraud"}, "Тұрғын үй кезегіне қоямын деп алдаған азамат алаяқтық бойынша сотталды."),
    # abuse_of_office
    ("ru", {"abuse_of_office"}, "Бывший аким села осужден за превышение должностных полномочий."),
    (
        "kk",
        {"abuse_of_office"},
        "Бөлім басшысы лауазымдық өкілеттіктерін теріс пайдаланғаны үшін жауапкершілікке тартылды.",
    ),
    # negligence
    (
        "en",
        {"negligence"},
        "An investigation into official negligence has been started against the engineer.",
    ),
    ("ru", {"negligence"}, "По факту халатности начато досудебное расследование."),
    # forgery
    (
        "kk",
        {"forgery"},
        "Инженер актілерге жалған мәліметтер енгізген, жалғандық бойынша тергеу басталды.",
    ),
    ("en", {"forgery"}, "The official was charged with forgery of acceptance certificates."),
    # land
    (
        "ru",
        {"land"},
        "Прокуратура выявила незаконное предоставление земельных участков под застройку.",
    ),
    (
        "en",
        {"land"},
        "Twelve plots had been unlawfully allocated to a private company, the check found.",
    ),
    # tax_customs
    (
        "en",
        {"tax_customs"},
        "Border guards stopped the smuggling of cigarettes worth 40 million tenge.",
    ),
    ("ru", {"tax_customs"}, "Директор ТОО уклонился от уплаты налогов на 80 млн тенге."),
    # conflict_of_interest
    ("kk", {"conflict_of_interest"}, "Тексеру барысында мүдделер қақтығысы анықталды."),
    (
        "ru",
        {"conflict_of_interest"},
        "Контракт заключен с аффилированной компанией заместителя руководителя.",
    ),
    # construction
    ("ru", {"construction"}, "Подрядчик сорвал сроки строительства детского сада."),
    ("en", {"construction"}, "The renovation of the clinic is three months behind schedule."),
    ("kk", {"construction"}, "Мердігер жолды сапасыз жөндегені анықталды."),
    # labor_law
    ("en", {"labor_law"}, "Inspectors identified wage arrears of 30 million tenge at two firms."),
    ("kk", {"labor_law"}, "Инспекторлар 40 жұмысшыға жалақы төленбегенін анықтады."),
    # budget_misuse, procurement
    ("ru", {"budget_misuse"}, "Выявлено нецелевое использование бюджетных средств на 5 млн тенге."),
    (
        "en",
        {"procurement"},
        "Auditors found violations of public procurement legislation worth 1 billion tenge.",
    ),
    # other: generic wrongdoing with no specific label
    ("ru", {"other"}, "С начала года выявлено 12 коррупционных преступлений."),
    ("kk", {"other"}, "Облыста 20 сыбайлас жемқорлық қылмысы анықталды."),
    ("en", {"other"}, "Since January, 15 corruption crimes have been detected in the region."),
]


# Generalization: verb-phrased findings and cue families beyond the nominal spec cues,
# one sentence per family and language (all written for these tests).
CASES += [
    # labor_law: wage arrears said with verbs, debts to workers, no employment contract
    ("ru", {"labor_law"}, "Водителям автопарка полгода не выплачивали заработную плату."),
    ("ru", {"labor_law"}, "Установлена задержка выплаты заработной платы 60 работникам."),
    ("ru", {"labor_law"}, "Руководство компании задолжало работникам 12 млн тенге."),
    ("ru", {"labor_law"}, "Выявлено 15 человек, работавших без трудовых договоров."),
    ("kk", {"labor_law"}, "Кәсіпорын қызметкерлеріне үш ай бойы жалақы төлемеген."),
    ("kk", {"labor_law"}, "Жұмысшыларға жалақы уақтылы төленбегені анықталды."),
    ("kk", {"labor_law"}, "Компанияның жұмысшылар алдындағы берешегі 8 млн теңгені құрады."),
    ("kk", {"labor_law"}, "Тексеру барысында 20 адам еңбек шартынсыз жұмыс істегені анықталды."),
    ("en", {"labor_law"}, "The company failed to pay salaries to 40 employees for three months."),
    ("en", {"labor_law"}, "Inspectors found that the wages of 30 cooks were not paid for months."),
    ("en", {"labor_law"}, "The firm owed its workers 9 million tenge."),
    ("en", {"labor_law"}, "The worker had been unlawfully dismissed."),
    # land: the plot named before the verb, unauthorised occupation
    ("ru", {"land"}, "Земельный участок площадью 5 га был незаконно предоставлен частному лицу."),
    ("ru", {"land"}, "Предприниматель самовольно занял участок у реки."),
    ("kk", {"land"}, "Кәсіпкер жер учаскесін өз бетінше басып алған."),
    ("kk", {"land"}, "Жайылым жерлері заңсыз пайдаланылған."),
    ("en", {"land"}, "The check revealed illegal occupation of a land plot near the river."),
    ("en", {"land"}, "The pasture had been unlawfully occupied by a private farm."),
    # conflict_of_interest: contracts with relatives' firms
    (
        "ru",
        {"conflict_of_interest"},
        "Контракты заключались с фирмой, учредителем которой является брат директора.",
    ),
    ("ru", {"conflict_of_interest"}, "Поставщик оказался родственником заместителя акима."),
    ("kk", {"conflict_of_interest"}, "Мектеп директоры ұлының серіктестігімен шарт жасасқан."),
    (
        "en",
        {"conflict_of_interest"},
        "The director signed contracts with a company owned by his son.",
    ),
    ("en", {"conflict_of_interest"}, "The akim awarded the work to his brother's firm."),
    # construction: works not done in full, cheaper materials, deadlines missed, defects
    ("ru", {"construction"}, "Ремонтные работы в школе выполнены не в полном объеме."),
    (
        "ru",
        {"construction"},
        "Подрядчик использовал более дешевые материалы, не соответствующие проекту.",
    ),
    ("ru", {"construction"}, "Через полгода на дороге выявлены дефекты асфальтового покрытия."),
    ("kk", {"construction"}, "Ауруханадағы күрделі жөндеу толық аяқталмағаны анықталды."),
    ("kk", {"construction"}, "Мердігер жобаға сәйкес келмейтін материал пайдаланған."),
    ("en", {"construction"}, "The firm is accused of failing to meet the construction schedule."),
    ("en", {"construction"}, "Inspectors found that cheaper materials had been laid."),
    ("en", {"construction"}, "The builder used low-grade materials on the roof."),
    # budget_misuse: paying for work not done, prices above the market
    ("ru", {"budget_misuse"}, "Оплачены фактически невыполненные работы на 20 млн тенге."),
    ("ru", {"budget_misuse"}, "Медикаменты закуплены по ценам выше рыночных."),
    ("ru", {"budget_misuse"}, "Выявлены приписки объемов выполненных работ."),
    ("kk", {"budget_misuse"}, "Орындалмаған жұмыстарға 15 млн теңге төленген."),
    ("en", {"budget_misuse"}, "The akimat paid for works that were never performed."),
    ("en", {"budget_misuse"}, "Fuel was paid for at well above the market price."),
    # forgery: fake invoices and documents
    ("kk", {"forgery"}, "Директор жалған шот-фактура бойынша 30 млн теңге алған."),
    ("ru", {"forgery"}, "Директор представил подложные документы."),
    ("en", {"forgery"}, "The supplier submitted fake invoices."),
    # fraud and abuse of office said with other words
    ("ru", {"fraud"}, "Мужчина путем обмана завладел деньгами пенсионерки."),
    ("kk", {"fraud"}, "Ол тұрғындардың ақшасын алдау жолымен иемденген."),
    ("en", {"fraud"}, "He obtained the loan by deception."),
    (
        "ru",
        {"abuse_of_office"},
        "Чиновник, используя служебное положение, оформил на себя квартиру.",
    ),
    (
        "en",
        {"abuse_of_office"},
        "The official, using his official position, registered the flat in his name.",
    ),
    # tax_customs
    ("ru", {"tax_customs"}, "Выявлено недостоверное декларирование товаров."),
    ("en", {"tax_customs"}, "The importer filed a false customs declaration."),
    # other: illegal discharge of sewage
    ("kk", {"other"}, "Зауыт ағынды суларды көлге рұқсатсыз ағызған."),
    ("ru", {"other"}, "Предприятие сбрасывало неочищенные сточные воды в реку."),
    ("en", {"other"}, "The plant was discharging untreated sewage into the lake."),
    # spelling variants and synonyms
    ("kk", {"negligence"}, "Лауазымды тұлғаның немқұрайлылығы салдарынан мектеп жөнделмей қалды."),
    ("kk", {"tax_customs"}, "Кеден төлемдерін төлеуден жалтарғаны үшін іс қозғалды."),
    ("en", {"negligence"}, "The head of the department was charged with dereliction of duty."),
    ("en", {"tax_customs"}, "The company was found evading customs duties."),
    ("ru", {"bribery"}, "Чиновник требовал откаты от подрядчиков, установило следствие."),
    # приписки in a subsidy fraud are the fraud itself, not budget misuse
    (
        "ru",
        {"fraud"},
        "Приписки числа овец в заявках на субсидии выявлены, возбуждено дело о мошенничестве.",
    ),
]


# Generalization: findings phrased with a verb (work below the design, a share of the
# works done, an abandoned site, land on a nominee, money taken for an official act,
# undeclared imports, property handed to relatives, emission limits exceeded).
CASES += [
    ("ru", {"construction"}, "Подрядчик залил бетон тоньше проектного на двух участках."),
    ("ru", {"construction"}, "Вместо предусмотренных проектом труб уложены бывшие в употреблении."),
    ("ru", {"construction"}, "К сроку выполнено только 40 процентов работ по мосту."),
    ("ru", {"construction"}, "Подрядчик бросил объект и вывез технику."),
    ("kk", {"construction"}, "Тротуар плиткасы жобада көрсетілгеннен жұқа болып шықты."),
    ("kk", {"construction"}, "Мерзім өтсе де, тек 40 пайызы орындалған."),
    ("kk", {"construction"}, "Мердігер жұмысты тоқтатып кеткен."),
    (
        "en",
        {"construction"},
        "The contractor poured a foundation slab thinner than the project specified.",
    ),
    ("en", {"construction"}, "By the deadline only 40 percent of the works had been done."),
    ("en", {"construction"}, "The firm abandoned the site in May."),
    ("ru", {"land"}, "Аким села оформил земельный участок у реки на подставное лицо."),
    ("kk", {"land"}, "Шенеунік жер учаскесін жалған тұлғаның атына рәсімдеген."),
    ("en", {"land"}, "The official registered a land plot in the name of a nominee."),
    ("ru", {"bribery"}, "Инспектор получил 80 000 тенге за выдачу разрешения."),
    ("kk", {"bribery"}, "Инспектор рұқсат беру үшін 80 мың теңге алған."),
    ("en", {"bribery"}, "The inspector received 80,000 tenge for issuing a permit."),
    ("ru", {"tax_customs"}, "Водитель пытался ввезти запчасти, не задекларировав их."),
    ("kk", {"tax_customs"}, "Жүргізуші қосалқы бөлшектерді декларацияламай өткізбек болған."),
    ("en", {"tax_customs"}, "The driver tried to bring in spare parts without declaring them."),
    ("ru", {"conflict_of_interest"}, "Начальник отдела распределил квартиры своим родственникам."),
    ("kk", {"conflict_of_interest"}, "Бөлім басшысы пәтерлерді туыстарына бөліп берген."),
    ("en", {"conflict_of_interest"}, "The department head allocated flats to his relatives."),
    ("ru", {"other"}, "Завод превысил нормативы выбросов диоксида серы."),
    ("kk", {"other"}, "Зауыт күкірт шығарындыларының нормативін асырған."),
    ("en", {"other"}, "The smelter exceeded sulphur emission limits twice."),
    (
        "kk",
        {"procurement"},
        "Мемлекеттік сатып алу кезінде тауар бағасын қасақана көтерген басшы ұсталды.",
    ),
]


@pytest.mark.parametrize(("lang", "expected", "text"), CASES)
def test_labels(nlps: dict[str, Language], lang: str, expected: set[str], text: str) -> None:
    assert labels(nlps[lang], text) == expected


def test_every_label_is_covered() -> None:
    covered = set().union(*(expected for _, expected, _ in CASES))
    assert covered == {
        "bribery",
        "embezzlement",
        "fraud",
        "abuse_of_office",
        "negligence",
        "forgery",
        "budget_misuse",
        "procurement",
        "labor_law",
        "land",
        "tax_customs",
        "conflict_of_interest",
        "construction",
        "other",
    }


NOTHING = [
    # negated or absent findings
    ("ru", "Нарушений не выявлено."),
    ("ru", "Нарушений в сфере государственных закупок не выявлено."),
    ("ru", "В ходе мониторинга фактов нецелевого использования бюджетных средств не установлено."),
    ("en", "No violations were found."),
    ("en", "No violations of labor legislation were found during the inspection."),
    ("en", "The audit did not find any inefficient use of budget funds."),
    ("kk", "Бұзушылықтар анықталған жоқ."),
    ("kk", "Тексеру кезінде еңбек заңнамасын бұзушылықтар анықталған жоқ."),
    ("kk", "Мемлекеттік сатып алу саласында заң бұзушылық анықталмады."),
    # "public procurement" alone is no violation
    ("ru", "В 2025 году отдел образования провел 120 государственных закупок."),
    ("en", "The akimat announced public procurement for the repair of two schools."),
    ("kk", "Мектептерді жөндеуге мемлекеттік сатып алу өткізілді."),
    # prevention talk with no concrete case
    ("en", "Profilactic talks on the inadmissibility of corruption were held with the staff."),
    ("ru", "С работниками проведена профилактическая беседа о недопустимости получения взяток."),
    ("kk", "Қызметкерлерге пара алудың алдын алу туралы түсіндіру жұмыстары жүргізілді."),
    ("ru", "Напоминаем, что за дачу взятки предусмотрена уголовная ответственность."),
    # wording that only looks like a cue
    ("en", "Local roads in the north are of low quality, the minister said."),
    ("ru", "Преступление совершено по предварительному сговору группой лиц."),
]


# Generalization: negated lags/arrears, duties and definitions, questions, hypotheticals,
# and neutral sentences that share words with the new cues.
NOTHING += [
    ("ru", "По словам подрядчика, отставаний от графика пока нет."),
    ("ru", "Задолженности по заработной плате на предприятии нет."),
    ("kk", "Құрылыс кестеден артта қалған жоқ."),
    ("kk", "Жалақы бойынша берешек жоқ."),
    ("ru", "Государственный служащий обязан уведомить руководителя о конфликте интересов."),
    ("ru", "Дача взятки является преступлением."),
    ("ru", "Что грозит за получение взятки?"),
    ("kk", "Пара алу – ауыр қылмыс."),
    ("kk", "Пара берген адам да жауапкершілікке тартылады."),
    ("kk", "Жалақыны төлемеу қылмыстық жауапкершілікке әкеп соғады."),
    ("en", "Is a gift to a teacher a bribe?"),
    ("en", "Here is what counts as a bribe under the law."),
    ("en", "Offering a bribe to an official is a crime."),
    ("en", "Officials are obliged to notify their superiors of a conflict of interest."),
    (
        "ru",
        "В случае неисполнения предписания будет рассмотрен вопрос о возбуждении дела "
        "по статье 152 УК РК.",
    ),
    ("kk", "Нұсқама орындалмаған жағдайда қылмыстық іс қозғау мәселесі қаралатын болады."),
    ("en", "If the arrears are not repaid, the employer may face criminal charges."),
    ("ru", "Заработная плата выплачивается работникам своевременно."),
    ("ru", "Многодетным семьям предоставлены земельные участки под ИЖС."),
    ("ru", "Сын ветерана поблагодарил акимат за помощь."),
    ("kk", "Жұмысшыларға жалақы уақтылы төленеді."),
    ("kk", "Жөндеу жұмыстары толық аяқталды."),
    ("kk", "Ардагердің ұлы әкімдікке алғыс айтты."),
    ("en", "The employer paid wages to all workers."),
    ("en", "The company is owned by a foreign investor."),
    ("en", "Market prices for vegetables fell in October."),
    ("ru", "Водитель откатил автомобиль с проезжей части."),
]


# Generalization: money moved to relatives is not a post or property handed out; the
# amount a contractor was paid is not a bribe.
NOTHING += [
    ("en", "The pensioner sent the money to her relatives abroad."),
    ("en", "The contractor received 90 million tenge for the works."),
    ("ru", "Подрядчик получил 90 млн тенге за выполненные работы."),
]


@pytest.mark.parametrize(("lang", "text"), NOTHING)
def test_nothing(nlps: dict[str, Language], lang: str, text: str) -> None:
    assert labels(nlps[lang], text) == set()


def test_negation_is_scoped_to_its_clause(nlps: dict[str, Language]) -> None:
    ru = (
        "Нарушений трудового законодательства не выявлено, однако установлен факт получения взятки."
    )
    assert labels(nlps["ru"], ru) == {"bribery"}
    en = (
        "No violations were found in procurement. "
        "The contractor missed the deadline for the school."
    )
    assert labels(nlps["en"], en) == {"construction"}


def test_other_only_without_a_specific_label(nlps: dict[str, Language]) -> None:
    text = (
        "С начала года выявлено 12 коррупционных преступлений.\n"
        "Аким поселка задержан при получении взятки."
    )
    assert labels(nlps["ru"], text) == {"bribery"}
    assert labels(nlps["ru"], text.split("\n")[0]) == {"other"}


@pytest.mark.parametrize(
    ("lang", "article", "expected"),
    [
        ("ru", "366", "bribery"),
        ("kk", "189", "embezzlement"),
        ("en", "370", "negligence"),
        ("ru", "361", "abuse_of_office"),
        ("en", "369", "forgery"),
        ("kk", "190", "fraud"),
    ],
)
def test_law_article_implies_label(lang: str, article: str, expected: str) -> None:
    """A LAW_ARTICLE fact of an earlier component maps to a label through the data rows."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    component = nlp.add_pipe("govkz_violations")
    text = f"Case under Article {article} of the Criminal Code was sent to court."
    doc = nlp(text)
    start = text.index("Article")
    end = start + len(f"Article {article}")
    add_fact(doc, start, end, "LAW_ARTICLE", code="CRIMINAL", article=article)
    doc = component(doc)
    found = {s._.norm["violation"] for s in facts(doc, LABEL)}
    assert found == {expected}
    # the LAW_ARTICLE fact keeps its own normalized value
    (law,) = facts(doc, "LAW_ARTICLE")
    assert law._.norm == {"code": "CRIMINAL", "article": article}


def test_administrative_article_implies_nothing() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    component = nlp.add_pipe("govkz_violations")
    doc = nlp("Fined under Article 366 of the Administrative Code.")
    add_fact(doc, 11, 22, "LAW_ARTICLE", code="ADMINISTRATIVE", article="366")
    assert list(facts(component(doc), LABEL)) == []


def test_new_cue_is_one_data_row(tmp_path: Path) -> None:
    rows = [
        {"kind": "cue", "label": "other", "stems": ["graffiti"]},
        {"kind": "negation", "stems": ["no$"]},
    ]
    path = tmp_path / "violations.jsonl"
    srsly.write_jsonl(path, rows)
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("govkz_violations", config={"patterns": str(path)})
    assert labels(nlp, "Graffiti was found on the school wall.") == {"other"}
    assert labels(nlp, "No graffiti was found.") == set()


@pytest.mark.parametrize("lang", LANGS)
def test_to_disk_and_spacy_load(nlps: dict[str, Language], lang: str, tmp_path: Path) -> None:
    nlp = nlps[lang]
    nlp.to_disk(tmp_path / lang)
    loaded = spacy.load(tmp_path / lang)
    assert "govkz_violations" in loaded.pipe_names
    rows = loaded.get_pipe("govkz_violations").rows  # type: ignore[attr-defined]
    assert rows == nlp.get_pipe("govkz_violations").rows  # type: ignore[attr-defined]
    assert labels(loaded, SEED[lang]) == labels(nlp, SEED[lang])
    assert labels(loaded, SEED[lang]) == {"budget_misuse", "procurement", "labor_law"}


def test_hypothetical_overrides_a_finding_word(nlps: dict[str, Language]) -> None:
    """A threatened case ("будет рассмотрен вопрос о возбуждении") is not a finding, but a
    real finding in the sentence before it still counts."""
    text = (
        "Выявлена задолженность по зарплате. "
        "В случае непогашения долга будет рассмотрен вопрос о возбуждении уголовного дела."
    )
    assert labels(nlps["ru"], text) == {"labor_law"}


def test_hyphen_inside_a_regex_group_is_not_split() -> None:
    patterns = stems_to_patterns(["(under-declar|undeclared)", "goods"])
    assert len(patterns) == 1  # one token pattern per stem, the group is kept whole
