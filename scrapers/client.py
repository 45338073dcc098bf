"""Polite async client for gov.kz's news API, archiving every response to WARC before parsing.

What it does, and why (see /work/shared/reference/GOVKZ_API.md for the site's behaviour):

- Anti-bot ticket: news answers 400 "notAllowed" without one. Before the first news request it
  POSTs `{}` to /api/v1/public/_/c/k6, keeps the cookies it sets AND sends the keys/values of
  the returned JSON object as request headers (both forms have been seen in the wild). Absurd
  payloads (> 32 keys or > 4000 characters) are refused. One ticket is shared by all tasks of
  a client and kept until refused (or for `ticket_max_uses` requests; 1 = a fresh ticket per
  request, as one public scraper does). On 400 notAllowed it re-handshakes once and retries;
  a fresh ticket refused again is an error (NotAllowedError); see get_news for concurrency.
- Politeness: bounded concurrency (asyncio.Semaphore), at most `rate_per_host` request starts
  per second per host, timeouts, an honest User-Agent, and retries with exponential backoff
  (tenacity) on 429/5xx/transport errors that honour Retry-After.
- Pagination: pages 1, 2, ... until an empty page or one shorter than `page_size`; ids are
  de-duplicated within a run; a page identical to the previous one raises RepeatedPageError.
- Drift is loud: a list answer that is not a JSON array (an object with a "content" array is
  tolerated with a warning) or an item without an id raises ApiDriftError naming the endpoint.
- Language per request: `Accept-Language: <lang>` and `lang=<lang>`.
- `since` becomes `created_date=gt:<YYYY-MM-DDTHH:MM:SS>` in the site's local time (UTC+5);
  aware datetimes are converted, naive ones are taken as already local; seconds are truncated,
  so the bound errs towards re-fetching, never towards missing an item.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from . import __version__
from .archive import WarcArchive
from .errors import (
    ApiDriftError,
    ChallengeError,
    HttpStatusError,
    NotAllowedError,
    RepeatedPageError,
    ScraperError,
    TransportFailure,
)
from .politeness import HostRateLimiter

log = logging.getLogger("govkz.client")

DEFAULT_BASE_URL = "https://www.gov.kz"
USER_AGENT = (
    f"govkz-press/{__version__} (+https://github.com/govkz-press/govkz-press; research corpus)"
)
NEWS_PATH = "/api/v1/public/content-manager/news"
CHALLENGE_PATH = "/api/v1/public/_/c/k6"
SITE_TZ = timezone(timedelta(hours=5))
MAX_TICKET_KEYS = 32
MAX_TICKET_CHARS = 4000
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_RESERVED_HEADERS = frozenset(
    {
        "host",
        "cookie",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "user-agent",
        "accept-language",
    }
)


def format_since(since: datetime) -> str:
    """`created_date=gt:` value: site-local (UTC+5) time without offset, whole seconds."""
    if since.tzinfo is not None:
        since = since.astimezone(SITE_TZ)
    return since.replace(tzinfo=None, microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def is_not_allowed(response: httpx.Response) -> bool:
    """gov.kz's "no ticket" answer: HTTP 400 whose body says notAllowed (text or JSON)."""
    return response.status_code == 400 and b"notallowed" in response.content[:2000].lower()


@dataclass
class ClientStats:
    """Counters for run reports."""

    requests: int = 0
    retries: int = 0
    handshakes: int = 0
    rehandshakes: int = 0
    not_allowed: int = 0
    transport_errors: int = 0
    drift_warnings: int = 0
    bytes_received: int = 0
    rate_limit_wait_s: float = 0.0
    status_counts: Counter[int] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status_counts"] = {str(k): v for k, v in sorted(self.status_counts.items())}
        data["rate_limit_wait_s"] = round(self.rate_limit_wait_s, 3)
        return data


