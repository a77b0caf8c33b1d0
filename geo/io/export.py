"""GeoJSON export of (filtered) layers: RFC 7946 by default, GCJ-02/BD-09 on request.

RFC 7946: lon/lat WGS84, exterior rings counter-clockwise and holes clockwise, no ``crs`` member.
Properties are written as they are in the atlas (nested ``aliases``/``tags``/``facts`` as real JSON arrays,
provenance included), UTF-8 without ``\\u`` escapes, and nothing is HTML-escaped: a name containing
``<script>`` is written literally, so whoever displays the file must escape it (as the app does).

Coordinates in GCJ-02 or BD-09 are not RFC 7946 GeoJSON; such output says so in a top-level foreign member
``"coordinate_system"``. Coordinates are rounded to 6 decimals (about 0.1 m) in every system.

Properties are exactly the stored ones: GDAL reads a key that some features lack as null for all, so a null value
is written only for the schema's required properties (``parent: null`` is stored; ``source_ids`` of a district that
has none is not). Other formats (GeoPackage, Shapefile, KML, CSV) are in ``geo.io.export_files``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import mapping

from geo.core.crs import is_wgs84
from geo.core.geometry import round_geometries
from geo.core.schema import EVENT_PROPERTIES, LAYERS, REQUIRED_PROPERTIES
from geo.errors import CRSError, LayerError

EXPORT_SYSTEMS: dict[str, dict[str, str]] = {
    "wgs84": {"name": "WGS84", "note": "RFC 7946 GeoJSON: WGS84 longitude/latitude"},
    "gcj02": {"name": "GCJ-02", "note": "not RFC 7946 WGS84; GCJ-02 coordinates for Amap/Tencent/Apple China tools"},
    "bd09": {"name": "BD-09", "note": "not RFC 7946 WGS84; BD-09 coordinates for Baidu Maps tools"},
}
# adcode -> ASCII slug used in file names (ids of docs/CONTRACTS.md without the dist_ prefix)
DISTRICT_SLUGS: dict[str, str] = {
    "330102": "shangcheng", "330105": "gongshu", "330106": "xihu", "330108": "binjiang", "330109": "xiaoshan",
    "330110": "yuhang", "330111": "fuyang", "330112": "linan", "330113": "linping", "330114": "qiantang",
    "330122": "tonglu", "330127": "chunan", "330182": "jiande",
}
# format -> (file extension, MIME type, coordinate systems offered); the writers are geo.io.export_files (GeoJSON here).
FORMATS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "geojson": (".geojson", "application/geo+json", tuple(EXPORT_SYSTEMS)),
    "gpkg": (".gpkg", "application/geopackage+sqlite3", ("wgs84",)),
    "shp": (".shp.zip", "application/zip", ("wgs84",)),
    "kml": (".kml", "application/vnd.google-earth.kml+xml", ("wgs84",)),
    "csv": (".csv", "text/csv", tuple(EXPORT_SYSTEMS)),
}
_MAX_LISTED = 3


def _check_crs(crs: object) -> str:
    if not isinstance(crs, str) or crs not in EXPORT_SYSTEMS:
        raise CRSError(f"unknown export coordinate system {crs!r}; supported: {', '.join(EXPORT_SYSTEMS)}")
    return crs


def frames_of(data) -> list[gpd.GeoDataFrame]:
    """The frames of a GeoDataFrame, a {name: GeoDataFrame} dict or a list of them."""
    if isinstance(data, gpd.GeoDataFrame):
        return [data]
    if isinstance(data, Mapping):
        return list(data.values())
    if isinstance(data, Iterable) and not isinstance(data, str | bytes):
        frames = list(data)
        if all(isinstance(f, gpd.GeoDataFrame) for f in frames):
            return frames
    raise TypeError(f"to_geojson expects a GeoDataFrame, a dict of them or a list of them, got {type(data).__name__}")


def json_value(value):
    """A property value -> plain JSON data (numpy/pandas scalars, arrays, NaN/NA -> null, dates -> ISO)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.ndarray):
        return [json_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, pd.Timestamp | dt.date | dt.datetime):
        return value.isoformat()
    return value


def _geometry(geom):
    if geom is None or geom.is_empty:
        return None
    return mapping(shapely.orient_polygons(geom, exterior_cw=False))


def _kept(key: str, value, layer: object = None) -> bool:
    """Whether a property goes into the export: all values, and nulls only for required properties (an event's
    required ones too, such as ``date_end: null``)."""
    return value is not None or key in REQUIRED_PROPERTIES or (layer == "events" and key in EVENT_PROPERTIES)


