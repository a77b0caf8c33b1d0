"""Real Chromium pages during the load test (bench/load.py): each must draw the map's features.

    .venv/bin/python -m bench.load_probe URL N         # n fresh pages on URL, one after another; prints JSON
    .venv/bin/python -m bench.load_probe --static URL  # the static files a new page on URL fetches; prints JSON
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEATURE_DRAWN = "[class*='atlas-f-']"


BROWSER_TIMEOUT_S = 120.0


class BrowserProbe:
    """Debian's Chromium in a child process (``python -m bench.load_probe URL N``), so that neither the load
    client nor the browser driver waits on the other: ``check(url, n)`` opens n fresh pages one after another;
    each must draw the map's features."""

    def check(self, url: str, n: int) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "bench.load_probe", url, str(n)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)

    @staticmethod
    def result(proc: subprocess.Popen, timeout_s: float) -> list[dict]:
        try:
            out, _ = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return [{"ok": False, "error": f"the browser probe did not finish in {timeout_s:.0f} s"}]
        found = last_json(out)
        return found if found is not None else [{"ok": False, "error": f"probe exited {proc.returncode}"}]

    def close(self) -> None:
        pass


def probe_pages(url: str, n: int) -> list[dict]:
    """In this process: n fresh Chromium pages on ``url``; for each, whether the map drew features, and when."""
    from playwright.sync_api import sync_playwright

    from bench import browser as br

    out = []
    with sync_playwright() as pw:
        browser = br.launch(pw)
        try:
            for _ in range(n):
                t0 = time.perf_counter()
                ctx, page = br.new_page(browser, br.block_remote)
                try:
                    page.goto(url, wait_until="commit", timeout=BROWSER_TIMEOUT_S * 1000)
                    drawn, state = _features_drawn(page, t0 + BROWSER_TIMEOUT_S)
                    row = {"ok": drawn > 0, "features": drawn, "s": time.perf_counter() - t0}
                    if not drawn:
                        row["error"] = f"no feature drawn; frames: {state}"
                    out.append(row)
                except Exception as exc:  # noqa: BLE001 - a page that did not draw is the result
                    out.append({"ok": False, "error": str(exc)[:300], "s": time.perf_counter() - t0})
                finally:
                    ctx.close()
        finally:
            browser.close()
    return out


def _features_drawn(page, deadline: float) -> tuple[int, list]:
    """Features drawn in the map's frame (looked up again each time: a rerun may replace the iframe)."""
    from playwright.sync_api import Error as PlaywrightError

    state: list = []
    while time.perf_counter() < deadline:
        state = []
        for frame in page.frames:
            try:
                got = frame.evaluate("(s) => [typeof window.map, !!(window.map && window.map._loaded), "
                                     "document.querySelectorAll(s).length]", FEATURE_DRAWN)
            except PlaywrightError as exc:  # the frame went away during a rerun: look again
                got = str(exc)[:80]
            state.append((frame.url[-80:], got))
            if isinstance(got, list) and got[1] and got[2]:
                return got[2], state
        page.wait_for_timeout(250)
    return 0, state



STATIC_SETTLE_S = 2.5  # s after the map is loaded: the map's plugins and the panel's lazy chunks come by then


def static_paths(url: str) -> list[str]:
    """The paths (with their query) of the static files a fresh Chromium page on ``url`` fetches from its server,
    in order: Streamlit's frontend, the component's frontend, the map's scripts and stylesheets
    (serve.balancer.STATIC_PATHS). bench/load.py's visitors fetch the same to cost what a first-time browser
    costs."""
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    from bench import browser as br
    from devtools.browser import MAP_IFRAME
    from serve.balancer import STATIC_PATHS

    origin = urlsplit(url).netloc
    seen: list[str] = []

    def on_request(request) -> None:
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.netloc == origin and parts.path.startswith(STATIC_PATHS) and path not in seen:
            seen.append(path)

    with sync_playwright() as pw:
        browser = br.launch(pw)
        try:
            ctx, page = br.new_page(browser, br.block_remote)
            page.on("request", on_request)
            page.goto(url, wait_until="commit", timeout=BROWSER_TIMEOUT_S * 1000)
            br.map_frame(page, MAP_IFRAME, timeout_s=BROWSER_TIMEOUT_S)
            page.wait_for_timeout(STATIC_SETTLE_S * 1000)
            ctx.close()
        finally:
            browser.close()
    return seen


def record_static(url: str, timeout_s: float = BROWSER_TIMEOUT_S * 2) -> list[str]:
    """:func:`static_paths` in a child process (the load test's own process stays free of the browser driver)."""
    out = subprocess.run([sys.executable, "-m", "bench.load_probe", "--static", url], cwd=ROOT, capture_output=True,
                         text=True, timeout=timeout_s)
    found = last_json(out.stdout)
    if out.returncode or found is None:
        raise RuntimeError(f"recording the static files of {url} failed: {out.stderr[-500:]}")
    return found


def last_json(stdout: str) -> list | None:
    """The JSON list a child process of this module printed last (its other output is Playwright's), or None."""
    lines = [line for line in stdout.splitlines() if line.startswith("[")]
    return json.loads(lines[-1]) if lines else None


if __name__ == "__main__":
    if sys.argv[1] == "--static":
        print(json.dumps(static_paths(sys.argv[2])))
    else:
        print(json.dumps(probe_pages(sys.argv[1], int(sys.argv[2]))))
