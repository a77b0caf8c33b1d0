"""geo.core.spatial_index: the engine's answers equal a brute-force reference (every feature, no index), on the shipped
data and on 10k synthetic points; one containment rule (a border point is inside) in the panel and the join."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer

from geo.core.join import join_upload, nearby_upload
from geo.core.spatial import area_km2, distance_m, inside, nearby, related
from geo.core.spatial_index import geodesic_distances, index_for
from geo.io.atlas import Atlas, load_atlas
from tests.common import MINI_DIR, REAL_DATA_DIR, edit_feature

GEOD = Geod(ellps="WGS84")
POLYGONS = ("Polygon", "MultiPolygon")
PRECISE_LAYERS = ("parks", "institutions", "companies")


@pytest.fixture(scope="module")
def real_atlas():
    return load_atlas(REAL_DATA_DIR)


def _synthetic(real: Atlas, n: int = 10_000, seed: int = 14) -> Atlas:
    """The shipped atlas with its companies replaced by ``n`` points: random ones over central Hangzhou, every
    50th exactly on a vertex of a district border, some duplicates, a tenth placed only at district level."""
    rng = np.random.default_rng(seed)
    vertices = shapely.get_coordinates(real.layers["districts"].geometry.values)
    k = n // 50
    xy = np.column_stack([rng.uniform(119.9, 120.45, n), rng.uniform(30.05, 30.45, n)])
    xy[:k] = vertices[rng.choice(len(vertices), k, replace=False)]
    xy[k:2 * k] = xy[2 * k:3 * k]  # duplicates: ties for "nearest"
    basis = np.where(rng.random(n) < 0.1, "district_only", "landmark")
    ids = [f"co_t{i:05d}" for i in range(n)]
    companies = gpd.GeoDataFrame({"id": ids, "layer": "companies", "kind": "company", "name_zh": ids, "name_en": ids,
                                  "location_basis": basis, "adcode": "330106", "parent": None},
                                 geometry=shapely.points(xy), crs="EPSG:4326")
    return Atlas(layers={**real.layers, "companies": companies}, sources=real.sources, hash=f"synthetic-{n}-{seed}")


@pytest.fixture(scope="module")
def synthetic_atlas(real_atlas):
    return _synthetic(real_atlas)


# ------------------------------------------------------------------------------------------ brute force


def _position(geom):
    return geom if geom.geom_type == "Point" else geom.representative_point()


def brute_inside(atlas: Atlas, fid: str) -> list[str]:
    layer, row = atlas.feature(fid)
    out = []
    for lid, gdf in atlas.layers.items():
        if lid == "city":
            continue
        for other, basis, geom in zip(gdf["id"], gdf["location_basis"], gdf.geometry, strict=True):
            if other == fid or basis == "city_only":
                continue
            if basis == "district_only" and layer not in ("city", "districts"):
                continue
            if row.geometry.covers(_position(geom)):
                out.append(other)
    return out


def brute_nearby(atlas: Atlas, geom, radius_m: float, layers, *, imprecise=False, exclude=None) -> dict[str, float]:
    """Every feature of ``layers`` measured (no index), those within the radius kept. (Only those within a
    generous box are measured: at Hangzhou's latitude a degree is more than 90 km in every direction.)"""
    frames = [atlas.layers[lid] for lid in layers]
    ids = np.concatenate([f["id"].to_numpy(dtype=object) for f in frames])
    basis = np.concatenate([f["location_basis"].to_numpy(dtype=object) for f in frames])
    geoms = np.concatenate([np.asarray(f.geometry.values, dtype=object) for f in frames])
    keep = (ids != exclude) & shapely.dwithin(geom, geoms, radius_m / 90_000)
    if not imprecise:
        keep &= ~np.isin(basis, ["district_only", "city_only"])
    metres = geodesic_distances(geom, geoms[keep])
    return {i: m for i, m in zip(ids[keep], metres, strict=True) if m <= radius_m}


def reference_m(point, geom) -> float:
    """Independent geodesic reference: 0 if ``geom`` covers the point, else the distance from the point to
    ``geom`` densified to ~50 m in lon/lat, measured in an azimuthal equidistant projection centred on the point
    (where every distance from the centre is the geodesic distance)."""
    if geom.covers(point):
        return 0.0
    aeqd = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={point.y} +lon_0={point.x} +ellps=WGS84",
                                always_xy=True)
    dense = shapely.segmentize(geom, 0.0005)
    return shapely.distance(shapely.Point(0, 0), shapely.transform(dense, lambda xy: np.column_stack(
        aeqd.transform(xy[:, 0], xy[:, 1]))))


