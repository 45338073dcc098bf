"""The Datasette UI in a real headless Chromium: facets, search, a release page, escaping.

Starts ``python -m pipeline.serve`` (what ``govkz serve`` runs) on a free loopback port over an
index built in tmp_path, and drives Debian's /usr/bin/chromium through Playwright (no browser
download: executable_path points at the system one). Screenshots go to /tmp/govkz-*.png.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.index import connect, index_records

try:
    from .test_index import demo_records
except ImportError:  # tests/ is not a package: pytest puts it on sys.path
    from test_index import demo_records  # type: ignore[no-redef]

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("ui") / "index.sqlite"
    conn = connect(path)
    index_records(conn, demo_records())
    conn.close()
    port = _free_port()
    log = path.with_suffix(".log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.serve", "--index", str(path), "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "datasette did not start: " + path.with_suffix(".log").read_text()
                )
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("no /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: object) -> None:
        pg.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    pg.on("dialog", on_dialog)
    yield pg
    context.close()


def _rows(page: object) -> list[str]:
    return page.locator("table.rows-and-columns tbody tr").all_inner_texts()  # type: ignore[attr-defined]


def test_landing_facets_search_and_release_page(server: str, page: object) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/")  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", level=1)).to_contain_text("govkz-press")  # type: ignore[attr-defined]
    # landing facets (precomputed counts): violation = procurement
    landing = page.locator("#landing-violation")  # type: ignore[attr-defined]
    expect(landing).to_contain_text("procurement")
    expect(landing).to_contain_text("bribery")
    page.screenshot(path="/tmp/govkz-landing.png", full_page=True)  # type: ignore[attr-defined]
    landing.get_by_role("link", name="procurement").click()
    expect(page).to_have_url(re.compile(r"_violation=procurement"))  # type: ignore[arg-type]
    rows = _rows(page)
    assert len(rows) == 4  # the seed release in 3 languages + the audit release
    assert not any("взятк" in r for r in rows)

    # the table's own facets narrow further: + violation labor_law
    facet = page.locator("#facet-violations")  # type: ignore[attr-defined]
    expect(facet).to_contain_text("labor_law")
    facet.get_by_role("link", name="labor_law").click()
    expect(page).to_have_url(re.compile(r"_violation=labor_law"))  # type: ignore[arg-type]
    assert len(_rows(page)) == 2  # ru and en of the seed release
    page.go_back()  # type: ignore[attr-defined]
    expect(page.locator("#facet-districts")).to_contain_text("Зайсанский район")  # type: ignore[attr-defined]
    page.screenshot(path="/tmp/govkz-facets.png", full_page=True)  # type: ignore[attr-defined]

    # full-text search in another script narrows the faceted list
    page.fill("input[name=_search]", "Taza Oskemen")  # type: ignore[attr-defined]
    page.press("input[name=_search]", "Enter")  # type: ignore[attr-defined]
    expect(page).to_have_url(re.compile(r"_search=Taza"))  # type: ignore[arg-type]
    rows = _rows(page)
    assert len(rows) == 3
    assert any("Коррупционные риски" in r for r in rows)

    # open the Russian version: text with facts marked, evidence, source link
    page.get_by_role("link", name=re.compile("^Коррупционные риски")).click()  # type: ignore[attr-defined]
    expect(page.locator("h1.release-title")).to_have_text(  # type: ignore[attr-defined]
        "Коррупционные риски обсудили на заседании антикоррупционного комитета ВКО"
    )
    enterprise = page.locator(".release-text mark.fact-ENTERPRISE")  # type: ignore[attr-defined]
    expect(enterprise).to_have_text("КГП на ПХВ «Таза Өскемен»")
    expect(page.locator(".release-text mark.fact-DISTRICT").last).to_have_text("Зайсанском районе")  # type: ignore[attr-defined]
    expect(page.locator(".release-text mark.fact-VIOLATION").first).to_be_visible()  # type: ignore[attr-defined]
    source = page.get_by_role("link", name=re.compile("Source on gov.kz"))  # type: ignore[attr-defined]
    expect(source).to_have_attribute(
        "href",
        "https://www.gov.kz/memleket/entities/anticorruption-vko/press/news/details/1021338?lang=ru",
    )
    facts_table = page.locator("table.facts")  # type: ignore[attr-defined]
    expect(facts_table).to_contain_text("Зайсанский район")
    expect(facts_table).to_contain_text("procurement")
    langs = page.locator("a.version-link").all_inner_texts()  # type: ignore[attr-defined]
    assert sorted(langs) == ["en", "kk"]
    # the highlight is really drawn (a background colour, not just a tag)
    bg = enterprise.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(255, 224, 179)"  # the ENTERPRISE colour of the plugin's stylesheet
    # paragraphs stay paragraphs (pre-wrap): the title line is its own line
    white_space = page.locator(".release-text").evaluate("e => getComputedStyle(e).whiteSpace")  # type: ignore[attr-defined]
    assert white_space == "pre-wrap"
    page.screenshot(path="/tmp/govkz-release.png", full_page=True)  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_hostile_title_shows_as_text_and_runs_nothing(server: str, page: object) -> None:
    from playwright.sync_api import expect

    hostile_title = "<script>alert(1)</script> [bold red]procurement[/bold red] audit"
    page.goto(server + "/index/releases?_search=audit")  # type: ignore[attr-defined]
    cell = page.locator("table.rows-and-columns td.col-title")  # type: ignore[attr-defined]
    expect(cell).to_have_text(hostile_title)
    cell.get_by_role("link").click()
    expect(page.locator("h1.release-title")).to_have_text(hostile_title)  # type: ignore[attr-defined]
    expect(page).to_have_title(re.compile(re.escape("<script>alert(1)</script>")))  # type: ignore[arg-type]
    # the <img onerror> in the body is text too
    expect(page.locator(".release-text")).to_contain_text("<img src=x onerror=alert(2)>")  # type: ignore[attr-defined]
    assert page.locator(".content img").count() == 0  # type: ignore[attr-defined]
    assert page.locator(".content script").count() == 0  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]
    page.screenshot(path="/tmp/govkz-hostile.png", full_page=True)  # type: ignore[attr-defined]


def test_canned_search_highlights_snippets_in_any_script(server: str, page: object) -> None:
    from playwright.sync_api import expect

    # same-script matches are marked by FTS5's snippet(); the folded shadow finds the rest
    page.goto(server + "/index/search?q=" + "Таза Өскемен")  # type: ignore[attr-defined]
    marks = page.locator("td.col-snippet mark")  # type: ignore[attr-defined]
    expect(marks.first).to_be_visible()
    assert {m.lower() for m in marks.all_inner_texts()} >= {"таза", "өскемен"}
    assert len(_rows(page)) == 3  # ru, kk and the English "Taza Oskemen"
    page.goto(server + "/index/search?q=" + "Taza Oskemen")  # type: ignore[attr-defined]
    assert len(_rows(page)) == 3
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_fact_filters_in_the_address_are_script_insensitive(server: str, page: object) -> None:
    from playwright.sync_api import expect

    for district in ("Zaisan", "Зайсан", "Zaysan"):
        page.goto(f"{server}/index/releases?_district={district}")  # type: ignore[attr-defined]
        expect(page.locator("h3").first).to_contain_text("district is")  # type: ignore[attr-defined]
        assert len(_rows(page)) == 4, district
    page.goto(f"{server}/index/releases?_enterprise=Taza Oskemen&_deadline=2025-12")  # type: ignore[attr-defined]
    assert len(_rows(page)) == 3
    # facet counts follow the filter
    expect(page.locator("#facet-violations")).to_contain_text("procurement 3")  # type: ignore[attr-defined]
    page.goto(f"{server}/index/releases?_violation=jaywalking")  # type: ignore[attr-defined]
    expect(page.locator("body")).to_contain_text("unknown violation")  # type: ignore[attr-defined]
