"""Shared machinery of the rule components, modelled on spaCy's ``SpanRuler``.

Every component keeps its rules as rows of a JSONL data file per language
(``pipeline/patterns/<lang>/<stem>.jsonl``), builds its matchers from those rows, and
writes the rows back with ``to_disk`` so a pipeline saved with ``nlp.to_disk`` is
self-contained and loads with ``spacy.load``.

Facts are ``Span`` objects in ``doc.spans["facts"]``: ``span.label_`` is the fact label
and ``span._.norm`` a dict of the label's normalized fields (see ``models.facts``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

FACTS_KEY = "facts"
PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"

_NORM_KEY = "govkz_norm"


def _get_norm(span: Span) -> dict[str, Any] | None:
    user_data: dict[Any, Any] = span.doc.user_data
    value: dict[str, Any] | None = user_data.get(
        (_NORM_KEY, span.start_char, span.end_char, span.label_)
    )
    return value


def _set_norm(span: Span, value: dict[str, Any] | None) -> None:
    user_data: dict[Any, Any] = span.doc.user_data
    user_data[(_NORM_KEY, span.start_char, span.end_char, span.label_)] = value


# spaCy keys span extension values by character offsets only; two facts of different
# labels over the same characters must not share normalized values, so the key here
# includes the label.
if not Span.has_extension("norm"):
    Span.set_extension("norm", getter=_get_norm, setter=_set_norm)
if not Doc.has_extension("published"):
    # Publication date of the release: anchors deadlines without a year.
    Doc.set_extension("published", default=None)


def default_patterns_path(lang: str, stem: str) -> Path:
    return PATTERNS_DIR / lang / f"{stem}.jsonl"


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL rule file; blank lines and ``//`` comment lines are skipped."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                rows.append(srsly.json_loads(line))
            except ValueError as err:
                raise ValueError(f"{path}:{lineno}: not a JSON object: {err}") from err
    return rows


def add_fact(doc: Doc, start_char: int, end_char: int, label: str, **norm: Any) -> Span | None:
    """Record a fact over a character range; ``None`` if it does not align to tokens."""
    span = doc.char_span(start_char, end_char, label=label, alignment_mode="expand")
    if span is None:
        return None
    return add_span_fact(doc, span, label, **norm)


def add_span_fact(doc: Doc, span: Span, label: str, **norm: Any) -> Span:
    """Record a fact over an existing token span."""
    fact = Span(doc, span.start, span.end, label=label)
    fact._.norm = norm
    if FACTS_KEY in doc.spans:
        doc.spans[FACTS_KEY].append(fact)
    else:
        doc.spans[FACTS_KEY] = [fact]
    return fact


def facts(doc: Doc, label: str | None = None) -> Iterator[Span]:
    """The facts recorded so far, optionally of one label."""
    if FACTS_KEY not in doc.spans:
        return iter(())
    return (s for s in doc.spans[FACTS_KEY] if label is None or s.label_ == label)


def publication_date(doc: Doc) -> dt.date | None:
    value = doc._.published
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


class RuleComponent:
    """Base of a rule component: data rows in, matchers built, rows saved with the pipeline.

    Subclasses set ``stem`` (the data file name) and implement ``build`` (rows →
    matchers) and ``__call__``.
    """

    stem: ClassVar[str]

    def __init__(self, nlp: Language, name: str, patterns: str | None = None) -> None:
        self.nlp = nlp
        self.name = name
        path = Path(patterns) if patterns else default_patterns_path(str(nlp.lang), self.stem)
        self.rows: list[dict[str, Any]] = read_rows(path) if path.exists() else []
        self.build(self.rows)

    def build(self, rows: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        raise NotImplementedError

    def rows_of(self, kind: str) -> Iterable[dict[str, Any]]:
        """Rows whose ``kind`` field equals ``kind`` (data files mix several kinds)."""
        return (r for r in self.rows if r.get("kind") == kind)

    # -- serialization, as SpanRuler does it ------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(ensure_path(path))
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "patterns.jsonl", self.rows)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> RuleComponent:
        path = Path(ensure_path(path))
        self.rows = list(srsly.read_jsonl(path / "patterns.jsonl"))
        self.build(self.rows)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({"rows": self.rows})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> RuleComponent:
        self.rows = srsly.msgpack_loads(data)["rows"]
        self.build(self.rows)
        return self
