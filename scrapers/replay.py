"""A loopback HTTP server that answers like gov.kz's news API, from recorded sample files.

It serves `<directory>/<entity>/<id>.<lang>.json` (one gov.kz news item per file, the layout of
corpus/samples/) so the client, the CLI and tests run against real HTTP with no network.
What it imitates is /work/shared/reference/GOVKZ_API.md; where that reference says "unknown",
the choice made here is written down and kept deliberately simple:

- Challenge: POST /api/v1/public/_/c/k6 or /api/v2/_/c/k6 issues a random ticket both as a
  cookie (`govkz_ticket`) and as a JSON object of headers {"hash": ..., "token": ...}. A ticket
  lives `ticket_ttl` seconds and/or `ticket_uses` news requests (None = unlimited).
- GET /api/v1/public/content-manager/news without a valid ticket (neither the cookie nor the
  hash+token header pair) answers HTTP 400 with the plain-text body `notAllowed`.
- `projects=eq:<slug>`, bare `<slug>` and `contains:<part>` select entities; no `projects` = all.
- `page` is 1-based; page 0 is answered as page 1 (the reference cannot tell; both clients
  seen in the wild then work). Negative/non-numeric page or size < 1 → 400.
- `size` defaults to 10. `sort-by=created_date|id:asc|desc` (default created_date:desc).
- `created_date=gt:YYYY-MM-DDTHH:MM:SS` (and `lt:`) filter on local Astana time (UTC+5, the
  offset the site prints); `gte:`/`lte:` or any other operator → HTTP 500, as on gov.kz.
- `slug=eq:<slug>` filters by item slug (the one confirmed detail lookup).
- Language: `lang=` in the query wins, else the first `Accept-Language` tag, else "ru".
  A missing language version is simply absent from that language's list.
- GET .../content-manager/news/{id}?lang=.. returns the single item object (ticket needed) or 404.
- Answers are a bare JSON array built from the files' raw bytes, so a file holding malformed
  JSON is served as is (downstream code must cope); its date is scraped with a regex if it can
  be, otherwise it sorts as oldest and never passes a date filter.

Fault injection: `server.faults` is a FaultPlan (see faults.py), consulted before normal routing.
Each request is logged as one line on the `govkz.replay` logger and kept in `server.requests`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, urlsplit

from .faults import DEFAULT_BODIES, Fault, FaultPlan

log = logging.getLogger("govkz.replay")

SITE_TZ = timezone(timedelta(hours=5))
"""gov.kz prints times at +05:00; naive filter values are read in this zone."""

NEWS_PATH = "/api/v1/public/content-manager/news"
CHALLENGE_PATHS = ("/api/v1/public/_/c/k6", "/api/v2/_/c/k6")
TICKET_COOKIE = "govkz_ticket"
HASH_SALT = "govkz-press-replay"
LANGS = ("ru", "kk", "en")

TicketVia = Literal["both", "cookie", "headers"]

_DATE_RE = re.compile(rb'"created_date"\s*:\s*"([^"]+)"')
_DETAIL_RE = re.compile(re.escape(NEWS_PATH) + r"/(\d+)/?$")


def ticket_hash(token: str) -> str:
    """The `hash` header that must accompany `token` (a stand-in for the site's bcrypt)."""
    return hashlib.sha256((HASH_SALT + token).encode()).hexdigest()


def parse_site_datetime(value: str) -> datetime | None:
    """Parse gov.kz `created_date` (ISO 8601, fractional seconds, offset or Z); naive → UTC+5."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SITE_TZ)


@dataclass(frozen=True)
class SampleItem:
    """One sample file: the raw bytes served and what is needed to filter and sort them."""

    entity: str
    lang: str
    id: int | str
    raw: bytes
    created: datetime | None
    slug: str | None
    path: Path

    @property
    def sort_id(self) -> tuple[int, int | str]:
        return (0, self.id) if isinstance(self.id, int) else (1, self.id)


def load_sample(path: Path, entity: str) -> SampleItem | None:
    """Read `<id>.<lang>.json`; None if the name does not follow the layout."""
    parts = path.name.rsplit(".", 2)
    if len(parts) != 3 or parts[2] != "json" or not parts[0]:
        return None
    raw = path.read_bytes().strip()
    ident: int | str = int(parts[0]) if parts[0].isdigit() else parts[0]
    created: datetime | None = None
    slug: str | None = None
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        obj = None
        match = _DATE_RE.search(raw)
        if match:
            created = parse_site_datetime(match.group(1).decode("utf-8", "replace"))
    if isinstance(obj, dict):
        if isinstance(obj.get("id"), int):
            ident = obj["id"]
        if isinstance(obj.get("created_date"), str):
            created = parse_site_datetime(obj["created_date"])
        if isinstance(obj.get("slug"), str):
            slug = obj["slug"]
    return SampleItem(entity, parts[1], ident, raw, created, slug, path)


class SampleStore:
    """The directory of samples, re-read for an entity whenever any of its files changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, list[SampleItem]]] = {}

    @staticmethod
    def _signature(folder: Path) -> int:
        """Cheap change detector: names, sizes and mtimes of the folder's files."""
        with os.scandir(folder) as entries:
            stats = sorted(
                (e.name, e.stat().st_mtime_ns, e.stat().st_size)
                for e in entries
                if e.name.endswith(".json")
            )
        return hash(tuple(stats))

    def entities(self) -> list[str]:
        if not self.directory.is_dir():
            return []
        return sorted(p.name for p in self.directory.iterdir() if p.is_dir())

    def items(self, entity: str) -> list[SampleItem]:
        folder = self.directory / entity
        try:
            mtime = self._signature(folder)
        except OSError:
            return []
        with self._lock:
            cached = self._cache.get(entity)
            if cached and cached[0] == mtime:
                return cached[1]
            loaded = [
                item
                for path in sorted(folder.glob("*.json"))
                if (item := load_sample(path, entity)) is not None
            ]
            self._cache[entity] = (mtime, loaded)
            return loaded

    def select(self, entity_filter: tuple[str, str] | None, lang: str) -> list[SampleItem]:
        """Items of one language; entity_filter is ("eq"|"contains", value) or None for all."""
        chosen: list[SampleItem] = []
        for entity in self.entities():
            if entity_filter is not None:
                op, value = entity_filter
                if (op == "eq" and entity != value) or (op == "contains" and value not in entity):
                    continue
            chosen.extend(item for item in self.items(entity) if item.lang == lang)
        return chosen


