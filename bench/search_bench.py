"""Search at scale: ``geo.core.search.ranked`` on the shipped atlas with N synthetic companies added, against a
peer in the same run: one plain substring pass (pandas ``str.contains``) over the same compact names, the
cheapest search there is (no ranking, no fuzzy, no pinyin).

    .venv/bin/python -m bench.search_bench [N] [--out DIR]     (run it under flock /tmp/browser.lock)

Prints the index build time (once per atlas version: every visitor shares it), the first Latin query (it builds
the pinyin forms), then the median time per query and its ratio to the peer for Chinese, Latin and fuzzy queries.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_atlas
from geo.core.search import index_for, ranked
from geo.io.atlas import load_atlas

QUERIES = {"chinese": ["云谷", "紫金港", "合成企业001234"], "latin": ["yungu", "cloud valley", "zijingang"],
           "fuzzy": ["信创产业园", "大运河未来城", "西胡大学"]}


def _median_s(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(n: int, out: Path) -> dict:
    directory = write_atlas(out / f"atlas_{n}", n, mode="extend")
    atlas = load_atlas(directory)
    start = time.perf_counter()
    index = index_for(atlas)
    build_s = time.perf_counter() - start
    start = time.perf_counter()
    ranked(atlas, "yungu")
    first_latin_s = time.perf_counter() - start
    forms = index.forms["form"]
    result = {"features": len(index.features), "forms": len(forms), "index_build_s": round(build_s, 3),
              "first_latin_query_s": round(first_latin_s, 3)}
    for kind, queries in QUERIES.items():
        ours = statistics.median(_median_s(lambda q=q: ranked(atlas, q)) for q in queries)
        peer = statistics.median(_median_s(lambda q=q: set(index.forms.loc[forms.str.contains(q, regex=False),
                                                                            "feature"])) for q in queries)
        result[kind] = {"ranked_ms": round(ours * 1000, 1), "substring_peer_ms": round(peer * 1000, 1),
                        "ratio": round(ours / peer, 1) if peer else None}
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        print(run(args.n, args.out or Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
