"""Extraction speed and memory, as ratios measured in one run (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_pipeline.py [--docs 300] [--lang ru]

On the bundled samples of one language, repeated to ``--docs`` documents, it times:

* the spaCy tokenizer alone (the floor),
* the whole extraction pipeline (``nlp(doc)`` with every component),
* pymorphy3 lemmatizing every token — what the pipeline avoids by generating the
  gazetteer's inflections at build time (Russian only),

and prints each as documents per second and as a ratio to the tokenizer. It then
streams ``N`` and ``2N`` documents through ``pipeline.extract`` and compares the peak
traced memory: a streaming pipeline's peak does not grow with the corpus (ratio ≈ 1).
Ratios, not absolute times, are what to compare on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.extract import extract_text_rows
from pipeline.nlp import get_nlp
from pipeline.text import compose_text, html_to_text

SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"


def sample_texts(lang: str) -> list[str]:
    texts = []
    for path in sorted(SAMPLES.glob(f"*/*.{lang}.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        texts.append(compose_text(item.get("title"), html_to_text(item.get("body"))))
    if not texts:
        raise SystemExit(f"no samples in {lang!r} under {SAMPLES}")
    return texts


def docs_per_second(texts: list[str], run: object) -> float:
    started = time.perf_counter()
    for text in texts:
        run(text)  # type: ignore[operator]
    return len(texts) / (time.perf_counter() - started)


def peak_memory(rows: Iterator[tuple[int, dict[str, object]]]) -> int:
    tracemalloc.start()
    for _ in extract_text_rows(rows):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--lang", default="ru", choices=["ru", "kk", "en"])
    args = parser.parse_args()

    base = sample_texts(args.lang)
    texts = list(itertools.islice(itertools.cycle(base), args.docs))
    words = sum(len(t.split()) for t in texts)
    nlp = get_nlp(args.lang)
    nlp(texts[0])  # warm-up: lazy gazetteer load, caches

    rates = {
        "tokenizer only": docs_per_second(texts, nlp.make_doc),
        "full extraction": docs_per_second(texts, nlp),
    }
    if args.lang == "ru":
        import pymorphy3

        morph = pymorphy3.MorphAnalyzer()

        def lemmatize(text: str) -> None:
            for token in nlp.make_doc(text):
                morph.parse(token.text)[0].normal_form  # noqa: B018

        rates["pymorphy3 on every token"] = docs_per_second(texts, lemmatize)

    print(f"{len(texts)} {args.lang} documents, {words / len(texts):.0f} words each on average")
    floor = rates["tokenizer only"]
    for name, rate in rates.items():
        print(f"  {name:<26} {rate:9.1f} docs/s   {floor / rate:7.1f}x the tokenizer's time")

    def rows(n: int) -> Iterator[tuple[int, dict[str, object]]]:
        for i, text in enumerate(itertools.islice(itertools.cycle(base), n), 1):
            yield i, {"doc_id": str(i), "lang": args.lang, "title": None, "text": text}

    peak_memory(rows(len(base)))  # warm-up: caches filled before measuring
    small, large = peak_memory(rows(args.docs)), peak_memory(rows(2 * args.docs))
    print(
        f"peak traced memory streaming {args.docs} docs: {small / 2**20:.1f} MiB; "
        f"{2 * args.docs} docs: {large / 2**20:.1f} MiB; ratio {large / small:.2f} (flat ≈ 1)"
    )


if __name__ == "__main__":
    main()