@dataclass
class Ticket:
    token: str
    hash: str
    issued: float
    uses: int = 0


class TicketBook:
    """Issues and checks anti-bot tickets; expiry by age and/or by number of uses."""

    def __init__(self, ttl: float | None, max_uses: int | None) -> None:
        self.ttl = ttl
        self.max_uses = max_uses
        self.issued = 0
        self._tickets: dict[str, Ticket] = {}
        self._lock = threading.Lock()

    def issue(self) -> Ticket:
        token = secrets.token_hex(16)
        ticket = Ticket(token=token, hash=ticket_hash(token), issued=time.monotonic())
        with self._lock:
            self._tickets[token] = ticket
            self.issued += 1
        return ticket

    def use(self, token: str | None, hash_: str | None = None, *, need_hash: bool) -> bool:
        """True if `token` is live (and `hash_` matches when need_hash); counts one use."""
        if not token:
            return False
        with self._lock:
            ticket = self._tickets.get(token)
            if ticket is None or (need_hash and hash_ != ticket.hash):
                return False
            expired_age = self.ttl is not None and time.monotonic() - ticket.issued > self.ttl
            expired_uses = self.max_uses is not None and ticket.uses >= self.max_uses
            if expired_age or expired_uses:
                del self._tickets[token]
                return False
            ticket.uses += 1
            return True

    def expire_all(self) -> None:
        """Invalidate every ticket at once (tests: force the client to re-handshake)."""
        with self._lock:
            self._tickets.clear()


