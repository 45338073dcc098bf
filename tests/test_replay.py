"""The replay server answers like gov.kz's news API (real HTTP over loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from scrapers.faults import FaultPlan
from scrapers.replay import NEWS_PATH, TICKET_COOKIE, ReplayServer, ticket_hash

V1_CHALLENGE = "/api/v1/public/_/c/k6"
V2_CHALLENGE = "/api/v2/_/c/k6"


def ticket(client: httpx.Client, path: str = V1_CHALLENGE) -> dict[str, str]:
    response = client.post(path, json={})
    assert response.status_code == 200
    return response.json()


def news(client: httpx.Client, **params: str | int) -> httpx.Response:
    return client.get(NEWS_PATH, params={"projects": "eq:test-akimat", **params})


@pytest.mark.parametrize("path", [V1_CHALLENGE, V2_CHALLENGE])
def test_challenge_issues_cookie_and_header_ticket(replay_server: ReplayServer, path: str) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        response = client.post(path, json={})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"hash", "token"}
    assert body["hash"] == ticket_hash(body["token"])
    assert f"{TICKET_COOKIE}={body['token']}" in response.headers["set-cookie"]


def test_news_without_ticket_is_not_allowed(replay_server: ReplayServer) -> None:
    response = httpx.get(replay_server.base_url + NEWS_PATH, params={"projects": "test-akimat"})
    assert response.status_code == 400
    assert response.text == "notAllowed"


def test_cookie_ticket_alone_works(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        response = news(client)
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_header_ticket_alone_works_and_bad_hash_does_not(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as issuer:
        pair = ticket(issuer, V2_CHALLENGE)
    with httpx.Client(base_url=replay_server.base_url) as client:  # no cookies here
        assert news(client, size=2).status_code == 400
        ok = client.get(NEWS_PATH, params={"projects": "test-akimat"}, headers=pair)
        bad = client.get(
            NEWS_PATH, params={"projects": "test-akimat"}, headers={**pair, "hash": "0" * 64}
        )
    assert ok.status_code == 200 and len(ok.json()) == 7
    assert bad.status_code == 400 and bad.text == "notAllowed"


def test_ticket_expires_after_uses(replay_dir: Path, make_replay_server) -> None:
    server = make_replay_server(replay_dir, ticket_uses=2)
    with httpx.Client(base_url=server.base_url) as client:
        ticket(client)
        assert [news(client).status_code for _ in range(3)] == [200, 200, 400]
        ticket(client)
        assert news(client).status_code == 200
    assert server.tickets.issued == 2


def test_ticket_expires_after_ttl(replay_dir: Path, make_replay_server) -> None:
    server = make_replay_server(replay_dir, ticket_ttl=0.0)
    with httpx.Client(base_url=server.base_url) as client:
        ticket(client)
        assert news(client).status_code == 400


def test_pagination_sorting_and_page_zero(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        pages = [[i["id"] for i in news(client, page=p, size=3).json()] for p in (1, 2, 3, 4)]
        page0 = [i["id"] for i in news(client, page=0, size=3).json()]
        asc = [i["id"] for i in news(client, size=3, **{"sort-by": "created_date:asc"}).json()]
        bare = client.get(NEWS_PATH, params={"projects": "test-ministry", "size": 50})
        everything = client.get(NEWS_PATH, params={"size": 100})
    assert pages == [[1007, 1006, 1005], [1004, 1003, 1002], [1001], []]
    assert page0 == pages[0]
    assert asc == [1001, 1002, 1003]
    assert [i["id"] for i in bare.json()] == [2003, 2002, 2001]
    assert len(everything.json()) == 10  # ru items of both entities


def test_language_by_header_and_query(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        default = news(client, size=1).json()[0]
        by_header = client.get(
            NEWS_PATH,
            params={"projects": "eq:test-akimat", "size": 1},
            headers={"Accept-Language": "kk-KZ,kk;q=0.9"},
        ).json()[0]
        query_wins = client.get(
            NEWS_PATH,
            params={"projects": "eq:test-akimat", "size": 1, "lang": "en"},
            headers={"Accept-Language": "kk"},
        ).json()[0]
        missing = client.get(NEWS_PATH, params={"projects": "test-ministry", "lang": "kk"})
    assert default["id"] == by_header["id"] == query_wins["id"] == 1007
    assert default["title"].startswith("Тестовое")
    assert by_header["title"].startswith("Сынақ")
    assert query_wins["title"].startswith("Test")
    assert missing.json() == []


def test_created_date_filters(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        newer = news(client, created_date="gt:2025-06-01T13:00:00").json()
        gte = news(client, created_date="gte:2025-06-01T13:00:00")
    # items are at 10:00, 11:00, ... 16:00 (+05:00); strictly after 13:00 → 14, 15, 16 h
    assert [i["id"] for i in newer] == [1007, 1006, 1005]
    assert gte.status_code == 500


def test_detail_endpoint(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        found = client.get(f"{NEWS_PATH}/1003", params={"lang": "en"})
        absent = client.get(f"{NEWS_PATH}/999", params={"lang": "en"})
    assert found.status_code == 200 and found.json()["title"] == "Test announcement number 3"
    assert absent.status_code == 404


def test_malformed_sample_is_served_raw(replay_dir: Path, make_replay_server) -> None:
    broken = replay_dir / "test-broken"
    broken.mkdir()
    (broken / "5001.ru.json").write_text('{"id": 5001, "title": "no end', encoding="utf-8")
    server = make_replay_server(replay_dir)
    with httpx.Client(base_url=server.base_url) as client:
        ticket(client)
        response = client.get(NEWS_PATH, params={"projects": "eq:test-broken"})
    assert response.status_code == 200
    assert response.content == b'[{"id": 5001, "title": "no end]'
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_status_retry_after_then_normal(replay_server: ReplayServer) -> None:
    fault = replay_server.faults.add("*/content-manager/news", status=429, retry_after=2, times=1)
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        first, second = news(client), news(client)
    assert first.status_code == 429 and first.headers["retry-after"] == "2"
    assert second.status_code == 200
    assert fault.hits == 1 and replay_server.faults.pending == []


def test_faults_kinds(replay_server: ReplayServer) -> None:
    faults = replay_server.faults
    faults.add(NEWS_PATH, kind="drift", times=1)
    faults.add(NEWS_PATH, kind="malformed", times=1)
    faults.add(NEWS_PATH, kind="truncated", times=1)
    faults.add(NEWS_PATH, kind="reset", times=1)
    faults.add(NEWS_PATH, kind="delay", delay=0.2, times=1, query={"page": "2"})
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        assert news(client).json() == {"error": "drift", "items": []}
        with pytest.raises(json.JSONDecodeError):
            news(client).json()
        with pytest.raises(httpx.RemoteProtocolError):
            news(client)
        with pytest.raises(httpx.RemoteProtocolError):
            news(client)
        assert news(client).status_code == 200  # page 1: the page-2 delay does not match
        slow = news(client, page=2)
    assert slow.status_code == 200 and slow.elapsed.total_seconds() >= 0.2
    assert faults.pending == []


def test_fault_spec_parsing() -> None:
    plan = FaultPlan()
    fault = plan.add_spec("*/content-manager/news:status:429,retry_after=1,times=2")
    assert (fault.path_glob, fault.kind, fault.status, fault.times) == (
        "*/content-manager/news",
        "status",
        429,
        2,
    )
    drift = plan.add_spec("*/news:drift,times=inf")
    assert drift.kind == "drift" and drift.times is None
    with pytest.raises(ValueError):
        plan.add_spec("*:status,bogus=1")


def test_requests_are_recorded(replay_server: ReplayServer) -> None:
    with httpx.Client(base_url=replay_server.base_url, headers={"User-Agent": "probe/1"}) as c:
        ticket(c)
        news(c)
    seen = replay_server.requests_to("/content-manager/news")
    assert seen[-1].status == 200 and seen[-1].headers["User-Agent"] == "probe/1"
    assert seen[-1].query["projects"] == "eq:test-akimat"


def test_samples_are_reread_when_changed(replay_server: ReplayServer, replay_dir: Path) -> None:
    with httpx.Client(base_url=replay_server.base_url) as client:
        ticket(client)
        before = news(client, size=1, lang="en").json()[0]
        path = replay_dir / "test-akimat" / "1007.en.json"
        item = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps({**item, "title": "Edited title"}), encoding="utf-8")
        after = news(client, size=1, lang="en").json()[0]
    assert before["title"] != "Edited title" and after["title"] == "Edited title"
