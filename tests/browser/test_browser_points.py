"""Every point on the map can be reached and clicked, stacked points are grouped (never moved), precision is
drawn, and a selection made outside the map fits the map while a click on the map leaves the view alone."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from devtools.browser import _WHERE_JS
from geo.core.precision import anchors, stacks
from geo.io.atlas import load_atlas
from tests.common import ROOT

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def shipped():
    return load_atlas(ROOT / "data")


def point_ids(atlas, layers) -> list[str]:
    out = []
    for lid in layers:
        gdf = atlas.layers.get(lid)
        if gdf is not None:
            out += gdf.loc[gdf.geometry.geom_type == "Point", "id"].tolist()
    return out


def test_every_point_can_be_selected_on_the_map(app, hooks, shipped):
    ids = point_ids(shipped, hooks.default_layers)
    assert len(ids) >= 84
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.map_frame().wait_for_function("() => !!window.atlasPoints")
    failed = []
    for fid in ids:
        try:
            app.reveal(fid)  # pans, zooms or fans its group out as a visitor would, never by a click on a point
            view = app.view()
            app.mouse_on(fid, click=True)
            app.wait_for_selected(fid, timeout_ms=15_000)
            assert app.view() == pytest.approx(view), "a click on the map moved it"
        except AssertionError as err:
            failed.append(f"{fid}: {err}")
        except Exception as err:  # noqa: BLE001 - a Playwright timeout: record it and go on to the next point
            failed.append(f"{fid}: {type(err).__name__}")
    assert not failed, f"{len(failed)} of {len(ids)} points could not be selected: {failed[:5]}"


def test_group_marker_names_the_shared_spot(app, hooks, shipped):
    points = pd.concat([shipped.layers[lid] for lid in hooks.default_layers if lid in shipped.layers])
    anchor = anchors(shipped)
    stack = next(s for s in sorted(stacks(points), key=lambda s: -len(s.ids))
                 if {anchor[i] for i in s.ids} == {"park_zijingang"})
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.atlasPoints")
    frame.evaluate("([lat, lng]) => { window.map.setView([lat, lng], 15, {animate: false}); }", [stack.lat, stack.lon])
    app.page.wait_for_timeout(500)
    where = frame.evaluate(_WHERE_JS, stack.ids[0])
    assert where["state"] == "grouped" and where["n"] == len(stack.ids) and where["free"]
    box = app.page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    app.page.mouse.move(box["x"] + where["free"][0], box["y"] + where["free"][1])
    tip = frame.wait_for_selector(".leaflet-tooltip.atlas-tip", timeout=5_000).inner_text()
    assert f"{len(stack.ids)} 个要素位于紫金港科技城（位置近似）" in tip
    # the fan keeps true positions: every marker's stored position is the stack's
    positions = frame.evaluate("""(ids) => window.atlasPoints.atlasMarkers
        .filter(m => ids.includes(m.feature.properties.id)).map(m => [m.getLatLng().lat, m.getLatLng().lng])""",
                               list(stack.ids))
    assert len(positions) == len(stack.ids)
    assert all(abs(lat - stack.lat) < 1e-6 and abs(lng - stack.lon) < 1e-6 for lat, lng in positions)


_CIRCLE_JS = """(fid) => {
    let found = null;
    window.map.eachLayer(l => {
        if (!found && l.options && (l.options.className || '').split(' ').includes('atlas-unc-' + fid)
            && l.getLatLngs) found = l;
    });
    if (!found) return null;
    let sel = null;
    window.map.eachLayer(l => {
        if (l.options && (l.options.className || '').includes('atlas-sel-' + fid) && l.getLatLng) sel = l;
    });
    const ring = found.getLatLngs()[0];
    return {centre: [sel.getLatLng().lat, sel.getLatLng().lng],
            dist: ring.map(ll => window.map.distance(sel.getLatLng(), ll))};
}"""


@pytest.mark.parametrize("allow_tiles", [True])  # tile requests are answered empty on this machine
@pytest.mark.parametrize("basemap", ["osm", "amap_road"])
def test_selection_draws_the_uncertainty_circle(app, hooks, shipped, basemap):
    fid = "park_china_cloud_valley"
    _layer, row = shipped.feature(fid)
    assert row["location_basis"] != "parent_location"  # a plain circle: its own position, its own precision
    app.open(**{hooks.basemap_param: basemap, hooks.select_param: fid})
    app.wait_for_selected(fid)
    got = app.map_frame().evaluate(_CIRCLE_JS, fid)
    assert got, "no uncertainty outline drawn for the selection"
    radius = float(row["location_precision_m"])
    assert all(abs(d - radius) / radius < 0.01 for d in got["dist"]), (radius, min(got["dist"]), max(got["dist"]))
    bounds = app.map_frame().evaluate("() => window.map.getBounds().toBBoxString()")
    west, south, east, north = map(float, bounds.split(","))
    lat, lng = got["centre"]
    assert west < lng < east and south < lat < north  # the map was fitted to it


def test_hover_draws_where_a_point_may_be(app, hooks, shipped):
    fid = "park_china_cloud_valley"
    _layer, row = shipped.feature(fid)
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.atlasPoints")
    app.reveal(fid)
    app.mouse_on(fid)
    frame.wait_for_selector(".atlas-unc-hover-circle", state="attached", timeout=5_000)
    dist = frame.evaluate("""(fid) => {
        const m = window.atlasPoints.atlasMarkers.find(m => m.feature.properties.id === fid);
        let ring = null;
        window.map.eachLayer(l => { if (l.options && (l.options.className || '').includes('atlas-unc-hover-circle')
                                        && l.getLatLngs && !ring) ring = l.getLatLngs()[0]; });
        return ring.map(ll => window.map.distance(m._preSpiderfyLatlng || m.getLatLng(), ll));  // true position
    }""", fid)
    radius = float(row["location_precision_m"])
    assert all(abs(d - radius) / radius < 0.01 for d in dist)


def test_search_fits_click_keeps_language_keeps(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    frame = app.map_frame()
    before = app.view()
    app.search("云谷", pick="中国云谷")
    app.wait_for_selected("park_china_cloud_valley")
    fitted = app.view()
    assert fitted["zoom"] > before["zoom"]
    assert math.hypot(fitted["lat"] - 30.33, fitted["lng"] - 120.074) < 0.05
    # a click on the map selects without moving it
    frame = app.map_frame()
    frame.evaluate("() => { window.__kept = 1; }")
    app.reveal("park_yungu_center")
    app.mouse_on("park_yungu_center", click=True)
    app.wait_for_selected("park_yungu_center")
    assert app.view() == pytest.approx(fitted)
    # switching language keeps the map (no remount) and its view
    app.page.locator('[data-testid="stSidebar"] label').filter(has_text="English").first.click()
    app.wait_idle()
    assert app.map_frame().evaluate("() => window.__kept") == 1
    assert app.view() == pytest.approx(fitted)


def test_offline_amap_says_so_on_the_map(app, hooks, guard):
    app.open(**{hooks.basemap_param: hooks.amap})  # the network guard blocks every tile: as with no internet
    frame = app.map_frame()
    notice = frame.wait_for_selector(".atlas-tiles-failed", timeout=15_000).inner_text()
    assert "无底图" in notice
    assert guard.problems() and all("autonavi.com" in u for u in guard.problems())  # only tiles were tried
    guard.blocked.clear()  # those were the point of this test


FANNED = "co_westlake_robotics"  # placed at 紫金港科技城 (±5.6 km) with some 40 others: in a group until fanned out

# In the map frame: the marker of ``fid``: where it stands now (fanned out or not), its true position, whether its
# group is fanned out, and the hover circle's distances from the true position (none when not drawn).
_FAN_JS = """(fid) => {
    const m = window.atlasPoints.atlasMarkers.find(m => m.feature.properties.id === fid);
    const now = m.getLatLng(), truth = m._preSpiderfyLatlng || now;
    let ring = null;
    window.map.eachLayer(l => { if (l.options && (l.options.className || '').includes('atlas-unc-hover-circle')
                                    && l.getLatLngs && !ring) ring = l.getLatLngs()[0]; });
    return {now: [now.lat, now.lng], truth: [truth.lat, truth.lng], onMap: !!m._map,
            fanned: !!window.atlasPoints._spiderfied,
            dist: ring ? ring.map(ll => window.map.distance(truth, ll)) : null};
}"""


def test_hover_circle_of_a_fanned_point_is_at_its_true_position(app, hooks, shipped):
    _layer, row = shipped.feature(FANNED)
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.atlasPoints")
    app.reveal(FANNED)  # fans its group out
    app.mouse_on(FANNED)
    frame.wait_for_selector(".atlas-unc-hover-circle", state="attached", timeout=5_000)
    got = frame.evaluate(_FAN_JS, FANNED)
    assert got["fanned"] and got["onMap"]
    assert got["truth"] == pytest.approx([row.geometry.y, row.geometry.x], abs=1e-6)  # the stored position
    assert frame.evaluate("([a, b]) => window.map.distance(a, b)", [got["now"], got["truth"]]) > 1, \
        "the marker is not fanned out: the test would not tell the positions apart"
    radius = float(row["location_precision_m"])
    assert all(abs(d - radius) / radius < 0.01 for d in got["dist"]), (min(got["dist"]), max(got["dist"]))


def test_a_fanned_point_stays_fanned_after_a_click_until_the_map_is_clicked(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.layers_param: "parks,institutions,companies"})
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.atlasPoints")
    app.reveal(FANNED)
    app.mouse_on(FANNED, click=True)
    app.wait_for_selected(FANNED)
    frame = app.map_frame()
    frame.wait_for_function("(fid) => window.atlasPoints && window.atlasPoints._spiderfied && "
                            "window.atlasPoints.atlasMarkers.find(m => m.feature.properties.id === fid)._map",
                            arg=FANNED, timeout=10_000)
    app.page.wait_for_timeout(600)  # the fan's animation
    got = frame.evaluate(_FAN_JS, FANNED)
    assert got["fanned"] and got["onMap"] and got["now"] != pytest.approx(got["truth"], abs=1e-7)
    # a click on the map away from every point closes it
    spot = frame.evaluate("""() => {
        const size = window.map.getSize();
        for (let y = size.y - 60; y > 60; y -= 23) for (let x = 60; x < size.x - 60; x += 29) {
            const hit = document.elementFromPoint(x, y);
            if (hit && hit.id === 'map_div') return [x, y];
        }
        return null;
    }""")
    assert spot, "no empty spot on the map"
    box = app.page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    app.page.mouse.click(box["x"] + spot[0], box["y"] + spot[1])
    frame.wait_for_function("() => !window.atlasPoints._spiderfied", timeout=5_000)
    app.wait_idle()
    assert app.map_frame().evaluate(_FAN_JS, FANNED)["fanned"] is False