@dataclass
class RequestRecord:
    """What the server saw and answered, for assertions in tests."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int | None = None
    fault: str | None = None
    at: float = field(default_factory=time.monotonic)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    server_version = "govkz-replay"

    # -- plumbing ---------------------------------------------------------------------------

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silenced: _dispatch logs one line per request once the body size is known."""

    def _log_done(self) -> None:
        rec = self._record
        fault = f" fault={rec.fault}" if rec.fault else ""
        status = rec.status if rec.status is not None else "-"
        log.info(
            '%s "%s" %s %d%s', self.client_address[0], self.requestline, status, self._sent, fault
        )

    def log_message(self, format: str, *args: Any) -> None:
        log.warning("%s %s", self.client_address[0], format % args)

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json;charset=UTF-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self._record.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self._sent = len(body)

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), headers=headers)

    def _error(self, status: int, message: str) -> None:
        error = {400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}.get(
            status, "Error"
        )
        self._send_json(status, {"status": status, "error": error, "message": message})

    def _begin(self) -> tuple[str, dict[str, str]]:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self._record = RequestRecord(self.command, parts.path, query, dict(self.headers.items()))
        self._sent = 0
        self.server.owner.record(self._record)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        return parts.path, query

    # -- verbs ------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path, query = self._begin()
        try:
            fault = self.server.owner.faults.take(self.command, path, query)
            if fault is not None:
                self._record.fault = fault.kind
                if self._apply_fault(fault):
                    return
            try:
                self._route(path, query)
            except Exception as exc:  # the replay server must answer, not hang the client
                log.exception("replay server error on %s", self.path)
                self._error(500, f"replay server error: {exc}")
        finally:
            self._log_done()

    def _apply_fault(self, fault: Fault) -> bool:
        """Play a fault; False means "continue with the normal answer" (pure delays)."""
        if fault.delay:
            time.sleep(fault.delay)
        headers = dict(fault.headers)
        if fault.retry_after is not None:
            headers["Retry-After"] = str(fault.retry_after)
        if fault.kind == "delay" and fault.status is None:
            return False
        if fault.kind == "reset":
            self._record.status = None
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind == "truncated":
            body = fault.body if fault.body is not None else DEFAULT_BODIES["truncated"]
            self._record.status = 200
            self.send_response(200)
            self.send_header("Content-Type", fault.content_type)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self._sent = len(body)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.kind in ("malformed", "drift"):
            body = fault.body if fault.body is not None else DEFAULT_BODIES[fault.kind]
            self._send(fault.status or 200, body, fault.content_type, headers)
            return True
        status = fault.status or 503
        body = (
            fault.body
            if fault.body is not None
            else json.dumps({"status": status, "error": "injected fault"}).encode()
        )
        self._send(status, body, fault.content_type, headers)
        return True

    # -- routes -----------------------------------------------------------------------------

    def _route(self, path: str, query: dict[str, str]) -> None:
        path = path.rstrip("/") or "/"
        if path in CHALLENGE_PATHS:
            if self.command != "POST":
                self._error(400, "challenge expects POST")
                return
            self._challenge()
            return
        if self.command != "GET":
            self._error(404, f"no route {self.command} {path}")
            return
        if path == NEWS_PATH:
            if self._ticket_ok():
                self._news_list(query)
            return
        detail = _DETAIL_RE.match(path)
        if detail:
            if self._ticket_ok():
                self._news_detail(int(detail.group(1)), query)
            return
        self._error(404, f"no route {path}")

    def _challenge(self) -> None:
        ticket = self.server.owner.tickets.issue()
        cookie = f"{TICKET_COOKIE}={ticket.token}; Path=/; HttpOnly; SameSite=Lax"
        self._send_json(200, {"hash": ticket.hash, "token": ticket.token}, {"Set-Cookie": cookie})

    def _ticket_ok(self) -> bool:
        owner = self.server.owner
        if not owner.require_ticket:
            return True
        book = owner.tickets
        ok = False
        if owner.ticket_via in ("both", "headers"):
            token = self.headers.get("token")
            if token:
                ok = book.use(token, self.headers.get("hash"), need_hash=True)
        if not ok and owner.ticket_via in ("both", "cookie"):
            ok = book.use(self._cookie(TICKET_COOKIE), need_hash=False)
        if not ok:
            self._send(400, b"notAllowed", "text/plain;charset=UTF-8")
        return ok

    def _cookie(self, name: str) -> str | None:
        for chunk in (self.headers.get("Cookie") or "").split(";"):
            key, _, value = chunk.strip().partition("=")
            if key == name:
                return value
        return None

    def _lang(self, query: dict[str, str]) -> str:
        if query.get("lang"):
            return query["lang"].strip().lower()
        accept = self.headers.get("Accept-Language") or ""
        first = accept.split(",")[0].split(";")[0].strip().lower()
        return first.split("-")[0] if first else self.server.owner.default_lang

    def _news_list(self, query: dict[str, str]) -> None:
        owner = self.server.owner
        entity_filter: tuple[str, str] | None = None
        if query.get("projects"):
            op, sep, value = query["projects"].partition(":")
            op = op.lower()
            if not sep:
                entity_filter = ("eq", query["projects"])
            elif op in ("eq", "contains"):
                entity_filter = (op, value)
            else:
                self._error(500, f"unsupported projects operator {op!r}")
                return
        try:
            page = int(query.get("page", "1"))
            size = int(query.get("size", str(owner.default_size)))
        except ValueError:
            self._error(400, "page and size must be integers")
            return
        if page < 0 or size < 1:
            self._error(400, "page must be >= 0 and size >= 1")
            return
        page = max(page, 1)
        items = owner.store.select(entity_filter, self._lang(query))
        if "created_date" in query:
            op, _, value = query["created_date"].partition(":")
            bound = parse_site_datetime(value) if op.lower() in ("gt", "lt") else None
            if bound is None:
                self._error(500, f"could not apply created_date={query['created_date']}")
                return
            if op.lower() == "gt":
                items = [i for i in items if i.created is not None and i.created > bound]
            else:
                items = [i for i in items if i.created is not None and i.created < bound]
        if query.get("slug"):
            slug = query["slug"].removeprefix("eq:")
            items = [i for i in items if i.slug == slug]
        field_name, _, direction = query.get("sort-by", "created_date:desc").partition(":")
        if field_name not in ("created_date", "id"):
            self._error(400, f"unsupported sort field {field_name!r}")
            return
        floor = datetime.min.replace(tzinfo=UTC)
        if field_name == "created_date":
            items.sort(key=lambda i: (i.created or floor, i.sort_id))
        else:
            items.sort(key=lambda i: i.sort_id)
        if direction.lower() != "asc":
            items.reverse()
        chunk = items[(page - 1) * size : page * size]
        self._send(200, b"[" + b",".join(i.raw for i in chunk) + b"]")

    def _news_detail(self, news_id: int, query: dict[str, str]) -> None:
        lang = self._lang(query)
        for entity in self.server.owner.store.entities():
            for item in self.server.owner.store.items(entity):
                if item.id == news_id and item.lang == lang:
                    self._send(200, item.raw)
                    return
        self._error(404, f"news {news_id} not found in {lang}")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: ReplayServer


