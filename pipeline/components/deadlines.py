"""DEADLINE: a date or period by which something is due, normalized to an ISO date.

All language knowledge is data (``pipeline/patterns/<lang>/deadlines.jsonl``); rows by
``kind``:

- ``month`` (``month``, ``regex``), ``ordinal`` (``value``, ``regex``: quarter and half
  numbers, words and roman numerals), ``relyear`` (``offset``, ``regex``: "this year",
  "next year") are vocabularies the date patterns refer to as ``{MONTH}``, ``{ORD}``,
  ``{REL}``; ``{YEAR}`` is a four-digit year.
- ``date`` (``regex``, ``precision``): a date expression. Named groups: ``day``,
  ``month``/``mnum``, ``year``, ``ord`` (a quarter, or a half when ``half`` is true), ``rel``.
- ``before`` / ``after`` (``regex``): words written right before / after a date that by
  themselves make it a deadline ("до", "не позднее", "by", "дейін").
- ``cue`` / ``anticue`` (``regex``): words in the same clause that make a date a deadline
  (completion, commissioning, "must", "deadline") or mark it as something else (a start,
  an event, entry into force). The nearest one to the date decides. An anticue row with
  ``weak`` only vetoes dates without a marker ("сроки реализации … до конца 2025 года"); a
  cue row with ``weak`` (a plan: "намечено") counts only in a clause with no anticue
  ("начать бурение намечено в августе" is a start).
- ``setting``: ``max_gap`` (chars between a cue and its date), ``comma_penalty`` (a comma
  between them counts as that many chars), ``min_words`` (words after a marked date that opens its
  clause: "by March 22, 2017 World Sports" on a line is a byline, not a deadline),
  ``dateline_chars`` (how far from the top a full date counts as the dateline).
- A ``date`` row with ``marked_only`` is used only with a marker (numeric dates are mostly
  datelines).

A date without a year takes the publication year (``doc._.published``); when the record
has none, the year is the one "fixed by another date in the text": the latest year written
before it, or for "this/next year" a full date near the top (the dateline). No year → no fact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .base import RuleComponent, add_fact, publication_date

LABEL = "DEADLINE"
_FLAGS = re.IGNORECASE | re.UNICODE
_NEVER = r"(?!x)x"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_ANY_YEAR = re.compile(r"(?<!\d)(?<!\d,)(?:19|20)\d{2}(?![\d%])")
_WORD = re.compile(r"\w+")
_COMMA = re.compile(r",(?!\d)")
_CLOSING_QUOTE = re.compile(r"\s*[»\"”]")
_SEGMENT = re.compile(r"[^\n;]+")


@dataclass
class _Vocab:
    """One vocabulary (months, ordinals, relative years): regex alternatives → a number."""

    items: list[tuple[re.Pattern[str], int]]

    @property
    def alternation(self) -> str:
        return "|".join(f"(?:{p.pattern})" for p, _ in self.items) or _NEVER

    def lookup(self, text: str) -> int | None:
        text = " ".join(text.split())
        for pattern, value in self.items:
            if pattern.fullmatch(text):
                return value
        return None


@dataclass
class _DatePattern:
    regex: re.Pattern[str]
    precision: str
    half: bool
    marked_only: bool


@dataclass
class _Candidate:
    start: int
    end: int
    date_start: int
    value: dt.date | None
    precision: str
    marked: bool
    usable: bool


def _alternation(rows: list[dict[str, Any]]) -> str:
    # Longest first, so "до конца" is tried before "до".
    parts = sorted((r["regex"] for r in rows), key=len, reverse=True)
    return "|".join(f"(?:{p})" for p in parts) or _NEVER


def _vocab(rows: list[dict[str, Any]], field: str) -> _Vocab:
    return _Vocab([(re.compile(r["regex"], _FLAGS), int(r[field])) for r in rows])


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


class DeadlineComponent(RuleComponent):
    """Finds date expressions and keeps those a due-date cue or marker attaches to."""

    stem = "deadlines"

    def build(self, rows: list[dict[str, Any]]) -> None:
        kinds: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            kinds.setdefault(row.get("kind", ""), []).append(row)
        self.months = _vocab(kinds.get("month", []), "month")
        self.ordinals = _vocab(kinds.get("ordinal", []), "value")
        self.relyears = _vocab(kinds.get("relyear", []), "offset")
        before = _alternation(kinds.get("before", []))
        after = _alternation(kinds.get("after", []))
        fill = {
            "{MONTH}": f"(?P<month>{self.months.alternation})",
            "{ORD}": f"(?P<ord>{self.ordinals.alternation})",
            "{REL}": f"(?P<rel>{self.relyears.alternation})",
            "{YEAR}": _YEAR,
        }
        self.dates: list[_DatePattern] = []
        for row in kinds.get("date", []):
            body = row["regex"]
            for key, value in fill.items():
                body = body.replace(key, value)
            full = (
                rf"(?<![\w\d])(?:(?P<pre>{before})\s+)?(?P<date>{body})"
                rf"(?:\s*(?P<post>{after}))?(?![\w\d])"
            )
            self.dates.append(
                _DatePattern(
                    re.compile(full, _FLAGS),
                    row["precision"],
                    bool(row.get("half")),
                    bool(row.get("marked_only")),
                )
            )
        # Whole words only: a cue regex covers its word to the end ("заверш\\w*").
        cues = _alternation([r for r in kinds.get("cue", []) if not r.get("weak")])
        self.cues = re.compile(rf"(?<!\w)(?:{cues})(?!\w)", _FLAGS)
        # Weak cues (plans: "намечено", "scheduled") count only in a clause without anticues.
        weak_cues = _alternation([r for r in kinds.get("cue", []) if r.get("weak")])
        self.weak_cues = re.compile(rf"(?<!\w)(?:{weak_cues})(?!\w)", _FLAGS)
        strong = [r for r in kinds.get("anticue", []) if not r.get("weak")]
        weak = [r for r in kinds.get("anticue", []) if r.get("weak")]
        self.anticues = re.compile(rf"(?<!\w)(?:{_alternation(strong)})(?!\w)", _FLAGS)
        # Weak anticues ("сроки реализации") only veto dates without a marker.
        self.weak_anticues = re.compile(rf"(?<!\w)(?:{_alternation(weak)})(?!\w)", _FLAGS)
        settings: dict[str, Any] = {}
        for row in kinds.get("setting", []):
            settings.update({k: v for k, v in row.items() if k != "kind"})
        self.max_gap = int(settings.get("max_gap", 120))
        self.comma_penalty = int(settings.get("comma_penalty", 80))
        self.min_words = int(settings.get("min_words", 3))
        self.dateline_chars = int(settings.get("dateline_chars", 300))

    # -- anchoring ------------------------------------------------------------------
    def _anchor_year(self, doc: Doc, text: str, pos: int, relative: bool) -> int | None:
        """The year a date without one belongs to (see the module docstring)."""
        published = publication_date(doc)
        if published is not None:
            return published.year
        if relative:
            return self._first_full_date(text[: self.dateline_chars])
        years = [int(m.group()) for m in _ANY_YEAR.finditer(text, 0, pos)]
        return years[-1] if years else None

    def _first_full_date(self, text: str) -> int | None:
        """Year of the first day-precision date in the text (a dateline, usually)."""
        best: tuple[int, int] | None = None
        for pattern in self.dates:
            if pattern.precision != "day":
                continue
            for m in pattern.regex.finditer(text):
                if m.groupdict().get("year") and (best is None or m.start() < best[0]):
                    best = (m.start(), int(m.group("year")))
                    break
        return best[1] if best else None

    # -- date expressions ---------------------------------------------------------------
    def _value(
        self, doc: Doc, text: str, m: re.Match[str], pattern: _DatePattern
    ) -> dt.date | None:
        groups = {k: v for k, v in m.groupdict().items() if v}
        rel = self.relyears.lookup(groups["rel"]) if "rel" in groups else None
        if "year" in groups:
            year: int | None = int(groups["year"])
        else:
            year = self._anchor_year(doc, text, m.start(), relative="rel" in groups)
            if year is not None and rel is not None:
                year += rel
        if year is None:
            return None
        try:
            if pattern.precision == "year":
                return dt.date(year, 12, 31)
            if pattern.precision == "quarter":
                n = self.ordinals.lookup(groups.get("ord", ""))
                if n is None:
                    return None
                return _last_day(year, n * 6 if pattern.half else n * 3)
            if "mnum" in groups:
                month: int | None = int(groups["mnum"])
            else:
                month = self.months.lookup(groups.get("month", ""))
            if month is None:
                return None
            if pattern.precision == "month":
                return _last_day(year, month)
            return dt.date(year, month, int(groups["day"]))
        except (ValueError, KeyError):
            return None

    def _candidates(self, doc: Doc, text: str, start: int, end: int) -> list[_Candidate]:
        found: list[_Candidate] = []
        for pattern in self.dates:
            for m in pattern.regex.finditer(text, start, end):
                # Unusable matches still block shorter ones inside them ("в декабре
                # прошлого года" with no anchor must not leave "в декабре").
                marked = bool(m.group("pre") or m.group("post"))
                value = self._value(doc, text, m, pattern)
                usable = (
                    value is not None
                    and (marked or not pattern.marked_only)
                    # a bare year inside a programme's name: «Жол картасы – 2020»; a
                    # full date closing a quote ("… до 1 марта 2026 года»") is speech
                    and not (pattern.precision == "year" and _CLOSING_QUOTE.match(text, m.end()))
                )
                found.append(
                    _Candidate(
                        start=m.start(),
                        end=m.end(),
                        date_start=m.start("date"),
                        value=value,
                        precision=pattern.precision,
                        marked=marked,
                        usable=usable,
                    )
                )
        # Overlapping matches: keep the longest (a full date beats its bare year).
        found.sort(key=lambda c: (-(c.end - c.start), c.start))
        kept: list[_Candidate] = []
        for cand in found:
            if all(cand.end <= k.start or cand.start >= k.end for k in kept):
                kept.append(cand)
        return sorted((c for c in kept if c.usable), key=lambda c: c.start)

    def _is_due(self, text: str, cand: _Candidate, start: int, end: int) -> bool:
        """The nearest cue or anticue in the clause decides.

        A before/after marker makes the date due unless an anticue (a start, a past
        completion) is nearer than any cue.
        """
        negatives = [
            (m.start(), m.end())
            for pattern in (
                (self.anticues, self.weak_anticues) if not cand.marked else (self.anticues,)
            )
            for m in pattern.finditer(text, start, end)
        ]
        cue_patterns = (self.cues,) if negatives else (self.cues, self.weak_cues)
        positives = [
            (m.start(), m.end())
            for pattern in cue_patterns
            for m in pattern.finditer(text, start, end)
            if not any(s <= m.start() < e for s, e in negatives)
        ]

        def gap(span: tuple[int, int]) -> int:
            s, e = span
            if e <= cand.start:
                lo, hi = e, cand.start
            elif s >= cand.end:
                lo, hi = cand.end, s
            else:
                return 0
            commas = len(_COMMA.findall(text, lo, hi))
            return hi - lo + self.comma_penalty * commas

        best_pos = min((gap(p) for p in positives), default=self.max_gap + 1)
        best_neg = min((gap(n) for n in negatives), default=self.max_gap + 1)
        if cand.marked:
            before = _WORD.findall(text, start, cand.start)
            after = _WORD.findall(text, cand.end, end)
            if not before and len(after) < self.min_words:
                return False  # "by March 22, 2017 World Sports": a byline
            return best_neg > self.max_gap or best_pos <= best_neg
        return best_pos <= self.max_gap and best_pos <= best_neg

    def __call__(self, doc: Doc) -> Doc:
        seen: set[tuple[int, int]] = set()
        text = doc.text  # Doc.text joins every token: build it once per call
        sents = doc.sents if doc.has_annotation("SENT_START") else [doc[:]]
        for sent in sents:
            base = sent.start_char
            for seg in _SEGMENT.finditer(sent.text):
                start, end = base + seg.start(), base + seg.end()
                for cand in self._candidates(doc, text, start, end):
                    if cand.value is None or (cand.start, cand.end) in seen:
                        continue
                    if self._is_due(text, cand, start, end):
                        seen.add((cand.start, cand.end))
                        add_fact(
                            doc,
                            cand.start,
                            cand.end,
                            LABEL,
                            value=cand.value.isoformat(),
                            precision=cand.precision,
                        )
        return doc


@Language.factory("govkz_deadlines", default_config={"patterns": None})
def make_deadlines(nlp: Language, name: str, patterns: str | None) -> DeadlineComponent:
    return DeadlineComponent(nlp, name, patterns)
