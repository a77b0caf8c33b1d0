"""geo.core.crs against the independent ``prcoords`` implementation, plus round trips, geometries and errors."""

from __future__ import annotations

import time
import warnings

import geopandas as gpd
import numpy as np
import prcoords
import pytest
import shapely
from pyproj import CRS, Geod
from shapely.geometry import GeometryCollection, LineString, MultiPolygon, Point, Polygon

from geo.core import crs
from geo.errors import CRSError

GEOD = Geod(ellps="WGS84")
# prcoords' rectangle, for building samples that stay clear of its edges.
LON_MIN, LON_MAX, LAT_MIN, LAT_MAX = 72.004, 137.8347, 0.8293, 55.8271
# GCJ-02 shifts positions by < 0.01 deg; keep round-trip samples this far inside the rectangle's edges,
# where the standard algorithm can push a point across the edge (then it passes through, by design).
EDGE = 0.02


def _china_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return (rng.uniform(LON_MIN + EDGE, LON_MAX - EDGE, n), rng.uniform(LAT_MIN + EDGE, LAT_MAX - EDGE, n))


def _around_china_sample(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Inside, outside and straddling the rectangle, including a dense strip around Hangzhou."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.uniform(60, 150, n), rng.uniform(118.2, 120.9, n // 2)])
    y = np.concatenate([rng.uniform(-10, 65, n), rng.uniform(29.0, 30.75, n // 2)])
    return x, y


def _ref(func, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Apply a prcoords function ((lat, lon) -> Coords(lat, lon)) point by point."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # prcoords warns for every position outside China
        out = np.array([func((lat, lon)) for lon, lat in zip(x, y, strict=True)])
    return out[:, 1], out[:, 0]


def _metres(x1, y1, x2, y2) -> np.ndarray:
    return GEOD.inv(x1, y1, x2, y2)[2]


# --- forward transforms against prcoords -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (crs.wgs84_to_gcj02, prcoords.wgs_gcj),
        (crs.gcj02_to_bd09, prcoords.gcj_bd),
        (crs.wgs84_to_bd09, prcoords.wgs_bd),
    ],
    ids=["wgs84->gcj02", "gcj02->bd09", "wgs84->bd09"],
)
def test_forward_matches_prcoords(ours, theirs):
    x, y = _around_china_sample(3000, seed=1)
    got_x, got_y = ours(x, y)
    ref_x, ref_y = _ref(theirs, x, y)
    np.testing.assert_allclose(got_x, ref_x, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got_y, ref_y, rtol=0, atol=1e-9)


def test_forward_moves_positions_in_china_by_plausible_amounts():
    x, y = _china_sample(2000, seed=2)
    d = _metres(x, y, *crs.wgs84_to_gcj02(x, y))
    assert d.min() > 1.0  # the offset never vanishes inside China
    assert d.max() < 1000.0  # and is at most a few hundred metres


# --- inverses ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inverse", "their_forward", "their_inverse", "their_tol"),
    [
        (crs.gcj02_to_wgs84, prcoords.wgs_gcj, prcoords.gcj_wgs_bored, 1e-7),
        (crs.bd09_to_gcj02, prcoords.gcj_bd, prcoords.bd_gcj_bored, 1e-7),
        # prcoords iterates the composite only until its residual is < 1e-5 deg, so it is looser here
        (crs.bd09_to_wgs84, prcoords.wgs_bd, prcoords.bd_wgs_bored, 5e-7),
    ],
    ids=["gcj02->wgs84", "bd09->gcj02", "bd09->wgs84"],
)
def test_inverse_against_prcoords(inverse, their_forward, their_inverse, their_tol):
    x, y = _china_sample(3000, seed=3)
    fx, fy = _ref(their_forward, x, y)
    got_x, got_y = inverse(fx, fy)
    # prcoords' own forward maps our answer back onto the input (to 1e-8 deg, about 1 mm) ...
    back_x, back_y = _ref(their_forward, got_x, got_y)
    np.testing.assert_allclose(back_x, fx, rtol=0, atol=1e-8)
    np.testing.assert_allclose(back_y, fy, rtol=0, atol=1e-8)
    # ... and its iterative inverse, which stops at a coarser tolerance, agrees to a few cm at most.
    ref_x, ref_y = _ref(their_inverse, fx, fy)
    np.testing.assert_allclose(got_x, ref_x, rtol=0, atol=their_tol)
    np.testing.assert_allclose(got_y, ref_y, rtol=0, atol=their_tol)


def test_one_step_inverse_would_not_be_good_enough():
    """Guards the test above: prcoords' one-step inverse is metres off, ours is not."""
    x, y = _china_sample(500, seed=4)
    gx, gy = crs.wgs84_to_gcj02(x, y)
    rough_x, rough_y = _ref(prcoords.gcj_wgs, gx, gy)
    assert _metres(x, y, rough_x, rough_y).max() > 0.1
    assert _metres(x, y, *crs.gcj02_to_wgs84(gx, gy)).max() < 0.001


@pytest.mark.parametrize(
    ("src", "dst"),
    [("wgs84", "gcj02"), ("wgs84", "bd09"), ("gcj02", "bd09")],
)
def test_round_trip_within_one_centimetre(src, dst):
    x, y = _china_sample(5000, seed=5)
    hz_x, hz_y = np.random.default_rng(6).uniform(118.2, 120.9, 2000), np.random.default_rng(7).uniform(29, 30.75, 2000)
    x, y = np.concatenate([x, hz_x]), np.concatenate([y, hz_y])
    there = crs.get_transform(src, dst)(x, y)
    back_x, back_y = crs.get_transform(dst, src)(*there)
    d = _metres(x, y, back_x, back_y)
    assert d.max() < 0.01, f"worst round trip {d.max():.4f} m at {x[d.argmax()]}, {y[d.argmax()]}"


# --- outside China ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (-0.1276, 51.5072),  # London
        (139.6917, 35.6895),  # Tokyo (east of 137.8347)
        (71.9, 35.0),  # just west of the rectangle
        (137.9, 35.0),  # just east
        (103.8, 0.5),  # south of 0.8293 (Singapore's longitude)
        (105.0, 56.0),  # north of 55.8271
        (-74.006, 40.7128),  # New York
        (151.2, -33.87),  # Sydney
    ],
)
@pytest.mark.parametrize("func", [crs.wgs84_to_gcj02, crs.gcj02_to_wgs84], ids=["fwd", "inv"])
def test_outside_china_passes_through_unchanged(func, lon, lat):
    assert crs.out_of_china(lon, lat)
    x, y = func(lon, lat)
    assert float(x) == lon and float(y) == lat


