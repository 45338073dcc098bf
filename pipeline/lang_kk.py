"""A Kazakh (Cyrillic) language class for spaCy, which ships none.

Registered under ``kk`` both with ``spacy.registry.languages`` (when this module is
imported) and by the ``spacy_languages`` entry point, so ``spacy.blank("kk")`` and
``spacy.load`` of a saved pipeline work.
"""

from __future__ import annotations

from spacy.lang.char_classes import (
    ALPHA,
    ALPHA_LOWER,
    ALPHA_UPPER,
    CONCAT_QUOTES,
    HYPHENS,
    LIST_ELLIPSES,
    LIST_ICONS,
)
from spacy.lang.punctuation import TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS
from spacy.language import BaseDefaults, Language
from spacy.symbols import NORM, ORTH
from spacy.util import registry, update_exc

# Abbreviations that end in a dot but do not end a sentence.
_ABBREVIATIONS = [
    "ж.",
    "жж.",
    "т.б.",
    "т.с.с.",
    "қ.",
    "а.",
    "обл.",
    "млн.",
    "млрд.",
    "мың.",
    "тг.",
    "көш.",
    "ауд.",
    "с.",
    "г.",
    "ст.",
    "б.",
    "бап.",
    "тармақ.",
    "ҚР.",
    "т.",
]

TOKENIZER_EXCEPTIONS = update_exc(
    BASE_EXCEPTIONS,
    {abbr: [{ORTH: abbr, NORM: abbr.lower()}] for abbr in _ABBREVIATIONS},
)

_QUOTES = CONCAT_QUOTES + r"|«|»|„|“|”"
# spaCy's ALPHA_LOWER/UPPER lack these Kazakh letters, so "жоқ." would stay one token and
# hide the sentence end.
_KK_LOWER = "ғқұ"
_KK_UPPER = "ҒҚҰ"
_ALPHA = ALPHA + _KK_LOWER + _KK_UPPER

TOKENIZER_INFIXES = [
    *LIST_ELLIPSES,
    *LIST_ICONS,
    r"(?<=[0-9])[+\-\*^](?=[0-9-])",
    rf"(?<=[{ALPHA_LOWER}{_KK_LOWER}{_QUOTES}])\.(?=[{ALPHA_UPPER}{_KK_UPPER}{_QUOTES}])",
    rf"(?<=[{_ALPHA}]),(?=[{_ALPHA}])",
    # Case suffixes after an abbreviation, a number or a quote: "МКК-да", "2025-жылы", "»-ға".
    rf"(?<=[{_ALPHA}0-9{_QUOTES}])(?:{HYPHENS})(?=[{_ALPHA}])",
    rf"(?<=[{_ALPHA}0-9])[:<>=/](?=[{_ALPHA}])",
]


class KazakhDefaults(BaseDefaults):
    tokenizer_exceptions = TOKENIZER_EXCEPTIONS
    prefixes = (*TOKENIZER_PREFIXES, "«", "„")
    suffixes = (*TOKENIZER_SUFFIXES, "»", "“", rf"(?<=[{_KK_LOWER}{_KK_UPPER}])\.")
    infixes = tuple(TOKENIZER_INFIXES)


@registry.languages("kk")
class Kazakh(Language):
    lang = "kk"
    Defaults = KazakhDefaults


__all__ = ["Kazakh"]
