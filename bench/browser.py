"""Browser measurements shared by the benchmark: first drawn feature and programmatic pans, in headless Chromium.

Timing runs inside the page: an init script in the top page checks, on every animation frame, the page and its
same-origin iframes (the map's) for a drawn feature — an SVG path or marker in Leaflet's panes, or a canvas
point layer that has drawn its points (it sets ``data-drawn`` right after ``putImageData``) — and records
``performance.now()``, i.e. ms since navigation start. (The check runs in the top page because Chromium reuses
the iframe's initial about:blank window for the component's document, where an init script never runs.)

A pan is ``map.panBy`` without animation, timed until ``moveend`` has fired and the next frame has been
produced (so layout and paint are included).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}

FIRST_DRAW_JS = """
(() => {
  if (window.top !== window) { return; }
  const SEL = '.leaflet-overlay-pane path, .leaflet-marker-pane .leaflet-marker-icon, ' +
              '.leaflet-overlay-pane canvas:not(.atlas-canvas-points), ' +
              'canvas.atlas-canvas-points[data-drawn]:not([data-drawn="0"])';
  const CANVAS = 'canvas.atlas-canvas-points[data-drawn]:not([data-drawn="0"])';
  const docs = () => {
    const out = [document];
    for (const f of document.querySelectorAll('iframe')) {
      try { if (f.contentDocument) { out.push(f.contentDocument); } } catch (e) { /* cross-origin */ }
    }
    return out;
  };
  const found = (sel) => docs().some(d => d.querySelector(sel));
  const tick = () => {
    if (window.__atlasFirstDraw === undefined && found(SEL)) { window.__atlasFirstDraw = performance.now(); }
    if (window.__atlasCanvasDrawn === undefined && found(CANVAS)) { window.__atlasCanvasDrawn = performance.now(); }
    if (window.__atlasFirstDraw === undefined || window.__atlasCanvasDrawn === undefined) {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
})();
"""

PAN_JS = """
async ([dx, dy, times]) => {
  const map = window.map;
  const frame = [], js = [];
  for (let i = 0; i < times; i++) {
    const sign = i % 2 ? -1 : 1;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const t0 = performance.now();
    await new Promise(resolve => {
      map.once('moveend', () => requestAnimationFrame(() => resolve()));
      map.panBy([sign * dx, sign * dy], {animate: false});
      js.push(performance.now() - t0);
    });
    frame.push(performance.now() - t0);
  }
  return [frame, js];
}
"""


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_page(browser, guard=None):
    """A fresh context (fresh session, cold per-page state; the server stays warm) with the first-draw probe."""
    ctx = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    if guard is not None:
        ctx.route("**/*", guard)
    ctx.add_init_script(FIRST_DRAW_JS)
    return ctx, ctx.new_page()


def block_remote(route) -> None:
    """Route handler: localhost passes, everything else (tiles, CDNs) is aborted: no request leaves the machine."""
    host = route.request.url.split("/")[2].split(":")[0] if "://" in route.request.url else ""
    if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("localhost", "127.0.0.1"):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def map_frame(page, iframe_selector: str | None, timeout_s: float = 120):
    """The frame holding ``window.map`` (the page itself when ``iframe_selector`` is None)."""
    deadline = time.monotonic() + timeout_s
    frame = page.main_frame
    if iframe_selector:
        handle = page.wait_for_selector(iframe_selector, state="attached", timeout=timeout_s * 1000)
        frame = handle.content_frame()
    frame.wait_for_function("() => !!(window.map && window.map._loaded)",
                            timeout=max(1, deadline - time.monotonic()) * 1000)
    return frame


def first_draw_ms(page, timeout_s: float = 120, what: str = "__atlasFirstDraw") -> float:
    """ms from navigation start to the first frame that has a drawn feature (``what`` = "__atlasCanvasDrawn":
    to the first frame after a canvas point layer drew its points)."""
    page.wait_for_function(f"() => window.{what} !== undefined", timeout=timeout_s * 1000)
    return float(page.evaluate(f"() => window.{what}"))


def pan_ms(frame, times: int = 9, dx: int = 120, dy: int = 60) -> tuple[list[float], list[float]]:
    """``times`` programmatic pans, alternating direction so the view stays put: (ms until moveend and the next
    frame, ms of the synchronous work of panBy and its moveend handlers — the redraws). The first is quantised
    to display frames (16.7 ms at 60 Hz); the second is not."""
    frame_ms, js_ms = frame.evaluate(PAN_JS, [dx, dy, times])
    return [float(v) for v in frame_ms], [float(v) for v in js_ms]


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return float(statistics.median(values)) if values else None
