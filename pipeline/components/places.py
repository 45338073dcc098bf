"""REGION, DISTRICT and SETTLEMENT facts from a KATO gazetteer of precomputed surface forms.

Why it works this way:

- Every inflected surface form of every KATO name ("шемонаихинском", "зайсан ауданының"
  is split into name + cue, "glubokovsky") is generated at BUILD time by
  ``pipeline.build_gazetteer`` and committed as ``pipeline/data/gazetteer*.jsonl``. The
  runtime never lemmatizes: it folds each token (lower case, ё→е, Kazakh letters → Russian
  look-alikes) and looks token n-grams up in a dict. A dict is used instead of a
  PhraseMatcher because the Kazakh side has ~10^5 forms: creating that many pattern Docs
  takes ~15 s, the dict loads in well under a second and matches the same token n-grams.
- A name alone rarely says what kind of place it is ("Zaisan" is a town and a district,
  "Алматы" a city and a region). Cue words next to the name (район/аудан/district,
  область/облыс/region, город/қала/city, село/ауыл/village) decide; a name without a cue
  takes the cue of the next name when only conjunctions stand between them
  ("Глубоковского и Самарского районов", "Glubokovsky and Samarsky districts") or of the
  previous one for cues written before the names ("villages X, Y and Z").
- Names several KATO rows share are disambiguated by the other places the document names;
  a settlement still ambiguous gets ``kato: None`` (spec).

Data row kinds in ``patterns/<lang>/places.jsonl`` (a new cue or alias is one line):

- ``block``: ``side`` and ``words``/``prefixes`` that veto a name (streets, rural okrugs);
- ``cue``: ``type`` (``district``/``region``/``city``/``village``), ``side`` (``after``/
  ``before`` the name), ``words`` (exact folded tokens) and/or ``prefixes``;
- ``gap``: ``words`` allowed between a ``before`` cue and the name ("г . Алматы", "city of X");
- ``conj``: ``words`` joining coordinated names (",", "и", "және", "and");
- ``plural``: ``words``/``prefixes`` of plural cues: a comma-only list needs one, any list
  if a row says ``"always": true``;
- ``alias``: ``text``, ``kato`` and ``form`` (``abbr``: a place on its own, e.g. "ВКО";
  ``name``: resolved like a gazetteer name, e.g. "East Kazakhstan");
- ``stop``: ``words``: bare names that are ordinary words and need a cue;
- ``endings``: ``words``: inflectional endings a stop word may carry ("Казахстане");
- ``suffixes``: Kazakh case endings, read by the generator only.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from .base import RuleComponent, add_fact

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GAZETTEER_FILE = "gazetteer.jsonl"
LABELS = ("REGION", "DISTRICT", "SETTLEMENT")

# KATO place type → fact label. "rcity" = Astana/Almaty/Shymkent (cities acting as regions).
LABEL_OF_TYPE = {
    "oblast": "REGION",
    "rcity": "REGION",
    "district": "DISTRICT",
    "city_district": "DISTRICT",
    "city": "SETTLEMENT",
    "village": "SETTLEMENT",
}

# Which place types a cue admits, tier by tier (the first tier with a candidate wins).
# ``None`` = no cue: a bare name is the city (Almaty the city, not the region), else a
# region, else a village.
PREFERENCE: dict[str | None, tuple[frozenset[str], ...]] = {
    # en "Shiely region" is a district: region cues fall back to districts.
    "region": (
        frozenset({"oblast"}),
        frozenset({"rcity"}),
        frozenset({"district", "city_district"}),
    ),
    "district": (frozenset({"district", "city_district"}),),
    "city": (frozenset({"rcity"}), frozenset({"city"}), frozenset({"village"})),
    "village": (frozenset({"village"}), frozenset({"city"})),
    None: (
        frozenset({"rcity"}),
        frozenset({"city"}),
        frozenset({"oblast"}),
        frozenset({"village"}),
    ),
}

DASHES = {"-", "–", "—"}
CLOSING = {"»", '"', "”", "“", "'", "’"}
# A cue that names the very kind of place found; other cues ("аким города X Y") and bare
# names may still be a person's name.
STRONG_CUES = {("village", "village"), ("city", "city"), ("city", "rcity")}

_FOLD = str.maketrans(
    {
        "ё": "е",
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ї": "и",
        "ќ": "к",
        "ў": "у",
        "’": "'",
        "`": "'",
    }
)
_LATIN_LOOKALIKES = str.maketrans("aeopcxiyk", "аеорсхиук")
_CYR = re.compile(r"[а-яё]")
_INITIAL = re.compile(r"[^\W\d_]\.(?:[^\W\d_]\.)?")
_LAT = re.compile(r"[a-z]")


def fold(text: str) -> str:
    """Case-fold and merge spellings: ё/е, Kazakh letters/Russian look-alikes, stray Latin."""
    low = text.lower()
    if _CYR.search(low) and _LAT.search(low):
        low = low.translate(_LATIN_LOOKALIKES)
    return low.translate(_FOLD)


def gazetteer_path(lang: str | None = None, directory: Path = DATA_DIR) -> Path:
    """``gazetteer.jsonl`` (places) or ``gazetteer.<lang>.jsonl`` (surface forms)."""
    return directory / (GAZETTEER_FILE if lang is None else f"gazetteer.{lang}.jsonl")


@dataclass(frozen=True)
class Place:
    kato: str
    type: str
    parent: str
    name_ru: str
    plain_ru: str

    @property
    def label(self) -> str:
        return LABEL_OF_TYPE[self.type]


@dataclass
class _Match:
    start: int
    end: int
    katos: dict[str, list[str]]  # form kind ("name", "adj", "abbr") → KATO codes
    cue: str | None = None
    cue_side: str | None = None
    cue_at: int = -1  # token index of the cue word
    span_start: int = -1
    span_end: int = -1
    chosen: list[Place] = field(default_factory=list)


@Language.factory("govkz_places", default_config={"patterns": None, "gazetteer": None})
def make_places(
    nlp: Language, name: str, patterns: str | None, gazetteer: str | None
) -> PlacesComponent:
    return PlacesComponent(nlp, name, patterns, gazetteer)


class PlacesComponent(RuleComponent):
    """Adds REGION/DISTRICT/SETTLEMENT facts with ``kato`` and ``name_ru`` (KATO row)."""

    stem = "places"

    def __init__(
        self, nlp: Language, name: str, patterns: str | None = None, gazetteer: str | None = None
    ) -> None:
        # The gazetteer is read and indexed on first use: spacy.load would otherwise read
        # the packaged copy in __init__ only to replace it with the saved one in from_disk.
        self.directory = Path(gazetteer) if gazetteer else DATA_DIR
        self._gazetteer: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        self.places: dict[str, Place] = {}
        self.index: dict[tuple[str, ...], dict[str, list[str]]] = {}
        self.max_len = 0
        super().__init__(nlp, name, patterns)

    # -- building -----------------------------------------------------------------------
    @property
    def gazetteer(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(place rows, surface-form rows of this language)."""
        if self._gazetteer is None:
            self._gazetteer = _read_gazetteer(self.directory, str(self.nlp.lang))
        return self._gazetteer

    def _ensure_index(self) -> None:
        if self.index:
            return
        places_rows, form_rows = self.gazetteer
        self.places = {
            r["kato"]: Place(
                r["kato"], r["type"], r.get("parent") or "", r["name_ru"], r["plain_ru"]
            )
            for r in places_rows
        }
        index: dict[tuple[str, ...], dict[str, list[str]]] = {}
        for frow in form_rows:
            for form in frow["forms"]:
                key = tuple(form.split(" "))
                index.setdefault(key, {}).setdefault(frow["kind"], []).extend(frow["kato"])
        for row in self.rows_of("alias"):
            key = tuple(fold(t.text) for t in self.nlp.make_doc(row["text"]))
            index.setdefault(key, {}).setdefault(row.get("form", "abbr"), []).append(row["kato"])
        self.index = index
        self.max_len = max((len(k) for k in index), default=0)

    def build(self, rows: list[dict[str, Any]]) -> None:
        self.index = {}  # aliases may have changed: re-index on next use
        self.cues = _word_rules(self.rows_of("cue"))
        self.blocks = _word_rules(self.rows_of("block"))
        self.plurals = [r for side in _word_rules(self.rows_of("plural")).values() for r in side]
        self.plural_always = any(r.get("always") for r in self.rows_of("plural"))
        self.gaps = {fold(w) for r in self.rows_of("gap") for w in r["words"]}
        self.conj = {fold(w) for r in self.rows_of("conj") for w in r["words"]}
        self.stop = {fold(w) for r in self.rows_of("stop") for w in r["words"]}
        # Inflectional endings, so that a stop word also stops "Казахстане", "Қазақстанда".
        self.endings = {fold(w) for r in self.rows_of("endings") for w in r["words"]} | {
            fold(w) for r in self.rows_of("suffixes") for side in ("back", "front") for w in r[side]
        }

    # -- matching -----------------------------------------------------------------------
    def find(self, doc: Doc) -> list[_Match]:
        """Longest gazetteer n-grams, left to right, with their cue words."""
        self._ensure_index()
        words = [fold(t.text) for t in doc]
        found: list[_Match] = []
        i, n = 0, len(doc)
        while i < n:
            hit = None
            if doc[i].text[:1].isupper():
                for size in range(min(self.max_len, n - i), 0, -1):
                    kinds = self.index.get(tuple(words[i : i + size]))
                    if kinds:
                        hit = (size, kinds)
                        break
            if hit is None:
                i += 1
                continue
            size, kinds = hit
            found.append(_Match(i, i + size, {k: sorted(set(v)) for k, v in kinds.items()}))
            i += size
        used: set[int] = set()  # tokens already serving as a cue after a name
        blocked: dict[int, str] = {}  # positions in ``found`` vetoed by a block word → side
        for pos, m in enumerate(found):
            m.span_start, m.span_end = m.start, m.end
            before = self._before(words, m.start)
            after = self._after(words, m.end)
            if after is not None and _rule(self.blocks["after"], words[after]):
                blocked[pos] = "after"  # a street, a river, a rural okrug: not the place itself
                continue
            if before is not None and _rule(self.blocks["before"], words[before]):
                blocked[pos] = "before"
                continue
            if set(m.katos) == {"abbr"}:
                continue
            if after is not None and (cue := _rule(self.cues["after"], words[after])):
                m.cue, m.cue_side, m.span_end, m.cue_at = cue, "after", after + 1, after
                used.add(after)
            elif (
                before is not None
                and before not in used
                and (cue := _rule(self.cues["before"], words[before]))
            ):
                m.cue, m.cue_side, m.span_start, m.cue_at = cue, "before", before, before
        # "Мыңбаев және Манас көшелері", "streets Abay and Satpayev": a block word covers the list
        for pos in range(len(found) - 2, -1, -1):
            left, right = found[pos], found[pos + 1]
            if (
                blocked.get(pos + 1) == "after"
                and left.cue is None
                and self._joined(left, right, words)
            ):
                blocked[pos] = "after"
        for pos in range(1, len(found)):
            left, right = found[pos - 1], found[pos]
            if (
                blocked.get(pos - 1) == "before"
                and right.cue is None
                and self._joined(left, right, words)
            ):
                blocked[pos] = "before"
        kept = [m for pos, m in enumerate(found) if pos not in blocked]
        self._coordinate(kept, words, doc)
        return kept

    def _after(self, words: list[str], end: int) -> int | None:
        """Index of the word after ``end``, skipping closing quotes ("«Akbulak» program")."""
        k = end
        while k < len(words) and words[k] in CLOSING:
            k += 1
        return k if k < len(words) else None

    def _before(self, words: list[str], start: int) -> int | None:
        """Index of the word before ``start``, skipping gap words ("г . X", "city of X")."""
        k = start - 1
        while k >= 0 and start - k <= 3 and words[k] in self.gaps:
            k -= 1
        return k if k >= 0 else None

    def _joined(self, left: _Match, right: _Match, words: list[str], plural: int = -1) -> bool:
        """Only conjunctions between two names, and a plural cue for a comma-only list.

        "Аршалы, Акмолинская область" locates a place; "Akmola, Aktobe regions" lists two.
        Russian and English always put the cue of a list in the plural ("Аксу и Успенского
        района" is a town and one district); Kazakh may not ("Астана мен Маңғыстау облысы").
        """
        between = words[left.end : right.start]
        if not (0 < len(between) <= 3 and all(w in self.conj for w in between)):
            return False
        if plural >= 0 and (self.plural_always or all(w == "," for w in between)):
            return _rule(self.plurals, words[plural]) is not None
        return True

    def _coordinate(self, found: list[_Match], words: list[str], doc: Doc) -> None:
        """Bare names in a list take the cue of the list: after-cues flow left, before right.

        Names joined by a dash are the ends of a road or route: settlements.
        """
        for left, right in itertools.pairwise(found):
            after = doc[right.end].text if right.end < len(doc) else ""
            # ... but not "Касым-Жомарт Токаев": a dashed pair before a surname is a person
            if (
                right.start - left.end == 1
                and words[left.end] in DASHES
                and not (after.isalpha() and after[:1].isupper())
            ):
                for m in (left, right):
                    m.cue = m.cue or "city"
        for right, left in itertools.pairwise(reversed(found)):
            # an adjective before a plural cue agrees with it ("селах Успенского и
            # Железинского районов"), whatever word stands before it
            free = left.cue is None or (left.cue_side == "before" and "adj" in left.katos)
            if (
                free
                and right.cue_side == "after"
                and self._admits(left, right.cue)
                and self._joined(left, right, words, right.cue_at)
            ):
                left.cue, left.cue_side, left.cue_at = right.cue, "after", right.cue_at
                left.span_start = left.start
        for left, right in itertools.pairwise(found):
            if (
                right.cue is None
                and left.cue_side == "before"
                and self._admits(right, left.cue)
                and self._joined(left, right, words, left.cue_at)
            ):
                right.cue, right.cue_side, right.cue_at = left.cue, "before", left.cue_at

    def _admits(self, m: _Match, cue: str | None) -> bool:
        """Whether the match may name a place of the kind the cue is first of all about."""
        types = PREFERENCE[cue][0]
        return any(
            self.places[k].type in types
            for kind in ("name", "adj")
            for k in m.katos.get(kind, [])
            if k in self.places
        )

    # -- resolving ----------------------------------------------------------------------
    def _stopped(self, text: str) -> bool:
        """A bare name that is an ordinary word ("Казахстане" → stop word "Казахстан")."""
        low = fold(text)
        return low in self.stop or any(
            low.startswith(s) and low[len(s) :] in self.endings for s in self.stop
        )

    def _person_like(self, doc: Doc, m: _Match, kind: str) -> bool:
        """A one-word name before a capitalized word (or a village name after one): a person."""
        if m.end - m.start != 1:
            return False
        nxt = doc[m.end] if m.end < len(doc) else None
        prev = doc[m.start - 1] if m.start > 0 else None
        if prev is not None and _INITIAL.fullmatch(prev.text):
            return True
        if nxt is not None and _capitalized(nxt.text) and not nxt.is_sent_start:
            return True
        return bool(
            kind == "village"  # a town after a capitalized word: "Taza Oskemen", "in Semey"
            and prev is not None
            and _capitalized(prev.text)
            and not prev.is_sent_start
        )

    def _candidates(self, m: _Match, doc: Doc) -> list[Place]:
        def places(*kinds: str) -> list[Place]:
            return [
                self.places[k] for kind in kinds for k in m.katos.get(kind, []) if k in self.places
            ]

        if "abbr" in m.katos:
            return places("abbr")
        pool = places("name", "adj") if m.cue else places("name")
        if m.cue is None:
            if self._stopped(doc[m.start : m.end].text):
                return []
            if {p.type for p in pool} == {"oblast"}:
                return pool
        for tier in PREFERENCE[m.cue]:
            chosen = [p for p in pool if p.type in tier]
            if chosen:
                return chosen
        return []

    def __call__(self, doc: Doc) -> Doc:
        found = self.find(doc)
        for m in found:
            m.chosen = self._candidates(m, doc)
        sure = [(m.start, m.chosen[0].kato) for m in found if len(m.chosen) == 1]
        for m in found:
            if not m.chosen:
                continue
            place = _disambiguate(m.chosen, sure, m.start)
            kind = m.chosen[0].type
            span_text = doc[m.start : m.end].text
            strong = (m.cue, kind) in STRONG_CUES
            if kind == "village" and m.cue is None and (place is None or _common(span_text)):
                continue  # a bare ambiguous or short village name: an ordinary word, a surname
            if kind in ("village", "city") and not strong and self._person_like(doc, m, kind):
                continue  # "Серик Ахметов", "аким города Жаксылык Омар"
            span = doc[m.span_start : m.span_end]
            if place is not None:
                add_fact(
                    doc,
                    span.start_char,
                    span.end_char,
                    place.label,
                    kato=place.kato,
                    name_ru=place.name_ru,
                )
            else:
                name = Counter(p.plain_ru for p in m.chosen).most_common(1)[0][0]
                add_fact(
                    doc, span.start_char, span.end_char, m.chosen[0].label, kato=None, name_ru=name
                )
        return doc

    # -- serialization: the gazetteer travels with the pipeline -------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        super().to_disk(path, exclude=exclude)
        directory = Path(path)
        places_rows, form_rows = self.gazetteer
        srsly.write_jsonl(gazetteer_path(None, directory), places_rows)
        srsly.write_jsonl(gazetteer_path(str(self.nlp.lang), directory), form_rows)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PlacesComponent:
        self._gazetteer = _read_gazetteer(ensure_path(path), str(self.nlp.lang))
        super().from_disk(path, exclude=exclude)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        places_rows, form_rows = self.gazetteer
        return srsly.msgpack_dumps({"rows": self.rows, "places": places_rows, "forms": form_rows})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> PlacesComponent:
        msg = srsly.msgpack_loads(data)
        self.rows, self._gazetteer = msg["rows"], (msg["places"], msg["forms"])
        self.build(self.rows)
        return self


