"""The spatial engine and the loader at scale: ``make bench-engine`` (or ``.venv/bin/python -m bench.engine_bench``).

Two measurements on the synthetic atlas of N companies (bench/synthetic.py, default 100k):

- **Panel at N**: the side panel's queries (``geo.core.spatial.inside`` for polygons, ``related``, ``nearby`` at 2 km)
  for 西湖区 (dist_xihu), 紫金港科技城 (park_zijingang) and 云谷中心 (park_yungu_center), warm (atlas loaded). The
  first call of each query after loading is reported apart ("first": it may build an index once per atlas
  version); the figure is the median of ``--repeat`` calls after it.
- **Cold load**: a fresh Python process imports the page's data module and runs its loader (``ui.data.get()``:
  freshness check, read or columnar cache, validation, spatial index), timed from before the import: once with no
  on-disk cache ("first ever"), then with the cache the first run left ("restart"); ``--repeat`` processes each,
  median. The bare read (import geopandas, ``geopandas.read_file`` of every layer, no validation) is measured in
  the same run as the floor.

Prints a Markdown table and writes bench/out/engine.json. Run it under the shared lock on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SELECTIONS = (("西湖区", "dist_xihu"), ("紫金港科技城", "park_zijingang"), ("云谷中心", "park_yungu_center"))
RADIUS_KM = 2.0

_COLD = """
import json, os, sys, time
t = time.perf_counter()
from ui import data
loaded = data.get()
print(json.dumps({"s": time.perf_counter() - t, "features": len(loaded.atlas), "errors": len(loaded.errors)}))
"""
_FLOOR = """
import json, sys, time
t = time.perf_counter()
from pathlib import Path
import geopandas as gpd
n = sum(len(gpd.read_file(p, engine="pyogrio")) for p in sorted(Path(sys.argv[1]).glob("*.geojson")))
print(json.dumps({"s": time.perf_counter() - t, "features": n}))
"""


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _timed(fn, *args):
    t = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - t, result


def panel(data_dir: Path, repeat: int) -> list[dict]:
    """Warm timings of the panel's queries for the SELECTIONS."""
    from geo.core.spatial import inside, nearby, related
    from geo.io.atlas import load_atlas

    loaded = load_atlas(data_dir)
    atlas = loaded[0] if isinstance(loaded, tuple) else loaded
    rows = []
    for label, fid in SELECTIONS:
        _lid, feature = atlas.feature(fid)
        polygon = feature.geometry.geom_type in ("Polygon", "MultiPolygon")
        queries = {"related": lambda f=fid: related(atlas, f), "nearby": lambda f=fid: nearby(atlas, f, RADIUS_KM)}
        if polygon:
            queries = {"inside": lambda f=fid: inside(atlas, f), **queries}
        row = {"select": label, "id": fid}
        for name, call in queries.items():
            first, result = _timed(call)
            times = [_timed(call)[0] for _ in range(repeat)]
            size = len(result) if not isinstance(result, dict) else sum(len(v) for v in result.values())
            row[name] = {"first_s": first, "s": _median(times), "runs_s": times, "results": size}
        rows.append(row)
    return rows


def _process(code: str, *args: str, env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    if done.returncode:
        raise RuntimeError(f"cold-load process failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold(data_dir: Path, repeat: int) -> dict:
    """Fresh-process load times: first ever (no disk cache), restart (cache present), and the bare-read floor."""
    cache = Path(tempfile.mkdtemp(prefix="atlas-cache-bench-"))
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir.resolve()), "ATLAS_CACHE_DIR": str(cache),
           "PYTHONPATH": str(ROOT)}
    try:
        first, restart = [], []
        for _ in range(repeat):
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir()
            first.append(_process(_COLD, env=env))
            restart.append(_process(_COLD, env=env))
        floor = [_process(_FLOOR, str(data_dir), env=env) for _ in range(repeat)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return {"first_s": _median([r["s"] for r in first]), "restart_s": _median([r["s"] for r in restart]),
            "floor_read_s": _median([r["s"] for r in floor]), "first_runs": first, "restart_runs": restart,
            "floor_runs": floor}


def table(result: dict) -> str:
    n = result["n"]
    lines = [f"Panel at {n // 1000}k (warm; median of {result['repeat']} after a first call; first call in brackets):",
             "", "| select | `inside` (s) | `related` (s) | `nearby` 2 km (s) |", "|---|---:|---:|---:|"]
    for row in result["panel"]:
        cells = [f"{row[q]['s']:.3f} ({row[q]['first_s']:.3f})" if q in row else "–"
                 for q in ("inside", "related", "nearby")]
        lines.append(f"| {row['select']} | " + " | ".join(cells) + " |")
    c = result.get("cold")
    if c:
        lines += ["", "| cold load (fresh process) | s | vs bare read |", "|---|---:|---:|",
                  f"| first ever (no disk cache) | {c['first_s']:.2f} | {c['first_s'] / c['floor_read_s']:.2f}x |",
                  f"| restart (disk cache present) | {c['restart_s']:.2f} | "
                  f"{c['restart_s'] / c['floor_read_s']:.2f}x |",
                  f"| bare read (import geopandas, gpd.read_file of every layer) | {c['floor_read_s']:.2f} | 1x |"]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engine_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100000, help="synthetic companies (default 100000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-load processes")
    parser.add_argument("--no-panel", action="store_true", help="skip the panel queries")
    parser.add_argument("--out", type=Path, default=OUT / "engine.json")
    args = parser.parse_args(argv)
    from bench.run import datasets

    data_dir = datasets((args.n,))[f"{args.n // 1000}k"]
    result: dict = {"n": args.n, "repeat": args.repeat, "dir": str(data_dir),
                    "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                             text=True, check=False).stdout.strip()}
    if not args.no_cold:
        result["cold"] = cold(data_dir, args.repeat)
    if not args.no_panel:
        result["panel"] = panel(data_dir, args.repeat)
    else:
        result["panel"] = []
    text = table(result)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
