"""Scheduled batch runs over a configured set of gov.kz entities.

One run: take the corpus lock; recover from a crashed run; then, for each entity and
language in turn (a "stream"), fetch what is new since the stream's watermark (minus a
look-back window, to catch edits) into this run's WARC files, extract from those files,
write the new and edited releases as one records segment and commit it in the state
database; finally update the search index if there is one and write a run report.
Working stream by stream means a crash loses at most the stream in flight.

Commit protocol (why a SIGKILL at any moment loses nothing and duplicates nothing): a
segment is written to ``records/.<name>.part`` and fsynced; then one SQLite transaction
records its release versions and the segment (the commit point); then the file is
renamed to ``records/<name>``. At start-up, a ``.part`` whose segment is committed is
renamed, any other ``.part`` is deleted — its releases are not in the state, and the
stream's watermark did not move, so this run fetches them again. A release already in
the state with the same content hash is never written again; a changed one is written
as the next version and the older versions are marked superseded.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from .io import atomic_text_writer
from .run_config import RunConfig
from .run_state import Entry, RunState

if TYPE_CHECKING:
    from models import Release
    from scrapers.archive import RawItem
    from scrapers.client import GovKzClient

log = logging.getLogger("govkz.batch")

STATE_FILE = "state.sqlite"
LOCK_FILE = ".lock"
LOCK_OWNER_FILE = ".lock.owner"
RECORDS_DIR = "records"
RAW_DIR = "raw"
REPORTS_DIR = "reports"
INDEX_FILE = "index.sqlite"
SITE_TZ = dt.timezone(dt.timedelta(hours=5))  # gov.kz's local time
MAX_ERRORS_KEPT = 50  # per stream in the report; the log has every one


class CorpusLocked(Exception):
    """Another run holds the corpus lock (exit code 4)."""


class CorpusDamaged(RuntimeError):
    """The state names a committed segment that is gone from disk (exit code 1)."""


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
    outcome: str = "pending"  # ok | partial (some items failed) | failed (fetch failed)
    error: str | None = None
    errors: list[str] = field(default_factory=list)
    segment: str | None = None
    watermark: str | None = None
    warc_files: list[str] = field(default_factory=list)

    def note_error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)


@dataclass
class RunReport:
    """The run report, written as ``reports/run-<run_id>.json`` (and ``latest.json``)."""

    run_id: str
    corpus: str
    base_url: str
    started_at: str
    finished_at: str | None = None
    outcome: str = "running"  # ok | partial | failed | interrupted
    error: str | None = None
    streams: list[StreamReport] = field(default_factory=list)
    recovered: dict[str, list[str]] = field(default_factory=dict)
    index: dict[str, Any] | None = None
    seconds: float = 0.0

    def totals(self) -> dict[str, Any]:
        keys = ("seen", "new", "updated", "unchanged", "failed", "requests", "retries")
        out: dict[str, Any] = {k: sum(getattr(s, k) for s in self.streams) for k in keys}
        facts: Counter[str] = Counter()
        for s in self.streams:
            facts.update(s.facts)
        out["facts"] = dict(sorted(facts.items()))
        out["streams_failed"] = [
            f"{s.entity}/{s.lang}" for s in self.streams if s.outcome == "failed"
        ]
        out["streams_partial"] = [
            f"{s.entity}/{s.lang}" for s in self.streams if s.outcome == "partial"
        ]
        return out

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["totals"] = self.totals()
        return data


def corpus_paths(output: Path) -> dict[str, Path]:
    return {
        "state": output / STATE_FILE,
        "lock": output / LOCK_FILE,
        "lock_owner": output / LOCK_OWNER_FILE,
        "records": output / RECORDS_DIR,
        "raw": output / RAW_DIR,
        "reports": output / REPORTS_DIR,
        "index": output / INDEX_FILE,
    }


def new_run_id() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _fsync_dir(path: Path) -> None:
    """Make a rename or a new file name in ``path`` durable (a power cut, not just a kill)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(records_dir: Path, state: RunState) -> dict[str, list[str]]:
    """Finish or discard segments a killed run left behind (see the module docstring)."""
    done: dict[str, list[str]] = {"renamed": [], "discarded": []}
    done["crashed_runs"] = state.close_crashed_runs()
    committed = state.committed_segments()
    if records_dir.is_dir():
        for part in sorted(records_dir.glob(".*.part")):
            name = part.name[1:].removesuffix(".part")
            if name in committed:
                os.replace(part, records_dir / name)
                done["renamed"].append(name)
            else:
                part.unlink()
                done["discarded"].append(name)
        if done["renamed"] or done["discarded"]:
            _fsync_dir(records_dir)
    missing = sorted(n for n in committed if not (records_dir / n).exists())
    if missing:
        raise CorpusDamaged(
            f"{len(missing)} committed records segment(s) are missing from {records_dir} "
            f"(e.g. {missing[0]}); restore them from a backup before the next run"
        )
    return {k: v for k, v in done.items() if v}


