"""Peer baseline: Natasha next to our extractor on the same real Russian releases.

Natasha (PyPI ``natasha``: Segmenter + NewsEmbedding + NewsNERTagger, MorphVocab for
normalization, DatesExtractor, MoneyExtractor) is what Russian-language practitioners
reach for. Its output is mapped onto the spec's labels and normalized values so that both
systems are scored by the SAME document-level metric (``pipeline.evaluate.score``):

- LOC → REGION / DISTRICT / SETTLEMENT: Natasha's normalized span (and, failing that, the
  span as written) is looked up in our gazetteer (``pipeline/data/gazetteer*.jsonl`` plus
  the alias, cue, block and stop rows of ``pipeline/patterns/ru/places.jsonl``); a cue word
  inside the span or right next to it (район, область, город, село, ...) picks the kind,
  otherwise a bare name is a city first; names that are ordinary words (Казахстан) need a
  cue; a name followed by "сельский округ"/"улица" is not the place. Names several KATO rows
  share are narrowed by the other places of the document; a settlement still ambiguous gets
  ``kato: null`` with its plain name (the spec's rule).
  Variant ``drop`` (default): a LOC not in the gazetteer (Казахстан, Москва) gives no fact;
  ``name``: it gives a name-only fact (``kato: null``) labelled by its cue word.
- ORG → ENTERPRISE, ``name`` = the quoted part of the span as written (quote marks
  dropped, as the spec's name), else the normalized span with legal-form words stripped.
  Variant ``form`` (default): only ORG spans with a legal form in or right before them (the
  spec's definition of an enterprise); ``legal``: a legal form or quotes (quoted media and
  party names then count); ``all``: every ORG span (ministries, akimats, media).
- Dates → DEADLINE, ``value`` = ISO date, last day of the month/year for partial dates; a
  date without a year takes the publication year, else the latest year written before it
  (the same anchoring rule our extractor uses). Variant ``cue`` (default): only dates in a
  sentence with a deadline cue (до, срок, не позднее, заверш-); ``all``: every date.
- Money → MONEY: amount + currency. Natasha knows rubles, dollars and euros only, so tenge
  amounts are simply missed (the honest result).

Each default is the mapping that scored Natasha best on the dev set when this was written;
the alternatives are printed as extra rows. Only ``lang == "ru"`` gold documents are scored
(Natasha is Russian-only).

Usage::

    .venv/bin/python scripts/natasha_baseline.py --gold /work/shared/eval/dev/ru.jsonl [--json]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipeline.components.places import LABEL_OF_TYPE  # noqa: E402
from pipeline.components.places import LABELS as PLACES_LABELS  # noqa: E402
from pipeline.evaluate import Doc as EvalDoc  # noqa: E402
from pipeline.evaluate import Report, Score, read_docs, score  # noqa: E402

LABELS = ("REGION", "DISTRICT", "SETTLEMENT", "ENTERPRISE", "DEADLINE", "MONEY")
PLACE_LABELS = PLACES_LABELS
DATA_DIR = ROOT / "pipeline" / "data"
PLACE_PATTERNS = ROOT / "pipeline" / "patterns" / "ru" / "places.jsonl"

# Which place types a cue word admits, tier by tier (first tier with a candidate wins).
TIERS: dict[str | None, tuple[frozenset[str], ...]] = {
    "region": (frozenset({"oblast"}), frozenset({"rcity"}), frozenset({"district"})),
    "district": (frozenset({"district", "city_district"}),),
    "city": (frozenset({"rcity"}), frozenset({"city"}), frozenset({"village"})),
    "village": (frozenset({"village"}), frozenset({"city"})),
    None: (
        frozenset({"rcity"}),
        frozenset({"city"}),
        frozenset({"oblast"}),
        frozenset({"district", "city_district"}),
        frozenset({"village"}),
    ),
}
LABEL_OF_CUE = {
    "region": "REGION",
    "district": "DISTRICT",
    "city": "SETTLEMENT",
    "village": "SETTLEMENT",
    None: "SETTLEMENT",
}

DEADLINE_CUE = re.compile(r"(?<!\w)(?:до|срок\w*|не\s+позднее|заверш\w*)(?!\w)", re.IGNORECASE)
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
OPEN_QUOTES = '«"“„'
ALL_QUOTES = '«»"“”„'
LEGAL_FORMS: tuple[tuple[str, str], ...] = (
    (r"ТОО|ТДО|товарищест\w*\s+с\s+ограниченной\s+ответственностью", "LLP"),
    (r"АО|ПАО|ОАО|ЗАО|акционерн\w*\s+обществ\w*", "JSC"),
    (r"ГККП|КГКП|ГУ|КГУ|РГУ|(?:\w+\s+)?государственн\w*\s+учреждени\w*", "STATE_INSTITUTION"),
    (
        r"ГКП|КГП|РГП|ГП|МКП|(?:\w+\s+){0,2}предприяти\w*|на\s+(?:ПХВ|праве\s+\w+\s+\w+)",
        "STATE_ENTERPRISE",
    ),
    (r"ИП|индивидуальн\w*\s+предпринимател\w*", "IE"),
    (r"СПК|ПК|(?:\w+\s+)?кооператив\w*", "COOPERATIVE"),
    (r"ОФ|КФ|(?:\w+\s+)?фонд\w*", "FOUNDATION"),
    (r"компани\w*|корпораци\w*|холдинг\w*|КХ|(?:крестьянск|фермерск)\w*\s+хозяйств\w*", "OTHER"),
)
LEGAL_RE = [
    (re.compile(rf"(?<!\w)(?:{rx})(?!\w)", 0 if rx[:1].isupper() else re.IGNORECASE), form)
    for rx, form in LEGAL_FORMS
]


@dataclass(frozen=True)
class Variant:
    """How Natasha's output is mapped: see the module docstring."""

    orgs: str = "form"  # "form" (legal form) | "legal" (legal form or quotes) | "all"
    dates: str = "cue"  # "cue" | "all"
    unmatched: str = "drop"  # "drop" | "name"


