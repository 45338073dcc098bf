"""The raw archive: every HTTP exchange with gov.kz, kept as WARC before anything is parsed.

Why WARC: it is the standard for web archives (warcio, pywb, and others read it), it keeps the
exact bytes and headers that were received, and it lets extraction be re-run on old crawls
without touching the site again.

Writing: `WarcArchive(dir)` writes `<dir>/govkz-<UTC yyyymmddThhmmssZ>-<n>.warc.gz`
(WARC/1.1, one gzip member per record, a warcinfo record first). Each exchange is a `request`
record (method, URL, headers sent, body) plus a `response` record (status, headers, body) that
carries `WARC-Govkz-Entity`, `WARC-Govkz-Lang`, `WARC-Govkz-Kind` (challenge, news-list,
news-detail, other) and `WARC-Govkz-Body-SHA256` when known. The body stored is the one the
client saw after HTTP content decoding, so Content-Encoding/Transfer-Encoding are removed from
the stored headers (the original is kept as X-Govkz-Original-Content-Encoding) and
Content-Length is set to the stored length.

Crash safety: a file is written as `<final name>.open` and renamed to its final name only after
it was flushed, fsync'ed and closed. A file still ending in `.open` is therefore one whose writer
crashed or is still running; every record before its cut is readable, the last one may be torn.
`list_warc_files` ignores such files; `iter_raw_items` reads what it can from one and reports
the tear as a RawItemError.

Reading: `iter_raw_items(paths)` streams records (never a whole corpus in memory) and yields
one RawItem per news item of each successful news response, or a RawItemError for a response
that cannot be understood, so one bad response never sinks a batch.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import parse_qsl, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from models import Source

from . import __version__

OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"

H_ENTITY = "WARC-Govkz-Entity"
H_LANG = "WARC-Govkz-Lang"
H_KIND = "WARC-Govkz-Kind"
H_SHA256 = "WARC-Govkz-Body-SHA256"

_NEWS_LIST_RE = re.compile(r"/content-manager/news/?$")
_NEWS_DETAIL_RE = re.compile(r"/content-manager/news/(\d+)/?$")
_CHALLENGE_RE = re.compile(r"/_/c/[^/]+/?$")
_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


def classify_url(url: str) -> str:
    """What an endpoint is: "news-list", "news-detail", "challenge" or "other"."""
    path = urlsplit(url).path
    if _NEWS_LIST_RE.search(path):
        return "news-list"
    if _NEWS_DETAIL_RE.search(path):
        return "news-detail"
    if _CHALLENGE_RE.search(path):
        return "challenge"
    return "other"


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ArchivedRecord:
    """Where one response landed in the archive."""

    warc_file: str
    record_id: str
    sha256: str
    fetched_at: datetime


class WarcArchive:
    """Append-only WARC writer with size-based rotation and crash-evident file names.

    Safe to call from several asyncio tasks (writes are synchronous) and threads (a lock).
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        prefix: str = "govkz",
        max_file_bytes: int = 256 * 1024 * 1024,
        info: dict[str, str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self.info = {"software": f"govkz-press/{__version__}", "format": "WARC File Format 1.1"}
        self.info.update(info or {})
        self.finished: list[Path] = []
        self.records_written = 0
        self._lock = threading.Lock()
        self._stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._n = 0
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._final: Path | None = None

    # -- files ------------------------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        """Final name of the file being written (it exists as `<name>.open` until closed)."""
        return self._final

    def _open_next(self) -> None:
        while True:
            self._n += 1
            final = self.directory / f"{self.prefix}-{self._stamp}-{self._n:05d}{WARC_SUFFIX}"
            temp = final.with_name(final.name + OPEN_SUFFIX)
            if final.exists():
                continue
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            break
        self._fh = os.fdopen(fd, "wb")
        self._final = final
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(final.name, self.info))

    def _close_current(self) -> None:
        if self._fh is None or self._final is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        temp = self._final.with_name(self._final.name + OPEN_SUFFIX)
        os.replace(temp, self._final)
        self.finished.append(self._final)
        self._fh = self._writer = self._final = None

    def close(self) -> None:
        """Finish the current file: flush, fsync, rename from `.open` to its final name."""
        with self._lock:
            self._close_current()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- records ----------------------------------------------------------------------------

    def write_exchange(
        self,
        *,
        method: str,
        url: str,
        request_headers: Iterable[tuple[str, str]],
        request_body: bytes = b"",
        status: int,
        reason: str = "",
        response_headers: Iterable[tuple[str, str]],
        body: bytes,
        http_version: str = "HTTP/1.1",
        entity: str | None = None,
        lang: str | None = None,
        kind: str | None = None,
        fetched_at: datetime | None = None,
    ) -> ArchivedRecord:
        """Write one request+response pair and return where the response landed."""
        moment = _utc(fetched_at)
        warc_date = datetime_to_iso_date(moment.replace(tzinfo=None), use_micros=True)
        sha = hashlib.sha256(body).hexdigest()
        split = urlsplit(url)
        target = (split.path or "/") + (f"?{split.query}" if split.query else "")

        resp_headers: list[tuple[str, str]] = []
        for name, value in response_headers:
            if name.lower() in _DROP_HEADERS:
                if name.lower() == "content-encoding":
                    resp_headers.append(("X-Govkz-Original-Content-Encoding", value))
                continue
            resp_headers.append((name, value))
        resp_headers.append(("Content-Length", str(len(body))))
        req_headers = [(n, v) for n, v in request_headers if n.lower() != "content-length"]
        if request_body:
            req_headers.append(("Content-Length", str(len(request_body))))

        warc_extra = {"WARC-Date": warc_date, H_KIND: kind or classify_url(url), H_SHA256: sha}
        if entity:
            warc_extra[H_ENTITY] = entity
        if lang:
            warc_extra[H_LANG] = lang

        with self._lock:
            if self._fh is not None and self._fh.tell() >= self.max_file_bytes:
                self._close_current()
            if self._writer is None:
                self._open_next()
            writer = self._writer
            assert writer is not None and self._final is not None
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                warc_headers_dict=dict(warc_extra),
                http_headers=StatusAndHeaders(
                    f"{status} {reason}".strip(), resp_headers, protocol=http_version
                ),
            )
            request = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(request_body),
                length=len(request_body),
                warc_headers_dict={k: v for k, v in warc_extra.items() if k != H_SHA256},
                http_headers=StatusAndHeaders(
                    f"{method} {target} {http_version}", req_headers, is_http_request=True
                ),
            )
            writer.write_request_response_pair(request, response)
            self._fh.flush()  # type: ignore[union-attr]
            self.records_written += 2
            record_id = response.rec_headers.get_header("WARC-Record-ID")
            return ArchivedRecord(self._final.name, record_id, sha, moment)