class ReplayServer:
    """gov.kz news API double over real HTTP; see the module docstring for its behaviour.

    Use as `with ReplayServer(dir) as srv: srv.base_url` (served from a background thread)
    or `ReplayServer(dir, port=8080).serve_forever()` (blocks; for the CLI).
    """

    def __init__(
        self,
        directory: Path | str,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ticket_ttl: float | None = 600.0,
        ticket_uses: int | None = None,
        ticket_via: TicketVia = "both",
        require_ticket: bool = True,
        default_lang: str = "ru",
        default_size: int = 10,
        faults: FaultPlan | None = None,
        keep_requests: int = 10_000,
    ) -> None:
        self.directory = Path(directory)
        self.store = SampleStore(self.directory)
        self.tickets = TicketBook(ticket_ttl, ticket_uses)
        self.ticket_via: TicketVia = ticket_via
        self.require_ticket = require_ticket
        self.default_lang = default_lang
        self.default_size = default_size
        self.faults = faults if faults is not None else FaultPlan()
        self.requests: list[RequestRecord] = []
        self._keep_requests = keep_requests
        self._requests_lock = threading.Lock()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    # -- introspection ----------------------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def record(self, rec: RequestRecord) -> None:
        with self._requests_lock:
            self.requests.append(rec)
            if len(self.requests) > self._keep_requests:
                del self.requests[: len(self.requests) - self._keep_requests]

    def requests_to(self, path_suffix: str) -> list[RequestRecord]:
        """Requests whose path ends with `path_suffix` (e.g. "/content-manager/news", "/k6")."""
        with self._requests_lock:
            return [r for r in self.requests if r.path.rstrip("/").endswith(path_suffix)]

    def iter_items(self) -> Iterator[SampleItem]:
        for entity in self.store.entities():
            yield from self.store.items(entity)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Self:
        """Serve from a daemon thread; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"govkz-replay-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def serve_forever(self) -> None:
        """Serve in the foreground until Ctrl-C (the CLI entry point)."""
        if not logging.getLogger().handlers and not log.handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        log.info("replay server on %s serving %s", self.base_url, self.directory)
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
