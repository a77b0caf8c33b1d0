"""Joining uploaded features to the atlas: district, park footprint, nearest atlas feature within a radius.

Answered by the atlas's spatial index (``geo.core.spatial_index``), the same engine and rules as the side panel's
inside / nearby: a feature is placed by its position (a point as it is, a line or polygon by its point on
surface); its district and park are the smallest polygon of that layer that covers the position (a position on
the boundary is inside, as in ``geo.core.spatial.inside``); for "nearest" its whole geometry counts and the distance
is geodesic (``geo.core.spatial.distance_m``: 0 when the geometries touch or overlap).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core.spatial import NEARBY_COLUMNS, nearby_frame
from geo.core.spatial_index import index_for, placed

if TYPE_CHECKING:  # the type only: geo.io.atlas loads through geo.validate, which uses geo.core
    from geo.io.atlas import Atlas

NEAREST_LAYERS = ("parks", "institutions", "companies")
DEFAULT_RADIUS_M = 1000.0
MAX_RADIUS_M = 50_000.0
JOIN_COLUMNS = ["district_adcode", "district_zh", "district_en", "park_id", "park_zh", "park_en",
                "nearest_id", "nearest_layer", "nearest_zh", "nearest_en", "nearest_m"]
__all__ = ["DEFAULT_RADIUS_M", "JOIN_COLUMNS", "MAX_RADIUS_M", "NEARBY_COLUMNS", "NEAREST_LAYERS", "join_upload",
           "nearby_upload"]


def _check_radius(radius_m: float) -> float:
    if not (isinstance(radius_m, int | float) and 0 <= radius_m <= MAX_RADIUS_M):
        raise ValueError(f"radius must be between 0 and {MAX_RADIUS_M:g} m, got {radius_m!r}")
    return float(radius_m)


def _values(table: pd.DataFrame, rows: np.ndarray, columns: list[str]) -> np.ndarray:
    """``columns`` of the index rows, None where the row is -1 (nothing found)."""
    out = np.full((len(rows), len(columns)), None, dtype=object)
    found = rows >= 0
    if found.any():
        out[found] = table[columns].to_numpy(dtype=object)[rows[found]]
    return out


def join_upload(uploaded: gpd.GeoDataFrame, atlas: Atlas, radius_m: float = DEFAULT_RADIUS_M, *,
                layers: tuple[str, ...] = NEAREST_LAYERS) -> pd.DataFrame:
    """One row per uploaded feature (same index, ``upload_id`` first) with the JOIN_COLUMNS.

    ``district_*`` from the district polygon covering its position; ``park_*`` from the smallest park footprint
    (polygon) covering it; ``nearest_*`` the nearest precisely located atlas feature of ``layers`` within
    ``radius_m`` metres, ``nearest_m`` its geodesic distance rounded to 0.1 m (empty when none is that close).
    """
    radius_m = _check_radius(radius_m)
    index = index_for(atlas)
    geoms = np.asarray(uploaded.geometry.values, dtype=object)
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    positions = np.full(len(geoms), None, dtype=object)
    positions[usable] = placed(geoms[usable])
    out = pd.DataFrame({"upload_id": uploaded["upload_id"].to_numpy()}, index=uploaded.index)
    table = index.table
    district = index.smallest_covering(positions, "districts")
    out[["district_adcode", "district_zh", "district_en"]] = _values(table, district, ["adcode", "name_zh", "name_en"])
    park = index.smallest_covering(positions, "parks")
    out[["park_id", "park_zh", "park_en"]] = _values(table, park, ["id", "name_zh", "name_en"])
    which, rows, metres = index.nearest(geoms, radius_m, tuple(layers))
    nearest = np.full(len(geoms), -1)
    nearest[which] = rows
    out[["nearest_id", "nearest_layer", "nearest_zh", "nearest_en"]] = \
        _values(table, nearest, ["id", "layer", "name_zh", "name_en"])
    distance = np.full(len(geoms), np.nan)
    distance[which] = np.round(metres, 1)
    out["nearest_m"] = distance
    return out[["upload_id", *JOIN_COLUMNS]]


def nearby_upload(geom, atlas: Atlas, radius_m: float = DEFAULT_RADIUS_M, *,
                  layers: tuple[str, ...] = NEAREST_LAYERS) -> pd.DataFrame:
    """Atlas features within ``radius_m`` of one uploaded geometry, nearest first (columns NEARBY_COLUMNS)."""
    radius_m = _check_radius(radius_m)
    if geom is None or geom.is_empty:
        return pd.DataFrame(columns=NEARBY_COLUMNS)
    rows, metres = index_for(atlas).within(geom, radius_m, tuple(layers))
    return nearby_frame(atlas, rows, metres)
