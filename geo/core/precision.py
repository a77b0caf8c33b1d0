"""How precise a position is, as geometry: which place a point stands for, which points share a spot, and the
area a position may really lie in.

- :func:`anchors` — the feature whose position a point borrows: a feature placed at its parent stands at the
  parent's position (an event at its place; followed up the chain), a district-only feature at its district, a
  city-only one at the city; every other feature is its own anchor.
- :func:`stacks` — points that share one position (to 1e-6°), grouped deterministically: every id exactly once,
  groups ordered by position, ids in a group by id. The map draws each stack as one group marker with a count.
- :func:`uncertainty` — where a feature may really be: a geodesic circle of ``location_precision_m`` around its
  point, joined with its anchor's footprint when the position is the anchor's and the anchor is an area.
- :func:`is_approximate` — the rule the map uses to draw a point hollow and dashed.

Pure: no Streamlit, no folium. Coordinates are WGS84 lon/lat.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from geo.core.geometry import DECIMALS

if TYPE_CHECKING:  # the type only: geo.io.atlas loads through geo.validate, which uses geo.core
    from geo.io.atlas import Atlas

GEOD = Geod(ellps="WGS84")
# Bases whose point stands for something larger than itself (a parent, a district, the city, a sketch).
BORROWED_BASES = ("parent_location", "district_only", "city_only", "schematic")
# A position is drawn as approximate when it is borrowed or known no better than this (metres).
APPROX_PRECISION_M = 1000.0
CIRCLE_VERTICES = 72


def precision_known(precision_m) -> bool:
    """Whether a location precision is given: a finite number of metres >= 0 (an upload's may be unknown)."""
    try:
        value = float(precision_m)
    except (TypeError, ValueError):
        return False
    return math.isfinite(value) and value >= 0


def is_approximate(basis: str | None, precision_m: float | None) -> bool:
    """True when the map must not draw the point as an exact position: a borrowed position, or one known no
    better than APPROX_PRECISION_M, or one whose precision is unknown (geo.core.schema.UNKNOWN_BASIS)."""
    if basis in BORROWED_BASES or not precision_known(precision_m):
        return True
    return float(precision_m) > APPROX_PRECISION_M


def approximate_mask(gdf: pd.DataFrame) -> np.ndarray:
    """:func:`is_approximate` of every row of ``gdf`` (vectorised)."""
    basis = gdf["location_basis"].isin(BORROWED_BASES).to_numpy() if "location_basis" in gdf else np.ones(len(gdf),
                                                                                                        bool)
    prec = pd.to_numeric(gdf.get("location_precision_m"), errors="coerce") if "location_precision_m" in gdf \
        else pd.Series(np.nan, index=gdf.index)
    values = prec.to_numpy(dtype=float)
    return basis | ~((values >= 0) & (values <= APPROX_PRECISION_M))  # NaN (unknown) and negatives: approximate


def anchors(atlas: Atlas) -> dict[str, str]:
    """feature id -> id of the feature whose position it stands at (itself when its position is its own)."""
    direct: dict[str, str] = {}
    district_by_adcode: dict[str, str] = {}
    if "districts" in atlas.layers:
        d = atlas.layers["districts"]
        district_by_adcode = dict(zip(d["adcode"], d["id"], strict=True))
    city = "city_hangzhou" if "city_hangzhou" in atlas else None
    for gdf in atlas.layers.values():
        ids = gdf["id"].tolist()
        basis = gdf["location_basis"].tolist()
        parents = gdf["parent"].tolist() if "parent" in gdf else [None] * len(ids)
        if "place" in gdf:  # events stand at their place
            parents = [p if isinstance(p, str) else pl for p, pl in zip(parents, gdf["place"].tolist(), strict=True)]
        adcodes = gdf["adcode"].tolist() if "adcode" in gdf else [None] * len(ids)
        for fid, b, parent, adcode in zip(ids, basis, parents, adcodes, strict=True):
            target = fid
            if b == "parent_location" and isinstance(parent, str) and parent in atlas:
                target = parent
            elif b == "district_only" and adcode in district_by_adcode:
                target = district_by_adcode[adcode]
            elif b == "city_only" and city:
                target = city
            direct[fid] = target
    out: dict[str, str] = {}
    for fid in direct:
        seen, cur = {fid}, direct[fid]
        while direct.get(cur, cur) != cur and cur not in seen:  # follow parent chains, stop at a cycle
            seen.add(cur)
            cur = direct[cur]
        out[fid] = cur
    return out


@dataclass(frozen=True)
class Stack:
    """Points sharing one position: (lon, lat) in WGS84 at 6 decimals, their ids sorted."""

    lon: float
    lat: float
    ids: tuple[str, ...]


def stacks(frame: pd.DataFrame, *, min_size: int = 2) -> list[Stack]:
    """Group the point rows of ``frame`` (columns id, geometry) by identical position (1e-6°).

    Deterministic whatever the row order: groups sorted by (lon, lat), ids sorted inside; every point id
    appears in exactly one group (groups smaller than ``min_size`` are left out, so ``min_size=1`` lists all).
    Non-point and empty geometries are not points and are ignored.
    """
    if not len(frame):
        return []
    geoms = frame.geometry.values
    is_point = (shapely.get_type_id(geoms) == 0) & ~shapely.is_empty(geoms)
    if not is_point.any():
        return []
    pts = frame[is_point]
    xy = np.round(shapely.get_coordinates(pts.geometry.values), DECIMALS)
    keyed = pd.DataFrame({"lon": xy[:, 0], "lat": xy[:, 1], "id": pts["id"].astype(str).to_numpy()})
    keyed = keyed.sort_values(["lon", "lat", "id"], kind="stable")
    out = []
    for (lon, lat), group in keyed.groupby(["lon", "lat"], sort=True):
        if len(group) >= min_size:
            out.append(Stack(float(lon), float(lat), tuple(group["id"].tolist())))
    return out


def geodesic_circle(lon: float, lat: float, radius_m: float, n: int = CIRCLE_VERTICES) -> Polygon:
    """The polygon of all positions ``radius_m`` from (lon, lat) on the WGS84 ellipsoid (``n`` vertices)."""
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise ValueError(f"radius must be a positive number of metres, got {radius_m!r}")
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), azimuths, np.full(n, float(radius_m)))
    return Polygon(np.column_stack([lons, lats]))


def uncertainty(atlas: Atlas, feature_id: str, anchor_of: dict[str, str] | None = None) -> BaseGeometry | None:
    """Where ``feature_id`` may really be, or None for areas and lines (they draw their own extent).

    A point gets the geodesic circle of its ``location_precision_m``; when its position is borrowed from an
    area (a park footprint, a district, the city), that area is joined to the circle.
    """
    _layer, row = atlas.feature(feature_id)
    geom = row.geometry
    if geom is None or geom.is_empty or geom.geom_type != "Point":
        return None
    parts: list[BaseGeometry] = []
    try:
        radius = float(row.get("location_precision_m"))
    except (TypeError, ValueError):
        radius = float("nan")
    if math.isfinite(radius) and radius > 0:
        parts.append(geodesic_circle(geom.x, geom.y, radius))
    anchor = (anchor_of or anchors(atlas)).get(feature_id, feature_id)
    if anchor != feature_id and anchor in atlas:
        _alayer, arow = atlas.feature(anchor)
        if arow.geometry is not None and arow.geometry.geom_type in ("Polygon", "MultiPolygon"):
            parts.append(arow.geometry)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)
