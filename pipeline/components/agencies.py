"""AGENCY: a state body named as an actor (ministry, akimat, prosecutor's office, …).

A name is grown around a head word: leftwards over modifiers ("Антикоррупционной
службой", "Біржан сал ауданының прокуратурасы", "Astana’s Energy Department") and
rightwards over complements ("Прокуратура Мангистауской области", "Ministry of Labor and
Social Protection of the Republic of Kazakhstan"). Which tokens may be taken is data
(``pipeline/patterns/<lang>/agencies.jsonl``), rows by ``kind``:

- ``head``: ``regex`` on the token (a word may have several head rows; a name is kept if
  any of them holds: "Антикоррупционная служба", "Служба экономических расследований");
  ``alone`` (default false): the head by itself is a name ("акимат", "Government");
  ``needs``: a regex some modifier must match ("сыбайлас жемқорлыққа қарсы қызметі", not
  any "қызметі").
- ``left`` / ``right``: tokens that extend the name on that side.
- ``ljoin`` / ``join``: tokens taken only between two extending tokens (",", "и", "of",
  "’s"); a join leads into another head only if all its tokens have ``into_head``
  ("Department of the Committee of …", but not "Ministry of Energy and the Ministry of …").
- ``trim``: tokens dropped from the right end of a name (a dangling adjective).
- A ``right`` or ``join`` row with ``adjacent: false`` never applies right after the head
  ("Ministry Askar Sharip", "authority and Kazakhmys Corporation").
- ``stop``: tokens never taken; ``block_after``: a lone head followed by this is not an
  actor ("Government meeting"); ``block_before``: a name one or two tokens after this is not one
  ("Фото: Правительство РК").
- ``setting``: ``lemmatize`` (Russian: compare names by pymorphy3 lemmas), ``stem_chars``
  (compare names by word prefixes of this length) — a body named several times is
  reported once: the first mention whose head passes a ``prefer`` test (the nominative),
  else the first mention; ``quotes`` (pairs like "«»"): a name that fills a pair of quotes
  is an institution's legal name, not an actor.

Token tests in a row (all given must hold): ``regex`` (full match, case-insensitive
unless ``case`` is true), ``shape`` (``title``/``upper``/``lower``), ``morph`` (grammemes
one likely pymorphy3 parse must have, Russian only), ``after`` (regex the previous token
must match), ``next`` (regex the following token must match), ``next_not`` (regex it
must not match), ``ahead`` (regex some token between this one and the head must match,
for left rows), ``next_not_title`` (the following token is not capitalised, unless it is
an abbreviation). The value is the name as written, whitespace folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .base import RuleComponent, add_span_fact

LABEL = "AGENCY"
MAX_TOKENS = 24
ABBREVIATION_MAX = 5  # "РК", "ВКО" are abbreviations; "ТЛЕУБАЕВ" is a surname in capitals


@lru_cache(maxsize=1)
def _morph_analyzer() -> Any:
    """pymorphy3 for Russian case tests; ``None`` if not installed (rows with ``morph`` fail)."""
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return pymorphy3.MorphAnalyzer()


MIN_SCORE = 0.1  # parses less likely than this are ignored ("средства" as a genitive)


@lru_cache(maxsize=65536)
def _parses(word: str) -> tuple[frozenset[str], ...]:
    """Grammeme sets of the likely parses of a word."""
    analyzer = _morph_analyzer()
    if analyzer is None:
        return ()
    return tuple(frozenset(p.tag.grammemes) for p in analyzer.parse(word) if p.score >= MIN_SCORE)


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    analyzer = _morph_analyzer()
    if analyzer is None:
        return word
    return str(analyzer.parse(word)[0].normal_form)


def _rx(pattern: str | None, case: bool = False) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    return re.compile(pattern, 0 if case else re.IGNORECASE)


@dataclass
class _Test:
    """One data row as a token predicate."""

    regex: re.Pattern[str] | None
    shape: str | None
    morph: frozenset[str] | None
    after: re.Pattern[str] | None
    next: re.Pattern[str] | None
    next_not: re.Pattern[str] | None
    ahead: re.Pattern[str] | None
    next_not_title: bool
    adjacent: bool
    into_head: bool

    @classmethod
    def of(cls, row: dict[str, Any]) -> _Test:
        case = bool(row.get("case"))
        morph = row.get("morph")
        return cls(
            regex=_rx(row.get("regex"), case),
            shape=row.get("shape"),
            morph=frozenset(morph) if morph else None,
            after=_rx(row.get("after")),
            next=_rx(row.get("next")),
            next_not=_rx(row.get("next_not")),
            ahead=_rx(row.get("ahead")),
            next_not_title=bool(row.get("next_not_title")),
            adjacent=bool(row.get("adjacent", True)),
            into_head=bool(row.get("into_head")),
        )

    def __call__(self, tok: Token, head: int | None = None) -> bool:
        text = tok.text
        if self.regex is not None and not self.regex.fullmatch(text):
            return False
        if self.shape == "title" and not (text[:1].isupper() and not text.isupper()):
            return False
        if self.shape == "upper" and not (text.isupper() and len(text) > 1):
            return False
        if self.shape == "lower" and not text[:1].islower():
            return False
        if self.morph is not None and not any(self.morph <= p for p in _parses(text.lower())):
            return False
        if self.after is not None and (
            tok.i == 0 or not self.after.fullmatch(tok.doc[tok.i - 1].text)
        ):
            return False
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if self.next is not None and (nxt is None or not self.next.fullmatch(nxt.text)):
            return False
        if self.next_not is not None and nxt is not None and self.next_not.fullmatch(nxt.text):
            return False
        if self.ahead is not None:
            stop = head if head is not None and head > tok.i else tok.i + 1
            if not any(self.ahead.fullmatch(t.text) for t in tok.doc[tok.i + 1 : stop]):
                return False
        # "района Азамат Ибраев": a capitalised word followed by another is a person
        # (an abbreviation is not: "Агентства РК").
        return not (
            self.next_not_title
            and nxt is not None
            and nxt.text[:1].isupper()
            and not (nxt.text.isupper() and len(nxt.text) <= ABBREVIATION_MAX)
        )


@dataclass
class _Head:
    test: _Test
    alone: bool
    needs: re.Pattern[str] | None
    side: str


def _any(tests: list[_Test], tok: Token, head: int | None = None) -> bool:
    return any(t(tok, head) for t in tests)


class AgencyComponent(RuleComponent):
    """Grows agency names around head words, by token tests kept in data."""

    stem = "agencies"

    def build(self, rows: list[dict[str, Any]]) -> None:
        tests: dict[str, list[_Test]] = {}
        self.heads: list[_Head] = []
        self.settings: dict[str, Any] = {}
        for row in rows:
            kind = row.get("kind", "")
            if kind == "head":
                self.heads.append(
                    _Head(
                        _Test.of(row),
                        bool(row.get("alone")),
                        _rx(row.get("needs")),
                        row.get("side", "any"),
                    )
                )
            elif kind == "setting":
                self.settings.update(row)
            else:
                tests.setdefault(kind, []).append(_Test.of(row))
        self.left = tests.get("left", [])
        self.right = tests.get("right", [])
        self.ljoin = tests.get("ljoin", [])
        self.join = tests.get("join", [])
        self.stop = tests.get("stop", [])
        self.block_after = tests.get("block_after", [])
        self.block_before = tests.get("block_before", [])
        self.prefer = tests.get("prefer", [])
        self.trim = tests.get("trim", [])

    def _head(self, tok: Token) -> _Head | None:
        if _any(self.stop, tok):
            return None
        return next((h for h in self.heads if h.test(tok)), None)

    def _fits(self, doc: Doc, head: _Head, i: int, start: int, end: int) -> bool:
        """The name ``[start, end)`` around head ``i`` satisfies the row's ``alone``/``needs``."""
        if start == i and end == i + 1 and not head.alone:
            return False
        if head.needs is None:
            return True
        lo = start if head.side != "right" else i + 1
        hi = end if head.side != "left" else i
        return any(head.needs.fullmatch(t.text) for t in doc[lo:hi] if t.i != i)

    def _takes(self, tests: list[_Test], tok: Token, head: int | None = None) -> bool:
        return not _any(self.stop, tok) and _any(tests, tok, head)

    def _grow(self, doc: Doc, i: int, lo: int, hi: int) -> tuple[int, int]:
        """Token bounds [start, end) of the name around the head at ``i``."""
        start = i
        while start > lo and i - start < MAX_TOKENS:
            prev = doc[start - 1]
            if self._takes(self.left, prev, i):
                start -= 1
            elif (
                start - 2 >= lo
                and _any(self.ljoin, prev)
                and self._takes(self.left, doc[start - 2], i)
            ):
                start -= 2
            else:
                break
        end = i + 1
        while end < hi and end - i < MAX_TOKENS:
            # Right after the head only ``adjacent`` rows apply ("Ministry Askar Sharip").
            first = end == i + 1
            right = [t for t in self.right if t.adjacent] if first else self.right
            join = [t for t in self.join if t.adjacent] if first else self.join
            tok = doc[end]
            if self._takes(right, tok) and not _any(join, tok):
                end += 1
                continue
            k = end
            into_head = True
            while k < hi and _any(join, doc[k]) and self._head(doc[k]) is None:
                into_head = into_head and any(t.into_head and t(doc[k]) for t in join)
                k += 1
            if (
                k > end
                and k < hi
                and (into_head or self._head(doc[k]) is None)
                and self._takes(self.right, doc[k])
            ):
                end = k + 1
                continue
            break
        # A complement cannot end in a modifier ("управление частной" + "фирме" not taken).
        while end > i + 1 and (_any(self.trim, doc[end - 1]) or _any(self.join, doc[end - 1])):
            end -= 1
        return start, end

    def _quoted(self, doc: Doc, start: int, end: int) -> bool:
        """The name fills a pair of quotes (``quotes`` setting: open + close characters)."""
        if start == 0 or end >= len(doc):
            return False
        pairs: list[str] = self.settings.get("quotes", [])
        return any(doc[start - 1].text == p[0] and doc[end].text == p[-1] for p in pairs)

    def _preferred(self, doc: Doc, heads: dict[int, int], span: Span) -> bool:
        head = heads.get(span.start)
        return head is not None and _any(self.prefer, doc[head])

    def _key(self, span: Span) -> tuple[str, ...]:
        """Case-insensitive identity of a name, so each agency is reported once."""
        words = [t.text.lower() for t in span if t.is_alpha]
        if self.settings.get("lemmatize"):
            words = [_lemma(w) for w in words]
        n = int(self.settings.get("stem_chars", 5))
        return tuple(w[:n] for w in words)

    def __call__(self, doc: Doc) -> Doc:
        found: list[Span] = []
        lone: set[int] = set()
        heads: dict[int, int] = {}  # span start → head token
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        for sent in sents:
            for tok in sent:
                if self._head(tok) is None:
                    continue
                start, end = self._grow(doc, tok.i, sent.start, sent.end)
                rows = (h for h in self.heads if h.test(tok))
                if not any(self._fits(doc, h, tok.i, start, end) for h in rows):
                    continue
                if start == tok.i and end == tok.i + 1:
                    if end < sent.end and _any(self.block_after, doc[end]):
                        continue
                    lone.add(tok.i)
                before = doc[max(start - 2, sent.start) : start]
                if any(_any(self.block_before, t) for t in before):
                    continue  # a photo credit, not an actor
                found.append(doc[start:end])
                heads.setdefault(start, tok.i)
        # «Зайсан ауданының құрылыс бөлімі» ММ, ГУ «Отдел строительства …»: a name
        # quoted whole is the legal name of an institution (an ENTERPRISE), not an actor;
        # names inside it are dropped with it.
        quoted = [s for s in found if self._quoted(doc, s.start, s.end)]
        found = [s for s in found if not any(q.start <= s.start and s.end <= q.end for q in quoted)]
        spans = filter_spans(found)
        # A bare head ("прокуратура") after a full name with that head is the same body
        # again; and a body named several times is reported once, as first written.
        modified_heads = {
            self._key(t.doc[t.i : t.i + 1])
            for s in spans
            if len(s) > 1
            for t in s
            if self._head(t) is not None
        }
        chosen: dict[tuple[str, ...], Span] = {}
        for span in sorted(spans, key=lambda s: s.start):
            if span.start in lone and self._key(span) in modified_heads:
                continue
            key = self._key(span)
            if key not in chosen or (
                not self._preferred(doc, heads, chosen[key]) and self._preferred(doc, heads, span)
            ):
                chosen[key] = span
        for span in sorted(chosen.values(), key=lambda s: s.start):
            add_span_fact(doc, span, LABEL, name=" ".join(span.text.split()))
        return doc


@Language.factory("govkz_agencies", default_config={"patterns": None})
def make_agencies(nlp: Language, name: str, patterns: str | None) -> AgencyComponent:
    return AgencyComponent(nlp, name, patterns)
