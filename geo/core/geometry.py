"""Geometry constants every part of the app shares: the coordinate rounding of everything sent or written, and
the names and families of shapely's geometry type ids.

Pure: no Streamlit, no folium.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

# Coordinates leave the app at 6 decimals of a degree (about 0.1 m): the map, the exports, the selection outline.
DECIMALS = 6

# shapely.get_type_id -> geometry type name (-1: a missing geometry).
TYPE_NAMES: dict[int, str] = {-1: "missing", 0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon",
                              4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}
# shapely.get_type_id -> family: what a format or a check treats alike ("collection" for everything else).
FAMILIES: dict[int, str] = {0: "point", 4: "point", 1: "line", 2: "line", 5: "line", 3: "polygon", 6: "polygon"}


def round_geometries(geoms):
    """Geometries (one, an array or GeoSeries values) with coordinates rounded to :data:`DECIMALS` (vectorised)."""
    return shapely.transform(geoms, lambda xy: np.round(xy, DECIMALS))


def type_names(geoms) -> set[str]:
    """The geometry type names present in ``geoms`` (an array of shapely geometries)."""
    return {TYPE_NAMES.get(int(t), "missing") for t in np.unique(shapely.get_type_id(geoms))}


def families(geoms, index=None) -> pd.Series:
    """The family of each geometry: "point", "line", "polygon" or "collection" (collections, missing ones)."""
    return pd.Series(shapely.get_type_id(geoms), index=index).map(FAMILIES).fillna("collection")
