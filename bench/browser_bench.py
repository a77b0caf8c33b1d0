"""In headless Chromium, on warm servers: first drawn feature, pans, and whether a filter change keeps the view.

Three ``streamlit run`` servers in the same run: the atlas on the shipped data, the atlas on a synthetic
100k-company directory, and the bare page (bench/bare_app.py: one st_folium map, one marker, the same local
Leaflet). Each is warmed by one unmeasured visit; then every visit is a fresh browser context (a new session)
and the first drawn feature is timed from navigation start. ``basemap=none``: no tiles, nothing leaves
localhost (any other request is aborted).
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import browser as br
from devtools.browser import MAP_IFRAME, wait_idle
from serve.launcher import AppServer

ROOT = Path(__file__).resolve().parents[1]


def bare_script(out: Path) -> Path:
    """bench/bare_app.py run from ``out`` next to a ``static`` link: Streamlit serves the static/ folder that
    sits beside the main script, so the bare page gets the atlas's very files at the same URLs."""
    out.mkdir(parents=True, exist_ok=True)
    for name, target in (("bare_app.py", ROOT / "bench" / "bare_app.py"), ("static", ROOT / "static")):
        link = out / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    return out / "bare_app.py"


def visit(browser, url: str, *, canvas: bool = False, pans: int = 9) -> dict:
    """One fresh session: first drawn feature (and canvas drawn), then pans on the loaded map."""
    ctx, page = br.new_page(browser, br.block_remote)
    try:
        page.goto(url, wait_until="commit", timeout=300_000)
        frame = br.map_frame(page, MAP_IFRAME, timeout_s=300)
        out = {"first_draw_ms": br.first_draw_ms(page, timeout_s=300)}
        if canvas:
            out["canvas_drawn_ms"] = br.first_draw_ms(page, timeout_s=300, what="__atlasCanvasDrawn")
        wait_idle(page, 300_000)
        frame = br.map_frame(page, MAP_IFRAME)
        out["pan_ms"], out["pan_js_ms"] = br.pan_ms(frame, pans)
        return out
    finally:
        ctx.close()


def view_kept_after_filter(browser, url: str) -> dict:
    """Move the map, then pick a district in the sidebar filter: is it the same map object with the same view?"""
    ctx, page = br.new_page(browser, br.block_remote)
    try:
        page.goto(url, wait_until="commit", timeout=300_000)
        wait_idle(page, 300_000)
        frame = br.map_frame(page, MAP_IFRAME)
        frame.evaluate("() => { window.__benchProbe = 42; window.map.setView([30.28, 120.1], 12, {animate: false}); }")
        page.wait_for_timeout(1500)  # the moveend reaches Streamlit (debounced) and may rerun
        wait_idle(page, 300_000)
        before = br.map_frame(page, MAP_IFRAME).evaluate("() => [window.map.getCenter(), window.map.getZoom()]")
        box = page.locator(".st-key-districts input")
        box.click()
        box.type("西湖")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        t = time.perf_counter()
        page.wait_for_timeout(300)
        wait_idle(page, 300_000)
        rerun_s = time.perf_counter() - t
        frame = br.map_frame(page, MAP_IFRAME)
        probe, after = frame.evaluate("() => [window.__benchProbe, [window.map.getCenter(), window.map.getZoom()]]")
        chosen = "districts=330106" in page.url  # the view (and so the filter) is in the URL
        same = (probe == 42 and after[1] == before[1]
                and abs(after[0]["lat"] - before[0]["lat"]) < 1e-9 and abs(after[0]["lng"] - before[0]["lng"]) < 1e-9)
        return {"filter_applied": chosen, "map_object_kept": probe == 42, "view_kept": same,
                "browser_filter_rerun_s": rerun_s}
    finally:
        ctx.close()


def measure(data_dir: Path, big_dir: Path, out: Path, repeat: int = 5, log=print) -> dict:
    """First draw (median of ``repeat`` fresh sessions), pan medians, and the view check, for the three pages."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "bare": (bare_script(out / "bare"), None, "", False),
        "atlas_default": (ROOT / "streamlit_app.py", data_dir, "?basemap=none", False),
        "atlas_100k": (ROOT / "streamlit_app.py", big_dir, "?basemap=none", True),
    }
    results: dict = {}
    with sync_playwright() as pw:
        browser = br.launch(pw)
        try:
            for name, (script, directory, query, canvas) in pages.items():
                with AppServer(directory, out / f"{name}.log", script=script, start_timeout_s=120) as server:
                    url = server.url + "/" + query
                    visit(browser, url, canvas=canvas, pans=3)  # warm-up: data loaded and cached, not measured
                    visits = [visit(browser, url, canvas=canvas) for _ in range(repeat)]
                    row = {
                        "first_draw_ms": br.median(v["first_draw_ms"] for v in visits),
                        "first_draws_ms": [v["first_draw_ms"] for v in visits],
                        "pan_ms": br.median(x for v in visits for x in v["pan_ms"]),
                        "pan_js_ms": br.median(x for v in visits for x in v["pan_js_ms"]),
                    }
                    if canvas:
                        row["canvas_drawn_ms"] = br.median(v["canvas_drawn_ms"] for v in visits)
                    if name != "bare":
                        row.update(view_kept_after_filter(browser, url))
                    results[name] = row
                    log(f"  browser {name:14s}: first draw {row['first_draw_ms']:.0f} ms, pan {row['pan_ms']:.1f} ms"
                        + (f", view kept {row['view_kept']}" if "view_kept" in row else ""))
        finally:
            browser.close()
    return results