# ------------------------------------------------------------------------------------------ inside


def _polygon_ids(atlas):
    return [fid for fid in atlas.ids() if atlas.feature(fid)[1].geometry.geom_type in POLYGONS]


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_inside_equals_brute_force_for_every_polygon(real_atlas, synthetic_atlas, which):
    atlas = real_atlas if which == "real" else synthetic_atlas
    polygons = _polygon_ids(atlas)
    assert len(polygons) >= 20
    total = 0
    for fid in polygons:
        got = inside(atlas, fid)["id"].tolist()
        assert got == brute_inside(atlas, fid), fid
        total += len(got)
    assert total > (9000 if which == "synthetic" else 50)


# ------------------------------------------------------------------------------------------ nearby


@pytest.mark.parametrize("radius_km", [0.5, 2.0, 7.5])
def test_nearby_equals_brute_force_on_the_shipped_data(real_atlas, radius_km):
    layers = ("plans", "parks", "institutions", "companies")
    for fid in [f for f in real_atlas.ids() if real_atlas.feature(f)[0] in ("parks", "plans", "institutions")]:
        geom = real_atlas.feature(fid)[1].geometry
        got = nearby(real_atlas, fid, radius_km)
        expected = brute_nearby(real_atlas, geom, radius_km * 1000, layers, exclude=fid)
        assert set(got["id"]) == set(expected), fid
        assert np.allclose(got["distance_m"], [expected[i] for i in got["id"]], atol=1e-6)
        assert got["distance_m"].is_monotonic_increasing


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nearby_equals_brute_force_on_10k_points(synthetic_atlas, seed):
    rng = np.random.default_rng(seed)
    companies = synthetic_atlas.layers["companies"]
    origins = list(rng.choice(companies["id"].to_numpy(), 4)) + ["dist_xihu", "park_zijingang"]
    for fid in origins:
        geom = synthetic_atlas.feature(fid)[1].geometry
        radius_m = float(rng.uniform(200, 3000))
        for imprecise in (False, True):
            got = nearby(synthetic_atlas, fid, radius_m / 1000, include_imprecise=imprecise)
            expected = brute_nearby(synthetic_atlas, geom, radius_m, ("plans", "parks", "institutions", "companies"),
                                    imprecise=imprecise, exclude=fid)
            assert set(got["id"]) == set(expected), (fid, radius_m, imprecise)
            assert np.allclose(got["distance_m"], [expected[i] for i in got["id"]], atol=1e-6)
    assert len(got) > 10


def test_nearby_upload_equals_brute_force(synthetic_atlas):
    rng = np.random.default_rng(7)
    for x, y in zip(rng.uniform(120.0, 120.3, 10), rng.uniform(30.15, 30.35, 10), strict=True):
        point = shapely.Point(x, y)
        got = nearby_upload(point, synthetic_atlas, 1500)
        assert set(got["id"]) == set(brute_nearby(synthetic_atlas, point, 1500, PRECISE_LAYERS))


# ------------------------------------------------------------------------------------------ nearest


def _brute_nearest(atlas, point, radius_m):
    best = brute_nearby(atlas, point, radius_m, PRECISE_LAYERS)
    if not best:
        return set(), None
    m = min(best.values())
    return {k for k, v in best.items() if v == m}, m


@pytest.mark.parametrize(("which", "radius_m"), [("real", 800), ("real", 5000), ("synthetic", 300),
                                                 ("synthetic", 1200)])
def test_nearest_equals_brute_force(real_atlas, synthetic_atlas, which, radius_m):
    atlas = real_atlas if which == "real" else synthetic_atlas
    rng = np.random.default_rng(radius_m)
    pts = list(shapely.points(rng.uniform(119.95, 120.4, 150), rng.uniform(30.1, 30.4, 150)))
    pts += list(atlas.layers["companies"].geometry.values[:30])  # at a feature: distance 0, ties
    joined = join_upload(gpd.GeoDataFrame({"upload_id": range(len(pts))}, geometry=pts, crs="EPSG:4326"), atlas,
                         radius_m)
    matched = 0
    for point, (_i, row) in zip(pts, joined.iterrows(), strict=True):
        ids, metres = _brute_nearest(atlas, point, radius_m)
        if metres is None:
            assert pd.isna(row["nearest_id"])
            continue
        matched += 1
        assert row["nearest_id"] in ids and row["nearest_id"] == min(ids)
        assert row["nearest_m"] == pytest.approx(metres, abs=0.05)  # rounded to 0.1 m
    assert matched > 20


