"""First feature drawn and what a real browser's new page costs the server: the atlas against the bare page, fresh
sessions alternating between two warm servers.

    .venv/bin/python -m bench.first_draw                 # 7 fresh sessions each, shipped data
    .venv/bin/python -m bench.first_draw --visits 9 --set runner.postScriptGC=true

Both servers run in the same run with the same settings (serve.launcher's production settings): the atlas on
``--data`` (``?basemap=none``) and bench/bare_app.py (one st_folium map, one marker, the same local Leaflet). Each
is warmed by one unmeasured visit; then visits alternate bare, atlas, bare, ... each in a fresh browser context (a
new Streamlit session), and the first drawn feature is timed from navigation start (bench/browser.py). The visit
then stays open ``--settle`` seconds (the map reports a view 250 ms after it moves), and the server's CPU from the
request of the page to the end of the visit is counted, with the script runs the page asked for (``rerun_script``
messages on its websocket) and the requests it made: everything a first-time visitor's browser costs the server
(Streamlit's own frontend files, the component's and the map's static files, gzipped as Chromium asks), where
bench/load.py's visitor speaks only the websocket protocol. Reported: the medians and their ratios. Headless
Chromium, nothing leaves localhost; the loop is bounded by ``--visits``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from bench import browser as br
from bench.browser_bench import bare_script
from bench.load import cpu_seconds
from devtools.browser import MAP_IFRAME, script_runs
from serve.launcher import AppServer

ROOT = Path(__file__).resolve().parents[1]
SETTLE_S = 3.0  # s a visit stays open after its first feature: the map's reports come 250 ms after a move
OUT = ROOT / "bench" / "out"


def first_draw(browser, url: str, pid: int, settle_s: float = 0.0, timeout_s: float = 120) -> dict:
    """One fresh session: ms from navigation start to the first drawn feature; with ``settle_s``, the server's CPU
    seconds for the visit (server ``pid``), the script runs it asked for and its requests."""
    ctx, page = br.new_page(browser, br.block_remote)
    runs, requests = script_runs(page), []
    page.on("request", lambda request: requests.append(request.url))
    try:
        cpu0 = cpu_seconds([pid])
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        br.map_frame(page, MAP_IFRAME, timeout_s=timeout_s)
        out = {"first_draw_ms": br.first_draw_ms(page, timeout_s=timeout_s)}
        if settle_s:
            page.wait_for_timeout(settle_s * 1000)
            out |= {"cpu_s": cpu_seconds([pid]) - cpu0, "script_runs": len(runs), "requests": len(requests)}
        return out
    finally:
        ctx.close()


def measure(data_dir: Path, visits: int, settings: dict[str, str], script: str = "streamlit_app.py",
            log=print, settle_s: float = SETTLE_S) -> dict:
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="atlas-first-draw-"))
    atlas = AppServer(data_dir, tmp / "atlas.log", settings=settings, script=script)
    bare = AppServer(None, tmp / "bare.log", settings=settings, script=bare_script(tmp / "bare"))
    seen: dict[str, list[dict]] = {"bare": [], "atlas": []}
    with atlas, bare, sync_playwright() as pw:
        browser = br.launch(pw)
        try:
            urls = {"bare": (bare.url + "/", bare.pid), "atlas": (atlas.url + "/?basemap=none", atlas.pid)}
            for url, pid in urls.values():
                first_draw(browser, url, pid)  # warm-up: data loaded and cached, not measured
            for _ in range(visits):
                for name, (url, pid) in urls.items():
                    seen[name].append(first_draw(browser, url, pid, settle_s))
                b, a = seen["bare"][-1], seen["atlas"][-1]
                log(f"  bare {b['first_draw_ms']:6.0f} ms {1000 * b.get('cpu_s', 0):5.0f} ms CPU   "
                    f"atlas {a['first_draw_ms']:6.0f} ms {1000 * a.get('cpu_s', 0):5.0f} ms CPU, "
                    f"{a.get('script_runs', '-')} script runs")
        finally:
            browser.close()
    times = {name: [v["first_draw_ms"] for v in visits_] for name, visits_ in seen.items()}
    med = {name: br.median(v) for name, v in times.items()}
    result = {"visits": visits, "settings": settings, "ms": times, "median_ms": med,
              "ratio": round(med["atlas"] / med["bare"], 2)}
    if settle_s:
        cpu = {name: br.median(v["cpu_s"] for v in visits_) for name, visits_ in seen.items()}
        result |= {"settle_s": settle_s, "cpu_s": {name: [v["cpu_s"] for v in vs] for name, vs in seen.items()},
                   "median_cpu_s": cpu, "cpu_ratio": round(cpu["atlas"] / cpu["bare"], 2),
                   "script_runs": {name: [v["script_runs"] for v in vs] for name, vs in seen.items()},
                   "requests": {name: br.median(v["requests"] for v in vs) for name, vs in seen.items()}}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--visits", type=int, default=7, help="fresh sessions per page (1-30)")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--script", default="streamlit_app.py")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE")
    parser.add_argument("--settle", type=float, default=SETTLE_S,
                        help="seconds each visit stays open after its first feature, for the server's CPU (0: none)")
    parser.add_argument("--tag", default="")
    args = parser.parse_args(argv)
    if not 1 <= args.visits <= 30:
        parser.error("--visits must be between 1 and 30")
    settings = dict(item.split("=", 1) for item in args.set)
    if not 0 <= args.settle <= 30:
        parser.error("--settle must be between 0 and 30 seconds")
    result = measure(args.data.resolve(), args.visits, settings, args.script, settle_s=args.settle)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"first-draw{'-' + args.tag if args.tag else ''}.json").write_text(json.dumps(result, indent=1))
    med = result["median_ms"]
    print(f"first feature drawn, medians of {args.visits}: bare {med['bare']:.0f} ms, atlas {med['atlas']:.0f} ms, "
          f"ratio {result['ratio']:.2f}x")
    if args.settle:
        cpu, runs = result["median_cpu_s"], result["script_runs"]
        print(f"server CPU per new page (real Chromium, medians of {args.visits}): bare {1000 * cpu['bare']:.0f} ms, "
              f"atlas {1000 * cpu['atlas']:.0f} ms, ratio {result['cpu_ratio']:.2f}x; script runs per page: bare "
              f"{max(runs['bare'])} at most, atlas {max(runs['atlas'])} at most; requests: bare "
              f"{result['requests']['bare']:.0f}, atlas {result['requests']['atlas']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