DEFAULT = Variant()
# Alternative mappings reported next to the default, and the labels they change.
ALTERNATIVES: tuple[tuple[str, Variant, tuple[str, ...]], ...] = (
    ("unmatched LOC kept", Variant(unmatched="name"), PLACE_LABELS),
    ("ORG with form or quotes", Variant(orgs="legal"), ("ENTERPRISE",)),
    ("every ORG", Variant(orgs="all"), ("ENTERPRISE",)),
    ("every date", Variant(dates="all"), ("DEADLINE",)),
)


# -- raw Natasha output ---------------------------------------------------------------------
@dataclass
class NatashaDate:
    text: str
    start: int
    year: int | None
    month: int | None
    day: int | None
    cue: bool  # the sentence has a deadline cue word


@dataclass(frozen=True)
class Mention:
    """A LOC or ORG span: as written, normalized by MorphVocab, and its offsets."""

    text: str
    normal: str
    start: int
    stop: int


@dataclass
class NatashaOutput:
    locs: list[Mention] = field(default_factory=list)
    orgs: list[Mention] = field(default_factory=list)
    dates: list[NatashaDate] = field(default_factory=list)
    money: list[tuple[str, float, str]] = field(default_factory=list)


class Natasha:
    """Natasha's news models, loaded once (a few seconds)."""

    def __init__(self) -> None:
        from natasha import (
            DatesExtractor,
            MoneyExtractor,
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            Segmenter,
        )

        emb = NewsEmbedding()
        self.segmenter = Segmenter()
        self.morph_tagger = NewsMorphTagger(emb)  # span.normalize needs the morph tags
        self.ner_tagger = NewsNERTagger(emb)
        self.morph_vocab = MorphVocab()
        self.dates = DatesExtractor(self.morph_vocab)
        self.money = MoneyExtractor(self.morph_vocab)

    def __call__(self, text: str) -> NatashaOutput:
        from natasha import Doc

        doc = Doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph_tagger)
        doc.tag_ner(self.ner_tagger)
        out = NatashaOutput()
        for span in doc.spans:
            span.normalize(self.morph_vocab)
            item = Mention(span.text, span.normal or span.text, span.start, span.stop)
            if span.type == "LOC":
                out.locs.append(item)
            elif span.type == "ORG":
                out.orgs.append(item)
        sents = [(s.start, s.stop, s.text) for s in doc.sents]
        for m in self.dates(text):
            sent = next((t for a, b, t in sents if a <= m.start < b), text)
            out.dates.append(
                NatashaDate(
                    text[m.start : m.stop],
                    m.start,
                    m.fact.year,
                    m.fact.month,
                    m.fact.day,
                    bool(DEADLINE_CUE.search(sent)),
                )
            )
        for m in self.money(text):
            out.money.append((text[m.start : m.stop], float(m.fact.amount), str(m.fact.currency)))
        return out


