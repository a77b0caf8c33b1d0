"""geo.io.atlas: formats, CRS handling, nested-property decoding, sources, the cached atlas."""

from __future__ import annotations

import json
import re
import shutil
import time

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from geo.core.schema import LAYERS
from geo.errors import LayerError, SchemaError, UnsupportedFormatError
from geo.io.atlas import MAX_PROBLEMS_PER_FILE, Atlas, clear_cache, data_version, load_atlas
from geo.io.read import SUPPORTED_FORMATS, UnknownFeatureError, atlas_hash, decode_nested, read_layer, read_sources
from tests.common import MINI_DIR, MINI_IDS, edit_feature, read_json, write_json

PARKS = MINI_DIR / "parks.geojson"


def test_supported_formats_table():
    assert SUPPORTED_FORMATS[".geojson"] == "GeoJSON"
    assert SUPPORTED_FORMATS[".json"] == "GeoJSON"
    assert SUPPORTED_FORMATS[".gpkg"] == "GPKG"
    assert SUPPORTED_FORMATS[".fgb"] == "FlatGeobuf"
    assert SUPPORTED_FORMATS[".shp"] == "ESRI Shapefile"
    assert all(ext.startswith(".") and ext == ext.lower() for ext in SUPPORTED_FORMATS)


@pytest.mark.parametrize("name", ["parks.csv", "parks.xlsx", "parks", "parks.geojson.zip", "parks.topojson"])
def test_unsupported_extension_lists_supported(tmp_path, name):
    path = tmp_path / name
    path.write_text("x")
    with pytest.raises(UnsupportedFormatError, match=r"unsupported file format .*supported extensions: .*\.fgb.*"
                                                     r"\.geojson.*\.gpkg.*\.shp") as info:
        read_layer(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)


def test_read_mini_parks():
    gdf = read_layer(PARKS)
    assert list(gdf["id"]) == list(MINI_IDS["parks"])
    assert gdf.crs.to_epsg() == 4326
    row = gdf.set_index("id").loc["park_china_cloud_valley"]
    assert row["aliases"] == ["中國雲谷"] and type(row["aliases"]) is list
    assert row["tags"] == ["ai", "compute", "secure_it"]
    assert row["facts"][0]["value"] == "2024-10" and row["facts"][0]["qualifier"] is None
    assert row["parent"] == "park_zijingang"
    assert gdf.set_index("id").loc["park_zijingang", "parent"] is None
    assert row.geometry.equals(Point(120.075, 30.325))


@pytest.mark.parametrize("prop", ["aliases", "tags", "facts"])
def test_nested_properties_are_python_lists_in_every_layer(prop):
    for lid, (name, _zh, _en) in LAYERS.items():
        gdf = read_layer(MINI_DIR / name)
        for value in gdf[prop]:
            assert type(value) is list, (lid, prop, value)
            assert not any(isinstance(v, np.generic | np.ndarray) for v in value)


def test_empty_string_lists_are_lists_not_float_arrays():
    gdf = read_layer(MINI_DIR / "districts.geojson").set_index("id")
    # GDAL hands empty string lists back as float64 arrays; they must come out as []
    assert gdf.loc["dist_shangcheng", "aliases"] == []
    assert gdf.loc["dist_gongshu", "tags"] == []


@pytest.mark.parametrize("ext", [".gpkg", ".fgb"])
def test_round_trip_through_other_formats(tmp_path, ext):
    original = read_layer(PARKS)
    out = original.copy()
    for prop in ("aliases", "tags", "facts"):
        out[prop] = [json.dumps(v, ensure_ascii=False) for v in out[prop]]
    path = tmp_path / f"parks{ext}"
    out.to_file(path, engine="pyogrio")
    # FlatGeobuf stores features in spatial-index order
    back = read_layer(path).set_index("id").loc[list(original["id"])]
    for prop in ("aliases", "tags", "facts"):
        assert list(back[prop]) == list(original[prop])
    assert back.geometry.geom_equals(original.set_index("id").geometry).all()


