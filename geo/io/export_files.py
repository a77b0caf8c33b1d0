"""Export to the formats GIS and spreadsheet users want, all written through pyogrio (GDAL):

- **GeoPackage** (``gpkg``): one table per layer, EPSG:4326.
- **zipped Shapefile** (``shp``): one ``.shp`` per layer and geometry kind (a Shapefile holds one kind), UTF-8 with
  a ``.cpg``; field names are cut to the format's 10 bytes (on a character boundary, made unique) and text to its
  254 bytes, and ``fields.csv`` in the zip maps every field to its property and counts cut values.
- **KML** (``kml``): one layer, WGS84 (the format's only system); the placemark name is the feature's name.
  GDAL writes field names into XML attributes unescaped, so ``<>&"'`` in a property name become ``_`` (values are
  escaped by GDAL and kept).
- **CSV** (``csv``): UTF-8 with BOM (Excel opens Chinese correctly); points as ``lon_<system>``/``lat_<system>``,
  other geometries as ``wkt_<system>``; WGS84, GCJ-02 or BD-09.
- GeoJSON stays in ``geo.io.export.to_geojson``.

Coordinates are rounded to 6 decimals (about 0.1 m) in every format; nested properties (lists, objects) are written
as JSON text; property names and values are written exactly as stored (no HTML escaping: a consumer must escape).
Files are built in a temporary directory that is removed before the bytes are returned.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.core.geometry import families as geometry_families
from geo.core.geometry import round_geometries
from geo.errors import CRSError
from geo.io.export import FORMATS, frames_of, json_value, to_geojson

__all__ = ["FORMATS", "check_format", "export_bytes", "kml_fields", "shapefile_fields", "to_csv", "to_gpkg", "to_kml",
           "to_shapefile_zip"]
SHP_NAME_BYTES = 10
SHP_TEXT_BYTES = 254
_PLURAL = {"point": "points", "line": "lines", "polygon": "polygons"}  # one Shapefile per family


def check_format(fmt: str, crs: str = "wgs84") -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; supported: {', '.join(FORMATS)}")
    if crs not in FORMATS[fmt][2]:
        raise CRSError(f"{fmt} export is WGS84 only (its readers assume it); got {crs!r}")


def _named(data) -> dict[str, gpd.GeoDataFrame]:
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}
    frames = frames_of(data)
    return {f"layer{i + 1}" if len(frames) > 1 else "features": f for i, f in enumerate(frames)}


def _flat(value):
    """A property value as a plain field value: lists/objects as JSON text, numpy scalars as Python, NaN as None."""
    value = json_value(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _flat_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(geometry=round_geometries(gdf.geometry.values), index=gdf.index, crs="EPSG:4326")
    for column in gdf.columns:
        if column == gdf.geometry.name:
            continue
        values = gdf[column]
        out[str(column)] = values if values.dtype.kind in "biuf" else values.map(_flat).astype(object)
    return out[[*map(str, (c for c in gdf.columns if c != gdf.geometry.name)), "geometry"]]


def _write(gdf: gpd.GeoDataFrame, path: Path, **kwargs) -> None:
    with warnings.catch_warnings():  # GDAL warns about values it writes as given (long KML names, ...)
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(gdf, path, **kwargs)


def to_gpkg(data) -> bytes:
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        for i, (name, gdf) in enumerate(_named(data).items()):
            _write(_flat_frame(gdf), path, driver="GPKG", layer=name, append=i > 0)
        return path.read_bytes()


def to_kml(data, *, name_field: str | None = None) -> bytes:
    frames = [_flat_frame(g) for g in _named(data).values()]
    both = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    both = both.rename(columns=kml_fields(both.columns))
    if name_field is None:
        name_field = next((c for c in ("name_zh", "name", "id") if c in both.columns), None)
    options = {"NameField": name_field} if name_field else {}
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp:
        path = Path(tmp) / "export.kml"
        _write(both, path, driver="KML", layer="hangzhou-atlas", dataset_options=options)
        return path.read_bytes()


def kml_fields(columns) -> dict[str, str]:
    """property -> KML field name: characters that would break the XML attribute replaced by ``_``."""
    return {str(c): re.sub(r"[<>&\"']", "_", str(c)) for c in columns}


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def shapefile_fields(columns) -> dict[str, str]:
    """property -> Shapefile field name (at most 10 UTF-8 bytes, unique, case-insensitively)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        base = _cut(str(column), SHP_NAME_BYTES) or "field"
        candidate, n = base, 1
        while candidate.lower() in used:
            suffix = f"_{n}"
            candidate, n = _cut(str(column), SHP_NAME_BYTES - len(suffix)) + suffix, n + 1
        used.add(candidate.lower())
        out[str(column)] = candidate
    return out