@dataclass(frozen=True)
class NewsPage:
    """One page of the news list. In iter_news, `items` holds only ids not seen before."""

    entity: str
    lang: str
    page: int
    url: str
    items: list[dict[str, Any]]
    raw_count: int
    duplicates: int = 0
    warc_record_id: str | None = None


@dataclass(frozen=True)
class _Sent:
    response: httpx.Response
    record_id: str | None
    generation: int | None  # ticket generation the request carried, if any


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))
        super().__init__(f"HTTP {response.status_code}")


def item_id(item: Any, endpoint: str, index: int) -> int:
    """The integer id of a list item; ApiDriftError if it has none (never skip silently)."""
    if not isinstance(item, dict):
        raise ApiDriftError(endpoint, f"item #{index} is {type(item).__name__}, not an object")
    value = item.get("id")
    if isinstance(value, bool) or value is None:
        raise ApiDriftError(endpoint, f"item #{index} has no id (keys: {sorted(item)[:12]})")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ApiDriftError(endpoint, f"item #{index} has a non-integer id {value!r}")


def parse_news_list(body: bytes, endpoint: str) -> tuple[list[dict[str, Any]], bool]:
    """Items of a news-list body, and whether the tolerated {"content": [...]} wrapper was used."""
    try:
        obj = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiDriftError(endpoint, f"body is not JSON ({exc}); starts {body[:80]!r}") from exc
    wrapped = False
    if isinstance(obj, dict) and isinstance(obj.get("content"), list):
        obj, wrapped = obj["content"], True
    if not isinstance(obj, list):
        shape = f"object with keys {sorted(obj)[:12]}" if isinstance(obj, dict) else repr(obj)[:80]
        raise ApiDriftError(endpoint, f"expected a JSON array of news items, got {shape}")
    for index, item in enumerate(obj):
        item_id(item, endpoint, index)
    return obj, wrapped


