"""Search latency on a synthetic corpus (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_search.py [--n 200000] [--queries 400] [--index PATH]

Generates N synthetic releases (ru/kk/en, ~120 words of Zipf-distributed vocabulary, 4-10
facts each with real offsets) through the real indexer, then runs a fixed mix of searches
through ``pipeline.search.search`` (text only, cross-script names, fact filters, filters +
text, common words) and prints p50/p95/max latency per kind and overall. The index is kept
(``--index``) so a second run with ``--reuse`` only measures queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.facts import FACT_ADAPTER
from models.release import Extractor, Release
from pipeline.index import connect, index_records, optimize_index
from pipeline.search import SearchFilters, search

ALPHABETS = {  # (consonants, vowels) per language
    "ru": ("бвгджзклмнпрстфхцчшщ", "аеиоуыэюя"),
    "kk": ("бвгджзклмнпрстшқғңһ", "аеиоуыәөұүі"),
    "en": ("bcdfghjklmnprstvwz", "aeiouy"),
}
VIOLATIONS = ["bribery", "embezzlement", "fraud", "abuse_of_office", "negligence",
              "procurement", "labor_law", "budget_misuse", "land", "construction"]  # fmt: skip
TZ = dt.timezone(dt.timedelta(hours=5))
EXTRACTOR = Extractor(name="bench", version="0")
CYR2LAT = str.maketrans("абвгдезиклмнопрстуфхыэөқғұүіәң", "abvgdeziklmnoprstufhyeokguuian")


def make_vocab(rng: random.Random, lang: str, n: int) -> list[str]:
    """n distinct pseudo-words of 2-5 syllables: prefixes are shared about as in real text."""
    cons, vows = ALPHABETS[lang]
    words: dict[str, None] = {}
    while len(words) < n:
        w = "".join(
            rng.choice(cons) + rng.choice(vows) + (rng.choice(cons) if rng.random() < 0.3 else "")
            for _ in range(rng.randint(2, 5))
        )
        words[w] = None
    return list(words)


class Corpus:
    """Deterministic synthetic vocabularies and names; Zipf word choice."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.vocab = {
            "ru": make_vocab(rng, "ru", 30_000),
            "kk": make_vocab(rng, "kk", 30_000),
            "en": make_vocab(rng, "en", 30_000),
        }
        weights = [1.0 / (i + 1) for i in range(30_000)]
        total = sum(weights)
        self.cum = list(_accumulate([w / total for w in weights]))
        # Kazakh-script enterprise/district names; English versions are their folding.
        self.enterprises = [f"{w.capitalize()} {v.capitalize()}" for w, v in
                            zip(make_vocab(rng, "kk", 5_000), make_vocab(rng, "kk", 5_000),
                                strict=True)]  # fmt: skip
        self.districts = [w.capitalize() for w in make_vocab(rng, "ru", 400)]
        self.entities = [f"entity-{i}" for i in range(60)]

    def words(self, rng: random.Random, lang: str, k: int) -> list[str]:
        vocab = self.vocab[lang]
        import bisect

        return [vocab[min(bisect.bisect(self.cum, rng.random()), 29_999)] for _ in range(k)]


def _accumulate(xs: list[float]) -> Iterator[float]:
    acc = 0.0
    for x in xs:
        acc += x
        yield acc


def latin(name: str) -> str:
    return name.lower().translate(CYR2LAT).title()


def releases(corpus: Corpus, n: int, seed: int = 11) -> Iterator[Release]:
    rng = random.Random(seed)
    start = dt.datetime(2019, 1, 1, tzinfo=TZ)
    i = 0
    gid = 100_000
    while i < n:
        gid += 1
        langs = ["ru", "kk", "en"][: rng.choice([1, 2, 3, 3])]
        ent = rng.choice(corpus.enterprises)
        dist = rng.choice(corpus.districts)
        viol = rng.sample(VIOLATIONS, rng.randint(1, 2))
        published = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 6))
        deadline = published.date() + dt.timedelta(days=rng.randint(30, 900))
        amount = float(rng.randint(1, 5000) * 100_000)
        entity = rng.choice(corpus.entities)
        for lang in langs:
            if i >= n:
                return
            i += 1
            ent_name = ent if lang != "en" else latin(ent)
            dist_name = dist if lang != "en" else latin(dist)
            words = corpus.words(rng, lang, 120)
            pieces = [
                " ".join(words[:30]) + ".",
                f"«{ent_name}»",
                " ".join(words[30:60]) + ".",
                f"{dist_name} district",
                " ".join(words[60:90]) + ".",
                f"{deadline.isoformat()}",
                f"{int(amount)} KZT",
                " ".join(words[90:]) + ".",
            ]
            title = " ".join(words[:8]).capitalize()
            body = " ".join(pieces)
            text = f"{title}\n\n{body}"

            def at(span: str, text: str = text) -> tuple[int, int]:
                s = text.index(span)
                return s, s + len(span)

            facts = []
            for label, span, norm in [
                ("ENTERPRISE", f"«{ent_name}»", {"legal_form": "LLP", "name": ent}),
                ("DISTRICT", f"{dist_name} district", {"kato": None, "name_ru": f"{dist} район"}),
                ("DEADLINE", deadline.isoformat(), {"value": deadline, "precision": "day"}),
                ("MONEY", f"{int(amount)} KZT", {"amount": amount, "currency": "KZT"}),
                *[
                    ("VIOLATION", pieces[0].split()[k], {"violation": v})
                    for k, v in enumerate(viol)
                ],
            ]:
                s, e = at(span)
                facts.append(
                    FACT_ADAPTER.validate_python(
                        {"label": label, "start": s, "end": e, "text": span, "sentence": 0, **norm}
                    )
                )
            yield Release(
                id=gid,
                lang=lang,  # type: ignore[arg-type]
                entity=entity,
                url=f"https://www.gov.kz/memleket/entities/{entity}/press/news/details/{gid}",
                title=title,
                published_at=published,
                text=text,
                content_sha256=f"{gid}{lang}",
                facts=facts,
                extractor=EXTRACTOR,
            )


