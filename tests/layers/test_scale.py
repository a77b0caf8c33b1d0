"""layers.scale: the size switch (markers vs canvas), the compact canvas payload, its cache and click mapping."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo.core.crs import wgs84_to_gcj02
from layers import scale


def points(n: int, seed: int = 0, kinds=("company", "fund")) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(119.9, 120.4, n), rng.uniform(30.1, 30.4, n)
    return gpd.GeoDataFrame({
        "id": [f"co_t{i:05d}" for i in range(n)],
        "kind": [kinds[i % len(kinds)] for i in range(n)],
        "location_basis": ["district_only" if i % 3 == 0 else "street_address" for i in range(n)],
        "location_precision_m": [5000.0 if i % 3 == 0 else 50.0 for i in range(n)],
        "name_zh": [f"名字{i}" for i in range(n)],
        "description_en": ["secret server-side text"] * n,
    }, geometry=[Point(x, y) for x, y in zip(lon, lat, strict=True)], crs="EPSG:4326")


def decode(payload: dict) -> np.ndarray:
    x = (payload["x0"] + np.cumsum(payload["dx"])) / payload["scale"]
    y = (payload["y0"] + np.asarray(payload["y"])) / payload["scale"]
    return np.column_stack([x, y])


@pytest.mark.parametrize("n, types, expected", [
    (0, {"Point"}, "markers"),
    (scale.CANVAS_THRESHOLD, {"Point"}, "markers"),
    (scale.CANVAS_THRESHOLD + 1, {"Point"}, "canvas"),
    (100_000, {"Point"}, "canvas"),
    (100_000, {"Polygon"}, "markers"),
    (100_000, {"Point", "Polygon"}, "markers"),
])
def test_rendering_switches_on_size_for_point_layers(n, types, expected):
    assert scale.rendering_for(n, types) == expected


@pytest.mark.parametrize("n, threshold, match", [(-1, 10, "feature count"), (5, -1, "threshold")])
def test_rendering_for_rejects_negative_numbers(n, threshold, match):
    with pytest.raises(ValueError, match=match):
        scale.rendering_for(n, {"Point"}, threshold)


def test_layer_rendering_reads_size_and_geometry_of_a_frame():
    assert scale.layer_rendering(points(50), threshold=10) == "canvas"
    assert scale.layer_rendering(points(5), threshold=10) == "markers"
    polys = gpd.GeoDataFrame({"id": ["a"] * 20}, geometry=[box(120, 30, 120.1, 30.1)] * 20, crs="EPSG:4326")
    assert scale.layer_rendering(polys, threshold=10) == "markers"


def test_payload_round_trips_coordinates_at_six_decimals_in_payload_order():
    gdf = points(500)
    payload = scale.encode_points(gdf, "companies")
    xy = np.column_stack([gdf.geometry.x, gdf.geometry.y])[scale.payload_order(gdf)]
    assert payload["n"] == 500
    assert np.abs(decode(payload) - xy).max() <= 0.5e-6 + 1e-12
    assert min(payload["dx"][1:]) >= 0  # sorted by longitude: deltas are small and never negative


def test_payload_sends_no_names_ids_or_descriptions():
    text = scale.cached_payload(points(50), "companies", cache_key=("t", 1))
    assert "co_t" not in text and "名字" not in text and "secret" not in text
    payload = json.loads(text)
    assert set(payload) == {"layer", "n", "x0", "y0", "scale", "dx", "y", "s", "styles"}
    assert {(s["fill"], s["approx"]) for s in payload["styles"]} == {
        ("#db2777", True), ("#db2777", False), ("#15803d", True), ("#15803d", False)}


def test_payload_in_gcj02_moves_points_but_keeps_the_order():
    gdf = points(200)
    wgs, gcj = scale.encode_points(gdf, "companies"), scale.encode_points(gdf, "companies", "gcj02")
    order = scale.payload_order(gdf)
    ex, ey = wgs84_to_gcj02(gdf.geometry.x.to_numpy()[order], gdf.geometry.y.to_numpy()[order])
    assert np.abs(decode(gcj) - np.column_stack([ex, ey])).max() <= 0.5e-6 + 1e-12
    assert np.abs(decode(gcj) - decode(wgs)).max() > 1e-3  # hundreds of metres apart


def test_encode_rejects_non_points():
    polys = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(120, 30, 120.1, 30.1)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="points only"):
        scale.encode_points(polys, "parks")


def test_cache_is_keyed_by_layer_system_and_filter_key():
    scale.clear_cache()
    a, b = points(30, seed=1), points(30, seed=2)
    first = scale.cached_payload(a, "companies", cache_key=("hash", ("330106",)))
    assert scale.cached_payload(b, "companies", cache_key=("hash", ("330106",))) is first  # same key: cached
    assert scale.cached_payload(b, "companies", cache_key=("hash", ())) != first  # other filters
    assert scale.cached_payload(a, "companies", cache_key=("hash", ("330106",)), system="gcj02") != first
    assert scale.cached_payload(a, "companies") == first  # no key: content hash, same text
    assert scale.cached_payload(b, "companies") != first


def test_click_index_maps_back_to_the_feature_id():
    gdf = points(100)
    payload = scale.encode_points(gdf, "companies")
    i = 37
    lon, lat = decode(payload)[i]
    fid = scale.clicked_feature_id({"companies": gdf},
                                   {"properties": {"atlas_canvas_layer": "companies", "atlas_index": i}})
    row = gdf.set_index("id").loc[fid]
    assert abs(row.geometry.x - lon) < 1e-6 and abs(row.geometry.y - lat) < 1e-6


@pytest.mark.parametrize("clicked", [
    None, {}, {"properties": None}, {"properties": {"id": "park_x"}},
    {"properties": {"atlas_canvas_layer": "companies", "atlas_index": -1}},
    {"properties": {"atlas_canvas_layer": "companies", "atlas_index": True}},
    {"properties": {"atlas_canvas_layer": "companies", "atlas_index": "3"}},
    {"properties": {"atlas_canvas_layer": "companies", "atlas_index": 10_000}},
    {"properties": {"atlas_canvas_layer": "parks", "atlas_index": 0}},
])
def test_clicks_that_are_not_canvas_points_give_none(clicked):
    assert scale.clicked_feature_id({"companies": points(10)}, clicked) is None


def test_canvas_group_renders_one_layer_with_its_code_and_no_properties():
    m = folium.Map(tiles=None)
    scale.canvas_group(points(2000), "companies", name="companies").add_to(m)
    html = m.get_root().render()
    assert html.count("L.atlasCanvasPoints(") == 1
    assert "L.AtlasCanvasPoints = L.Layer.extend" in html
    assert "co_t" not in html and "secret" not in html
    assert '{"radius": 3}' not in html and '{"radius": 4}' in html  # <= 10k points: radius 4


def test_canvas_group_of_an_empty_frame_is_an_empty_group():
    group = scale.canvas_group(points(0), "companies", name="companies")
    assert not group._children


@pytest.mark.parametrize("keep", [[], ["co_t00003", "co_t00001"], [f"co_t{i:05d}" for i in range(20)], ["nope"]])
def test_subset_equals_isin_in_frame_order(keep):
    gdf = points(20)
    got = scale.subset(gdf, keep)
    assert got["id"].tolist() == gdf[gdf["id"].isin(keep)]["id"].tolist()


@pytest.mark.parametrize("internal", ["_on", "_off", "_events", "_map", "_leaflet_id", "_listens", "_zoomAnimated"])
def test_canvas_layer_code_does_not_overwrite_leaflet_internals(internal):
    # Overwriting L.Evented's _off broke layer.off(): streamlit-folium's click hook threw and clicks did nothing.
    assert f"this.{internal} =" not in scale.CANVAS_JS
