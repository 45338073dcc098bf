"""Search the index: full-text (bm25) + fact filters, script-insensitive (output: search_output).

``search()`` is what ``govkz search`` and the tests call. A query is split into words (a
"quoted phrase" stays a phrase); each word becomes a prefix term, so Russian and Kazakh
inflections match ("Өскемен" finds "Өскемена"). The FTS expression asks the original columns
*or* the script-folded shadow columns: the folded side makes "Taza Oskemen" find
"Таза Өскемен", the original side lets snippet() highlight same-script matches and gives them a
higher bm25 (cross-script matches are highlighted by ``fold_snippet`` instead). Fact filters
(``--district Zaisan``) match the folded normalized value and the folded evidence span through
``facts_fts``; a narrow filter drives the query (IN), a broad one is probed per release
(EXISTS) so a date-ordered scan can stop early.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from models.facts import Violation

from .index import FACT_FIELDS
from .translit import fold_word, word_spans

_HL_OPEN, _HL_CLOSE = "\x02", "\x03"
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)

# A text query matching more documents than this ranks (bm25) only the RANK_WINDOW most
# recently indexed of them, so a very common word stays fast; snippets then come from the
# Python highlighter instead of snippet().
RANK_WINDOW = 5000

# Fact filters matched through facts_fts (script-insensitive, word-prefix).
TEXT_FILTERS: dict[str, str] = {
    "district": "DISTRICT",
    "region": "REGION",
    "settlement": "SETTLEMENT",
    "enterprise": "ENTERPRISE",
    "agency": "AGENCY",
}


@dataclass
class SearchFilters:
    """Optional filters; each one narrows the releases to those having a matching fact."""

    district: str | None = None
    region: str | None = None
    settlement: str | None = None
    enterprise: str | None = None
    agency: str | None = None
    legal_form: str | None = None
    violation: str | None = None
    deadline_from: dt.date | None = None
    deadline_to: dt.date | None = None
    money_min: float | None = None
    money_max: float | None = None
    currency: str | None = None
    lang: Sequence[str] | None = None
    entity: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def active(self) -> bool:
        return any(v not in (None, "", [], ()) for v in asdict(self).values())


@dataclass
class FactHit:
    label: str
    value: str
    text: str
    evidence: str
    start: int
    end: int
    matched: bool
    fields: dict[str, Any]


@dataclass
class Hit:
    release_id: int
    key: str
    govkz_id: int | None
    lang: str
    entity: str | None
    title: str | None
    published_at: str | None
    url: str | None
    score: float | None
    snippet: str
    highlights: list[tuple[int, int]]
    facts: list[FactHit] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def date(self) -> str:
        return (self.published_at or "")[:10]

    def matched_facts(self, fallback: int = 3) -> list[FactHit]:
        """The facts that matched the search, or the first few when none did."""
        matched = [f for f in self.facts if f.matched]
        return matched or self.facts[:fallback]

    def snippet_html(self) -> Markup:
        """The snippet with query matches in <mark>, every text piece escaped."""
        return highlight_html(self.snippet, self.highlights)


class SearchError(ValueError):
    """A query or filter the index cannot answer (e.g. an unknown violation label)."""


# ---------------------------------------------------------------- query building


def _query_terms(query: str) -> list[tuple[list[str], bool]]:
    """Words and phrases of a user query: ([words], is_prefix)."""
    terms: list[tuple[list[str], bool]] = []
    for m in _TOKEN.finditer(query or ""):
        phrase, word = m.group(1), m.group(2)
        if phrase is not None:
            words = _WORD.findall(phrase)
            if words:
                terms.append((words, False))
            continue
        if word.upper() in ("AND", "OR", "NOT"):
            continue
        words = _WORD.findall(word)
        if not words:
            continue
        prefix = word.endswith("*") or len(words[-1]) >= 3
        terms.append((words, prefix))
    return terms


# Inflection endings of folded Russian/Kazakh words (longest first): a prefix term drops one so
# "взятка" also finds "взятки", "государственных" finds "государственные". Crude on purpose:
# the original-script side of the query still ranks exact forms first.
_ENDINGS = (
    "iami", "ami", "ogo", "omu", "ego", "emu", "ini", "ih", "ie", "ii", "oi", "om", "ov",
    "ei", "ia", "iu", "ah", "a", "e", "i", "o", "u",
)  # fmt: skip


def stem_key(key: str) -> str:
    """Drop one inflection ending from a folded word of 6+ letters, keeping 4+ letters."""
    if len(key) >= 6:
        for end in _ENDINGS:
            if key.endswith(end) and len(key) - len(end) >= 4:
                return key[: -len(end)]
    return key


def _fold_term(words: list[str], prefix: bool) -> list[str]:
    ws = [fold_word(w) for w in words]
    if prefix:
        ws[-1] = stem_key(ws[-1])
    return ws


def _fts_terms(terms: list[tuple[list[str], bool]], folded: bool) -> str:
    parts = []
    for words, prefix in terms:
        ws = _fold_term(words, prefix) if folded else words
        parts.append('"' + " ".join(ws) + '"' + ("*" if prefix else ""))
    return " AND ".join(parts)


def fts_query(query: str, column_filters: bool = True, original: bool = True) -> str | None:
    """The FTS5 MATCH expression for a user query, or None if it has no words.

    Only word characters reach the expression, so user input cannot inject FTS syntax.
    Without ``column_filters`` the expression suits any of our FTS tables (Datasette uses one
    expression builder for every table it searches). Without ``original`` only the folded
    shadow columns are asked: the same matches, half the work, but nothing for snippet() to
    mark and no bonus for same-script matches.
    """
    terms = _query_terms(query)
    if not terms:
        return None
    orig, folded = _fts_terms(terms, False), _fts_terms(terms, True)
    if not column_filters:
        return f"({orig}) OR ({folded})" if original else f"({folded})"
    if not original:
        return f"{{title_fold text_fold}} : ({folded})"
    return f"{{title text}} : ({orig}) OR {{title_fold text_fold}} : ({folded})"


def folded_terms(query: str) -> list[tuple[list[str], bool]]:
    return [(_fold_term(words, prefix), prefix) for words, prefix in _query_terms(query)]


def filter_terms(value: str) -> list[tuple[list[str], bool]]:
    """A fact filter value as folded prefix terms: every word must start a word of the fact."""
    return [([stem_key(fold_word(w))], True) for w in _WORD.findall(value or "")]


def facts_fts_query(value: str) -> str:
    """Word-prefix match of a filter value against the folded fact column."""
    terms = filter_terms(value)
    if not terms:
        raise SearchError(f"empty filter value: {value!r}")
    return " AND ".join(f'"{words[0]}"*' for words, _ in terms)


def _fold_match(fold_text: str, terms: list[tuple[list[str], bool]]) -> bool:
    """Python mirror of the FTS prefix semantics on a folded text (to flag matching facts)."""
    tokens = [fold_word(t) for t in _WORD.findall(fold_text)]
    for words, prefix in terms:
        n = len(words)
        found = False
        for i in range(len(tokens) - n + 1):
            window = tokens[i : i + n]
            if window[:-1] == words[:-1] and (
                window[-1].startswith(words[-1]) if prefix else window[-1] == words[-1]
            ):
                found = True
                break
        if not found:
            return False
    return True


# ---------------------------------------------------------------- highlighting


def split_marked(marked: str) -> tuple[str, list[tuple[int, int]]]:
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = -1
    for ch in marked:
        if ch == _HL_OPEN:
            start = pos
        elif ch == _HL_CLOSE:
            if start >= 0:
                spans.append((start, pos))
            start = -1
        else:
            out.append(ch)
            pos += 1
    return "".join(out), spans


def _aligned_spans(text: str, text_fold: str | None) -> list[tuple[int, int, str]]:
    """Word spans of ``text`` with their folded keys, read off the stored folded shadow.

    The fold maps each word to one word, so the i-th word of the shadow is the key of the i-th
    word of the text; if the counts ever differ we fold again instead.
    """
    if text_fold:
        words = list(_WORD.finditer(text))
        keys = _WORD.findall(text_fold)
        if len(words) == len(keys):
            return [(m.start(), m.end(), k) for m, k in zip(words, keys, strict=True)]
    return word_spans(text)


def fold_snippet(
    text: str,
    terms: list[tuple[list[str], bool]],
    width: int = 24,
    text_fold: str | None = None,
) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``width`` words around the first script-folded match, with match offsets.

    Used when FTS5's snippet() is not asked (large match sets, where it costs ~1 ms a hit) or
    found nothing to mark because the match was in another script.
    """
    if not terms:
        # nothing to find: the start of the body (the title is shown on its own)
        body = text.find("\n\n")
        rest = text[body + 2 :] if body >= 0 else text
        cut = rest[: width * 9]
        if len(cut) < len(rest):
            cut = cut[: cut.rfind(" ")] + "…" if " " in cut else cut + "…"
        return cut, []
    spans = _aligned_spans(text, text_fold)
    if not spans:
        return "", []
    keys = [sp[2] for sp in spans]
    hits: list[int] = []
    for words, prefix in terms:
        first, n = words[0], len(words)
        if n == 1:
            if prefix:
                hits.extend(i for i, k in enumerate(keys) if k.startswith(first))
            else:
                hits.extend(i for i, k in enumerate(keys) if k == first)
            continue
        for i, k in enumerate(keys[: len(keys) - n + 1]):
            if k != first or keys[i + 1 : i + n - 1] != words[1:-1]:
                continue
            last = keys[i + n - 1]
            if last.startswith(words[-1]) if prefix else last == words[-1]:
                hits.extend(range(i, i + n))
    hits.sort()
    if not hits:
        # nothing to show around: the start of the body (the title is shown on its own)
        body = text.find("\n\n")
        first_hit = next((i for i, sp in enumerate(spans) if sp[0] > body), 0) if body > 0 else 0
    else:
        first_hit = hits[0]
    lo = max(0, first_hit - width // 4)
    hi = min(len(spans), lo + width)
    s_start, s_end = spans[lo][0], spans[hi - 1][1]
    snippet = text[s_start:s_end]
    lead = "…" if lo > 0 else ""
    tail = "…" if hi < len(spans) else ""
    shift = len(lead) - s_start
    marks = [(spans[i][0] + shift, spans[i][1] + shift) for i in sorted(set(hits)) if lo <= i < hi]
    return lead + snippet + tail, marks


def highlight_html(text: str, spans: list[tuple[int, int]], css: str = "") -> Markup:
    """Escape ``text`` piece by piece and wrap ``spans`` in <mark>: scraped text stays text."""
    out: list[str] = []
    pos = 0
    cls = Markup(' class="{}"').format(css) if css else Markup("")
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark{}>{}</mark>").format(cls, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def highlight_facts_html(text: str, facts: Sequence[dict[str, Any]]) -> Markup:
    """The release text with each fact's evidence span in <mark class="fact fact-LABEL">.

    Overlapping facts are cut into segments so the HTML never nests marks wrongly; a fact whose
    offsets do not point at its text (stale record) is left unmarked rather than misplaced.
    """
    valid = [
        f
        for f in facts
        if 0 <= f["start"] < f["end"] <= len(text) and text[f["start"] : f["end"]] == f["text"]
    ]
    bounds = sorted({0, len(text), *(f["start"] for f in valid), *(f["end"] for f in valid)})
    out: list[str] = []
    for a, b in itertools.pairwise(bounds):
        piece = text[a:b]
        active = [f for f in valid if f["start"] <= a and b <= f["end"]]
        if not active:
            out.append(escape(piece))
            continue
        labels = " ".join(sorted({f"fact-{f['label']}" for f in active}))
        tip = "; ".join(f"{f['label']}: {f.get('value') or ''}" for f in active)
        out.append(
            Markup('<mark class="fact {}" data-label="{}" title="{}">{}</mark>').format(
                labels, active[0]["label"], tip, piece
            )
        )
    return Markup("").join(out)


# ---------------------------------------------------------------- search


def _open(index: sqlite3.Connection | Path | str) -> tuple[sqlite3.Connection, bool]:
    if isinstance(index, sqlite3.Connection):
        return index, False
    path = Path(index)
    if not path.exists():
        raise SearchError(f"no index at {path}: run `govkz index` first")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn, True


@dataclass
class _FactCond:
    """A condition on ``facts`` rows; a release passes if one of its facts meets it."""

    sql: str
    params: list[Any]

    def as_in(self) -> tuple[str, list[Any]]:
        # narrow filters: the planner starts from the few matching facts
        return f"r.release_id IN (SELECT release_id FROM facts WHERE {self.sql})", self.params

    def as_exists(self) -> tuple[str, list[Any]]:
        # broad filters: probed per candidate release, so a date-ordered scan can stop early
        return (
            f"EXISTS (SELECT 1 FROM facts WHERE facts.release_id = r.release_id AND {self.sql})",
            self.params,
        )


def _filter_sql(
    f: SearchFilters,
) -> tuple[list[_FactCond], list[str], list[Any], list[tuple[str, str]]]:
    """Fact conditions, WHERE clauses on ``r`` (releases) + their params, text filters."""
    conds: list[_FactCond] = []
    where: list[str] = []
    params: list[Any] = []
    text_filters: list[tuple[str, str]] = []
    for attr, label in TEXT_FILTERS.items():
        value = getattr(f, attr)
        if value:
            q = facts_fts_query(value)
            text_filters.append((label, value))
            conds.append(
                _FactCond(
                    "label = ? AND fact_id IN "
                    "(SELECT rowid FROM facts_fts WHERE facts_fts MATCH ?)",
                    [label, q],
                )
            )
    if f.legal_form:
        conds.append(_FactCond("label = 'ENTERPRISE' AND legal_form = ?", [f.legal_form.upper()]))
    if f.violation:
        v = f.violation.strip().lower()
        if v not in {x.value for x in Violation}:
            known = ", ".join(x.value for x in Violation)
            raise SearchError(f"unknown violation {f.violation!r}; one of: {known}")
        conds.append(_FactCond("violation = ?", [v]))
    if f.deadline_from or f.deadline_to:
        cond = ["label = 'DEADLINE'"]
        cparams: list[Any] = []
        if f.deadline_from:
            cond.append("deadline >= ?")
            cparams.append(f.deadline_from.isoformat())
        if f.deadline_to:
            cond.append("deadline <= ?")
            cparams.append(f.deadline_to.isoformat())
        conds.append(_FactCond(" AND ".join(cond), cparams))
    if f.money_min is not None or f.money_max is not None or f.currency:
        cond = ["label = 'MONEY'"]
        cparams = []
        if f.money_min is not None:
            cond.append("amount >= ?")
            cparams.append(f.money_min)
        if f.money_max is not None:
            cond.append("amount <= ?")
            cparams.append(f.money_max)
        if f.currency:
            cond.append("currency = ?")
            cparams.append(f.currency.upper())
        conds.append(_FactCond(" AND ".join(cond), cparams))
    if f.lang:
        langs = [x.strip() for item in f.lang for x in item.split(",") if x.strip()]
        where.append(f"r.lang IN ({', '.join('?' for _ in langs)})")
        params += langs
    if f.entity:
        where.append("r.entity = ?")
        params.append(f.entity)
    if f.since:
        where.append("r.published_at >= ?")  # ISO text: a date sorts before its times
        params.append(f.since.isoformat())
    if f.until:
        where.append("r.published_at < ?")
        params.append((f.until + dt.timedelta(days=1)).isoformat())
    return conds, where, params, text_filters


def _plan_filters(
    conn: sqlite3.Connection, conds: list[_FactCond], fetch: int
) -> tuple[list[str], list[Any]]:
    """IN for narrow fact conditions, EXISTS for broad ones (count capped, so cheap).

    Broad means at least sqrt(fetch × releases) matching facts: past that, scanning releases
    in date order and probing each is cheaper than collecting and sorting every match.
    """
    if not conds:
        return [], []
    n = conn.execute("SELECT coalesce(max(release_id), 0) FROM releases").fetchone()[0]
    cap = max(500, int(math.sqrt(fetch * max(n, 1))))
    where: list[str] = []
    params: list[Any] = []
    for c in conds:
        count = conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM facts WHERE {c.sql} LIMIT ?)", [*c.params, cap]
        ).fetchone()[0]
        sql, p = c.as_exists() if count >= cap else c.as_in()
        where.append(sql)
        params += p
    return where, params