def build_queries(
    corpus: Corpus, conn: object, count: int, seed: int = 5
) -> list[tuple[str, Callable[[], object]]]:
    rng = random.Random(seed)

    def mid_word(lang: str) -> str:
        return corpus.vocab[lang][rng.randint(200, 5000)]

    def rare_word(lang: str) -> str:
        return corpus.vocab[lang][rng.randint(5000, 29_999)]

    kinds: list[tuple[str, Callable[[], tuple[str, SearchFilters]]]] = [
        ("text: rare word", lambda: (rare_word(rng.choice(["ru", "kk", "en"])), SearchFilters())),
        ("text: two mid words", lambda: (f"{mid_word('ru')} {mid_word('ru')}", SearchFilters())),
        (
            "text: enterprise, Latin",
            lambda: (latin(rng.choice(corpus.enterprises)), SearchFilters()),
        ),
        ("text: enterprise, Kazakh", lambda: (rng.choice(corpus.enterprises), SearchFilters())),
        ("text: common word", lambda: (corpus.vocab["ru"][rng.randint(0, 20)], SearchFilters())),
        (
            "filter: district (Latin)",
            lambda: ("", SearchFilters(district=latin(rng.choice(corpus.districts)))),
        ),
        (
            "filter: violation + since",
            lambda: (
                "",
                SearchFilters(
                    violation=rng.choice(VIOLATIONS), since=dt.date(2024, rng.randint(1, 12), 1)
                ),
            ),
        ),
        (
            "filter: deadline range",
            lambda: (
                "",
                SearchFilters(
                    deadline_from=dt.date(2025, 1, 1),
                    deadline_to=dt.date(2025, 1, rng.randint(2, 28)),
                ),
            ),
        ),
        (
            "text + violation + lang",
            lambda: (mid_word("kk"), SearchFilters(violation=rng.choice(VIOLATIONS), lang=["kk"])),
        ),
        (
            "enterprise filter + violation",
            lambda: (
                "",
                SearchFilters(
                    enterprise=latin(rng.choice(corpus.enterprises)),
                    violation=rng.choice(VIOLATIONS),
                ),
            ),
        ),
    ]
    out: list[tuple[str, Callable[[], object]]] = []
    for i in range(count):
        kind, make = kinds[i % len(kinds)]
        q, f = make()
        out.append((kind, lambda q=q, f=f: search(conn, q, f, limit=20)))  # type: ignore[misc]
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000, help="number of releases")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--index", type=Path, default=None, help="default /tmp/govkz-bench-N.sqlite")
    ap.add_argument("--reuse", action="store_true", help="do not rebuild an existing index")
    args = ap.parse_args()
    path = args.index or Path(f"/tmp/govkz-bench-{args.n}.sqlite")
    corpus = Corpus()
    if not (args.reuse and path.exists()):
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        conn = connect(path)
        t0 = time.perf_counter()
        stats = index_records(conn, releases(corpus, args.n), batch_size=10_000)
        t1 = time.perf_counter()
        optimize_index(conn)
        t2 = time.perf_counter()
        conn.close()
        size = path.stat().st_size / 2**20
        print(
            f"built {stats.added} releases in {t1 - t0:.1f}s ({stats.added / (t1 - t0):.0f}/s), "
            f"optimize {t2 - t1:.1f}s, {size:.0f} MiB"
        )
    import sqlite3

    conn2 = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn2.row_factory = sqlite3.Row
    n_facts = conn2.execute("SELECT count(*) FROM facts").fetchone()[0]
    n_rel = conn2.execute("SELECT count(*) FROM releases").fetchone()[0]
    print(f"index: {n_rel} releases, {n_facts} facts")
    queries = build_queries(corpus, conn2, args.queries)
    for _, q in queries[:20]:  # warm the page cache
        q()
    # Wall time is what a user waits; CPU time (SQLite runs in-process) is the same work
    # without the time spent waiting for a core, which matters on a shared 2-core machine.
    by_kind: dict[str, list[tuple[float, float]]] = {}
    hits_by_kind: dict[str, int] = {}
    for kind, q in queries:
        t, c = time.perf_counter(), time.process_time()
        res = q()
        wall, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        by_kind.setdefault(kind, []).append((wall, cpu))
        hits_by_kind[kind] = hits_by_kind.get(kind, 0) + len(res)  # type: ignore[arg-type]
    print(
        f"{'kind':30} {'n':>4} {'hits':>5} {'wall p50':>9} {'p95':>7} {'max':>7} "
        f"{'cpu p50':>8} {'p95':>7}"
    )
    rows = [*by_kind.items(), ("ALL", [x for xs in by_kind.values() for x in xs])]
    for kind, xs in rows:
        walls, cpus = [w for w, _ in xs], [c for _, c in xs]
        avg_hits = f"{sum(hits_by_kind.values()) / len(xs) if kind == 'ALL' else hits_by_kind[kind] / len(xs):5.1f}"  # noqa: E501
        print(
            f"{kind:30} {len(xs):4d} {avg_hits} {statistics.median(walls):9.2f} "
            f"{pct(walls, 95):7.2f} {max(walls):7.2f} {statistics.median(cpus):8.2f} "
            f"{pct(cpus, 95):7.2f}"
        )


if __name__ == "__main__":
    main()
