"""The map-first layout: the map fills the window below a slim header at desktop sizes, the side panel beside
it never scrolls sideways, and on a phone the map comes first and the panel follows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1440, 900), (1280, 720)])
def test_map_covers_most_of_a_desktop_window(app, hooks, width, height):
    app.page.set_viewport_size({"width": width, "height": height})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_zijingang"})
    app.wait_for_selected("park_zijingang")
    box = app.page.locator(MAP_IFRAME).bounding_box()
    visible_h = min(box["y"] + box["height"], height) - max(box["y"], 0)
    share = box["width"] * visible_h / (width * height)
    assert share >= 0.45, f"the map covers {share:.0%} of a {width}x{height} window"
    assert box["y"] + box["height"] <= height + 1  # the whole map is in the window, below the header
    panel = app.page.locator(".st-key-side_panel").bounding_box()
    assert panel["x"] >= box["x"] + box["width"] - 1  # beside the map
    assert not app.scrolls_sideways(".st-key-side_panel")
    inner = app.map_frame().evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
    assert abs(inner[1] - box["height"]) <= 2  # Leaflet fills its frame (no grey band under the map)


def test_phone_shows_the_map_first_then_the_panel(app, hooks):
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_china_cloud_valley"})
    app.wait_for_selected("park_china_cloud_valley")
    box = app.page.locator(MAP_IFRAME).bounding_box()
    panel = app.page.locator(".st-key-side_panel").bounding_box()
    assert box["width"] >= 340 and box["height"] >= 0.5 * 844
    assert panel["y"] >= box["y"] + box["height"] - 1  # the panel follows the map
    assert not app.scrolls_sideways(".st-key-side_panel")
    legend_open = app.map_frame().evaluate("() => document.querySelector('.atlas-legend details').open")
    assert legend_open is False  # folded on a narrow map: it must not hide the map
