"""The speed-and-scale benchmark: ``make bench`` (or ``.venv/bin/python -m bench.run [--quick]``).

Measures, in one run and on the same data, the atlas against ``GeoDataFrame.explore()`` handed to st_folium:
the default view, a filter change, synthetic company layers of 1k/10k/100k points (bench/synthetic.py, loaded
through geo.io.atlas via ATLAS_DATA_DIR), the GeoJSON export of 100k features, the render switch (bench/render_bench.py)
and, in headless Chromium on warm servers, first drawn feature and pans next to a bare page. Every timing is the
median of several repeats. Prints a table and writes bench/out/results.json (+ results.md), and a dated copy
bench/results-<date>.json to commit.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SIZES = (1000, 10000, 100000)
TARGETS = {
    "default_rerun_s": 0.3, "default_page_mb": 0.5, "first_draw_vs_bare": 1.3, "filter_change_s": 0.3,
    "big_rerun_s": 1.0, "big_map_mb": 3.0, "big_speedup": 5.0, "big_shrink": 5.0, "pan_ms": 50.0,
}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                  timeout=30).stdout.strip()
    except OSError:
        chromium = "missing"
    return {"date": dt.date.today().isoformat(), "nproc": os.cpu_count(), "cpu": cpu,
            "ram_gb": round(mem_kb / 1024 / 1024, 1), "load_avg_at_start": os.getloadavg()[0],
            "python": platform.python_version(), "chromium": chromium,
            **{pkg: version(pkg) for pkg in ("streamlit", "streamlit-folium", "folium", "geopandas", "pandas")}}


def datasets(sizes) -> dict[str, Path]:
    from bench.synthetic import DEFAULT_SEED, write_atlas

    out = {"default": ROOT / "data"}
    for n in sizes:
        d = OUT / f"atlas-{n}"
        stamp = d / ".stamp"
        sizes_now = " ".join(str(p.stat().st_size) for p in sorted((ROOT / "data").glob("*.geojson")))
        want = f"{n} {DEFAULT_SEED} {sizes_now}"
        if not (stamp.is_file() and stamp.read_text() == want):
            write_atlas(d, n)
            stamp.write_text(want)
        out[f"{n // 1000}k"] = d
    return out


def _ratio(a, b):
    return round(a / b, 1) if a and b else None


def python_part(dirs: dict[str, Path], quick: bool, log) -> dict:
    from bench.python_bench import ATLAS_APP, EXPLORE_APP, export_timing, measure_app

    res = {}
    for name, d in dirs.items():
        big = name == "100k"
        repeat, changes = (2, 2) if quick else ((3, 3) if big else (5, 5))
        atlas = measure_app(ATLAS_APP, d, repeat=repeat + 2, filter_changes=changes + 2)
        peer = measure_app(EXPLORE_APP, d, repeat=repeat, filter_changes=changes)
        res[name] = {"atlas": atlas, "explore": peer,
                     "speedup": _ratio(peer["rerun_s"], atlas["rerun_s"]),
                     "shrink": _ratio(peer["map_bytes"], atlas["map_bytes"])}
        log(f"  python {name:8s}: atlas {atlas['rerun_s']:.3f} s {atlas['map_bytes'] / 1e6:.2f} MB | "
            f"explore {peer['rerun_s']:.3f} s {peer['map_bytes'] / 1e6:.2f} MB | "
            f"filter {atlas['filter_change_s']:.3f} s")
    if "100k" in dirs:
        res["export_100k"] = export_timing(dirs["100k"], repeat=2 if quick else 3)
    return res


def verdicts(r: dict) -> dict[str, bool | None]:
    t, p, b = TARGETS, r["python"], r.get("browser") or {}
    d, big = p["default"]["atlas"], p.get("100k")
    out = {
        "default view Python <= 0.3 s": d["rerun_s"] <= t["default_rerun_s"],
        "default page payload <= 0.5 MB": d["page_bytes"] / 1e6 <= t["default_page_mb"],
        "filter change Python <= 0.3 s": d["filter_change_s"] <= t["filter_change_s"],
        "filter change keeps the map (no remount)": d["filter_keeps_map"]
        and all(b.get(k, {}).get(x) is not False for k in ("atlas_default", "atlas_100k")
                for x in ("view_kept", "filter_applied")),
    }
    if big:
        out.update({
            "100k Python <= 1 s": big["atlas"]["rerun_s"] <= t["big_rerun_s"],
            "100k map <= 3 MB": big["atlas"]["map_bytes"] / 1e6 <= t["big_map_mb"],
            "100k >= 5x faster than explore()": (big["speedup"] or 0) >= t["big_speedup"],
            "100k >= 5x smaller than explore()": (big["shrink"] or 0) >= t["big_shrink"],
        })
    if b:
        bare = b["bare"]["first_draw_ms"]
        out["first feature <= 1.3x bare page"] = b["atlas_default"]["first_draw_ms"] <= t["first_draw_vs_bare"] * bare
        out["pans < 50 ms median"] = all(b[k]["pan_ms"] < t["pan_ms"] for k in ("atlas_default", "atlas_100k"))
    return out


def table(r: dict) -> str:
    """The results as Markdown (README "Performance")."""
    m, p = r["machine"], r["python"]
    lines = [f"Run {m['date']} on {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, load average "
             f"{m['load_avg_at_start']:.1f} at start; {m['chromium']}; streamlit {m['streamlit']}, "
             f"streamlit-folium {m['streamlit-folium']}, folium {m['folium']}, geopandas {m['geopandas']}. "
             "Medians of repeats; explore() measured in the same run on the same data.", "",
             "| data | atlas rerun (s) | explore() rerun (s) | speed-up | atlas map (MB) | explore() map (MB) | "
             "smaller | atlas page (MB) | filter change (s) | map kept | cold first run (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|"]
    for name, row in p.items():
        if name.startswith("export"):
            continue
        a, e = row["atlas"], row["explore"]
        lines.append(f"| {name} | {a['rerun_s']:.3f} | {e['rerun_s']:.2f} | {row['speedup']}x | "
                     f"{a['map_bytes'] / 1e6:.2f} | {e['map_bytes'] / 1e6:.1f} | {row['shrink']}x | "
                     f"{a['page_bytes'] / 1e6:.2f} | {a['filter_change_s']:.3f} | "
                     f"{'yes' if a['filter_keeps_map'] else 'no'} | {a['cold_run_s']:.1f} |")
    if "export_100k" in p:
        x = p["export_100k"]
        lines += ["", f"GeoJSON export (geo.io.export.to_geojson, full properties) of {x['features']} features: "
                  f"{x['export_s']:.2f} s, {x['export_bytes'] / 1e6:.1f} MB."]
    b = r.get("browser")
    if b:
        lines += ["", "| page (Chromium, warm server) | first feature drawn (ms) | vs bare | all points drawn (ms) | "
                  "pan median (ms, moveend + frame) | pan JS (ms) | filter: view kept |",
                  "|---|---:|---:|---:|---:|---:|:-:|"]
        bare = b["bare"]["first_draw_ms"]
        for name, row in b.items():
            kept = {True: "yes", False: "no"}.get(row.get("view_kept"), "–")
            if row.get("filter_applied") is False:
                kept += " (filter not applied)"
            canvas = f"{row['canvas_drawn_ms']:.0f}" if "canvas_drawn_ms" in row else "–"
            lines.append(f"| {name} | {row['first_draw_ms']:.0f} | {row['first_draw_ms'] / bare:.2f}x | {canvas} | "
                         f"{row['pan_ms']:.1f} | {row['pan_js_ms']:.1f} | {kept} |")
    rb = r.get("render")
    if rb:
        lines += ["", "| points | rendering | build (s) | page (MB) | first draw (ms) | pan median (ms) "
                  "| pan JS (ms) |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        for row in rb:
            if row.get("skipped"):
                continue
            lines.append(f"| {row['n']} | {row['mode']} | {row['build_s']:.3f} | {row['bytes'] / 1e6:.2f} | "
                         f"{row['first_draw_ms']:.0f} | {row['pan_ms']:.1f} | {row['pan_js_ms']:.1f} |")
    lines += ["", "| target | met |", "|---|:-:|"]
    lines += [f"| {k} | {'yes' if v else 'NO'} |" for k, v in r["targets"].items()]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes (a smoke run)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--browser-only", action="store_true",
                        help="redo only the Chromium measurements, on top of bench/out/results.json")
    args = parser.parse_args(argv)
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine()}
    log(f"bench: {results['machine']['nproc']} CPUs, {results['machine']['cpu']}")
    dirs = datasets(SIZES)
    if args.browser_only:
        previous = json.loads((OUT / "results.json").read_text(encoding="utf-8"))
        results.update({k: previous[k] for k in ("python", "render") if k in previous})
        results["machine"]["browser_rerun"] = True
    else:
        results["python"] = python_part(dirs, args.quick, log)
    if args.browser_only:
        from bench import browser_bench

        results["browser"] = browser_bench.measure(dirs["default"], dirs["100k"], OUT / "browser", repeat=5, log=log)
    elif not args.no_browser:
        from bench import browser_bench, render_bench

        sizes = (300, 1000, 3000) if args.quick else render_bench.DEFAULT_SIZES + (100000,)
        results["render"] = render_bench.measure(sizes, repeat=1 if args.quick else 3, log=log)
        results["browser"] = browser_bench.measure(dirs["default"], dirs["100k"], OUT / "browser",
                                                   repeat=2 if args.quick else 5, log=log)
    results["targets"] = verdicts(results)
    text = table(results)
    print("\n" + text)
    payload = json.dumps(results, indent=1, ensure_ascii=False, default=str)
    (OUT / "results.json").write_text(payload + "\n", encoding="utf-8")
    (OUT / "results.md").write_text(text + "\n", encoding="utf-8")
    if not args.quick:
        (ROOT / "bench" / f"results-{results['machine']['date']}.json").write_text(payload + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
