"""GovKzClient against the replay server over real loopback HTTP (no mocks)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scrapers.client import USER_AGENT, GovKzClient, format_since
from scrapers.errors import (
    ApiDriftError,
    ChallengeError,
    HttpStatusError,
    NotAllowedError,
    RepeatedPageError,
    TransportFailure,
)
from scrapers.replay import NEWS_PATH, ReplayServer

FAST = {"backoff_base": 0.01, "backoff_max": 0.05, "rate_per_host": None, "timeout": 5.0}


def client_for(server: ReplayServer, **kwargs: Any) -> GovKzClient:
    return GovKzClient(server.base_url, **{**FAST, **kwargs})


async def collect(client: GovKzClient, entity: str, lang: str, **kwargs: Any) -> list[int]:
    return [item["id"] async for item in client.iter_items(entity, lang, **kwargs)]


@pytest.mark.parametrize("via", ["cookie", "headers", "both"])
async def test_handshake_forms(replay_dir: Path, make_replay_server, via: str) -> None:
    server = make_replay_server(replay_dir, ticket_via=via)
    async with client_for(server) as client:
        ids = await collect(client, "test-akimat", "ru", page_size=50)
    assert ids == [1007, 1006, 1005, 1004, 1003, 1002, 1001]
    assert client.stats.handshakes == 1 and client.stats.not_allowed == 0
    news = server.requests_to("/content-manager/news")[-1]
    assert "hash" in news.headers and "token" in news.headers  # JSON ticket sent as headers
    assert "govkz_ticket=" in news.headers.get("Cookie", "")  # and the cookie kept
    challenge = server.requests_to("/k6")[0]
    assert challenge.method == "POST"


async def test_request_headers_are_honest(replay_server: ReplayServer) -> None:
    async with client_for(replay_server) as client:
        await collect(client, "test-akimat", "kk", page_size=50)
    news = replay_server.requests_to("/content-manager/news")[-1]
    assert news.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("govkz-press/") and "research corpus" in USER_AGENT
    assert news.headers["Accept-Language"] == "kk"
    assert news.query == {
        "projects": "eq:test-akimat",
        "page": "1",
        "size": "50",
        "sort-by": "created_date:desc",
        "lang": "kk",
    }


async def test_ticket_expiry_forces_rehandshake(replay_dir: Path, make_replay_server) -> None:
    server = make_replay_server(replay_dir, ticket_uses=2)
    async with client_for(server) as client:
        ids = await collect(client, "test-akimat", "ru", page_size=2)
    assert ids == [1007, 1006, 1005, 1004, 1003, 1002, 1001]
    # 4 pages at 2 uses per ticket: page 3 is refused once and needs a fresh ticket
    assert client.stats.rehandshakes == 1
    assert client.stats.not_allowed == client.stats.rehandshakes
    assert client.stats.handshakes == 1 + client.stats.rehandshakes
    assert server.tickets.issued == client.stats.handshakes


async def test_expired_mid_run_then_refused_twice(replay_server: ReplayServer) -> None:
    async with client_for(replay_server) as client:
        first = await client.fetch_news_page("test-akimat", "ru", page=1, page_size=3)
        replay_server.tickets.expire_all()
        second = await client.fetch_news_page("test-akimat", "ru", page=2, page_size=3)
        assert [i["id"] for i in first.items + second.items] == [1007, 1006, 1005, 1004, 1003, 1002]
        assert client.stats.rehandshakes == 1
        replay_server.faults.add(
            NEWS_PATH, status=400, body="notAllowed", content_type="text/plain", times=None
        )
        with pytest.raises(NotAllowedError, match="content-manager/news"):
            await client.fetch_news_page("test-akimat", "ru", page=3, page_size=3)


async def test_pagination_to_the_end(replay_dir: Path, make_replay_server, samples_writer) -> None:
    samples_writer(replay_dir, "test-six", 6, first_id=3001, langs=("ru",))
    server = make_replay_server(replay_dir)
    async with client_for(server) as client:
        pages = [p async for p in client.iter_news("test-akimat", "ru", page_size=3)]
        six = [p async for p in client.iter_news("test-six", "ru", page_size=3)]
    assert [[i["id"] for i in p.items] for p in pages] == [
        [1007, 1006, 1005],
        [1004, 1003, 1002],
        [1001],
    ]
    assert [p.page for p in pages] == [1, 2, 3]
    # 6 items, size 3: two full pages, then the empty page 3 ends it
    assert sum(len(p.items) for p in six) == 6
    six_pages = [r.query["page"] for r in server.requests_to("/news") if r.query.get("projects")]
    assert six_pages[-3:] == ["1", "2", "3"]


async def test_three_languages_share_ids(replay_server: ReplayServer) -> None:
    titles: dict[str, dict[int, str]] = {}
    async with client_for(replay_server) as client:
        for lang in ("ru", "kk", "en"):
            titles[lang] = {
                item["id"]: item["title"]
                async for item in client.iter_items("test-akimat", lang, page_size=4)
            }
    assert titles["ru"].keys() == titles["kk"].keys() == titles["en"].keys()
    assert titles["ru"][1003] == "Тестовое сообщение номер 3"
    assert titles["kk"][1003] == "Сынақ хабарламасы нөмірі 3"
    assert titles["en"][1003] == "Test announcement number 3"


async def test_incremental_since(replay_server: ReplayServer) -> None:
    naive = datetime(2025, 6, 1, 8, 30, 15, 999)  # naive = already site-local
    aware = datetime.fromisoformat("2025-06-01T08:30:15+00:00")  # = 13:30:15 at +05:00
    assert format_since(aware) == "2025-06-01T13:30:15"
    assert format_since(naive) == "2025-06-01T08:30:15"
    async with client_for(replay_server) as client:
        ids = await collect(client, "test-akimat", "ru", since=aware)
        everything = await collect(client, "test-akimat", "ru", since=datetime(2025, 6, 1, 9))
    assert ids == [1007, 1006, 1005]  # 14:00, 15:00, 16:00 local
    assert len(everything) == 7
    sent = replay_server.requests_to("/content-manager/news")[-2]
    assert sent.query["created_date"] == "gt:2025-06-01T13:30:15"


async def test_429_with_retry_after_then_success(replay_server: ReplayServer) -> None:
    fault = replay_server.faults.add("*/content-manager/news", status=429, retry_after=1, times=1)
    async with client_for(replay_server) as client:
        start = time.monotonic()
        ids = await collect(client, "test-akimat", "ru")
        elapsed = time.monotonic() - start
    assert ids[0] == 1007 and len(ids) == 7
    assert fault.hits == 1
    assert client.stats.retries == 1 and client.stats.status_counts[429] == 1
    assert elapsed >= 0.95  # Retry-After honoured although the backoff base is 10 ms


async def test_5xx_then_success(replay_server: ReplayServer) -> None:
    replay_server.faults.add("*/content-manager/news", status=503, times=2)
    replay_server.faults.add("*/_/c/k6", status=502, times=1)
    async with client_for(replay_server) as client:
        ids = await collect(client, "test-akimat", "ru")
    assert len(ids) == 7
    assert client.stats.retries == 3
    assert client.stats.status_counts[503] == 2 and client.stats.status_counts[502] == 1


async def test_truncated_body_is_retried(replay_server: ReplayServer) -> None:
    replay_server.faults.add("*/content-manager/news", kind="truncated", times=1)
    async with client_for(replay_server) as client:
        ids = await collect(client, "test-akimat", "ru")
    assert len(ids) == 7
    assert client.stats.transport_errors == 1 and client.stats.retries == 1


async def test_retries_run_out(replay_server: ReplayServer) -> None:
    replay_server.faults.add("*/content-manager/news", status=500, times=None)
    async with client_for(replay_server, max_retries=2) as client:
        with pytest.raises(HttpStatusError) as info:
            await collect(client, "test-akimat", "ru")
    assert info.value.status == 500 and "content-manager/news" in str(info.value)
    assert client.stats.status_counts[500] == 3


async def test_drift_non_array_is_loud(replay_server: ReplayServer) -> None:
    replay_server.faults.add(NEWS_PATH, kind="drift", body='{"news": [], "total": 0}')
    async with client_for(replay_server) as client:
        with pytest.raises(ApiDriftError) as info:
            await collect(client, "test-akimat", "ru")
    assert "/api/v1/public/content-manager/news?projects=eq%3Atest-akimat" in info.value.endpoint
    assert "expected a JSON array" in str(info.value) and "'news'" in str(info.value)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[{"id": 1, "title": "a"}, {"title": "no id"}]', "item #1 has no id"),
        ('["just a string"]', "not an object"),
        ("<html>maintenance</html>", "not JSON"),
    ],
)
async def test_drift_items(replay_server: ReplayServer, body: str, message: str) -> None:
    replay_server.faults.add(NEWS_PATH, kind="drift", body=body)
    async with client_for(replay_server) as client:
        with pytest.raises(ApiDriftError, match=message):
            await collect(client, "test-akimat", "ru")


async def test_content_wrapper_tolerated_with_warning(replay_server: ReplayServer) -> None:
    wrapped = json.dumps({"content": [{"id": 42, "title": "wrapped", "extra": 1}]})
    replay_server.faults.add(NEWS_PATH, kind="drift", body=wrapped)
    async with client_for(replay_server) as client:
        pages = [p async for p in client.iter_news("test-akimat", "ru", page_size=10)]
    assert [i["id"] for p in pages for i in p.items] == [42]
    assert client.stats.drift_warnings == 1


async def test_repeated_page_is_an_error(replay_server: ReplayServer) -> None:
    async with client_for(replay_server) as client:
        first = await client.fetch_news_page("test-akimat", "ru", page=1, page_size=3)
        replay_server.faults.add(
            NEWS_PATH, kind="drift", body=json.dumps(first.items), query={"page": "2"}
        )
        with pytest.raises(RepeatedPageError, match="page 2 repeats page 1"):
            await collect(client, "test-akimat", "ru", page_size=3)


async def test_overlapping_pages_are_deduplicated(replay_server: ReplayServer) -> None:
    async with client_for(replay_server) as client:
        first = await client.fetch_news_page("test-akimat", "ru", page=1, page_size=3)
        # the live site shifts pages when news arrives mid-crawl: page 2 overlaps page 1
        shifted = [*first.items[2:], {"id": 1004}, {"id": 1003}]
        replay_server.faults.add(
            NEWS_PATH, kind="drift", body=json.dumps(shifted), query={"page": "2"}
        )
        pages = [p async for p in client.iter_news("test-akimat", "ru", page_size=3)]
    assert [i["id"] for p in pages for i in p.items] == [1007, 1006, 1005, 1004, 1003, 1001]
    assert pages[1].duplicates == 1


async def test_absurd_ticket_is_refused(replay_server: ReplayServer) -> None:
    replay_server.faults.add(
        "*/_/c/k6", kind="drift", body=json.dumps({f"k{i}": i for i in range(40)})
    )
    async with client_for(replay_server) as client:
        with pytest.raises(ChallengeError, match="40 keys"):
            await client.handshake()
    replay_server.faults.add("*/_/c/k6", kind="drift", body=json.dumps({"token": "x" * 5000}))
    async with client_for(replay_server) as client:
        with pytest.raises(ChallengeError, match="character"):
            await client.handshake()


async def test_rate_limit_spaces_requests(replay_server: ReplayServer) -> None:
    async with client_for(replay_server, rate_per_host=20.0) as client:
        start = time.monotonic()
        await collect(client, "test-akimat", "ru", page_size=1)  # 1 handshake + 8 pages
        elapsed = time.monotonic() - start
    assert client.stats.requests == 9
    assert elapsed >= 8 / 20.0 * 0.95


async def test_fetch_news_item(replay_server: ReplayServer) -> None:
    async with client_for(replay_server) as client:
        item = await client.fetch_news_item(1002, "kk", entity="test-akimat")
        missing = await client.fetch_news_item(9, "kk")
    assert item is not None and item["title"] == "Сынақ хабарламасы нөмірі 2"
    assert missing is None


async def test_ticket_per_request_mode(replay_server: ReplayServer) -> None:
    async with client_for(replay_server, ticket_max_uses=1) as client:
        ids = await collect(client, "test-akimat", "ru", page_size=3)
    assert len(ids) == 7
    assert client.stats.handshakes == 3 and client.stats.not_allowed == 0


async def test_fresh_ticket_refused_twice_gives_up(replay_server: ReplayServer) -> None:
    replay_server.faults.add(
        NEWS_PATH, status=400, body="notAllowed", content_type="text/plain", times=None
    )
    async with client_for(replay_server) as client:
        with pytest.raises(NotAllowedError):
            await client.fetch_news_page("test-akimat", "ru")
    assert client.stats.handshakes == 2 and client.stats.not_allowed == 2


async def test_connection_resets_run_out(replay_server: ReplayServer) -> None:
    replay_server.faults.add(NEWS_PATH, kind="reset", times=None)
    async with client_for(replay_server, max_retries=1) as client:
        with pytest.raises(TransportFailure, match=r"news\?projects=eq%3Atest-akimat"):
            await client.fetch_news_page("test-akimat", "ru")
    assert client.stats.transport_errors == 2 and client.stats.retries == 1
