"""HTML body → clean text whose character offsets the facts refer to.

Block elements become line breaks, whitespace inside a paragraph is folded, and the
record text is ``title + "\\n\\n" + body`` as the spec says. The function is pure, so
re-extracting from the raw archive reproduces the same offsets.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

_BLOCK_TAGS = frozenset(
    (
        "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote section article header "
        "footer pre hr dd dt figcaption"
    ).split()
)
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")


def fold_spaces(text: str) -> str:
    """One space for any run of horizontal white space, zero-width characters removed."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def html_to_text(html: str | None) -> str:
    """Paragraphs of an HTML fragment or document, one per line."""
    if not html:
        return ""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    root: Tag = soup.body or soup
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # skip comments, CDATA, doctypes
                    parts.append(str(child))
            elif isinstance(child, Tag):
                block = child.name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child)
                if block:
                    parts.append("\n")

    walk(root)
    lines = (fold_spaces(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def compose_text(title: str | None, body_text: str) -> str:
    """The record text: title, blank line, body (just the body when there is no title)."""
    title = fold_spaces(title or "")
    if title and body_text:
        return f"{title}\n\n{body_text}"
    return title or body_text
