"""Datasette plugin for the govkz-press index: script-folded search, highlighted release pages.

Why a plugin: Datasette's built-in search passes the query through its SQL function
``escape_fts`` and cannot fold scripts, and a row page cannot mark fact spans inside a text.
So this plugin

- replaces ``escape_fts`` (registered last, so it wins over Datasette's own) with our query
  builder: the table search box on ``releases`` finds "Таза Өскемен" when typed "Taza Oskemen";
- adds SQL functions ``govkz_fold(text)`` and ``govkz_fts(query)`` for canned queries;
- serves ``/release/<release_id>``: the text with every fact span in <mark>, the facts with
  their evidence, the other language versions and the gov.kz source link;
- renders ``title`` cells as links to that page and snippet markers as <mark>, always escaping.

Everything from the corpus reaches HTML through Jinja autoescape or ``markupsafe.escape``.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import urlparse

from datasette import hookimpl
from datasette.utils import escape_fts as datasette_escape_fts
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from pipeline.search import fts_query, highlight_facts_html, highlight_html, split_marked
from pipeline.translit import fold

LABEL_COLORS = {
    "REGION": "#cfe8ff",
    "DISTRICT": "#b6dcff",
    "SETTLEMENT": "#d9f0ff",
    "ENTERPRISE": "#ffe0b3",
    "AGENCY": "#e6dcff",
    "DEADLINE": "#ffd6d6",
    "VIOLATION": "#ffb3b3",
    "MONEY": "#d4f5c9",
    "LAW_ARTICLE": "#f0e6c8",
}


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach an href: a scraped "javascript:" URL must not become a link."""
    if not url:
        return None
    return url if urlparse(url).scheme in ("http", "https") else None


def govkz_fts(query: str | None) -> str:
    """MATCH expression for any of our FTS tables: original words OR their folded keys.

    No column filter, so it works on ``releases_fts`` and ``facts_fts`` alike (Datasette uses
    one ``escape_fts`` for every table it searches).
    """
    return fts_query(query or "", column_filters=False) or datasette_escape_fts(query or "")


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, govkz_fts)
    conn.create_function("govkz_fts", 1, govkz_fts)
    conn.create_function("govkz_fold", 1, fold)


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.path("/-/govkz.css")]


def _css() -> str:
    marks = "\n".join(
        f"mark.fact-{label}, .legend .fact-{label} {{ background: {color}; }}"
        for label, color in LABEL_COLORS.items()
    )
    return (
        "mark { background: #fff3a0; padding: 0 1px; border-radius: 2px; }\n"
        ".release-text { white-space: pre-wrap; line-height: 1.6; max-width: 60em; "
        "font-size: 1.05em; }\n"
        ".release-meta { color: #555; }\n"
        ".legend span { display: inline-block; padding: 1px 6px; margin: 2px; "
        "border-radius: 3px; }\n"
        ".govkz-search input[type=search] { width: 28em; font-size: 1.1em; padding: 4px; }\n"
        "table.facts td { vertical-align: top; }\n" + marks
    )


async def _index_db(datasette: Any) -> Any:
    for db in datasette.databases.values():
        if db.name.startswith("_"):
            continue
        if await db.table_exists("releases"):
            return db
    raise NotFound("no govkz index is attached")


async def release_page(datasette: Any, request: Any) -> Response:
    db = await _index_db(datasette)
    release_id = int(request.url_vars["release_id"])
    row = (
        await db.execute(
            "SELECT r.*, t.text FROM releases r JOIN release_texts t USING (release_id) "
            "WHERE r.release_id = ?",
            [release_id],
        )
    ).first()
    if row is None:
        raise NotFound("no such release")
    facts = [
        dict(f)
        for f in (
            await db.execute(
                'SELECT * FROM facts WHERE release_id = ? ORDER BY start, "end"', [release_id]
            )
        ).rows
    ]
    versions = [
        dict(v)
        for v in (
            await db.execute(
                "SELECT release_id, lang, title FROM releases WHERE group_key = ? "
                "AND release_id != ? ORDER BY lang",
                [row["group_key"], release_id],
            )
        ).rows
    ]
    counts: dict[str, int] = {}
    for f in facts:
        counts[f["label"]] = counts.get(f["label"], 0) + 1
        f["evidence_html"] = _evidence_html(f)
    context = {
        "release": dict(row),
        "db_name": db.name,
        "source_url": safe_url(row["url"]),
        "text_html": highlight_facts_html(row["text"], facts),
        "facts": facts,
        "label_counts": sorted(counts.items()),
        "versions": versions,
    }
    html = await datasette.render_template("govkz_release.html", context, request=request)
    return Response.html(html)


async def css_page() -> Response:
    return Response(_css(), content_type="text/css; charset=utf-8")


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/release/(?P<release_id>\d+)$", release_page),
        (r"^/-/govkz\.css$", css_page),
    ]


def _evidence_html(row: Any) -> Markup:
    ev = row["evidence"] or ""
    span = row["text"] or ""
    i = ev.find(span) if span else -1
    if i < 0:
        return Markup(escape(ev))
    return highlight_html(ev, [(i, i + len(span))], css=f"fact fact-{row['label']}")


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if column == "snippet" and isinstance(value, str) and "\x02" in value:
        text, spans = split_marked(value)
        return highlight_html(text, spans)
    if column == "title" and value is not None and table in ("releases", None):
        try:
            release_id = int(row["release_id"])
        except (KeyError, IndexError, TypeError, ValueError):
            return None
        return Markup('<a href="{}">{}</a>').format(
            datasette.urls.path(f"/release/{release_id}"), value
        )
    if column == "url" and isinstance(value, str):
        href = safe_url(value)
        if href:
            return Markup('<a href="{}" rel="noopener noreferrer">gov.kz ↗</a>').format(href)
        return Markup(escape(value))
    if table == "facts" and column == "evidence" and isinstance(value, str):
        return _evidence_html(row)
    if column in ("violations", "districts", "enterprises", "regions", "deadlines"):
        try:
            items = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            return None
        if isinstance(items, list):
            return Markup(", ").join(escape(str(i)) for i in items)
    return None