# ------------------------------------------------------------------------------------------ distances


def test_point_distances_are_geodesic(synthetic_atlas):
    pts = synthetic_atlas.layers["companies"].geometry.values
    a, b = pts[:5000], pts[5000:10000]
    expected = GEOD.inv(shapely.get_x(a), shapely.get_y(a), shapely.get_x(b), shapely.get_y(b))[2]
    assert np.array_equal(geodesic_distances(a, b), expected)


def test_distances_to_lines_and_polygons_within_half_a_metre_of_a_geodesic_reference(real_atlas):
    rng = np.random.default_rng(3)
    shapes = [g for g in (f.geometry for lid in ("districts", "parks", "plans")
                          for _, f in real_atlas.layers[lid].iterrows()) if g.geom_type != "Point"]
    assert {"MultiPolygon", "Polygon", "LineString"} <= {g.geom_type for g in shapes}
    checked = 0
    for geom in shapes:
        x0, y0, x1, y1 = geom.bounds
        for x, y in zip(rng.uniform(x0 - 0.05, x1 + 0.05, 6), rng.uniform(y0 - 0.05, y1 + 0.05, 6), strict=True):
            point = shapely.Point(x, y)
            expected = reference_m(point, geom)
            assert distance_m(point, geom) == pytest.approx(expected, abs=0.5), (geom.geom_type, x, y)
            assert geodesic_distances(geom, point)[0] == pytest.approx(expected, abs=0.5)
            checked += expected > 0
    assert checked > 40


# ------------------------------------------------------------------------------------------ one containment rule


def test_a_border_point_is_inside_in_the_panel_and_the_join(tmp_path):
    import shutil

    shutil.copytree(MINI_DIR, tmp_path / "atlas")
    atlas_dir = tmp_path / "atlas"
    on_edge = [120.02, 30.2]  # on 西湖区's western edge (a schematic box), no other district there
    edit_feature(atlas_dir, "institutions.geojson", "inst_zju", location_basis="street_address")
    fc_path = atlas_dir / "institutions.geojson"
    import json

    fc = json.loads(fc_path.read_text(encoding="utf-8"))
    fc["features"][0]["geometry"]["coordinates"] = on_edge
    fc_path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    atlas = load_atlas(atlas_dir)
    assert atlas.feature("dist_xihu")[1].geometry.boundary.covers(shapely.Point(on_edge))
    assert "inst_zju" in inside(atlas, "dist_xihu")["id"].tolist()
    up = gpd.GeoDataFrame({"upload_id": ["up_1"]}, geometry=[shapely.Point(on_edge)], crs="EPSG:4326")
    assert join_upload(up, atlas)["district_adcode"].tolist() == ["330106"]


def test_a_vertex_shared_by_districts_gets_the_smallest_and_is_inside_each(real_atlas):
    districts = real_atlas.layers["districts"]
    first, second = districts.geometry.iloc[0], districts.geometry.iloc[1:]
    shared = shapely.get_coordinates(shapely.intersection(first.boundary, second.boundary.union_all()))
    assert len(shared)
    vertex = shapely.Point(shared[0])
    holders = districts[districts.geometry.covers(vertex)]  # brute force
    assert len(holders) >= 2
    up = gpd.GeoDataFrame({"upload_id": ["up_1"]}, geometry=[vertex], crs="EPSG:4326")
    smallest = holders.assign(area=holders.geometry.map(area_km2)).sort_values("area").iloc[0]
    assert join_upload(up, real_atlas)["district_adcode"].tolist() == [smallest["adcode"]]
    index = index_for(real_atlas)
    _which, rows, _areas = index.covering(np.array([vertex], dtype=object), "districts")
    assert sorted(index.table["id"].iloc[rows]) == sorted(holders["id"])


def test_related_parks_by_position_use_the_same_rule(real_atlas):
    park = next(f for _, f in real_atlas.layers["parks"].iterrows() if f.geometry.geom_type in POLYGONS)
    inst = next(f for _, f in real_atlas.layers["institutions"].iterrows()
                if f["location_basis"] not in ("district_only", "city_only") and park.geometry.covers(f.geometry))
    assert park["id"] in related(real_atlas, inst["id"])["parks"]


def test_the_index_is_built_once_per_atlas(real_atlas, synthetic_atlas):
    assert index_for(real_atlas) is index_for(real_atlas)
    assert index_for(synthetic_atlas) is not index_for(real_atlas)
    assert len(index_for(synthetic_atlas)) == len(synthetic_atlas)