@pytest.mark.parametrize(
    ("lon", "lat", "outside"),
    [(120.15, 30.25, False), (72.004, 30.0, False), (72.0039, 30.0, True), (137.8347, 30.0, False),
     (137.8348, 30.0, True), (100.0, 0.8293, False), (100.0, 0.8292, True), (100.0, 55.8272, True)],
)
def test_out_of_china_rectangle(lon, lat, outside):
    assert bool(crs.out_of_china(lon, lat)) is outside


def test_mixed_array_only_changes_positions_in_china():
    x = np.array([120.15, -0.1276, 116.4, 139.69])
    y = np.array([30.25, 51.5072, 39.9, 35.69])
    gx, gy = crs.wgs84_to_gcj02(x, y)
    moved = (gx != x) | (gy != y)
    assert moved.tolist() == [True, False, True, False]


# --- input shapes -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [crs.wgs84_to_gcj02, crs.gcj02_to_wgs84, crs.wgs84_to_bd09, crs.bd09_to_wgs84,
                                  crs.gcj02_to_bd09, crs.bd09_to_gcj02])
def test_scalar_list_and_2d_inputs(func):
    sx, sy = func(120.15, 30.25)
    assert np.ndim(sx) == 0 and np.ndim(sy) == 0
    lx, ly = func([120.15, 116.4], [30.25, 39.9])
    assert lx.shape == (2,) and float(lx[0]) == pytest.approx(float(sx), abs=1e-12)
    grid_x, grid_y = np.meshgrid(np.linspace(119, 121, 4), np.linspace(29, 31, 3))
    gx, gy = func(grid_x, grid_y)
    assert gx.shape == gy.shape == (3, 4)
    np.testing.assert_array_equal(gx.ravel(), func(grid_x.ravel(), grid_y.ravel())[0])
    ex, ey = func(np.array([]), np.array([]))
    assert ex.shape == ey.shape == (0,)