class GovKzClient:
    """Async gov.kz news client; use as `async with GovKzClient(...) as client:`."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        archive: WarcArchive | None = None,
        concurrency: int = 4,
        rate_per_host: float | None = 2.0,
        timeout: float = 60.0,
        max_retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        max_retry_after: float = 120.0,
        user_agent: str = USER_AGENT,
        challenge_path: str = CHALLENGE_PATH,
        ticket_max_uses: int | None = None,
        max_ticket_refreshes: int = 5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.archive = archive
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent
        self.challenge_path = challenge_path
        self.stats = ClientStats()
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._limiter = HostRateLimiter(rate_per_host)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept": "application/json, text/plain, */*"},
            follow_redirects=False,
            transport=transport,
            limits=httpx.Limits(max_connections=max(1, concurrency)),
        )
        self._ticket_headers: dict[str, str] | None = None
        self._ticket_generation = 0
        self._claims: dict[int, int] = {}  # ticket generation -> requests sent with it
        self._ticket_lock = asyncio.Lock()
        self.ticket_max_uses = ticket_max_uses
        self.max_ticket_refreshes = max(1, max_ticket_refreshes)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- HTTP with retries and archiving ----------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        expo = min(self.backoff_max, self.backoff_base * 2 ** (state.attempt_number - 1))
        expo *= random.uniform(0.75, 1.25)
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            return min(max(exc.retry_after, expo), self.max_retry_after)
        return expo

    def _before_sleep(self, state: RetryCallState) -> None:
        self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome is not None else None
        sleep = state.next_action.sleep if state.next_action is not None else 0.0
        log.warning("retry %d after %s (sleeping %.2fs)", state.attempt_number, exc, sleep)

    async def _send_once(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None,
        headers: dict[str, str],
        content: bytes | None,
        entity: str | None,
        lang: str | None,
        kind: str,
        with_ticket: bool,
    ) -> _Sent:
        generation: int | None = None
        async with self._semaphore:
            host = httpx.URL(url).host
            self.stats.rate_limit_wait_s += await self._limiter.acquire(host)
            if with_ticket:  # taken at send time, so a ticket renewed meanwhile is used
                generation = self._ticket_generation
                self._claims[generation] = self._claims.get(generation, 0) + 1
                headers = {**headers, **(self._ticket_headers or {})}
            request = self._http.build_request(
                method, url, params=list(params or []), headers=headers, content=content
            )
            self.stats.requests += 1
            try:
                response = await self._http.send(request)
            except httpx.TransportError:
                self.stats.transport_errors += 1
                raise
        fetched_at = datetime.now(UTC)
        self.stats.status_counts[response.status_code] += 1
        self.stats.bytes_received += len(response.content)
        record_id: str | None = None
        if self.archive is not None:
            archived = self.archive.write_exchange(
                method=method,
                url=str(request.url),
                request_headers=request.headers.multi_items(),
                request_body=request.content,
                status=response.status_code,
                reason=response.reason_phrase,
                response_headers=response.headers.multi_items(),
                body=response.content,
                http_version=response.http_version,
                entity=entity,
                lang=lang,
                kind=kind,
                fetched_at=fetched_at,
            )
            record_id = archived.record_id
        log.debug("%s %s -> %s", method, request.url, response.status_code)
        return _Sent(response, record_id, generation)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        entity: str | None = None,
        lang: str | None = None,
        kind: str = "other",
    ) -> tuple[httpx.Response, str | None]:
        """One logical request: retried on 429/5xx/transport errors, every attempt archived.

        Returns the final response and its WARC record id; a retryable status that outlasts
        the retries raises HttpStatusError, a persistent transport error TransportFailure.
        """
        sent = await self._request(
            method,
            url,
            params=params,
            headers=headers,
            content=content,
            entity=entity,
            lang=lang,
            kind=kind,
            with_ticket=False,
        )
        return sent.response, sent.record_id

    async def _request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] | None,
        headers: dict[str, str] | None,
        content: bytes | None,
        entity: str | None,
        lang: str | None,
        kind: str,
        with_ticket: bool,
    ) -> _Sent:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type((_RetryableStatus, httpx.TransportError)),
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    sent = await self._send_once(
                        method,
                        url,
                        params=params,
                        headers=headers or {},
                        content=content,
                        entity=entity,
                        lang=lang,
                        kind=kind,
                        with_ticket=with_ticket,
                    )
                    if sent.response.status_code in RETRY_STATUSES:
                        raise _RetryableStatus(sent.response)
                    return sent
        except _RetryableStatus as exc:
            status = exc.response.status_code
            endpoint = str(exc.response.request.url)
            raise HttpStatusError(endpoint, status, exc.response.text[:200]) from None
        except httpx.TransportError as exc:
            raise TransportFailure(str(httpx.URL(url, params=list(params or []))), exc) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    # -- challenge ----------------------------------------------------------------------------

    def _referer(self, entity: str | None, lang: str) -> str:
        if entity:
            return f"{DEFAULT_BASE_URL}/memleket/entities/{entity}/press/news?lang={lang}"
        return f"{DEFAULT_BASE_URL}/"

    async def handshake(self, entity: str | None = None, lang: str = "ru") -> dict[str, str]:
        """POST the k6 challenge; keep its cookies and return the headers to send with news."""
        url = self.base_url + self.challenge_path
        headers = {
            "Content-Type": "application/json",
            "Origin": DEFAULT_BASE_URL,
            "Referer": self._referer(entity, lang),
            "Accept-Language": lang,
        }
        response, _ = await self.request(
            "POST", url, headers=headers, content=b"{}", entity=entity, lang=lang, kind="challenge"
        )
        if response.status_code != 200:
            raise ChallengeError(f"{url}: HTTP {response.status_code}: {response.text[:200]!r}")
        ticket = self._ticket_from(response, url)
        self._ticket_headers = ticket
        self._ticket_generation += 1
        self.stats.handshakes += 1
        return ticket

    @staticmethod
    def _ticket_from(response: httpx.Response, url: str) -> dict[str, str]:
        text = response.text
        if len(text) > MAX_TICKET_CHARS:
            raise ChallengeError(f"{url}: refusing a {len(text)}-character ticket payload")
        if not text.strip():
            return {}  # cookie-only ticket
        try:
            obj = json.loads(text)
        except json.JSONDecodeError:
            log.warning("%s: ticket body is not JSON; relying on cookies", url)
            return {}
        if not isinstance(obj, dict):
            log.warning("%s: ticket body is %s, not an object; relying on cookies", url, type(obj))
            return {}
        if len(obj) > MAX_TICKET_KEYS:
            raise ChallengeError(f"{url}: refusing a ticket with {len(obj)} keys")
        headers: dict[str, str] = {}
        for key, value in obj.items():
            name = str(key)
            text_value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=True)
            if not _HEADER_NAME_RE.match(name) or name.lower() in _RESERVED_HEADERS:
                log.warning("%s: ticket key %r cannot be a header; skipped", url, name)
                continue
            if "\r" in text_value or "\n" in text_value or not text_value.isascii():
                log.warning("%s: ticket value for %r is not a header value; skipped", url, name)
                continue
            headers[name] = text_value
        return headers

    def _claims_of(self, generation: int) -> int:
        return self._claims.get(generation, 0)

    async def _ensure_ticket(self, entity: str | None, lang: str, stale: int | None) -> None:
        """Make sure a usable ticket exists.

        stale=None: handshake if there is no ticket yet, or the current one has served
        `ticket_max_uses` requests. stale=g: ticket generation g was refused; handshake unless
        another task already replaced it (so concurrent refusals cause one handshake).
        """
        async with self._ticket_lock:
            if stale is not None:
                if self._ticket_generation != stale:
                    return
                self.stats.rehandshakes += 1
            elif self._ticket_headers is not None and (
                self.ticket_max_uses is None
                or self._claims_of(self._ticket_generation) < self.ticket_max_uses
            ):
                return
            await self.handshake(entity, lang)
            for old in [g for g in self._claims if g < self._ticket_generation - 16]:
                del self._claims[old]

    async def get_news(
        self,
        params: Sequence[tuple[str, str]],
        *,
        entity: str | None,
        lang: str,
        path: str = NEWS_PATH,
        kind: str = "news-list",
    ) -> tuple[httpx.Response, str | None]:
        """GET a ticket-protected news URL, renewing the ticket on 400 notAllowed.

        Sequentially this means: refused → one re-handshake → refused again → NotAllowedError.
        With concurrent tasks sharing a ticket, a ticket renewed for us may be used up by the
        others' requests before ours lands; so we give up only when a ticket obtained after a
        refusal is refused while no other request had used it, or after
        1 + max_ticket_refreshes attempts.
        """
        url = self.base_url + path
        renewed = False
        headers = {"Accept-Language": lang, "Referer": self._referer(entity, lang)}
        for _ in range(1 + self.max_ticket_refreshes):
            await self._ensure_ticket(entity, lang, None)
            sent = await self._request(
                "GET",
                url,
                params=params,
                headers=headers,
                content=None,
                entity=entity,
                lang=lang,
                kind=kind,
                with_ticket=True,
            )
            if not is_not_allowed(sent.response):
                return sent.response, sent.record_id
            self.stats.not_allowed += 1
            generation = sent.generation if sent.generation is not None else -1
            if renewed and self._claims_of(generation) <= 1:
                break
            await self._ensure_ticket(entity, lang, generation)
            renewed = True
        raise NotAllowedError(url)

    # -- news ---------------------------------------------------------------------------------

    async def fetch_news_page(
        self,
        entity: str,
        lang: str,
        *,
        page: int = 1,
        page_size: int = 50,
        since: datetime | None = None,
        sort: str = "created_date:desc",
    ) -> NewsPage:
        """One page of an entity's news in one language, validated (ApiDriftError if odd)."""
        params: list[tuple[str, str]] = [
            ("projects", f"eq:{entity}"),
            ("page", str(page)),
            ("size", str(page_size)),
            ("sort-by", sort),
        ]
        if since is not None:
            params.append(("created_date", f"gt:{format_since(since)}"))
        params.append(("lang", lang))
        response, record_id = await self.get_news(params, entity=entity, lang=lang)
        endpoint = str(response.request.url)
        if response.status_code != 200:
            raise HttpStatusError(endpoint, response.status_code, response.text[:200])
        items, wrapped = parse_news_list(response.content, endpoint)
        if wrapped:
            self.stats.drift_warnings += 1
            log.warning("%s: list came wrapped in {'content': [...]}; tolerated", endpoint)
        return NewsPage(entity, lang, page, endpoint, items, len(items), 0, record_id)

    async def fetch_news_item(
        self, news_id: int, lang: str, *, entity: str | None = None
    ) -> dict[str, Any] | None:
        """GET content-manager/news/{id}?lang= (unconfirmed on gov.kz); None on 404."""
        response, _ = await self.get_news(
            [("lang", lang)],
            entity=entity,
            lang=lang,
            path=f"{NEWS_PATH}/{int(news_id)}",
            kind="news-detail",
        )
        endpoint = str(response.request.url)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise HttpStatusError(endpoint, response.status_code, response.text[:200])
        try:
            obj = json.loads(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiDriftError(endpoint, f"body is not JSON ({exc})") from exc
        if not isinstance(obj, dict):
            raise ApiDriftError(endpoint, f"expected a news object, got {type(obj).__name__}")
        item_id(obj, endpoint, 0)
        return obj

    async def iter_news(
        self,
        entity: str,
        lang: str,
        *,
        since: datetime | None = None,
        page_size: int = 50,
        max_pages: int | None = None,
        first_page: int = 1,
    ) -> AsyncIterator[NewsPage]:
        """Pages of an entity's news, newest first, with ids already seen removed.

        Ends on an empty page or one shorter than `page_size`. If the site silently capped
        `size`, a short page would end the crawl early, so keep page_size <= 100 (the largest
        value seen working in public code).
        """
        if page_size > 100:
            log.warning("page_size %d > 100: a silent server cap would end paging early", page_size)
        seen: set[int] = set()
        previous: list[int] | None = None
        page = first_page
        pages_done = 0
        while True:
            result = await self.fetch_news_page(
                entity, lang, page=page, page_size=page_size, since=since
            )
            ids = [item_id(item, result.url, i) for i, item in enumerate(result.items)]
            if not ids:
                return
            if previous is not None and ids == previous:
                raise RepeatedPageError(
                    result.url, f"page {page} repeats page {page - 1} (ids {ids[:5]}...)"
                )
            fresh = [item for item, i in zip(result.items, ids, strict=True) if i not in seen]
            seen.update(ids)
            yield replace(result, items=fresh, duplicates=len(ids) - len(fresh))
            pages_done += 1
            if len(ids) < page_size or (max_pages is not None and pages_done >= max_pages):
                return
            previous = ids
            page += 1

    async def iter_items(
        self,
        entity: str,
        lang: str,
        *,
        since: datetime | None = None,
        page_size: int = 50,
        max_pages: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Items of iter_news, flattened."""
        async for page in self.iter_news(
            entity, lang, since=since, page_size=page_size, max_pages=max_pages
        ):
            for item in page.items:
                yield item


# -- crawl --------------------------------------------------------------------------------------


@dataclass
class JobResult:
    """Outcome of crawling one (entity, language)."""

    entity: str
    lang: str
    pages: int = 0
    items: int = 0
    duplicates: int = 0
    error: str | None = None
    exception: ScraperError | None = field(default=None, repr=False, compare=False)


@dataclass
class CrawlStats:
    """What a crawl did, for run reports; `as_dict()` is JSON-serialisable."""

    started_at: datetime
    finished_at: datetime | None = None
    client: ClientStats = field(default_factory=ClientStats)
    jobs: list[JobResult] = field(default_factory=list)
    warc_files: list[Path] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(job.items for job in self.jobs)

    @property
    def pages(self) -> int:
        return sum(job.pages for job in self.jobs)

    @property
    def failures(self) -> list[JobResult]:
        return [job for job in self.jobs if job.error is not None]

    def as_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "elapsed_s": (
                round((self.finished_at - self.started_at).total_seconds(), 3)
                if self.finished_at
                else None
            ),
            "items": self.items,
            "pages": self.pages,
            "client": self.client.as_dict(),
            "jobs": [
                {k: v for k, v in asdict(job).items() if k != "exception"} for job in self.jobs
            ],
            "warc_files": [str(p) for p in self.warc_files],
        }


class CrawlFailed(ScraperError):
    """Some (entity, language) jobs failed; `stats` still reports everything that was done."""

    def __init__(self, stats: CrawlStats) -> None:
        self.stats = stats
        self.errors = [job.exception for job in stats.failures if job.exception is not None]
        lines = "; ".join(f"{job.entity}/{job.lang}: {job.error}" for job in stats.failures)
        super().__init__(f"{len(stats.failures)} crawl job(s) failed: {lines}")


async def crawl(
    base_url: str,
    entities: Iterable[str],
    langs: Iterable[str],
    *,
    since: datetime | None = None,
    archive_dir: Path | str,
    page_size: int = 50,
    max_pages: int | None = None,
    concurrency: int = 4,
    rate_per_host: float | None = 2.0,
    timeout: float = 60.0,
    max_retries: int = 4,
    backoff_base: float = 1.0,
    backoff_max: float = 60.0,
    user_agent: str = USER_AGENT,
    ticket_max_uses: int | None = None,
    strict: bool = True,
) -> CrawlStats:
    """Crawl every (entity, lang) into a fresh WARC file set under `archive_dir`.

    Jobs run concurrently (requests are bounded by `concurrency` and `rate_per_host`). A job
    that fails with a ScraperError is recorded in the stats and the others go on; at the end,
    with `strict` (the default) any failure raises CrawlFailed (carrying the stats), so a
    drifted API never passes for an empty corpus. The WARC files are closed in every case.
    """
    stats = CrawlStats(started_at=datetime.now(UTC))
    archive = WarcArchive(archive_dir)
    started = time.monotonic()
    try:
        async with GovKzClient(
            base_url,
            archive=archive,
            concurrency=concurrency,
            rate_per_host=rate_per_host,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            user_agent=user_agent,
            ticket_max_uses=ticket_max_uses,
        ) as client:
            stats.client = client.stats

            async def job(entity: str, lang: str) -> JobResult:
                result = JobResult(entity, lang)
                try:
                    async for page in client.iter_news(
                        entity, lang, since=since, page_size=page_size, max_pages=max_pages
                    ):
                        result.pages += 1
                        result.items += len(page.items)
                        result.duplicates += page.duplicates
                except ScraperError as exc:
                    result.error = f"{type(exc).__name__}: {exc}"
                    result.exception = exc
                    log.error("crawl %s/%s failed: %s", entity, lang, exc)
                return result

            langs = list(langs)
            stats.jobs = list(
                await asyncio.gather(*(job(e, lang) for e in entities for lang in langs))
            )
    finally:
        archive.close()
        stats.warc_files = list(archive.finished)
        stats.finished_at = datetime.now(UTC)
        log.info(
            "crawl done in %.1fs: %d items, %d pages, %d requests, %d retries",
            time.monotonic() - started,
            stats.items,
            stats.pages,
            stats.client.requests,
            stats.client.retries,
        )
    if strict and stats.failures:
        raise CrawlFailed(stats)
    return stats
