"""China-correct basemaps: on Amap (GCJ-02 tiles) Leaflet holds GCJ-02 coordinates; back on OSM, WGS84 again.

Tiles cannot load offline: this module lets tile requests be answered with an empty 204 (``allow_tiles``);
any other request off localhost still fails the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from geo.core.crs import wgs84_to_gcj02

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
POINTS = ["park_china_cloud_valley", "inst_zju"]
TOL = 1e-6  # degrees


@pytest.fixture
def allow_tiles() -> bool:
    return True


def wgs84_point(feature_id: str) -> tuple[float, float]:
    for name in ("parks.geojson", "institutions.geojson", "companies.geojson"):
        for feature in json.loads((DATA / name).read_text(encoding="utf-8"))["features"]:
            if feature["properties"]["id"] == feature_id:
                assert feature["geometry"]["type"] == "Point", feature_id
                lon, lat = feature["geometry"]["coordinates"]
                return lon, lat
    raise KeyError(feature_id)


def held(app, feature_id: str) -> tuple[float, float]:
    """(lon, lat) Leaflet holds for the feature's marker (exactly one)."""
    latlngs = app.feature_latlngs(feature_id)
    assert len(latlngs) == 1, f"{feature_id}: {len(latlngs)} markers on the map"
    lat, lng = latlngs[0]
    return lng, lat


def test_amap_holds_gcj02_and_osm_switch_restores_wgs84_keeping_the_view(app, hooks, guard):
    app.open(**{hooks.basemap_param: hooks.amap})
    for fid in POINTS:
        app.wait_for_feature(fid)
    wgs = {fid: wgs84_point(fid) for fid in POINTS}
    for fid, (lon, lat) in wgs.items():
        gx, gy = wgs84_to_gcj02(np.array([lon]), np.array([lat]))
        got = held(app, fid)
        assert abs(got[0] - gx[0]) < TOL and abs(got[1] - gy[0]) < TOL, (fid, got, (gx[0], gy[0]))
        # and GCJ-02 is really different from WGS84 here (hundreds of metres), so the check means something
        assert abs(got[0] - lon) > 1e-3 or abs(got[1] - lat) > 1e-3
    assert any("autonavi.com" in u for u in guard.tiles), "the Amap basemap requested no tiles"

    # move the view away from the default so "keeps the view" is not trivially true
    app.map_frame().evaluate("() => { window.map.setView([30.3, 120.05], 12, {animate: false}); }")
    app.page.wait_for_timeout(600)  # st_folium reports the move (debounced)
    app.wait_idle()
    before = app.view()
    app.page.evaluate("() => { window.__no_reload = 1; }")
    app.map_frame().evaluate("() => { window.map.__same_map = 1; }")

    app.choose("底图", "OpenStreetMap")  # the sidebar widget: no reload
    app.map_frame().wait_for_function(
        "([fid, lng]) => { const held = (window.atlasPoints ? window.atlasPoints.atlasMarkers : []).slice();"
        " window.map.eachLayer(l => held.push(l)); return held.some(l => l.feature && l.feature.properties"
        " && l.feature.properties.id === fid && l.getLatLng && Math.abs(l.getLatLng().lng - lng) < 1e-9); }",
        arg=[POINTS[0], wgs[POINTS[0]][0]],
        timeout=30_000,
    )
    for fid, (lon, lat) in wgs.items():
        got = held(app, fid)
        assert abs(got[0] - lon) < TOL and abs(got[1] - lat) < TOL, (fid, got, (lon, lat))
    assert app.page.evaluate("() => window.__no_reload") == 1, "the page reloaded"
    assert app.map_frame().evaluate("() => window.map.__same_map") == 1, "the map was rebuilt"
    after = app.view()
    assert after["zoom"] == before["zoom"]
    assert abs(after["lat"] - before["lat"]) < TOL and abs(after["lng"] - before["lng"]) < TOL, (before, after)
    assert app.page.evaluate("() => new URLSearchParams(location.search).get('basemap')") == hooks.osm
    assert any("openstreetmap.org" in u for u in guard.tiles), "the OSM basemap requested no tiles"
