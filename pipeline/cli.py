"""The ``govkz`` command line (typer): crawl → raw archive → extract → records.

Exit codes (also in the README): 0 ok; 1 failure; 2 usage error; 3 partial (some items or
entities failed, the rest was written); 4 another run holds the lock; 5 configuration error.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from models import Release, json_schema

from .cli_search import register as register_search_commands
from .errors import ItemError
from .exitcodes import (
    DEFAULT_CORPUS_DIR,
    EXIT_CONFIG,
    EXIT_FAILURE,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
)
from .io import atomic_jsonl_writer
from .logs import is_terminal, setup_logging

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT / "corpus" / "samples"
DEFAULT_CORPUS = Path(DEFAULT_CORPUS_DIR)
DEFAULT_BASE_URL = "https://www.gov.kz"
ALL_LANGS = ["ru", "kk", "en"]

log = logging.getLogger("govkz")

app = typer.Typer(
    name="govkz",
    help="Turn gov.kz press releases into a searchable corpus of facts.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    log_json: Annotated[
        bool, typer.Option("--log-json", help="JSON log lines even on a terminal.")
    ] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Debug logging.")] = False,
) -> None:
    setup_logging(
        json_logs=True if log_json else None, level=logging.DEBUG if verbose else logging.INFO
    )


# --------------------------------------------------------------------------- helpers


def _parse_since(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError as err:
        raise typer.BadParameter(f"{value!r} is not an ISO date or date-time") from err


def write_records(
    results: Iterable[Release | ItemError],
    output: Path | None,
    *,
    progress_total: int | None = None,
) -> tuple[int, list[ItemError], Counter[str]]:
    """Stream records to JSONL (atomically); bad items are logged by name and skipped."""
    written, errors, labels = 0, [], Counter[str]()
    with atomic_jsonl_writer(output) as writer:
        for result in _with_progress(results, "extracting", progress_total, output is not None):
            if isinstance(result, ItemError):
                log.error("skipped %s", result, extra={"item": result.item, "where": result.where})
                errors.append(result)
                continue
            writer.write(result.model_dump(mode="json", exclude_none=False))
            written += 1
            labels.update(f.label for f in result.facts)
    return written, errors, labels


def _with_progress(
    items: Iterable[Any], what: str, total: int | None, enabled: bool
) -> Iterator[Any]:
    if not (enabled and is_terminal()):
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task(what, total=total)
        for item in items:
            yield item
            progress.advance(task)


def _summary(
    written: int, errors: list[ItemError], labels: Counter[str], output: Path | None
) -> None:
    where = str(output) if output else "standard output"
    facts = ", ".join(f"{k} {v}" for k, v in sorted(labels.items())) or "none"
    print(f"{written} records written to {where}; facts: {facts}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} items skipped (see the log above)", file=sys.stderr)


def _warc_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(path.rglob("*.warc.gz")) + sorted(path.rglob("*.warc")))
        elif path.exists():
            out.append(path)
        else:
            raise typer.BadParameter(f"{path} does not exist")
    return out


# --------------------------------------------------------------------------- commands


@app.command()
def schema() -> None:
    """Print the JSON Schema of a record (generated from the Pydantic models)."""
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@app.command("extract-text")
def extract_text(
    input: Annotated[Path, typer.Argument(help='JSONL of {"doc_id","lang","title","text"}.')],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Records JSONL (default: stdout).")
    ] = None,
) -> None:
    """Extract facts from plain texts; each record keeps its input doc_id."""
    from .extract import extract_text_rows, read_jsonl_rows

    written, errors, labels = write_records(extract_text_rows(read_jsonl_rows(input)), output)
    _summary(written, errors, labels, output)
    raise typer.Exit(EXIT_PARTIAL if errors else EXIT_OK)


@app.command()
def extract(
    archive: Annotated[list[Path], typer.Argument(help="WARC files or directories of them.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Records JSONL (default: stdout).")
    ] = None,
) -> None:
    """Extract records from the raw archive (no network)."""
    from scrapers.archive import iter_raw_items

    from .extract import extract_raw

    written, errors, labels = write_records(
        extract_raw(iter_raw_items(_warc_paths(archive))), output
    )
    _summary(written, errors, labels, output)
    raise typer.Exit(EXIT_PARTIAL if errors else EXIT_OK)


def _crawl(
    base_url: str,
    entities: list[str],
    langs: list[str],
    since: dt.datetime | None,
    archive_dir: Path,
    *,
    rate_per_host: float = 2.0,
) -> Any:
    """Crawl into the archive; failed (entity, language) jobs are logged, not raised, so
    what did arrive is still extracted — the caller exits with "partial"."""
    from scrapers.client import crawl as crawl_api

    stats = asyncio.run(
        crawl_api(
            base_url,
            entities,
            langs,
            since=since,
            archive_dir=archive_dir,
            rate_per_host=rate_per_host,
            strict=False,
        )
    )
    for job in stats.failures:
        log.error(
            "crawl of %s/%s failed: %s",
            job.entity,
            job.lang,
            job.error,
            extra={"entity": job.entity, "lang": job.lang},
        )
    return stats


EntityOpt = Annotated[
    list[str], typer.Option("--entity", "-e", help="gov.kz project slug (repeat).")
]
LangOpt = Annotated[list[str], typer.Option("--lang", "-l", help="ru, kk, en (repeat).")]
BaseUrlOpt = Annotated[str, typer.Option("--base-url", help="gov.kz or a replay server.")]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only releases created after this ISO date.")
]
ArchiveOpt = Annotated[Path, typer.Option("--archive", help="Directory of WARC files.")]


@app.command()
def crawl(
    entity: EntityOpt,
    lang: LangOpt = ALL_LANGS,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    since: SinceOpt = None,
    archive: ArchiveOpt = DEFAULT_CORPUS / "raw",
) -> None:
    """Fetch news into the raw WARC archive."""
    stats = _crawl(base_url, entity, lang, _parse_since(since), archive)
    print(f"crawl done: {stats.items} items, {stats.pages} pages", file=sys.stderr)
    raise typer.Exit(EXIT_PARTIAL if stats.failures else EXIT_OK)


@app.command()
def run(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Corpus config (TOML): batch mode.")
    ] = None,
    entity: Annotated[
        list[str] | None, typer.Option("--entity", "-e", help="gov.kz project slug (repeat).")
    ] = None,
    lang: LangOpt = ALL_LANGS,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="gov.kz or a replay server.")
    ] = None,
    since: SinceOpt = None,
    archive: ArchiveOpt = DEFAULT_CORPUS / "raw",
    output: Annotated[Path, typer.Option("-o", "--output")] = DEFAULT_CORPUS / "records.jsonl",
    log_json: Annotated[bool, typer.Option("--log-json", help="JSON log lines.")] = False,
) -> None:
    """Crawl, then extract. With --config: an incremental, locked, resumable batch run
    over the configured entities, ending with a run report."""
    if log_json:
        setup_logging(json_logs=True)
    if config is not None:
        raise typer.Exit(_batch_run(config, base_url))
    if not entity:
        raise typer.BadParameter("give --config FILE or at least one --entity")
    from scrapers.archive import iter_raw_items, list_warc_files

    from .extract import extract_raw

    stats = _crawl(base_url or DEFAULT_BASE_URL, entity, lang, _parse_since(since), archive)
    written, errors, labels = write_records(
        extract_raw(iter_raw_items(list_warc_files(archive))), output
    )
    _summary(written, errors, labels, output)
    raise typer.Exit(EXIT_PARTIAL if errors or stats.failures else EXIT_OK)


def _batch_run(config_path: Path, base_url: str | None) -> int:
    """`govkz run --config`: exit 0 ok, 1 failed, 3 partial, 4 locked, 5 config error."""
    from .batch import BatchRun, CorpusLocked
    from .logs import JsonFormatter
    from .run_config import ConfigError, load_config

    json_logs = any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers)
    try:
        config = load_config(config_path)
        if base_url:
            config.base_url = base_url.rstrip("/")
    except ConfigError as err:
        log.error(
            "config error: %s", err, extra={"event": "config_error", "config": str(config_path)}
        )
        return EXIT_CONFIG
    batch = BatchRun(config, progress=is_terminal() and not json_logs)
    try:
        report = batch.execute()
    except CorpusLocked as err:
        log.error("%s", err, extra={"event": "locked", "corpus": str(config.output)})
        return EXIT_LOCKED
    except Exception as err:
        log.exception(
            "run failed: %s",
            err,
            extra={"event": "run_failed", "corpus": str(config.output), "run_id": batch.run_id},
        )
        return EXIT_FAILURE
    _print_run_report(report, batch.report_path)
    return {"ok": EXIT_OK, "partial": EXIT_PARTIAL}.get(report.outcome, EXIT_FAILURE)


def _print_run_report(report: Any, report_path: Path | None = None) -> None:
    """A table on a terminal. With JSON logs nothing: the "run_finished" event already
    says it all, and stays the last line a run logs."""
    from .logs import JsonFormatter

    if any(isinstance(h.formatter, JsonFormatter) for h in logging.getLogger().handlers):
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"run {report.run_id}: {report.outcome}")
    for col in (
        "entity",
        "lang",
        "seen",
        "new",
        "updated",
        "failed",
        "facts",
        "requests",
        "retries",
        "s",
        "outcome",
    ):
        table.add_column(col)
    for s in report.streams:
        table.add_row(
            escape(s.entity),
            s.lang,
            str(s.seen),
            str(s.new),
            str(s.updated),
            str(s.failed),
            str(sum(s.facts.values())),
            str(s.requests),
            str(s.retries),
            f"{s.seconds:.1f}",
            s.outcome if not s.error else f"{s.outcome}: {escape(s.error[:120])}",
        )
    console = Console(stderr=True)
    console.print(table)
    if report_path is not None:
        console.print(f"report: {escape(str(report_path))}")


@app.command()
def status(
    config: Annotated[Path, typer.Option("--config", "-c", help="Corpus config (TOML).")],
) -> None:
    """Last run per entity and language, its outcome, and the corpus size."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .batch import corpus_paths
    from .run_config import ConfigError, load_config
    from .run_state import RunState

    try:
        cfg = load_config(config)
    except ConfigError as err:
        log.error("config error: %s", err, extra={"event": "config_error", "config": str(config)})
        raise typer.Exit(EXIT_CONFIG) from err
    state_path = corpus_paths(cfg.output)["state"]
    if not state_path.exists():
        print(f"no runs yet in {cfg.output}")
        return
    state = RunState(state_path)
    try:
        rows = {(s.entity, s.lang): s for s in state.status()}
        table = Table(title=f"corpus {cfg.output}")
        for col in (
            "entity",
            "lang",
            "last run",
            "outcome",
            "finished",
            "watermark",
            "releases",
            "superseded",
        ):
            table.add_column(col)
        configured = [(e, lang) for e in cfg.entities for lang in cfg.languages]
        for key in configured + sorted(set(rows) - set(configured)):
            s = rows.get(key)
            if s is None:
                table.add_row(escape(key[0]), key[1], "-", "never run", "-", "-", "0", "0")
                continue
            outcome = s.last_outcome or "-"
            if s.last_error:
                outcome += f": {s.last_error[:80]}"
            table.add_row(
                escape(s.entity),
                s.lang,
                s.last_run_id or "-",
                escape(outcome),
                s.last_finished_at or "-",
                s.watermark or "-",
                str(s.releases),
                str(s.superseded),
            )
        console = Console(width=200) if not sys.stdout.isatty() else Console()
        console.print(table)
        current, superseded = state.corpus_size()
        console.print(f"{current} current record versions, {superseded} superseded")
        for r in state.last_runs():
            console.print(
                f"run {r.run_id}: {r.outcome} (started {r.started_at}, "
                f"finished {r.finished_at or '-'}) {escape(r.report_path or '')}"
            )
    finally:
        state.close()