def to_shapefile_zip(data, *, stem: str = "hangzhou-atlas") -> bytes:
    rows = [("layer", "file", "field", "property", "values_cut_to_254_bytes")]
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, gdf in _named(data).items():
            flat = _flat_frame(gdf)
            fields = shapefile_fields(c for c in flat.columns if c != "geometry")
            families = geometry_families(flat.geometry.values, flat.index).map(_PLURAL)  # collections: none
            for family in dict.fromkeys(families.dropna()):
                part = flat[families == family].rename(columns=fields)
                file_stem = f"{stem}_{name}" + (f"_{family}" if families.nunique() > 1 else "")
                cut = {}
                for prop, field in fields.items():
                    text = part[field].map(lambda v: isinstance(v, str) and len(v.encode("utf-8")) > SHP_TEXT_BYTES)
                    cut[prop] = int(text.sum())
                    if cut[prop]:
                        part[field] = part[field].map(lambda v: _cut(v, SHP_TEXT_BYTES) if isinstance(v, str) else v)
                _write(part, Path(tmp) / f"{file_stem}.shp", driver="ESRI Shapefile", encoding="UTF-8",
                       promote_to_multi=family != "points")
                rows += [(name, f"{file_stem}.shp", field, prop, cut[prop]) for prop, field in fields.items()]
        for file in sorted(Path(tmp).iterdir()):
            archive.write(file, file.name)
        text = io.StringIO()
        pd.DataFrame(rows[1:], columns=rows[0]).to_csv(text, index=False, lineterminator="\n")
        archive.writestr("fields.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


def to_csv(data, *, crs: str = "wgs84") -> bytes:
    frames = []
    for gdf in _named(data).values():
        if crs != "wgs84":
            from geo.core.crs import to_system

            gdf = to_system(gdf, crs)
        flat = _flat_frame(gdf)
        geoms = flat.geometry.values
        points = shapely.get_type_id(geoms) == 0
        table = pd.DataFrame(flat.drop(columns="geometry"))
        table[f"lon_{crs}"] = np.where(points, shapely.get_x(geoms), np.nan)
        table[f"lat_{crs}"] = np.where(points, shapely.get_y(geoms), np.nan)
        table[f"wkt_{crs}"] = np.where(points, None, shapely.to_wkt(geoms, rounding_precision=6, trim=True))
        frames.append(table)
    table = pd.concat(frames, ignore_index=True)
    if table[f"wkt_{crs}"].isna().all():
        table = table.drop(columns=f"wkt_{crs}")
    if table[f"lon_{crs}"].isna().all():
        table = table.drop(columns=[f"lon_{crs}", f"lat_{crs}"])
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp:
        path = Path(tmp) / "export.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            pyogrio.write_dataframe(table, path, driver="CSV", layer_options={"WRITE_BOM": "YES"})
        return path.read_bytes()


def export_bytes(data, fmt: str, *, crs: str = "wgs84") -> bytes:
    """The export file's bytes: ``data`` is a GeoDataFrame or a {layer: GeoDataFrame} dict (EPSG:4326)."""
    check_format(fmt, crs)
    if fmt == "geojson":
        return to_geojson(data, crs=crs).encode("utf-8")
    if fmt == "csv":
        return to_csv(data, crs=crs)
    return {"gpkg": to_gpkg, "kml": to_kml, "shp": to_shapefile_zip}[fmt](data)
