"""geo.io.export: RFC 7946 output that parses back to the same features, and honest file names."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from geo.core.filters import Filters
from geo.core.schema import LAYERS
from geo.errors import CRSError, LayerError
from geo.io.export import export_filename, to_geojson


def _all_features(atlas):
    return {row["id"]: row for gdf in atlas.layers.values() for _, row in gdf.iterrows()}


def test_round_trip_with_json(mini_atlas):
    data = json.loads(to_geojson(mini_atlas.layers))
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data and "coordinate_system" not in data
    originals = _all_features(mini_atlas)
    assert [f["id"] for f in data["features"]] == list(originals)
    for feature in data["features"]:
        row = originals[feature["id"]]
        props = feature["properties"]
        assert "geometry" not in props
        for key in ("aliases", "tags", "facts", "parent", "adcode", "name_zh", "location_basis"):
            assert props[key] == row[key], (feature["id"], key)
        assert props["location_precision_m"] == row["location_precision_m"]
        assert shape(feature["geometry"]).equals(row.geometry)


def test_round_trip_with_geopandas(mini_atlas):
    text = to_geojson(mini_atlas.layers["parks"])
    back = gpd.read_file(io.StringIO(text))
    parks = mini_atlas.layers["parks"]
    assert back.crs.to_epsg() == 4326
    assert list(back["id"]) == list(parks["id"])
    assert back.geometry.geom_equals(parks.geometry).all()


def test_provenance_of_facts_survives(mini_atlas):
    data = json.loads(to_geojson(mini_atlas.layers["companies"]))
    fund = next(f for f in data["features"] if f["id"] == "fund_runmiao")
    assert fund["properties"]["facts"] == [{
        "attribute": "fund_size_first_phase", "label_zh": "首期规模", "label_en": "First-phase size", "value": 20,
        "unit": "亿元", "unit_en": "CNY 100 million", "as_of": "2025-12", "target": False, "qualifier": None,
        "source": "s002", "quote_zh": "首期規模20億元的潤苗基金"}]  # the quote travels with its fact (issue 15)
    assert isinstance(fund["properties"]["facts"], list)  # real JSON, not a string


def test_rings_are_rfc7946_oriented():
    outer_cw = [(120.0, 30.0), (120.0, 30.1), (120.1, 30.1), (120.1, 30.0)]
    hole_ccw = [(120.02, 30.02), (120.04, 30.02), (120.04, 30.04), (120.02, 30.04)]
    gdf = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Polygon(outer_cw, [hole_ccw])], crs=4326)
    geom = json.loads(to_geojson(gdf))["features"][0]["geometry"]
    exterior, hole = geom["coordinates"]
    assert shapely.LinearRing(exterior).is_ccw
    assert not shapely.LinearRing(hole).is_ccw


def test_mini_polygons_all_counter_clockwise(mini_atlas):
    for feature in json.loads(to_geojson(mini_atlas.layers))["features"]:
        if feature["geometry"]["type"] == "Polygon":
            assert shapely.LinearRing(feature["geometry"]["coordinates"][0]).is_ccw


def test_no_escaping_of_non_ascii_or_html():
    gdf = gpd.GeoDataFrame({"id": ["x"], "name_zh": ["<script>alert('云谷')</script>"], "note": ["a & b"]},
                           geometry=[Point(120.1, 30.2)], crs=4326)
    text = to_geojson(gdf)
    assert "<script>alert('云谷')</script>" in text
    assert "a & b" in text and "\\u" not in text and "&lt;" not in text


def test_numpy_and_missing_values_become_plain_json():
    gdf = gpd.GeoDataFrame({"id": ["x"], "n": [np.int64(3)], "f": [np.nan], "arr": [np.array(["a", "b"])],
                            "parent": [None]}, geometry=[Point(120.1, 30.2)], crs=4326)
    props = json.loads(to_geojson(gdf))["features"][0]["properties"]
    # a missing optional value is left out (GDAL reads absent keys as null); required ones stay, as null
    assert props == {"id": "x", "n": 3, "arr": ["a", "b"], "parent": None}


def test_missing_geometry_is_null():
    gdf = gpd.GeoDataFrame({"id": ["x", "y"]}, geometry=[None, Point()], crs=4326)
    assert [f["geometry"] for f in json.loads(to_geojson(gdf))["features"]] == [None, None]


def test_list_of_frames_and_empty_input(mini_atlas):
    frames = [mini_atlas.layers["parks"], mini_atlas.layers["companies"]]
    assert len(json.loads(to_geojson(frames))["features"]) == 9
    assert json.loads(to_geojson({})) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize("crs", ["WGS84", "epsg:4326", "gcj-02", None])
def test_unknown_crs(mini_atlas, crs):
    with pytest.raises(CRSError, match=r"unknown export coordinate system .*supported: wgs84, gcj02, bd09"):
        to_geojson(mini_atlas.layers["parks"], crs=crs)


def test_projected_frames_are_refused(mini_atlas):
    with pytest.raises(LayerError, match=r"export expects EPSG:4326 lon/lat frames, got EPSG:3857"):
        to_geojson(mini_atlas.layers["parks"].to_crs(3857))


@pytest.mark.parametrize(("crs", "name", "shift_m"), [("gcj02", "GCJ-02", (300, 700)), ("bd09", "BD-09", (800, 1400))])
def test_chinese_systems_are_labelled_and_shifted(mini_atlas, crs, name, shift_m):
    pytest.importorskip("geo.core.crs")
    from pyproj import Geod

    data = json.loads(to_geojson(mini_atlas.layers["institutions"], crs=crs))
    assert data["coordinate_system"]["name"] == name
    assert "not RFC 7946" in data["coordinate_system"]["note"]
    zju = next(f for f in data["features"] if f["id"] == "inst_zju")
    x, y = zju["geometry"]["coordinates"]
    offset = Geod(ellps="WGS84").inv(120.083, 30.303, x, y)[2]
    assert shift_m[0] < offset < shift_m[1]  # the well-known few-hundred-metre offsets around Hangzhou
    assert zju["properties"]["name_zh"] == "浙江大学"


@pytest.mark.parametrize(("layers", "filters", "crs", "date", "expected"), [
    (["parks", "companies"], Filters(districts=("330106",)), "wgs84", dt.date(2026, 11, 21),
     "hangzhou-atlas_parks+companies_xihu_2026-11-21_wgs84.geojson"),
    (["companies", "parks"], None, "gcj02", "2026-11-21",
     "hangzhou-atlas_parks+companies_2026-11-21_gcj02.geojson"),
    ([], None, "bd09", "2026-01-02", "hangzhou-atlas_all-layers_2026-01-02_bd09.geojson"),
    (list(LAYERS), Filters(tags=("ai", "compute"), kinds=("university",)), "wgs84", "2026-11-21",
     "hangzhou-atlas_all-layers_university_tag-ai+compute_2026-11-21_wgs84.geojson"),
    (["parks"], Filters(districts=("330106", "330105", "330108", "330110")), "wgs84", "2026-11-21",
     "hangzhou-atlas_parks_4-districts_2026-11-21_wgs84.geojson"),
    (["parks"], Filters(text="云谷"), "wgs84", "2026-11-21", "hangzhou-atlas_parks_search_2026-11-21_wgs84.geojson"),
    (["parks"], Filters(text="Cloud Valley!", fact_ranges=(("area", 1, None),)), "wgs84", "2026-11-21",
     "hangzhou-atlas_parks_search-cloud-valley_facts_2026-11-21_wgs84.geojson"),
    (["events"], Filters(period=("2024-10", "2025-06")), "wgs84", "2026-11-21",
     "hangzhou-atlas_events_2024-10-to-2025-06_2026-11-21_wgs84.geojson"),
])
def test_export_filename(layers, filters, crs, date, expected):
    name = export_filename(layers, filters, crs, date)
    assert name == expected
    assert name.isascii()


def test_export_filename_defaults_to_today():
    assert export_filename(["parks"]) == f"hangzhou-atlas_parks_{dt.date.today().isoformat()}_wgs84.geojson"


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"layer_ids": ["roads"]}, LayerError, r"unknown layer 'roads'"),
    ({"crs": "utm"}, CRSError, r"unknown export coordinate system 'utm'"),
    ({"date": "21/11/2026"}, ValueError, r"date must be a date or YYYY-MM-DD"),
])
def test_export_filename_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        export_filename(**{"layer_ids": ["parks"], **kwargs})


# --------------------------------------------------------------------------- issue 10: the two export defects


@pytest.mark.parametrize("layer_file", [spec[0] for spec in LAYERS.values()])
def test_exported_properties_are_exactly_the_stored_ones(layer_file):
    from geo.io.read import read_layer
    from tests.common import REAL_DATA_DIR, read_json

    stored = {f["properties"]["id"]: f["properties"] for f in read_json(REAL_DATA_DIR / layer_file)["features"]}
    exported = json.loads(to_geojson(read_layer(REAL_DATA_DIR / layer_file)))
    assert {f["id"]: f["properties"] for f in exported["features"]} == stored


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_coordinates_have_at_most_six_decimals(mini_atlas, crs):
    text = to_geojson(mini_atlas.layers, crs=crs)
    for feature in json.loads(text)["features"]:
        for x, y in shapely.get_coordinates(shape(feature["geometry"])):
            assert round(x, 6) == x and round(y, 6) == y
    assert not re.search(r"\d\.\d{7,}", json.dumps([f["geometry"] for f in json.loads(text)["features"]]))
