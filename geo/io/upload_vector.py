"""Vector files for ``geo.io.upload`` through GDAL (pyogrio, in memory): what the bytes really are (a zip named
.geojson, an old .xls, a web page), JSON checked before GDAL (empty, cut off at a line, broken, not GeoJSON),
features read with geometries GEOS cannot parse made plain (geo.io.upload_geometry), and GDAL's messages cleaned of
internal names before anyone sees them.
"""

from __future__ import annotations

import json
import logging
import re
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.errors import UploadGeometryError, UploadReadError
from geo.errors import upload_error as fail
from geo.io.read import _PYOGRIO_ERRORS
from geo.io.upload_geometry import from_wkb, wkb_kind
from geo.io.upload_table import decode_text

log = logging.getLogger(__name__)

# magic bytes -> what the file really is
_MAGIC = ((b"PK\x03\x04", "zip"), (b"SQLite format 3\x00", "GeoPackage"), (b"\xd0\xcf\x11\xe0", "old Excel (.xls)"),
          (b"%PDF", "PDF"), (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
          (b"fgb\x03", "FlatGeobuf"), (b"Rar!", "RAR"), (b"7z\xbc\xaf", "7z"))
# what the extension's reader can take
_EXPECTED = {"GeoJSON": (), "KML": (), "CSV": (), "GPKG": ("GeoPackage",), "FlatGeobuf": ("FlatGeobuf",),
             "ESRI Shapefile": ("zip",), "XLSX": ("zip", "old Excel (.xls)")}
GEOJSON_TYPES = {"FeatureCollection", "Feature", "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                 "MultiPolygon", "GeometryCollection"}
_INTERNAL = re.compile(r"(/vsimem/)?pyogrio_[0-9a-f]{8,}|/vsimem/\S*|(?:/[\w.-]+){2,}")


def check_content(name: str, data: bytes, driver: str) -> None:
    """Refuse bytes that are plainly another kind of file than the extension says, naming what they are."""
    for magic, found in _MAGIC:
        if data.startswith(magic):
            if found not in _EXPECTED.get(driver, ()):
                raise fail(UploadReadError, "wrong_content", name, found=found, driver=driver)
            return


def clean(message: object) -> str:
    """A GDAL/library message without internal temporary names or paths, first line, at most 160 characters."""
    text = _INTERNAL.sub("", str(message)).replace("''", "").strip(" :;'")
    text = text.split("; It might help")[0].splitlines()[0] if text else ""
    return text[:160]


def check_geojson(name: str, data: bytes, encoding: str) -> tuple[bytes, str]:
    """UTF-8 GeoJSON bytes and the encoding read; UploadError for an empty, cut-off or broken JSON, or a JSON that
    is not GeoJSON (a records array, an API response, TopoJSON)."""
    text, used = decode_text(name, data, encoding)
    if not text.strip():
        raise fail(UploadReadError, "empty", name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        features = _sequence(text) if err.msg == "Extra data" else None
        if features is not None:  # GeoJSON Text Sequence / newline-delimited GeoJSON: one feature per line
            collection = {"type": "FeatureCollection", "features": features}
            return json.dumps(collection, ensure_ascii=False).encode("utf-8"), used
        if err.pos >= len(text.rstrip()):
            raise fail(UploadReadError, "cut_off", name, lineno=err.lineno) from None
        raise fail(UploadReadError, "bad_json", name, lineno=err.lineno,
                   column=err.colno) from None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind == "FeatureCollection" and not value.get("features"):
        raise fail(UploadReadError, "no_features", name)
    if kind not in GEOJSON_TYPES:
        esri = isinstance(value, dict) and ("spatialReference" in value or "geometryType" in value)
        if not esri:
            found = ("TopoJSON" if kind == "Topology" else "a list of records" if isinstance(value, list)
                     else "an object without a GeoJSON type" if isinstance(value, dict) else "a single value")
            raise fail(UploadReadError, "not_geojson", name, found=found)
    return text.encode("utf-8"), used


def _sequence(text: str) -> list[dict] | None:
    """The features of a newline-delimited GeoJSON (RFC 8142 record separators allowed), or None."""
    features = []
    for line in text.replace("\x1e", "\n").splitlines():
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not isinstance(value, dict) or value.get("type") != "Feature":
            return None
        features.append(value)
    return features or None


def _first_layer(data: bytes, layers: list[list]) -> int:
    """The first layer with geometry and features (a GeoPackage may start with an attribute table or an empty
    layer); 0 when none has both."""
    for index, (_name, geometry_type) in enumerate(layers[:20]):
        if geometry_type is None:
            continue
        try:
            if pyogrio.read_info(data, layer=index).get("features", 0) != 0:
                return index
        except _PYOGRIO_ERRORS:
            continue
    return 0


def raw_frame(name: str, data: bytes, driver: str, *, encoding: str | None = None,
              max_features: int | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The first layer with features of a GDAL-readable file as a GeoDataFrame (GDAL's WKB, TIN/MultiPatch made
    plain), and the names of all layers (the one read first)."""
    try:
        with warnings.catch_warnings():  # GDAL notes the in-memory file's name ("non conformant file extension")
            warnings.simplefilter("ignore", RuntimeWarning)
            listed = pyogrio.list_layers(data).tolist()
            if not listed:
                return gpd.GeoDataFrame(geometry=[]), []
            layer = _first_layer(data, listed) if len(listed) > 1 else 0
            layers = [str(row[0]) for row in listed]
            layers.insert(0, layers.pop(layer))  # the layer read first, then the others
            meta, _fids, wkb, fields = pyogrio.raw.read(data, layer=layer, encoding=encoding,
                                                        max_features=max_features, datetime_as_string=True)
    except (*_PYOGRIO_ERRORS, OSError, UnicodeDecodeError, ValueError) as err:
        log.info("upload %r (%d bytes): GDAL cannot read it as %s: %s", name, len(data), driver, err)
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail=clean(err) or "unreadable") from None
    columns = {str(c): np.asarray(v) for c, v in zip(meta["fields"], fields, strict=True)}
    if wkb is None:
        geoms = np.full(len(next(iter(columns.values()), [])), None, dtype=object)
    else:
        geoms, unreadable = from_wkb(np.asarray(wkb, dtype=object))
        if unreadable.size:
            raise fail(UploadGeometryError, "unsupported_geometry", name, where=f"feature {unreadable[0] + 1}",
                       feature=int(unreadable[0]) + 1, count=int(unreadable.size), kind=wkb_kind(wkb[unreadable[0]]))
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(geoms)))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms), crs=meta.get("crs")), layers
