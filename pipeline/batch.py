"""Scheduled batch runs over a configured set of gov.kz entities.

One run: take the corpus lock; recover from a crashed run; for each entity and language
fetch what is new since the last successful run (minus a look-back window, to catch
edits) into the WARC archive; then extract from that archive, write the new and edited
releases as a records segment per entity and language, and commit it in the state
database; finally update the search index if there is one and write a run report.

Commit protocol (why a SIGKILL at any moment loses nothing and duplicates nothing): a
segment is written to ``records/.<name>.part`` and fsynced; then one SQLite transaction
records its release versions and the segment (the commit point); then the file is
renamed to ``records/<name>``. At start-up, a ``.part`` whose segment is committed is
renamed, any other ``.part`` is deleted — its releases are not in the state, so this run
fetches them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from filelock import FileLock, Timeout

from models import Release

from .extract import ItemError, content_hash, release_from_item
from .io import atomic_text_writer
from .run_config import RunConfig
from .run_state import Entry, RunState

log = logging.getLogger("govkz.batch")

STATE_FILE = "state.sqlite"
LOCK_FILE = ".lock"
RECORDS_DIR = "records"
RAW_DIR = "raw"
REPORTS_DIR = "reports"
INDEX_FILE = "index.sqlite"


class CorpusLocked(Exception):
    """Another run holds the corpus lock (exit code 4)."""


@dataclass
class StreamReport:
    """What one run did for one entity and language."""

    entity: str
    lang: str
    since: str | None = None
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    facts: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    outcome: str = "ok"  # ok | failed
    error: str | None = None
    errors: list[str] = field(default_factory=list)
    segment: str | None = None


@dataclass
class RunReport:
    run_id: str
    corpus: str
    started_at: str
    finished_at: str | None = None
    outcome: str = "running"  # ok | partial | failed
    streams: list[StreamReport] = field(default_factory=list)
    archive_errors: list[str] = field(default_factory=list)
    recovered: dict[str, list[str]] = field(default_factory=dict)
    index: dict[str, Any] | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def corpus_paths(output: Path) -> dict[str, Path]:
    return {
        "state": output / STATE_FILE,
        "lock": output / LOCK_FILE,
        "records": output / RECORDS_DIR,
        "raw": output / RAW_DIR,
        "reports": output / REPORTS_DIR,
        "index": output / INDEX_FILE,
    }


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def recover(records_dir: Path, state: RunState) -> dict[str, list[str]]:
    """Finish or discard segments a killed run left behind (see the module docstring)."""
    committed = state.committed_segments()
    done: dict[str, list[str]] = {"renamed": [], "discarded": []}
    for part in sorted(records_dir.glob(".*.part")):
        name = part.name[1:].removesuffix(".part")
        if name in committed:
            os.replace(part, records_dir / name)
            done["renamed"].append(name)
        else:
            part.unlink()
            done["discarded"].append(name)
    for name in committed:  # committed but neither final nor part: must not happen silently
        if not (records_dir / name).exists():
            raise RuntimeError(f"committed segment {name} is missing from {records_dir}")
    return done


@contextlib.contextmanager
def corpus_lock(lock_path: Path) -> Iterator[None]:
    """One run at a time per corpus. The OS releases the lock if the process dies."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout as err:
        raise CorpusLocked(
            f"another govkz run holds the lock on {lock_path.parent} ({lock_path}); not starting"
        ) from err
    try:
        yield
    finally:
        lock.release()


def _iso_utc(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC).isoformat()


class _Segment:
    """The records of one stream in one run, written as ``.part`` until committed."""

    def __init__(self, records_dir: Path, name: str) -> None:
        self.name = name
        self.final = records_dir / name
        self.part = records_dir / f".{name}.part"
        self.entries: list[Entry] = []
        self._fh: IO[str] | None = None

    def write(self, record: Release, entry: Entry) -> None:
        if self._fh is None:
            self.part.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.part.open("w", encoding="utf-8")
        self._fh.write(record.model_dump_json() + "\n")
        self.entries.append(entry)

    def seal(self) -> bool:
        """Flush and fsync; False when nothing was written (no segment)."""
        if self._fh is None:
            return False
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        return True

    def publish(self) -> None:
        os.replace(self.part, self.final)

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        with contextlib.suppress(FileNotFoundError):
            self.part.unlink()


