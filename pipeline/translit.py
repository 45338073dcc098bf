"""Script folding: one Latin search key for Russian, Kazakh Cyrillic, Kazakh Latin and English.

A journalist types "Taza Oskemen", "Таза Өскемен" or "Таза Оскемен" for the same enterprise,
and "Zaisan" for "Зайсанский район". SQLite's FTS5 tokenizers fold case and diacritics but not
script, and a custom tokenizer could not be loaded by Datasette, so the index stores a folded
*shadow* of each text and folds every query the same way.

The key is deliberately coarse (it is for matching, never for display):

1. lower case;
2. Kazakh letters → their Russian look-alikes (ө→о, қ→к, ү/ұ→у, ғ→г, ң→н, ә→а, і→и, һ→х);
3. Cyrillic → Latin with the spellings English texts on gov.kz use (ж→zh, ш→sh, х→kh, ц→ts…);
4. Kazakh Latin / Turkic letters (ş, ç, ğ, ñ, ı, q, ä, ö, ü, ū) and other diacritics folded;
5. the usual spelling variants merged: kh→h, y→i, j→zh (Kazakh Latin J is Ж), and runs of
   one letter collapsed, so "Zaysan"/"Zaisan"/"Зайсан" and "Glubokovsky"/"Глубоковский"
   share a prefix.

Letters map to letters only, so a word stays one token and the folded text has the same
tokens, in the same order, as the original. The tables are small and live here as data rather
than in a dependency: ``unidecode`` would transliterate Cyrillic but spells й/я/х differently
from English-language gov.kz pages and knows nothing of the Kazakh→Russian fold we need first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Step 2: Kazakh Cyrillic letters that Russian lacks → the Russian letter a reader would use.
KK_TO_RU: dict[str, str] = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
}

# Step 3: Russian Cyrillic → Latin (BGN/PCGN-like, as gov.kz English pages spell names).
CYR_TO_LAT: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}

# Step 4: Latin letters with no NFKD decomposition, or whose decomposition would lose a sound.
LATIN_SPECIAL: dict[str, str] = {
    "ş": "sh",
    "ș": "sh",
    "ç": "ch",
    "ı": "i",
    "q": "k",
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
}

# Step 5: merge spelling variants of the same sound (applied to the Latin string, in order).
VARIANTS: tuple[tuple[str, str], ...] = (
    ("kh", "h"),
    ("y", "i"),
    ("j", "zh"),
)

_CHAR_MAP: dict[int, str] = {}
for _src, _dst in KK_TO_RU.items():
    _CHAR_MAP[ord(_src)] = CYR_TO_LAT.get(_dst, _dst)
for _src, _dst in CYR_TO_LAT.items():
    _CHAR_MAP.setdefault(ord(_src), _dst)
for _src, _dst in LATIN_SPECIAL.items():
    _CHAR_MAP.setdefault(ord(_src), _dst)

_RUN = re.compile(r"([a-z])\1+")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold_kk(text: str) -> str:
    """Lower-case and replace Kazakh-only letters by their Russian look-alikes (stays Cyrillic)."""
    return "".join(KK_TO_RU.get(ch, ch) for ch in text.lower())


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """Fold one word to its Latin search key (cached: corpora repeat words a lot)."""
    latin = _strip_marks(word.lower().translate(_CHAR_MAP))
    for src, dst in VARIANTS:
        latin = latin.replace(src, dst)
    latin = _RUN.sub(r"\1", latin)
    # A word made only of signs (ъ, ь) would vanish and shift the tokens: keep a placeholder.
    return latin or "_"


def fold(text: str | None) -> str:
    """Fold a whole text word by word; spaces, digits and punctuation are kept as they are."""
    if not text:
        return ""
    return _WORD.sub(lambda m: fold_word(m.group(0)), text)


def fold_tokens(text: str | None) -> list[str]:
    """The folded words of a text, in order (what the FTS index sees in the shadow column)."""
    if not text:
        return []
    return [fold_word(m.group(0)) for m in _WORD.finditer(text)]


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for each word of ``text``: maps folded matches back to offsets."""
    return [(m.start(), m.end(), fold_word(m.group(0))) for m in _WORD.finditer(text)]
