"""Joining uploaded features to the atlas: district, park footprint, nearest atlas feature within a radius.

Everything is vectorised: geopandas ``sjoin`` / ``sjoin_nearest`` (STRtree spatial index) for the candidates,
``pyproj.Geod`` for the distances. A line or polygon is placed by its representative point (a point on its
surface) for the district and park; for "nearest" its whole geometry counts.

Distances: candidates are found in a local transverse Mercator frame centred on Hangzhou (scale error < 1e-4
over the city), then the distance between the nearest points is measured on the WGS84 ellipsoid, so it agrees
with ``geo.spatial.distance_m`` (0 when the geometries touch or overlap).
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import Atlas
from geo.spatial import GEOD, IMPRECISE_BASES

# Local metric frame for finding candidates (distances themselves are geodesic).
LOCAL_CRS = "+proj=tmerc +lat_0=30 +lon_0=120 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
NEAREST_LAYERS = ("parks", "institutions", "companies")
DEFAULT_RADIUS_M = 1000.0
MAX_RADIUS_M = 50_000.0
JOIN_COLUMNS = ["district_adcode", "district_zh", "district_en", "park_id", "park_zh", "park_en",
                "nearest_id", "nearest_layer", "nearest_zh", "nearest_en", "nearest_m"]
NEARBY_COLUMNS = ["id", "layer", "name_zh", "name_en", "distance_m"]
_SLACK = 1.01  # the frame's scale error is far below 1 %; the geodesic distance decides


def _check_radius(radius_m: float) -> float:
    if not (isinstance(radius_m, int | float) and 0 <= radius_m <= MAX_RADIUS_M):
        raise ValueError(f"radius must be between 0 and {MAX_RADIUS_M:g} m, got {radius_m!r}")
    return float(radius_m)


def _placed(geoms: np.ndarray) -> np.ndarray:
    """Points as they are, other geometries by a point on their surface."""
    return np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))


@lru_cache(maxsize=8)
def _candidates(atlas: Atlas, layers: tuple[str, ...]) -> gpd.GeoDataFrame:
    """The atlas features "nearest" may pick (precisely located ones), in the local frame, with WGS84 kept."""
    frames = []
    for lid in layers:
        gdf = atlas.layers.get(lid)
        if gdf is None or gdf.empty:
            continue
        keep = ~gdf.get("location_basis", pd.Series("", index=gdf.index)).isin(IMPRECISE_BASES)
        keep &= ~(gdf.geometry.is_empty | gdf.geometry.isna())
        part = gdf.loc[keep, ["id", "name_zh", "name_en", "geometry"]].copy()
        part["layer"] = lid
        frames.append(part)
    if not frames:
        return gpd.GeoDataFrame(columns=["id", "layer", "name_zh", "name_en", "wgs84", "geometry"],
                                geometry="geometry", crs=LOCAL_CRS)
    both = pd.concat(frames, ignore_index=True)
    both["wgs84"] = both.geometry.values
    return gpd.GeoDataFrame(both, geometry="geometry", crs="EPSG:4326").to_crs(LOCAL_CRS)


def _geodesic(a_local: np.ndarray, b_local: np.ndarray, a_wgs: np.ndarray, b_wgs: np.ndarray) -> np.ndarray:
    """Geodesic metres between pairs: exact for point pairs, between nearest points otherwise (0 if touching)."""
    out = np.zeros(len(a_local))
    if not len(out):
        return out
    points = (shapely.get_type_id(a_wgs) == 0) & (shapely.get_type_id(b_wgs) == 0)
    lines = shapely.shortest_line(a_local, b_local)
    ends = gpd.GeoSeries(shapely.get_point(lines, 0), crs=LOCAL_CRS).to_crs("EPSG:4326").values
    starts = gpd.GeoSeries(shapely.get_point(lines, 1), crs=LOCAL_CRS).to_crs("EPSG:4326").values
    x1 = np.where(points, shapely.get_x(a_wgs), shapely.get_x(ends))
    y1 = np.where(points, shapely.get_y(a_wgs), shapely.get_y(ends))
    x2 = np.where(points, shapely.get_x(b_wgs), shapely.get_x(starts))
    y2 = np.where(points, shapely.get_y(b_wgs), shapely.get_y(starts))
    out = GEOD.inv(x1, y1, x2, y2)[2]
    touching = shapely.intersects(a_wgs, b_wgs) & ~points
    return np.where(touching, 0.0, out)


def _within(places: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, columns: list[str]) -> pd.DataFrame:
    """For each place, the columns of the polygon covering it (the smallest one when several do)."""
    polygons = polygons[polygons.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        return pd.DataFrame(index=places.index, columns=columns)
    right = polygons[[*columns, "geometry"]].assign(_area=shapely.area(polygons.geometry.values))
    hits = gpd.sjoin(places, right, how="inner", predicate="within")
    hits = hits.sort_values("_area", kind="stable")
    hits = hits[~hits.index.duplicated(keep="first")]
    return hits[columns].reindex(places.index)


def join_upload(uploaded: gpd.GeoDataFrame, atlas: Atlas, radius_m: float = DEFAULT_RADIUS_M, *,
                layers: tuple[str, ...] = NEAREST_LAYERS) -> pd.DataFrame:
    """One row per uploaded feature (same index, ``upload_id`` first) with the JOIN_COLUMNS.

    ``district_*`` from the district polygon holding its representative point; ``park_*`` from the smallest park
    footprint (polygon) holding it; ``nearest_*`` the nearest precisely located atlas feature of ``layers`` within
    ``radius_m`` metres, ``nearest_m`` its geodesic distance (empty when none is that close).
    """
    radius_m = _check_radius(radius_m)
    geoms = uploaded.geometry.values
    out = pd.DataFrame({"upload_id": uploaded["upload_id"].to_numpy()}, index=uploaded.index)
    places = gpd.GeoDataFrame(geometry=_placed(np.asarray(geoms)), index=uploaded.index, crs="EPSG:4326")
    districts = atlas.layers.get("districts")
    if districts is not None:
        found = _within(places, districts, ["adcode", "name_zh", "name_en"])
        out[["district_adcode", "district_zh", "district_en"]] = found.to_numpy()
    parks = atlas.layers.get("parks")
    if parks is not None:
        found = _within(places, parks, ["id", "name_zh", "name_en"])
        out[["park_id", "park_zh", "park_en"]] = found.to_numpy()
    for column in JOIN_COLUMNS:
        if column not in out:
            out[column] = None
    candidates = _candidates(atlas, tuple(layers))
    out["nearest_m"] = np.nan
    if candidates.empty or not len(uploaded):
        return out[["upload_id", *JOIN_COLUMNS]]
    local = gpd.GeoDataFrame({"wgs84_upload": geoms}, geometry=list(geoms), index=uploaded.index,
                             crs="EPSG:4326").to_crs(LOCAL_CRS)
    pairs = gpd.sjoin_nearest(local, candidates, how="inner", max_distance=radius_m * _SLACK + 1,
                              distance_col="_planar")
    pairs = pairs.sort_values(["_planar", "id"], kind="stable")
    pairs = pairs[~pairs.index.duplicated(keep="first")]
    right = candidates.geometry.values[pairs["index_right"].to_numpy()]
    metres = _geodesic(pairs.geometry.values, right, pairs["wgs84_upload"].values, pairs["wgs84"].values)
    pairs = pairs.assign(_m=metres)
    pairs = pairs[pairs["_m"] <= radius_m]
    out.loc[pairs.index, ["nearest_id", "nearest_layer", "nearest_zh", "nearest_en"]] = \
        pairs[["id", "layer", "name_zh", "name_en"]].to_numpy()
    out.loc[pairs.index, "nearest_m"] = pairs["_m"].round(1).to_numpy()
    return out[["upload_id", *JOIN_COLUMNS]]


def nearby_upload(geom, atlas: Atlas, radius_m: float = DEFAULT_RADIUS_M, *,
                  layers: tuple[str, ...] = NEAREST_LAYERS) -> pd.DataFrame:
    """Atlas features within ``radius_m`` of one uploaded geometry, nearest first (columns NEARBY_COLUMNS)."""
    radius_m = _check_radius(radius_m)
    candidates = _candidates(atlas, tuple(layers))
    if candidates.empty or geom is None or geom.is_empty:
        return pd.DataFrame(columns=NEARBY_COLUMNS)
    local = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(LOCAL_CRS).values[0]
    hits = candidates.sindex.query(local, predicate="dwithin", distance=radius_m * _SLACK + 1)
    near = candidates.iloc[np.sort(hits)]
    metres = _geodesic(np.repeat(local, len(near)), near.geometry.values, np.repeat(geom, len(near)),
                       near["wgs84"].values)
    frame = pd.DataFrame({"id": near["id"].to_numpy(), "layer": near["layer"].to_numpy(),
                          "name_zh": near["name_zh"].to_numpy(), "name_en": near["name_en"].to_numpy(),
                          "distance_m": metres})
    frame = frame[frame["distance_m"] <= radius_m]
    return frame.sort_values(["distance_m", "id"], kind="stable", ignore_index=True)