def _lock_owner(owner_path: Path) -> str:
    try:
        info = json.loads(owner_path.read_text(encoding="utf-8"))
        return f" (pid {info['pid']} on {info['host']}, run {info['run_id']}, since {info['at']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextlib.contextmanager
def corpus_lock(lock_path: Path, owner_path: Path, run_id: str) -> Iterator[None]:
    """One run at a time per corpus. The OS releases the lock if the process dies."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout as err:
        raise CorpusLocked(
            f"another govkz run holds the lock on {lock_path.parent}{_lock_owner(owner_path)}; "
            f"not starting (lock file {lock_path})"
        ) from err
    try:
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": run_id,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        with contextlib.suppress(OSError):
            owner_path.write_text(json.dumps(owner), encoding="utf-8")
        yield
    finally:
        with contextlib.suppress(OSError):
            owner_path.unlink()
        lock.release()


def _created_utc(value: Any) -> dt.datetime | None:
    """An item's created_date as aware UTC (naive values are gov.kz local time)."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SITE_TZ)
    return moment.astimezone(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    """Fixed-width UTC ISO string, so watermarks also compare correctly as text."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


class _Segment:
    """The records of one stream in one run, written as ``.part`` until committed."""

    def __init__(self, records_dir: Path, name: str) -> None:
        self.name = name
        self.dir = records_dir
        self.final = records_dir / name
        self.part = records_dir / f".{name}.part"
        self.entries: list[Entry] = []
        self._fh: IO[str] | None = None

    def write(self, record: Release, entry: Entry) -> None:
        if self._fh is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._fh = self.part.open("x", encoding="utf-8")
        self._fh.write(record.model_dump_json() + "\n")
        self.entries.append(entry)

    def seal(self) -> bool:
        """Flush and fsync file and directory; False when nothing was written."""
        if self._fh is None:
            return False
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        _fsync_dir(self.dir)
        return True

    def publish(self) -> None:
        os.replace(self.part, self.final)
        _fsync_dir(self.dir)

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        with contextlib.suppress(FileNotFoundError):
            self.part.unlink()


class _Stages:
    """A rich progress bar per stage on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, streams: int) -> None:
        self.enabled = enabled
        self.streams = streams
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _Stages:
        if self.enabled:
            from rich.progress import Progress

            self._progress = Progress(transient=False)
            self._progress.__enter__()
            for stage in ("fetch", "extract"):
                self._tasks[stage] = self._progress.add_task(stage, total=self.streams)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)

    def update(self, stage: str, what: str, advance: bool = False) -> None:
        if self._progress is not None:
            self._progress.update(
                self._tasks[stage], description=f"{stage} {what}", advance=1 if advance else 0
            )


