"""geo.core.spatial: geodesic measures against pyproj, and the relations on the mini atlas."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from geo.core.spatial import area_km2, distance_m, inside, nearby, perimeter_km, related
from geo.errors import GeometryError, LayerError

GEOD = Geod(ellps="WGS84")


def _geom(atlas, fid):
    return atlas.feature(fid)[1].geometry


def test_distance_between_known_points_matches_geod_to_the_millimetre(mini_atlas):
    zju, westlake = _geom(mini_atlas, "inst_zju"), _geom(mini_atlas, "inst_westlake_univ")
    expected = GEOD.inv(120.083, 30.303, 120.085, 30.135)[2]
    assert distance_m(zju, westlake) == pytest.approx(expected, abs=1e-3)
    assert 18_000 < expected < 19_000  # ~0.168 degrees of latitude
    assert distance_m(westlake, zju) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(("a", "b", "expected"), [
    (Point(120.0, 30.0), Point(120.0, 30.0), 0.0),
    (Point(120.1, 30.2), box(120.0, 30.0, 120.2, 30.4), 0.0),           # inside the polygon
    (box(120.0, 30.0, 120.1, 30.1), box(120.1, 30.0, 120.2, 30.1), 0.0),  # touching
    (LineString([(120.0, 30.0), (120.2, 30.0)]), Point(120.1, 30.0), 0.0),
])
def test_distance_zero_cases(a, b, expected):
    assert distance_m(a, b) == expected


def test_point_to_polygon_is_distance_to_nearest_edge():
    square = box(120.0, 30.0, 120.1, 30.1)
    north = Point(120.05, 30.11)  # 0.01 deg north of the top edge
    assert distance_m(north, square) == pytest.approx(GEOD.inv(120.05, 30.1, 120.05, 30.11)[2], abs=0.01)
    east = Point(120.12, 30.05)  # 0.02 deg east of the right edge
    assert distance_m(square, east) == pytest.approx(GEOD.inv(120.1, 30.05, 120.12, 30.05)[2], rel=1e-4)


def test_area_of_a_known_cell_matches_geod():
    cell = box(120.0, 30.0, 120.1, 30.1)
    expected = abs(GEOD.polygon_area_perimeter([120.0, 120.1, 120.1, 120.0], [30.0, 30.0, 30.1, 30.1])[0]) / 1e6
    assert area_km2(cell) == pytest.approx(expected, rel=1e-9)
    assert 105 < area_km2(cell) < 108  # ~9.63 km x ~11.09 km
    clockwise = Polygon(list(cell.exterior.coords)[::-1])
    assert area_km2(clockwise) == pytest.approx(area_km2(cell), rel=1e-12)


def test_area_subtracts_holes_whatever_the_ring_orientation():
    outer = [(120.0, 30.0), (120.1, 30.0), (120.1, 30.1), (120.0, 30.1)]
    hole = [(120.02, 30.02), (120.04, 30.02), (120.04, 30.04), (120.02, 30.04)]  # same orientation as outer
    holed = Polygon(outer, [hole])
    assert area_km2(holed) == pytest.approx(area_km2(Polygon(outer)) - area_km2(Polygon(hole)), rel=1e-9)


def test_area_of_zijingang_box_is_about_its_planned_26_km2(mini_atlas):
    assert area_km2(_geom(mini_atlas, "park_zijingang")) == pytest.approx(26.4, abs=0.1)


@pytest.mark.parametrize(("geom", "area"), [(Point(120, 30), 0.0), (LineString([(120, 30), (120.1, 30)]), 0.0)])
def test_area_of_points_and_lines_is_zero(geom, area):
    assert area_km2(geom) == area


def test_perimeter_and_length():
    cell = box(120.0, 30.0, 120.1, 30.1)
    assert perimeter_km(cell) == pytest.approx(GEOD.geometry_area_perimeter(cell)[1] / 1000, rel=1e-12)
    line = LineString([(120.0, 30.0), (120.0, 30.1)])
    assert perimeter_km(line) == pytest.approx(GEOD.inv(120.0, 30.0, 120.0, 30.1)[2] / 1000, rel=1e-12)
    assert perimeter_km(Point(120, 30)) == 0.0


@pytest.mark.parametrize("bad", [None, Point()])
def test_measures_reject_missing_or_empty(bad):
    with pytest.raises(GeometryError, match=r"geometry is (missing|empty)"):
        area_km2(bad)
    with pytest.raises(GeometryError, match=r"first geometry is (missing|empty)"):
        distance_m(bad, Point(120, 30))


def test_parks_inside_xihu(mini_atlas):
    found = inside(mini_atlas, "dist_xihu")
    parks = found.loc[found["layer"] == "parks", "id"].tolist()
    assert parks == ["park_zijingang", "park_china_cloud_valley", "park_yungu_center", "park_yunqi_town"]
    assert "park_hanggang_cloud_dc" not in found["id"].tolist()  # in Gongshu
    assert set(found["id"]) >= {"inst_zju", "inst_westlake_univ", "inst_ucas_hias", "co_alibaba_cloud"}
    assert "co_deeprobotics" not in found["id"].tolist()  # city_only stand-in point never counts
    assert list(found.columns) == ["id", "layer", "kind", "name_zh", "name_en"]


def test_inside_a_park_leaves_out_district_level_points(mini_atlas):
    found = inside(mini_atlas, "park_zijingang")["id"].tolist()
    assert found == ["park_china_cloud_valley", "park_yungu_center", "inst_zju", "co_alibaba_cloud",
                     "ev_cloud_valley_launch"]


def test_inside_needs_a_polygon(mini_atlas):
    with pytest.raises(GeometryError, match=r"inst_zju: inside\(\) needs a polygon, but the geometry is a Point"):
        inside(mini_atlas, "inst_zju")


def test_nearby_is_sorted_and_excludes_itself(mini_atlas):
    near = nearby(mini_atlas, "inst_zju", 3)
    assert list(near.columns) == ["id", "layer", "name_zh", "name_en", "distance_m"]
    assert "inst_zju" not in near["id"].tolist()
    assert near["distance_m"].is_monotonic_increasing
    assert near["id"].tolist() == ["park_zijingang", "plan_chengxi_corridor", "co_alibaba_cloud",
                                   "park_china_cloud_valley", "park_yungu_center"]
    cloud_valley = near.set_index("id").loc["park_china_cloud_valley", "distance_m"]
    assert cloud_valley == pytest.approx(GEOD.inv(120.083, 30.303, 120.075, 30.325)[2], abs=1e-3)


@pytest.mark.parametrize(("radius", "count"), [(0, 2), (1.0, 2), (2.0, 3), (3.0, 5), (100, 10)])
def test_nearby_radius(mini_atlas, radius, count):
    assert len(nearby(mini_atlas, "inst_zju", radius)) == count


def test_nearby_imprecise_features_only_on_request(mini_atlas):
    default = nearby(mini_atlas, "inst_zju", 100)["id"].tolist()
    assert "fund_runmiao" not in default and "inst_ucas_hias" not in default
    everything = nearby(mini_atlas, "inst_zju", 100, include_imprecise=True)["id"].tolist()
    assert {"fund_runmiao", "inst_ucas_hias", "co_deeprobotics"} <= set(everything)


def test_nearby_unknown_id_and_bad_radius(mini_atlas):
    with pytest.raises(LayerError, match=r"park_nowhere: no feature with this id"):
        nearby(mini_atlas, "park_nowhere", 1)
    with pytest.raises(ValueError, match=r"radius_km must be a non-negative number"):
        nearby(mini_atlas, "inst_zju", -1)


@pytest.mark.parametrize(("fid", "expected"), [
    ("co_alibaba_cloud", {"parent": ["park_zijingang"], "district": ["dist_xihu"], "parks": ["park_zijingang"]}),
    ("park_china_cloud_valley", {"parent": ["park_zijingang"], "children": ["park_yungu_center"],
                                 "district": ["dist_xihu"]}),
    ("park_zijingang", {"children": ["park_china_cloud_valley", "co_alibaba_cloud"], "district": ["dist_xihu"]}),
    ("inst_zju", {"district": ["dist_xihu"], "parks": ["park_zijingang"]}),  # by position, no parent
    ("fund_runmiao", {}),
    ("fund_hanggang_qizhen", {"district": ["dist_gongshu"]}),  # district_only: no park by position
    ("dist_gongshu", {"in_district": ["plan_grand_canal_axis", "plan_netvalley_core", "park_hanggang_cloud_dc",
                                      "fund_hanggang_qizhen"]}),
])
def test_related(mini_atlas, fid, expected):
    empty = {"parent": [], "children": [], "district": [], "in_district": [], "parks": []}
    assert related(mini_atlas, fid) == empty | expected
