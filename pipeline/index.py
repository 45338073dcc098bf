"""Build and update the SQLite search index from records JSONL, streaming and incrementally.

One SQLite file (default ``<corpus>/index.sqlite``) holds:

- ``releases``: one row per release-language (its current version), with JSON-array columns of
  the normalized fact values (``violations``, ``districts``…) so Datasette can facet on them;
- ``release_texts``: title and text plus their script-folded shadows (``pipeline.translit``),
  the content table of the FTS5 index ``releases_fts`` (bm25, snippet(); unicode61 with
  ``remove_diacritics 2`` folds case and diacritics, the shadow columns fold script);
- ``facts``: one row per fact with its normalized fields, its evidence sentence and a folded
  ``fold`` column indexed by ``facts_fts`` (script-insensitive filters such as ``--district
  Zaisan``), denormalized ``lang``/``entity``/``published_date`` for faceting;
- ``release_groups`` (view): the ru/kk/en versions of one gov.kz id side by side.

Indexing the same records twice changes nothing (a record whose canonical JSON hash is already
stored is skipped); a record with the same key and a higher version, or the same version and
other content, replaces the stored one; an older version never overwrites a newer one. Each
call writes in one transaction, and records are read one line at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models.release import Release

from .io import iter_jsonl_lines
from .translit import fold

INDEX_SCHEMA_VERSION = "1"
DEFAULT_INDEX_NAME = "index.sqlite"

# Fact labels whose normalized value becomes a JSON-array facet column on ``releases``.
FACET_COLUMNS: dict[str, str] = {
    "VIOLATION": "violations",
    "REGION": "regions",
    "DISTRICT": "districts",
    "SETTLEMENT": "settlements",
    "ENTERPRISE": "enterprises",
    "AGENCY": "agencies",
    "DEADLINE": "deadlines",
    "MONEY": "currencies",
    "LAW_ARTICLE": "law_articles",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE IF NOT EXISTS releases (
    release_id INTEGER PRIMARY KEY,
    published_date TEXT,
    title TEXT,
    lang TEXT NOT NULL,
    entity TEXT,
    violations TEXT NOT NULL DEFAULT '[]',
    districts TEXT NOT NULL DEFAULT '[]',
    enterprises TEXT NOT NULL DEFAULT '[]',
    deadlines TEXT NOT NULL DEFAULT '[]',
    regions TEXT NOT NULL DEFAULT '[]',
    url TEXT,
    settlements TEXT NOT NULL DEFAULT '[]',
    agencies TEXT NOT NULL DEFAULT '[]',
    currencies TEXT NOT NULL DEFAULT '[]',
    law_articles TEXT NOT NULL DEFAULT '[]',
    deadline_last TEXT,
    money_max REAL,
    fact_count INTEGER NOT NULL DEFAULT 0,
    published_at TEXT,
    views INTEGER,
    govkz_id INTEGER,
    doc_id TEXT,
    key TEXT NOT NULL UNIQUE,
    group_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_sha256 TEXT,
    record_sha256 TEXT NOT NULL,
    extractor TEXT,
    schema_version TEXT,
    indexed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS releases_published ON releases(published_at);
CREATE INDEX IF NOT EXISTS releases_group ON releases(group_key);
CREATE INDEX IF NOT EXISTS releases_lang ON releases(lang, published_at);
CREATE INDEX IF NOT EXISTS releases_entity ON releases(entity, published_at);

CREATE TABLE IF NOT EXISTS release_texts (
    release_id INTEGER PRIMARY KEY REFERENCES releases(release_id),
    title TEXT,
    text TEXT NOT NULL,
    title_fold TEXT,
    text_fold TEXT
);

CREATE VIRTUAL TABLE IF NOT EXISTS releases_fts USING fts5(
    title, text, title_fold, text_fold,
    content='release_texts', content_rowid='release_id',
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS release_texts_ai AFTER INSERT ON release_texts BEGIN
    INSERT INTO releases_fts(rowid, title, text, title_fold, text_fold)
    VALUES (new.release_id, new.title, new.text, new.title_fold, new.text_fold);
END;
CREATE TRIGGER IF NOT EXISTS release_texts_ad AFTER DELETE ON release_texts BEGIN
    INSERT INTO releases_fts(releases_fts, rowid, title, text, title_fold, text_fold)
    VALUES ('delete', old.release_id, old.title, old.text, old.title_fold, old.text_fold);
END;
CREATE TRIGGER IF NOT EXISTS release_texts_au AFTER UPDATE ON release_texts BEGIN
    INSERT INTO releases_fts(releases_fts, rowid, title, text, title_fold, text_fold)
    VALUES ('delete', old.release_id, old.title, old.text, old.title_fold, old.text_fold);
    INSERT INTO releases_fts(rowid, title, text, title_fold, text_fold)
    VALUES (new.release_id, new.title, new.text, new.title_fold, new.text_fold);
END;

CREATE TABLE IF NOT EXISTS facts (
    fact_id INTEGER PRIMARY KEY,
    release_id INTEGER NOT NULL REFERENCES releases(release_id),
    label TEXT NOT NULL,
    value TEXT,
    text TEXT NOT NULL,
    evidence TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence INTEGER,
    kato TEXT,
    name_ru TEXT,
    legal_form TEXT,
    name TEXT,
    deadline TEXT,
    precision TEXT,
    violation TEXT,
    amount REAL,
    currency TEXT,
    code TEXT,
    article TEXT,
    lang TEXT NOT NULL,
    entity TEXT,
    published_date TEXT,
    fold TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_release ON facts(release_id);
CREATE INDEX IF NOT EXISTS facts_label_value ON facts(label, value, release_id);
CREATE INDEX IF NOT EXISTS facts_violation ON facts(violation) WHERE violation IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_deadline ON facts(deadline) WHERE deadline IS NOT NULL;
CREATE INDEX IF NOT EXISTS facts_amount ON facts(amount) WHERE amount IS NOT NULL;

CREATE VIRTUAL TABLE IF NOT EXISTS facts_fts USING fts5(
    fold, content='facts', content_rowid='fact_id',
    tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER IF NOT EXISTS facts_ai AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts(rowid, fold) VALUES (new.fact_id, new.fold);
END;
CREATE TRIGGER IF NOT EXISTS facts_ad AFTER DELETE ON facts BEGIN
    INSERT INTO facts_fts(facts_fts, rowid, fold) VALUES ('delete', old.fact_id, old.fold);
END;

-- Releases per facet value, refreshed after each indexing run that changed something: the
-- landing page shows them instantly at any corpus size (live facets over JSON arrays are not).
CREATE TABLE IF NOT EXISTS facet_counts (
    facet TEXT NOT NULL,
    value TEXT NOT NULL,
    releases INTEGER NOT NULL,
    PRIMARY KEY (facet, value)
);

CREATE VIEW IF NOT EXISTS release_groups AS
SELECT group_key,
       max(govkz_id) AS govkz_id,
       max(entity) AS entity,
       min(published_at) AS published_at,
       group_concat(lang, ',') AS langs,
       json_group_array(json_object(
           'lang', lang, 'release_id', release_id, 'title', title, 'url', url
       )) AS versions
FROM (SELECT * FROM releases ORDER BY group_key, lang)
GROUP BY group_key;
"""


