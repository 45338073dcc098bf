"""Datasette plugin for the govkz-press index: script-folded search, highlighted release pages.

Why a plugin: Datasette's built-in search passes the query through its SQL function
``escape_fts`` and cannot fold scripts, and a row page cannot mark fact spans inside a text.
So this plugin

- replaces ``escape_fts`` (registered last, so it wins over Datasette's own) with our query
  builder: the table search box on ``releases`` finds "Таза Өскемен" when typed "Taza Oskemen";
- adds SQL functions ``govkz_fold(text)`` and ``govkz_fts(query)`` for canned queries;
- serves ``/release/<release_id>``: the text with every fact span in <mark>, the facts with
  their evidence, the other language versions and the gov.kz source link;
- renders ``title`` cells as links to that page and snippet markers as <mark>, always escaping;
- filters ``releases`` by fact with ``?_violation=procurement``, ``?_district=Zaisan``,
  ``?_enterprise=…``, ``?_deadline_from=…`` (the semantics of ``govkz search``, through the
  indexed ``facts``/``facts_fts`` tables: Datasette's ``__arraycontains`` scans JSON per row);
- adds the facet type ``facts`` that counts releases per fact value from ``facts`` (the
  precomputed ``facet_counts`` when unfiltered), where Datasette's array facet would parse the
  JSON of every row and time out on a large corpus.

Everything from the corpus reaches HTML through Jinja autoescape or ``markupsafe.escape``.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any
from urllib.parse import quote, urlparse

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import (
    escape_fts as datasette_escape_fts,
)
from datasette.utils import (
    path_with_added_args,
    path_with_removed_args,
)
from datasette.utils.asgi import BadRequest, NotFound, Response
from markupsafe import Markup, escape

from pipeline.index import FACET_COLUMNS
from pipeline.search import (
    SearchError,
    SearchFilters,
    _filter_sql,
    fts_query,
    highlight_facts_html,
    highlight_html,
    split_marked,
)
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


ARRAY_COLUMNS = frozenset(FACET_COLUMNS.values())


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
        "table.facts td { vertical-align: top; }\n"
        ".govkz-facets { display: flex; flex-wrap: wrap; gap: 0 2em; }\n"
        ".govkz-facet { min-width: 14em; }\n"
        ".govkz-facet ul { list-style: none; padding-left: 0; margin-top: 0.2em; }\n"
        ".govkz-facet .count { color: #666; font-size: 0.9em; }\n" + marks
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


# ---------------------------------------------------------------- fact filters and facets

# Query-string parameter → SearchFilters field, for the releases table.
FILTER_PARAMS: dict[str, str] = {
    "_violation": "violation",
    "_district": "district",
    "_region": "region",
    "_settlement": "settlement",
    "_enterprise": "enterprise",
    "_agency": "agency",
    "_legal_form": "legal_form",
    "_deadline_from": "deadline_from",
    "_deadline_to": "deadline_to",
}
# Facet column on releases → (fact label, filter parameter its values toggle).
FACT_FACETS: dict[str, tuple[str, str]] = {
    "violations": ("VIOLATION", "_violation"),
    "districts": ("DISTRICT", "_district"),
    "regions": ("REGION", "_region"),
    "enterprises": ("ENTERPRISE", "_enterprise"),
    "agencies": ("AGENCY", "_agency"),
    "settlements": ("SETTLEMENT", "_settlement"),
    "deadlines": ("DEADLINE", "_deadline"),  # counted per month: YYYY-MM
}


def _period(value: str) -> tuple[dt.date, dt.date]:
    """YYYY, YYYY-MM or YYYY-MM-DD as a (first day, last day) range."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return first, last
    day = dt.date(*parts)
    return day, day


@hookimpl
def filters_from_request(request: Any, table: str, datasette: Any) -> Any:
    """``?_violation=…&_district=…`` on releases; a repeated parameter means all of them."""
    if table != "releases":
        return None
    where: list[str] = []
    params: dict[str, Any] = {}
    human: list[str] = []
    for param in [*FILTER_PARAMS, "_deadline"]:
        for raw in request.args.getlist(param):
            value = raw.strip()
            if not value:
                continue
            try:
                if param == "_deadline":
                    first, last = _period(value)
                    filters = SearchFilters(deadline_from=first, deadline_to=last)
                elif param == "_deadline_from":
                    filters = SearchFilters(deadline_from=dt.date.fromisoformat(value))
                elif param == "_deadline_to":
                    filters = SearchFilters(deadline_to=dt.date.fromisoformat(value))
                else:
                    filters = SearchFilters(**{FILTER_PARAMS[param]: value})
                conds, _, _, _ = _filter_sql(filters)
            except (SearchError, ValueError) as exc:
                raise BadRequest(f"{param}: {exc}") from exc
            for cond in conds:
                sql, args = cond.as_in()
                for arg in args:
                    name = f"govkz_{len(params)}"
                    sql = sql.replace("?", f":{name}", 1)
                    params[name] = arg
                where.append(sql.replace("r.release_id", "release_id"))
            human.append(f"{param.lstrip('_').replace('_', ' ')} is {value!r}")
    if not where:
        return None
    return FilterArguments(where, params=params, human_descriptions=human)