def list_warc_files(directory: Path | str) -> list[Path]:
    """Finished archive files in `directory`, oldest name first (`.open` files are skipped)."""
    return sorted(Path(directory).glob(f"*{WARC_SUFFIX}"))


def incomplete_warc_files(directory: Path | str) -> list[Path]:
    """Files whose writer crashed or is still writing (`*.warc.gz.open`)."""
    return sorted(Path(directory).glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}"))


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawItem:
    """One news item dict exactly as served, with where and when it was fetched."""

    entity: str | None
    lang: str
    item: dict[str, Any]
    source: Source


@dataclass(frozen=True)
class RawItemError:
    """A response (or a stretch of a WARC file) that yielded no items, and why."""

    endpoint: str
    warc_record_id: str | None
    message: str
    warc_file: str | None = None


def _entity_from_query(query: dict[str, str]) -> str | None:
    projects = query.get("projects")
    if not projects:
        return None
    op, sep, value = projects.partition(":")
    return value if sep and op.lower() == "eq" else (None if sep else projects)


def _items_of(obj: Any) -> list[Any] | None:
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("content"), list):
        return list(obj["content"])
    return None


def iter_raw_items(
    paths: Iterable[Path | str], *, include_incomplete: bool = True
) -> Iterator[RawItem | RawItemError]:
    """Stream news items out of WARC files, one response at a time.

    Takes 2xx `response` records of the news list (and of news/{id}, whose body is one item)
    and yields a RawItem per item dict; anything it cannot read becomes a RawItemError.
    `include_incomplete=False` skips `.open` files (written by a crashed or running writer).
    """
    for raw_path in paths:
        path = Path(raw_path)
        if path.name.endswith(OPEN_SUFFIX) and not include_incomplete:
            continue
        last_id: str | None = None
        responses = 0
        try:
            with path.open("rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    last_id = record.rec_headers.get_header("WARC-Record-ID")
                    responses += 1
                    yield from _items_from_record(record, path)
        except Exception as exc:  # a torn or corrupt file must not sink the batch
            where = f" after record {last_id}" if last_id else ""
            yield RawItemError(
                endpoint=str(path),
                warc_record_id=last_id,
                message=f"unreadable WARC data{where}: {type(exc).__name__}: {exc}",
                warc_file=path.name,
            )
        else:
            if path.name.endswith(OPEN_SUFFIX):
                yield RawItemError(
                    endpoint=str(path),
                    warc_record_id=last_id,
                    message=(
                        f"incomplete WARC file (writer crashed or still running); "
                        f"{responses} responses read, the last one may be torn"
                    ),
                    warc_file=path.name,
                )


def _items_from_record(record: Any, path: Path) -> Iterator[RawItem | RawItemError]:
    url: str = record.rec_headers.get_header("WARC-Target-URI") or ""
    kind = classify_url(url)
    if kind not in ("news-list", "news-detail"):
        return
    status = int(record.http_headers.get_statuscode() or 0)
    if not 200 <= status < 300:
        return
    record_id: str = record.rec_headers.get_header("WARC-Record-ID")

    def error(message: str) -> RawItemError:
        return RawItemError(url, record_id, message, path.name)

    body: bytes = record.content_stream().read()
    declared = record.http_headers.get_header("Content-Length") or ""
    encoded = record.http_headers.get_header("Content-Encoding") or record.http_headers.get_header(
        "Transfer-Encoding"
    )
    if declared.isdigit() and not encoded and int(declared) != len(body):
        yield error(f"torn record: body has {len(body)} of {declared} bytes")
        return
    query = dict(parse_qsl(urlsplit(url).query))
    entity = record.rec_headers.get_header(H_ENTITY) or _entity_from_query(query)
    lang = record.rec_headers.get_header(H_LANG) or query.get("lang")
    if not lang:
        yield error("response names no language (no WARC-Govkz-Lang header, no lang= query)")
        return
    try:
        fetched_at = iso_date_to_datetime(record.rec_headers.get_header("WARC-Date"))
        fetched_at = _utc(fetched_at)
    except Exception:
        yield error(f"bad WARC-Date {record.rec_headers.get_header('WARC-Date')!r}")
        return
    try:
        obj = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        yield error(f"body is not valid JSON ({exc}); first bytes {body[:80]!r}")
        return
    items = [obj] if kind == "news-detail" and isinstance(obj, dict) else _items_of(obj)
    if items is None:
        shape = f"object with keys {sorted(obj)[:10]}" if isinstance(obj, dict) else type(obj)
        yield error(f"expected a JSON array of news items, got {shape}")
        return
    source = Source(
        endpoint=url,
        fetched_at=fetched_at,
        sha256=hashlib.sha256(body).hexdigest(),
        warc_file=path.name,
        warc_record_id=record_id,
    )
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield RawItem(entity=entity, lang=lang, item=item, source=source)
        else:
            yield error(f"item #{index} is {type(item).__name__}, not an object")
