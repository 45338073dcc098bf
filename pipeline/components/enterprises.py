"""ENTERPRISE: an organisation named with its legal form (ТОО «Шыгыс Курылыс», "Taza" LLP).

Quoted names are found by a small scanner over ``doc.text`` (quotes are tokenized
inconsistently and often mixed: "Береке құрылыс»); the legal form is looked for right
before or right after the quotes with the language's form regexes. Data row kinds in
``patterns/<lang>/enterprises.jsonl``:

- ``quotes``: ``open`` / ``close`` characters and ``nest`` (openers that start a nested
  quote inside a name: ТОО «Холдинг «Алтын Жол»);
- ``form``: ``regex``, normalized ``legal_form``, ``position`` (``before``/``after``/``both``
  the name, or ``inside``: the last word of a quoted name, «Береке Банк»), ``case`` (true =
  case-sensitive, for abbreviations), ``unquoted`` (the name may stand without quotes,
  read with ``unquoted_name``), ``in_name`` (the form word is part of the name:
  "Kazakhmys Corporation");
- ``unquoted_name``: ``regex`` of a name without quotes, ``side`` ``before``/``after`` the form;
- ``stopword``: ``regex`` of words stripped from the front of an unquoted name ("The");
- ``list_sep``: ``regex`` between quoted names sharing one form (ТОО «А», «Б» и «В»);
- ``not_name``: ``regex`` of unquoted names that are no enterprise ("World Bank").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .base import RuleComponent, add_fact

LABEL = "ENTERPRISE"
CONTEXT = 160  # characters of left context searched for a form before a name
MAX_NAME = 120  # a quoted "name" longer than this is a quotation, not a name
NAME_SIGNS = "№#"  # a quoted name may start with a number sign: «№ 17 мектеп-гимназия» КММ
# An abbreviated inner form and a stray closing quote after a name: «Темір жолы» ҰК» АҚ.
INNER_FORM = re.compile(r"[^\S\n]+(\w{2,5})(\W)")


@dataclass
class _Form:
    row: dict[str, Any]
    left: re.Pattern[str]  # form right before a name: anchored at the end
    right: re.Pattern[str]  # form right after a name: anchored at the start
    unquoted: re.Pattern[str] | None  # unquoted name + form, or form + unquoted name
    inside: re.Pattern[str]  # form word ending a quoted name


@dataclass
class _Quoted:
    start: int
    end: int
    name: str


def fold(text: str, quotes: str) -> str:
    """The name without quote characters, whitespace folded."""
    return " ".join("".join(" " if ch in quotes else ch for ch in text).split())


@Language.factory("govkz_enterprises", default_config={"patterns": None})
def make_enterprises(nlp: Language, name: str, patterns: str | None) -> EnterpriseComponent:
    return EnterpriseComponent(nlp, name, patterns)


class EnterpriseComponent(RuleComponent):
    """Adds ENTERPRISE facts with ``legal_form`` and ``name``."""

    stem = "enterprises"

    def build(self, rows: list[dict[str, Any]]) -> None:
        quotes = {k: v for r in self.rows_of_kind(rows, "quotes") for k, v in r.items()}
        self.open_q = str(quotes.get("open", '«"“„'))
        self.close_q = str(quotes.get("close", '»"”“'))
        self.nest_q = str(quotes.get("nest", "«„"))
        self.all_q = "".join(sorted(set(self.open_q + self.close_q)))
        seps = [r["regex"] for r in self.rows_of_kind(rows, "list_sep")]
        self.list_sep = re.compile("|".join(f"(?:{s})" for s in seps)) if seps else None
        stops = [r["regex"] for r in self.rows_of_kind(rows, "stopword")]
        self.stop = re.compile(rf"(?:{'|'.join(stops)})\s+") if stops else None
        nots = [r["regex"] for r in self.rows_of_kind(rows, "not_name")]
        self.not_name = re.compile(rf"(?:{'|'.join(nots)})(?!\w)") if nots else None
        names = {str(r.get("side")): r["regex"] for r in self.rows_of_kind(rows, "unquoted_name")}
        self.forms: list[_Form] = []
        for row in self.rows_of_kind(rows, "form"):
            flags = 0 if row.get("case") else re.IGNORECASE
            form = rf"(?<!\w)(?P<form>{row['regex']})"
            unquoted = None
            if row.get("unquoted"):
                pos = row.get("position", "before")
                side = "after" if pos == "before" else "before"
                name = row.get("name_regex") or names.get(side)
                if name:  # names are case-sensitive even when the form is not
                    unquoted = re.compile(
                        rf"(?<!\w)(?P<name>(?-i:{name}))[^\S\n]+{form}(?!\w)"
                        if side == "before"
                        else rf"{form}[^\S\n]+(?P<name>(?-i:{name}))",
                        flags,
                    )
            self.forms.append(
                _Form(
                    row,
                    re.compile(rf"{form}\s*$", flags),
                    re.compile(rf"^\s*{form}(?!\w)", flags),
                    unquoted,
                    re.compile(rf"{form}\s*$", flags),
                )
            )

    @staticmethod
    def rows_of_kind(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
        return [r for r in rows if r.get("kind") == kind]

    def quoted(self, text: str) -> list[_Quoted]:
        """Quoted names, nested quotes folded into the outer name."""
        found: list[_Quoted] = []
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch not in self.open_q or (i and text[i - 1].isalnum()) or i + 1 >= n:
                i += 1
                continue
            if not (text[i + 1].isalnum() or text[i + 1] in NAME_SIGNS):
                i += 1
                continue
            j, nested = i + 1, False
            while j < n and j - i <= MAX_NAME and text[j] != "\n":
                c = text[j]
                opens = c in self.nest_q or (c in self.open_q and text[j - 1].isspace())
                if opens and not nested and text[j + 1 : j + 2].isalnum():
                    nested = True  # «НК «Жол»» or "НК "Жол"": the inner quote opens
                elif c in self.close_q:
                    break
                j += 1
            if j >= n or text[j] not in self.close_q or j - i > MAX_NAME:
                i += 1
                continue
            end = j + 1
            if nested and end < n and text[end] in self.close_q:
                end += 1  # the outer quote closing after the nested one
            elif (
                not nested
                and (tail := INNER_FORM.match(text, end))
                and tail[1].isupper()
                and tail[2] in self.close_q
            ):
                end = tail.end()  # «Жол» ҰК» АҚ: the inner form written outside the quote
            name = fold(text[i + 1 : end - 1], self.all_q)
            if name:
                found.append(_Quoted(i, end, name))
            i = end
        return found

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        taken: list[tuple[int, int]] = []
        prev: tuple[int, dict[str, Any]] | None = None  # end and form row of the last hit
        names = self.quoted(text)
        for q in names:
            # A form already used by the previous fact ("A" LLP "B" LLP) is not this one's.
            floor = max([q.start - CONTEXT, *(b for _, b in taken)], default=0)
            left = text[max(0, floor) : q.start]
            hit = self.form_left(left)
            if hit is not None:
                row, start = hit[0], q.start - len(left) + hit[1]
                end = q.end
            elif (hit := self.form_right(text[q.end : q.end + CONTEXT])) is not None:
                row, start, end = hit[0], q.start, q.end + hit[1]
            elif (row_in := self.form_inside(q.name)) is not None:
                row, start, end = row_in, q.start, q.end
            elif prev and self.list_sep and self.list_sep.fullmatch(text[prev[0] : q.start]):
                row, start, end = prev[1], q.start, q.end
            else:
                prev = None
                continue
            name = q.name
            if row.get("in_name") and end > q.end:
                name = f"{q.name} {text[q.end : end].strip()}"
            if row.get("in_name") and start < q.start:
                name = f"{text[start : q.start].strip()} {q.name}"
            if add_fact(doc, start, end, LABEL, legal_form=row["legal_form"], name=name):
                taken.append((start, end))
            prev = (q.end, row)
        quoted = [(q.start, q.end) for q in names]
        for form in self.forms:
            if form.unquoted is None:
                continue
            for m in form.unquoted.finditer(text):
                name_start, name_end = m.span("name")
                if name_start == m.start():  # name before the form: drop leading "The", "In 2025"
                    name_start += self.lead_len(m["name"] + " ")
                    if name_start >= name_end:
                        continue
                start, end = min(name_start, m.start("form")), m.end()
                if any(a < end and start < b for a, b in taken + quoted):
                    continue
                raw = text[start:end] if form.row.get("in_name") else text[name_start:name_end]
                name = fold(raw, self.all_q)
                if not name or (self.not_name and self.not_name.match(name)):
                    continue
                if add_fact(doc, start, end, LABEL, legal_form=form.row["legal_form"], name=name):
                    taken.append((start, end))
        return doc

    def lead_len(self, name: str) -> int:
        """Length of the leading stopwords and non-capitalized words of an unquoted name."""
        pos = 0
        while True:
            m = self.stop.match(name, pos) if self.stop else None
            if m and m.end() > pos:
                pos = m.end()
                continue
            word = re.match(r"\S+\s+", name[pos:])
            if word and not name[pos].isupper():
                pos += word.end()
                continue
            return pos

    def form_left(self, left: str) -> tuple[dict[str, Any], int] | None:
        """The longest form ending right before a name: (row, start offset in ``left``)."""
        best: tuple[dict[str, Any], int] | None = None
        for form in self.forms:
            if form.row.get("position", "before") not in ("before", "both"):
                continue
            m = form.left.search(left)
            if m and (best is None or m.start() < best[1]):
                best = (form.row, m.start())
        return best

    def form_inside(self, name: str) -> dict[str, Any] | None:
        """A form word inside a quoted name without a form next to it."""
        for form in self.forms:
            if form.row.get("position") == "inside" and form.inside.search(name):
                return form.row
        return None

    def form_right(self, right: str) -> tuple[dict[str, Any], int] | None:
        """The longest form starting right after a name: (row, end offset in ``right``)."""
        best: tuple[dict[str, Any], int] | None = None
        for form in self.forms:
            if form.row.get("position", "before") not in ("after", "both"):
                continue
            m = form.right.match(right)
            if m and (best is None or m.end("form") > best[1]):
                best = (form.row, m.end("form"))
        return best
