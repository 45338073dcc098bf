"""Validate the project's gold files (corpus/gold/*.jsonl) against the spec's gold format.

Gold is hand-annotated, so mistakes are typos: a span that is not in the text, a KATO code
that does not exist, a ``name_ru`` copied from the wrong row, an enum value spelled wrong.
This script catches those before the evaluator silently scores them as misses.

Checks per document: JSON shape (``doc_id``, ``lang``, ``title``, ``text``, ``facts``), the
``doc_id`` form ``<entity>/<id>/<lang>`` and its language, the text equal to
``compose_text(title, html_to_text(body))`` when the sample file exists, no duplicate facts.
Checks per fact: known label, exactly the label's fields, ``text`` a substring of the document
text, KATO code present in the gazetteer with the same ``name_ru``, enum values valid, ISO
dates, positive amounts.

Usage: ``.venv/bin/python scripts/check_gold.py [GOLD_FILE ...]`` (default: every
``corpus/gold/*.jsonl``). Exit status 1 when any error is found.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.facts import LABELS, Currency, LawCode, LegalForm, Precision, Violation  # noqa: E402
from pipeline.text import compose_text, html_to_text  # noqa: E402

LANGS = ("ru", "kk", "en")
DOC_KEYS = {"doc_id", "lang", "title", "text", "facts"}
# Optional: the publication date anchors deadlines without a year ("до конца года").
OPTIONAL_DOC_KEYS = {"published_at"}
PLACE_LABELS = ("REGION", "DISTRICT", "SETTLEMENT")
FIELDS: dict[str, set[str]] = {
    "REGION": {"kato", "name_ru"},
    "DISTRICT": {"kato", "name_ru"},
    "SETTLEMENT": {"kato", "name_ru"},
    "ENTERPRISE": {"legal_form", "name"},
    "AGENCY": {"name"},
    "DEADLINE": {"value", "precision"},
    "VIOLATION": {"violation"},
    "MONEY": {"amount", "currency"},
    "LAW_ARTICLE": {"code", "article"},
}
ENUMS: dict[str, set[str]] = {
    "legal_form": {e.value for e in LegalForm},
    "precision": {e.value for e in Precision},
    "violation": {e.value for e in Violation},
    "currency": {e.value for e in Currency},
    "code": {e.value for e in LawCode},
}
GAZETTEER_DIRS = (Path("/work/shared/data/kato"), ROOT / "pipeline" / "data")


def load_gazetteer(dirs: tuple[Path, ...] = GAZETTEER_DIRS) -> dict[str, str]:
    """KATO code → name_ru from every CSV with a ``kato_code`` column in the given dirs."""
    rows: dict[str, str] = {}
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.rglob("*.csv")):
            with path.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames or not {"kato_code", "name_ru"} <= set(reader.fieldnames):
                    continue
                for row in reader:
                    rows.setdefault(row["kato_code"], row["name_ru"])
    return rows


def check_fact(fact: Any, text: str, kato: dict[str, str]) -> list[str]:
    """Problems with one fact (empty list when it is valid)."""
    if not isinstance(fact, dict):
        return ["fact is not an object"]
    label = fact.get("label")
    if label not in LABELS:
        return [f"unknown label {label!r}"]
    errors: list[str] = []
    span = fact.get("text")
    if not isinstance(span, str) or not span:
        errors.append(f"{label}: missing text")
    elif span not in text:
        errors.append(f"{label}: text {span!r} not found in document text")
    expected = FIELDS[label] | {"label", "text"}
    keys = set(fact)
    if keys != expected:
        missing, extra = sorted(expected - keys), sorted(keys - expected)
        errors.append(f"{label} {span!r}: missing fields {missing}, unexpected fields {extra}")
    for field in FIELDS[label] & keys & ENUMS.keys():
        if fact[field] not in ENUMS[field]:
            errors.append(f"{label} {span!r}: invalid {field} {fact[field]!r}")
    if label in PLACE_LABELS:
        code, name = fact.get("kato"), fact.get("name_ru")
        if not isinstance(name, str) or not name.strip():
            errors.append(f"{label} {span!r}: name_ru must be a non-empty string")
        if code is not None:
            if not (isinstance(code, str) and len(code) == 9 and code.isdigit()):
                errors.append(f"{label} {span!r}: kato {code!r} is not a 9-digit string")
            elif code not in kato:
                errors.append(f"{label} {span!r}: kato {code} not in the gazetteer")
            elif kato[code] != name:
                errors.append(
                    f"{label} {span!r}: name_ru {name!r} != gazetteer {kato[code]!r} for {code}"
                )
    elif label in ("ENTERPRISE", "AGENCY"):
        if not isinstance(fact.get("name"), str) or not fact["name"].strip():
            errors.append(f"{label} {span!r}: name must be a non-empty string")
    elif label == "DEADLINE":
        try:
            dt.date.fromisoformat(str(fact.get("value")))
        except ValueError:
            errors.append(f"DEADLINE {span!r}: value {fact.get('value')!r} is not an ISO date")
    elif label == "MONEY":
        amount = fact.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount <= 0:
            errors.append(f"MONEY {span!r}: amount {amount!r} is not a positive number")
    elif label == "LAW_ARTICLE" and (
        not isinstance(fact.get("article"), str) or not fact["article"].strip()
    ):
        errors.append(f"LAW_ARTICLE {span!r}: article must be a non-empty string")
    return errors


def sample_text(doc_id: str, samples: Path) -> str | None:
    """The record text rebuilt from the sample file behind ``doc_id``, if there is one."""
    parts = doc_id.split("/")
    if len(parts) != 3:
        return None
    entity, news_id, lang = parts
    path = samples / entity / f"{news_id}.{lang}.json"
    if not path.is_file():
        return None
    item = json.loads(path.read_text(encoding="utf-8"))
    return compose_text(item.get("title"), html_to_text(item.get("body")))


def check_doc(doc: Any, kato: dict[str, str], samples: Path) -> list[str]:
    """Problems with one gold document."""
    if not isinstance(doc, dict):
        return ["line is not a JSON object"]
    if not DOC_KEYS <= set(doc) <= DOC_KEYS | OPTIONAL_DOC_KEYS:
        return [f"keys {sorted(doc)} != {sorted(DOC_KEYS)} (+ optional published_at)"]
    errors: list[str] = []
    doc_id, lang, text = doc["doc_id"], doc["lang"], doc["text"]
    if lang not in LANGS:
        errors.append(f"lang {lang!r} not one of {LANGS}")
    if not isinstance(text, str) or not text:
        return [*errors, "text must be a non-empty string"]
    if doc["title"] is not None and not isinstance(doc["title"], str):
        errors.append("title must be a string or null")
    if not isinstance(doc_id, str) or not doc_id:
        errors.append("doc_id must be a non-empty string")
    elif doc_id.count("/") == 2 and doc_id.rsplit("/", 1)[1] != lang:
        errors.append(f"doc_id language does not match lang {lang!r}")
    elif doc_id.count("/") == 2:
        expected = sample_text(doc_id, samples)
        if expected is not None and expected != text:
            errors.append("text differs from compose_text(title, html_to_text(body)) of sample")
    if not isinstance(doc["facts"], list):
        return [*errors, "facts must be a list"]
    for fact in doc["facts"]:
        errors.extend(check_fact(fact, text, kato))
    keys = Counter(json.dumps(f, sort_keys=True, ensure_ascii=False) for f in doc["facts"])
    errors.extend(f"duplicate fact {k}" for k, n in keys.items() if n > 1)
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="*", type=Path, help="gold JSONL files")
    parser.add_argument("--samples", type=Path, default=ROOT / "corpus" / "samples")
    args = parser.parse_args(argv)
    files: list[Path] = args.files or sorted((ROOT / "corpus" / "gold").glob("*.jsonl"))
    kato = load_gazetteer()
    if not kato:
        print("no KATO gazetteer found in", ", ".join(map(str, GAZETTEER_DIRS)))
        return 1
    total_errors = 0
    for path in files:
        docs = facts = 0
        labels: Counter[str] = Counter()
        seen: set[str] = set()
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                print(f"{where}: invalid JSON: {exc}")
                total_errors += 1
                continue
            errors = check_doc(doc, kato, args.samples)
            if isinstance(doc, dict) and isinstance(doc.get("doc_id"), str):
                where = f"{where} {doc['doc_id']}"
                if doc["doc_id"] in seen:
                    errors.append("duplicate doc_id")
                seen.add(doc["doc_id"])
                docs += 1
                facts += len(doc.get("facts") or [])
                labels.update(
                    f.get("label", "?") for f in doc.get("facts") or [] if isinstance(f, dict)
                )
            for error in errors:
                print(f"{where}: {error}")
            total_errors += len(errors)
        summary = ", ".join(f"{k} {labels[k]}" for k in LABELS if labels[k])
        print(f"{path}: {docs} docs, {facts} facts ({summary})")
    print(f"{total_errors} error(s)")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
