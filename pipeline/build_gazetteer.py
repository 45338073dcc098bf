"""Generate the place gazetteer (``pipeline/data/gazetteer*.jsonl``) from the KATO files.

Run: ``.venv/bin/python -m pipeline.build_gazetteer [--kato DIR] [--out DIR]``.

Input: ``kato.csv`` (regions, districts, cities, city districts) and ``settlements.csv``
(villages) of the shared KATO gazetteer (see its README). Output, committed to the repo so
a fresh clone needs no shared data:

- ``gazetteer.jsonl``: one row per place: ``kato``, ``type`` (``oblast``, ``rcity`` for
  Astana/Almaty/Shymkent, ``district``, ``city_district``, ``city``, ``village``),
  ``parent``, ``name_ru`` (the KATO name, the normalized value) and ``plain_ru`` (bare
  Russian name, used when an ambiguous settlement gets ``kato: null``);
- ``gazetteer.<lang>.jsonl``: per place and kind (``name`` or ``adj``) every surface form,
  already tokenized with the project's tokenizer for that language and folded
  (``places.fold``), tokens joined by single spaces.

Everything inflectional happens here, never at runtime: Russian noun and adjective
declension (rule tables below), Kazakh case endings (``suffixes`` rows of
``patterns/kk/places.jsonl``, chosen by vowel harmony) and Latin transliterations
(BGN/PCGN-like with the common gov.kz variants: й → y/i, х → kh/h, -ский → -sky/-skiy).
Minor KATO points (winter camps, farms, sidings, plots) are left out: they only add
ambiguity to real village names. Two-word names get both separators ("Әл Фараби" /
"Әл-Фараби"); a district also takes the spellings of the settlement named like it, its
centre ("Маканчи" for "район Мақаншы"); a district adjective gives a noun ("район
Аль-Фараби").

``--hunspell kk=/usr/share/hunspell/kk_KZ.dic`` (Debian hunspell-kk, hunspell-ru) only
rewrites the ``common`` row of ``patterns/<lang>/places.jsonl``: village names that are
dictionary words and need a cue word. The runtime never reads a dictionary.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
import srsly

from pipeline import lang_kk as _lang_kk  # noqa: F401  (registers "kk")
from pipeline.components.base import default_patterns_path, read_rows
from pipeline.components.places import DATA_DIR, fold, gazetteer_path
from pipeline.translit import CYR_TO_LAT

KATO_DIR = Path("/work/shared/data/kato")
LANGS = ("ru", "kk", "en")

# Settlement name prefixes kept (villages, townships, stations); others are minor points.
VILLAGE_PREFIX = re.compile(r"^(?:с\.\s*им\.|с\.\s*|п\.\s*|ст\.\s*|крес\.пос\.\s*|поселье\s+|с\s+)")
KK_SUFFIX = re.compile(
    r"\s+(?:а\.|к\.|ст\.|ж\.|атын\.\s*а\.|қ\.|Қ\.Ә\.|Г\.А\.|ауданы|атын\.\s*ауданы|облысы|р\.а\.|а\.ә\.)$"
)
RU_PREFIX = re.compile(r"^(?:г\.|город\s+|р\.а\.\s*|район\s+|Район\s+|область\s+)")
RU_SUFFIX = re.compile(r"\s+(?:Г\.А\.|г\.а\.|р\.а\.|Қ\.Ә\.|қ\.|с\.|п\.|ст\.)$")
# A few settlement rows carry their type after the name ("Заречное с.").
VILLAGE_SUFFIX = re.compile(r"\s(?:с|п|ст)\.$")
INITIALS = re.compile(r"^(?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.\s*)+")
CYR_VOWELS = set("аеёиоуыэюяәөұүі")
ADJECTIVE_LIKE = re.compile(r"(?:ое|ее|ый|ий|ой|ая|яя)$", re.IGNORECASE)
MIN_NAME = 3  # shorter names ("Ай", "Ор") are never matched

# -------------------------------------------------------------------------------------
# Russian declension (rule tables: gazetteer names are regular, pymorphy3 mis-parses
# many of them as common words, e.g. "Семей" as a form of "семья").


def ru_adj_forms(adj: str) -> set[str]:
    """All case/number/gender forms of a Russian adjective given in any nominative form."""
    low = adj.lower()
    for end in ("ский", "цкий", "ская", "ское", "ские"):
        if low.endswith(end):
            stem = adj[: -len(end)] + end[:2]
            i = "и"
            break
    else:
        for end in ("ый", "ий", "ой", "ая", "ое", "ые", "ие"):
            if low.endswith(end) and len(low) > 4:
                stem = adj[:-2]
                i = "и" if stem[-1:].lower() in "кгхжшчщ" else "ы"
                break
        else:
            return {adj}
    ends = (
        i + "й",
        "ой",
        "ого",
        "ому",
        i + "м",
        "ом",
        "ая",
        "ую",
        "ою",
        "ое",
        i + "е",
        i + "х",
        i + "ми",
    )
    return {stem + e for e in ends}


def ru_noun_forms(name: str) -> set[str]:
    """Singular case forms of a place name; the last word declines ("Усть-Каменогорске")."""
    m = re.match(r"^(.*?)([^\s-]+)$", name)
    if not m:
        return {name}
    head, word = m.groups()
    low = word.lower()
    forms = {word}
    if len(low) < 3:
        pass
    elif low.endswith(("ое", "ее")):
        stem = word[:-2]
        forms |= {
            stem + e
            for e in (("ого", "ому", "ым", "ом") if low[-2] == "о" else ("его", "ему", "им", "ем"))
        }
    elif low.endswith(("ый", "ий")) and len(low) > 4:
        forms |= {
            f for f in ru_adj_forms(word) if f.lower().endswith(("ого", "ому", "ым", "им", "ом"))
        }
    elif low.endswith("й"):
        stem = word[:-1]
        forms |= {stem + e for e in ("я", "ю", "ем", "е")}
    elif low.endswith("ь"):
        stem = word[:-1]
        forms |= {stem + e for e in ("я", "ю", "ем", "е", "и", "ью")}
    elif low.endswith("а"):
        stem = word[:-1]
        velar = stem[-1:].lower() in "гкхжшчщ"
        forms |= {stem + e for e in (("и" if velar else "ы"), "е", "у", "ой", "ою", "ей")}
    elif low.endswith("я"):
        stem = word[:-1]
        forms |= {stem + e for e in ("и", "е", "ю", "ей")}
    elif low[-1] in CYR_VOWELS:
        pass  # indeclinable: Алматы, Шемонаиха-like names end in -а above
    else:
        hush = low[-1] in "жшчщц"
        forms |= {word + e for e in ("а", "у", "ем" if hush else "ом", "е")}
        if low.endswith(("ов", "ев", "ин", "ын")):
            forms.add(word + "ым")
    return {head + f for f in forms}


def noun_of_adj(adj: str) -> str | None:
    """ "Аль-Фарабийский" → "Аль-Фараби", "Зайсанский" → "Зайсан" (a district cue needed)."""
    noun = re.sub(r"(?<=[аеиоуыэюя])йский$|ь?ский$", "", adj)
    return noun if noun != adj and len(noun) >= MIN_NAME else None


def ru_adj_of_noun(name: str) -> str | None:
    """ "Самар" → "Самарский", "Жаңасемей" → "Жаңасемейский" (older adjective district names)."""
    if " " in name or "-" in name or len(name) < 3:
        return None
    low = name.lower()
    if low[-1] == "ь":
        return name[:-1] + "ьский"
    if low[-1] in CYR_VOWELS:
        return None
    return name + "ский"


# -------------------------------------------------------------------------------------
# Kazakh case endings.

BACK, FRONT = set("аоұыя"), set("әөүіеэ")


def kk_harmony(word: str) -> str:
    for ch in reversed(word.lower()):
        if ch in BACK:
            return "back"
        if ch in FRONT:
            return "front"
    return "back"


VOICELESS = set("кқпстфхцчшщ")
AFTER_VOICELESS = set("тқкп")  # endings start with a voiceless consonant after one
AFTER_VOICED = set("дғгмбнлж")


def kk_forms(name: str, suffixes: dict[str, list[str]]) -> set[str]:
    """The name with the case endings of its vowel harmony and final sound (last word)."""
    forms = {name}
    last = name[-1:].lower()
    if not last.isalpha() or len(name) < MIN_NAME:
        return forms
    allowed = AFTER_VOICELESS if last in VOICELESS else AFTER_VOICED
    for suffix in suffixes[kk_harmony(name)]:
        if suffix[0] in allowed or (last in CYR_VOWELS and suffix[0] == "н"):
            forms.add(name + suffix)
    return forms


# -------------------------------------------------------------------------------------
# Transliteration (Cyrillic → Latin), several spellings per name.

# The Russian table of the search folding, plus Kazakh letters as English texts write them
# and "ё" as "yo" (its other spelling, "e", is an ALTERNATIVE below).
TRANSLIT = {
    **CYR_TO_LAT,
    "ё": "yo",
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
}
ALTERNATIVES = {"й": ("y", "i"), "х": ("kh", "h"), "ё": ("yo", "e"), "і": ("i", "y")}
FINAL = {
    "ий": ("y", "iy", "ii", "i"),
    "ый": ("y", "yi", "iy"),
    "ой": ("oy", "oi"),
    "ия": ("iya", "ya", "ia"),
}
MAX_VARIANTS = 12


def translit(text: str) -> list[str]:
    """Latin spellings of a Cyrillic name, most usual first (at most MAX_VARIANTS)."""
    slots: list[tuple[str, ...]] = []
    low = text.lower()
    i = 0
    while i < len(low):
        ch = low[i]
        pair = low[i : i + 2]
        at_end = i + 2 == len(low) or not low[i + 2 : i + 3].isalpha()
        if pair in FINAL and at_end:
            slots.append(FINAL[pair])
            i += 2
            continue
        if ch == "е" and (i == 0 or low[i - 1] in CYR_VOWELS or low[i - 1] in "ьъ"):
            slots.append(("e", "ye"))
        elif ch in ALTERNATIVES:
            slots.append(ALTERNATIVES[ch])
        elif ch in TRANSLIT:
            slots.append((TRANSLIT[ch],))
        else:
            slots.append((ch,))
        i += 1
    out: list[str] = []
    for combo in itertools.product(*slots):
        out.append("".join(combo))
        if len(out) >= MAX_VARIANTS:
            break
    return out


# The Kazakh Latin-based spellings seen in official English ("Aqtobe", "Qostanai",
# "Qaraghandy"): қ → q, ғ → gh, applied to names written with Kazakh letters.
KAZAKH_LATIN = str.maketrans({"қ": "q", "Қ": "Q", "ғ": "gh", "Ғ": "Gh"})


def en_variants(name: str) -> set[str]:
    """Transliterations, also with hyphens as spaces ("Ust Kamenogorsk")."""
    forms: set[str] = set()
    latins = translit(name)
    if re.search("[қғ]", name, re.IGNORECASE):
        latins += translit(name.translate(KAZAKH_LATIN))[:2]
    for latin in latins:
        forms.add(latin)
        if "-" in latin:
            forms.add(latin.replace("-", " "))
    return {f for f in forms if f.strip()}


def en_adj_forms(adj: str) -> set[str]:
    """ "Глубоковский" → "glubokovsky", "glubokovskiy", "glubokovskii"."""
    low = adj.lower()
    if not low.endswith(("ский", "цкий", "ская", "ское")):
        return set()
    return en_variants(adj[:-2] + "ий")


# -------------------------------------------------------------------------------------
# KATO rows → names.


def _clean(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def plain(name: str) -> str:
    """A KATO name or alias without its type prefix/suffix ("г.Акколь" → "Акколь")."""
    name = _clean(name)
    name = RU_SUFFIX.sub("", name)
    name = KK_SUFFIX.sub("", name)
    name = RU_PREFIX.sub("", name)
    name = VILLAGE_PREFIX.sub("", name)
    return name.strip(' «»"')


def named_after(name: str) -> set[str]:
    """Variants of a name "after a person": "им.Габита Мусрепова" → "Г.Мусрепова", ..."""
    out = {name}
    m = re.match(r"^(?:им\.|имени)\s*(.+)$", name)
    if m:
        rest = m.group(1)
        out |= {rest, f"имени {rest}"}
        parts = rest.split()
        if len(parts) == 2 and not parts[0].endswith("."):
            out.add(f"{parts[0][0]}.{parts[1]}")
        out.add(INITIALS.sub("", rest))
    stripped = INITIALS.sub("", name)
    if stripped and stripped != name:
        out.add(stripped)
    for variant in list(out):
        # "Беимбета Майлина" (genitive after "район имени") → "Беимбет Майлин"
        words = variant.split()
        if len(words) >= 2 and all(re.search(r"[бвгдзклмнпрстф]а$", w) for w in words):
            out.add(" ".join(w[:-1] for w in words))
    return {o for o in out if len(o) > 1}


def separator_variants(name: str) -> set[str]:
    """ "Әл Фараби" ↔ "Әл-Фараби": two capitalized words are written with a space or a hyphen."""
    m = re.fullmatch(r"(\w+)[ -](\w+)", name)
    if not m or not (m[1][:1].isupper() and m[2][:1].isupper()):
        return set()
    return {f"{m[1]} {m[2]}", f"{m[1]}-{m[2]}"}


def eponymous_centers(
    rows: list[dict[str, str]], names: dict[str, dict[str, set[str]]]
) -> dict[str, dict[str, set[str]]]:
    """District kato → the nouns of the settlement inside it that shares one of its names.

    A district is usually named after its centre, and the centre's other spellings name the
    district too: "Makanchi district" (the village's Russian "Маканчи") is "район Мақаншы".
    """
    by_code = {r["kato_code"]: r for r in rows}
    out: dict[str, dict[str, set[str]]] = {}
    for row in rows:
        parent = by_code.get(row["parent_code"])
        if place_type(row) not in ("village", "city") or parent is None:
            continue
        if place_type(parent) != "district":
            continue
        mine, theirs = names[row["kato_code"]], names[parent["kato_code"]]
        own = {fold(n) for n in mine["ru_noun"] | mine["kk_noun"]}
        if own & {fold(n) for n in theirs["ru_noun"] | theirs["kk_noun"]}:
            extra = out.setdefault(parent["kato_code"], {"ru_noun": set(), "kk_noun": set()})
            extra["ru_noun"] |= mine["ru_noun"] - theirs["ru_noun"]
            extra["kk_noun"] |= mine["kk_noun"] - theirs["kk_noun"]
    return out


def place_type(row: dict[str, str]) -> str:
    level = row["level"]
    if level == "region":
        return "rcity" if row["name_ru"].startswith("г.") else "oblast"
    if level == "settlement":
        return "village"
    return level


def names_of(row: dict[str, str], ptype: str) -> dict[str, set[str]]:
    """Russian nouns, Russian adjectives and Kazakh nouns naming one KATO row."""
    ru_noun: set[str] = set()
    ru_adj: set[str] = set()
    kk_noun: set[str] = set()
    aliases = [a for a in row["aliases"].split("|") if a]
    for name in [row["name_ru"], *aliases]:
        name = _clean(name)
        low = name.lower()
        if re.search(r"(ский|цкий|ская|ское) (район|область)$", low):
            ru_adj.add(name.rsplit(" ", 1)[0])
            continue
        if re.search(r"[әғқңөұүһі]", low) and " " in name and KK_SUFFIX.search(name):
            kk_noun.add(plain(name))
            continue
        ru_noun.add(plain(name))
    kk_noun.add(plain(row["name_kk"]))
    if ptype in ("district", "city_district"):
        for noun in list(ru_noun):
            adj = ru_adj_of_noun(noun)
            if adj:
                ru_adj.add(adj)
    if ptype in ("oblast", "district", "city_district"):
        ru_noun |= kk_noun
    for group in (ru_noun, kk_noun):
        for name in list(group):
            group |= named_after(name)
    return {
        "ru_noun": {n for n in ru_noun if n},
        "ru_adj": {n for n in ru_adj if n},
        "kk_noun": {n for n in kk_noun if n},
    }


def read_kato(kato_dir: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    with (kato_dir / "kato.csv").open(encoding="utf-8") as fh:
        rows.extend(csv.DictReader(fh))
    with (kato_dir / "settlements.csv").open(encoding="utf-8") as fh:
        rows.extend(
            r
            for r in csv.DictReader(fh)
            if VILLAGE_PREFIX.match(_clean(r["name_ru"]))
            or VILLAGE_SUFFIX.search(_clean(r["name_ru"]))
        )
    return rows


def surface_forms(
    names: dict[str, set[str]], ptype: str, suffixes: dict[str, list[str]]
) -> dict[str, dict[str, set[str]]]:
    """lang → kind → surface forms (not yet tokenized)."""
    names = {
        kind: set(group).union(*(separator_variants(n) for n in group)) if "noun" in kind else group
        for kind, group in names.items()
    }
    declines = ptype in ("rcity", "city", "village")
    ru_name: set[str] = set()
    ru_adj: set[str] = set()
    for noun in names["ru_noun"]:
        if ptype == "village" and ADJECTIVE_LIKE.search(noun):
            # "Октябрьское", "Алматинское": ordinary adjectives, only a cue makes them villages
            ru_adj |= ru_noun_forms(noun)
            continue
        ru_name |= ru_noun_forms(noun) if declines else {noun}
    ru_name |= names["kk_noun"]
    for adj in names["ru_adj"]:
        ru_adj |= ru_adj_forms(adj)
        if ptype in ("district", "city_district") and (short := noun_of_adj(adj)):
            ru_name.add(short)  # "район Аль-Фараби" beside "Аль-Фарабийский район"
    kk_name: set[str] = set(names["ru_noun"])
    for noun in names["kk_noun"]:
        kk_name |= kk_forms(noun, suffixes)
    en_name: set[str] = set()
    for noun in names["ru_noun"] | names["kk_noun"]:
        en_name |= en_variants(noun)
    en_adj: set[str] = set()
    for adj in names["ru_adj"]:
        en_adj |= en_adj_forms(adj)
        if ptype in ("district", "city_district"):
            # gov.kz English often drops the adjective ending: "Merken district", "Bayanaul area"
            en_name |= en_variants(re.sub(r"(?:ь?ский|ский|цкий)$", "", adj))
    return {
        "ru": {"name": ru_name, "adj": ru_adj - ru_name},
        "kk": {"name": kk_name, "adj": set(names["ru_adj"]) - kk_name},
        "en": {"name": en_name, "adj": en_adj - en_name},
    }


class Tokenizers:
    """The project's tokenizer per language, caching; letters-only forms are one token."""

    def __init__(self) -> None:
        self.nlps = {lang: spacy.blank(lang) for lang in LANGS}

    def tokens(self, lang: str, text: str) -> str:
        if text.isalpha():
            return fold(text)
        return " ".join(fold(t.text) for t in self.nlps[lang].make_doc(text) if not t.is_space)


def kk_suffixes() -> dict[str, list[str]]:
    rows = read_rows(default_patterns_path("kk", "places"))
    out: dict[str, list[str]] = {"back": [], "front": []}
    for row in rows:
        if row.get("kind") == "suffixes":
            out["back"].extend(row.get("back", []))
            out["front"].extend(row.get("front", []))
    return out


def build(
    kato_dir: Path = KATO_DIR,
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """(place rows, lang → form rows), deterministic (sorted)."""
    suffixes = kk_suffixes()
    tok = Tokenizers()
    places: list[dict[str, Any]] = []
    forms: dict[str, list[dict[str, Any]]] = {lang: [] for lang in LANGS}
    rows = read_kato(kato_dir)
    all_names = {row["kato_code"]: names_of(row, place_type(row)) for row in rows}
    centers = eponymous_centers(rows, all_names)
    for row in rows:
        ptype = place_type(row)
        names = all_names[row["kato_code"]]
        plain_ru = sorted(
            names["ru_noun"] - names["kk_noun"] or names["ru_noun"] or names["kk_noun"],
            key=lambda n: (len(n), n),
        )
        places.append(
            {
                "kato": row["kato_code"],
                "type": ptype,
                "parent": row["parent_code"],
                "name_ru": _clean(row["name_ru"]),
                "plain_ru": plain(row["name_ru"])
                if ptype == "village"
                else (plain_ru[0] if plain_ru else ""),
            }
        )
        extra = centers.get(row["kato_code"])
        if extra:
            names = {**names, **{k: names[k] | v for k, v in extra.items()}}
        for lang, kinds in surface_forms(names, ptype, suffixes).items():
            for kind, texts in kinds.items():
                toks = sorted({tok.tokens(lang, t) for t in texts if len(t) >= MIN_NAME} - {""})
                if toks:
                    forms[lang].append({"kato": [row["kato_code"]], "kind": kind, "forms": toks})
    places.sort(key=lambda r: r["kato"])
    for rows in forms.values():
        rows.sort(key=lambda r: (r["kato"], r["kind"]))
    return places, forms


# -------------------------------------------------------------------------------------
# Village names that are ordinary words: a data row for ``patterns/<lang>/places.jsonl``.


def read_dictionary(path: Path) -> set[str]:
    """Folded common words of a hunspell ``.dic`` (capitalized entries are proper names)."""
    words: set[str] = set()
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            word = line.strip().split("/", 1)[0]
            if word.isalpha() and word[:1].islower():
                words.add(fold(word))
    return words


def common_names(kato_dir: Path, lang: str, dictionary: set[str]) -> list[str]:
    """One-word village names of ``lang`` that are dictionary words ("Егер" = "if").

    Names of regions, districts and towns are left out: "Алматы" is in the Kazakh
    dictionary, but a bare "Алматы" is the city. The runtime asks such village names
    (and their inflected forms) for a cue word.
    """
    rows = read_kato(kato_dir)
    key = "kk_noun" if lang == "kk" else "ru_noun"
    village: set[str] = set()
    other: set[str] = set()
    for row in rows:
        ptype = place_type(row)
        names = names_of(row, ptype)
        folded = {fold(n) for n in names["ru_noun"] | names["kk_noun"]}
        if ptype == "village":
            village |= {fold(n) for n in names[key] if n.isalpha()}
        else:
            other |= folded
    return sorted((village - other) & dictionary)


def write_common_row(lang: str, words: list[str]) -> Path:
    """Replace (or add) the ``common`` row of ``patterns/<lang>/places.jsonl``."""
    path = default_patterns_path(lang, "places")
    row = json.dumps({"kind": "common", "words": words}, ensure_ascii=False)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if '"kind": "common"' not in ln and '"kind":"common"' not in ln]
    note = "// Village names that are dictionary words (generated: build_gazetteer --hunspell)."
    if note not in kept:
        kept.append(note)
    kept.insert(kept.index(note) + 1, row)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def write(
    out_dir: Path, places: list[dict[str, Any]], forms: dict[str, list[dict[str, Any]]]
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    srsly.write_jsonl(gazetteer_path(None, out_dir), places)
    for lang, rows in forms.items():
        srsly.write_jsonl(gazetteer_path(lang, out_dir), rows)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kato", type=Path, default=KATO_DIR, help="directory of kato.csv")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    parser.add_argument(
        "--hunspell",
        action="append",
        default=[],
        metavar="LANG=DIC",
        help="only rewrite the 'common' row of patterns/LANG/places.jsonl from a hunspell "
        ".dic (kk=/usr/share/hunspell/kk_KZ.dic, Debian package hunspell-kk)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.hunspell:
        for spec in args.hunspell:
            lang, dic = spec.split("=", 1)
            words = common_names(args.kato, lang, read_dictionary(Path(dic)))
            print(f"{lang}: {len(words)} common village names → {write_common_row(lang, words)}")
        return
    places, forms = build(args.kato)
    write(args.out, places, forms)
    counts = ", ".join(
        f"{lang}: {sum(len(r['forms']) for r in rows)} forms" for lang, rows in forms.items()
    )
    print(f"{len(places)} places; {counts} → {args.out}")


if __name__ == "__main__":
    main()
