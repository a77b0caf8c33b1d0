"""A visitor's upload as a layer of the atlas: :func:`as_layer` converts the frame ``geo.io.upload`` read (WGS84,
``upload_id``, ``name``, the file's own properties) once into the display schema every atlas layer has, as layer
``upload`` (geo.core.schema.UPLOAD_LAYER), so the map, the canvas, the side panel, the table and the export treat it
as they treat the atlas's own layers.

Honest positions: the file's coordinates are used as given, and its precision is the file's. A column
``location_precision_m`` (or ``precision_m``, ``accuracy_m``, ``精度``, ``定位精度``: metres, a number >= 0) gives
each row's precision and a ``location_basis`` column with one of geo.core.schema.LOCATION_BASES its basis; where the
file says nothing, the precision is NaN and the basis ``unknown`` (geo.core.schema.UNKNOWN_BASIS): the app says
"precision unknown" and draws the position as not exact (geo.core.precision.is_approximate).

Pure: no Streamlit, no folium.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.core.schema import LOCATION_BASES, UNKNOWN_BASIS, UPLOAD_LAYER

PRECISION_COLUMNS = ("location_precision_m", "precision_m", "accuracy_m", "精度", "定位精度")
BASIS_COLUMN = "location_basis"
# The display schema's columns (the ones geo, layers and ui read from any layer), in this order.
LAYER_COLUMNS = ("id", "layer", "kind", "name_zh", "name_en", "adcode", "location_basis", "location_precision_m",
                 "geometry")


def _column(gdf: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lowered = {str(c).strip().lower(): c for c in gdf.columns}
    return next((lowered[n] for n in names if n in lowered), None)


def precision_of(gdf: pd.DataFrame) -> np.ndarray:
    """Each row's location precision in metres from the file's precision column; NaN where it gives none."""
    column = _column(gdf, PRECISION_COLUMNS)
    if column is None:
        return np.full(len(gdf), np.nan)
    values = pd.to_numeric(gdf[column], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(values) & (values >= 0), values, np.nan)


def basis_of(gdf: pd.DataFrame) -> np.ndarray:
    """Each row's location basis: the file's where it names one of geo.core.schema.LOCATION_BASES, else ``unknown``."""
    column = _column(gdf, (BASIS_COLUMN,))
    given = gdf[column].astype(str).str.strip().to_numpy() if column is not None else np.full(len(gdf), "")
    known = np.isin(given, list(LOCATION_BASES))
    return np.where(known, given, UNKNOWN_BASIS).astype(object)


def as_layer(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The upload in the display schema (:data:`LAYER_COLUMNS`), same index and order as ``gdf``: ``id`` is the
    upload id, both names are the file's display name, ``kind`` is "" (an upload has one kind), ``adcode`` ""."""
    precision = precision_of(gdf)
    names = gdf["name"].astype(str).to_numpy()
    return gpd.GeoDataFrame({
        "id": gdf["upload_id"].astype(str).to_numpy(), "layer": UPLOAD_LAYER, "kind": "",
        "name_zh": names, "name_en": names, "adcode": "",
        "location_basis": basis_of(gdf), "location_precision_m": precision,
    }, geometry=gdf.geometry.to_numpy(), index=gdf.index, crs="EPSG:4326")[list(LAYER_COLUMNS)]
