"""Take the README's screenshots: the app on the shipped data with a feature selected, at the three desktop sizes
the layout is made for and on a phone.

    .venv/bin/python scripts/screenshot.py                 # docs/screenshot-<w>x<h>.png for every size in SIZES
    .venv/bin/python scripts/screenshot.py --size 1440x900 --district park_china_cloud_valley --out x.png

Starts its own ``streamlit run`` on a free port (the same server class the browser tests use), drives
Debian's Chromium headless with the no-tiles basemap (no request leaves localhost), and writes the PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from devtools.browser import CHROMIUM_ARGS, HOOKS, AppPage, NetworkGuard, ensure_chromium  # noqa: E402
from serve.launcher import AppServer  # noqa: E402 - both need ROOT on sys.path

SIZES = ((1920, 1080), (1440, 900), (1280, 720), (390, 844))
SIZE = {"width": 1440, "height": 900}
DEFAULT_FEATURE = "park_xihu_data_intel"  # a park placed at 紫金港科技城: its uncertainty and the group show


def shoot(app: AppPage, out: Path, district: str = DEFAULT_FEATURE, size: dict | None = None) -> Path:
    """Open the app on ``app``'s server with ``district`` selected and write a viewport screenshot to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    app.page.set_viewport_size(size or SIZE)
    app.open(**{HOOKS.basemap_param: HOOKS.no_tiles, HOOKS.select_param: district})
    app.wait_for_selected(district)
    app.page.wait_for_timeout(800)  # let Leaflet finish its zoom animation
    app.page.screenshot(path=str(out), full_page=False)
    return out


def take(outs: dict[Path, tuple[int, int]], district: str = DEFAULT_FEATURE, data_dir: Path | None = None
         ) -> list[Path]:
    """Start a server and a browser, shoot each (path: (width, height)), stop both; raise if the page made a
    request off localhost."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = AppServer(data_dir or ROOT / "data", Path(tmp) / "streamlit.log").start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=ensure_chromium(), headless=True, args=CHROMIUM_ARGS)
                try:
                    guard = NetworkGuard()
                    for out, (w, h) in outs.items():
                        ctx = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN",
                                                  device_scale_factor=1, is_mobile=w < 600, has_touch=w < 600)
                        ctx.route("**/*", guard.handle)
                        shoot(AppPage(ctx.new_page(), server), out, district, {"width": w, "height": h})
                        ctx.close()
                    guard.assert_clean()
                finally:
                    browser.close()
        finally:
            server.stop()
    return list(outs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="one file (with --size); default: docs/screenshot-<w>x<h>.png each")
    ap.add_argument("--size", help="WIDTHxHEIGHT, e.g. 1440x900 (default: every size in SIZES)")
    ap.add_argument("--district", default=DEFAULT_FEATURE, help="the feature to select (any feature id)")
    args = ap.parse_args(argv)
    sizes = [tuple(int(v) for v in args.size.split("x"))] if args.size else list(SIZES)
    if args.out and len(sizes) == 1:
        outs = {args.out: sizes[0]}
    else:
        outs = {ROOT / "docs" / f"screenshot-{w}x{h}.png": (w, h) for w, h in sizes}
    for path in take(outs, args.district):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
