"""The project's own gold files are valid: shapes, spans inside the text, KATO rows,
and text identical to what the pipeline's HTML cleaning produces from the samples."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_gold_files_pass_the_checker() -> None:
    spec = importlib.util.spec_from_file_location("check_gold", ROOT / "scripts" / "check_gold.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([]) == 0


def test_there_are_at_least_60_gold_documents_in_three_languages() -> None:
    import json

    langs: dict[str, int] = {}
    for path in (ROOT / "corpus" / "gold").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lang = json.loads(line)["lang"]
                langs[lang] = langs.get(lang, 0) + 1
    assert sum(langs.values()) >= 60
    assert set(langs) == {"ru", "kk", "en"}
