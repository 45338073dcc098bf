"""The command line end to end: bad input is named and skipped, the rest is written,
output files appear whole, the schema is generated, and the demo runs the full path
(replay server → crawl over HTTP → WARC → extraction → records)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOVKZ = [sys.executable, "-m", "pipeline.cli"]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*GOVKZ, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )


def test_schema_is_json_schema_of_a_record() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"facts", "source", "extractor", "schema_version"} <= set(schema["properties"])


def test_extract_text_skips_bad_lines_by_name_and_writes_the_rest(tmp_path: Path) -> None:
    rows = [
        {"doc_id": "a", "lang": "ru", "title": None, "text": "В Зайсанском районе ВКО."},
        "this line is not JSON",
        {"doc_id": "b", "lang": "xx", "title": "T", "text": "unknown language"},
        {"doc_id": "c", "lang": "en", "title": "Zaisan", "text": "Works in Zaisan district."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = run("--log-json", "extract-text", str(src), "-o", str(out))
    assert result.returncode == 3, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["doc_id"] for r in records] == ["a", "c"]
    assert records[1]["title"] == "Zaisan"
    assert any(f["label"] == "DISTRICT" for f in records[0]["facts"])
    errors = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    skipped = " ".join(e["msg"] for e in errors if e["level"] == "error")
    assert "line 2" in skipped and "'b'" in skipped
    assert not list(tmp_path.glob(".*.part")), "no temporary file left behind"


def test_extract_text_writes_to_stdout_by_default(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc_id": 7, "lang": "en", "title": None, "text": "x"}), "utf-8")
    result = run("extract-text", str(src))
    assert result.returncode == 0
    assert json.loads(result.stdout)["doc_id"] == "7"


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    result = run("demo", "--output-dir", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    return out, result.stdout


def test_demo_crawls_the_samples_over_http_and_writes_records(demo_output) -> None:  # type: ignore[no-untyped-def]
    out, stdout = demo_output
    records = [json.loads(line) for line in (out / "records.jsonl").read_text("utf-8").splitlines()]
    samples = list((ROOT / "corpus" / "samples").glob("*/*.json"))
    assert len(records) == len(samples)
    assert str(out / "records.jsonl") in stdout
    assert {r["lang"] for r in records} == {"ru", "kk", "en"}
    for rec in records:
        assert rec["source"]["warc_file"] and rec["source"]["endpoint"].startswith("http://127.")
        assert rec["url"].startswith("https://www.gov.kz/memleket/entities/")
    seed = {r["lang"] for r in records if r["id"] == 1021338}
    assert seed == {"ru", "kk", "en"}


def test_demo_records_can_be_re_extracted_from_the_archive(demo_output, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _ = demo_output
    again = tmp_path / "again.jsonl"
    result = run("extract", str(out / "raw"), "-o", str(again))
    assert result.returncode == 0, result.stderr[-2000:]
    first = (out / "records.jsonl").read_text("utf-8").splitlines()
    assert again.read_text("utf-8").splitlines() == first


def _item(news_id: int, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": news_id,
        "title": f"Release {news_id}",
        "slug": f"release-{news_id}",
        "created_date": f"2025-06-{news_id:02d}T10:00:00.000+05:00",
        "short_description": None,
        "body": "<p>Works in Zaisan district must be completed by 31 December 2025.</p>",
        "heropic": None,
        "projects": "ent-a",
    }
    base.update(fields)
    return base


def test_run_skips_a_malformed_item_by_id_and_writes_the_rest(tmp_path: Path) -> None:
    from scrapers.replay import ReplayServer

    samples = tmp_path / "samples" / "ent-a"
    samples.mkdir(parents=True)
    items = [
        _item(1),
        _item(2, created_date="the day before yesterday"),
        _item(3, title=["not", "a", "string"]),
        _item(4),
    ]
    for item in items:
        (samples / f"{item['id']}.en.json").write_text(json.dumps(item), encoding="utf-8")
    out = tmp_path / "records.jsonl"
    with ReplayServer(samples.parent) as server:
        result = run(
            "--log-json",
            "run",
            "--entity",
            "ent-a",
            "--lang",
            "en",
            "--base-url",
            server.base_url,
            "--archive",
            str(tmp_path / "raw"),
            "-o",
            str(out),
        )
    assert result.returncode == 3, result.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == [1, 4]
    errors = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if line.startswith("{") and json.loads(line)["level"] == "error"
    ]
    named = " ".join(e["msg"] for e in errors)
    assert "ent-a/2/en" in named and "created_date" in named
    assert "ent-a/3/en" in named and "title" in named


def test_extract_writes_each_release_once_and_an_edit_as_version_2(tmp_path: Path) -> None:
    from scrapers.replay import ReplayServer

    samples = tmp_path / "samples" / "ent-a"
    samples.mkdir(parents=True)
    for item in (_item(1), _item(2)):
        (samples / f"{item['id']}.en.json").write_text(json.dumps(item), encoding="utf-8")
    archive = tmp_path / "raw"
    with ReplayServer(samples.parent) as server:
        crawl = ["crawl", "--entity", "ent-a", "--lang", "en", "--base-url", server.base_url]
        assert run(*crawl, "--archive", str(archive)).returncode == 0
        assert run(*crawl, "--archive", str(archive)).returncode == 0  # the same again
        edited = _item(2, body="<p>Works in Zaisan district must be completed by 2026.</p>")
        (samples / "2.en.json").write_text(json.dumps(edited), encoding="utf-8")
        assert run(*crawl, "--archive", str(archive)).returncode == 0
    out = tmp_path / "records.jsonl"
    result = run("extract", str(archive), "-o", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted((r["id"], r["version"]) for r in records) == [(1, 1), (2, 1), (2, 2)]
