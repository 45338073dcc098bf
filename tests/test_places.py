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


# -- generalization: families of forms the rules must cover ----------------------------
# Every sentence here is written for the test; names come from the KATO gazetteer.

AL_FARABI = "791310000"  # Аль-Фарабийский район, a city district of Shymkent
MAKANSHY = "104500000"  # район Мақаншы (its centre is the village Маканчи / Мақаншы)
ZHOSALY_TOWNSHIP = "434630100"  # п.Жосалы, the only township of several Жосалы villages


@pytest.mark.parametrize(
    ("text", "label", "kato"),
    [
        ("Зайсан аудандық сотында іс қаралды.", "DISTRICT", ZAISAN_DISTRICT),
        ("Зайсан ауданы бойынша жоспар бекітілді.", "DISTRICT", ZAISAN_DISTRICT),
        ("Зайсан ауданының жолдары жөнделеді.", "DISTRICT", ZAISAN_DISTRICT),
        ("Зайсан ауданында жаңа көпір бар.", "DISTRICT", ZAISAN_DISTRICT),
        ("Зайсан ауданындағы фермерлер жиналды.", "DISTRICT", ZAISAN_DISTRICT),
        ("Әл-Фараби ауданындағы саябақ ашылды.", "DISTRICT", AL_FARABI),
        ("Әл Фараби ауданының әкімі сөйледі.", "DISTRICT", AL_FARABI),
        ("Шығыс Қазақстан облыстық ауруханасы жөнделді.", "REGION", EKR),
        ("Шығыс Қазақстан облысының фермерлері жиналды.", "REGION", EKR),
        ("Зайсан қаласындағы стадион ашылды.", "SETTLEMENT", ZAISAN_TOWN),
        ("Жосалы кентінде су құбыры тартылды.", "SETTLEMENT", ZHOSALY_TOWNSHIP),
        # "Сондай-ақ" ends in "ақ", which as "АҚ" (JSC) vetoes a name after it
        ("Сондай-ақ Жосалы кентінде мектеп салынады.", "SETTLEMENT", ZHOSALY_TOWNSHIP),
    ],
)
def test_kazakh_case_endings_after_cues(
    nlps: dict[str, spacy.Language], text: str, label: str, kato: str
) -> None:
    assert katos(nlps["kk"], text, label) == [kato]


@pytest.mark.parametrize(
    ("lang", "text", "label", "kato"),
    [
        ("ru", "Аким района Аль-Фараби принял жителей.", "DISTRICT", AL_FARABI),
        ("ru", "Район Самар получил новую технику.", "DISTRICT", SAMAR),
        ("ru", "В поселке Жосалы заменили трубы.", "SETTLEMENT", ZHOSALY_TOWNSHIP),
        ("en", "Roads in Al-Farabi district of Shymkent were repaved.", "DISTRICT", AL_FARABI),
        ("en", "Pasture plots in Makanchi district were surveyed.", "DISTRICT", MAKANSHY),
        ("en", "Pasture plots in Makanshy district were surveyed.", "DISTRICT", MAKANSHY),
        ("en", "A gym opened in the settlement of Zhosaly.", "SETTLEMENT", ZHOSALY_TOWNSHIP),
    ],
)
def test_district_and_township_spellings(
    nlps: dict[str, spacy.Language], lang: str, text: str, label: str, kato: str
) -> None:
    assert kato in katos(nlps[lang], text, label)


@pytest.mark.parametrize(
    ("text", "label", "kato"),
    [
        ("Farmers of Aqtobe region sowed wheat.", "REGION", "150000000"),
        ("Farmers of Aktobe region sowed wheat.", "REGION", "150000000"),
        ("Farmers of Qyzylorda region grow rice.", "REGION", "430000000"),
        ("Farmers of Kyzylorda region grow rice.", "REGION", "430000000"),
        ("Tourism grows in Jetisu region.", "REGION", "330000000"),
        ("Tourism grows in Zhetysu region.", "REGION", "330000000"),
        ("Schools of Aqmola region got laptops.", "REGION", "110000000"),
        ("Schools of Abai region got laptops.", "REGION", "100000000"),
        ("Schools of Mangistau region got laptops.", "REGION", "470000000"),
        ("Schools of Turkistan region got laptops.", "REGION", "610000000"),
        ("Schools of Qaragandy region got laptops.", "REGION", "350000000"),
        ("Roads in the Glubokovskiy district were mended.", "DISTRICT", GLUBOKOE),
        ("Roads in the Glubokovski district were mended.", "DISTRICT", GLUBOKOE),
        ("Clinics of Fyodorovsky district got ambulances.", "DISTRICT", "396800000"),
        ("A rink was built in Yesil district of Astana.", "DISTRICT", "711210000"),
        ("A rink was built in Esil district of Astana.", "DISTRICT", "711210000"),
        ("The forum took place in Qyzylorda.", "SETTLEMENT", "431000000"),
        ("A new bridge opened in Taldyqorgan.", "SETTLEMENT", "331000000"),
    ],
)
def test_english_spelling_variants(
    nlps: dict[str, spacy.Language], text: str, label: str, kato: str
) -> None:
    assert kato in katos(nlps["en"], text, label)


