"""``govkz index``, ``govkz search`` and ``govkz serve`` (typer commands).

The lead's ``pipeline/cli.py`` mounts them with ``cli_search.register(app)``; they are plain
commands on the main app (not a sub-app), so the user types ``govkz search "…"``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from .exitcodes import DEFAULT_CORPUS_DIR, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE

DEFAULT_CORPUS = Path(DEFAULT_CORPUS_DIR)

IndexOpt = Annotated[
    Path | None,
    typer.Option("--index", help="SQLite index (default: <corpus>/index.sqlite)."),
]
CorpusOpt = Annotated[
    Path, typer.Option("--corpus", help="Corpus directory holding records JSONL.")
]


def _index_path(index: Path | None, corpus: Path) -> Path:
    from .index import default_index_path

    return index if index is not None else default_index_path(corpus)


def _date(value: str | None, name: str, end: bool = False) -> dt.date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY; a month or year means its first (or, with ``end``, last) day."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value.strip().split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        if len(parts) == 2:
            first = dt.date(parts[0], parts[1], 1)
            if not end:
                return first
            return (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        if len(parts) == 1 and len(value.strip()) == 4:
            return dt.date(parts[0], 12, 31) if end else dt.date(parts[0], 1, 1)
    except ValueError:
        pass
    raise typer.BadParameter(
        f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", param_hint=name
    )


def index_cmd(
    sources: Annotated[
        list[Path] | None,
        typer.Argument(help="Records JSONL files or directories (default: <corpus>/records)."),
    ] = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    index: IndexOpt = None,
    optimize: Annotated[
        bool, typer.Option("--optimize", help="Merge FTS segments afterwards (large builds).")
    ] = False,
) -> None:
    """Build or update the search index from records JSONL (incremental, streaming)."""
    from .index import build_index

    # a batch corpus keeps its records segments in <corpus>/records/
    paths = sources or [corpus / "records" if (corpus / "records").is_dir() else corpus]
    missing = [p for p in paths if not p.exists()]
    if missing:
        typer.echo(f"no such file or directory: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(EXIT_USAGE)
    target = _index_path(index, corpus)
    stats = build_index(paths, target, optimize=optimize)
    typer.echo(
        f"{target}: {stats.added} added, {stats.updated} updated, {stats.unchanged} unchanged, "
        f"{stats.stale} stale, {stats.invalid} invalid (of {stats.read + stats.invalid} lines)",
        err=True,
    )
    for msg in stats.errors:
        typer.echo(f"  {msg}", err=True)
    raise typer.Exit(EXIT_PARTIAL if stats.invalid else EXIT_OK)


def search_cmd(
    query: Annotated[str, typer.Argument(help='Words in any script; "quoted phrase".')] = "",
    district: Annotated[str | None, typer.Option(help="District, any script: Zaisan.")] = None,
    region: Annotated[str | None, typer.Option(help="Region (oblast), any script.")] = None,
    settlement: Annotated[str | None, typer.Option(help="City, town or village.")] = None,
    violation: Annotated[str | None, typer.Option(help="Violation label: procurement…")] = None,
    enterprise: Annotated[str | None, typer.Option(help="Enterprise name, any script.")] = None,
    legal_form: Annotated[str | None, typer.Option(help="LLP, JSC, STATE_ENTERPRISE…")] = None,
    agency: Annotated[str | None, typer.Option(help="State body named as actor.")] = None,
    deadline_from: Annotated[str | None, typer.Option(help="Deadline on/after YYYY-MM-DD.")] = None,
    deadline_to: Annotated[str | None, typer.Option(help="Deadline on/before YYYY-MM-DD.")] = None,
    money_min: Annotated[float | None, typer.Option(help="Amount at least.")] = None,
    money_max: Annotated[float | None, typer.Option(help="Amount at most.")] = None,
    currency: Annotated[str | None, typer.Option(help="KZT, USD, RUB, EUR.")] = None,
    lang: Annotated[list[str] | None, typer.Option(help="ru, kk, en (repeat).")] = None,
    entity: Annotated[str | None, typer.Option(help="gov.kz project slug.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on/after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on/before YYYY-MM-DD.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Number of hits.")] = 20,
    all_languages: Annotated[
        bool, typer.Option("--all-languages", help="One hit per language, not per release.")
    ] = False,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    index: IndexOpt = None,
) -> None:
    """Search releases and their facts: bm25 full text + fact filters, any script."""
    from .search import SearchError, SearchFilters, search
    from .search_output import print_hits

    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter("table, json or csv", param_hint="--format")
    filters = SearchFilters(
        district=district,
        region=region,
        settlement=settlement,
        enterprise=enterprise,
        agency=agency,
        legal_form=legal_form,
        violation=violation,
        deadline_from=_date(deadline_from, "--deadline-from"),
        deadline_to=_date(deadline_to, "--deadline-to", end=True),
        money_min=money_min,
        money_max=money_max,
        currency=currency,
        lang=lang,
        entity=entity,
        since=_date(since, "--since"),
        until=_date(until, "--until", end=True),
    )
    if not query.strip() and not filters.active():
        raise typer.BadParameter("give search words or at least one filter", param_hint="QUERY")
    try:
        hits = search(
            _index_path(index, corpus),
            query,
            filters,
            limit=limit,
            group_languages=not all_languages,
        )
        print_hits(hits, fmt)
    except SearchError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from err


def serve_cmd(
    corpus: CorpusOpt = DEFAULT_CORPUS,
    index: IndexOpt = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8001,
) -> None:
    """Browse and search the index in Datasette (facets, canned queries, release pages)."""
    from .serve import serve

    path = _index_path(index, corpus)
    if not path.exists():
        typer.echo(f"no index at {path}: run `govkz index` first", err=True)
        raise typer.Exit(EXIT_USAGE)
    typer.echo(f"serving {path} on http://{host}:{port}/", err=True)
    serve(path, host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add ``index``, ``search`` and ``serve`` to the ``govkz`` app."""
    app.command("index")(index_cmd)
    app.command("search")(search_cmd)
    app.command("serve")(serve_cmd)


def main() -> None:  # standalone use while the commands are not mounted yet
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
    register(app)
    app()


if __name__ == "__main__":
    main()
