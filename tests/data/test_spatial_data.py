"""Spatial questions on the shipped data: what lies inside a district, and nearby distances in metres."""

from __future__ import annotations

import pytest
from pyproj import Geod

from geo.core.spatial import inside, nearby
from geo.io.atlas import load_atlas
from tests.common import REAL_DATA_DIR

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def atlas():
    return load_atlas(REAL_DATA_DIR)


@pytest.mark.parametrize(("district", "present", "absent"), [
    ("dist_xihu", {"park_zijingang", "park_china_cloud_valley", "park_yunqi_town", "park_xinchuang_shangmi"},
     {"park_canal_future_city", "park_hanggang_cloud_dc", "park_muyu_space"}),
    ("dist_gongshu", {"park_canal_future_city", "park_hanggang_cloud_dc", "park_smart_netvalley_town"},
     {"park_zijingang", "park_yunqi_town"}),
    ("dist_yuhang", {"park_muyu_space"}, {"park_zijingang", "park_canal_future_city"}),
])
def test_parks_inside_district(atlas, district, present, absent):
    found = inside(atlas, district)
    parks = set(found.loc[found["layer"] == "parks", "id"])
    assert present <= parks
    assert not (absent & parks)


def test_nearby_is_sorted_geodesic_and_within_radius(atlas):
    found = nearby(atlas, "park_canal_future_city", 5)
    assert "park_canal_future_city" not in set(found["id"])
    distances = found["distance_m"].tolist()
    assert distances == sorted(distances)
    assert all(d <= 5000 for d in distances)
    # a point-to-point pair checked against pyproj's Geod to the millimetre
    _, origin = atlas.feature("park_canal_future_city")
    for row in found.itertuples():
        _, other = atlas.feature(row.id)
        if other.geometry.geom_type == "Point":
            _, _, expected = GEOD.inv(origin.geometry.x, origin.geometry.y, other.geometry.x, other.geometry.y)
            assert row.distance_m == pytest.approx(expected, abs=1e-3)
            break
    else:
        pytest.fail("no point feature near 大运河数智未来城")
