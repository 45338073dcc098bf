"""VIOLATION facts: the kinds of wrongdoing a release says were found, suspected,
charged or punished, one taxonomy label each (``models.facts.Violation``).

Everything language-specific is data in ``pipeline/patterns/<lang>/violations.jsonl``;
each row has a ``kind``:

- ``cue``: a token pattern for one taxonomy ``label`` (``"other"`` marks a generic cue,
  used only when the document has no specific label). Blank pipelines have no
  lemmatizer, so cues are written either as ``"stems"`` (one lower-case prefix per token,
  ``"{0,6}"`` for a gap of any tokens) or as a raw spaCy Matcher ``"pattern"``.
- ``negation``: "no violations were found" and the like; cancels cues in its clause.
- ``prevention``: talk about preventing or explaining liability with no concrete case;
  cancels cues in its sentence unless a ``finding`` pattern is there too.
- ``finding``: found / suspected / detained / convicted wording that makes a sentence
  report a concrete case even when it also mentions prevention.
- ``clause_break``: words that start a new clause ("однако", "but"); a negation does
  not reach across them.
- ``article``: ``code`` + ``article`` of a LAW_ARTICLE fact (added by the law_articles
  component, which runs earlier) that implies ``label``.

A new cue or a new negation is therefore a one-line data change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from models.facts import Violation

from .base import RuleComponent, add_span_fact, facts

LABEL = "VIOLATION"
OTHER = Violation.OTHER.value
_SCOPE_KINDS = ("negation", "prevention", "finding", "clause_break")
_GAP = re.compile(r"^\{\d*,\d*\}$")


def stems_to_pattern(stems: list[str]) -> list[dict[str, Any]]:
    """``["получ", "{0,2}", "взятк"]`` → Matcher tokens: lower-case prefixes and gaps.

    A stem ending in ``$`` must match the whole token (``"и$"``), otherwise it is a prefix.
    """
    pattern: list[dict[str, Any]] = []
    for stem in stems:
        if _GAP.match(stem):
            pattern.append({"OP": stem})
        elif stem.endswith("$"):
            pattern.append({"LOWER": stem[:-1].lower()})
        else:
            pattern.append({"LOWER": {"REGEX": "^" + re.escape(stem.lower())}})
    return pattern


@dataclass(frozen=True)
class _Hit:
    kind: str
    label: str | None
    start: int
    end: int


@Language.factory("govkz_violations", default_config={"patterns": None})
def make_violations(nlp: Language, name: str, patterns: str | None) -> ViolationComponent:
    return ViolationComponent(nlp, name, patterns)


class ViolationComponent(RuleComponent):
    """Cue matcher with clause-scoped negation and document-level ``other`` fallback."""

    stem = "violations"

    def build(self, rows: list[dict[str, Any]]) -> None:
        self.matcher = Matcher(self.nlp.vocab, validate=True)
        self.keys: dict[int, tuple[str, str | None]] = {}
        self.article_labels: dict[tuple[str, str], str] = {}
        for i, row in enumerate(rows):
            kind = row.get("kind")
            if kind == "article":
                label = Violation(row["label"]).value
                self.article_labels[(str(row["code"]), str(row["article"]))] = label
                continue
            if kind != "cue" and kind not in _SCOPE_KINDS:
                continue
            label = Violation(row["label"]).value if kind == "cue" else None
            if "pattern" in row:
                pattern = row["pattern"]
            elif "stems" in row:
                pattern = stems_to_pattern(row["stems"])
            else:
                raise ValueError(f"violations row {i} has neither 'pattern' nor 'stems': {row}")
            key = f"{kind}:{i}"
            self.matcher.add(key, [pattern])
            self.keys[self.nlp.vocab.strings[key]] = (kind, label)

    # -- scopes ---------------------------------------------------------------------
    @staticmethod
    def _segments(doc: Doc) -> list[int]:
        """Sentence id per token; line breaks also end a sentence (the title has no dot)."""
        seg = [0] * len(doc)
        current = 0
        has_sents = doc.has_annotation("SENT_START")
        for tok in doc:
            if tok.i > 0 and (
                (has_sents and tok.is_sent_start) or (doc[tok.i - 1].is_space and "\n" in doc[tok.i - 1].text)
            ):
                current += 1
            seg[tok.i] = current
        return seg

    def __call__(self, doc: Doc) -> Doc:
        hits = [
            _Hit(*self.keys[mid], start, end)
            for mid, start, end in self.matcher(doc)
            if mid in self.keys
        ]
        seg = self._segments(doc)
        clause = list(seg)
        clause_no = 0
        breaks = {h.start for h in hits if h.kind == "clause_break"}
        for i in range(len(doc)):
            if i > 0 and (seg[i] != seg[i - 1] or i in breaks or doc[i].text == ";"):
                clause_no += 1
            clause[i] = clause_no

        negated_clauses = {clause[i] for h in hits if h.kind == "negation" for i in range(h.start, h.end)}
        finding_sents = {seg[h.start] for h in hits if h.kind == "finding"}
        prevention_sents = {seg[h.start] for h in hits if h.kind == "prevention"} - finding_sents

        def kept(h: _Hit) -> bool:
            if any(clause[i] in negated_clauses for i in range(h.start, h.end)):
                return False
            return seg[h.start] not in prevention_sents

        found: dict[str, list[Span]] = {}
        for h in hits:
            if h.kind == "cue" and h.label and kept(h):
                found.setdefault(h.label, []).append(doc[h.start : h.end])
        for fact in facts(doc, "LAW_ARTICLE"):
            norm = fact._.norm or {}
            label = self._article_label(str(norm.get("code")), str(norm.get("article")))
            if label and fact.start < len(doc):
                probe = _Hit("cue", label, fact.start, fact.end)
                if kept(probe):
                    found.setdefault(label, []).append(fact)

        specific = {label for label in found if label != OTHER}
        for label, spans in found.items():
            if label == OTHER and specific:
                continue
            for span in _longest_first(spans):
                add_span_fact(doc, span, LABEL, violation=label)
        return doc

    def _article_label(self, code: str, article: str) -> str | None:
        """Exact article first, then its base number ("189-2" → "189")."""
        label = self.article_labels.get((code, article))
        if label is None and "-" in article:
            label = self.article_labels.get((code, article.split("-", 1)[0]))
        return label


def _longest_first(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest wins (as ``spacy.util.filter_spans``), in text order."""
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.end - s.start, -s.start), reverse=True):
        if not any(i in taken for i in range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)