# -- gazetteer lookup for LOC spans ---------------------------------------------------------
@dataclass(frozen=True)
class Place:
    kato: str
    type: str
    name_ru: str
    plain_ru: str


@dataclass
class PlaceHit:
    text: str
    cue: str | None
    candidates: list[Place]


class PlaceLookup:
    """Our gazetteer's Russian surface forms, looked up for a whole LOC span.

    Besides the forms, it reads the data rows of ``patterns/ru/places.jsonl`` that say how
    a name is to be read: aliases (ВКО, Нур-Султан), cue words (район, область, город,
    село) that pick the kind of place, ``block`` words (улица, сельский округ) that make the
    name part of something else, and ``stop`` names that are ordinary words (Казахстан,
    Абай) and count only with a cue.
    """

    def __init__(self, data_dir: Path = DATA_DIR, patterns: Path = PLACE_PATTERNS) -> None:
        import spacy

        from pipeline.components.base import read_rows
        from pipeline.components.places import fold

        self.fold: Callable[[str], str] = fold
        self.tokenizer = spacy.blank("ru").tokenizer
        self.places: dict[str, Place] = {}
        for row in _jsonl(data_dir / "gazetteer.jsonl"):
            self.places[row["kato"]] = Place(
                row["kato"], row["type"], row["name_ru"], row.get("plain_ru") or row["name_ru"]
            )
        self.index: dict[tuple[str, ...], dict[str, set[str]]] = {}
        for row in _jsonl(data_dir / "gazetteer.ru.jsonl"):
            for form in row["forms"]:
                kinds = self.index.setdefault(tuple(form.split(" ")), {})
                kinds.setdefault(row["kind"], set()).update(row["kato"])
        rows = read_rows(patterns) if patterns.exists() else []
        self.cues: list[tuple[set[str], tuple[str, ...], str]] = []
        self.blocks: set[str] = set()
        self.gaps: set[str] = set()
        self.stop: set[str] = set()
        for row in rows:
            kind = row.get("kind")
            words = {fold(w) for w in row.get("words", [])}
            if kind == "alias":
                key = tuple(self.tokens(row["text"]))
                self.index.setdefault(key, {}).setdefault(row.get("form", "abbr"), set()).add(
                    row["kato"]
                )
            elif kind == "cue":
                prefixes = tuple(fold(p) for p in row.get("prefixes", []))
                self.cues.append((words, prefixes, str(row["type"])))
            elif kind == "block":
                self.blocks |= words
            elif kind in ("gap", "conj"):
                self.gaps |= words
            elif kind == "stop":
                self.stop |= words
        self.max_len = max((len(k) for k in self.index), default=0)

    def tokens(self, text: str) -> list[str]:
        """Folded tokens, the way the gazetteer forms were generated."""
        return [self.fold(t.text) for t in self.tokenizer(text) if not t.is_space]

    def cue(self, words: Iterable[str]) -> str | None:
        for word in words:
            for cue_words, prefixes, kind in self.cues:
                if word in cue_words or (prefixes and word.startswith(prefixes)):
                    return kind
        return None

    def _stopped(self, name: str) -> bool:
        return any(name.startswith(s) and len(name) - len(s) <= 5 for s in self.stop)

    def hits(self, text: str, context: Sequence[str] = ()) -> list[PlaceHit]:
        """Gazetteer names inside one LOC span.

        A cue word in the span, else in ``context`` (the words right before and after the
        span in the document), applies to every name of the span.
        """
        words = self.tokens(text)
        if any(w in self.blocks for w in [*words, *context]):
            return []
        cue = self.cue(words) or self.cue(context)
        out: list[PlaceHit] = []
        i = 0
        while i < len(words):
            for size in range(min(self.max_len, len(words) - i), 0, -1):
                name = words[i : i + size]
                kinds = self.index.get(tuple(name))
                if kinds and not (size == 1 and (self.cue(name) or name[0] in self.gaps)):
                    if cue is None and "abbr" not in kinds and self._stopped(" ".join(name)):
                        break
                    out.append(PlaceHit(" ".join(name), cue, self._candidates(kinds, cue)))
                    i += size - 1
                    break
            i += 1
        return [h for h in out if h.candidates]

    def context(self, doc_text: str, start: int, stop: int) -> list[str]:
        """The word before and the word after a span (skipping punctuation gaps)."""
        before = self.tokens(doc_text[max(0, start - 40) : start])
        before = [w for w in before if w not in self.gaps]
        after = [w for w in self.tokens(doc_text[stop : stop + 40]) if w not in self.gaps]
        return before[-1:] + after[:1]

    def _candidates(self, kinds: Mapping[str, set[str]], cue: str | None) -> list[Place]:
        if "abbr" in kinds:
            return [self.places[k] for k in sorted(kinds["abbr"]) if k in self.places]
        pool = [
            self.places[k]
            for kind in ("name", "adj")
            for k in sorted(kinds.get(kind, ()))
            if k in self.places
        ]
        for tier in TIERS[cue]:
            chosen = [p for p in pool if p.type in tier]
            if chosen:
                return chosen
        return []


