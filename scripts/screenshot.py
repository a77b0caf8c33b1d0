"""Take docs/screenshot.png: the app on the shipped data at 1600x1000 with a district selected.

    .venv/bin/python scripts/screenshot.py [--out docs/screenshot.png] [--district dist_xihu]

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

from tests.browser.conftest import (  # noqa: E402 - needs ROOT on sys.path
    CHROMIUM_ARGS,
    HOOKS,
    AppPage,
    AppServer,
    NetworkGuard,
    _ensure_chromium,
)

SIZE = {"width": 1600, "height": 1000}


def shoot(app: AppPage, out: Path, district: str = "dist_xihu") -> Path:
    """Open the app on ``app``'s server with ``district`` selected and write a viewport screenshot to ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    app.page.set_viewport_size(SIZE)
    app.open(**{HOOKS.basemap_param: HOOKS.no_tiles, HOOKS.select_param: district})
    app.wait_for_selected(district)
    app.page.wait_for_timeout(800)  # let Leaflet finish its zoom animation
    app.page.screenshot(path=str(out), full_page=False)
    return out


def take(out: Path, district: str = "dist_xihu", data_dir: Path | None = None) -> Path:
    """Start a server and a browser, shoot, stop both; raise if the page made a request off localhost."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = AppServer(data_dir or ROOT / "data", Path(tmp) / "streamlit.log").start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=_ensure_chromium(), headless=True, args=CHROMIUM_ARGS)
                try:
                    guard = NetworkGuard()
                    ctx = browser.new_context(viewport=SIZE, locale="zh-CN", device_scale_factor=1)
                    ctx.route("**/*", guard.handle)
                    shoot(AppPage(ctx.new_page(), server), out, district)
                    guard.assert_clean()
                finally:
                    browser.close()
        finally:
            server.stop()
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("--district", default="dist_xihu")
    args = ap.parse_args(argv)
    print(take(args.out, args.district))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
