"""WARC raw archive: every exchange is kept, and items stream back out with provenance."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from warcio.archiveiterator import ArchiveIterator

from scrapers.archive import (
    H_ENTITY,
    H_KIND,
    H_LANG,
    OPEN_SUFFIX,
    RawItem,
    RawItemError,
    WarcArchive,
    incomplete_warc_files,
    iter_raw_items,
    list_warc_files,
)
from scrapers.client import CrawlFailed, crawl
from scrapers.replay import NEWS_PATH, ReplayServer

FAST: dict[str, Any] = {"backoff_base": 0.01, "backoff_max": 0.05, "rate_per_host": None}


def records(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                out.append(
                    {
                        "type": rec.rec_type,
                        "url": rec.rec_headers.get_header("WARC-Target-URI"),
                        "kind": rec.rec_headers.get_header(H_KIND),
                        "entity": rec.rec_headers.get_header(H_ENTITY),
                        "lang": rec.rec_headers.get_header(H_LANG),
                        "status": rec.http_headers.get_statuscode()
                        if rec.rec_type == "response"
                        else None,
                        "ua": rec.http_headers.get_header("User-Agent")
                        if rec.rec_type == "request"
                        else None,
                    }
                )
    return out


async def test_crawl_round_trip(replay_server: ReplayServer, tmp_path: Path) -> None:
    replay_server.faults.add(NEWS_PATH, status=429, retry_after=0, times=1)
    archive_dir = tmp_path / "warc"
    stats = await crawl(
        replay_server.base_url,
        ["test-akimat", "test-ministry"],
        ["ru", "kk", "en"],
        archive_dir=archive_dir,
        page_size=3,
        **FAST,
    )
    assert stats.items == 7 * 3 + 3
    assert [j.error for j in stats.failures] == []
    ministry_kk = next(j for j in stats.jobs if (j.entity, j.lang) == ("test-ministry", "kk"))
    assert ministry_kk.items == 0  # that language version does not exist: an empty list
    assert stats.client.retries == 1 and stats.client.status_counts[429] == 1
    json.dumps(stats.as_dict())  # report-ready

    files = list_warc_files(archive_dir)
    assert files == stats.warc_files and len(files) == 1
    assert files[0].name.startswith("govkz-") and incomplete_warc_files(archive_dir) == []

    # every exchange is archived, the handshake and the 429 included, with request + response
    recs = records(files)
    responses = [r for r in recs if r["type"] == "response"]
    assert len(responses) == stats.client.requests
    assert sum(r["type"] == "request" for r in recs) == stats.client.requests
    assert {r["status"] for r in responses} == {"200", "429"}
    assert any(r["kind"] == "challenge" for r in responses)
    assert all(r["ua"].startswith("govkz-press/") for r in recs if r["type"] == "request")

    results = list(iter_raw_items(files))
    assert all(isinstance(r, RawItem) for r in results)
    items = [r for r in results if isinstance(r, RawItem)]
    by_key = {(r.entity, r.lang, r.item["id"]): r for r in items}
    assert len(by_key) == 24 == len(items)
    assert by_key[("test-akimat", "kk", 1003)].item["title"] == "Сынақ хабарламасы нөмірі 3"
    assert by_key[("test-akimat", "en", 1003)].item["title"] == "Test announcement number 3"

    # sha256 is of the body bytes as served: fetch the same URL again with a fresh ticket
    sample = by_key[("test-akimat", "en", 1003)]
    assert sample.source.warc_file == files[0].name
    assert sample.source.warc_record_id and sample.source.warc_record_id.startswith("<urn:uuid:")
    assert sample.source.fetched_at.tzinfo is not None
    with httpx.Client() as client:
        client.post(replay_server.base_url + "/api/v1/public/_/c/k6", json={})
        again = client.get(sample.source.endpoint)
    assert hashlib.sha256(again.content).hexdigest() == sample.source.sha256


async def test_malformed_response_gives_error_and_rest_survives(
    replay_server: ReplayServer, tmp_path: Path
) -> None:
    replay_server.faults.add(
        NEWS_PATH, kind="malformed", query={"projects": "eq:test-akimat", "page": "2"}
    )
    archive_dir = tmp_path / "warc"
    with pytest.raises(CrawlFailed) as info:
        await crawl(
            replay_server.base_url,
            ["test-akimat", "test-ministry"],
            ["ru"],
            archive_dir=archive_dir,
            page_size=3,
            **FAST,
        )
    stats = info.value.stats
    assert "ApiDriftError" in str(info.value) and "not JSON" in str(info.value)
    assert [(j.entity, j.error is None) for j in stats.jobs] == [
        ("test-akimat", False),
        ("test-ministry", True),
    ]
    assert list_warc_files(archive_dir) == stats.warc_files  # closed despite the failure

    results = list(iter_raw_items(stats.warc_files))
    errors = [r for r in results if isinstance(r, RawItemError)]
    items = [r for r in results if isinstance(r, RawItem)]
    assert len(errors) == 1
    assert "page=2" in errors[0].endpoint and "not valid JSON" in errors[0].message
    assert errors[0].warc_record_id
    assert sorted(i.item["id"] for i in items) == [1005, 1006, 1007, 2001, 2002, 2003]


async def test_non_strict_crawl_reports_drift(replay_server: ReplayServer, tmp_path: Path) -> None:
    replay_server.faults.add(NEWS_PATH, kind="drift", times=None)
    stats = await crawl(
        replay_server.base_url, ["test-akimat"], ["ru"], archive_dir=tmp_path, strict=False, **FAST
    )
    assert stats.items == 0 and len(stats.failures) == 1
    assert "ApiDriftError" in (stats.failures[0].error or "")
    errors = list(iter_raw_items(stats.warc_files))
    assert len(errors) == 1 and isinstance(errors[0], RawItemError)
    assert "expected a JSON array" in errors[0].message


def write_list(archive: WarcArchive, url: str, body: bytes, **kwargs: Any) -> None:
    archive.write_exchange(
        method="GET",
        url=url,
        request_headers=[("Accept-Language", "ru")],
        status=200,
        reason="OK",
        response_headers=[("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
        body=body,
        **kwargs,
    )


def test_open_file_until_closed_and_crash_evidence(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path)
    url = "https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:x&lang=kk"
    body = json.dumps([{"id": i, "title": f"t{i}"} for i in range(50)]).encode()
    for _ in range(5):
        write_list(archive, url, body)  # no entity/lang headers: taken from the URL
    current = archive.current_path
    assert current is not None and not current.exists()
    partial = current.with_name(current.name + OPEN_SUFFIX)
    assert partial.exists() and list_warc_files(tmp_path) == []
    archive.close()
    assert current.exists() and not partial.exists()
    assert list_warc_files(tmp_path) == [current]

    items = [r for r in iter_raw_items([current]) if isinstance(r, RawItem)]
    assert len(items) == 250 and {(i.entity, i.lang) for i in items} == {("x", "kk")}
    assert items[0].source.sha256 == hashlib.sha256(body).hexdigest()

    # a crashed writer leaves a torn `.open` file: what precedes the tear is still read
    torn = tmp_path / "govkz-19700101T000000Z-00001.warc.gz.open"
    data = current.read_bytes()
    torn.write_bytes(data[: len(data) - 500])  # cuts into the last response's body
    assert incomplete_warc_files(tmp_path) == [torn]
    assert list_warc_files(tmp_path) == [current]
    results = list(iter_raw_items([torn]))
    errors = [r.message for r in results if isinstance(r, RawItemError)]
    assert sum(isinstance(r, RawItem) for r in results) == 200
    assert len(errors) == 2 and "torn record" in errors[0]
    assert "incomplete WARC file" in errors[1]
    assert list(iter_raw_items([torn], include_incomplete=False)) == []
    # garbage in the middle of a gzip stream is reported, not raised
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(data[:1000] + b"\x00junk" * 50)
    tail = list(iter_raw_items([garbage]))
    assert isinstance(tail[-1], RawItemError)


def test_rotation_and_non_news_records_skipped(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path, max_file_bytes=1)
    news = "https://www.gov.kz/api/v1/public/content-manager/news?projects=eq:a"
    write_list(archive, news, b'[{"id": 1}]', entity="a", lang="ru")
    write_list(archive, "https://www.gov.kz/api/v1/public/_/c/k6", b'{"token": "t"}')
    write_list(archive, news.replace("?", "/7?"), b'{"id": 7}', entity="a", lang="en")
    archive.close()
    files = list_warc_files(tmp_path)
    assert len(files) == 3 and files == archive.finished
    got = [(r.item["id"], r.lang) for r in iter_raw_items(files) if isinstance(r, RawItem)]
    assert got == [(1, "ru"), (7, "en")]
    # the content-decoded body is stored, so the encoding header is moved aside
    with files[0].open("rb") as fh:
        resp = next(r for r in ArchiveIterator(fh) if r.rec_type == "response")
        assert resp.http_headers.get_header("Content-Encoding") is None
        assert resp.http_headers.get_header("X-Govkz-Original-Content-Encoding") == "gzip"
        assert resp.http_headers.get_header("Content-Length") == "11"


async def test_concurrent_crawl_shares_and_renews_tickets(
    replay_dir: Path, make_replay_server, tmp_path: Path
) -> None:
    server = make_replay_server(replay_dir, ticket_uses=3)
    stats = await crawl(
        server.base_url,
        ["test-akimat", "test-ministry"],
        ["ru", "kk", "en"],
        archive_dir=tmp_path / "warc",
        page_size=2,
        concurrency=4,
        **FAST,
    )
    assert stats.items == 24 and stats.failures == []
    assert stats.client.rehandshakes >= 1
    assert stats.client.handshakes == server.tickets.issued
    keys = {
        (r.entity, r.lang, r.item["id"])
        for r in iter_raw_items(stats.warc_files)
        if isinstance(r, RawItem)
    }
    assert len(keys) == 24
