"""geo.core.join: district, park footprint and nearest atlas feature of uploaded features (vectorised, geodesic)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.core.join import JOIN_COLUMNS, join_upload, nearby_upload
from geo.core.spatial import distance_m, nearby
from geo.io.atlas import load_atlas
from geo.io.upload import UploadOptions, read_upload
from tests.common import REAL_DATA_DIR, TEST_DATA_DIR

BORDER = TEST_DATA_DIR / "upload" / "border_gcj02.csv"


@pytest.fixture(scope="module")
def real_atlas():
    return load_atlas(REAL_DATA_DIR)


def uploads(points, crs="EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"upload_id": [f"up_{i}" for i in range(1, len(points) + 1)]},
                            geometry=list(points), crs=crs)


@pytest.mark.parametrize(("system", "adcode", "name"), [("gcj02", "330106", "西湖区"), ("wgs84", "330102", "上城区")])
def test_gcj02_point_near_a_border_lands_in_the_right_district_only_when_converted(real_atlas, system, adcode, name):
    up = read_upload(BORDER.name, BORDER.read_bytes(), UploadOptions(crs=system))
    joined = join_upload(up.gdf, real_atlas)
    assert joined[["district_adcode", "district_zh"]].iloc[0].tolist() == [adcode, name]


def test_columns_and_index_follow_the_upload(mini_atlas):
    gdf = uploads([shapely.Point(120.08, 30.30), shapely.Point(100.0, 10.0)])
    gdf.index = [7, 3]
    joined = join_upload(gdf, mini_atlas)
    assert list(joined.columns) == ["upload_id", *JOIN_COLUMNS]
    assert list(joined.index) == [7, 3]
    far = joined.loc[3]
    assert far[JOIN_COLUMNS].isna().all()


def test_park_footprint_is_the_smallest_polygon_holding_the_point(mini_atlas):
    parks = mini_atlas.layers["parks"]
    polygons = parks[parks.geom_type == "Polygon"]
    assert len(polygons)
    inner = polygons.assign(area=shapely.area(polygons.geometry.values)).sort_values("area").iloc[0]
    point = inner.geometry.representative_point()
    joined = join_upload(uploads([point]), mini_atlas)
    assert joined["park_id"].iloc[0] == inner["id"]
    holders = polygons[polygons.covers(point)]
    assert set(holders["id"]) >= {inner["id"]}


def test_polygons_are_placed_by_a_point_on_their_surface(mini_atlas):
    district = mini_atlas.layers["districts"].iloc[0]
    blob = district.geometry.representative_point().buffer(0.001)
    joined = join_upload(uploads([blob]), mini_atlas)
    assert joined["district_adcode"].iloc[0] == district["adcode"]


@pytest.mark.parametrize("radius", [300, 1500, 5000])
def test_nearest_matches_geo_spatial_geodesic_distances(real_atlas, radius):
    rng = np.random.default_rng(5)
    pts = shapely.points(rng.uniform(120.0, 120.3, 300), rng.uniform(30.15, 30.35, 300))
    joined = join_upload(uploads(pts), real_atlas, radius)
    found = joined.dropna(subset=["nearest_id"])
    assert len(found) and (found["nearest_m"] <= radius).all()
    for i, row in found.iterrows():
        _lid, feature = real_atlas.feature(row["nearest_id"])
        assert row["nearest_m"] == pytest.approx(distance_m(pts[i], feature.geometry), abs=1.0)
    # nobody closer was missed: brute force over the same candidates for the rows without a match
    candidates = [real_atlas.feature(fid)[1].geometry for fid in real_atlas.ids()
                  if real_atlas.feature(fid)[0] in ("parks", "institutions", "companies")
                  and real_atlas.feature(fid)[1]["location_basis"] not in ("district_only", "city_only")]
    for i in joined.index[joined["nearest_id"].isna()][:40]:
        assert min(distance_m(pts[i], g) for g in candidates) > radius - 1


def test_nearby_upload_agrees_with_the_atlas_nearby(real_atlas):
    _lid, park = real_atlas.feature("park_china_cloud_valley")
    expected = nearby(real_atlas, "park_china_cloud_valley", 2, layers=("parks", "institutions", "companies"))
    got = nearby_upload(park.geometry, real_atlas, 2000)
    got = got[got["id"] != "park_china_cloud_valley"].reset_index(drop=True)
    assert set(got["id"]) == set(expected["id"])
    merged = got.merge(expected, on="id")
    assert np.allclose(merged["distance_m_x"], merged["distance_m_y"], atol=1.0)
    assert got["distance_m"].is_monotonic_increasing


@pytest.mark.parametrize("radius", [-1, 60_000, float("nan")])
def test_radius_is_checked(mini_atlas, radius):
    with pytest.raises(ValueError, match="radius must be between 0 and 50000 m"):
        join_upload(uploads([shapely.Point(120.1, 30.2)]), mini_atlas, radius)
