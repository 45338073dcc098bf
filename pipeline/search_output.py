"""How search hits are shown: JSON and CSV for machines, a rich table for people.

Everything scraped goes through ``rich.markup.escape`` before it reaches the terminal.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.table import Table

from .search import FactHit, Hit, SearchError


def hit_dict(hit: Hit, all_facts: bool = False) -> dict[str, Any]:
    """A JSON-ready hit: matched facts with their evidence sentence (all facts if asked)."""
    facts = hit.facts if all_facts else hit.matched_facts()
    return {
        "release_id": hit.release_id,
        "key": hit.key,
        "id": hit.govkz_id,
        "date": hit.date,
        "published_at": hit.published_at,
        "entity": hit.entity,
        "lang": hit.lang,
        "title": hit.title,
        "url": hit.url,
        "score": hit.score,
        "snippet": hit.snippet,
        "highlights": [list(s) for s in hit.highlights],
        "facts": [
            {
                "label": fh.label,
                "value": fh.value,
                "text": fh.text,
                "evidence": fh.evidence,
                "start": fh.start,
                "end": fh.end,
                "matched": fh.matched,
                **fh.fields,
            }
            for fh in facts
        ],
        "versions": hit.versions,
    }


def to_json(hits: Sequence[Hit], all_facts: bool = False) -> str:
    return json.dumps([hit_dict(h, all_facts) for h in hits], ensure_ascii=False, indent=2)


CSV_COLUMNS = (
    "date",
    "entity",
    "lang",
    "id",
    "title",
    "url",
    "fact_label",
    "fact_value",
    "fact_text",
    "evidence",
    "snippet",
    "other_languages",
)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Scraped text that a spreadsheet would run as a formula ("=HYPERLINK(…)") is kept as
    text by a leading apostrophe, the usual defence against CSV injection."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(hits: Sequence[Hit]) -> str:
    """One CSV row per (hit, matched fact); a hit without facts still gets one row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for h in hits:
        others = " ".join(f"{v['lang']}:{v['url'] or ''}" for v in h.versions)
        base = [h.date, h.entity or "", h.lang, h.govkz_id or "", h.title or "", h.url or ""]
        facts = h.matched_facts()
        rows = [[*base, "", "", "", "", h.snippet, others]] if not facts else []
        rows += [
            [*base, fh.label, fh.value, fh.text, fh.evidence, h.snippet, others] for fh in facts
        ]
        for row in rows:
            w.writerow([csv_cell(cell) for cell in row])
    return buf.getvalue()


def _rich_marked(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    pos = 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        out.append(rich_escape(text[pos:a]))
        out.append(f"[bold yellow]{rich_escape(text[a:b])}[/bold yellow]")
        pos = b
    out.append(rich_escape(text[pos:]))
    return "".join(out)


def _rich_evidence(fh: FactHit) -> str:
    ev = fh.evidence or ""
    i = ev.find(fh.text) if fh.text else -1
    if i < 0:
        return rich_escape(ev)
    return _rich_marked(ev, [(i, i + len(fh.text))])


def render_table(hits: Sequence[Hit]) -> Table:
    """A rich Table of hits; every scraped string goes through rich.markup.escape."""
    table = Table(box=box.SIMPLE_HEAVY, show_lines=True, expand=True)
    table.add_column("date", no_wrap=True, style="cyan")
    table.add_column("release", ratio=2, overflow="fold")  # URLs are never cut
    table.add_column("matching facts (evidence)", ratio=3)
    for h in hits:
        langs = " ".join(
            f"[link={rich_escape(v['url'] or '')}]{rich_escape(v['lang'])}[/link]"
            if v.get("url")
            else rich_escape(v["lang"])
            for v in h.versions
        )
        release = (
            f"[bold]{rich_escape(h.title or '(untitled)')}[/bold]\n"
            f"[dim]{rich_escape(h.entity or '')} · {rich_escape(h.lang)}"
            + (f" · also: {langs}" if langs else "")
            + "[/dim]\n"
            + (_rich_marked(h.snippet, h.highlights) + "\n" if h.snippet else "")
            + (f"[blue]{rich_escape(h.url)}[/blue]" if h.url else "")
        )
        facts = "\n".join(
            f"[magenta]{rich_escape(fh.label)}[/magenta] [bold]{rich_escape(fh.value)}[/bold]"
            f"\n  [dim]“[/dim]{_rich_evidence(fh)}[dim]”[/dim]"
            for fh in h.matched_facts()
        )
        table.add_row(rich_escape(h.date), release, facts or "[dim]—[/dim]")
    return table


def print_hits(hits: Sequence[Hit], fmt: str = "table", console: Console | None = None) -> None:
    """Write hits to stdout as ``table`` (rich), ``json`` or ``csv``."""
    console = console or Console()
    if fmt == "json":
        console.file.write(to_json(hits) + "\n")
    elif fmt == "csv":
        console.file.write(to_csv(hits))
    elif fmt == "table":
        if not hits:
            console.print("[dim]no results[/dim]")
            return
        console.print(render_table(hits))
    else:
        raise SearchError(f"unknown format {fmt!r}: table, json or csv")