@app.command()
def entities(
    check: Annotated[
        bool, typer.Option("--check", help="Probe each slug with one list request.")
    ] = False,
    base_url: BaseUrlOpt = DEFAULT_BASE_URL,
    kind: Annotated[
        str | None, typer.Option("--kind", help="anticorruption, akimat, ministry…")
    ] = None,
) -> None:
    """List known gov.kz entities (curated: the API has no entity list)."""
    from scrapers.entities import check_entities, load_entities

    rows = [e for e in load_entities() if kind is None or e["kind"] == kind]
    if not rows:
        kinds = sorted({e["kind"] for e in load_entities()})
        raise typer.BadParameter(f"no entity of kind {kind!r}; kinds: {', '.join(kinds)}")
    results = asyncio.run(check_entities(base_url, [e["slug"] for e in rows])) if check else {}
    for e in rows:
        mark = "verified" if e["verified"] else "unverified"
        probe = f"  [{results[e['slug']]}]" if e["slug"] in results else ""
        print(f"{e['slug']:<28} {e['kind']:<15} {mark:<11} {e['name_en']}{probe}")
    if check and any(r.startswith("error") for r in results.values()):
        raise typer.Exit(EXIT_PARTIAL)


@app.command("replay-server")
def replay_server(
    dir: Annotated[
        Path, typer.Option("--dir", help="Recorded items <entity>/<id>.<lang>.json.")
    ] = SAMPLES_DIR,
    port: Annotated[int, typer.Option("--port", help="0 picks a free port.")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Loopback by default.")] = "127.0.0.1",
    fault: Annotated[
        list[str] | None,
        typer.Option(
            "--fault",
            help="Scripted misbehaviour GLOB:KIND[:STATUS][,key=value...] (repeat), e.g. "
            "'*/content-manager/news:status:429,retry_after=1,times=2'.",
        ),
    ] = None,
) -> None:
    """Serve recorded items the way gov.kz's news API does, for the crawler and tests."""
    from scrapers.replay import ReplayServer

    if not dir.is_dir():
        raise typer.BadParameter(f"{dir} is not a directory", param_hint="--dir")
    server = ReplayServer(dir, host=host, port=port)
    for spec in fault or []:
        try:
            server.faults.add_spec(spec)
        except ValueError as err:
            raise typer.BadParameter(str(err), param_hint="--fault") from err
    print(f"replaying {dir} at {server.base_url} (Ctrl-C to stop)", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


@app.command()
def demo(
    output_dir: Annotated[Path, typer.Option("--output-dir")] = Path("corpus") / "output" / "demo",
) -> None:
    """Start a replay server on the bundled samples and run the full pipeline against it."""
    from scrapers.archive import iter_raw_items, list_warc_files
    from scrapers.replay import ReplayServer

    from .extract import extract_raw

    entities = sorted(p.name for p in SAMPLES_DIR.iterdir() if p.is_dir())
    archive = output_dir / "raw"
    records = output_dir / "records.jsonl"
    with ReplayServer(SAMPLES_DIR, host="127.0.0.1", port=0) as server:
        print(
            f"replay server on {server.base_url}; crawling {len(entities)} entities",
            file=sys.stderr,
        )
        for old in archive.glob("*.warc*"):
            old.unlink()
        logging.getLogger("govkz.replay").setLevel(logging.WARNING)
        # Our own loopback server: no need for gov.kz's politeness pace.
        stats = _crawl(server.base_url, entities, ALL_LANGS, None, archive, rate_per_host=100.0)
    written, errors, labels = write_records(
        extract_raw(iter_raw_items(list_warc_files(archive))), records
    )
    from .index import build_index

    index_path = output_dir / "index.sqlite"
    indexed = build_index([records], index_path)
    print(f"\nraw archive: {archive}/\nrecords:     {records}\nsearch index: {index_path}")
    print(f"{written} records from {len(entities)} entities; {len(errors)} skipped")
    for label, n in sorted(labels.items()):
        print(f"  {label:<12} {n}")
    print(f"index: {indexed.added} added, {indexed.updated} updated, {indexed.unchanged} unchanged")
    govkz = ".venv/bin/govkz"
    print(
        f"\ntry:  {govkz} search 'Taza Oskemen' --index {index_path}\n"
        f"      {govkz} search --violation procurement --district Zaisan --index {index_path}\n"
        f"      {govkz} serve --index {index_path}"
    )
    raise typer.Exit(EXIT_PARTIAL if errors or stats.failures else EXIT_OK)


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Option("--gold", help="Gold JSONL file or directory.")],
    pred: Annotated[
        list[Path] | None,
        typer.Option("--pred", help="Records JSONL instead of running extraction."),
    ] = None,
    labels: Annotated[str, typer.Option("--labels", help="Comma-separated labels.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    diffs: Annotated[
        bool, typer.Option("--diffs/--no-diffs", help="List misses and false hits.")
    ] = True,
) -> None:
    """Precision, recall and F1 per label and language against gold facts."""
    from models import LABELS

    from .evaluate import evaluate as run_evaluate

    chosen = [lab.strip() for lab in labels.split(",") if lab.strip()] or list(LABELS)
    raise typer.Exit(run_evaluate(gold, pred, chosen, as_json, diffs))


register_search_commands(app)

if __name__ == "__main__":
    app()