@dataclass
class IndexStats:
    """What one indexing run did."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    invalid: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "invalid": self.invalid,
            "errors": self.errors,
        }


def default_index_path(corpus: Path) -> Path:
    """The index lives next to the corpus records: ``<corpus>/index.sqlite``."""
    return corpus / DEFAULT_INDEX_NAME if corpus.is_dir() else corpus.with_name(DEFAULT_INDEX_NAME)


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (and create if needed) an index; autocommit mode so we control transactions."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA cache_size=-131072")  # 128 MiB: fewer spills into the WAL
    ensure_schema(conn)
    return conn


def ensure_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(SCHEMA)
    conn.execute(
        "INSERT OR IGNORE INTO meta(key, value) VALUES ('index_schema_version', ?)",
        (INDEX_SCHEMA_VERSION,),
    )


# ---------------------------------------------------------------- reading records


def iter_jsonl(paths: Iterable[Path], stats: IndexStats | None = None) -> Iterator[Release]:
    """Yield records from JSONL files (or directories of ``*.jsonl``), one line at a time.

    Invalid lines are counted in ``stats`` (with the first few messages) and skipped, so one
    bad line does not stop a corpus build.
    """
    for file, lineno, line in iter_jsonl_lines(paths, recursive=True):
        try:
            yield Release.model_validate_json(line)
        except ValidationError as exc:
            if stats is not None:
                stats.invalid += 1
                if len(stats.errors) < 10:
                    first = exc.errors()[0]
                    loc = ".".join(str(p) for p in first["loc"])
                    stats.errors.append(f"{file}:{lineno}: {loc}: {first['msg']}")


# ---------------------------------------------------------------- rows from a record

_SENT_END = re.compile(r"[.!?…](?=\s)|\n")


def evidence_sentence(text: str, start: int, end: int, max_len: int = 400) -> str:
    """The sentence around ``text[start:end]``: what a reader needs to judge the fact."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = 0
    for m in _SENT_END.finditer(text, 0, start):
        left = m.end()
    m2 = _SENT_END.search(text, end)
    right = m2.end() if m2 else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > max_len:
        lo = max(left, start - max_len // 2)
        sentence = "…" + text[lo : lo + max_len].strip() + "…"
    return sentence


def _money_text(amount: float, currency: str) -> str:
    num = f"{amount:,.2f}".rstrip("0").rstrip(".").replace(",", " ")
    return f"{num} {currency}"


def fact_value(fact: dict[str, Any]) -> str:
    """One display/facet string for a fact's normalized value."""
    label = fact["label"]
    if label in ("REGION", "DISTRICT", "SETTLEMENT"):
        return str(fact.get("name_ru") or fact["text"])
    if label in ("ENTERPRISE", "AGENCY"):
        return str(fact.get("name") or fact["text"])
    if label == "DEADLINE":
        return str(fact["value"])
    if label == "VIOLATION":
        return str(fact["violation"])
    if label == "MONEY":
        return _money_text(float(fact["amount"]), str(fact["currency"]))
    if label == "LAW_ARTICLE":
        return f"{fact['code']} {fact['article']}"
    return str(fact["text"])


def _record_hash(rec: Release) -> str:
    return hashlib.sha256(rec.model_dump_json().encode("utf-8")).hexdigest()


def group_key(rec: Release) -> str:
    """Links the language versions of one release: gov.kz gives them one numeric id."""
    ident = rec.id if rec.id is not None else rec.doc_id
    if rec.id is None:
        return f"{rec.entity or ''}:{ident}:{rec.lang}"
    return f"{rec.entity or ''}:{ident}"


def _release_row(rec: Release, record_sha: str, facts: list[dict[str, Any]]) -> dict[str, Any]:
    facets: dict[str, list[str]] = {col: [] for col in FACET_COLUMNS.values()}
    deadlines: list[str] = []
    amounts: list[float] = []
    for f in facts:
        col = FACET_COLUMNS.get(f["label"])
        if col is None:
            continue
        val = f["currency"] if f["label"] == "MONEY" else f["value"]
        if val not in facets[col]:
            facets[col].append(val)
        if f["label"] == "DEADLINE":
            deadlines.append(f["deadline"])
        if f["label"] == "MONEY" and f["currency"] == "KZT":
            amounts.append(f["amount"])
    published = rec.published_at.isoformat() if rec.published_at else None
    row: dict[str, Any] = {
        "key": rec.key,
        "group_key": group_key(rec),
        "govkz_id": rec.id,
        "doc_id": rec.doc_id,
        "lang": rec.lang,
        "entity": rec.entity,
        "title": rec.title,
        "published_at": published,
        "published_date": rec.published_at.date().isoformat() if rec.published_at else None,
        "url": rec.url,
        "views": rec.views,
        "version": rec.version,
        "deadline_last": max(deadlines) if deadlines else None,
        "money_max": max(amounts) if amounts else None,
        "fact_count": len(facts),
        "content_sha256": rec.content_sha256,
        "record_sha256": record_sha,
        "extractor": f"{rec.extractor.name} {rec.extractor.version}",
        "schema_version": rec.schema_version,
        "indexed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    for col, vals in facets.items():
        row[col] = json.dumps(sorted(vals), ensure_ascii=False)
    return row


def _fact_rows(rec: Release) -> list[dict[str, Any]]:
    published = rec.published_at.date().isoformat() if rec.published_at else None
    rows: list[dict[str, Any]] = []
    for fact in rec.facts:
        f = fact.model_dump(mode="json")
        value = fact_value(f)
        rows.append(
            {
                "label": f["label"],
                "value": value,
                "text": f["text"],
                "evidence": evidence_sentence(rec.text, f["start"], f["end"]),
                "start": f["start"],
                "end": f["end"],
                "sentence": f["sentence"],
                "kato": f.get("kato"),
                "name_ru": f.get("name_ru"),
                "legal_form": f.get("legal_form"),
                "name": f.get("name"),
                "deadline": f.get("value") if f["label"] == "DEADLINE" else None,
                "precision": f.get("precision"),
                "violation": f.get("violation"),
                "amount": f.get("amount"),
                "currency": f.get("currency"),
                "code": f.get("code"),
                "article": f.get("article"),
                "lang": rec.lang,
                "entity": rec.entity,
                "published_date": published,
                "fold": f"{fold(value)} | {fold(f['text'])}",
            }
        )
    return rows


_RELEASE_COLS = [
    "key",
    "group_key",
    "govkz_id",
    "doc_id",
    "lang",
    "entity",
    "title",
    "published_at",
    "published_date",
    "url",
    "views",
    "version",
    "violations",
    "regions",
    "districts",
    "settlements",
    "enterprises",
    "agencies",
    "deadlines",
    "currencies",
    "law_articles",
    "deadline_last",
    "money_max",
    "fact_count",
    "content_sha256",
    "record_sha256",
    "extractor",
    "schema_version",
    "indexed_at",
]
# The normalized fields of every label, as columns of the facts table.
FACT_FIELDS = [
    "kato",
    "name_ru",
    "legal_form",
    "name",
    "deadline",
    "precision",
    "violation",
    "amount",
    "currency",
    "code",
    "article",
]
_FACT_COLS = [
    "release_id",
    "label",
    "value",
    "text",
    "evidence",
    "start",
    "end",
    "sentence",
    *FACT_FIELDS,
    "lang",
    "entity",
    "published_date",
    "fold",
]
_INSERT_RELEASE = "INSERT INTO releases ({}) VALUES ({})".format(
    ", ".join(_RELEASE_COLS), ", ".join(f":{c}" for c in _RELEASE_COLS)
)
_UPDATE_RELEASE = "UPDATE releases SET {} WHERE release_id = :release_id".format(
    ", ".join(f"{c} = :{c}" for c in _RELEASE_COLS)
)
_INSERT_FACT = "INSERT INTO facts ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _FACT_COLS), ", ".join(f":{c}" for c in _FACT_COLS)
)


def _write_release(conn: sqlite3.Connection, rec: Release, stats: IndexStats) -> None:
    record_sha = _record_hash(rec)
    old = conn.execute(
        "SELECT release_id, version, record_sha256 FROM releases WHERE key = ?", (rec.key,)
    ).fetchone()
    if old is not None:
        if old["record_sha256"] == record_sha:
            stats.unchanged += 1
            return
        if rec.version < old["version"]:
            stats.stale += 1
            return
    facts = _fact_rows(rec)
    row = _release_row(rec, record_sha, facts)
    texts = {
        "title": rec.title,
        "text": rec.text,
        "title_fold": fold(rec.title),
        "text_fold": fold(rec.text),
    }
    if old is None:
        release_id = conn.execute(_INSERT_RELEASE, row).lastrowid
        conn.execute(
            "INSERT INTO release_texts (release_id, title, text, title_fold, text_fold) "
            "VALUES (:release_id, :title, :text, :title_fold, :text_fold)",
            {"release_id": release_id, **texts},
        )
        stats.added += 1
    else:
        release_id = old["release_id"]
        conn.execute("DELETE FROM facts WHERE release_id = ?", (release_id,))
        conn.execute(_UPDATE_RELEASE, {"release_id": release_id, **row})
        conn.execute(
            "UPDATE release_texts SET title = :title, text = :text, title_fold = :title_fold, "
            "text_fold = :text_fold WHERE release_id = :release_id",
            {"release_id": release_id, **texts},
        )
        stats.updated += 1
    conn.executemany(_INSERT_FACT, [{"release_id": release_id, **f} for f in facts])


def index_records(
    conn: sqlite3.Connection,
    records: Iterable[Release],
    stats: IndexStats | None = None,
    batch_size: int | None = None,
) -> IndexStats:
    """Add/replace ``records`` in the index; returns what changed.

    Without ``batch_size`` everything is one transaction (all or nothing). With it, every
    ``batch_size`` records are committed: a large build then keeps the WAL small, and since
    each record is written whole and re-indexing is idempotent, a run stopped half-way is
    finished by running it again.
    """
    stats = stats if stats is not None else IndexStats()
    changed_before = stats.added + stats.updated
    in_batch = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        for rec in records:
            stats.read += 1
            _write_release(conn, rec, stats)
            in_batch += 1
            if batch_size and in_batch >= batch_size:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
                in_batch = 0
        if stats.added + stats.updated > changed_before:
            refresh_facet_counts(conn)
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES ('updated_at', ?)",
                (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),),
            )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return stats