def _read_gazetteer(
    directory: Path, lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    places = gazetteer_path(None, directory)
    forms = gazetteer_path(lang, directory)
    if not places.exists() or not forms.exists():
        return [], []
    return list(srsly.read_jsonl(places)), list(srsly.read_jsonl(forms))


WordRules = dict[str, list[tuple[set[str], tuple[str, ...], str]]]


def _word_rules(rows: Iterable[dict[str, Any]]) -> WordRules:
    """Rows with ``side``, ``words``/``prefixes`` and ``type`` → side → (words, prefixes, type)."""
    out: WordRules = {"after": [], "before": []}
    for row in rows:
        words = {fold(w) for w in row.get("words", [])}
        prefixes = tuple(fold(p) for p in row.get("prefixes", []))
        out[row.get("side", "after")].append((words, prefixes, str(row.get("type", row["kind"]))))
    return out


def _rule(rules: list[tuple[set[str], tuple[str, ...], str]], word: str) -> str | None:
    for words, prefixes, kind in rules:
        if word in words or (prefixes and word.startswith(prefixes)):
            return kind
    return None


_LATIN_SURNAME = re.compile(r"(?:ov|ev|ova|eva|yev|yeva)$", re.I)
_SURNAME = re.compile(
    r"(?:ов|ев|ёв|ова|ева)$", re.I
)  # Cyrillic: en lists of villages named after people


def _common(text: str) -> bool:
    """Bare village names too short or too surname-like to trust without a cue.

    One-word names ending like a Russian surname ("Асанов") and several-word names ending
    like any surname ("Temirbek Zhurgenov", a village and an academy's namesake).
    """
    words = text.split()
    if len(words) > 1:
        return bool(_SURNAME.search(words[-1]) or _LATIN_SURNAME.search(words[-1]))
    return len(text) < 4 or bool(_SURNAME.search(text))


def _capitalized(text: str) -> bool:
    return text[:1].isalpha() and text[:1].isupper()


def _disambiguate(chosen: list[Place], sure: list[tuple[int, str]], at: int) -> Place | None:
    """One place of several sharing a name: the one inside a place the document names.

    ``sure`` holds (token index, kato) of the unambiguous places; when candidates lie in
    several of them, the nearest mention wins (lists go "in X district: villages A, B").
    """
    if len(chosen) == 1:
        return chosen[0]
    for width in (4, 2):  # same district/city (XXYY…), then same region (XX…)
        near: dict[str, int] = {}
        for pos, kato in sure:
            dist = at - pos if pos <= at else 2 * (pos - at)  # prefer a preceding mention
            near[kato[:width]] = min(dist, near.get(kato[:width], dist))
        inside = [p for p in chosen if p.kato[:width] in near]
        if inside:
            best = min(near[p.kato[:width]] for p in inside)
            chosen = [p for p in inside if near[p.kato[:width]] == best]
            if len(chosen) == 1:
                return chosen[0]
    if len({p.kato[:4] for p in chosen}) == 1:
        return chosen[0]  # all in one district: the village rather than the station
    if chosen[0].type == "village":
        return None
    return chosen[0]
