"""Scheduled batch runs (`govkz run --config`) against the replay server over real HTTP.

The items are made up here, in a tmp_path directory (never corpus/samples/). Behaviour that
is about processes — SIGKILL, the corpus lock, exit codes, log lines — runs the real CLI as
a subprocess; the rest runs BatchRun in-process against the same server. No fact is
asserted: the extraction rules belong to other work and change.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pipeline.batch import BatchRun, CorpusDamaged, corpus_paths
from pipeline.run_config import ConfigError, RunConfig, load_config
from pipeline.run_state import RunState
from scrapers.entities import load_entities
from scrapers.replay import NEWS_PATH, ReplayServer

REPO = Path(__file__).resolve().parent.parent
ASTANA = timezone(timedelta(hours=5))
T0 = datetime(2025, 6, 2, 9, 0, 0, tzinfo=ASTANA)
LANGS = ("ru", "kk", "en")
TITLES = {"ru": "Пробное сообщение {n}", "kk": "Сынақ хабарлама {n}", "en": "Trial notice {n}"}

# entity -> number of items (each in ru, kk and en); ids are global, as on gov.kz
CORPUS = {"ent-alpha": 5, "ent-beta": 3}
FIRST_ID = {"ent-alpha": 7001, "ent-beta": 8001}


def _govkz() -> list[str]:
    exe = Path(sys.executable).parent / "govkz"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]


# ------------------------------------------------------------------ test data and config


def item_path(root: Path, entity: str, news_id: int, lang: str) -> Path:
    return root / entity / f"{news_id}.{lang}.json"


def write_item(
    root: Path,
    entity: str,
    news_id: int,
    lang: str,
    n: int,
    body: str,
    created: datetime | None = None,
) -> None:
    created = created or T0 + timedelta(hours=n)
    item = {
        "id": news_id,
        "title": TITLES[lang].format(n=n),
        "slug": f"trial-{news_id}",
        "created_date": created.isoformat(timespec="milliseconds"),
        "short_description": None,
        "body": body,
        "heropic": f"/uploads/2025/6/2/{news_id:032x}_original.{news_id}.jpg",
        "projects": entity,
    }
    path = item_path(root, entity, news_id, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")


def make_samples(root: Path) -> set[tuple[str, int, str]]:
    """Write CORPUS; return every (entity, id, lang) a complete corpus must hold."""
    keys: set[tuple[str, int, str]] = set()
    for entity, count in CORPUS.items():
        for n in range(count):
            news_id = FIRST_ID[entity] + n
            for lang in LANGS:
                write_item(root, entity, news_id, lang, n, f"<p>Paragraph {n} of {entity}.</p>")
                keys.add((entity, news_id, lang))
    return keys


def write_config(
    path: Path,
    *,
    entities: list[str] | None = None,
    lookback_days: float = 30,
    **politeness: Any,
) -> Path:
    pol = {
        "rate_per_host": 1000,
        "backoff_base": 0.01,
        "max_retries": 1,
        "timeout": 20,
        "page_size": 50,
        **politeness,
    }
    lines = [
        'output = "corpus"',
        f"entities = {json.dumps(entities or list(CORPUS))}",
        'languages = ["ru", "kk", "en"]',
        "start_date = 2025-01-01",
        f"lookback_days = {lookback_days}",
        "",
        "[politeness]",
        *(f"{k} = {v}" for k, v in pol.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def samples(tmp_path: Path) -> tuple[Path, set[tuple[str, int, str]]]:
    root = tmp_path / "samples"
    return root, make_samples(root)


@pytest.fixture
def server(samples: tuple[Path, set[tuple[str, int, str]]]) -> Iterator[ReplayServer]:
    with ReplayServer(samples[0], host="127.0.0.1", port=0) as srv:
        yield srv


def config_for(tmp_path: Path, server: ReplayServer, **kwargs: Any) -> RunConfig:
    config = load_config(write_config(tmp_path / "corpus.toml", **kwargs))
    config.base_url = server.base_url
    return config


# ------------------------------------------------------------------ reading the corpus


def read_records(output: Path) -> list[dict[str, Any]]:
    """Every record line of the committed segments (what a reader of records/*.jsonl sees)."""
    rows: list[dict[str, Any]] = []
    for path in sorted((output / "records").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def record_keys(rows: list[dict[str, Any]]) -> Counter[tuple[str, int, str, int]]:
    return Counter((r["entity"], r["id"], r["lang"], r["version"]) for r in rows)


def assert_no_duplicates(output: Path) -> Counter[tuple[str, int, str, int]]:
    keys = record_keys(read_records(output))
    dupes = {k: n for k, n in keys.items() if n > 1}
    assert not dupes, f"records written twice: {dupes}"
    return keys


def assert_complete(output: Path, expected: set[tuple[str, int, str]]) -> None:
    """Every (entity, id, lang, version) exactly once, every expected release present."""
    keys = assert_no_duplicates(output)
    assert {(e, i, lang) for e, i, lang, _ in keys} == expected
    assert not list((output / "records").glob(".*.part")), "a segment was left half-done"
    with sqlite3.connect(output / "state.sqlite") as db:
        rows = db.execute("SELECT entity, news_id, lang, version FROM releases").fetchall()
    assert Counter(tuple(r) for r in rows) == keys  # the state and the files agree


# ------------------------------------------------------------------ running the CLI


def run_cli(*args: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_govkz(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def start_cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*_govkz(), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def json_lines(stderr: str) -> list[dict[str, Any]]:
    """Every stderr line must be one JSON object (not a terminal → structured logs)."""
    events = []
    for line in stderr.splitlines():
        if line.strip():
            events.append(json.loads(line))
    return events


def wait_for(predicate: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            _out, err = proc.communicate()
            raise AssertionError(f"run ended (rc {proc.returncode}) before {what}:\n{err[-3000:]}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"timed out waiting for {what}")


def saw_list_request(server: ReplayServer, **query: str) -> Callable[[], bool]:
    def check() -> bool:
        return any(
            all(r.query.get(k) == v for k, v in query.items())
            for r in server.requests_to("/content-manager/news")
        )

    return check


def sigkill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def list_requests(server: ReplayServer) -> Counter[tuple[str, str]]:
    return Counter(
        (r.query.get("projects", ""), r.query.get("lang", ""))
        for r in server.requests_to("/content-manager/news")
        if r.method == "GET"
    )


# ================================================================== tests


def test_two_runs_in_a_row_second_writes_nothing(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = write_config(tmp_path / "corpus.toml")
    output = tmp_path / "corpus"

    first = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert_complete(output, samples[1])
    segments = {p.name: p.read_bytes() for p in (output / "records").glob("*.jsonl")}
    assert len(segments) == len(CORPUS) * len(LANGS)  # one segment per entity and language

    # structured log lines, one JSON object per event
    events = json_lines(first.stderr)
    kinds = [e.get("event") for e in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert kinds.count("segment_committed") == len(segments)
    assert kinds.count("stream_done") == len(segments)
    assert all({"ts", "level", "logger", "msg"} <= set(e) for e in events)
    assert events[-1]["outcome"] == "ok" and events[-1]["report"].endswith(".json")

    # the run report, per entity and language
    report = json.loads((output / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "ok"
    assert (output / "reports" / f"run-{report['run_id']}.json").exists()
    streams = {(s["entity"], s["lang"]): s for s in report["streams"]}
    assert set(streams) == {(e, lang) for e in CORPUS for lang in LANGS}
    for (entity, _lang), s in streams.items():
        assert s["seen"] == s["new"] == CORPUS[entity]
        assert s["updated"] == s["failed"] == 0
        assert isinstance(s["facts"], dict)
        assert s["requests"] >= 1 and s["retries"] == 0 and s["seconds"] >= 0
        assert s["outcome"] == "ok" and s["segment"] and s["warc_files"]
    assert report["totals"]["new"] == len(samples[1])

    server.requests.clear()
    second = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    after = {p.name: p.read_bytes() for p in (output / "records").glob("*.jsonl")}
    assert after == segments  # nothing new written, nothing rewritten
    assert_complete(output, samples[1])
    report2 = json.loads((output / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert report2["run_id"] != report["run_id"]
    assert report2["totals"]["new"] == report2["totals"]["updated"] == 0
    assert all(s["segment"] is None for s in report2["streams"])
    # at most one list request per entity and language
    per_stream = list_requests(server)
    assert set(per_stream) == {(f"eq:{e}", lang) for e in CORPUS for lang in LANGS}
    assert max(per_stream.values()) == 1


def test_second_run_asks_only_for_what_is_new(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    """With no look-back the watermark alone bounds the request, and new items are picked up."""
    config = config_for(tmp_path, server, lookback_days=0)
    assert BatchRun(config).execute().outcome == "ok"
    root, expected = samples
    news_id = FIRST_ID["ent-alpha"] + CORPUS["ent-alpha"]
    for lang in LANGS:
        write_item(root, "ent-alpha", news_id, lang, 40, "<p>A later release.</p>")
    server.requests.clear()
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    new = {(s.entity, s.lang): s.new for s in report.streams}
    assert new == {(e, lang): int(e == "ent-alpha") for e in CORPUS for lang in LANGS}
    assert all(s.seen == s.new for s in report.streams)  # nothing old was fetched again
    since = {
        r.query.get("created_date")
        for r in server.requests_to("/content-manager/news")
        if r.query.get("projects") == "eq:ent-beta"
    }
    assert since == {f"gt:{(T0 + timedelta(hours=CORPUS['ent-beta'] - 1)):%Y-%m-%dT%H:%M:%S}"}
    assert_complete(config.output, expected | {("ent-alpha", news_id, lang) for lang in LANGS})


def test_edited_release_becomes_version_2(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    root, expected = samples
    config = config_for(tmp_path, server)
    assert BatchRun(config).execute().outcome == "ok"

    edited = FIRST_ID["ent-alpha"] + 1
    write_item(root, "ent-alpha", edited, "ru", 1, "<p>Paragraph 1, corrected after release.</p>")
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    stream = next(s for s in report.streams if (s.entity, s.lang) == ("ent-alpha", "ru"))
    assert (stream.new, stream.updated, stream.unchanged) == (0, 1, CORPUS["ent-alpha"] - 1)
    assert sum(s.updated for s in report.streams) == 1

    keys = assert_no_duplicates(config.output)
    assert keys[("ent-alpha", edited, "ru", 1)] == 1 and keys[("ent-alpha", edited, "ru", 2)] == 1
    assert_complete(config.output, expected)
    # the reader's rule: the highest version of (entity, id, lang) is the current text
    latest: dict[tuple[str, int, str], dict[str, Any]] = {}
    for rec in read_records(config.output):
        key = (rec["entity"], rec["id"], rec["lang"])
        if key not in latest or rec["version"] > latest[key]["version"]:
            latest[key] = rec
    assert "corrected after release" in latest[("ent-alpha", edited, "ru")]["text"]
    assert latest[("ent-alpha", edited, "kk")]["version"] == 1

    state = RunState(corpus_paths(config.output)["state"])
    try:
        versions = state.versions("ent-alpha", edited, "ru")
        assert [(v.version, v.superseded) for v in versions] == [(1, True), (2, False)]
        assert versions[0].content_sha256 != versions[1].content_sha256
        assert state.corpus_size() == (len(expected), 1)
        row = next(s for s in state.status() if (s.entity, s.lang) == ("ent-alpha", "ru"))
        assert (row.releases, row.superseded) == (CORPUS["ent-alpha"], 1)
    finally:
        state.close()

    shown = run_cli("status", "--config", str(tmp_path / "corpus.toml"), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert f"{len(expected)} current record versions, 1 superseded" in shown.stdout
    alpha_ru = next(
        line for line in shown.stdout.splitlines() if "ent-alpha" in line and " ru " in line
    )
    cells = [cell.strip() for cell in alpha_ru.split("│")]
    assert cells[-3:-1] == [str(CORPUS["ent-alpha"]), "1"]  # releases, superseded

    # a third run with the same content writes nothing new
    third = BatchRun(config).execute()
    assert third.outcome == "ok" and sum(s.new + s.updated for s in third.streams) == 0


def test_sigkill_during_fetch_then_restart(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = write_config(tmp_path / "corpus.toml", page_size=2)  # ent-alpha: 3 pages
    output = tmp_path / "corpus"
    server.faults.add(
        NEWS_PATH,
        kind="delay",
        delay=8,
        method="GET",
        query={"projects": "eq:ent-alpha", "lang": "ru", "page": "2"},
    )
    proc = start_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    wait_for(
        saw_list_request(server, projects="eq:ent-alpha", lang="ru", page="2"),
        proc,
        "the second page of the first stream",
    )
    time.sleep(0.3)
    sigkill(proc)
    assert read_records(output) == []  # nothing committed yet
    raw_run = next((output / "raw").iterdir())
    assert list(raw_run.glob("*.warc.gz.open"))  # the torn archive is evident

    again = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_complete(output, samples[1])
    report = json.loads((output / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert report["totals"]["new"] == len(samples[1])
    with sqlite3.connect(output / "state.sqlite") as db:
        outcomes = dict(db.execute("SELECT run_id, outcome FROM runs").fetchall())
    assert sorted(outcomes.values()) == ["crashed", "ok"]


def test_sigkill_after_first_segments_then_restart(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = write_config(tmp_path / "corpus.toml")
    output = tmp_path / "corpus"
    server.faults.add(
        NEWS_PATH,
        kind="delay",
        delay=8,
        method="GET",
        query={"projects": "eq:ent-beta", "lang": "ru"},
    )
    proc = start_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    wait_for(
        saw_list_request(server, projects="eq:ent-beta", lang="ru"), proc, "the ent-beta stream"
    )
    time.sleep(0.3)
    sigkill(proc)
    # ent-alpha's three streams were committed before the kill and are whole
    keys = assert_no_duplicates(output)
    alpha = {k for k in samples[1] if k[0] == "ent-alpha"}
    assert {(e, i, lang) for e, i, lang, _ in keys} == alpha

    server.requests.clear()
    again = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_complete(output, samples[1])
    report = json.loads((output / "reports" / "latest.json").read_text(encoding="utf-8"))
    new = {(s["entity"], s["lang"]): s["new"] for s in report["streams"]}
    assert new == {
        (e, lang): 0 if e == "ent-alpha" else CORPUS[e] for e in CORPUS for lang in LANGS
    }


def test_sigkill_at_many_moments_loses_and_duplicates_nothing(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    """Kill runs at several points (in fetch, in extraction, around commits: wherever the
    moments land); after each kill the committed files hold no duplicate and no torn line,
    and a last run completes the corpus."""
    config = write_config(tmp_path / "corpus.toml", page_size=2)
    output = tmp_path / "corpus"
    server.faults.add(NEWS_PATH, kind="delay", delay=0.1, method="GET", times=None)
    for nth, extra in ((1, 0.0), (4, 0.3), (5, 0.9), (8, 0.5), (10, 1.2)):
        server.requests.clear()
        proc = start_cli(
            "run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path
        )
        wait_for(
            lambda n=nth: sum(list_requests(server).values()) >= n, proc, f"list request {nth}"
        )
        time.sleep(extra)
        if proc.poll() is None:
            sigkill(proc)
        else:
            proc.communicate()
        assert_no_duplicates(output)
        for path in (output / "records").glob("*.jsonl"):
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line)  # a committed segment is never half-written
    final = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert final.returncode == 0, final.stderr[-3000:]
    assert_complete(output, samples[1])


def test_recovery_finishes_committed_segments_and_drops_the_rest(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    """The on-disk states a kill can leave between write, commit and rename."""
    config = config_for(tmp_path, server)
    assert BatchRun(config).execute().outcome == "ok"
    records = config.output / "records"
    # killed after the commit, before the rename: the segment exists only as .part
    committed = sorted(records.glob("*.jsonl"))[0]
    committed.rename(records / f".{committed.name}.part")
    # killed before the commit: a .part the state does not know
    (records / ".19990101T000000000000Z.ent-alpha.ru.jsonl.part").write_text(
        '{"half": ', encoding="utf-8"
    )
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    assert report.recovered["renamed"] == [committed.name]
    assert report.recovered["discarded"] == ["19990101T000000000000Z.ent-alpha.ru.jsonl"]
    assert committed.exists()
    assert_complete(config.output, samples[1])

    # a committed segment that vanished is reported loudly, not papered over
    committed.unlink()
    with pytest.raises(CorpusDamaged, match=committed.name):
        BatchRun(config).execute()


def test_concurrent_second_run_is_refused_at_once(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = write_config(tmp_path / "corpus.toml")
    server.faults.add(NEWS_PATH, kind="delay", delay=10, method="GET")
    first = start_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    wait_for(saw_list_request(server), first, "the first run to start fetching")

    started = time.monotonic()
    second = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert second.returncode == 4, second.stderr
    assert first.poll() is None  # refused while the first run holds the lock, not after
    assert elapsed < 9
    events = json_lines(second.stderr)
    assert [e.get("event") for e in events] == ["locked"]
    refusal = events[0]["msg"]
    assert "another govkz run holds the lock" in refusal
    assert f"pid {first.pid}" in refusal and str(tmp_path / "corpus") in refusal

    _out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err[-3000:]  # the first run was not disturbed
    assert_complete(tmp_path / "corpus", samples[1])


def test_one_failing_entity_does_not_stop_the_others(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = write_config(tmp_path / "corpus.toml")
    output = tmp_path / "corpus"
    broken = server.faults.add(
        NEWS_PATH, status=500, times=None, method="GET", query={"projects": "eq:ent-beta"}
    )
    result = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert result.returncode == 3, result.stderr[-3000:]
    assert broken.hits == len(LANGS) * 2  # each ent-beta stream: one try and one retry

    report = json.loads((output / "reports" / "latest.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "partial"
    assert report["totals"]["streams_failed"] == [f"ent-beta/{lang}" for lang in LANGS]
    for s in report["streams"]:
        if s["entity"] == "ent-beta":
            assert s["outcome"] == "failed" and "HTTP 500" in s["error"] and s["retries"] == 1
        else:
            assert s["outcome"] == "ok" and s["new"] == CORPUS["ent-alpha"]
    assert_complete(output, {k for k in samples[1] if k[0] == "ent-alpha"})
    events = json_lines(result.stderr)
    assert events[-1]["event"] == "run_finished" and events[-1]["outcome"] == "partial"
    failures = [e for e in events if e.get("event") == "fetch_failed"]
    assert {(e["entity"], e["lang"]) for e in failures} == {("ent-beta", lang) for lang in LANGS}

    # gov.kz is back: the next run fetches what was missed, and only that
    server.faults.clear()
    again = run_cli("run", "--config", str(config), "--base-url", server.base_url, cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_complete(output, samples[1])


def test_drift_for_one_stream_is_partial(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = config_for(tmp_path, server)
    server.faults.add(
        NEWS_PATH, kind="drift", times=None, query={"projects": "eq:ent-beta", "lang": "kk"}
    )
    report = BatchRun(config).execute()
    assert report.outcome == "partial"
    failed = [s for s in report.streams if s.outcome != "ok"]
    assert [(s.entity, s.lang, s.outcome) for s in failed] == [("ent-beta", "kk", "failed")]
    assert failed[0].error is not None and "ApiDriftError" in failed[0].error
    state = RunState(corpus_paths(config.output)["state"])
    try:
        assert state.watermark("ent-beta", "kk") is None  # it will be fetched again in full
        assert state.watermark("ent-beta", "ru") is not None
    finally:
        state.close()
    server.faults.clear()
    assert BatchRun(config).execute().outcome == "ok"
    assert_complete(config.output, samples[1])


def test_failure_on_a_later_page_keeps_the_earlier_pages(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    config = config_for(tmp_path, server, page_size=2)
    server.faults.add(
        NEWS_PATH,
        status=503,
        times=None,
        method="GET",
        query={"projects": "eq:ent-alpha", "lang": "ru", "page": "2"},
    )
    report = BatchRun(config).execute()
    assert report.outcome == "partial"
    stream = next(s for s in report.streams if (s.entity, s.lang) == ("ent-alpha", "ru"))
    assert (stream.outcome, stream.new) == ("failed", 2)  # the newest page was committed
    assert stream.watermark is None  # so the whole stream is asked for again next time
    server.faults.clear()
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    stream = next(s for s in report.streams if (s.entity, s.lang) == ("ent-alpha", "ru"))
    assert (stream.new, stream.unchanged) == (CORPUS["ent-alpha"] - 2, 2)
    assert_complete(config.output, samples[1])


def test_an_item_that_cannot_be_extracted_is_reported_and_retried(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    root, expected = samples
    bad_id = FIRST_ID["ent-beta"] + 1
    path = item_path(root, "ent-beta", bad_id, "en")
    item = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**item, "title": "", "body": ""}), encoding="utf-8")
    config = config_for(tmp_path, server, lookback_days=0)
    report = BatchRun(config).execute()
    assert report.outcome == "partial"
    stream = next(s for s in report.streams if (s.entity, s.lang) == ("ent-beta", "en"))
    assert (stream.outcome, stream.failed, stream.new) == ("partial", 1, CORPUS["ent-beta"] - 1)
    assert f"ent-beta/{bad_id}/en" in stream.errors[0]
    assert_complete(config.output, expected - {("ent-beta", bad_id, "en")})

    path.write_text(json.dumps(item), encoding="utf-8")  # fixed at the source
    # even with no look-back, the watermark stayed below the failed item: it is fetched again
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    assert sum(s.new for s in report.streams) == 1
    assert_complete(config.output, expected)


def test_a_release_dated_in_the_future_does_not_stall_its_stream(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    root, expected = samples
    future = FIRST_ID["ent-beta"] + 50
    write_item(root, "ent-beta", future, "ru", 24 * 365 * 80, "<p>Misdated release.</p>")
    config = config_for(tmp_path, server, lookback_days=0)
    assert BatchRun(config).execute().outcome == "ok"
    later = FIRST_ID["ent-beta"] + 51
    now = datetime.now(ASTANA).replace(microsecond=0) + timedelta(seconds=1)
    write_item(root, "ent-beta", later, "ru", 48, "<p>Published after the first run.</p>", now)
    report = BatchRun(config).execute()
    stream = next(s for s in report.streams if (s.entity, s.lang) == ("ent-beta", "ru"))
    assert (stream.new, stream.unchanged) == (1, 1)
    assert_complete(config.output, expected | {("ent-beta", i, "ru") for i in (future, later)})


def test_search_index_is_updated_when_present(
    tmp_path: Path, server: ReplayServer, samples: tuple[Path, set[tuple[str, int, str]]]
) -> None:
    from pipeline.index import connect

    root, expected = samples
    config = config_for(tmp_path, server)
    index_path = corpus_paths(config.output)["index"]
    index_path.parent.mkdir(parents=True)
    connect(index_path).close()  # an empty index: the corpus opted in

    report = BatchRun(config).execute()
    assert report.outcome == "ok", report.index
    assert report.index is not None and report.index["added"] == len(expected)
    edited = FIRST_ID["ent-beta"]
    write_item(root, "ent-beta", edited, "kk", 0, "<p>Paragraph 0, edited.</p>")
    report = BatchRun(config).execute()
    assert report.outcome == "ok"
    assert report.index is not None and report.index["segments"] == 1
    assert report.index["updated"] == 1 and report.index["added"] == 0
    with sqlite3.connect(index_path) as db:
        assert db.execute("SELECT COUNT(*) FROM releases").fetchone()[0] == len(expected)
        version = db.execute(
            "SELECT version FROM releases WHERE govkz_id=? AND lang='kk'", (edited,)
        ).fetchone()[0]
    assert version == 2
    report = BatchRun(config).execute()
    assert report.index == {"path": str(index_path), "segments": 0}


def test_no_index_is_created_unasked(tmp_path: Path, server: ReplayServer) -> None:
    config = config_for(tmp_path, server)
    report = BatchRun(config).execute()
    assert report.index is None and not corpus_paths(config.output)["index"].exists()


# ------------------------------------------------------------------ configuration


def test_config_errors_exit_5_naming_file_and_field(tmp_path: Path) -> None:
    missing = run_cli("run", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert missing.returncode == 5
    assert "nope.toml: no such config file" in json_lines(missing.stderr)[0]["msg"]

    bad = write_config(tmp_path / "bad.toml", rate_per_host=0)
    result = run_cli("run", "--config", str(bad), cwd=tmp_path)
    assert result.returncode == 5
    msg = json_lines(result.stderr)[0]["msg"]
    assert str(bad) in msg and "politeness.rate_per_host" in msg

    status = run_cli("status", "--config", str(bad), cwd=tmp_path)
    assert status.returncode == 5 and "politeness.rate_per_host" in status.stderr


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('entities = ["x"]\nstart_date = 2025-01-01\n', "output"),
        ('output = "d"\nentities = []\nstart_date = 2025-01-01\n', "entities"),
        ('output = "d"\nentities = ["a b"]\nstart_date = 2025-01-01\n', "entities.0"),
        ('output = "d"\nentities = ["a", "a"]\nstart_date = 2025-01-01\n', "entities"),
        ('output = "d"\nentities = ["a"]\nstart_date = "soon"\n', "start_date"),
        (
            'output = "d"\nentities = ["a"]\nstart_date = 2025-01-01\nlanguages = ["de"]\n',
            "languages.0",
        ),
        ('output = "d"\nentites = ["a"]\nstart_date = 2025-01-01\n', "entites"),
        (
            'output = "d"\nentities = ["a"]\nstart_date = 2025-01-01\nbase_url = "ftp:x"\n',
            "base_url",
        ),
        (
            'output = "d"\nentities = ["a"]\nstart_date = 2025-01-01\n'
            "[politeness]\npage_size = 500\n",
            "politeness.page_size",
        ),
        ('output = "d"\nentities = ["a"\n', "cannot read TOML"),
    ],
)
def test_config_validation_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: ") and field in str(err.value)


def test_relative_output_is_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = write_config(tmp_path / "sub" / "c.toml")
    assert load_config(path).output == (tmp_path / "sub" / "corpus").resolve()


def test_example_config_covers_anticorruption_and_akimats() -> None:
    example = REPO / "corpus" / "example-corpus.toml"
    config = load_config(example)
    wanted = [e["slug"] for e in load_entities() if e["kind"] in ("anticorruption", "akimat")]
    assert sorted(config.entities) == sorted(wanted)
    assert len(wanted) == 40  # 17 regions and 3 cities, each a department and an akimat
    assert config.output == (REPO / "corpus" / "data" / "example").resolve()
    assert config.base_url == "https://www.gov.kz"
    assert config.politeness.rate_per_host <= 1 and config.politeness.concurrency <= 2


# ------------------------------------------------------------------ entities


def test_entities_list_and_check(tmp_path: Path) -> None:
    rows = load_entities()
    slugs = [e["slug"] for e in rows]
    assert len(slugs) == len(set(slugs))
    assert {"anticorruption", "akimat"} <= {e["kind"] for e in rows}

    root = tmp_path / "samples"
    write_item(root, "minfin", 9001, "ru", 0, "<p>Budget note.</p>")
    with ReplayServer(root, host="127.0.0.1", port=0) as srv:
        result = run_cli(
            "entities", "--check", "--kind", "ministry", "--base-url", srv.base_url, cwd=tmp_path
        )
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "[live (1 item)]" in lines["minfin"]
    assert "[empty]" in lines["mdai"]
    assert set(lines) == {e["slug"] for e in rows if e["kind"] == "ministry"}

    listed = run_cli("entities", cwd=tmp_path)
    assert listed.returncode == 0
    assert {line.split()[0] for line in listed.stdout.splitlines()} == set(slugs)