def _fact_matches(
    row: sqlite3.Row,
    f: SearchFilters,
    text_filters: list[tuple[str, str]],
    q_terms: list[tuple[list[str], bool]],
) -> bool:
    label = row["label"]
    for flabel, value in text_filters:
        if label == flabel and _fold_match(row["fold"], filter_terms(value)):
            return True
    if f.violation and row["violation"] == f.violation.strip().lower():
        return True
    if f.legal_form and label == "ENTERPRISE" and row["legal_form"] == f.legal_form.upper():
        return True
    if (f.deadline_from or f.deadline_to) and label == "DEADLINE":
        d = row["deadline"]
        if (not f.deadline_from or d >= f.deadline_from.isoformat()) and (
            not f.deadline_to or d <= f.deadline_to.isoformat()
        ):
            return True
    if (f.money_min is not None or f.money_max is not None or f.currency) and label == "MONEY":
        a = row["amount"]
        if (
            (f.money_min is None or a >= f.money_min)
            and (f.money_max is None or a <= f.money_max)
            and (not f.currency or row["currency"] == f.currency.upper())
        ):
            return True
    return any(_fold_match(row["fold"], [t]) for t in q_terms)


def search(
    index: sqlite3.Connection | Path | str,
    query: str = "",
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    group_languages: bool = True,
) -> list[Hit]:
    """Releases matching ``query`` (bm25 order) and ``filters`` (newest first if no query).

    With ``group_languages`` the ru/kk/en versions of one gov.kz release come back as one hit
    (the best-ranked language) listing the others in ``versions``.
    """
    f = filters or SearchFilters()
    conn, owned = _open(index)
    try:
        conds, rwhere, rparams, text_filters = _filter_sql(f)
        match = fts_query(query)
        fetch = (limit + offset) * (4 if group_languages else 1)
        fwhere, fparams = _plan_filters(conn, conds, fetch)
        where, params = fwhere + rwhere, fparams + rparams
        many = False
        if match:
            # Count the matches (up to RANK_WINDOW, newest first) on the folded columns alone:
            # FTS5 merges the whole doclist of a prefix term, so this is the cheap way to learn
            # whether the query is selective.
            folded_match = fts_query(query, original=False)
            n_match, window_start = conn.execute(
                "SELECT count(*), min(rowid) FROM (SELECT rowid FROM releases_fts "
                "WHERE releases_fts MATCH ? ORDER BY rowid DESC LIMIT ?)",
                [folded_match, RANK_WINDOW],
            ).fetchone()
            many = n_match >= RANK_WINDOW
            window, wargs = "", []
            if many:
                # A common word: skip the original-script branch (snippets then come from the
                # Python highlighter) and, without filters, let bm25 score only the
                # RANK_WINDOW most recently indexed matches instead of all of them.
                match = folded_match
                if not where:
                    window, wargs = " AND releases_fts.rowid >= ?", [window_start]
            join = "JOIN releases r ON r.release_id = releases_fts.rowid " if where else ""
            sql = (
                "SELECT r.*, s.score FROM (SELECT releases_fts.rowid AS rid, "
                "bm25(releases_fts, 8.0, 1.0, 4.0, 0.5) AS score FROM releases_fts "
                f"{join}WHERE releases_fts MATCH ?{window}"
                f"{''.join(' AND ' + w for w in where)} ORDER BY score LIMIT ?) s "
                "JOIN releases r ON r.release_id = s.rid ORDER BY s.score"
            )
            args: list[Any] = [match, *wargs, *params, fetch]
        else:
            sql = (
                "SELECT r.*, NULL AS score FROM releases r "
                f"{'WHERE ' + ' AND '.join(where) if where else ''} "
                "ORDER BY r.published_at DESC, r.release_id DESC LIMIT ?"
            )
            args = [*params, fetch]
        try:
            rows = conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError as exc:
            raise SearchError(f"cannot run this search: {exc}") from exc

        picked: list[sqlite3.Row] = []
        seen: set[str] = set()
        for row in rows:
            gk = row["group_key"] if group_languages else row["key"]
            if gk in seen:
                continue
            seen.add(gk)
            picked.append(row)
        picked = picked[offset : offset + limit]
        snippets: dict[int, str] = {}
        if match and not many:
            # snippet() loads the query terms' doclists for each call: fine for a selective
            # query, ~1 ms a hit for a common one (then the Python highlighter is used).
            for r in picked:
                row = conn.execute(
                    "SELECT snippet(releases_fts, 1, char(2), char(3), '…', 20) "
                    "FROM releases_fts WHERE releases_fts MATCH ? AND rowid = ?",
                    [match, r["release_id"]],
                ).fetchone()
                if row is not None:
                    snippets[r["release_id"]] = row[0]
        return _hits(conn, picked, snippets, query, f, text_filters)
    finally:
        if owned:
            conn.close()


