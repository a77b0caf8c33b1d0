"""Where should point layers switch from vector markers to the canvas? Measure it, for a few N.

    .venv/bin/python -m bench.render_bench [--sizes 100,300,1000,3000,10000] [--repeat 3]

For each N, a synthetic company layer is rendered three ways into a plain folium page (no Streamlit, so only
the rendering differs), served from localhost with the app's own local Leaflet (static/vendor/):

- ``svg``: the app's small-layer path (layers.render: GeoJSON + one SVG circle marker per feature),
- ``leaflet_canvas``: the same GeoJSON with Leaflet's own canvas renderer (``prefer_canvas``),
- ``atlas_canvas``: layers.scale.CanvasPoints (one bitmap, coordinates only).

Reported per mode and N: Python build time and page bytes, first drawn feature (ms from navigation) and the
median of programmatic pans.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import tempfile
import threading
import time
from pathlib import Path

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template

from bench import browser as br
from bench.synthetic import synthetic_features
from ui.data import display_text
from ui.i18n import layer_label

ROOT = Path(__file__).resolve().parents[1]
MODES = ("svg", "leaflet_canvas", "atlas_canvas")
DEFAULT_SIZES = (100, 300, 500, 1000, 3000, 10000)
# Modes too slow to be worth timing beyond this size (the table says "not run").
MAX_N = {"svg": 10000, "leaflet_canvas": 30000, "atlas_canvas": 100000}


def synthetic_frame(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame.from_features(synthetic_features(n), crs="EPSG:4326")


def build_page(gdf: gpd.GeoDataFrame, mode: str) -> str:
    """The HTML of a folium map showing ``gdf`` (companies) rendered by ``mode``."""
    from layers import assets, render, scale

    assets.use_local_assets()
    m = folium.Map(location=render.MAP_CENTER, zoom_start=render.MAP_ZOOM, tiles=None,
                   prefer_canvas=(mode == "leaflet_canvas"))
    if mode == "atlas_canvas":
        scale.clear_cache()
        scale.canvas_group(gdf, "companies", name="companies").add_to(m)
    else:
        collection = render.display_collection(gdf, "companies", display_text("companies", "zh"))
        render.overlay_group("companies", collection, layer_label("companies", "zh")).add_to(m)
    _ExposeMap().add_to(m)
    return m.get_root().render()


class _ExposeMap(MacroElement):
    """``window.map = <the map>`` after everything else (streamlit-folium names it so too)."""

    _template = Template("{% macro script(this, kwargs) %}window.map = {{ this._parent.get_name() }};{% endmacro %}")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/app/static/"):
            return str(ROOT / "static" / path[len("/app/static/"):])
        return super().translate_path(path)

    def log_message(self, *args):  # quiet
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def measure(sizes=DEFAULT_SIZES, repeat: int = 3, pans: int = 9, log=print) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory(prefix="atlas-render-bench-") as tmp, sync_playwright() as pw:
        server, base = serve(Path(tmp))
        browser = br.launch(pw)
        try:
            for n in sizes:
                gdf = synthetic_frame(n)
                for mode in MODES:
                    if n > MAX_N[mode]:
                        rows.append({"n": n, "mode": mode, "skipped": True})
                        continue
                    builds = []
                    for _ in range(repeat):
                        t = time.perf_counter()
                        html = build_page(gdf, mode)
                        builds.append(time.perf_counter() - t)
                    name = f"{mode}-{n}.html"
                    (Path(tmp) / name).write_text(html, encoding="utf-8")
                    draws, pan_all, pan_js = [], [], []
                    for _ in range(repeat):
                        ctx, page = br.new_page(browser, br.block_remote)
                        try:
                            page.goto(f"{base}/{name}", wait_until="load", timeout=180_000)
                            frame = br.map_frame(page, None)
                            draws.append(br.first_draw_ms(page))
                            frame_ms, js_ms = br.pan_ms(frame, pans)
                            pan_all.extend(frame_ms)
                            pan_js.extend(js_ms)
                        finally:
                            ctx.close()
                    row = {"n": n, "mode": mode, "build_s": br.median(builds), "bytes": len(html.encode()),
                           "first_draw_ms": br.median(draws), "pan_ms": br.median(pan_all),
                           "pan_js_ms": br.median(pan_js), "pan_p90_ms": sorted(pan_all)[int(0.9 * (len(pan_all) - 1))]}
                    rows.append(row)
                    log(f"  render {mode:15s} n={n:>6}: build {row['build_s']:.3f} s, {row['bytes'] / 1e6:.2f} MB, "
                        f"first draw {row['first_draw_ms']:.0f} ms, "
                        f"pan {row['pan_ms']:.1f} ms (js {row['pan_js_ms']:.1f})")
        finally:
            browser.close()
            server.shutdown()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = measure([int(s) for s in args.sizes.split(",")], repeat=args.repeat)
    print(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