def _disambiguate(candidates: Sequence[Place], sure: set[str]) -> Place | None:
    """One of several same-named places: the one inside a place the document names."""
    chosen = list(candidates)
    if len(chosen) == 1:
        return chosen[0]
    for width in (4, 2):
        prefixes = {k[:width] for k in sure}
        inside = [p for p in chosen if p.kato[:width] in prefixes]
        if len(inside) == 1:
            return inside[0]
        if inside:
            chosen = inside
    if len({p.kato[:4] for p in chosen}) == 1 or chosen[0].type != "village":
        return chosen[0]
    return None  # an ambiguous village: kato null (spec)


# -- mapping onto the spec's facts ---------------------------------------------------------
def place_facts(
    locs: Iterable[Mention], doc_text: str, lookup: PlaceLookup, unmatched: str = "drop"
) -> list[dict[str, Any]]:
    """REGION/DISTRICT/SETTLEMENT facts for Natasha's LOC spans."""
    per_span: list[tuple[Mention, list[str], list[PlaceHit]]] = []
    for m in locs:
        context = lookup.context(doc_text, m.start, m.stop)
        hits = lookup.hits(m.normal, context) or lookup.hits(m.text, context)
        per_span.append((m, context, hits))
    sure = {h.candidates[0].kato for _, _, hits in per_span for h in hits if len(h.candidates) == 1}
    out: list[dict[str, Any]] = []
    for m, context, hits in per_span:
        if not hits:
            if unmatched == "name":
                cue = lookup.cue(lookup.tokens(m.normal)) or lookup.cue(context)
                out.append(
                    {"label": LABEL_OF_CUE[cue], "text": m.text, "kato": None, "name_ru": m.normal}
                )
            continue
        for hit in hits:
            place = _disambiguate(hit.candidates, sure)
            if place is not None:
                out.append(
                    {
                        "label": LABEL_OF_TYPE[place.type],
                        "text": m.text,
                        "kato": place.kato,
                        "name_ru": place.name_ru,
                    }
                )
            else:
                first = hit.candidates[0]
                out.append(
                    {
                        "label": LABEL_OF_TYPE[first.type],
                        "text": m.text,
                        "kato": None,
                        "name_ru": first.plain_ru,
                    }
                )
    return out


def legal_form(text: str) -> str | None:
    for rx, form in LEGAL_RE:
        if rx.search(text):
            return form
    return None


def legal_form_before(before: str) -> str | None:
    """The legal form written right before a span ("ТОО «" + the span Natasha tagged)."""
    for rx, form in LEGAL_RE:
        if re.search(f"(?:{rx.pattern})\\s*[{OPEN_QUOTES}]?\\s*$", before, rx.flags):
            return form
    return None