def test_projected_crs_is_reprojected(tmp_path):
    original = read_layer(PARKS)
    path = tmp_path / "parks_3857.gpkg"
    original[["id", "geometry"]].to_crs(3857).to_file(path, engine="pyogrio")
    back = read_layer(path)
    assert back.crs.to_epsg() == 4326
    assert np.allclose(back.geometry.get_coordinates(), original.geometry.get_coordinates(), atol=1e-9)


def test_geojson_with_legacy_crs_member_is_reprojected(tmp_path):
    x, y = gpd.GeoSeries([Point(120.1, 30.2)], crs=4326).to_crs(3857).iloc[0].coords[0]
    path = tmp_path / "legacy.geojson"
    write_json(path, {"type": "FeatureCollection",
                      "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
                      "features": [{"type": "Feature", "properties": {"id": "a"},
                                    "geometry": {"type": "Point", "coordinates": [x, y]}}]})
    back = read_layer(path)
    assert back.crs.to_epsg() == 4326
    assert back.geometry.iloc[0].x == pytest.approx(120.1, abs=1e-9)
    assert back.geometry.iloc[0].y == pytest.approx(30.2, abs=1e-9)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_without_crs_is_rejected(tmp_path):
    path = tmp_path / "nocrs.shp"
    gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(120.1, 30.2)]).to_file(path, engine="pyogrio")
    with pytest.raises(LayerError, match=r"nocrs\.shp: ESRI Shapefile file has no coordinate reference system"):
        read_layer(path)


def test_geojson_without_crs_is_wgs84(tmp_path):
    path = tmp_path / "plain.geojson"
    write_json(path, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "Point", "coordinates": [120.1, 30.2]}}]})
    assert read_layer(path).crs.to_epsg() == 4326


@pytest.mark.parametrize(("content", "name"), [
    ('{"type": "FeatureCollection", "features": [', "truncated.geojson"),
    ("this is not json", "garbage.geojson"),
    ("", "empty.geojson"),
    ("PK\x03\x04 not a geopackage", "corrupt.gpkg"),
])
def test_corrupt_files_name_the_file(tmp_path, content, name):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(LayerError, match=rf"{name}: cannot read") as info:
        read_layer(path)
    assert info.value.path == str(path)


def test_missing_file(tmp_path):
    with pytest.raises(LayerError, match=r"nothere\.geojson: file not found"):
        read_layer(tmp_path / "nothere.geojson")


@pytest.mark.parametrize(("value", "expected"), [
    (None, []), (float("nan"), []), ("", []), ("[]", []), ('["a", "b"]', ["a", "b"]), ("['a', 'b']", ["a", "b"]),
    (np.array(["x"]), ["x"]), (np.array([], dtype=float), []), ([{"value": np.int64(3)}], [{"value": 3}]),
    ('[{"value": 1300, "unit": "亿元"}]', [{"value": 1300, "unit": "亿元"}]),
])
def test_decode_nested_valid(value, expected):
    result = decode_nested(value, prop="facts")
    assert result == expected and type(result) is list
    assert all(type(v) is not np.int64 for item in result if isinstance(item, dict) for v in item.values())


@pytest.mark.parametrize(("value", "message"), [
    ("{not json", r"park_x: property 'tags' is neither a list nor JSON text of a list"),
    ('{"a": 1}', r"park_x: property 'tags' must be a list, got dict"),
    (3, r"park_x: property 'tags' must be a list, got int"),
])
def test_decode_nested_invalid(value, message):
    with pytest.raises(SchemaError, match=message):
        decode_nested(value, prop="tags", path="parks.geojson", feature_id="park_x")


def test_read_sources():
    sources = read_sources(MINI_DIR / "sources.json")
    assert list(sources) == ["s000", "s001", "s002", "s003", "s004"]
    assert sources["s002"]["language"] == "zh-Hant"


@pytest.mark.parametrize(("content", "message"), [
    ("[", r"sources\.json: invalid JSON at line 1 column 2"),
    ('{"id": "s000"}', r"sources\.json: must be a JSON list of source objects, got dict"),
    ('[{"id": "s000"}, {"id": "s000"}]', r"sources\.json: s000: duplicate source id"),
    ('[{"name": "x"}]', r"sources\.json: \[0\]: source has no string 'id'"),
])
def test_read_sources_invalid(tmp_path, content, message):
    path = tmp_path / "sources.json"
    path.write_text(content)
    with pytest.raises(LayerError, match=message):
        read_sources(path)