FACET_COUNT_SQL = (
    "DELETE FROM facet_counts",
    "INSERT INTO facet_counts (facet, value, releases) "
    "SELECT label, value, count(DISTINCT release_id) FROM facts "
    "WHERE label IN ('VIOLATION', 'DISTRICT', 'REGION', 'ENTERPRISE', 'AGENCY') "
    "AND value IS NOT NULL GROUP BY label, value",
    "INSERT INTO facet_counts (facet, value, releases) "
    "SELECT 'DEADLINE_MONTH', substr(deadline, 1, 7), count(DISTINCT release_id) FROM facts "
    "WHERE label = 'DEADLINE' AND deadline IS NOT NULL GROUP BY substr(deadline, 1, 7)",
    "INSERT INTO facet_counts (facet, value, releases) "
    "SELECT 'LANG', lang, count(*) FROM releases GROUP BY lang",
    "INSERT INTO facet_counts (facet, value, releases) "
    "SELECT 'ENTITY', entity, count(*) FROM releases WHERE entity IS NOT NULL GROUP BY entity",
)


def refresh_facet_counts(conn: sqlite3.Connection) -> None:
    """Recount releases per facet value (inside the caller's transaction)."""
    for sql in FACET_COUNT_SQL:
        conn.execute(sql)


def build_index(
    sources: Iterable[Path],
    index_path: Path,
    optimize: bool = False,
    batch_size: int | None = 10_000,
) -> IndexStats:
    """``govkz index``: stream records JSONL from ``sources`` into the index at ``index_path``."""
    index_path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(index_path)
    try:
        stats = IndexStats()
        index_records(conn, iter_jsonl(sources, stats), stats, batch_size=batch_size)
        if optimize:
            optimize_index(conn)
        return stats
    finally:
        conn.close()


def optimize_index(conn: sqlite3.Connection) -> None:
    """Merge FTS segments and refresh planner statistics (worth it after a large build)."""
    conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO facts_fts(facts_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
