"""Reading the atlas's files: one layer file, the article registry, the articles' texts, and the directory's hash.

``read_layer`` reads any supported vector format through geopandas/pyogrio, always returns
EPSG:4326 (lon, lat) and gives the nested properties (``geo.core.schema.NESTED_PROPERTIES``) back as
plain Python lists. GDAL flattens them differently per format and per content: a GeoJSON list of
strings comes back as a numpy array (float64 when empty), a list of objects as a list of dicts,
and GeoPackage/FlatGeobuf/Shapefile hold them as strings. No validation here: ``geo.validate`` reads through
this module and ``geo.io.atlas`` loads (and validates) a whole directory on top of both.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio.errors

from geo.core.schema import LAYERS, NESTED_PROPERTIES
from geo.errors import LayerError, SchemaError, UnsupportedFormatError

# File extension -> GDAL/OGR driver.
SUPPORTED_FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".geojsonl": "GeoJSONSeq",
    ".geojsons": "GeoJSONSeq",
    ".gpkg": "GPKG",
    ".fgb": "FlatGeobuf",
    ".shp": "ESRI Shapefile",
    ".kml": "KML",
}
# Formats whose specification fixes WGS84, so a file without a CRS is WGS84.
_WGS84_BY_DEFINITION = {"GeoJSON", "GeoJSONSeq", "KML"}
SOURCES_FILE = "sources.json"

_PYOGRIO_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)


class UnknownFeatureError(LayerError, KeyError):
    """No feature of the atlas has this id (a LayerError, and a KeyError for lookups)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return ValueError.__str__(self)


def _supported_list() -> str:
    return ", ".join(sorted(SUPPORTED_FORMATS))


def driver_for(path: str | Path) -> str:
    """The OGR driver for ``path``'s extension, or UnsupportedFormatError listing the supported ones."""
    ext = Path(path).suffix.lower()
    try:
        return SUPPORTED_FORMATS[ext]
    except KeyError:
        shown = f"'{ext}'" if ext else "(no extension)"
        raise UnsupportedFormatError(
            f"unsupported file format {shown}; supported extensions: {_supported_list()}", path=str(path)
        ) from None


def _plain(value):
    """numpy scalars/arrays -> Python values, recursively inside lists and dicts."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def decode_nested(value, *, prop: str, path: str | None = None, feature_id: str | None = None) -> list:
    """One nested property value as GDAL returned it -> a Python list.

    Accepts lists, numpy arrays, JSON text (GeoPackage, FlatGeobuf, Shapefile store it as a string) and,
    for files written with ``str()`` of a list, a Python literal. Missing values become ``[]``.
    """
    if _is_missing(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError:
            try:
                decoded = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise SchemaError(
                    f"property '{prop}' is neither a list nor JSON text of a list: {text[:60]!r}",
                    path=path, feature_id=feature_id,
                ) from None
        value = decoded
    value = _plain(value)
    if not isinstance(value, list):
        raise SchemaError(f"property '{prop}' must be a list, got {type(value).__name__}",
                          path=path, feature_id=feature_id)
    return value


def read_layer(path: str | Path) -> gpd.GeoDataFrame:
    """Read one layer file -> GeoDataFrame in EPSG:4326 with nested properties as Python lists.

    Raises UnsupportedFormatError for an unknown extension and LayerError (naming the file) when the file
    is missing, unreadable, corrupt, or has no CRS in a format that does not imply WGS84.
    """
    path = Path(path)
    driver = driver_for(path)
    if not path.is_file():
        raise LayerError("file not found", path=str(path))
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except _PYOGRIO_ERRORS as err:
        raise LayerError(f"cannot read {driver} file: {err}", path=str(path)) from err
    except (OSError, UnicodeDecodeError) as err:
        raise LayerError(f"cannot read file: {err}", path=str(path)) from err

    if gdf.crs is None:
        if driver not in _WGS84_BY_DEFINITION:
            raise LayerError(
                f"{driver} file has no coordinate reference system; only GeoJSON may omit it (WGS84 is then assumed)",
                path=str(path),
            )
        gdf = gdf.set_crs("EPSG:4326")
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")

    ids = gdf["id"].tolist() if "id" in gdf.columns else [None] * len(gdf)
    for prop in NESTED_PROPERTIES:
        if prop in gdf.columns:
            values = [
                decode_nested(v, prop=prop, path=str(path), feature_id=_fid(i))
                for v, i in zip(gdf[prop], ids, strict=True)
            ]
            gdf[prop] = pd.Series(values, index=gdf.index, dtype=object)
    if "parent" in gdf.columns:
        gdf["parent"] = pd.Series([None if _is_missing(v) else v for v in gdf["parent"]], index=gdf.index, dtype=object)
    return gdf


def _fid(value) -> str | None:
    return value if isinstance(value, str) and value else None


def read_sources(path: str | Path) -> dict[str, dict]:
    """``sources.json`` (a JSON list of objects with a unique ``id``) -> {id: source}."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerError("file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise LayerError(f"cannot read file: {err}", path=str(path)) from err
    except json.JSONDecodeError as err:
        raise LayerError(f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}", path=str(path)) from err
    if not isinstance(data, list):
        raise SchemaError(f"must be a JSON list of source objects, got {type(data).__name__}", path=str(path))
    sources: dict[str, dict] = {}
    for i, item in enumerate(data):
        sid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(sid, str) or not sid:
            raise SchemaError("source has no string 'id'", path=str(path), feature_id=f"[{i}]")
        if sid in sources:
            raise SchemaError("duplicate source id", path=str(path), feature_id=sid)
        sources[sid] = item
    return sources


def read_articles(sources: dict[str, dict], directory: str | Path) -> tuple[dict[str, str], list[str]]:
    """The articles' texts (source id -> text) from ``directory``/``seed_file``, and the source ids whose text is
    not there. Only the validator's optional verbatim quote check and ``geo.evidence`` read them."""
    texts, missing = {}, []
    for sid, src in sources.items():
        name = src.get("seed_file")
        path = Path(directory) / name if isinstance(name, str) and name else None
        try:
            texts[sid] = path.read_text(encoding="utf-8") if path is not None else None
        except (OSError, UnicodeDecodeError):
            texts[sid] = None
        if texts[sid] is None:
            del texts[sid]
            missing.append(sid)
    return texts, missing


# --------------------------------------------------------------------------------------------------- atlas


def atlas_files(data_dir: str | Path) -> list[Path]:
    """The atlas files present in ``data_dir``: layer files in LAYERS order, then sources.json."""
    data_dir = Path(data_dir)
    names = [spec[0] for spec in LAYERS.values()] + [SOURCES_FILE]
    return [data_dir / name for name in names if (data_dir / name).is_file()]


def atlas_hash(data_dir: str | Path) -> str:
    """sha256 over the names and bytes of the atlas files present in ``data_dir``."""
    digest = hashlib.sha256()
    for file in atlas_files(data_dir):
        content = file.read_bytes()
        digest.update(file.name.encode() + b"\0" + str(len(content)).encode() + b"\0")
        digest.update(content)
    return digest.hexdigest()