# ------------------------------------------------------------------------------------------------ atlas


def test_load_mini_atlas(mini_atlas):
    assert isinstance(mini_atlas, Atlas)
    assert list(mini_atlas.layers) == list(LAYERS)
    assert {lid: tuple(g["id"]) for lid, g in mini_atlas.layers.items()} == MINI_IDS
    assert set(mini_atlas.sources) == {"s000", "s001", "s002", "s003", "s004"}
    assert len(mini_atlas.hash) == 64 and mini_atlas.hash == atlas_hash(MINI_DIR)
    assert len(mini_atlas) == 23 and "inst_zju" in mini_atlas and "nope" not in mini_atlas


def test_feature_lookup(mini_atlas):
    layer, row = mini_atlas.feature("inst_westlake_univ")
    assert layer == "institutions" and row["name_zh"] == "西湖大学"
    with pytest.raises(UnknownFeatureError, match=r"park_nowhere: no feature with this id"):
        mini_atlas.feature("park_nowhere")
    with pytest.raises(KeyError):
        mini_atlas.feature("park_nowhere")


def test_atlas_is_frozen(mini_atlas):
    with pytest.raises(AttributeError):
        mini_atlas.hash = "x"
    with pytest.raises(TypeError):
        mini_atlas.layers["parks"] = None


def test_missing_optional_layers_are_absent(tmp_path):
    for name in ("parks.geojson", "sources.json"):
        shutil.copy(MINI_DIR / name, tmp_path / name)
    atlas = load_atlas(tmp_path)
    assert list(atlas.layers) == ["parks"]
    assert atlas.feature("park_yunqi_town")[0] == "parks"


def test_cache_hit_and_invalidation(mini_copy):
    clear_cache()
    first = load_atlas(mini_copy)
    assert load_atlas(mini_copy) is first
    assert load_atlas(str(mini_copy) + "/") is first  # same resolved directory
    edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", name_en="Yunqi Town (edited)")
    second = load_atlas(mini_copy)
    assert second is not first and second.hash != first.hash
    assert second.feature("park_yunqi_town")[1]["name_en"] == "Yunqi Town (edited)"
    assert first.feature("park_yunqi_town")[1]["name_en"] == "Yunqi Town"


def test_touching_a_file_without_changing_bytes_keeps_the_cache(mini_copy):
    first = load_atlas(mini_copy)
    time.sleep(0.01)
    (mini_copy / "parks.geojson").write_bytes((mini_copy / "parks.geojson").read_bytes())
    assert load_atlas(mini_copy) is first


def test_hash_depends_on_every_file(mini_copy):
    before = atlas_hash(mini_copy)
    data = read_json(mini_copy / "sources.json")
    data[0]["headline_en"] += "!"
    write_json(mini_copy / "sources.json", data)
    assert atlas_hash(mini_copy) != before


def test_duplicate_id_across_layers_is_rejected():
    from tests.common import BROKEN_DIR

    with pytest.raises(SchemaError, match=r"park_yunqi_town: duplicate id \(also in layer 'parks'\)"):
        load_atlas(BROKEN_DIR / "duplicate_id_across_layers")


@pytest.mark.parametrize(("case", "message"), [
    ("bad_json", r"institutions\.geojson: cannot read GeoJSON file"),
    ("not_feature_collection", r"companies\.geojson: cannot read GeoJSON file"),
])
def test_broken_atlas_files_raise_layer_error(case, message):
    from tests.common import BROKEN_DIR

    with pytest.raises(LayerError, match=message):
        load_atlas(BROKEN_DIR / case)


def test_not_a_directory(tmp_path):
    with pytest.raises(LayerError, match=r"missing: not a directory"):
        load_atlas(tmp_path / "missing")


# ------------------------------------------------------------------------------ load_atlas(strict=False)


