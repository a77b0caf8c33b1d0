"""Real Chromium pages during the load test (bench/load.py): each must draw the map's features.

    .venv/bin/python -m bench.load_probe URL N     # n fresh pages on URL, one after another; prints JSON
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
        lines = [line for line in out.splitlines() if line.startswith("[")]
        return json.loads(lines[-1]) if lines else [{"ok": False, "error": f"probe exited {proc.returncode}"}]

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



if __name__ == "__main__":
    print(json.dumps(probe_pages(sys.argv[1], int(sys.argv[2]))))
