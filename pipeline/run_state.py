"""What the batch runs have fetched and written, in an embedded SQLite database next to
the corpus. The database is the commit log: a records segment counts only once its
row is committed here, so a run killed at any moment leaves nothing half-done that the
next run would duplicate or miss.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT NOT NULL DEFAULT 'running',
    report_path TEXT,
    error       TEXT
);
CREATE TABLE IF NOT EXISTS streams (
    entity           TEXT NOT NULL,
    lang             TEXT NOT NULL,
    watermark        TEXT,
    last_run_id      TEXT,
    last_outcome     TEXT,
    last_finished_at TEXT,
    last_error       TEXT,
    PRIMARY KEY (entity, lang)
);
CREATE TABLE IF NOT EXISTS releases (
    entity          TEXT NOT NULL,
    news_id         INTEGER NOT NULL,
    lang            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    content_sha256  TEXT NOT NULL,
    created_date    TEXT,
    segment         TEXT NOT NULL,
    run_id          TEXT NOT NULL,
    superseded      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity, news_id, lang, version)
);
CREATE INDEX IF NOT EXISTS releases_segment ON releases(segment);
CREATE TABLE IF NOT EXISTS segments (
    name         TEXT PRIMARY KEY,
    run_id       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    lang         TEXT NOT NULL,
    records      INTEGER NOT NULL,
    committed_at TEXT NOT NULL,
    indexed_at   TEXT
);
"""

# Columns added after the first schema; an older database gains them on open.
_ADDED_COLUMNS = {
    "runs": {"error": "TEXT"},
    "segments": {"indexed_at": "TEXT"},
}


@dataclass(frozen=True)
class Entry:
    """One record version written into a segment."""

    news_id: int
    version: int
    content_sha256: str
    created_date: str | None


@dataclass(frozen=True)
class StreamStatus:
    """One entity and language as `govkz status` shows it."""

    entity: str
    lang: str
    watermark: str | None
    last_run_id: str | None
    last_outcome: str | None
    last_finished_at: str | None
    last_error: str | None
    releases: int
    superseded: int


@dataclass(frozen=True)
class RunRow:
    run_id: str
    started_at: str
    finished_at: str | None
    outcome: str
    report_path: str | None


