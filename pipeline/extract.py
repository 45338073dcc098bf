"""Turn fetched items (or plain texts) into ``Release`` records, one item at a time.

Everything here streams: items come in through iterators and records go out the same
way, so a corpus is never held in memory. A bad item becomes an ``ItemError`` naming
it; the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from spacy.tokens import Doc

from models import FACT_ADAPTER, Extractor, Fact, Release, Source

from . import EXTRACTOR_NAME, __version__
from .components.base import FACTS_KEY, PATTERNS_DIR
from .errors import BadItem, ItemError
from .io import iter_jsonl_lines
from .nlp import LANGS, get_nlp
from .text import compose_text, html_to_text

log = logging.getLogger(__name__)

GOVKZ_SITE = "https://www.gov.kz"


@cache
def extractor() -> Extractor:
    """Name and version of the extractor; the version carries a hash of the rule data,
    so records made by different rules can be told apart and re-extracted."""
    digest = hashlib.sha256()
    data_dir = PATTERNS_DIR.parent / "data"
    for path in sorted([*PATTERNS_DIR.rglob("*.jsonl"), *data_dir.glob("*")]):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return Extractor(name=EXTRACTOR_NAME, version=f"{__version__}+rules.{digest.hexdigest()[:10]}")


def release_url(entity: str | None, news_id: int | None, lang: str) -> str | None:
    if not entity or news_id is None:
        return None
    return f"{GOVKZ_SITE}/memleket/entities/{entity}/press/news/details/{news_id}?lang={lang}"


def doc_facts(doc: Doc) -> list[Fact]:
    """Validated facts of a processed doc, one per span. Overlapping spans of one label and
    one normalized value keep the longer; different values both stay (a phrase can name
    two kinds of violation)."""
    if FACTS_KEY not in doc.spans:
        return []
    sent_starts = [s.start_char for s in doc.sents] if doc.has_annotation("SENT_START") else [0]
    by_label: dict[tuple[str, str], list[Any]] = {}
    for span in doc.spans[FACTS_KEY]:
        value = json.dumps(span._.norm or {}, sort_keys=True, default=str)
        by_label.setdefault((span.label_, value), []).append(span)
    chosen = []
    for spans in by_label.values():
        spans.sort(key=lambda s: (-(s.end_char - s.start_char), s.start_char))
        kept: list[Any] = []
        for span in spans:
            if all(span.end_char <= k.start_char or span.start_char >= k.end_char for k in kept):
                kept.append(span)
        chosen.extend(kept)
    chosen.sort(key=lambda s: (s.start_char, s.label_))
    out: list[Fact] = []
    for span in chosen:
        data = {
            "label": span.label_,
            "start": span.start_char,
            "end": span.end_char,
            "text": span.text,
            "sentence": max(0, bisect_right(sent_starts, span.start_char) - 1),
            **(span._.norm or {}),
        }
        out.append(FACT_ADAPTER.validate_python(data))
    return out


def run_pipeline(text: str, lang: str, published: dt.date | None) -> list[Fact]:
    nlp = get_nlp(lang)
    doc = nlp.make_doc(text)
    doc._.published = published
    return doc_facts(nlp(doc))


def _parse_created(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadItem(f"created_date is {type(value).__name__}, expected an ISO 8601 string")
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError as err:
        raise BadItem(f"created_date {value!r} is not ISO 8601") from err


def _as_int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadItem(f"{field} is a boolean")
    try:
        return int(value)
    except (TypeError, ValueError) as err:
        raise BadItem(f"{field} {value!r} is not an integer") from err


def content_hash(title: str | None, body: str | None) -> str:
    return hashlib.sha256(f"{title or ''}\x00{body or ''}".encode()).hexdigest()


def release_from_item(
    item: Mapping[str, Any],
    *,
    lang: str,
    entity: str | None,
    source: Source | None,
) -> Release:
    """One API news item → record. Raises ``BadItem`` naming what is wrong."""
    if not isinstance(item, Mapping):
        raise BadItem(f"item is {type(item).__name__}, expected an object")
    if lang not in LANGS:
        raise BadItem(f"language {lang!r} is not one of {', '.join(LANGS)}")
    news_id = _as_int(item.get("id"), "id")
    if news_id is None:
        raise BadItem("item has no id")
    title, body = item.get("title"), item.get("body")
    for field, value in (("title", title), ("body", body)):
        if value is not None and not isinstance(value, str):
            raise BadItem(f"{field} is {type(value).__name__}, expected a string")
    text = compose_text(title, html_to_text(body))
    if not text:
        raise BadItem("item has neither title nor body text")
    published = _parse_created(item.get("created_date"))
    entity = entity or _entity_of(item)
    views = item.get("views", item.get("count"))
    return Release(
        id=news_id,
        lang=lang,
        entity=entity,
        url=release_url(entity, news_id, lang),
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        published_at=published,
        views=views if isinstance(views, int) and not isinstance(views, bool) else None,
        text=text,
        content_sha256=content_hash(title, body),
        facts=run_pipeline(text, lang, published.date() if published else None),
        source=source,
        extractor=extractor(),
    )


def _entity_of(item: Mapping[str, Any]) -> str | None:
    """The project slug from an item's ``projects`` field, whose shape the reference
    leaves open (a string, a list, or ``{items: [...]}``)."""
    projects = item.get("projects")
    if isinstance(projects, str):
        return projects.removeprefix("eq:") or None
    if isinstance(projects, Mapping):
        projects = projects.get("items")
    if isinstance(projects, list) and projects:
        first = projects[0]
        if isinstance(first, str):
            return first
        if isinstance(first, Mapping):
            slug = first.get("slug") or first.get("project")
            return slug if isinstance(slug, str) else None
    return None


def item_label(item: Any, entity: str | None, lang: str) -> str:
    news_id = item.get("id") if isinstance(item, Mapping) else None
    return f"{entity or '?'}/{news_id if news_id is not None else '?'}/{lang}"


def extract_items(
    items: Iterable[tuple[Any, str, str | None, Source | None]],
) -> Iterator[Release | ItemError]:
    """(item, lang, entity, source) tuples → records, or errors for the bad ones."""
    for item, lang, entity, source in items:
        if isinstance(item, ItemError):
            yield item
            continue
        try:
            yield release_from_item(item, lang=lang, entity=entity, source=source)
        except (BadItem, ValidationError) as err:
            where = source.endpoint if source else None
            yield ItemError(item_label(item, entity, lang), str(err), where)


def extract_raw(raw: Iterable[Any]) -> Iterator[Release | ItemError]:
    """Archived responses (``scrapers.archive.iter_raw_items``) → records or errors.

    An archive holds every crawl, so one release can come back many times: a fetch whose
    title and body are unchanged is skipped, and a changed one becomes the next
    ``version`` of its record (in archive order, oldest first), as batch runs number them.
    """
    from scrapers.archive import RawItemError

    versions: dict[tuple[str | None, str, str], dict[str, int]] = {}
    for entry in raw:
        if isinstance(entry, RawItemError):
            yield ItemError(entry.endpoint, entry.message, entry.warc_record_id)
            continue
        item = entry.item
        seen = versions.setdefault((entry.entity, str(item.get("id")), entry.lang), {})
        digest = content_hash(item.get("title"), item.get("body"))
        if digest in seen:
            continue
        for result in extract_items([(item, entry.lang, entry.entity, entry.source)]):
            if isinstance(result, Release):
                seen[digest] = len(seen) + 1
                result = result.model_copy(update={"version": seen[digest]})
            yield result


def extract_text_rows(rows: Iterable[tuple[int, Any]]) -> Iterator[Release | ItemError]:
    """``extract-text`` input rows ``{"doc_id","lang","title","text"}`` → records.

    ``rows`` are (line number, parsed JSON) pairs so errors can name the line. An
    optional ``published_at`` anchors deadlines without a year.
    """
    for lineno, row in rows:
        if isinstance(row, ItemError):
            yield row
            continue
        name = f"line {lineno}"
        try:
            if not isinstance(row, Mapping):
                raise BadItem("not a JSON object")
            doc_id, lang = row.get("doc_id"), row.get("lang")
            name = f"line {lineno} (doc_id {doc_id!r})"
            if lang not in LANGS:
                raise BadItem(f"lang {lang!r} is not one of {', '.join(LANGS)}")
            title, body = row.get("title"), row.get("text")
            if title is not None and not isinstance(title, str):
                raise BadItem("title must be a string or null")
            if not isinstance(body, str):
                raise BadItem("text must be a string")
            published = _parse_created(row.get("published_at"))
            yield Release(
                doc_id=None if doc_id is None else str(doc_id),
                lang=lang,
                title=title,
                published_at=published,
                text=body,
                facts=run_pipeline(body, lang, published.date() if published else None),
                extractor=extractor(),
            )
        except (BadItem, ValidationError) as err:
            yield ItemError(name, str(err))


def read_jsonl_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line; unparsable lines come back
    as ``(lineno, ItemError)`` so the caller can report them and go on."""
    for _, lineno, line in iter_jsonl_lines([path]):
        try:
            yield lineno, json.loads(line)
        except json.JSONDecodeError as err:
            yield lineno, ItemError(f"line {lineno}", f"not valid JSON: {err.msg}", str(path))


def iter_sample_items(directory: Path) -> Iterator[tuple[Any, str, str | None, Source | None]]:
    """Items of a samples directory laid out as ``<entity>/<id>.<lang>.json``."""
    for path in sorted(directory.glob("*/*.json")):
        stem = path.name.removesuffix(".json")
        lang = stem.rsplit(".", 1)[-1]
        raw = path.read_bytes()
        source = Source(
            endpoint=path.as_posix(),
            fetched_at=dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC),
            sha256=hashlib.sha256(raw).hexdigest(),
        )
        item: Any
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as err:
            name = f"{path.parent.name}/{stem.split('.')[0]}/{lang}"
            item = ItemError(name, f"not valid JSON: {err.msg}", path.as_posix())
        yield item, lang, path.parent.name, source


def extract_sample_dir(directory: Path) -> Iterator[Release]:
    """Records for every item of a samples directory (bad items are logged and skipped)."""
    for result in extract_items(iter_sample_items(directory)):
        if isinstance(result, ItemError):
            log.warning("skipped %s", result)
        else:
            yield result
