"""First feature drawn: the atlas against the bare page, fresh sessions alternating between two warm servers.

    .venv/bin/python -m bench.first_draw                 # 7 fresh sessions each, shipped data
    .venv/bin/python -m bench.first_draw --visits 9 --set runner.postScriptGC=true

Both servers run in the same run with the same settings (serve.launcher's production settings): the atlas on
``--data`` (``?basemap=none``) and bench/bare_app.py (one st_folium map, one marker, the same local Leaflet). Each
is warmed by one unmeasured visit; then visits alternate bare, atlas, bare, ... each in a fresh browser context (a
new Streamlit session), and the first drawn feature is timed from navigation start (bench/browser.py). Reported:
the medians and their ratio. Headless Chromium, nothing leaves localhost; the loop is bounded by ``--visits``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench import browser as br
from bench.browser_bench import bare_script
from devtools.browser import MAP_IFRAME
from serve.launcher import AppServer

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def first_draw(browser, url: str, timeout_s: float = 120) -> float:
    """One fresh session: ms from navigation start to the first drawn feature."""
    ctx, page = br.new_page(browser, br.block_remote)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        br.map_frame(page, MAP_IFRAME, timeout_s=timeout_s)
        return br.first_draw_ms(page, timeout_s=timeout_s)
    finally:
        ctx.close()


def measure(data_dir: Path, visits: int, settings: dict[str, str], script: str = "streamlit_app.py",
            log=print) -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="atlas-first-draw-"))
    atlas = AppServer(data_dir, tmp / "atlas.log", settings=settings, script=script)
    bare = AppServer(None, tmp / "bare.log", settings=settings, script=bare_script(tmp / "bare"))
    times: dict[str, list[float]] = {"bare": [], "atlas": []}
    with atlas, bare, sync_playwright() as pw:
        browser = br.launch(pw)
        try:
            urls = {"bare": bare.url + "/", "atlas": atlas.url + "/?basemap=none"}
            for url in urls.values():
                first_draw(browser, url)  # warm-up: data loaded and cached, not measured
            for _ in range(visits):
                for name, url in urls.items():
                    times[name].append(first_draw(browser, url))
                log(f"  bare {times['bare'][-1]:6.0f} ms   atlas {times['atlas'][-1]:6.0f} ms")
        finally:
            browser.close()
    med = {name: br.median(v) for name, v in times.items()}
    return {"visits": visits, "settings": settings, "ms": times, "median_ms": med,
            "ratio": round(med["atlas"] / med["bare"], 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--visits", type=int, default=7, help="fresh sessions per page (1-30)")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--script", default="streamlit_app.py")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE")
    parser.add_argument("--tag", default="")
    args = parser.parse_args(argv)
    if not 1 <= args.visits <= 30:
        parser.error("--visits must be between 1 and 30")
    settings = dict(item.split("=", 1) for item in args.set)
    result = measure(args.data.resolve(), args.visits, settings, args.script)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"first-draw{'-' + args.tag if args.tag else ''}.json").write_text(json.dumps(result, indent=1))
    med = result["median_ms"]
    print(f"first feature drawn, medians of {args.visits}: bare {med['bare']:.0f} ms, atlas {med['atlas']:.0f} ms, "
          f"ratio {result['ratio']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