def test_english_neuter_adjective_village_and_its_district(
    nlps: dict[str, spacy.Language],
) -> None:
    # KATO writes this row "Заречное с." (type mark after the name); several villages are
    # called Заречное, the district named in the text picks the one inside it.
    text = "Wells were drilled in Kostanay district, in the village of Zarechnoye."
    assert katos(nlps["en"], text, "SETTLEMENT") == ["395431100"]


def test_namesakes_in_two_districts_named_together_stay_ambiguous(
    nlps: dict[str, spacy.Language],
) -> None:
    # Карааул: one village in Абайский, one in Аягозский район; both are named at once.
    text = "Аким объехал Абайский и Аягозский районы и побывал в селе Карааул."
    assert katos(nlps["ru"], text, "SETTLEMENT") == [None]
    # One district named: it picks the row inside it.
    text = "Аким Аягозского района побывал в селе Карааул."
    assert katos(nlps["ru"], text, "SETTLEMENT") == ["103673106"]


def test_several_namesakes_inside_the_one_district_named_stay_ambiguous(
    nlps: dict[str, spacy.Language],
) -> None:
    # Аягозский район has three villages called Карабулак: naming it does not say which.
    text = "В Аягозском районе отремонтируют клуб в селе Карабулак."
    assert katos(nlps["ru"], text, "SETTLEMENT") == [None]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # ordinary words that are also the names of villages, capitalized as a sentence start
        ("kk", "Егер өтініш түссе, тексеру жүргізіледі."),
        ("kk", "Бірінші отырыс өтті.\nҚоғамдық кеңес есеп тыңдады."),
        # a village name inside a quoted organisation name, before a word that is no cue there
        ("kk", "Жайылымды «Көк Бұлақ» ауыл шаруашылығы серіктестігі алды."),
        # a dictionary word mid-sentence, capitalized in a heading style
        ("kk", "Жиында Азамат пен Болашақ туралы айтылды."),
        # first names joined by a hyphen are a person, not a road between two villages
        ("en", "Kassym-Jomart spoke at the forum."),
    ],
)
def test_ordinary_words_are_not_villages(
    nlps: dict[str, spacy.Language], lang: str, text: str
) -> None:
    assert [f for f in places(nlps[lang], text) if f[0] == "SETTLEMENT"] == []


def test_latin_fold_merges_transliterations() -> None:
    assert fold("Qaragandy") == fold("Karagandy")
    assert fold("Zhetysu") == fold("Jetisu")
    assert fold("Glubokovskiy") == fold("Glubokovsky") == fold("Glubokovski")
    assert fold("Fyodorovka") == fold("Fedorovka")
    assert fold("Yesil") == fold("Esil")
    assert fold("Denissovka") == fold("Denisovka")


HUNSPELL = Path("/usr/share/hunspell")


@pytest.mark.skipif(
    not KATO_DIR.exists() or not (HUNSPELL / "kk_KZ.dic").exists(),
    reason="shared KATO data or Debian hunspell-kk not available",
)
@pytest.mark.parametrize(("lang", "dic"), [("kk", "kk_KZ.dic"), ("ru", "ru_RU.dic")])
def test_committed_common_words_are_what_the_generator_produces(lang: str, dic: str) -> None:
    from pipeline.build_gazetteer import common_names, read_dictionary
    from pipeline.components.base import default_patterns_path, read_rows

    if not (HUNSPELL / dic).exists():
        pytest.skip(f"{dic} not installed")
    rows = [r for r in read_rows(default_patterns_path(lang, "places")) if r["kind"] == "common"]
    assert [r["words"] for r in rows] == [
        common_names(KATO_DIR, lang, read_dictionary(HUNSPELL / dic))
    ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Flooding hit several districts, including Glubokovsky and Samarsky, last spring."),
        ("en", "Roads in the districts, notably Glubokovsky and Samarsky, were repaired."),
        ("ru", "Паводок затронул несколько районов, включая Глубоковский и Самарский."),
    ],
)
def test_plural_cue_before_an_including_list(
    nlps: dict[str, spacy.Language], lang: str, text: str
) -> None:
    """A plural cue reaches the names of "districts, including X and Y" over the comma."""
    assert katos(nlps[lang], text, "DISTRICT") == [GLUBOKOE, SAMAR]
    assert katos(nlps[lang], text, "SETTLEMENT") == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "Сквер назван в честь Абая и открыт весной."),  # inflected stop word (Абай → Абая)
        ("ru", "Паводок на Иртыше и Тоболе пошел на спад."),  # rivers that are also villages
        ("ru", "Новый мост через Сырдарью построят к зиме."),
        ("en", "The water level of the Irtysh and the Ishim is rising."),
        ("kk", "Сырдарияның суы тартылып барады."),
        ("kk", "Алған несиесін ол уақытында қайтарды."),  # a participle, not the town Алға
    ],
)
def test_ordinary_words_and_rivers_are_no_settlements(
    nlps: dict[str, spacy.Language], lang: str, text: str
) -> None:
    assert places(nlps[lang], text) == []