def to_geojson(data, *, crs: str = "wgs84", indent: int | None = None) -> str:
    """A FeatureCollection (JSON text) of one GeoDataFrame, a {layer: GeoDataFrame} dict or a list of frames.

    Frames must be in EPSG:4326 (a frame without CRS is taken as WGS84); ``crs`` picks the output system
    ("wgs84", "gcj02", "bd09"). Each feature gets a top-level ``id`` when its properties carry one.
    """
    crs = _check_crs(crs)
    features = []
    for gdf in frames_of(data):
        if not is_wgs84(gdf.crs):
            raise LayerError(f"export expects EPSG:4326 lon/lat frames, got {gdf.crs.to_string()}")
        if crs != "wgs84":
            from geo.core.crs import to_system  # lazily: export works without the CRS module for WGS84

            gdf = to_system(gdf, crs)
        columns = [c for c in gdf.columns if c != gdf.geometry.name]
        geoms = round_geometries(gdf.geometry.values)
        for geom, record in zip(geoms, gdf[columns].to_dict("records"), strict=True):
            layer = record.get("layer")
            properties = {str(k): value for k, v in record.items()
                          if _kept(str(k), value := json_value(v), layer)}
            feature = {"type": "Feature"}
            if isinstance(properties.get("id"), str | int):
                feature["id"] = properties["id"]
            feature["properties"] = properties
            feature["geometry"] = _geometry(geom)
            features.append(feature)
    collection: dict = {"type": "FeatureCollection"}
    if crs != "wgs84":
        collection["coordinate_system"] = dict(EXPORT_SYSTEMS[crs])
    collection["features"] = features
    return json.dumps(collection, ensure_ascii=False, allow_nan=False, indent=indent)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _listed(values: list[str], plural: str) -> str:
    return "+".join(values) if len(values) <= _MAX_LISTED else f"{len(values)}-{plural}"


def export_filename(layer_ids: Iterable[str] | None = None, filters=None, crs: str = "wgs84",
                    date: dt.date | str | None = None, fmt: str = "geojson") -> str:
    """An ASCII file name saying what the export holds, e.g.
    ``hangzhou-atlas_parks+companies_xihu_2026-11-21_wgs84.geojson``.

    Parts: layers (in LAYERS order; "all-layers" when none or all are given), then what ``filters`` (a
    geo.core.filters.Filters or None) narrows — districts by name, kinds, tags, "search-<ascii words>" for a text
    search, "facts" for fact ranges, "2024-10-to-2025-06" for a period — then the date (default today) and the
    coordinate system; the extension is the format's (``fmt``: geojson, gpkg, shp -> ``.shp.zip``, kml, csv).
    """
    crs = _check_crs(crs)
    layers = [lid for lid in LAYERS if lid in set(layer_ids or ())]
    unknown = sorted(set(layer_ids or ()) - set(LAYERS))
    if unknown:
        raise LayerError(f"unknown layer {unknown[0]!r}")
    parts = ["hangzhou-atlas", "all-layers" if not layers or len(layers) == len(LAYERS) else "+".join(layers)]
    if filters is not None:
        if filters.districts:
            parts.append(_listed([DISTRICT_SLUGS.get(a, a) for a in filters.districts], "districts"))
        if filters.kinds:
            parts.append(_listed(list(filters.kinds), "kinds"))
        if filters.tags:
            parts.append("tag-" + _listed(list(filters.tags), "tags"))
        if filters.text:
            words = _slug(filters.text)[:24].strip("-")
            parts.append(f"search-{words}" if words else "search")
        if filters.fact_ranges:
            parts.append("facts")
        if getattr(filters, "period", ()):
            parts.append(f"{filters.period[0]}-to-{filters.period[1]}")
    parts += [_day(date), crs]
    return _finish_name(parts, fmt)


def _day(date) -> str:
    if date is None:
        date = dt.date.today()
    day = date.isoformat() if isinstance(date, dt.date) else str(date)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day[:10]):
        raise ValueError(f"date must be a date or YYYY-MM-DD, got {date!r}")
    return day[:10]


def _finish_name(parts: list[str], fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; supported: {', '.join(FORMATS)}")
    name = "_".join(parts) + FORMATS[fmt][0]
    return re.sub(r"[^A-Za-z0-9+_.-]", "-", name)


def upload_filename(source_name: str, *, joined: bool = True, crs: str = "wgs84", fmt: str = "geojson",
                    date: dt.date | str | None = None) -> str:
    """The export name of an uploaded layer: ``upload-<ascii stem>_joined_<date>_<crs>.<ext>``
    (``upload-<n>-chars`` when the file's stem has no ASCII letters or digits)."""
    crs = _check_crs(crs)
    stem = source_name.rsplit(".", 1)[0] if "." in source_name else source_name
    words = _slug(stem)[:32].strip("-") or f"{len(stem)}-chars"
    return _finish_name([f"upload-{words}", *(["joined"] if joined else []), _day(date), crs], fmt)
