"""Build the spaCy pipeline for one language.

``spacy.blank(lang)`` + a sentencizer + the rule components in a fixed order. The
result is an ordinary ``Language``: ``nlp.pipe`` runs the whole extraction and
``nlp.to_disk`` saves it with its rule data for ``spacy.load``.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from . import components as _components  # noqa: F401  (registers the factories)
from . import lang_kk as _lang_kk  # noqa: F401  (registers "kk")

LANGS = ("ru", "kk", "en")

# Order matters only where a component reads facts of an earlier one (places before
# enterprises and agencies, which look for places inside names).
COMPONENTS = (
    "govkz_places",
    "govkz_enterprises",
    "govkz_agencies",
    "govkz_deadlines",
    "govkz_money",
    "govkz_law_articles",
    "govkz_violations",
)


def build_nlp(lang: str) -> Language:
    """A fresh pipeline for ``lang`` (one of ``LANGS``)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    for name in COMPONENTS:
        if not nlp.has_factory(name):  # TEMPORARY while components are being written
            continue
        nlp.add_pipe(name)
    return nlp


@cache
def get_nlp(lang: str) -> Language:
    """The shared pipeline for ``lang``, built once per process."""
    return build_nlp(lang)