def test_hundred_thousand_points_well_under_a_second():
    x, y = _china_sample(100_000, seed=8)
    worst = 0.0
    for func in (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84, crs.bd09_to_wgs84):
        best = min(_timed(func, x, y) for _ in range(3))
        worst = max(worst, best)
    assert worst < 1.0, f"slowest transform took {worst:.3f} s for 100k points"


def _timed(func, x, y) -> float:
    start = time.perf_counter()
    func(x, y)
    return time.perf_counter() - start


# --- geometries -------------------------------------------------------------------------------------------------

POLY_WITH_HOLE = Polygon(
    [(120.0, 30.0), (120.2, 30.0), (120.2, 30.2), (120.0, 30.2)],
    [[(120.05, 30.05), (120.05, 30.1), (120.1, 30.1), (120.1, 30.05)]],
)
GEOMETRIES = {
    "point": Point(120.15, 30.25),
    "line": LineString([(120.1, 30.2), (120.2, 30.3), (120.3, 30.25)]),
    "polygon_with_hole": POLY_WITH_HOLE,
    "multipolygon": MultiPolygon([POLY_WITH_HOLE, Polygon([(121, 30), (121.1, 30), (121.1, 30.1)])]),
    "collection": GeometryCollection([Point(120.15, 30.25), LineString([(120.1, 30.2), (120.2, 30.3)])]),
}


@pytest.mark.parametrize("geom", GEOMETRIES.values(), ids=GEOMETRIES.keys())
@pytest.mark.parametrize(("src", "dst"), [("wgs84", "gcj02"), ("gcj02", "wgs84"), ("wgs84", "bd09"),
                                          ("bd09", "gcj02")])
def test_transform_geometry_keeps_type_and_structure(geom, src, dst):
    out = crs.transform_geometry(geom, src, dst)
    assert out.geom_type == geom.geom_type
    assert shapely.get_num_coordinates(out) == shapely.get_num_coordinates(geom)
    assert shapely.get_num_geometries(out) == shapely.get_num_geometries(geom)
    if isinstance(geom, Polygon):
        assert len(out.interiors) == len(geom.interiors) == 1
    # each coordinate is the point transform of the input coordinate
    coords = shapely.get_coordinates(geom)
    ex, ey = crs.get_transform(src, dst)(coords[:, 0], coords[:, 1])
    np.testing.assert_allclose(shapely.get_coordinates(out), np.column_stack([ex, ey]), rtol=0, atol=1e-12)
    assert not np.allclose(shapely.get_coordinates(out), coords, atol=1e-4, rtol=0)
    assert out.is_valid


def test_transform_geometry_array_with_empty_and_none():
    arr = np.array([Point(120.15, 30.25), Polygon(), None, LineString()], dtype=object)
    out = crs.transform_geometry(arr, "wgs84", "gcj02")
    assert isinstance(out, np.ndarray) and out.shape == (4,)
    assert out[0].geom_type == "Point" and out[0].x != 120.15
    assert out[1].is_empty and out[1].geom_type == "Polygon"
    assert out[2] is None
    assert out[3].is_empty and out[3].geom_type == "LineString"


def test_transform_geometry_geoseries_keeps_index_and_crs():
    series = gpd.GeoSeries([Point(120.15, 30.25), None, POLY_WITH_HOLE], index=[7, 3, 9], crs="EPSG:4326", name="g")
    out = crs.transform_geometry(series, "wgs84", "gcj02")
    assert isinstance(out, gpd.GeoSeries)
    assert list(out.index) == [7, 3, 9] and out.crs == series.crs and out.name == "g"
    assert out.iloc[1] is None and out.iloc[2].geom_type == "Polygon"
    assert out.loc[7].x == pytest.approx(float(crs.wgs84_to_gcj02(120.15, 30.25)[0]), abs=1e-12)