def enterprise_name(text: str) -> str:
    """The quoted part (quote marks dropped), else the span without legal-form words."""
    opening = re.search(f"[{OPEN_QUOTES}]", text)
    if opening:
        name = text[opening.end() :]
    else:
        name = text
        for rx, _ in LEGAL_RE:
            name = rx.sub(" ", name)
    return " ".join(re.sub(f"[{ALL_QUOTES}]", " ", name).split())


def enterprise_facts(
    orgs: Iterable[Mention], doc_text: str, mode: str = "form"
) -> list[dict[str, Any]]:
    """ENTERPRISE facts for Natasha's ORG spans.

    ``form``: only spans with a legal form in them or written right before them ("ТОО «X»"
    where Natasha tagged only X); ``legal``: a legal form or quotes; ``all``: every ORG
    span (agencies, media, parties included). The name is the
    span as written when quoted (the spec's name is the quoted name as written), else the
    MorphVocab normal form without legal-form words.
    """
    out: list[dict[str, Any]] = []
    for m in orgs:
        before = doc_text[max(0, m.start - 60) : m.start]
        quoted = bool(re.search(f"[{ALL_QUOTES}]", m.text)) or bool(
            re.search(f"[{OPEN_QUOTES}]\\s*$", before)
        )
        form = legal_form(m.text) or legal_form_before(before)
        if mode == "legal" and form is None and not quoted:
            continue
        if mode == "form" and form is None:
            continue
        name = enterprise_name(m.text if quoted else m.normal)
        if name:
            out.append(
                {"label": "ENTERPRISE", "text": m.text, "legal_form": form or "OTHER", "name": name}
            )
    return out


def deadline_facts(
    dates: Iterable[NatashaDate], text: str, published: dt.date | None, mode: str = "cue"
) -> list[dict[str, Any]]:
    """Dates as DEADLINE values: last day of the period; no computable year → no fact."""
    out: list[dict[str, Any]] = []
    for d in dates:
        if mode == "cue" and not d.cue:
            continue
        year = d.year
        if year is None:
            if published is not None:
                year = published.year
            else:
                years = [int(y) for y in YEAR.findall(text, 0, d.start)]
                year = years[-1] if years else None
        if year is None or not 1900 <= year <= 2100:
            continue
        try:
            if d.month is None:
                value, precision = dt.date(year, 12, 31), "year"
            elif d.day is None:
                last = calendar.monthrange(year, d.month)[1]
                value, precision = dt.date(year, d.month, last), "month"
            else:
                value, precision = dt.date(year, d.month, d.day), "day"
        except ValueError:
            continue
        out.append(
            {
                "label": "DEADLINE",
                "text": d.text,
                "value": value.isoformat(),
                "precision": precision,
            }
        )
    return out


def money_facts(money: Iterable[tuple[str, float, str]]) -> list[dict[str, Any]]:
    return [{"label": "MONEY", "text": t, "amount": a, "currency": c} for t, a, c in money]


def natasha_facts(
    raw: NatashaOutput,
    text: str,
    lookup: PlaceLookup,
    variant: Variant = DEFAULT,
    published: dt.date | None = None,
) -> list[dict[str, Any]]:
    """All of Natasha's facts for one document under one mapping variant."""
    return [
        *place_facts(raw.locs, text, lookup, variant.unmatched),
        *enterprise_facts(raw.orgs, text, variant.orgs),
        *deadline_facts(raw.dates, text, published, variant.dates),
        *money_facts(raw.money),
    ]


# -- running and scoring --------------------------------------------------------------------
@dataclass
class Row:
    label: str
    variant: str
    gold: int
    ours: Score | None
    natasha: Score


def _jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _published(row: Mapping[str, Any]) -> dt.date | None:
    value = row.get("published_at")
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def run_natasha(gold: Path, variants: Sequence[Variant]) -> dict[Variant, dict[str, EvalDoc]]:
    """Natasha's predictions on the Russian gold docs, once per mapping variant."""
    natasha, lookup = Natasha(), PlaceLookup()
    out: dict[Variant, dict[str, EvalDoc]] = {v: {} for v in variants}
    for row in _jsonl(gold):
        if row.get("lang") != "ru":
            continue
        text = row.get("text") or ""
        raw = natasha(text)
        for v in variants:
            facts = natasha_facts(raw, text, lookup, v, _published(row))
            out[v][str(row["doc_id"])] = EvalDoc(str(row["doc_id"]), "ru", facts)
    return out


