"""Shared fixtures: a small synthetic gov.kz sample directory and a replay server over it.

The data is made up here (never copied from real releases) so tests do not depend on
corpus/samples/, which other work may change at any time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from scrapers.replay import ReplayServer

ASTANA = timezone(timedelta(hours=5))
T0 = datetime(2025, 6, 1, 10, 0, 0, tzinfo=ASTANA)

TITLES = {
    "ru": "Тестовое сообщение номер {n}",
    "kk": "Сынақ хабарламасы нөмірі {n}",
    "en": "Test announcement number {n}",
}


def make_item(news_id: int, entity: str, lang: str, created: datetime, n: int) -> dict[str, Any]:
    """A news item shaped like the gov.kz list answer (see GOVKZ_API.md "Item schema")."""
    return {
        "id": news_id,
        "title": TITLES[lang].format(n=n),
        "slug": f"test-item-{news_id}",
        "created_date": created.isoformat(timespec="milliseconds"),
        "short_description": None,
        "body": f"<p>{TITLES[lang].format(n=n)}.</p><p>lang={lang}</p>",
        "heropic": f"/uploads/2025/6/1/{news_id:032x}_original.{news_id}.jpg",
        "projects": entity,
    }


def write_samples(
    root: Path,
    entity: str,
    count: int,
    *,
    first_id: int = 1001,
    langs: tuple[str, ...] = ("ru", "kk", "en"),
    start: datetime = T0,
    step: timedelta = timedelta(hours=1),
) -> list[dict[str, Any]]:
    """Write `count` items (ids first_id.., one hour apart) in each language; return ru items."""
    folder = root / entity
    folder.mkdir(parents=True, exist_ok=True)
    written: list[dict[str, Any]] = []
    for n in range(count):
        news_id = first_id + n
        for lang in langs:
            item = make_item(news_id, entity, lang, start + n * step, n + 1)
            path = folder / f"{news_id}.{lang}.json"
            path.write_text(json.dumps(item, ensure_ascii=False, indent=1), encoding="utf-8")
            if lang == langs[0]:
                written.append(item)
    return written


@pytest.fixture
def replay_dir(tmp_path: Path) -> Path:
    """Default data: `test-akimat` with 7 items in ru/kk/en, `test-ministry` with 3 in ru."""
    root = tmp_path / "samples"
    write_samples(root, "test-akimat", 7, first_id=1001)
    write_samples(root, "test-ministry", 3, first_id=2001, langs=("ru",))
    return root


@pytest.fixture
def samples_writer() -> Callable[..., list[dict[str, Any]]]:
    """The write_samples helper, as a fixture (tests/ is not a package, so no imports)."""
    return write_samples


@pytest.fixture
def make_replay_server() -> Iterator[Callable[..., ReplayServer]]:
    """Factory: make_replay_server(directory, **ReplayServer kwargs) -> started server."""
    started: list[ReplayServer] = []

    def factory(directory: Path, **kwargs: Any) -> ReplayServer:
        server = ReplayServer(directory, host="127.0.0.1", port=0, **kwargs).start()
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def replay_server(replay_dir: Path) -> Iterator[ReplayServer]:
    """A replay server on a free loopback port serving `replay_dir`; has `.base_url`."""
    with ReplayServer(replay_dir, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture(scope="session")
def nlps() -> dict[str, Language]:
    """The extraction pipeline per language, built once for the whole run."""
    from pipeline.nlp import get_nlp

    return {lang: get_nlp(lang) for lang in ("ru", "kk", "en")}
