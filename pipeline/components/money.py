"""MONEY: an amount with a currency word or symbol next to it ("2,5 млрд теңге", "$20 000").

Amounts are found with one regular expression over ``doc.text`` assembled from the
language's data rows (tokenization splits "USD12.5" or "млн." unpredictably, so token
patterns would be brittle). Data row kinds in ``patterns/<lang>/money.jsonl``:

- ``currency``: ``regex``, ``iso`` and ``position`` (``before``/``after``/``both`` the number);
- ``multiplier``: ``regex`` and ``value`` ("млрд" → 1e9);
- ``number_word``: ``regex`` and ``value`` ("девять" → 9), only read before a multiplier;
- ``range``: ``regex`` joining the two ends of a range ("250-260 tenge" → two facts);
- ``filler``: ``regex`` allowed between the amount and the currency ("миллионнан астам теңге");
- ``settings``: ``decimal_comma`` (false in English, where "1,200" is twelve hundred).

An amount without a currency is not a fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .base import RuleComponent, add_fact
from .numbers import NUMBER_RE, parse_number

LABEL = "MONEY"


def _alternation(regexes: list[str]) -> str:
    """Longest alternatives first, so "миллиард" is tried before "миллион"-like prefixes."""
    return "|".join(sorted({f"(?:{r})" for r in regexes}, key=len, reverse=True)) or "(?!)"


@dataclass
class _Rule:
    regex: re.Pattern[str]
    row: dict[str, Any]


def _rules(rows: list[dict[str, Any]]) -> list[_Rule]:
    return [_Rule(re.compile(r["regex"], re.IGNORECASE), r) for r in rows]


def _which(rules: list[_Rule], text: str) -> dict[str, Any] | None:
    """The row whose regex matches the whole of ``text``."""
    for rule in rules:
        if rule.regex.fullmatch(text):
            return rule.row
    return None


@Language.factory("govkz_money", default_config={"patterns": None})
def make_money(nlp: Language, name: str, patterns: str | None) -> MoneyComponent:
    return MoneyComponent(nlp, name, patterns)


class MoneyComponent(RuleComponent):
    """Adds MONEY facts with ``amount`` (float, units of currency) and ``currency`` (ISO)."""

    stem = "money"

    def build(self, rows: list[dict[str, Any]]) -> None:
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_kind.setdefault(str(row.get("kind")), []).append(row)
        self.currencies = _rules(by_kind.get("currency", []))
        self.multipliers = _rules(by_kind.get("multiplier", []))
        self.number_words = _rules(by_kind.get("number_word", []))
        settings = {k: v for r in by_kind.get("settings", []) for k, v in r.items()}
        self.decimal_comma = bool(settings.get("decimal_comma", True))

        def regexes(kind: str, position: str | None = None) -> list[str]:
            return [
                r["regex"]
                for r in by_kind.get(kind, [])
                if position is None or r.get("position", "after") in (position, "both")
            ]

        mult = rf"(?:{_alternation(regexes('multiplier'))})"
        word = rf"(?<!\w)(?:{_alternation(regexes('number_word'))})(?!\w)"
        cur_b = rf"(?<!\w)(?:{_alternation(regexes('currency', 'before'))})"
        cur_a = rf"(?:{_alternation(regexes('currency', 'after'))})(?!\w)"
        filler = _alternation(regexes("filler"))
        rng = _alternation(regexes("range"))
        term = rf"(?:{NUMBER_RE}|{word})\s*{mult}"
        amount = rf"(?:{term}(?:\s+{term})*(?:\s+{NUMBER_RE}(?=\s*{cur_a}))?|{NUMBER_RE})"
        self.term_re = re.compile(rf"(?P<num>{NUMBER_RE}|{word})(?:\s*(?P<mult>{mult}))?", re.I)
        self.money_re = re.compile(
            rf"(?:(?P<cb>{cur_b})\s*)?(?:(?P<a1>{amount})(?:{rng}))?(?P<a2>{amount})"
            rf"(?:(?:\s+(?:{filler}))?\s*(?P<ca>{cur_a}))?",
            re.IGNORECASE,
        )

    def value(self, text: str) -> tuple[float, float | None] | None:
        """Sum of the terms of an amount ("1 млрд 651 млн") and its last multiplier."""
        total, last_mult = 0.0, None
        for m in self.term_re.finditer(text):
            num = parse_number(m["num"], decimal_comma=self.decimal_comma)
            if num is None:
                row = _which(self.number_words, m["num"])
                num = float(row["value"]) if row else None
            if num is None:
                return None
            mult = 1.0
            if m["mult"]:
                row = _which(self.multipliers, m["mult"])
                mult = float(row["value"]) if row else 1.0
                last_mult = mult
            total += num * mult
        return round(total, 6), last_mult

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        for m in self.money_re.finditer(text):
            cur_text = m["ca"] or m["cb"]
            if not cur_text:
                continue
            row = _which(self.currencies, cur_text)
            second = self.value(m["a2"])
            if row is None or second is None:
                continue
            iso = row["iso"]
            start = m.start("cb") if m["cb"] else m.start("a2")
            if m["a1"]:
                first = self.value(m["a1"])
                if first is not None:
                    amount = first[0] if first[1] else round(first[0] * (second[1] or 1.0), 6)
                    a1_start = m.start("cb") if m["cb"] else m.start("a1")
                    add_fact(doc, a1_start, m.end("a1"), LABEL, amount=amount, currency=iso)
            add_fact(doc, start, m.end(), LABEL, amount=second[0], currency=iso)
        return doc
