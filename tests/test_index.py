"""The SQLite index: incremental, streaming, idempotent builds from records JSONL.

The records are built here (``demo_records``) with facts whose offsets point at their text, so
the assertions are exact; test_search.py and test_browser.py reuse them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import types
from pathlib import Path
from typing import Any

import pytest

from models.facts import FACT_ADAPTER
from models.release import Extractor, Release
from pipeline.index import build_index, connect, evidence_sentence, index_records, iter_jsonl

TZ = dt.timezone(dt.timedelta(hours=5))
EXTRACTOR = Extractor(name="govkz-press-rules", version="0.1.0")
ENTITY = "anticorruption-vko"


def _sentence_index(text: str, start: int) -> int:
    return len(re.findall(r"[.!?](?=\s)|\n\n", text[:start]))


def make_release(
    gid: int | None,
    lang: str,
    title: str,
    body: str,
    facts: list[tuple[str, str, dict[str, Any]]],
    published: str = "2025-06-25T15:35:59",
    entity: str = ENTITY,
    version: int = 1,
    doc_id: str | None = None,
) -> Release:
    """A record whose facts are (label, span text, normalized fields), offsets found in text."""
    text = f"{title}\n\n{body}"
    fact_objs = []
    for label, span, norm in facts:
        start = text.index(span)
        fact_objs.append(
            FACT_ADAPTER.validate_python(
                {
                    "label": label,
                    "start": start,
                    "end": start + len(span),
                    "text": span,
                    "sentence": _sentence_index(text, start),
                    **norm,
                }
            )
        )
    return Release(
        id=gid,
        doc_id=doc_id,
        lang=lang,  # type: ignore[arg-type]
        entity=entity,
        url=(
            f"https://www.gov.kz/memleket/entities/{entity}/press/news/details/{gid}?lang={lang}"
            if gid is not None
            else None
        ),
        title=title,
        published_at=dt.datetime.fromisoformat(published).replace(tzinfo=TZ),
        views=100,
        text=text,
        content_sha256=f"{gid}-{lang}-{version}",
        version=version,
        facts=fact_objs,
        extractor=EXTRACTOR,
    )


ZAISAN = {"kato": "634600000", "name_ru": "Зайсанский район"}
SHEMONAIKHA = {"kato": "635600000", "name_ru": "Шемонаихинский район"}
VKO = {"kato": "630000000", "name_ru": "Восточно-Казахстанская область"}
TAZA = {"legal_form": "STATE_ENTERPRISE", "name": "Таза Өскемен"}
DEADLINE_2025 = {"value": "2025-12-31", "precision": "day"}


def demo_records() -> list[Release]:
    """A small corpus: the seed release in three languages and a few others (one hostile)."""
    en = make_release(
        1021338,
        "en",
        "Corruption risks reviewed by the Anti-Corruption Committee of East Kazakhstan Region",
        "The committee met under the Public Council. Two dams in the Shemonaikha district were "
        'decommissioned. An external analysis of the municipal state enterprise "Taza Oskemen" '
        "found violations in the field of public procurement and labor legislation.\n"
        "The checkpoint reconstruction in Zaisan district must be completed by December 31, 2025.",
        [
            ("REGION", "East Kazakhstan Region", VKO),
            ("DISTRICT", "Shemonaikha district", SHEMONAIKHA),
            (
                "ENTERPRISE",
                'municipal state enterprise "Taza Oskemen"',
                {"legal_form": "STATE_ENTERPRISE", "name": "Taza Oskemen"},
            ),
            (
                "VIOLATION",
                "violations in the field of public procurement",
                {"violation": "procurement"},
            ),
            ("VIOLATION", "labor legislation", {"violation": "labor_law"}),
            ("DISTRICT", "Zaisan district", ZAISAN),
            ("DEADLINE", "December 31, 2025", DEADLINE_2025),
        ],
    )
    ru = make_release(
        1021338,
        "ru",
        "Коррупционные риски обсудили на заседании антикоррупционного комитета ВКО",
        "Заседание прошло при общественном совете Восточно-Казахстанской области. "
        "В Шемонаихинском районе выведены из эксплуатации две плотины. "
        "Внешний анализ КГП на ПХВ «Таза Өскемен» выявил нарушения в сфере государственных "
        "закупок и трудового законодательства.\n"
        "Реконструкцию пункта пропуска в Зайсанском районе должны завершить "
        "до 31 декабря 2025 года.",
        [
            ("REGION", "Восточно-Казахстанской области", VKO),
            ("DISTRICT", "Шемонаихинском районе", SHEMONAIKHA),
            ("ENTERPRISE", "КГП на ПХВ «Таза Өскемен»", TAZA),
            (
                "VIOLATION",
                "нарушения в сфере государственных закупок",
                {"violation": "procurement"},
            ),
            ("VIOLATION", "трудового законодательства", {"violation": "labor_law"}),
            ("DISTRICT", "Зайсанском районе", ZAISAN),
            ("DEADLINE", "до 31 декабря 2025 года", DEADLINE_2025),
        ],
    )
    kk = make_release(
        1021338,
        "kk",
        "ШҚО сыбайлас жемқорлыққа қарсы комитетінің отырысы өтті",
        "Отырыс Шығыс Қазақстан облысының қоғамдық кеңесінде өтті. "
        "«Таза Өскемен» ШЖҚ КМК қызметіне сыртқы талдау мемлекеттік сатып алу саласындағы "
        "бұзушылықтарды анықтады.\n"
        "Зайсан ауданындағы өткізу пунктін қайта жаңарту "
        "2025 жылғы 31 желтоқсанға дейін аяқталуы тиіс.",
        [
            ("REGION", "Шығыс Қазақстан облысының", VKO),
            ("ENTERPRISE", "«Таза Өскемен» ШЖҚ КМК", TAZA),
            (
                "VIOLATION",
                "мемлекеттік сатып алу саласындағы бұзушылықтарды",
                {"violation": "procurement"},
            ),
            ("DISTRICT", "Зайсан ауданындағы", ZAISAN),
            ("DEADLINE", "2025 жылғы 31 желтоқсанға дейін", DEADLINE_2025),
        ],
    )
    bribe = make_release(
        2000001,
        "ru",
        "Задержан руководитель отдела за получение взятки",
        "В городе Алматы сотрудники службы задержали руководителя отдела ТОО «Шыгыс Курылыс» "
        "при получении взятки в размере 5 млн тенге. Начато расследование по ст. 366 УК РК.",
        [
            ("REGION", "Алматы", {"kato": "750000000", "name_ru": "Алматы"}),
            ("ENTERPRISE", "ТОО «Шыгыс Курылыс»", {"legal_form": "LLP", "name": "Шыгыс Курылыс"}),
            ("VIOLATION", "получении взятки", {"violation": "bribery"}),
            ("MONEY", "5 млн тенге", {"amount": 5_000_000, "currency": "KZT"}),
            ("LAW_ARTICLE", "ст. 366 УК РК", {"code": "CRIMINAL", "article": "366"}),
        ],
        published="2025-03-10T10:00:00",
        entity="anticorruption-almaty",
    )
    hostile = make_release(
        2000002,
        "en",
        "<script>alert(1)</script> [bold red]procurement[/bold red] audit",
        "An audit found violations in public procurement at the akimat of Zaisan district "
        "<img src=x onerror=alert(2)>. The contractor must return 12 million tenge by July 2026.",
        [
            ("VIOLATION", "violations in public procurement", {"violation": "procurement"}),
            ("DISTRICT", "Zaisan district", ZAISAN),
            ("MONEY", "12 million tenge", {"amount": 12_000_000, "currency": "KZT"}),
            ("DEADLINE", "by July 2026", {"value": "2026-07-31", "precision": "month"}),
        ],
        published="2025-09-01T09:00:00",
    )
    return [en, ru, kk, bribe, hostile]


def write_jsonl(path: Path, records: list[Release]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(rec.model_dump_json() + "\n")
    return path


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_build_adds_every_record_with_facts_and_language_groups(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "records.jsonl", demo_records())
    db = tmp_path / "index.sqlite"
    stats = build_index([src], db)
    assert (stats.read, stats.added, stats.updated, stats.unchanged) == (5, 5, 0, 0)

    conn = connect(db)
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 5
    assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 7 + 7 + 5 + 5 + 4
    row = conn.execute(
        "SELECT * FROM releases WHERE key = 'anticorruption-vko:1021338:ru'"
    ).fetchone()
    assert json.loads(row["violations"]) == ["labor_law", "procurement"]
    assert json.loads(row["districts"]) == ["Зайсанский район", "Шемонаихинский район"]
    assert json.loads(row["enterprises"]) == ["Таза Өскемен"]
    assert row["deadline_last"] == "2025-12-31"
    assert row["published_date"] == "2025-06-25"

    group = conn.execute(
        "SELECT langs, versions FROM release_groups WHERE group_key = 'anticorruption-vko:1021338'"
    ).fetchone()
    assert group["langs"] == "en,kk,ru"
    assert {v["lang"] for v in json.loads(group["versions"])} == {"en", "kk", "ru"}

    fact = conn.execute(
        "SELECT f.* FROM facts f JOIN releases r USING (release_id) "
        "WHERE r.key = 'anticorruption-vko:1021338:ru' AND f.label = 'DISTRICT' "
        "AND f.kato = '634600000'"
    ).fetchone()
    assert fact["value"] == "Зайсанский район"
    assert fact["text"] == "Зайсанском районе"
    assert fact["evidence"].startswith("Реконструкцию пункта пропуска")
    assert fact["evidence"].endswith("2025 года.")
    assert "zaisanski raion" in fact["fold"]
    counts = dict(
        conn.execute("SELECT facet || ':' || value, releases FROM facet_counts").fetchall()
    )
    assert counts["VIOLATION:procurement"] == 4
    assert counts["DISTRICT:Зайсанский район"] == 4
    assert counts["DEADLINE_MONTH:2025-12"] == 3
    assert counts["LANG:ru"] == 2
    money = conn.execute("SELECT value, amount, currency FROM facts WHERE label='MONEY'").fetchall()
    assert ("5 000 000 KZT", 5_000_000.0, "KZT") in [tuple(m) for m in money]
    conn.close()


def test_reindexing_the_same_records_changes_nothing(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "records.jsonl", demo_records())
    db = tmp_path / "index.sqlite"
    build_index([src], db)
    before = _dump(db)
    stats = build_index([src], db)
    assert (stats.added, stats.updated, stats.unchanged) == (0, 0, 5)
    assert _dump(db) == before


def test_new_version_replaces_old_and_older_version_is_ignored(tmp_path: Path) -> None:
    db = tmp_path / "index.sqlite"
    conn = connect(db)
    records = demo_records()
    index_records(conn, records)
    ru = records[1]
    edited = ru.model_copy(
        update={
            "version": 2,
            "content_sha256": "edited",
            "text": ru.text.replace("две плотины", "три плотины"),
            "facts": [f for f in ru.facts if f.label != "VIOLATION"],
        }
    )
    stats = index_records(conn, [edited])
    assert (stats.updated, stats.added) == (1, 0)
    (rid,) = conn.execute("SELECT release_id FROM releases WHERE key = ?", (ru.key,)).fetchone()
    assert (
        conn.execute("SELECT version FROM releases WHERE release_id=?", (rid,)).fetchone()[0] == 2
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM facts WHERE release_id=? AND label='VIOLATION'", (rid,)
        ).fetchone()[0]
        == 0
    )
    # the FTS index follows: the new word is found, the old one is gone for this release
    fts = "SELECT rowid FROM releases_fts WHERE releases_fts MATCH ?"
    assert rid in [r[0] for r in conn.execute(fts, ("три",))]
    assert rid not in [r[0] for r in conn.execute(fts, ("две",))]
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 5

    stats = index_records(conn, [ru])  # the stale version 1 arrives late
    assert (stats.stale, stats.updated) == (1, 0)
    assert (
        conn.execute("SELECT version FROM releases WHERE release_id=?", (rid,)).fetchone()[0] == 2
    )

    # FTS integrity after delete + insert through the triggers
    conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
    conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('integrity-check')")
    conn.close()


def test_same_version_with_other_content_replaces(tmp_path: Path) -> None:
    conn = connect(tmp_path / "index.sqlite")
    rec = demo_records()[3]
    index_records(conn, [rec])
    changed = rec.model_copy(update={"content_sha256": "other", "title": "Новый заголовок"})
    assert index_records(conn, [changed]).updated == 1
    assert conn.execute("SELECT title FROM releases").fetchone()[0] == "Новый заголовок"
    conn.close()


def test_reading_is_streaming_and_skips_invalid_lines(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "records.jsonl", demo_records()[:2])
    with src.open("a", encoding="utf-8") as fh:
        fh.write('{"lang": "xx", "text": "no"}\n\n')
    from pipeline.index import IndexStats

    stats = IndexStats()
    it = iter_jsonl([tmp_path], stats)
    assert isinstance(it, types.GeneratorType)  # lazy: records are read one line at a time
    assert len(list(it)) == 2
    assert stats.invalid == 1 and "records.jsonl:3" in stats.errors[0]


def test_failed_run_rolls_back(tmp_path: Path) -> None:
    conn = connect(tmp_path / "index.sqlite")

    def boom() -> Any:
        yield demo_records()[0]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        index_records(conn, boom())
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 0
    conn.close()


def test_evidence_sentence_is_the_sentence_around_the_span() -> None:
    text = "Title\n\nFirst one. The deadline is December 31, 2025. Last one."
    start = text.index("December")
    assert evidence_sentence(text, start, start + 8) == "The deadline is December 31, 2025."


def test_batched_build_commits_as_it_goes_and_is_resumable(tmp_path: Path) -> None:
    conn = connect(tmp_path / "index.sqlite")
    records = demo_records()

    def stops_after_three() -> Any:
        yield from records[:3]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_records(conn, stops_after_three(), batch_size=2)
    # the first full batch was committed, the interrupted one rolled back
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 2
    stats = index_records(conn, records, batch_size=2)
    assert (stats.unchanged, stats.added) == (2, 3)
    assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 5
    conn.close()
