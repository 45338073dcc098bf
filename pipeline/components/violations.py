"""VIOLATION facts: the kinds of wrongdoing a release says were found, suspected,
charged or punished, one taxonomy label each (``models.facts.Violation``).

Everything language-specific is data in ``pipeline/patterns/<lang>/violations.jsonl``;
each row has a ``kind``:

- ``cue``: a token pattern for one taxonomy ``label`` (``"other"`` marks a generic cue,
  used only when the document has no specific label). Blank pipelines have no
  lemmatizer, so cues are written either as ``"stems"`` (one lower-case regex prefix per
  token, ``"x$"`` for a whole token, ``"{0,6}"`` for a gap; see ``stems_to_patterns``) or
  as a raw spaCy Matcher ``"pattern"``. Optional ``"overrides": [labels]`` drops
  overlapping cues of those labels ("завышение цен лотов" is procurement, not
  budget_misuse); ``"unless": [labels]`` drops the cue when the document has one of those
  labels from another cue ("хищение" is embezzlement unless the text says fraud).
- ``negation``: "no violations were found" and the like; cancels cues in its clause.
- ``prevention``: talk about preventing or explaining liability with no concrete case;
  cancels cues in its sentence unless a ``finding`` pattern is there too.
- ``finding``: found / suspected / detained / convicted wording that makes a sentence
  report a concrete case even when it also mentions prevention.
- ``hypothetical``: a conditional consequence ("в случае неисполнения будет рассмотрен
  вопрос о возбуждении дела", "may face charges"); cancels cues in its sentence even
  when finding words are there, since the finding is only threatened.
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
_SCOPE_KINDS = ("negation", "prevention", "finding", "clause_break", "hypothetical")
_GAP = re.compile(r"^\{\d*,\d*\}$")
_REGEX_GROUP = re.compile(r"[()|\[\]]")


def stems_to_patterns(stems: list[str]) -> list[list[dict[str, Any]]]:
    """``["получ", "{0,2}", "взятк"]`` → Matcher patterns, one token per stem.

    A stem is a lower-case regular expression matched at the start of a token (a prefix,
    so it covers the case forms: "взятк" → взятка, взятки, взяткой); ``"и$"`` must be
    the whole token; ``"{0,2}"`` is a gap of up to two tokens. A hyphenated stem
    (``"колл-центр"``) matches one token or three, since tokenizers differ on hyphens;
    a stem with a regex group or alternation is never split.
    """
    variants: list[list[dict[str, Any]]] = [[]]
    for stem in stems:
        if _GAP.match(stem):
            options = [[{"OP": stem}]]
        else:
            options = [[_token(stem)]]
            head, sep, tail = stem.partition("-")
            # only a plain word is split: "(a|b-c)" is a regex group, not two tokens
            if sep and head and tail and not _REGEX_GROUP.search(stem):
                options.append([_token(head + "$"), {"ORTH": "-"}, _token(tail)])
        variants = [v + o for v in variants for o in options]
    return variants


def _token(stem: str) -> dict[str, Any]:
    return {"LOWER": {"REGEX": "^(?:" + stem.lower() + ")"}}


@dataclass(frozen=True)
class _Rule:
    """What a data row means once matched."""

    kind: str
    label: str | None = None
    overrides: frozenset[str] = frozenset()
    unless: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Hit:
    rule: _Rule
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
        self.rules: dict[int, _Rule] = {}
        self.article_labels: dict[tuple[str, str], str] = {}
        for i, row in enumerate(rows):
            kind = row.get("kind")
            if kind == "article":
                key_ = (str(row["code"]), str(row["article"]))
                self.article_labels[key_] = Violation(row["label"]).value
                continue
            if kind != "cue" and kind not in _SCOPE_KINDS:
                continue
            label = Violation(row["label"]).value if kind == "cue" else None
            if "pattern" in row:
                patterns = [row["pattern"]]
            elif "stems" in row:
                patterns = stems_to_patterns(row["stems"])
            else:
                raise ValueError(f"violations row {i} has neither 'pattern' nor 'stems': {row}")
            key = f"{kind}:{i}"
            self.matcher.add(key, patterns)
            self.rules[self.nlp.vocab.strings[key]] = _Rule(
                kind,
                label,
                frozenset(Violation(x).value for x in row.get("overrides", ())),
                frozenset(Violation(x).value for x in row.get("unless", ())),
            )

    # -- scopes ---------------------------------------------------------------------
    @staticmethod
    def _segments(doc: Doc) -> list[int]:
        """Sentence id per token; line breaks also end a sentence (the title has no dot)."""
        seg = [0] * len(doc)
        current = 0
        has_sents = doc.has_annotation("SENT_START")
        for tok in doc:
            if tok.i > 0 and (
                (has_sents and tok.is_sent_start)
                or (doc[tok.i - 1].is_space and "\n" in doc[tok.i - 1].text)
            ):
                current += 1
            seg[tok.i] = current
        return seg

    def __call__(self, doc: Doc) -> Doc:
        hits = [_Hit(self.rules[mid], start, end) for mid, start, end in self.matcher(doc)]
        seg = self._segments(doc)
        clause = list(seg)
        clause_no = 0
        breaks = {h.start for h in hits if h.rule.kind == "clause_break"}
        for i in range(len(doc)):
            if i > 0 and (seg[i] != seg[i - 1] or i in breaks or doc[i].text == ";"):
                clause_no += 1
            clause[i] = clause_no

        negated_clauses = {
            clause[i] for h in hits if h.rule.kind == "negation" for i in range(h.start, h.end)
        }
        # prevention talk cancels its sentence unless a concrete finding is reported there
        finding_sents = {seg[h.start] for h in hits if h.rule.kind == "finding"}
        prevention_sents = {seg[h.start] for h in hits if h.rule.kind == "prevention"}
        prevention_sents -= finding_sents
        prevention_sents |= {seg[h.start] for h in hits if h.rule.kind == "hypothetical"}

        def kept(h: _Hit) -> bool:
            if any(clause[i] in negated_clauses for i in range(h.start, h.end)):
                return False
            return seg[h.start] not in prevention_sents

        cues = [h for h in hits if h.rule.kind == "cue" and h.rule.label and kept(h)]
        overridden = {
            id(h)
            for o in cues
            for h in cues
            if h.rule.label in o.rule.overrides and h.start < o.end and o.start < h.end
        }
        found: dict[str, list[Span]] = {}
        for fact in facts(doc, "LAW_ARTICLE"):
            norm = fact._.norm or {}
            label = self._article_label(str(norm.get("code")), str(norm.get("article")))
            if label and kept(_Hit(_Rule("cue", label), fact.start, fact.end)):
                found.setdefault(label, []).append(_article_evidence(fact))
        cues = [h for h in cues if id(h) not in overridden]
        strong = set(found) | {h.rule.label for h in cues if not h.rule.unless}
        for h in cues:
            if h.rule.label and not (h.rule.unless & strong):
                found.setdefault(h.rule.label, []).append(doc[h.start : h.end])

        specific = {label for label in found if label != OTHER}
        chosen = [
            (span, label)
            for label, spans in found.items()
            if not (label == OTHER and specific)
            for span in _longest_first(spans)
        ]
        for span, label in _disjoint(chosen):
            add_span_fact(doc, span, LABEL, violation=label)
        return doc

    def _article_label(self, code: str, article: str) -> str | None:
        """Exact article first, then its base number ("189-2" → "189")."""
        label = self.article_labels.get((code, article))
        if label is None and "-" in article:
            label = self.article_labels.get((code, article.split("-", 1)[0]))
        return label


def _article_evidence(fact: Span) -> Span:
    """The article's number inside a LAW_ARTICLE fact, as the VIOLATION evidence.

    The number is what implies the label, and a sub-span never shares its offsets with
    the LAW_ARTICLE fact (norms of same-offset spans collided in spaCy's extension store).
    """
    digits = [t.i for t in fact if any(c.isdigit() for c in t.text)]
    if digits and (digits[0], digits[-1] + 1) != (fact.start, fact.end):
        return fact.doc[digits[0] : digits[-1] + 1]
    if fact.end < len(fact.doc):
        return fact.doc[fact.start : fact.end + 1]
    return fact.doc[max(0, fact.start - 1) : fact.end]


def _longest_first(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans, longest wins (as ``spacy.util.filter_spans``), in text order."""
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (s.end - s.start, -s.start), reverse=True):
        if not any(i in taken for i in range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _disjoint(chosen: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Make spans of different labels disjoint, shortest first, trimming the longer ones.

    Facts of one label may not overlap downstream, but a coordinated cue ("violations in
    procurement and labour law") yields a long span around a shorter one of another label;
    the long one keeps its part outside the short one ("labour law").
    """
    out: list[tuple[Span, str]] = []
    taken: set[int] = set()
    for span, label in sorted(chosen, key=lambda c: (c[0].end - c[0].start, c[0].start)):
        free = [i for i in range(span.start, span.end) if i not in taken]
        if not free:
            continue
        # the longest run of free tokens, without edge punctuation or stop words
        runs: list[list[int]] = [[free[0]]]
        for i in free[1:]:
            if i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        run = max(runs, key=len)
        start, end = run[0], run[-1] + 1
        doc = span.doc
        if (start, end) != (span.start, span.end):
            while start < end and (
                doc[start].is_punct or doc[start].is_stop or doc[start].is_space
            ):
                start += 1
            while end > start and (
                doc[end - 1].is_punct or doc[end - 1].is_stop or doc[end - 1].is_space
            ):
                end -= 1
            if start == end:
                continue
        out.append((doc[start:end], label))
        taken.update(range(start, end))
    return sorted(out, key=lambda c: c[0].start)
