"""Parsing of numbers as press releases write them: "140 350 762", "2,5", "12.5", "1,200".

Shared by the money and deadline components so that every component reads digit
groups, decimal commas and thousands separators the same way.
"""

from __future__ import annotations

import re

# Thin, narrow and ordinary no-break spaces all separate thousands in gov.kz texts.
GROUP_SPACES = " \u00a0\u202f\u2009"

# A number as written: space-grouped thousands ("140 350 762") or a digit run, then
# optional comma/dot groups ("2,5", "1,200,000", "12.5"). The look-behind keeps a
# match from starting inside another number, so "2025 140" reads as two numbers.
NUMBER_RE = rf"(?<![\d.,])(?:\d{{1,3}}(?:[{GROUP_SPACES}]\d{{3}}(?!\d))+|\d+)(?:[.,]\d+)*"
_NUMBER = re.compile(NUMBER_RE)


def parse_number(text: str, *, decimal_comma: bool = True) -> float | None:
    """The value of ``text`` or ``None`` if it is not a number.

    A single comma is a decimal separator ("2,5") unless ``decimal_comma`` is false and
    exactly three digits follow it (English "1,200"); repeated commas or dots are
    thousands separators; with both, the last one is the decimal separator.
    """
    s = "".join(ch for ch in text.strip() if ch not in GROUP_SPACES)
    if not s or not re.fullmatch(r"\d[\d.,]*", s) or not s[-1].isdigit():
        return None
    commas, dots = s.count(","), s.count(".")
    if commas and dots:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif commas:
        tail = s.rsplit(",", 1)[1]
        if commas > 1 or (not decimal_comma and len(tail) == 3):
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    elif dots > 1:
        s = s.replace(".", "")
    try:
        return float(s)
    except ValueError:
        return None


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of every number in ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _NUMBER.finditer(text)]