class BatchRun:
    """One run of ``govkz run --config``."""

    def __init__(self, config: RunConfig, *, progress: bool = False) -> None:
        self.config = config
        self.paths = corpus_paths(config.output)
        self.progress = progress
        self.run_id = new_run_id()
        self.report = RunReport(
            run_id=self.run_id,
            corpus=str(config.output),
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )

    # -- the run ----------------------------------------------------------------------
    def execute(self) -> RunReport:
        started = time.monotonic()
        with corpus_lock(self.paths["lock"]):
            state = RunState(self.paths["state"])
            try:
                self.report.recovered = recover(self.paths["records"], state)
                state.start_run(self.run_id)
                reports: dict[tuple[str, str], StreamReport] = {
                    (e, lang): StreamReport(e, lang)
                    for e in self.config.entities
                    for lang in self.config.languages
                }
                self.report.streams = list(reports.values())
                warc_files = asyncio.run(self._fetch(state, reports))
                self._extract(state, reports, warc_files)
                self.report.index = self._update_index()
                failed = [r for r in reports.values() if r.outcome != "ok"]
                self.report.outcome = (
                    "ok"
                    if not failed and not self.report.archive_errors
                    else "failed"
                    if len(failed) == len(reports)
                    else "partial"
                )
                self.report.seconds = round(time.monotonic() - started, 3)
                self.report.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                report_path = self._write_report()
                state.finish_run(self.run_id, self.report.outcome, str(report_path))
            finally:
                state.close()
        return self.report

    def _since(self, state: RunState, entity: str, lang: str) -> dt.datetime:
        mark = state.watermark(entity, lang)
        if mark is None:
            start = self.config.start_date
            return dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC)
        return dt.datetime.fromisoformat(mark) - dt.timedelta(days=self.config.lookback_days)

    async def _fetch(
        self, state: RunState, reports: dict[tuple[str, str], StreamReport]
    ) -> list[Path]:
        """Fetch every stream into this run's WARC files; a failing stream is recorded."""
        from scrapers.archive import WarcArchive
        from scrapers.client import GovKzClient
        from scrapers.errors import ScraperError

        pol = self.config.politeness
        archive = WarcArchive(self.paths["raw"], prefix=f"govkz-run-{self.run_id}")
        with self._progress_bar("fetch", len(reports)) as advance:
            try:
                async with GovKzClient(
                    self.config.base_url,
                    archive=archive,
                    concurrency=pol.concurrency,
                    rate_per_host=pol.rate_per_host,
                    timeout=pol.timeout,
                    max_retries=pol.max_retries,
                    backoff_base=pol.backoff_base,
                ) as client:
                    for (entity, lang), rep in reports.items():
                        since = self._since(state, entity, lang)
                        rep.since = since.isoformat()
                        before = (client.stats.requests, client.stats.retries, time.monotonic())
                        try:
                            async for _page in client.iter_news(
                                entity, lang, since=since, page_size=pol.page_size
                            ):
                                pass
                        except ScraperError as exc:
                            rep.outcome, rep.error = "failed", f"{type(exc).__name__}: {exc}"
                            log.error(
                                "fetch failed",
                                extra={"entity": entity, "lang": lang, "error": rep.error},
                            )
                        rep.requests = client.stats.requests - before[0]
                        rep.retries = client.stats.retries - before[1]
                        rep.seconds = round(time.monotonic() - before[2], 3)
                        advance()
            finally:
                archive.close()
        return list(archive.finished)

    def _extract(
        self,
        state: RunState,
        reports: dict[tuple[str, str], StreamReport],
        warc_files: list[Path],
    ) -> None:
        """Archive → new and edited records → one committed segment per stream."""
        from scrapers.archive import RawItemError, iter_raw_items

        segments: dict[tuple[str, str], _Segment] = {}
        marks: dict[tuple[str, str], str] = {}
        facts: dict[tuple[str, str], Counter[str]] = {k: Counter() for k in reports}
        seen_ids: set[tuple[str, str, int]] = set()
        try:
            with self._progress_bar("extract", None) as advance:
                for raw in iter_raw_items(warc_files):
                    advance()
                    if isinstance(raw, RawItemError):
                        self.report.archive_errors.append(f"{raw.endpoint}: {raw.message}")
                        log.error(
                            "unreadable response",
                            extra={"endpoint": raw.endpoint, "error": raw.message},
                        )
                        continue
                    key = (raw.entity or "", raw.lang)
                    rep = reports.get(key)
                    if rep is None:
                        continue
                    self._one_item(state, raw, rep, key, segments, marks, facts[key], seen_ids)
            for key, rep in reports.items():
                rep.facts = dict(sorted(facts[key].items()))
                seg = segments.get(key)
                if seg is not None and seg.seal():
                    state.commit_segment(self.run_id, key[0], key[1], seg.name, seg.entries)
                    seg.publish()
                    rep.segment = seg.name
                state.finish_stream(
                    self.run_id,
                    key[0],
                    key[1],
                    rep.outcome,
                    watermark=marks.get(key) if rep.outcome == "ok" else None,
                    error=rep.error,
                )
        finally:
            for seg in segments.values():
                if not seg.final.exists():
                    seg.discard()

    def _one_item(
        self,
        state: RunState,
        raw: Any,
        rep: StreamReport,
        key: tuple[str, str],
        segments: dict[tuple[str, str], _Segment],
        marks: dict[tuple[str, str], str],
        facts: Counter[str],
        seen_ids: set[tuple[str, str, int]],
    ) -> None:
        item = raw.item
        news_id = item.get("id")
        try:
            news_id = int(news_id)
        except (TypeError, ValueError):
            rep.failed += 1
            rep.errors.append(f"{key[0]}/?/{key[1]}: item without an integer id")
            return
        if (key[0], key[1], news_id) in seen_ids:  # the same item on two pages or retries
            return
        seen_ids.add((key[0], key[1], news_id))
        rep.seen += 1
        created = _iso_utc(item.get("created_date"))
        if created and (key not in marks or created > marks[key]):
            marks[key] = created
        digest = content_hash(item.get("title"), item.get("body"))
        current = state.current(key[0], news_id, key[1])
        if current is not None and current[1] == digest:
            rep.unchanged += 1
            return
        version = 1 if current is None else current[0] + 1
        try:
            record = release_from_item(item, lang=key[1], entity=key[0], source=raw.source)
        except Exception as exc:  # one bad release never sinks the batch
            err = ItemError(f"{key[0]}/{news_id}/{key[1]}", str(exc), raw.source.endpoint)
            rep.failed += 1
            rep.errors.append(str(err))
            log.error("skipped item", extra={"item": err.item, "error": err.message})
            return
        record = record.model_copy(update={"version": version})
        seg = segments.get(key)
        if seg is None:
            seg = segments[key] = _Segment(
                self.paths["records"], f"{self.run_id}.{key[0]}.{key[1]}.jsonl"
            )
        seg.write(record, Entry(news_id, version, digest, created))
        facts.update(f.label for f in record.facts)
        if version == 1:
            rep.new += 1
        else:
            rep.updated += 1

    def _update_index(self) -> dict[str, Any] | None:
        index_path = self.paths["index"]
        if not index_path.exists():
            return None
        from .index import index_records  # built by `govkz index`

        segments = sorted(self.paths["records"].glob("*.jsonl"))
        result = index_records(segments, index_path)
        return result if isinstance(result, dict) else {"result": str(result)}

    def _write_report(self) -> Path:
        path = self.paths["reports"] / f"run-{self.run_id}.json"
        with atomic_text_writer(path) as fh:
            json.dump(self.report.as_dict(), fh, ensure_ascii=False, indent=2)
        return path

    @contextlib.contextmanager
    def _progress_bar(self, stage: str, total: int | None) -> Iterator[Any]:
        if not self.progress:
            yield lambda: None
            return
        from rich.progress import Progress

        with Progress(transient=False) as bar:
            task = bar.add_task(stage, total=total)
            yield lambda: bar.advance(task)