def _hits(
    conn: sqlite3.Connection,
    rows: list[sqlite3.Row],
    snippets: dict[int, str],
    query: str,
    f: SearchFilters,
    text_filters: list[tuple[str, str]],
) -> list[Hit]:
    if not rows:
        return []
    ids = [r["release_id"] for r in rows]
    marks = ", ".join("?" for _ in ids)
    facts_by: dict[int, list[sqlite3.Row]] = {}
    for fr in conn.execute(
        f'SELECT * FROM facts WHERE release_id IN ({marks}) ORDER BY release_id, start, "end"',
        ids,
    ):
        facts_by.setdefault(fr["release_id"], []).append(fr)
    groups = [r["group_key"] for r in rows]
    gmarks = ", ".join("?" for _ in groups)
    versions_by: dict[str, list[dict[str, Any]]] = {}
    for vr in conn.execute(
        "SELECT release_id, group_key, lang, title, url, published_at FROM releases "
        f"WHERE group_key IN ({gmarks}) ORDER BY lang",
        groups,
    ):
        versions_by.setdefault(vr["group_key"], []).append(
            {
                "lang": vr["lang"],
                "release_id": vr["release_id"],
                "title": vr["title"],
                "url": vr["url"],
            }
        )
    q_terms = folded_terms(query)
    hits: list[Hit] = []
    for r in rows:
        snip_raw = snippets.get(r["release_id"]) or ""
        snippet, spans = split_marked(snip_raw)
        if not spans:
            t = conn.execute(
                "SELECT text, text_fold FROM release_texts WHERE release_id = ?",
                (r["release_id"],),
            ).fetchone()
            snippet, spans = (
                fold_snippet(t["text"], q_terms, text_fold=t["text_fold"]) if t else ("", [])
            )
        snippet = snippet.replace("\n", " ")  # one line; offsets unchanged
        facts = [
            FactHit(
                label=fr["label"],
                value=fr["value"],
                text=fr["text"],
                evidence=fr["evidence"],
                start=fr["start"],
                end=fr["end"],
                matched=_fact_matches(fr, f, text_filters, q_terms),
                fields={k: fr[k] for k in FACT_FIELDS if fr[k] is not None},
            )
            for fr in facts_by.get(r["release_id"], [])
        ]
        hits.append(
            Hit(
                release_id=r["release_id"],
                key=r["key"],
                govkz_id=r["govkz_id"],
                lang=r["lang"],
                entity=r["entity"],
                title=r["title"],
                published_at=r["published_at"],
                url=r["url"],
                score=r["score"],
                snippet=snippet,
                highlights=spans,
                facts=facts,
                versions=[
                    v
                    for v in versions_by.get(r["group_key"], [])
                    if v["release_id"] != r["release_id"]
                ],
            )
        )
    return hits
