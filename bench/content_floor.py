"""The atlas against pages of its own content (``make floor``): what the page's content costs in Streamlit, part by
part, next to the atlas and the bare page, in the same run.

    .venv/bin/python -m bench.content_floor                  # 30 visitors at once, 4 rounds
    .venv/bin/python -m bench.content_floor --visitors 50 --rounds 6

Pages, each on a server of its own with the production settings (serve.launcher):
- ``bare``: bench/bare_app.py, one map with one marker (the load test's floor);
- ``atlas``: the atlas;
- ``skeleton``: bench/skeleton_app.py, the atlas's first page as elements (the same kinds, count and sizes) with no
  app code behind them;
- ``skeleton_without_<part>``: the skeleton without one part (``map``: the map's 263 KB of arguments; ``panel``;
  ``table``: the table and the export; ``sidebar``: all but the district filter; and within the panel,
  ``popovers``: the four article popovers and the facts' expander, ``charts``: its two Vega-Lite charts), and
  ``skeleton_map_only`` without the first four: what each part costs by itself.

Each round opens ``--visitors`` sessions at once on every page in turn (the order alternates), then one district
filter each (bench.load.level; the bare page: a plain rerun). Reported: medians over the rounds of the server's CPU
per first page and per interaction and of the first page's p95, and each as a ratio to the bare page's. The atlas's
ratio to the skeleton is what the app's own code costs; the skeleton's to the bare page is what its content costs,
which no app code removes. Bounded: rounds x pages x visitors, localhost only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
from pathlib import Path

from bench.load import LOAD_SESSION_TTL_S, OUT, ROOT, level, machine

PARTS = ("map", "panel", "table", "sidebar")
PANEL_PARTS = ("popovers", "charts")  # within the panel: the article popovers with the facts' expander; the charts
METRICS = ("cpu_first_s", "cpu_interaction_s", "first_p95_s")
WARM_VISITORS = 13  # one per district: every view the rounds filter to is built before the first round


def pages() -> dict[str, tuple[str, str]]:
    """name: (script, the skeleton's parts left out)."""
    skeleton = "bench/skeleton_app.py"
    return {"bare": ("bench/bare_app.py", ""), "atlas": ("streamlit_app.py", ""), "skeleton": (skeleton, ""),
            **{f"skeleton_without_{part}": (skeleton, part) for part in PARTS + PANEL_PARTS},
            "skeleton_map_only": (skeleton, ",".join(PARTS))}


def summary(rows: dict[str, list[dict]]) -> dict[str, dict]:
    """Medians per page over the rounds, and their ratios to the bare page's."""
    med = {name: {m: statistics.median(r[m] for r in runs) for m in METRICS} for name, runs in rows.items()}
    bare = med["bare"]
    return {name: {**values, **{f"{m}_x": values[m] / bare[m] for m in METRICS if bare[m]}}
            for name, values in med.items()}


def run(visitors: int, rounds: int, data_dir: Path, log=print) -> dict:
    from serve.launcher import AppServer

    tmp = Path(tempfile.mkdtemp(prefix="atlas-floor-"))
    settings = {"server.disconnectedSessionTTL": str(LOAD_SESSION_TTL_S)}
    servers: dict[str, AppServer] = {}
    rows: dict[str, list[dict]] = {name: [] for name in pages()}
    try:
        for name, (script, without) in pages().items():
            servers[name] = AppServer(data_dir, tmp / f"{name}.log", script=script, settings=settings,
                                      env={"SKELETON_WITHOUT": without}).start()
        for name, server in servers.items():
            warm = asyncio.run(level("127.0.0.1", server.port, WARM_VISITORS, [server.pid], lambda *_: None,
                                     "rerun" if name == "bare" else "district"))
            if warm["served_pct"] < 100:
                raise RuntimeError(f"{name}: warm-up failed: {warm['errors']}")
        for i in range(rounds):
            for name in (list(servers) if i % 2 == 0 else list(reversed(servers))):
                server = servers[name]
                row = asyncio.run(level("127.0.0.1", server.port, visitors, [server.pid], lambda *_: None,
                                        "rerun" if name == "bare" else "district"))
                if row["served_pct"] < 100:
                    raise RuntimeError(f"{name}: not every visitor was served: {row['errors']}")
                rows[name].append(row)
                log(f"round {i + 1}/{rounds} {name:26s} CPU first {row['cpu_first_s']:.4f} s  interaction "
                    f"{row['cpu_interaction_s']:.4f} s  p95 {row['first_p95_s']:.2f} s  "
                    f"{row['deltas_first_page']:.0f} elements")
    finally:
        for server in servers.values():
            server.stop()
    return {"machine": machine(), "visitors": visitors, "rounds": rounds, "data": str(data_dir),
            "elements": {name: runs[0]["deltas_first_page"] for name, runs in rows.items()},
            "pages": summary(rows), "rounds_raw": rows}


def markdown(result: dict) -> str:
    head = ("| page | elements | CPU per first page | per district filter | p95 first page |\n"
            "|---|---:|---:|---:|---:|\n")
    lines = []
    for name, v in result["pages"].items():
        cells = [f"{v[m]:.4f} s, {v.get(m + '_x', 0):.2f}x" if m != "first_p95_s" else
                 f"{v[m]:.2f} s, {v.get(m + '_x', 0):.2f}x" for m in METRICS]
        lines.append(f"| {name} | {result['elements'][name]:.0f} | " + " | ".join(cells) + " |")
    return head + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=30, help="visitors at once per page and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="ATLAS_DATA_DIR of the servers")
    parser.add_argument("--tag", default="", help="name of the results file: bench/out/floor-<tag>.json")
    args = parser.parse_args(argv)
    if not (0 < args.visitors <= 200 and 0 < args.rounds <= 20):
        parser.error("--visitors 1..200 and --rounds 1..20")
    result = run(args.visitors, args.rounds, args.data)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"floor{'-' + args.tag if args.tag else ''}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(markdown(result))
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
