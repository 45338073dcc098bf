"""Search: script-insensitive full text and fact filters, output formats, escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from pipeline.index import connect, index_records
from pipeline.search import (
    SearchError,
    SearchFilters,
    fts_query,
    highlight_facts_html,
    highlight_html,
    search,
)
from pipeline.search_output import print_hits, render_table, to_csv, to_json

try:
    from .test_index import demo_records
except ImportError:  # tests/ is not a package: pytest puts it on sys.path
    from test_index import demo_records  # type: ignore[no-redef]

SEED = "anticorruption-vko:1021338"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("idx") / "index.sqlite"
    conn = connect(path)
    index_records(conn, demo_records())
    conn.close()
    return path


def groups(hits: list) -> list[str]:
    return [h.key.rsplit(":", 1)[0] for h in hits]


@pytest.mark.parametrize(
    "query",
    ["Taza Oskemen", "Таза Өскемен", "Таза Оскемен", "таза өскемен", "TAZA ÖSKEMEN", "Оскемена"],
)
def test_enterprise_found_in_any_script(index: Path, query: str) -> None:
    hits = search(index, query)
    assert groups(hits)[0] == SEED
    # one hit for the release, its other languages listed with it
    assert groups(hits).count(SEED) == 1
    assert len(hits[0].versions) == 2
    assert {v["lang"] for v in hits[0].versions} | {hits[0].lang} == {"ru", "kk", "en"}


def test_latin_query_highlights_cyrillic_text(index: Path) -> None:
    (hit,) = search(index, "Taza Oskemen", SearchFilters(lang=["ru"]))
    assert hit.lang == "ru"
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked == ["Таза", "Өскемен"]
    ent = [f for f in hit.facts if f.matched]
    assert [(f.label, f.value) for f in ent] == [("ENTERPRISE", "Таза Өскемен")]
    assert "выявил нарушения" in ent[0].evidence


def test_same_script_query_uses_fts_snippet(index: Path) -> None:
    (hit,) = search(index, "взятка")  # prefix + ending: finds "взятки"
    assert hit.key == "anticorruption-almaty:2000001:ru"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["взятки", "взятки"]


def test_ungrouped_search_returns_each_language(index: Path) -> None:
    hits = search(index, "Таза Өскемен", group_languages=False)
    assert sorted(h.lang for h in hits if h.key.startswith(SEED)) == ["en", "kk", "ru"]
    # same-script (original column) matches rank above folded-only ones
    assert hits[0].lang in ("ru", "kk")


@pytest.mark.parametrize(
    "district", ["Zaisan", "Zaysan", "Зайсан", "Зайсанский район", "зайсанском"]
)
def test_district_filter_is_script_insensitive(index: Path, district: str) -> None:
    hits = search(index, "", SearchFilters(district=district))
    assert set(groups(hits)) == {SEED, "anticorruption-vko:2000002"}
    for h in hits:
        matched = [f for f in h.matched_facts() if f.matched]
        assert matched and all(f.value == "Зайсанский район" for f in matched)
        assert all(f.evidence for f in matched)


def test_filters_combine(index: Path) -> None:
    f = SearchFilters(violation="procurement", district="Zaisan", lang=["en"])
    hits = search(index, "", f)
    assert [h.key for h in hits] == [
        "anticorruption-vko:2000002:en",  # newest first without a text query
        f"{SEED}:en",
    ]
    hits = search(index, "checkpoint", f)
    assert [h.key for h in hits] == [f"{SEED}:en"]
    assert search(index, "", SearchFilters(violation="bribery", district="Zaisan")) == []


def test_violation_filter_and_unknown_label(index: Path) -> None:
    hits = search(index, "", SearchFilters(violation="bribery"))
    assert [h.key for h in hits] == ["anticorruption-almaty:2000001:ru"]
    assert [f.value for f in hits[0].facts if f.matched] == ["bribery"]
    with pytest.raises(SearchError, match="unknown violation"):
        search(index, "", SearchFilters(violation="jaywalking"))


def test_deadline_money_and_date_ranges(index: Path) -> None:
    f = SearchFilters(deadline_from=dt.date(2026, 1, 1), deadline_to=dt.date(2026, 12, 31))
    assert groups(search(index, "", f)) == ["anticorruption-vko:2000002"]
    f = SearchFilters(deadline_to=dt.date(2025, 12, 31))
    assert groups(search(index, "", f)) == [SEED]
    f = SearchFilters(money_min=10_000_000, currency="kzt")
    hits = search(index, "", f)
    assert groups(hits) == ["anticorruption-vko:2000002"]
    assert [f.value for f in hits[0].facts if f.matched] == ["12 000 000 KZT"]
    f = SearchFilters(since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 31))
    assert groups(search(index, "", f)) == ["anticorruption-almaty:2000001"]
    assert groups(search(index, "", SearchFilters(entity="anticorruption-almaty"))) == [
        "anticorruption-almaty:2000001"
    ]
    assert groups(search(index, "", SearchFilters(enterprise="Shygys Kurylys"))) == [
        "anticorruption-almaty:2000001"
    ]
    assert groups(search(index, "", SearchFilters(legal_form="llp"))) == [
        "anticorruption-almaty:2000001"
    ]


@pytest.mark.parametrize(
    "query", ['"', 'foo" OR "bar', "NEAR(a b)", "title:x", "* - ^", "a AND", "{title}: x"]
)
def test_user_input_cannot_break_fts_syntax(index: Path, query: str) -> None:
    search(index, query)  # no sqlite3.OperationalError


def test_fts_query_shape() -> None:
    q = fts_query("Таза Өскемен")
    assert q == (
        '{title text} : ("Таза"* AND "Өскемен"*) OR '
        '{title_fold text_fold} : ("taza"* AND "oskemen"*)'
    )
    assert fts_query("  ,, ") is None


def test_json_and_csv_outputs(index: Path) -> None:
    hits = search(index, "Taza Oskemen")
    data = json.loads(to_json(hits))
    top = data[0]
    assert top["date"] == "2025-06-25"
    assert top["entity"] == "anticorruption-vko"
    assert top["url"].startswith("https://www.gov.kz/memleket/entities/anticorruption-vko/")
    assert any(f["label"] == "ENTERPRISE" and f["matched"] for f in top["facts"])
    assert all(f["evidence"] for f in top["facts"])
    rows = list(csv.DictReader(io.StringIO(to_csv(hits))))
    assert rows[0]["fact_label"] == "ENTERPRISE"
    assert rows[0]["url"] == top["url"]
    assert (
        "ru:https://" in rows[0]["other_languages"] or "kk:https://" in rows[0]["other_languages"]
    )


def test_table_escapes_markup_from_scraped_text(index: Path) -> None:
    hits = search(index, "audit")
    assert hits and hits[0].title and "[bold red]" in hits[0].title
    console = Console(record=True, width=200, color_system=None)
    console.print(render_table(hits))
    out = console.export_text()
    assert "[bold red]procurement[/bold red]" in out
    assert "<script>alert(1)</script>" in out


def test_print_hits_formats(index: Path) -> None:
    buf = io.StringIO()
    print_hits(search(index, "взятка"), "json", Console(file=buf))
    assert json.loads(buf.getvalue())[0]["lang"] == "ru"
    with pytest.raises(SearchError):
        print_hits([], "xml", Console(file=io.StringIO()))


def test_html_highlighting_escapes_every_piece() -> None:
    text = "<b>x</b> & «Таза Өскемен»"
    html = highlight_html(text, [(text.index("Таза"), text.index("»"))])
    assert str(html) == "&lt;b&gt;x&lt;/b&gt; &amp; «<mark>Таза Өскемен</mark>»"
    a, b = text.index("Таза"), text.index("»")
    c = text.index("Өскемен")
    facts = [
        {"label": "ENTERPRISE", "start": a, "end": b, "text": text[a:b], "value": "<i>"},
        {"label": "SETTLEMENT", "start": c, "end": b, "text": text[c:b], "value": "Өскемен"},
        {"label": "REGION", "start": 0, "end": 3, "text": "bad", "value": "x"},  # stale offsets
    ]
    out = str(highlight_facts_html(text, facts))
    assert out.startswith("&lt;b&gt;x&lt;/b&gt; &amp; «")
    assert (
        '<mark class="fact fact-ENTERPRISE" data-label="ENTERPRISE" title="ENTERPRISE: &lt;i&gt;">'
        in out
    )
    assert 'class="fact fact-ENTERPRISE fact-SETTLEMENT"' in out
    assert "<b>" not in out and "fact-REGION" not in out


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SearchError, match="govkz index"):
        search(tmp_path / "nope.sqlite", "x")


def test_real_samples_seed_release_found_in_both_scripts(tmp_path: Path) -> None:
    extract = pytest.importorskip("pipeline.extract")
    if not hasattr(extract, "extract_sample_dir"):
        pytest.skip("pipeline.extract.extract_sample_dir not available yet")
    samples = Path(__file__).resolve().parents[1] / "corpus" / "samples"
    if not samples.is_dir():
        pytest.skip("no corpus/samples")
    conn = connect(tmp_path / "index.sqlite")
    stats = index_records(conn, extract.extract_sample_dir(samples))
    assert stats.added > 0
    for query in ("Taza Oskemen", "Таза Өскемен"):
        hits = search(conn, query, limit=5)
        assert any(h.govkz_id == 1021338 for h in hits), query
    conn.close()


def test_cli_index_and_search_commands(tmp_path: Path) -> None:
    import typer
    from typer.testing import CliRunner

    from pipeline.cli_search import register

    try:
        from .test_index import write_jsonl
    except ImportError:
        from test_index import write_jsonl  # type: ignore[no-redef]

    app = typer.Typer()
    register(app)
    runner = CliRunner()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "records.jsonl", demo_records())

    res = runner.invoke(app, ["index", "--corpus", str(corpus)])
    assert res.exit_code == 0, res.output
    assert (corpus / "index.sqlite").exists()
    res = runner.invoke(app, ["index", "--corpus", str(corpus)])
    assert "0 added, 0 updated, 5 unchanged" in res.output

    args = ["--corpus", str(corpus)]
    res = runner.invoke(app, ["search", "Taza Oskemen", "--format", "json", *args])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)[0]["id"] == 1021338

    res = runner.invoke(
        app,
        ["search", "--district", "Zaisan", "--deadline-from", "2026", "--format", "csv", *args],
    )
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["id"] for r in rows} == {"2000002"}
    assert {r["fact_label"] for r in rows} == {"DISTRICT", "DEADLINE"}

    res = runner.invoke(app, ["search", "--violation", "nope", *args])
    assert res.exit_code == 2 and "unknown violation" in res.output
    res = runner.invoke(app, ["search", *args])  # neither words nor filters
    assert res.exit_code == 2
    res = runner.invoke(app, ["search", "x", "--index", str(tmp_path / "missing.sqlite")])
    assert res.exit_code == 2 and "govkz index" in res.output


def test_common_word_path_ranks_a_recent_window(
    index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.search as search_mod

    monkeypatch.setattr(search_mod, "RANK_WINDOW", 2)
    # "zaisan" matches 4 releases (> window): only the 2 most recently indexed are ranked,
    # and the Python highlighter marks the match in whatever script it is written
    hits = search(index, "Zaisan", group_languages=False)
    by_key = {h.key: h for h in hits}
    assert set(by_key) == {"anticorruption-vko:2000002:en", f"{SEED}:kk"}
    kk = by_key[f"{SEED}:kk"]
    assert [kk.snippet[a:b] for a, b in kk.highlights] == ["Зайсан"]
    # with a filter nothing is cut off: all matches are ranked
    hits = search(index, "Zaisan", SearchFilters(violation="procurement"), group_languages=False)
    assert len(hits) == 4


def test_csv_cells_that_a_spreadsheet_would_run_stay_text() -> None:
    from pipeline.search_output import csv_cell

    assert csv_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_cell("+7 777") == "'+7 777"
    assert csv_cell("Таза Өскемен") == "Таза Өскемен"
    assert csv_cell(2025) == 2025
