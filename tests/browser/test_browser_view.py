"""The map's view in the URL: pan and zoom with the mouse, copy the link, open it in a fresh page: the same centre and
zoom. A selection in the link still fits the map to the feature, whatever view the link also gives."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from devtools.browser import MAP_IFRAME, AppPage, script_runs

pytestmark = pytest.mark.browser

CENTRE_TOL = 2e-4  # degrees: the URL keeps 5 decimals, Leaflet rounds pans to whole pixels


def url_view(page) -> tuple[float, float, float] | None:
    raw = parse_qs(urlparse(page.url).query).get("view")
    return tuple(float(x) for x in raw[0].split(",")) if raw else None


def test_a_copied_link_reopens_the_same_view(app, hooks, context):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.map_frame()
    assert url_view(app.page) is None  # the opening view: a plain URL
    box = app.page.query_selector(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    app.page.mouse.move(x - 180, y + 120, steps=12)  # drag the map: the view moves north-east
    app.page.mouse.up()
    app.map_locator().locator(".leaflet-control-zoom-in").click()  # and zoom in one level
    app.map_frame().wait_for_function("() => window.map.getZoom() === 11")
    app.page.wait_for_function("() => new URLSearchParams(location.search).has('view')", timeout=15_000)
    app.wait_idle()
    moved = app.view()
    lat, lng, zoom = url_view(app.page)
    assert (lat, lng) == pytest.approx((moved["lat"], moved["lng"]), abs=CENTRE_TOL) and zoom == moved["zoom"]
    assert "sel" not in parse_qs(urlparse(app.page.url).query)  # a drag selects nothing
    link = app.page.url

    fresh = AppPage(context.new_page(), app.server)  # a new Streamlit session from the copied link
    fresh.page.goto(link, wait_until="domcontentloaded")
    fresh.wait_idle()
    fresh.map_frame().wait_for_function("(z) => window.map.getZoom() === z", arg=zoom, timeout=15_000)
    fresh.wait_for_count(hooks.feature("dist_xihu"), 1)
    again = fresh.view()
    assert again["zoom"] == moved["zoom"]
    assert again["lat"] == pytest.approx(moved["lat"], abs=CENTRE_TOL)
    assert again["lng"] == pytest.approx(moved["lng"], abs=CENTRE_TOL)
    assert url_view(fresh.page) == pytest.approx((lat, lng, zoom), abs=CENTRE_TOL)


def test_a_selection_in_the_link_fits_the_feature_over_its_view(app, hooks):
    fid = "park_china_cloud_valley"
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: fid, "view": "29.5,119.2,8"})
    app.wait_for_selected(fid)
    frame = app.map_frame()
    frame.wait_for_function("() => window.map.getZoom() > 8", timeout=15_000)
    app.wait_idle()
    positions = app.feature_latlngs(fid)
    assert positions, f"{fid} is not drawn"
    inside = frame.evaluate("(lls) => lls.every(ll => window.map.getBounds().contains(ll))", positions)
    assert inside, "the map did not fit the selected feature"
    centre = app.view()
    assert abs(centre["lat"] - 29.5) > 0.3 or abs(centre["lng"] - 119.2) > 0.3  # not the link's view
    # the URL then holds the view the map shows (the fitted one)
    assert url_view(app.page) == pytest.approx((centre["lat"], centre["lng"], centre["zoom"]), abs=CENTRE_TOL)


def test_a_new_page_runs_its_script_once(app, hooks):
    """The map's first view is the component's default value (layers/prerendered.py first_report), so a new page
    sends no report of it: one script run per visitor, as on a bare map page. A drag is still reported."""
    reruns = script_runs(app.page)
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.map_frame()
    app.wait_for_count(hooks.feature("dist_xihu"), 1)
    app.page.wait_for_timeout(1500)  # the frontend's report is debounced by 250 ms
    app.wait_idle()
    assert len(reruns) == 1, "\n".join(str(m)[-600:] for m in reruns[1:])  # only the page's own run
    box = app.page.query_selector(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    app.page.mouse.move(x - 120, y + 80, steps=8)
    app.page.mouse.up()
    app.page.wait_for_function("() => new URLSearchParams(location.search).has('view')", timeout=15_000)
    assert len(reruns) == 2 and reruns[1].rerun_script.fragment_id  # the drag: one rerun of the map's fragment
