"""govkz_places: REGION / DISTRICT / SETTLEMENT facts with KATO codes, in ru, kk and en.

The phrases are written for these tests (not taken from real releases). The pipeline is
the project's own (``build_nlp``); other components may add facts of other labels, so
every check filters by the place labels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import srsly

from pipeline.build_gazetteer import KATO_DIR, build
from pipeline.components.base import facts
from pipeline.components.places import DATA_DIR, LABELS, PlacesComponent, fold, gazetteer_path
from pipeline.nlp import build_nlp

EKR = "630000000"
SHEMONAIKHA = "636800000"
GLUBOKOE = "634000000"
SAMAR = "635600000"
ZAISAN_DISTRICT = "634600000"
ZAISAN_TOWN = "634620100"
ALMATY_CITY = "750000000"
ALMATY_REGION = "190000000"
ASTANA = "710000000"


@pytest.fixture(scope="module")
def nlps() -> dict[str, spacy.Language]:
    return {lang: build_nlp(lang) for lang in ("ru", "kk", "en")}


def places(nlp: spacy.Language, text: str) -> list[tuple[str, str | None, str]]:
    """(label, kato, name_ru) of the place facts, in text order."""
    doc = nlp(text)
    spans = sorted((s for s in facts(doc) if s.label_ in LABELS), key=lambda s: s.start)
    return [(s.label_, s._.norm["kato"], s._.norm["name_ru"]) for s in spans]


def katos(nlp: spacy.Language, text: str, label: str) -> list[str | None]:
    return [kato for lab, kato, _ in places(nlp, text) if lab == label]


# -- districts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "Two schools were repaired in the Shemonaikha district last year.", [SHEMONAIKHA]),
        (
            "en",
            "Roads in the Glubokovsky and Samarsky districts are being rebuilt.",
            [GLUBOKOE, SAMAR],
        ),
        ("en", "A clinic opened in Zaisan district on Monday.", [ZAISAN_DISTRICT]),
        ("ru", "Новая школа построена в Шемонаихинском районе.", [SHEMONAIKHA]),
        ("ru", "Проверки прошли в Глубоковском и Самарском районах.", [GLUBOKOE, SAMAR]),
        ("ru", "Аким Зайсанского района провел встречу с жителями.", [ZAISAN_DISTRICT]),
        ("ru", "Жители района Самар получат воду.", [SAMAR]),
        ("ru", "В Самарском районе отремонтировали мост.", [SAMAR]),
        ("kk", "Шемонаиха ауданында жаңа мектеп салынды.", [SHEMONAIKHA]),
        ("kk", "Глубокое және Самар аудандарында жолдар жөнделді.", [GLUBOKOE, SAMAR]),
        ("kk", "Зайсан ауданының әкімі тұрғындармен кездесті.", [ZAISAN_DISTRICT]),
    ],
)
def test_districts(
    nlps: dict[str, spacy.Language], lang: str, text: str, expected: list[str]
) -> None:
    assert katos(nlps[lang], text, "DISTRICT") == expected


def test_district_normalization_uses_kato_name(nlps: dict[str, spacy.Language]) -> None:
    found = places(nlps["en"], "Works in the Samarsky district and the Shemonaikha district.")
    assert found == [
        ("DISTRICT", SAMAR, "район Самар"),
        ("DISTRICT", SHEMONAIKHA, "Шемонаихинский район"),
    ]


def test_district_span_includes_cue(nlps: dict[str, spacy.Language]) -> None:
    doc = nlps["ru"]("Ремонт идет в Шемонаихинском районе.")
    [span] = [s for s in facts(doc) if s.label_ == "DISTRICT"]
    assert span.text == "Шемонаихинском районе"


# -- regions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "Шығыс Қазақстан облысы бойынша жұмыс жалғасуда."),
        ("kk", "Шығыс Қазақстан облысының әкімдігі хабарлады."),
        ("kk", "ШҚО-да жаңа зауыт ашылды."),
        ("ru", "В ВКО подвели итоги года."),
        ("ru", "Аким Восточно-Казахстанской области провел совещание."),
        ("en", "The Anti-Corruption Service of East Kazakhstan Region reported the results."),
        ("en", "Inspections continue in the East Kazakhstan region."),
        ("en", "The EKR department opened a hotline."),
        ("en", "The VKO department opened a hotline."),
    ],
)
def test_east_kazakhstan(nlps: dict[str, spacy.Language], lang: str, text: str) -> None:
    assert katos(nlps[lang], text, "REGION") == [EKR]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "A forum was held in Almaty yesterday.", ALMATY_CITY),
        ("en", "Farmers of the Almaty region harvested grain.", ALMATY_REGION),
        ("en", "Traffic in Almaty city was restricted.", ALMATY_CITY),
        ("ru", "В Алматы открылась выставка.", ALMATY_CITY),
        ("ru", "Фермеры Алматинской области собрали урожай.", ALMATY_REGION),
        ("kk", "Алматыда көрме ашылды.", ALMATY_CITY),
        ("kk", "Алматы облысында егін жиналды.", ALMATY_REGION),
    ],
)
def test_almaty_city_vs_region(
    nlps: dict[str, spacy.Language], lang: str, text: str, expected: str
) -> None:
    assert katos(nlps[lang], text, "REGION") == [expected]


def test_dateline_city_of_republican_significance(nlps: dict[str, spacy.Language]) -> None:
    assert katos(nlps["en"], "ASTANA. KAZINFORM The government met today.", "REGION") == [ASTANA]
    assert katos(nlps["ru"], "АСТАНА. KAZINFORM Правительство провело заседание.", "REGION") == [
        ASTANA
    ]


def test_list_of_regions_takes_the_plural_cue(nlps: dict[str, spacy.Language]) -> None:
    text = "Repairs lag behind in the Akmola, Pavlodar and North Kazakhstan regions."
    assert katos(nlps["en"], text, "REGION") == ["110000000", "550000000", "590000000"]


# -- settlements -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "A new school was opened in Zaisan town."),
        ("en", "The bus station of Zaisan was renovated."),
        ("ru", "В городе Зайсан открыли школу."),
        ("kk", "Зайсан қаласында мектеп ашылды."),
    ],
)
def test_zaisan_town(nlps: dict[str, spacy.Language], lang: str, text: str) -> None:
    found = places(nlps[lang], text)
    assert found == [("SETTLEMENT", ZAISAN_TOWN, "г.Зайсан")]


def test_city_of_regional_significance_and_inflection(nlps: dict[str, spacy.Language]) -> None:
    oskemen = ("SETTLEMENT", "631000000", "Усть-Каменогорск Г.А.")
    assert places(nlps["ru"], "Форум прошел в Усть-Каменогорске.") == [oskemen]
    assert places(nlps["kk"], "Форум Өскеменде өтті.") == [oskemen]
    assert places(nlps["en"], "The forum took place in Oskemen.") == [oskemen]
    assert places(nlps["en"], "The forum took place in Ust-Kamenogorsk.") == [oskemen]


def test_former_name_is_an_alias(nlps: dict[str, spacy.Language]) -> None:
    assert katos(nlps["ru"], "Завод в Зыряновске возобновил работу.", "SETTLEMENT") == ["634820100"]


def test_road_between_two_towns(nlps: dict[str, spacy.Language]) -> None:
    text = "Трасса Талдыкорган – Усть-Каменогорск будет отремонтирована."
    assert katos(nlps["ru"], text, "SETTLEMENT") == ["331000000", "631000000"]


def test_village_with_cue_and_context(nlps: dict[str, spacy.Language]) -> None:
    # Several villages are called Мойылды; the district named in the text picks one.
    text = "В районе Самар, в селе Мойылды, построят клуб."
    assert places(nlps["ru"], text) == [
        ("DISTRICT", SAMAR, "район Самар"),
        ("SETTLEMENT", "635639400", "с.Мойылды"),
    ]


def test_list_cue_needs_plural_in_russian(nlps: dict[str, spacy.Language]) -> None:
    # "Аксу и Успенского района": a town and one district, not two districts.
    found = places(nlps["ru"], "Школы Аксу и Успенского района получили компьютеры.")
    assert found == [
        ("SETTLEMENT", "551600000", "Аксу Г.А."),
        ("DISTRICT", "556400000", "Успенский район"),
    ]
    # "в селах Успенского и Железинского районов": the adjectives agree with "районов".
    text = "Школы построят в селах Успенского и Железинского районов."
    assert katos(nlps["ru"], text, "DISTRICT") == ["556400000", "554200000"]
    assert katos(nlps["ru"], text, "SETTLEMENT") == []


def test_streets_are_not_places(nlps: dict[str, spacy.Language]) -> None:
    assert places(nlps["kk"], "Абай даңғылы мен Жамбыл көшесі жөнделді.") == []
    assert places(nlps["en"], "Works on Kabanbay Batyr avenue are finished.") == []


def test_ambiguous_village_without_context_gets_null(nlps: dict[str, spacy.Language]) -> None:
    found = places(nlps["ru"], "В селе Бирлик отремонтировали школу.")
    assert found == [("SETTLEMENT", None, "Бирлик")]


def test_common_words_and_people_are_not_places(nlps: dict[str, spacy.Language]) -> None:
    assert places(nlps["ru"], "Казахстан и партия Аманат подвели итоги.") == []
    assert places(nlps["en"], "Deputy head Serik Akhmetov visited the plant.") == []
    assert places(nlps["ru"], "Жители ул. Абая получили газ.") == []


# -- pipeline mechanics ----------------------------------------------------------------


def test_save_and_load_round_trip(nlps: dict[str, spacy.Language], tmp_path: Path) -> None:
    text = "Аким Зайсанского района и аким ВКО посетили Алматы."
    for lang, nlp in nlps.items():
        path = tmp_path / lang
        nlp.to_disk(path)
        assert (path / "govkz_places" / "gazetteer.jsonl").exists()
        loaded = spacy.load(path)
        assert places(loaded, text) == places(nlp, text)
    assert katos(spacy.load(tmp_path / "ru"), text, "DISTRICT") == [ZAISAN_DISTRICT]


def test_bytes_round_trip(nlps: dict[str, spacy.Language]) -> None:
    nlp = nlps["kk"]
    fresh = build_nlp("kk")
    source = nlp.get_pipe("govkz_places")
    target = fresh.get_pipe("govkz_places")
    assert isinstance(source, PlacesComponent) and isinstance(target, PlacesComponent)
    target.from_bytes(source.to_bytes())
    text = "Зайсан ауданының әкімі"
    assert places(fresh, text) == places(nlp, text)


def test_fold_merges_spellings() -> None:
    assert fold("Шығыс Қазақстан") == fold("Шыгыс Казакстан")
    assert fold("Семёновка") == fold("семеновка")
    assert fold("Aкмола") == fold("Акмола")  # a Latin "A" inside a Cyrillic word


@pytest.mark.skipif(not KATO_DIR.exists(), reason="shared KATO data not available")
def test_committed_gazetteer_is_what_the_generator_produces() -> None:
    place_rows, form_rows = build(KATO_DIR)
    assert list(srsly.read_jsonl(gazetteer_path(None, DATA_DIR))) == place_rows
    for lang, rows in form_rows.items():
        assert list(srsly.read_jsonl(gazetteer_path(lang, DATA_DIR))) == rows, lang
