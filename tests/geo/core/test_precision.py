"""geo.core.precision: anchors, stacks of points sharing a spot, geodesic uncertainty circles."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.core.precision import (
    anchors,
    approximate_mask,
    geodesic_circle,
    is_approximate,
    stacks,
    uncertainty,
)
from geo.io.atlas import load_atlas
from tests.common import ROOT


@pytest.fixture(scope="module")
def shipped():
    return load_atlas(ROOT / "data")


def frame(rows) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs="EPSG:4326")


def test_stacks_group_identical_positions_and_keep_every_id_once():
    rows = [("b", Point(120.1, 30.2)), ("a", Point(120.1, 30.2)), ("c", Point(120.1000004, 30.2)),
            ("d", Point(120.2, 30.3)), ("e", box(120, 30, 120.1, 30.1)), ("f", Point())]
    groups = stacks(frame(rows), min_size=1)
    assert [g.ids for g in groups] == [("a", "b", "c"), ("d",)]  # 4e-7 deg rounds to the same 1e-6 spot
    listed = [i for g in groups for i in g.ids]
    assert sorted(listed) == ["a", "b", "c", "d"] and len(listed) == len(set(listed))
    assert [g.ids for g in stacks(frame(rows))] == [("a", "b", "c")]  # default: only real stacks


def test_stacks_do_not_depend_on_row_order():
    rng = np.random.default_rng(3)
    spots = [Point(120 + i / 100, 30 + i / 100) for i in range(5)]
    rows = [(f"id_{i:03d}", spots[rng.integers(5)]) for i in range(200)]
    first = stacks(frame(rows), min_size=1)
    shuffled = stacks(frame([rows[i] for i in rng.permutation(len(rows))]), min_size=1)
    assert first == shuffled
    assert sum(len(g.ids) for g in first) == 200


def test_shipped_stacks_cover_the_parks_shared_point(shipped):
    points = pd.concat([g for g in shipped.layers.values()])
    groups = stacks(points)
    biggest = max(groups, key=lambda g: len(g.ids))
    anchor = anchors(shipped)
    assert {anchor[i] for i in biggest.ids} == {"park_zijingang"}
    ids = [i for g in stacks(points, min_size=1) for i in g.ids]
    n_points = int((points.geometry.geom_type == "Point").sum())
    assert len(ids) == len(set(ids)) == n_points


@pytest.mark.parametrize(("fid", "expected"), [
    ("park_china_cloud_valley", "park_china_cloud_valley"),  # its own position
    ("park_xihu_data_intel", "park_zijingang"),  # placed at its parent
    ("city_hangzhou", "city_hangzhou"),
])
def test_anchors(shipped, fid, expected):
    assert anchors(shipped)[fid] == expected


def test_district_only_features_stand_at_their_district(shipped):
    table = anchors(shipped)
    for gdf in shipped.layers.values():
        for row in gdf[gdf["location_basis"] == "district_only"].itertuples():
            assert table[row.id].startswith("dist_")


@pytest.mark.parametrize("radius", [50.0, 3000.0, 25_000.0])
def test_geodesic_circle_radius(radius):
    """Checked against the WGS84 ellipsoid's radii of curvature at the centre (written out here, not pyproj):
    the circle's north and east extremes lie ``radius`` along the meridian and the prime vertical."""
    lon0, lat0 = 120.1, 30.3
    a, f = 6_378_137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    s = np.sin(np.radians(lat0)) ** 2
    meridian = a * (1 - e2) / (1 - e2 * s) ** 1.5  # metres per radian of latitude
    normal = a / np.sqrt(1 - e2 * s)  # metres per radian of longitude, times cos(latitude)
    xy = np.asarray(geodesic_circle(lon0, lat0, radius).exterior.coords)[:-1]
    north = np.radians(xy[:, 1].max() - lat0) * meridian
    east = np.radians(xy[:, 0].max() - lon0) * normal * np.cos(np.radians(lat0))
    assert north == pytest.approx(radius, rel=2e-3)  # 72 vertices: the extreme is a vertex (azimuth 0 and 90)
    assert east == pytest.approx(radius, rel=2e-3)
    assert len(xy) == 72


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf")])
def test_geodesic_circle_rejects_bad_radius(bad):
    with pytest.raises(ValueError, match="positive number of metres"):
        geodesic_circle(120.1, 30.3, bad)


def test_uncertainty_joins_the_parent_footprint(shipped):
    area = uncertainty(shipped, "park_xihu_data_intel")
    _l, park = shipped.feature("park_zijingang")
    assert park.geometry.difference(area).area < 1e-12  # the footprint is inside (up to float noise)
    _l, row = shipped.feature("park_xihu_data_intel")
    assert area.covers(row.geometry.buffer(0.001))


def test_uncertainty_is_none_for_areas(shipped):
    assert uncertainty(shipped, "dist_xihu") is None


@pytest.mark.parametrize(("basis", "precision", "approx"), [
    ("landmark", 300, False), ("landmark", 5000, True), ("parent_location", 300, True),
    ("district_only", 100, True), ("street_address", None, True), ("footprint_approx", 1000, False),
])
def test_is_approximate(basis, precision, approx):
    assert is_approximate(basis, precision) is approx
    df = pd.DataFrame({"location_basis": [basis], "location_precision_m": [precision]})
    assert bool(approximate_mask(df)[0]) is approx