class BatchRun:
    """One run of ``govkz run --config``: ``BatchRun(config).execute() -> RunReport``."""

    def __init__(self, config: RunConfig, *, progress: bool = False) -> None:
        self.config = config
        self.paths = corpus_paths(config.output)
        self.progress = progress
        self.run_id = new_run_id()
        self.started = dt.datetime.now(dt.UTC)
        self.report = RunReport(
            run_id=self.run_id,
            corpus=str(config.output),
            base_url=config.base_url,
            started_at=self.started.isoformat(timespec="seconds"),
        )
        self.report_path: Path | None = None

    # -- the run ----------------------------------------------------------------------
    def execute(self) -> RunReport:
        """Run under the corpus lock; raises CorpusLocked or CorpusDamaged before any work."""
        started = time.monotonic()
        with corpus_lock(self.paths["lock"], self.paths["lock_owner"], self.run_id):
            state = RunState(self.paths["state"])
            try:
                self.report.recovered = recover(self.paths["records"], state)
                if self.report.recovered:
                    log.warning(
                        "recovered from an earlier run that did not finish: %s",
                        self.report.recovered,
                        extra={"event": "recovered", "recovered": self.report.recovered},
                    )
                state.start_run(self.run_id)
                self.report.streams = [
                    StreamReport(e, lang)
                    for e in self.config.entities
                    for lang in self.config.languages
                ]
                log.info(
                    "run %s started: %d streams from %s into %s",
                    self.run_id,
                    len(self.report.streams),
                    self.config.base_url,
                    self.config.output,
                    extra={
                        "event": "run_started",
                        "run_id": self.run_id,
                        "corpus": str(self.config.output),
                        "base_url": self.config.base_url,
                        "streams": len(self.report.streams),
                    },
                )
                try:
                    with _Stages(self.progress, len(self.report.streams)) as stages:
                        asyncio.run(self._run_streams(state, stages))
                    self.report.index = self._update_index(state)
                except BaseException as exc:
                    interrupted = isinstance(exc, KeyboardInterrupt | asyncio.CancelledError)
                    self.report.outcome = "interrupted" if interrupted else "failed"
                    self.report.error = f"{type(exc).__name__}: {exc}"
                    try:
                        self._finish(state, started)
                    except Exception:  # e.g. a full disk; the original error matters more
                        log.exception("could not record the end of the failed run")
                    raise
                self.report.outcome = self._outcome()
                self._finish(state, started)
            finally:
                state.close()
        return self.report

    def _outcome(self) -> str:
        streams = self.report.streams
        if all(s.outcome == "failed" for s in streams):
            return "failed"
        index_failed = bool(self.report.index and self.report.index.get("error"))
        if index_failed or any(s.outcome != "ok" for s in streams):
            return "partial"
        return "ok"

    def _finish(self, state: RunState, started: float) -> None:
        self.report.seconds = round(time.monotonic() - started, 3)
        self.report.finished_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.report_path = self._write_report()
        state.finish_run(self.run_id, self.report.outcome, str(self.report_path), self.report.error)
        totals = self.report.totals()
        log.info(
            "run %s finished: %s; %d new, %d updated, %d failed; report %s",
            self.run_id,
            self.report.outcome,
            totals["new"],
            totals["updated"],
            totals["failed"],
            self.report_path,
            extra={
                "event": "run_finished",
                "run_id": self.run_id,
                "outcome": self.report.outcome,
                "report": str(self.report_path),
                "seconds": self.report.seconds,
                "totals": totals,
            },
        )

    def _since(self, state: RunState, entity: str, lang: str) -> dt.datetime:
        start = self.config.start_date
        # "on or after start_date" in gov.kz local time; the API filter is strictly greater
        floor = dt.datetime(start.year, start.month, start.day, tzinfo=SITE_TZ)
        floor -= dt.timedelta(seconds=1)
        mark = state.watermark(entity, lang)
        if mark is None:
            return floor
        since = dt.datetime.fromisoformat(mark) - dt.timedelta(days=self.config.lookback_days)
        return max(since, floor)

    async def _run_streams(self, state: RunState, stages: _Stages) -> None:
        """Fetch, extract and commit each stream in turn with one polite client."""
        from scrapers.client import GovKzClient

        pol = self.config.politeness
        async with GovKzClient(
            self.config.base_url,
            archive=None,
            concurrency=pol.concurrency,
            rate_per_host=pol.rate_per_host,
            timeout=pol.timeout,
            max_retries=pol.max_retries,
            backoff_base=pol.backoff_base,
        ) as client:
            for rep in self.report.streams:
                what = f"{rep.entity}/{rep.lang}"
                stages.update("fetch", what)
                warc_files = await self._fetch(client, state, rep)
                stages.update("fetch", what, advance=True)
                stages.update("extract", what)
                self._extract(state, rep, warc_files)
                stages.update("extract", what, advance=True)

    async def _fetch(self, client: GovKzClient, state: RunState, rep: StreamReport) -> list[Path]:
        """Fetch one stream into its own WARC files; a failure is recorded, not raised."""
        from scrapers.archive import WarcArchive
        from scrapers.errors import ScraperError

        pol = self.config.politeness
        since = self._since(state, rep.entity, rep.lang)
        rep.since = since.isoformat()
        archive = WarcArchive(
            self.paths["raw"] / self.run_id,
            prefix=f"{rep.entity}.{rep.lang}",
            info={"govkz-run-id": self.run_id},
        )
        client.archive = archive
        before = (client.stats.requests, client.stats.retries, time.monotonic())
        pages = 0
        try:
            async for _page in client.iter_news(
                rep.entity, rep.lang, since=since, page_size=pol.page_size
            ):
                pages += 1
        except Exception as exc:  # one failing stream never stops the others
            rep.outcome, rep.error = "failed", f"{type(exc).__name__}: {exc}"
            log.error(
                "fetch failed for %s/%s: %s",
                rep.entity,
                rep.lang,
                rep.error,
                exc_info=not isinstance(exc, ScraperError),
                extra={
                    "event": "fetch_failed",
                    "entity": rep.entity,
                    "lang": rep.lang,
                    "error": rep.error,
                },
            )
        finally:
            client.archive = None
            archive.close()
        rep.requests = client.stats.requests - before[0]
        rep.retries = client.stats.retries - before[1]
        rep.seconds = round(time.monotonic() - before[2], 3)
        rep.warc_files = [str(p.relative_to(self.config.output)) for p in archive.finished]
        log.info(
            "fetched %s/%s since %s: %d pages, %d requests, %d retries",
            rep.entity,
            rep.lang,
            rep.since,
            pages,
            rep.requests,
            rep.retries,
            extra={
                "event": "fetched",
                "entity": rep.entity,
                "lang": rep.lang,
                "since": rep.since,
                "pages": pages,
                "requests": rep.requests,
                "retries": rep.retries,
                "seconds": rep.seconds,
            },
        )
        return list(archive.finished)

    def _extract(self, state: RunState, rep: StreamReport, warc_files: list[Path]) -> None:
        """This stream's WARC files → new and edited records → one committed segment."""
        from scrapers.archive import RawItemError, iter_raw_items

        started = time.monotonic()
        seg = _Segment(self.paths["records"], f"{self.run_id}.{rep.entity}.{rep.lang}.jsonl")
        facts: Counter[str] = Counter()
        seen: set[int] = set()
        newest: dt.datetime | None = None
        oldest_failed: dt.datetime | None = None
        undated_failure = False
        committed = False
        try:
            for raw in iter_raw_items(warc_files):
                if isinstance(raw, RawItemError):
                    undated_failure = True
                    rep.failed += 1
                    rep.note_error(f"{raw.endpoint}: {raw.message}")
                    log.error(
                        "unreadable response for %s/%s: %s",
                        rep.entity,
                        rep.lang,
                        raw.message,
                        extra={
                            "event": "unreadable_response",
                            "entity": rep.entity,
                            "lang": rep.lang,
                            "error": raw.message,
                        },
                    )
                    continue
                if (raw.entity, raw.lang) != (rep.entity, rep.lang):
                    continue  # not this stream's answer (cannot happen with our own client)
                created = _created_utc(raw.item.get("created_date"))
                ok = self._one_item(state, raw, rep, seg, facts, seen)
                if ok is None:
                    continue  # a duplicate of an item already handled in this run
                if created is not None and (newest is None or created > newest):
                    newest = created
                if not ok:
                    if created is None:
                        undated_failure = True
                    elif oldest_failed is None or created < oldest_failed:
                        oldest_failed = created
            rep.facts = dict(sorted(facts.items()))
            if seg.seal():
                state.commit_segment(self.run_id, rep.entity, rep.lang, seg.name, seg.entries)
                committed = True
                seg.publish()
                rep.segment = seg.name
                log.info(
                    "committed %s (%d records)",
                    seg.name,
                    len(seg.entries),
                    extra={
                        "event": "segment_committed",
                        "segment": seg.name,
                        "records": len(seg.entries),
                    },
                )
            if rep.outcome != "failed":
                rep.outcome = "partial" if rep.failed else "ok"
            watermark = None
            if rep.outcome != "failed" and not undated_failure and newest is not None:
                # a release dated in the future must not hide everything before that date
                newest = min(newest, self.started)
                # never move past an item that failed: the next run must fetch it again
                if oldest_failed is not None:
                    newest = min(newest, oldest_failed - dt.timedelta(seconds=1))
                watermark = _stamp(newest)
            state.finish_stream(
                self.run_id,
                rep.entity,
                rep.lang,
                rep.outcome,
                watermark=watermark,
                error=rep.error or (rep.errors[0] if rep.errors else None),
            )
            rep.watermark = state.watermark(rep.entity, rep.lang)
        finally:
            if not committed:
                seg.discard()
        rep.seconds = round(rep.seconds + time.monotonic() - started, 3)
        log.info(
            "%s/%s %s: %d seen, %d new, %d updated, %d unchanged, %d failed",
            rep.entity,
            rep.lang,
            rep.outcome,
            rep.seen,
            rep.new,
            rep.updated,
            rep.unchanged,
            rep.failed,
            extra={
                "event": "stream_done",
                "entity": rep.entity,
                "lang": rep.lang,
                "outcome": rep.outcome,
                "seen": rep.seen,
                "new": rep.new,
                "updated": rep.updated,
                "unchanged": rep.unchanged,
                "failed": rep.failed,
                "facts": rep.facts,
            },
        )

    def _one_item(
        self,
        state: RunState,
        raw: RawItem,
        rep: StreamReport,
        seg: _Segment,
        facts: Counter[str],
        seen: set[int],
    ) -> bool | None:
        """Handle one fetched item: True written or unchanged, False failed, None duplicate."""
        from .extract import content_hash, release_from_item

        item = raw.item
        label = f"{rep.entity}/{item.get('id')}/{rep.lang}"
        try:
            news_id = int(item.get("id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            rep.seen += 1
            rep.failed += 1
            rep.note_error(f"{label}: item without an integer id")
            return False
        if news_id in seen:  # the same item on two pages
            return None
        seen.add(news_id)
        rep.seen += 1
        digest = content_hash(item.get("title"), item.get("body"))
        current = state.current(rep.entity, news_id, rep.lang)
        if current is not None and current[1] == digest:
            rep.unchanged += 1
            return True
        version = 1 if current is None else current[0] + 1
        try:
            record = release_from_item(item, lang=rep.lang, entity=rep.entity, source=raw.source)
        except Exception as exc:  # one bad release never sinks the batch
            rep.failed += 1
            rep.note_error(f"{label}: {exc} ({raw.source.endpoint})")
            log.error(
                "skipped %s: %s",
                label,
                exc,
                extra={"event": "item_failed", "item": label, "error": str(exc)},
            )
            return False
        record = record.model_copy(update={"version": version})
        created = _created_utc(item.get("created_date"))
        seg.write(record, Entry(news_id, version, digest, _stamp(created) if created else None))
        facts.update(f.label for f in record.facts)
        if version == 1:
            rep.new += 1
        else:
            rep.updated += 1
            log.info(
                "%s was edited: version %d",
                label,
                version,
                extra={"event": "release_edited", "item": label, "version": version},
            )
        return True

    def _update_index(self, state: RunState) -> dict[str, Any] | None:
        """Add committed segments not yet indexed, if the corpus has a search index."""
        index_path = self.paths["index"]
        if not index_path.exists():
            return None
        names = state.unindexed_segments()
        result: dict[str, Any] = {"path": str(index_path), "segments": len(names)}
        if not names:
            return result
        try:
            from .index import IndexStats, connect, index_records, iter_jsonl

            stats = IndexStats()
            conn = connect(index_path)
            try:
                paths = [self.paths["records"] / n for n in names]
                index_records(conn, iter_jsonl(paths, stats), stats)
            finally:
                conn.close()
            state.mark_indexed(names)
            result.update(stats.as_dict())
            log.info(
                "index %s updated from %d segments",
                index_path,
                len(names),
                extra={"event": "index_updated", "index": result},
            )
        except Exception as exc:  # the records are safe; the index can be rebuilt
            result["error"] = f"{type(exc).__name__}: {exc}"
            log.error(
                "index update failed: %s",
                result["error"],
                exc_info=True,
                extra={"event": "index_failed", "error": result["error"]},
            )
        return result

    def _write_report(self) -> Path:
        reports = self.paths["reports"]
        path = reports / f"run-{self.run_id}.json"
        text = json.dumps(self.report.as_dict(), ensure_ascii=False, indent=2)
        for target in (path, reports / "latest.json"):
            with atomic_text_writer(target) as fh:
                fh.write(text + "\n")
        return path


def run_batch(config: RunConfig, *, progress: bool = False) -> RunReport:
    """Convenience: one batch run of ``config``."""
    return BatchRun(config, progress=progress).execute()


__all__ = [
    "BatchRun",
    "CorpusDamaged",
    "CorpusLocked",
    "RunReport",
    "StreamReport",
    "corpus_paths",
    "recover",
    "run_batch",
]
