"""LAW_ARTICLE: a cited article and the code or law it belongs to ("ст. 189, 190 УК РК").

Article cues with their numbers are matched over ``doc.text`` ("ст. 189", "Article 676",
"366-бабы"); the code is the nearest code cue in the same sentence, searched in the
order the language writes it (Russian and English name the code after the article,
Kazakh before it). Data row kinds in ``patterns/<lang>/law_articles.jsonl``:

- ``article``: ``regex`` of a citation where ``{NUMS}`` stands for the article number(s);
- ``list_sep``: ``regex`` between numbers of several articles ("189, 190", "176 and 178");
- ``code``: ``regex`` of a code or law name, its normalized ``code``
  (``CRIMINAL``/``ADMINISTRATIVE``/``OTHER``) and ``case`` (true = case-sensitive);
- ``settings``: ``search`` (directions to look for the code, e.g. ``["after", "before"]``)
  and ``window`` (characters searched each way).

A citation with no code or law in its sentence is not a fact. Every article of a list
gets its own fact and spans never overlap (the record keeps one fact per place): the
first article holds the cue and a code written before, the last one a code written after
("ст. 189" + "190 УК"); a single article spans the whole citation ("ст. 189 УК РК").
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .base import RuleComponent, add_fact

LABEL = "LAW_ARTICLE"
NUM = r"\d+(?:-\d+)?(?![\d,.]\d)"
# A sentence ends at a line break or at ". " before a capital letter or a quote.
SENTENCE_END = re.compile(r"\n|[.!?;]\s+(?=[^\W\d_a-zа-яёәғқңөұүһі]|[«\"“])")


@Language.factory("govkz_law_articles", default_config={"patterns": None})
def make_law_articles(nlp: Language, name: str, patterns: str | None) -> LawArticleComponent:
    return LawArticleComponent(nlp, name, patterns)


class LawArticleComponent(RuleComponent):
    """Adds LAW_ARTICLE facts with ``code`` and ``article``."""

    stem = "law_articles"

    def build(self, rows: list[dict[str, Any]]) -> None:
        settings = {k: v for r in rows if r.get("kind") == "settings" for k, v in r.items()}
        self.search: list[str] = list(settings.get("search", ["after", "before"]))
        self.window = int(settings.get("window", 150))
        seps = [r["regex"] for r in rows if r.get("kind") == "list_sep"] or [r"\s*,\s*"]
        sep = "|".join(f"(?:{s})" for s in seps)
        self.num_re = re.compile(NUM)
        nums = rf"(?P<nums>{NUM}(?:(?:{sep}){NUM})*)"
        cues = [r["regex"].replace("{NUMS}", nums) for r in rows if r.get("kind") == "article"]
        self.article_res = [re.compile(rf"(?<!\w){c}", re.IGNORECASE) for c in cues]
        self.codes = [
            (re.compile(rf"(?<!\w)(?:{r['regex']})(?!\w)", 0 if r.get("case") else re.I), r)
            for r in rows
            if r.get("kind") == "code"
        ]

    def find_code(self, text: str, start: int, end: int) -> tuple[str, int, int] | None:
        """The code cited by an article at ``start:end``: (code, span start, span end)."""
        ends = [m.start() for m in SENTENCE_END.finditer(text, end, end + self.window)]
        after_end = ends[0] if ends else min(len(text), end + self.window)
        before = [m.end() for m in SENTENCE_END.finditer(text, max(0, start - self.window), start)]
        before_start = before[-1] if before else max(0, start - self.window)
        for direction in self.search:
            best: tuple[int, int, dict[str, Any]] | None = None
            for regex, row in self.codes:
                if direction == "after":
                    m = regex.search(text, end, after_end)
                    if m and (best is None or (m.start(), -m.end()) < (best[0], -best[1])):
                        best = (m.start(), m.end(), row)
                else:
                    for m in regex.finditer(text, before_start, start):
                        if best is None or (-m.end(), m.start()) < (-best[1], best[0]):
                            best = (m.start(), m.end(), row)
            if best:
                if direction == "after":
                    return best[2]["code"], start, best[1]
                return best[2]["code"], best[0], end
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        cites: list[re.Match[str]] = []
        for m in sorted(
            (m for regex in self.article_res for m in regex.finditer(text)),
            key=lambda m: (m.start(), -m.end()),
        ):
            if not cites or m.start() >= cites[-1].end():
                cites.append(m)
        for k, m in enumerate(cites):
            found = self.find_code(text, m.start(), m.end())
            if found is None:
                continue
            code, start, end = found
            # The code joins the span only if no other citation stands in between, so
            # that facts never overlap ("Article 28 and ... Article 189 of the Code").
            if end > m.end() and k + 1 < len(cites) and cites[k + 1].start() < end:
                end = m.end()
            if start < m.start() and k > 0 and cites[k - 1].end() > start:
                start = m.start()
            nums = list(self.num_re.finditer(text, m.start("nums"), m.end("nums")))
            for i, num in enumerate(nums):
                # One span per article, none overlapping: the first takes the cue and
                # anything before it, the last anything after it.
                s = start if i == 0 else num.start()
                e = end if i == len(nums) - 1 else num.end()
                add_fact(doc, s, e, LABEL, code=code, article=num[0])
        return doc