def run_ours(gold: Path, pred: Path | None) -> dict[str, EvalDoc] | None:
    """Our extractor on the same docs (or its saved predictions); None if it fails."""
    try:
        if pred is not None:
            return {d.doc_id: d for d in read_docs([pred])}
        from pipeline.evaluate import predict

        return predict([gold])
    except Exception as err:  # components are work in progress: still report Natasha
        print(f"warning: our extractor failed ({type(err).__name__}: {err})", file=sys.stderr)
        return None


def _total(report: Report, labels: Iterable[str]) -> Score:
    total = Score()
    for label in labels:
        s = report.scores.get((label, "ru"), Score())
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return total


def compare(gold: Path, pred: Path | None = None) -> tuple[list[Row], int, Report]:
    """Comparison rows, the number of Russian gold docs, Natasha's (default) report."""
    gold_docs = [d for d in read_docs([gold]) if d.lang == "ru"]
    variants = [DEFAULT, *(v for _, v, _ in ALTERNATIVES)]
    natasha = run_natasha(gold, variants)
    ours = run_ours(gold, pred)
    ours_report = score(gold_docs, ours, LABELS) if ours is not None else None
    reports = {v: score(gold_docs, natasha[v], LABELS) for v in variants}
    gold_counts = {lab: score(gold_docs, {}, [lab]).scores[(lab, "ru")].fn for lab in LABELS}

    def ours_of(labels: Iterable[str]) -> Score | None:
        return _total(ours_report, labels) if ours_report is not None else None

    rows = [
        Row(lab, "default", gold_counts[lab], ours_of([lab]), _total(reports[DEFAULT], [lab]))
        for lab in LABELS
    ]
    rows.append(
        Row(
            "all six",
            "default",
            sum(gold_counts.values()),
            ours_of(LABELS),
            _total(reports[DEFAULT], LABELS),
        )
    )
    for name, variant, labels in ALTERNATIVES:
        for lab in labels:
            rows.append(
                Row(lab, name, gold_counts[lab], ours_of([lab]), _total(reports[variant], [lab]))
            )
    return rows, len(gold_docs), reports[DEFAULT]


def _score_json(s: Score | None) -> dict[str, Any] | None:
    return None if s is None else s.as_dict()


def render(rows: Sequence[Row], docs: int, gold: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Ours vs Natasha, document-level, {docs} Russian docs of {gold.name}")
    for col in (
        "label",
        "Natasha mapping",
        "gold",
        "ours P",
        "ours R",
        "ours F1",
        "Natasha P",
        "Natasha R",
        "Natasha F1",
    ):
        table.add_column(col, justify="left" if col in ("label", "Natasha mapping") else "right")
    for r in rows:
        ours = (
            [f"{r.ours.precision:.3f}", f"{r.ours.recall:.3f}", f"[bold]{r.ours.f1:.3f}[/]"]
            if r.ours is not None
            else ["n/a"] * 3
        )
        n = r.natasha
        table.add_row(
            r.label,
            r.variant,
            str(r.gold),
            *ours,
            f"{n.precision:.3f}",
            f"{n.recall:.3f}",
            f"[bold]{n.f1:.3f}[/]",
        )
    Console(width=max(Console().width, 120)).print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, required=True, help="gold JSONL (ru docs scored)")
    parser.add_argument("--pred", type=Path, help="our saved predictions instead of running")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--diffs", action="store_true", help="list Natasha's misses/false hits")
    args = parser.parse_args(argv)
    rows, docs, natasha_report = compare(args.gold, args.pred)
    if args.json:
        print(
            json.dumps(
                {
                    "gold": str(args.gold),
                    "docs": docs,
                    "rows": [
                        {
                            "label": r.label,
                            "natasha_mapping": r.variant,
                            "gold": r.gold,
                            "ours": _score_json(r.ours),
                            "natasha": _score_json(r.natasha),
                        }
                        for r in rows
                    ],
                    **({"natasha_diffs": natasha_report.as_json()["diffs"]} if args.diffs else {}),
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        render(rows, docs, args.gold)
        if args.diffs:
            for d in natasha_report.diffs:
                print(f"{d.kind:5} {d.doc_id} {d.label} {d.key!r} «{d.text}»")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