@dataclass(frozen=True)
class VersionRow:
    version: int
    content_sha256: str
    segment: str
    run_id: str
    superseded: bool


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class RunState:
    """The state database of one corpus directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut
        self.db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self) -> None:
        for table, columns in _ADDED_COLUMNS.items():
            have = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            for column, decl in columns.items():
                if column not in have:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- runs --------------------------------------------------------------------------
    def start_run(self, run_id: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO runs(run_id, started_at) VALUES (?, ?)", (run_id, _now()))

    def finish_run(
        self, run_id: str, outcome: str, report_path: str | None, error: str | None = None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at=?, outcome=?, report_path=?, error=? WHERE run_id=?",
                (_now(), outcome, report_path, error, run_id),
            )

    def close_crashed_runs(self) -> list[str]:
        """Runs still marked running when the lock is free died without finishing."""
        with self.transaction() as db:
            ids = [r[0] for r in db.execute("SELECT run_id FROM runs WHERE outcome='running'")]
            db.execute(
                "UPDATE runs SET outcome='crashed', error='process ended before the run "
                "finished; its committed segments were kept' WHERE outcome='running'"
            )
        return ids

    def last_runs(self, limit: int = 5) -> list[RunRow]:
        rows = self.db.execute(
            "SELECT run_id, started_at, finished_at, outcome, report_path FROM runs "
            "ORDER BY run_id DESC LIMIT ?",
            (limit,),
        )
        return [RunRow(*row) for row in rows]

    # -- releases ----------------------------------------------------------------------
    def current(self, entity: str, news_id: int, lang: str) -> tuple[int, str] | None:
        """Latest (version, content hash) of a release-language, if ever written."""
        row = self.db.execute(
            "SELECT version, content_sha256 FROM releases WHERE entity=? AND news_id=? AND lang=? "
            "ORDER BY version DESC LIMIT 1",
            (entity, news_id, lang),
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def versions(self, entity: str, news_id: int, lang: str) -> list[VersionRow]:
        """Every committed version of a release-language, oldest first."""
        rows = self.db.execute(
            "SELECT version, content_sha256, segment, run_id, superseded FROM releases "
            "WHERE entity=? AND news_id=? AND lang=? ORDER BY version",
            (entity, news_id, lang),
        )
        return [VersionRow(int(v), str(h), str(s), str(r), bool(x)) for v, h, s, r, x in rows]

    def watermark(self, entity: str, lang: str) -> str | None:
        row = self.db.execute(
            "SELECT watermark FROM streams WHERE entity=? AND lang=?", (entity, lang)
        ).fetchone()
        return row[0] if row else None

    def commit_segment(
        self,
        run_id: str,
        entity: str,
        lang: str,
        segment: str,
        entries: Iterable[Entry],
    ) -> None:
        """Record a segment and its record versions in one transaction (the commit point)."""
        entries = list(entries)
        with self.transaction() as db:
            for e in entries:
                db.execute(
                    "UPDATE releases SET superseded=1 WHERE entity=? AND news_id=? AND lang=? "
                    "AND version<?",
                    (entity, e.news_id, lang, e.version),
                )
                db.execute(
                    "INSERT INTO releases(entity, news_id, lang, version, content_sha256, "
                    "created_date, segment, run_id) VALUES (?,?,?,?,?,?,?,?)",
                    (
                        entity,
                        e.news_id,
                        lang,
                        e.version,
                        e.content_sha256,
                        e.created_date,
                        segment,
                        run_id,
                    ),
                )
            db.execute(
                "INSERT INTO segments(name, run_id, entity, lang, records, committed_at) "
                "VALUES (?,?,?,?,?,?)",
                (segment, run_id, entity, lang, len(entries), _now()),
            )

    def committed_segments(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT name FROM segments")}

    def unindexed_segments(self) -> list[str]:
        """Committed segments not yet added to the search index, in commit order."""
        return [
            row[0]
            for row in self.db.execute(
                "SELECT name FROM segments WHERE indexed_at IS NULL ORDER BY committed_at, name"
            )
        ]

    def mark_indexed(self, names: Iterable[str]) -> None:
        now = _now()
        with self.transaction() as db:
            db.executemany(
                "UPDATE segments SET indexed_at=? WHERE name=?", [(now, n) for n in names]
            )

    def finish_stream(
        self,
        run_id: str,
        entity: str,
        lang: str,
        outcome: str,
        *,
        watermark: str | None,
        error: str | None,
    ) -> None:
        """Close one entity/language of a run; the watermark only moves forward."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO streams(entity, lang) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (entity, lang),
            )
            db.execute(
                "UPDATE streams SET last_run_id=?, last_outcome=?, last_finished_at=?, "
                "last_error=? WHERE entity=? AND lang=?",
                (run_id, outcome, _now(), error, entity, lang),
            )
            if watermark is not None:
                db.execute(
                    "UPDATE streams SET watermark=? WHERE entity=? AND lang=? "
                    "AND (watermark IS NULL OR watermark < ?)",
                    (watermark, entity, lang, watermark),
                )

    def status(self) -> list[StreamStatus]:
        rows = self.db.execute(
            "SELECT s.entity, s.lang, s.watermark, s.last_run_id, s.last_outcome, "
            "s.last_finished_at, s.last_error, "
            "(SELECT COUNT(*) FROM releases r WHERE r.entity=s.entity AND r.lang=s.lang "
            " AND r.superseded=0), "
            "(SELECT COUNT(*) FROM releases r WHERE r.entity=s.entity AND r.lang=s.lang "
            " AND r.superseded=1) FROM streams s ORDER BY s.entity, s.lang"
        )
        return [StreamStatus(*row) for row in rows]

    def corpus_size(self) -> tuple[int, int]:
        """(current record versions, superseded versions)."""
        row = self.db.execute(
            "SELECT SUM(superseded=0), SUM(superseded=1) FROM releases"
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)