class FactFacet(Facet):
    """Releases per fact value, counted in the indexed facts table (not by parsing JSON)."""

    type = "facts"

    async def suggest(self) -> list[Any]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        unfiltered = " where " not in f" {self.sql.lower()} " and not self.params
        if unfiltered:  # an index built before facet_counts existed counts live
            unfiltered = await self.ds.get_database(self.database).table_exists("facet_counts")
        for source_config in self.get_configs():
            column = source_config["config"].get("simple")
            if column not in FACT_FACETS:
                continue
            label, param = FACT_FACETS[column]
            monthly = label == "DEADLINE"
            if unfiltered:
                sql = (
                    "SELECT value, releases AS count FROM facet_counts WHERE facet = :govkz_facet "
                    "ORDER BY releases DESC, value LIMIT :govkz_limit"
                )
                params: dict[str, Any] = {}
            else:
                expr = "substr(value, 1, 7)" if monthly else "value"
                sql = (
                    f"SELECT {expr} AS value, count(DISTINCT release_id) AS count FROM facts "
                    "WHERE label = :govkz_label AND release_id IN "
                    f"(SELECT release_id FROM ({self.sql})) "
                    f"GROUP BY {expr} ORDER BY count DESC, value LIMIT :govkz_limit"
                )
                params = dict(self.params) if isinstance(self.params, dict) else {}
            params.update(
                govkz_label=label,
                govkz_facet="DEADLINE_MONTH" if monthly else label,
                govkz_limit=size + 1,
            )
            try:
                rows = (
                    await self.ds.execute(
                        self.database,
                        sql,
                        params,
                        truncate=False,
                        custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                    )
                ).rows
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows[:size]:
                value = str(row["value"])
                selected = (param, value) in pairs
                path = (
                    path_with_removed_args(self.request, {param: value})
                    if selected
                    else path_with_added_args(self.request, {param: value})
                )
                values.append(
                    {
                        "value": value,
                        "label": value,
                        "count": row["count"],
                        "toggle_url": self.ds.absolute_url(self.request, path),
                        "selected": selected,
                    }
                )
            results.append(
                {
                    "name": column,
                    "type": self.type,
                    "results": values,
                    "hideable": source_config["source"] != "metadata",
                    "toggle_url": self.ds.urls.path(
                        path_with_removed_args(self.request, {"_facet_facts": column})
                    ),
                    "truncated": len(rows) > size,
                }
            )
        return results, timed_out


@hookimpl
def register_facet_classes() -> list[type]:
    return [FactFacet]


# Landing-page facets: (facet name in facet_counts, heading).
LANDING_FACETS: tuple[tuple[str, str], ...] = (
    ("VIOLATION", "Violations"),
    ("DISTRICT", "Districts"),
    ("ENTERPRISE", "Enterprises"),
    ("DEADLINE_MONTH", "Deadlines by month"),
    ("REGION", "Regions"),
    ("LANG", "Languages"),
)
_FACET_PARAM = {
    "VIOLATION": "_violation",
    "DISTRICT": "_district",
    "ENTERPRISE": "_enterprise",
    "REGION": "_region",
    "LANG": "lang",
    "ENTITY": "entity",
}


@hookimpl
def extra_template_vars(template: str, datasette: Any) -> Any:
    """Top values of the precomputed ``facet_counts`` for the landing page (instant)."""
    if template != "index.html":
        return None

    async def inner() -> dict[str, Any]:
        try:
            db = await _index_db(datasette)
        except NotFound:
            return {"govkz_facets": []}
        if not await db.table_exists("facet_counts"):
            return {"govkz_facets": []}
        releases = datasette.urls.table(db.name, "releases")
        facts = datasette.urls.table(db.name, "facts")
        out = []
        for facet, heading in LANDING_FACETS:
            order = "value" if facet == "DEADLINE_MONTH" else "releases DESC, value"
            rows = (
                await db.execute(
                    f"SELECT value, releases FROM facet_counts WHERE facet = ? ORDER BY {order} "
                    "LIMIT 12",
                    [facet],
                )
            ).rows
            items = []
            for value, n in rows:
                if facet == "DEADLINE_MONTH":
                    href = (
                        f"{facts}?label=DEADLINE&deadline__gte={quote(value)}-01"
                        f"&deadline__lte={quote(value)}-31&_sort=deadline"
                    )
                else:
                    href = f"{releases}?{_FACET_PARAM[facet]}={quote(value)}"
                items.append({"value": value, "releases": n, "href": href})
            if items:
                out.append({"facet": facet, "heading": heading, "items": items})
        return {"govkz_facets": out}

    return inner


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
    if table == "releases" and column in ARRAY_COLUMNS:
        try:
            items = json.loads(value) if isinstance(value, str) else None
        except ValueError:
            return None
        if isinstance(items, list):
            if not items:
                return Markup('<span style="color:#aaa">–</span>')
            return Markup(", ").join(escape(str(i)) for i in items)
    return None
