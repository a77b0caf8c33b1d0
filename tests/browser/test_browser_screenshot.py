"""scripts/screenshot.py keeps working: a 1600x1000 PNG of the app with a district selected."""

from __future__ import annotations

import struct

import pytest

from scripts.screenshot import SIZE, shoot

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_shows_the_selected_district(app, hooks, tmp_path, guard):
    out = shoot(app, tmp_path / "shot.png", "dist_xihu")
    data = out.read_bytes()
    assert png_size(data) == (SIZE["width"], SIZE["height"])
    assert len(data) > 50_000, "suspiciously small: a blank page?"
    # what the picture shows: the district outlined as the selection, its name heading the side panel
    assert app.count(hooks.selected("dist_xihu")) == 1
    lines = [line for line in app.selected_panel_text().splitlines() if line.strip()]
    assert "西湖区" in lines[:4], lines[:4]
    guard.assert_clean()