def test_transform_geometry_round_trip_polygon():
    back = crs.transform_geometry(crs.transform_geometry(POLY_WITH_HOLE, "wgs84", "bd09"), "bd09", "wgs84")
    assert shapely.equals_exact(back, POLY_WITH_HOLE, tolerance=1e-9)


def test_same_system_is_identity():
    assert crs.transform_geometry(POLY_WITH_HOLE, "gcj02", "gcj02") is POLY_WITH_HOLE
    x, y = crs.get_transform("bd09", "bd09")(120.0, 30.0)
    assert (float(x), float(y)) == (120.0, 30.0)


# --- GeoDataFrames -----------------------------------------------------------------------------------------------


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b", "c"], "tags": [["ai"], [], ["data"]]},
        geometry=[GEOMETRIES["point"], POLY_WITH_HOLE, GEOMETRIES["multipolygon"]],
        crs="EPSG:4326",
    )


@pytest.mark.parametrize("dst", ["gcj02", "bd09"])
def test_to_system_returns_converted_copy(frame, dst):
    original = frame.geometry.copy()
    out = crs.to_system(frame, dst)
    assert out is not frame
    assert frame.geometry.geom_equals_exact(original, tolerance=0).all()  # input untouched
    assert list(out["id"]) == ["a", "b", "c"] and out["tags"].iloc[0] == ["ai"]
    assert out.crs == frame.crs and out.attrs["coordinate_system"] == dst
    assert list(out.geom_type) == list(frame.geom_type)
    expected = crs.transform_geometry(frame.geometry.values, "wgs84", dst)
    assert all(shapely.equals_exact(a, b, tolerance=0) for a, b in zip(out.geometry, expected, strict=True))
    assert not out.geometry.geom_equals_exact(frame.geometry, tolerance=1e-4).any()


def test_to_system_wgs84_is_an_equal_copy(frame):
    out = crs.to_system(frame, "wgs84")
    assert out is not frame and out.geometry.geom_equals_exact(frame.geometry, tolerance=0).all()


def test_to_system_rejects_projected_frame(frame):
    with pytest.raises(CRSError, match=r"expects WGS84 \(EPSG:4326\).*EPSG:32650"):
        crs.to_system(frame.to_crs("EPSG:32650"), "gcj02")


# --- errors -------------------------------------------------------------------------------------------------------

UNKNOWN = ["utm", "WGS-84", "", None, "epsg:4326"]


@pytest.mark.parametrize("name", UNKNOWN)
@pytest.mark.parametrize(
    "call",
    [
        lambda n: crs.transform_geometry(Point(120, 30), n, "wgs84"),
        lambda n: crs.transform_geometry(Point(120, 30), "wgs84", n),
        lambda n: crs.get_transform("gcj02", n),
        lambda n: crs.to_system(gpd.GeoDataFrame(geometry=[Point(120, 30)], crs="EPSG:4326"), n),
    ],
    ids=["src", "dst", "get_transform", "to_system"],
)
def test_unknown_system_lists_supported_names(call, name):
    with pytest.raises(CRSError, match=rf"unknown coordinate system {name!r}; supported: wgs84, gcj02, bd09"):
        call(name)


@pytest.mark.parametrize("name", ["wgs84", "gcj02", "bd09"])
def test_known_system_names_accepted(name):
    assert crs.check_system(name) == name


def test_table_covers_every_pair():
    assert set(crs.TRANSFORMS) == {(a, b) for a in crs.SYSTEMS for b in crs.SYSTEMS}


@pytest.mark.parametrize(("definition", "expected"), [
    ("EPSG:4326", True), ("OGC:CRS84", True), ("+proj=longlat +datum=WGS84 +no_defs", True),
    ("EPSG:3857", False), ("EPSG:4490", False), ("EPSG:32650", False)])
def test_is_wgs84_by_definition(definition, expected):
    assert crs.is_wgs84(CRS.from_user_input(definition)) is expected
    assert crs.is_wgs84(CRS.from_user_input(CRS.from_user_input(definition).to_wkt())) is expected  # srs as WKT


def test_no_crs_is_taken_as_wgs84():
    assert crs.is_wgs84(None)
