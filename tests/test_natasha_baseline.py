"""The Natasha peer baseline (scripts/natasha_baseline.py) on sentences written for this test.

Natasha itself runs for real (skipped when it is not installed); the mapping of its output
onto the spec's facts is checked on the same sentences, and end to end through the script's
command line on a tiny gold file.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "natasha_baseline", ROOT / "scripts" / "natasha_baseline.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["natasha_baseline"] = module
    spec.loader.exec_module(module)
    return module


nb = _load()

PLACES = (
    "Проверка прошла в Шемонаихинском районе Восточно-Казахстанской области "
    "и в городе Усть-Каменогорске."
)
CONTRACT = (
    "Договор с ТОО «Нұрлы Жол Строй» должен быть исполнен до 15 марта 2026 года. "
    "Совещание в акимате Глубоковского района состоялось 5 мая 2025 года."
)
MONEY = "Ущерб составил 3 млн рублей и 500 долларов, а также 10 млн тенге."


@pytest.fixture(scope="module")
def natasha() -> Any:
    pytest.importorskip("natasha")
    return nb.Natasha()


@pytest.fixture(scope="module")
def lookup() -> Any:
    return nb.PlaceLookup()


def _mention(text: str, span: str, normal: str | None = None) -> Any:
    start = text.index(span)
    return nb.Mention(span, normal or span, start, start + len(span))


def _keys(facts: list[dict[str, Any]], label: str) -> set[Any]:
    from pipeline.evaluate import fact_key

    return {fact_key(f) for f in facts if f["label"] == label}


def test_loc_spans_resolve_to_kato_rows(natasha: Any, lookup: Any) -> None:
    facts = nb.natasha_facts(natasha(PLACES), PLACES, lookup)
    assert _keys(facts, "DISTRICT") == {("kato", "636800000")}  # Шемонаихинский район
    assert _keys(facts, "REGION") == {("kato", "630000000")}  # Восточно-Казахстанская обл.
    assert _keys(facts, "SETTLEMENT") == {("kato", "631000000")}  # Усть-Каменогорск


def test_org_date_and_variants(natasha: Any, lookup: Any) -> None:
    raw = natasha(CONTRACT)
    facts = nb.natasha_facts(raw, CONTRACT, lookup)
    assert _keys(facts, "ENTERPRISE") == {("нұрлы жол строй",)}
    assert _keys(facts, "DISTRICT") == {("kato", "634000000")}  # Глубоковский район
    # Default: only the date in a sentence with a deadline cue ("до").
    assert _keys(facts, "DEADLINE") == {("2026-03-15",)}
    every = nb.natasha_facts(raw, CONTRACT, lookup, nb.Variant(dates="all"))
    assert _keys(every, "DEADLINE") == {("2026-03-15",), ("2025-05-05",)}


def test_money_knows_rubles_and_dollars_not_tenge(natasha: Any, lookup: Any) -> None:
    facts = nb.natasha_facts(natasha(MONEY), MONEY, lookup)
    assert _keys(facts, "MONEY") == {(3000000.0, "RUB"), (500.0, "USD")}


def test_ordinary_word_place_needs_a_cue(lookup: Any) -> None:
    text = "Об этом сообщили в Казахстане."
    loc = _mention(text, "Казахстане", "Казахстан")
    assert nb.place_facts([loc], text, lookup) == []
    kept = nb.place_facts([loc], text, lookup, unmatched="name")
    assert [(f["label"], f["kato"], f["name_ru"]) for f in kept] == [
        ("SETTLEMENT", None, "Казахстан")
    ]


def test_cue_word_next_to_a_bare_span(lookup: Any) -> None:
    text = "Работы идут в области Абай."
    loc = _mention(text, "Абай")
    facts = nb.place_facts([loc], text, lookup)
    assert [(f["label"], f["kato"]) for f in facts] == [("REGION", "100000000")]


def test_enterprise_name_and_legal_form_before_span() -> None:
    text = "Подрядчиком стало акционерное общество «Северный Ветер Инвест»."
    org = _mention(text, "Северный Ветер Инвест")
    facts = nb.enterprise_facts([org], text)
    assert [(f["legal_form"], f["name"]) for f in facts] == [("JSC", "Северный Ветер Инвест")]
    quoted = "Об этом сообщает «Вестник Степи»."
    media = _mention(quoted, "Вестник Степи", "Вестник Степь")
    assert nb.enterprise_facts([media], quoted) == []
    assert len(nb.enterprise_facts([media], quoted, mode="legal")) == 1
    nested = _mention("ТОО «Компания «Тихий Дон»", "ТОО «Компания «Тихий Дон»")
    assert nb.enterprise_facts([nested], nested.text)[0]["name"] == "Компания Тихий Дон"


def test_dates_without_year_take_the_latest_year_before() -> None:
    text = "В 2027 году начали. Объект сдадут до 1 июня, отчет до марта."
    dates = [
        nb.NatashaDate("1 июня", text.index("1 июня"), None, 6, 1, True),
        nb.NatashaDate("марта", text.index("марта"), None, 3, None, True),
        nb.NatashaDate("2027 году", 2, 2027, None, None, False),
    ]
    facts = nb.deadline_facts(dates, text, None, mode="all")
    assert [(f["value"], f["precision"]) for f in facts] == [
        ("2027-06-01", "day"),
        ("2027-03-31", "month"),
        ("2027-12-31", "year"),
    ]
    assert nb.deadline_facts(dates[:1], "Сдадут до 1 июня.", None) == []  # no year: no fact


def test_command_line_scores_both_systems(natasha: Any, tmp_path: Path, capsys: Any) -> None:
    gold = tmp_path / "gold.jsonl"
    facts = [
        {
            "label": "DISTRICT",
            "text": "Шемонаихинском районе",
            "kato": "636800000",
            "name_ru": "Шемонаихинский район",
        },
        {"label": "MONEY", "text": "10 млн тенге", "amount": 10000000, "currency": "KZT"},
        {"label": "MONEY", "text": "3 млн рублей", "amount": 3000000, "currency": "RUB"},
    ]
    rows = [
        {
            "doc_id": "t-1",
            "lang": "ru",
            "title": None,
            "text": f"{PLACES}\n{MONEY}",
            "facts": facts,
        },
        {"doc_id": "t-2", "lang": "kk", "title": None, "text": "Мәтін.", "facts": []},
    ]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    ours = tmp_path / "ours.jsonl"  # our extractor's saved predictions: one money fact
    ours.write_text(json.dumps({"doc_id": "t-1", "lang": "ru", "facts": facts[1:2]}) + "\n")
    assert nb.main(["--gold", str(gold), "--pred", str(ours), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["docs"] == 1  # the Kazakh doc is not scored
    by = {(r["label"], r["natasha_mapping"]): r for r in out["rows"]}
    money = by[("MONEY", "default")]
    assert money["gold"] == 2
    assert (money["ours"]["tp"], money["ours"]["fn"]) == (1, 1)
    # Natasha: the rubles are right, the tenge are missed, 500 USD is a false hit.
    assert (money["natasha"]["tp"], money["natasha"]["fp"], money["natasha"]["fn"]) == (1, 1, 1)
    district = by[("DISTRICT", "default")]
    assert district["natasha"]["f1"] == 1.0 and district["ours"]["f1"] == 0.0
