"""Score extracted facts against gold files, the way ``spec/EXTRACTION.md`` defines it.

Document-level: for each document and label, the set of normalized values found is
compared with the gold set; precision, recall and F1 are micro-averaged per label and
language. Misses and false hits are listed so the rules can be improved.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models import LABELS

from .io import iter_jsonl_lines
from .text import fold_spaces

Key = tuple[Any, ...]


def fact_key(fact: Mapping[str, Any]) -> Key:
    """The normalized value a fact is scored on."""
    label = fact["label"]
    if label in ("REGION", "DISTRICT", "SETTLEMENT"):
        kato = fact.get("kato")
        return ("kato", str(kato)) if kato else ("name", _fold(fact.get("name_ru")))
    if label == "ENTERPRISE":
        return (_fold(fact.get("name")),)
    if label == "AGENCY":
        return (_fold(fact.get("name")),)
    if label == "DEADLINE":
        return (str(fact.get("value")),)
    if label == "VIOLATION":
        return (fact.get("violation"),)
    if label == "MONEY":
        amount = fact.get("amount")
        return (round(float(amount), 2) if amount is not None else None, fact.get("currency"))
    if label == "LAW_ARTICLE":
        return (fact.get("code"), str(fact.get("article")))
    return (fact.get("text"),)


def _fold(value: Any) -> str:
    return fold_spaces(str(value or "")).casefold()


@dataclass
class Doc:
    doc_id: str
    lang: str
    facts: Sequence[Mapping[str, Any]]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Diff:
    doc_id: str
    lang: str
    label: str
    kind: str  # "miss" or "false"
    key: Key
    text: str


@dataclass
class Report:
    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    diffs: list[Diff] = field(default_factory=list)
    missing_predictions: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "scores": [
                {"label": label, "lang": lang, **s.as_dict()}
                for (label, lang), s in sorted(self.scores.items())
            ],
            "diffs": [
                {
                    "doc_id": d.doc_id,
                    "lang": d.lang,
                    "label": d.label,
                    "kind": d.kind,
                    "value": list(d.key),
                    "text": d.text,
                }
                for d in self.diffs
            ],
            "missing_predictions": self.missing_predictions,
        }


def score(
    gold: Iterable[Doc], predicted: Mapping[str, Doc], labels: Iterable[str] = LABELS
) -> Report:
    labels = tuple(labels)
    report = Report()
    for gdoc in gold:
        pdoc = predicted.get(gdoc.doc_id)
        if pdoc is None:
            report.missing_predictions.append(gdoc.doc_id)
            pdoc = Doc(gdoc.doc_id, gdoc.lang, [])
        for label in labels:
            gset = _keyed(gdoc.facts, label)
            pset = _keyed(pdoc.facts, label)
            s = report.scores.setdefault((label, gdoc.lang), Score())
            s.tp += len(gset.keys() & pset.keys())
            s.fp += len(pset.keys() - gset.keys())
            s.fn += len(gset.keys() - pset.keys())
            for key in sorted(gset.keys() - pset.keys(), key=repr):
                report.diffs.append(Diff(gdoc.doc_id, gdoc.lang, label, "miss", key, gset[key]))
            for key in sorted(pset.keys() - gset.keys(), key=repr):
                report.diffs.append(Diff(gdoc.doc_id, gdoc.lang, label, "false", key, pset[key]))
    for label in labels:
        total = Score()
        for (lab, _), s in list(report.scores.items()):
            if lab == label:
                total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        report.scores[(label, "all")] = total
    return report


def _keyed(facts: Iterable[Mapping[str, Any]], label: str) -> dict[Key, str]:
    out: dict[Key, str] = {}
    for fact in facts:
        if fact.get("label") == label:
            out.setdefault(fact_key(fact), str(fact.get("text", "")))
    return out


def read_docs(paths: Iterable[Path]) -> Iterator[Doc]:
    """Gold files or records JSONL: both carry doc_id (or id), lang and facts."""
    for file, lineno, line in iter_jsonl_lines(paths):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{file}:{lineno}: not valid JSON: {err.msg}") from err
        doc_id = row.get("doc_id") or f"{row.get('entity')}/{row.get('id')}/{row.get('lang')}"
        yield Doc(str(doc_id), row["lang"], row.get("facts") or [])


def gold_inputs(paths: Iterable[Path]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Gold documents as ``extract-text`` rows, to run the extractor on their text."""
    fields = ("doc_id", "lang", "title", "text", "published_at")
    for n, (_, _, line) in enumerate(iter_jsonl_lines(paths), 1):
        row = json.loads(line)
        yield n, {k: row.get(k) for k in fields}


def predict(paths: list[Path]) -> dict[str, Doc]:
    """Run the extractor over the gold texts."""
    from .extract import ItemError, extract_text_rows

    out: dict[str, Doc] = {}
    for rec in extract_text_rows(gold_inputs(paths)):
        if isinstance(rec, ItemError):
            print(f"error: {rec}", file=sys.stderr)
            continue
        facts = [f.model_dump(mode="json") for f in rec.facts]
        out[str(rec.doc_id)] = Doc(str(rec.doc_id), rec.lang, facts)
    return out


def render(report: Report, *, show_diffs: bool = True, max_diffs: int = 400) -> None:
    """Print the score table and the misses/false hits with rich (scraped text escaped)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    table = Table(title="Document-level scores (micro-averaged)")
    for col in ("label", "lang", "tp", "fp", "fn", "P", "R", "F1"):
        table.add_column(col, justify="right" if col not in ("label", "lang") else "left")
    for (label, lang), s in sorted(
        report.scores.items(),
        key=lambda kv: (LABELS.index(kv[0][0]) if kv[0][0] in LABELS else 99, kv[0][1]),
    ):
        if s.tp + s.fp + s.fn == 0:
            continue
        table.add_row(
            label,
            lang,
            str(s.tp),
            str(s.fp),
            str(s.fn),
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
        )
    console.print(table)
    if report.missing_predictions:
        console.print(
            f"[yellow]{len(report.missing_predictions)} gold documents had no prediction[/]"
        )
    if show_diffs:
        for d in report.diffs[:max_diffs]:
            mark = "[red]MISS [/]" if d.kind == "miss" else "[magenta]FALSE[/]"
            console.print(
                f"{mark} {escape(d.doc_id)} {d.label} {escape(repr(d.key))} «{escape(d.text)}»",
                highlight=False,
            )
        if len(report.diffs) > max_diffs:
            console.print(f"… {len(report.diffs) - max_diffs} more")


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.evaluate`` (the same as ``govkz evaluate``)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, action="append", required=True)
    parser.add_argument("--pred", type=Path, action="append")
    parser.add_argument("--labels", default=",".join(LABELS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-diffs", action="store_true")
    args = parser.parse_args(argv)
    return evaluate(args.gold, args.pred, args.labels.split(","), args.json, not args.no_diffs)


def evaluate(
    gold: list[Path],
    pred: list[Path] | None,
    labels: list[str],
    as_json: bool = False,
    show_diffs: bool = True,
) -> int:
    unknown = [lab for lab in labels if lab not in LABELS]
    if unknown:
        raise ValueError(f"unknown label(s): {', '.join(unknown)}")
    predicted = {d.doc_id: d for d in read_docs(pred)} if pred else predict(gold)
    report = score(read_docs(gold), predicted, labels)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
    else:
        render(report, show_diffs=show_diffs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
