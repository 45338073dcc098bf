"""The whole pipeline per language: factories registered, saved and loaded by spaCy,
HTML cleaning that keeps offsets, and records that validate."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy

from pipeline.extract import doc_facts
from pipeline.nlp import COMPONENTS, build_nlp, get_nlp
from pipeline.text import compose_text, html_to_text

TEXTS = {
    "en": 'Violations in public procurement were found at "Shygys Kurylys" in '
    "Zaisan district of East Kazakhstan region; the works must be completed by 1 July 2026.",
    "ru": "В Зайсанском районе ВКО у ТОО «Шыгыс Курылыс» выявлены нарушения в сфере "
    "государственных закупок; работы должны быть завершены до 1 июля 2026 года.",
    "kk": "Шығыс Қазақстан облысы Зайсан ауданында «Шығыс Құрылыс» ЖШС-да мемлекеттік "
    "сатып алу саласындағы бұзушылықтар анықталды; жұмыстар 2026 жылғы 1 шілдеге дейін "
    "аяқталуы тиіс.",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_every_component_is_in_the_pipeline(lang: str) -> None:
    nlp = get_nlp(lang)
    assert nlp.pipe_names == ["sentencizer", *COMPONENTS]


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_saved_pipeline_loads_with_spacy_load_and_gives_the_same_facts(
    lang: str, tmp_path: Path
) -> None:
    nlp = build_nlp(lang)
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.pipe_names == nlp.pipe_names

    def run(model: spacy.language.Language) -> list[dict]:
        doc = model.make_doc(TEXTS[lang])
        doc._.published = dt.date(2026, 3, 1)
        return [f.model_dump() for f in doc_facts(model(doc))]

    facts = run(nlp)
    assert {f["label"] for f in facts} >= {"DISTRICT", "REGION", "VIOLATION", "DEADLINE"}
    assert run(loaded) == facts


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_nlp_pipe_runs_the_whole_extraction(lang: str) -> None:
    nlp = get_nlp(lang)
    docs = list(nlp.pipe([TEXTS[lang]] * 3))
    assert all(doc.spans["facts"] for doc in docs)


def test_html_cleaning_keeps_paragraphs_and_drops_markup() -> None:
    html = (
        "<html><body><p>First&nbsp;&nbsp;line <b>bold</b></p><script>alert(1)</script>"
        "<p>Second<br>third</p><!-- note --></body></html>"
    )
    body = html_to_text(html)
    assert body == "First line bold\nSecond\nthird"
    assert compose_text("  Title  ", body) == "Title\n\nFirst line bold\nSecond\nthird"
    assert compose_text(None, body) == body


def test_a_fresh_process_loads_a_saved_pipeline_by_entry_points(tmp_path: Path) -> None:
    """spacy.load finds the kk language and our factories without importing our code."""
    import subprocess
    import sys

    build_nlp("kk").to_disk(tmp_path / "kk")
    script = (
        "import sys, spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'kk')!r})\n"
        "doc = nlp('Зайсан ауданында жұмыстар жүргізілді.')\n"
        "print(sorted((s.label_, s.text) for s in doc.spans['facts']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "('DISTRICT', 'Зайсан ауданында')" in out.stdout
