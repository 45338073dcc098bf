"""The curated list of gov.kz entities (project slugs) and a probe that checks them.

gov.kz exposes no REST list of entities (see the API reference), so the list is data in
``entities.json``; ``check_entities`` asks the news API for one item per slug so a
researcher can tell a live slug from a guess before configuring a run.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .client import GovKzClient
from .errors import ScraperError


def load_entities() -> list[dict[str, Any]]:
    text = resources.files(__package__).joinpath("entities.json").read_text(encoding="utf-8")
    rows: list[dict[str, Any]] = json.loads(text)["entities"]
    return rows


async def check_entities(base_url: str, slugs: list[str], lang: str = "ru") -> dict[str, str]:
    """slug → "live (N items)", "empty" or the error, from one small list request each."""
    out: dict[str, str] = {}
    async with GovKzClient(base_url, archive=None, concurrency=2) as client:
        for slug in slugs:
            try:
                page = await client.fetch_news_page(slug, lang, page=1, page_size=1)
            except ScraperError as exc:
                out[slug] = f"error: {exc}"
                continue
            out[slug] = f"live ({page.raw_count} item)" if page.items else "empty"
    return out