@pytest.fixture
def no_disk_cache(monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", "off")
    clear_cache()


@pytest.mark.parametrize(("case", "missing", "problem"), [
    ("bad_json", "institutions", r"^institutions\.geojson: invalid JSON at line \d+"),
    ("not_feature_collection", "companies", r"^companies\.geojson: not a GeoJSON FeatureCollection"),
    ("duplicate_id_across_layers", "companies", r"^companies\.geojson: park_yunqi_town: duplicate id"),
    ("duplicate_id", "institutions", r"^institutions\.geojson: inst_zju: duplicate id"),
    ("missing_field", "institutions", r"^institutions\.geojson: inst_zju: missing required property 'name_en'"),
    ("unknown_parent", "parks", r"^parks\.geojson: park_yungu_center: unknown parent 'park_nowhere'"),
    ("wrong_type", "institutions", r"^institutions\.geojson: inst_westlake_univ: property 'location_precision_m'"),
])
def test_tolerant_load_leaves_out_the_bad_file_and_names_it(no_disk_cache, case, missing, problem):
    from tests.common import BROKEN_DIR

    atlas, problems = load_atlas(BROKEN_DIR / case, strict=False)
    assert missing not in atlas.layers
    assert set(atlas.layers) == set(LAYERS) - {missing}
    assert len(problems) == 1 and re.match(problem, problems[0]), problems
    assert str(BROKEN_DIR) not in problems[0]  # paths relative to the data directory


def test_tolerant_load_of_valid_data_has_no_problems_and_the_same_frames(no_disk_cache, mini_atlas):
    atlas, problems = load_atlas(MINI_DIR, strict=False)
    assert problems == ()
    assert list(atlas.layers) == list(mini_atlas.layers) and atlas.hash == mini_atlas.hash
    for lid, gdf in mini_atlas.layers.items():
        assert atlas.layers[lid].equals(gdf)


def test_problems_are_capped_per_file(no_disk_cache, mini_copy):
    fc = read_json(mini_copy / "companies.geojson")
    for feature in fc["features"]:
        feature["properties"]["kind"] = "spaceship"
        feature["properties"]["location_basis"] = "guess"
    write_json(mini_copy / "companies.geojson", fc)
    atlas, problems = load_atlas(mini_copy, strict=False)
    assert "companies" not in atlas.layers and "parks" in atlas.layers
    assert len(problems) == MAX_PROBLEMS_PER_FILE + 1
    assert re.fullmatch(r"companies\.geojson: … \d+ more", problems[-1])


def test_tolerant_load_is_cached_per_content(no_disk_cache, mini_copy):
    first = load_atlas(mini_copy, strict=False)
    assert load_atlas(mini_copy, strict=False) is first
    edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", kind="spaceship")
    atlas, problems = load_atlas(mini_copy, strict=False)
    assert atlas.hash != first[0].hash and "parks" not in atlas.layers and len(problems) == 1


def test_freshness_is_checked_by_stat_and_content_hashed_only_on_change(no_disk_cache, mini_copy, monkeypatch):
    import geo.io.atlas as gio

    monkeypatch.setattr(gio, "_RECENT_NS", 0)  # the copy was just written; do not wait two seconds
    reads = []
    real_hash = gio.atlas_hash
    monkeypatch.setattr(gio, "atlas_hash", lambda d: reads.append(d) or real_hash(d))
    version = data_version(mini_copy)
    assert data_version(mini_copy) == version and load_atlas(mini_copy, strict=False)[0].hash == version
    assert len(reads) == 1  # stat unchanged: no file read again
    (mini_copy / "parks.geojson").write_bytes((mini_copy / "parks.geojson").read_bytes())  # touched, same bytes
    assert data_version(mini_copy) == version and len(reads) == 2
    edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", name_en="Yunqi")
    assert data_version(mini_copy) != version and len(reads) == 3
    (mini_copy / "plans.geojson").unlink()
    assert data_version(mini_copy) == atlas_hash(mini_copy) and len(reads) == 4


def test_a_just_changed_file_is_hashed_again_on_every_call(no_disk_cache, mini_copy, monkeypatch):
    import geo.io.atlas as gio

    reads = []
    real_hash = gio.atlas_hash
    monkeypatch.setattr(gio, "atlas_hash", lambda d: reads.append(d) or real_hash(d))
    data_version(mini_copy)
    data_version(mini_copy)  # written within _RECENT_NS: a same-size edit in the same mtime tick must not be missed
    assert len(reads) == 2
