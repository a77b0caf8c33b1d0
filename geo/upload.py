"""Reading a visitor's own file: GeoJSON, GeoPackage, KML, zipped Shapefile, FlatGeobuf, CSV and XLSX.

``read_upload(name, data, options)`` takes the file's name and bytes (nothing is written to disk: vector files go
to GDAL through pyogrio's in-memory files, a zipped Shapefile is checked and re-packed in memory first) and
returns an :class:`Upload` whose ``gdf`` is WGS84 (EPSG:4326) with the columns ``upload_id`` (``up_1``, ``up_2``,
… in file order: the same file gives the same ids), ``name``, the file's own properties and ``geometry``.

Coordinates: a file with a projected or other CRS (a Shapefile's ``.prj``, a GeoPackage's SRS) is reprojected
with pyproj. Longitude/latitude data (GeoJSON, KML, CSV/XLSX columns, files without CRS) are in the system the
visitor says, WGS84 by default, GCJ-02 (Amap) or BD-09 (Baidu) on request, converted with ``geo.crs``.

Every problem raises a :class:`geo.errors.UploadError` subclass with a ``code`` and ``params`` (``ERROR_TEXT``
gives the English template of each code; the UI has the Chinese one) naming the file, the row or feature and
the reason. Safety: size, feature and unzipped-size limits (zip bombs), zip entries with ``../`` or absolute
paths refused, KML with a DOCTYPE or entity refused before any XML parser sees it.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.crs import SYSTEMS, check_system, transform_geometry
from geo.errors import (
    ERROR_TEXT,
    UnsafeUploadError,
    UnsupportedUploadError,
    UploadError,
    UploadGeometryError,
    UploadLimitError,
    UploadReadError,
)
from geo.errors import (
    upload_error as fail,
)
from geo.geometry import families as geometry_families
from geo.io import _PYOGRIO_ERRORS
from geo.schema import HANGZHOU_BBOX
from geo.upload_table import ENCODINGS, check_coordinates, decode_text, read_csv, read_xlsx, table_points

# Upload extension -> reader (GDAL driver, or the table readers of geo.upload_table).
UPLOAD_FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".kml": "KML",
    ".zip": "ESRI Shapefile",
    ".fgb": "FlatGeobuf",
    ".csv": "CSV",
    ".xlsx": "XLSX",
}
TABLE_FORMATS = ("CSV", "XLSX")
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_features: int = 50_000
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 200


LIMITS = Limits()


@dataclass(frozen=True)
class UploadOptions:
    """What the visitor chose: source system of lon/lat data, text encoding, coordinate columns (None = detect)."""

    crs: str = "wgs84"
    encoding: str = "auto"
    lon: str | None = None
    lat: str | None = None


@dataclass(frozen=True)
class UploadWarning:
    code: str
    params: dict

    def __str__(self) -> str:
        return ERROR_TEXT[self.code].format(**self.params)


@dataclass(frozen=True, eq=False)
class Upload:
    """A read upload: ``gdf`` is WGS84 with upload_id, name, the file's properties, geometry."""

    name: str
    gdf: gpd.GeoDataFrame
    driver: str
    source_crs: str  # "wgs84" / "gcj02" / "bd09", or the file's CRS (e.g. "EPSG:32650") when reprojected
    encoding: str | None = None
    columns: tuple[str, ...] = ()  # table columns (CSV/XLSX), for choosing the coordinate columns
    lon: str | None = None
    lat: str | None = None
    warnings: tuple[UploadWarning, ...] = ()


def _supported() -> str:
    return ", ".join(sorted(UPLOAD_FORMATS))


def upload_driver(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext == ".shp":
        raise fail(UnsupportedUploadError, "shapefile_not_zipped", name)
    if ext not in UPLOAD_FORMATS:
        raise fail(UnsupportedUploadError, "unsupported_format", name, ext=ext or "(none)", supported=_supported())
    return UPLOAD_FORMATS[ext]


def read_upload(name: str, data: bytes, options: UploadOptions = UploadOptions(), *,
                limits: Limits = LIMITS) -> Upload:
    """Read one uploaded file (its name and bytes) into a WGS84 :class:`Upload`; UploadError on any problem."""
    name = Path(str(name)).name or "upload"
    driver = upload_driver(name)
    check_system(options.crs)
    if options.encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {options.encoding!r}; supported: {', '.join(ENCODINGS)}")
    if not data:
        raise fail(UploadReadError, "empty", name)
    if len(data) > limits.max_bytes:
        raise fail(UploadLimitError, "too_large", name, size_mb=f"{len(data) / 2**20:.1f}",
                   limit_mb=f"{limits.max_bytes / 2**20:g}")
    if driver in TABLE_FORMATS:
        if driver == "CSV":
            frame, rows, encoding = read_csv(name, data, options.encoding, limits.max_features)
        else:
            safe_zip(name, data, limits, driver="XLSX")
            frame, rows, encoding = read_xlsx(name, data, limits.max_features)
        points, lon, lat = table_points(name, frame, rows, options.lon, options.lat)
        gdf = gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")
        return _finish(name, gdf, driver, options.crs, encoding, tuple(map(str, frame.columns)), lon, lat, ())
    encoding = None
    notes: list[UploadWarning] = []
    if driver == "ESRI Shapefile":
        data, encoding = _shapefile_bytes(name, data, options.encoding, limits)
    elif driver == "GeoJSON":
        text, encoding = decode_text(name, data, options.encoding)
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            raise fail(UploadReadError, "bad_json", name, line=err.lineno, column=err.colno, detail=err.msg) from None
        data = text.encode("utf-8")
    elif driver == "KML":
        head = data.lower()
        if b"<!doctype" in head or b"<!entity" in head:
            raise fail(UnsafeUploadError, "xml_entity", name)
    gdf, extra = _read_vector(name, data, driver, encoding if driver == "ESRI Shapefile" else None, limits)
    if extra:
        notes.append(UploadWarning("extra_layers", {"layers": ", ".join(extra)}))
    return _finish(name, gdf, driver, options.crs, encoding, (), None, None, tuple(notes))


def table_columns(name: str, data: bytes, options: UploadOptions = UploadOptions(), *,
                  limits: Limits = LIMITS) -> list[str]:
    """The column names of a CSV/XLSX upload (to let the visitor choose the coordinate columns); [] for others
    or when the table itself cannot be read."""
    try:
        driver = upload_driver(name)
        if driver == "CSV":
            return [str(c) for c in read_csv(name, data, options.encoding, limits.max_features)[0].columns]
        if driver == "XLSX":
            safe_zip(name, data, limits, driver="XLSX")
            return [str(c) for c in read_xlsx(name, data, limits.max_features)[0].columns]
    except UploadError:
        return []
    return []


def safe_zip(name: str, data: bytes, limits: Limits, *, driver: str = "zip") -> zipfile.ZipFile:
    """Open a zip after checking its entries: no absolute or ``..`` paths, entry count and total size limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as err:
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail=str(err)) from None
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise fail(UploadLimitError, "zip_too_many_entries", name, count=len(infos), limit=limits.max_zip_entries)
    for info in infos:
        entry = info.filename.replace("\\", "/")
        parts = PurePosixPath(entry).parts
        if entry.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise fail(UnsafeUploadError, "zip_unsafe_path", name, entry=info.filename[:120])
    if sum(info.file_size for info in infos) > limits.max_unzipped_bytes:
        raise fail(UploadLimitError, "zip_bomb", name, limit_mb=f"{limits.max_unzipped_bytes / 2**20:g}")
    return archive


def _read_member(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """An entry's bytes, reading at most ``budget`` + 1 bytes whatever its header claims (a lying header)."""
    try:
        with archive.open(info) as handle:
            content = handle.read(budget + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
        raise fail(UploadReadError, "corrupt", name, driver="zip", detail=str(err)) from None
    if len(content) > budget:
        raise fail(UploadLimitError, "zip_bomb", name, limit_mb=f"{budget / 2**20:g}")
    return content


def _shapefile_bytes(name: str, data: bytes, encoding: str, limits: Limits) -> tuple[bytes, str | None]:
    """Check a zipped Shapefile and re-pack its parts (flat, fixed names) in memory; the encoding to read it with."""
    archive = safe_zip(name, data, limits)
    members = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename
               and not PurePosixPath(i.filename).name.startswith(".")]
    shps = [i for i in members if i.filename.lower().endswith(".shp")]
    listed = ", ".join(i.filename for i in members[:8]) or "none"
    if not shps:
        raise fail(UploadReadError, "zip_no_shp", name, entries=listed)
    if len(shps) > 1:
        raise fail(UploadReadError, "zip_many_shp", name, entries=", ".join(i.filename for i in shps[:8]))
    stem = shps[0].filename[:-4].lower()
    parts = {i.filename[len(stem):].lower(): i for i in members if i.filename.lower().startswith(stem)
             and i.filename[len(stem):].lower() in SHAPEFILE_PARTS}
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise fail(UploadReadError, "zip_incomplete_shp", name, missing=", ".join(missing))
    budget = limits.max_unzipped_bytes
    out = io.BytesIO()
    contents: dict[str, bytes] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as repacked:
        for ext, info in parts.items():
            contents[ext] = _read_member(name, archive, info, budget)
            budget -= len(contents[ext])
            repacked.writestr(f"upload{ext}", contents[ext])
    if encoding == "auto":
        encoding = _dbf_encoding(contents) if ".cpg" not in contents else None
    return out.getvalue(), encoding


def _dbf_encoding(parts: dict[str, bytes]) -> str:
    """A .dbf without .cpg: UTF-8 if its records decode as UTF-8, else GB18030 (GBK's superset)."""
    dbf = parts[".dbf"]
    header = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 10 else 0
    try:
        dbf[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def _read_vector(name: str, data: bytes, driver: str, encoding: str | None,
                 limits: Limits) -> tuple[gpd.GeoDataFrame, list[str]]:
    try:
        with warnings.catch_warnings():  # GDAL notes the in-memory file's name ("non conformant file extension")
            warnings.simplefilter("ignore", RuntimeWarning)
            layers = [str(row[0]) for row in pyogrio.list_layers(data)]
            gdf = pyogrio.read_dataframe(data, layer=0, encoding=encoding, max_features=limits.max_features + 1)
    except _PYOGRIO_ERRORS as err:
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail=_short(err)) from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail=_short(err)) from None
    if len(gdf) > limits.max_features:
        raise fail(UploadLimitError, "too_many_features", name, limit=limits.max_features)
    if "geometry" not in gdf.columns or not isinstance(gdf, gpd.GeoDataFrame):
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail="no geometry")
    if driver == "KML":  # GDAL adds a column per KML element (begin, tessellate, ...): drop those left at defaults
        unused = [c for c in gdf.columns if c != "geometry" and gdf[c].map(
            lambda v, c=c: _blank(v) or (c in _KML_FLAGS and v in (-1, 0))).all()]
        gdf = gdf.drop(columns=unused)
    return gdf, layers[1:6]


_KML_FLAGS = ("tessellate", "extrude", "visibility", "drawOrder")


def _blank(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or value == ""


def _short(err: Exception) -> str:
    return str(err).replace("/vsimem/", "").splitlines()[0][:160] if str(err) else type(err).__name__


def _check_geometries(name: str, gdf: gpd.GeoDataFrame) -> None:
    geoms = gdf.geometry.values
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if missing.size:
        raise fail(UploadGeometryError, "missing_geometry", name, where=f"feature {missing[0] + 1}",
                   feature=int(missing[0]) + 1, count=int(missing.size))
    families = geometry_families(geoms)
    kinds = list(dict.fromkeys(families))
    if len(kinds) > 1:
        first = int(np.flatnonzero(families.to_numpy() == kinds[1])[0])
        raise fail(UploadGeometryError, "mixed_geometry", name, where=f"feature {first + 1}",
                   kinds=", ".join(kinds), feature=first + 1, kind=kinds[1])
    if kinds and kinds[0] == "collection":
        raise fail(UploadGeometryError, "mixed_geometry", name, where="feature 1", kinds="collection",
                   feature=1, kind="collection")


def _is_lonlat(crs) -> bool:
    if crs is None:
        return True
    return crs.equals("EPSG:4326", ignore_axis_order=True) or crs.equals("OGC:CRS84")


def _finish(name: str, gdf: gpd.GeoDataFrame, driver: str, system: str, encoding: str | None,
            columns: tuple[str, ...], lon: str | None, lat: str | None,
            warnings: tuple[UploadWarning, ...]) -> Upload:
    if gdf.empty:
        raise fail(UploadReadError, "no_features", name)
    _check_geometries(name, gdf)
    if _is_lonlat(gdf.crs):
        source = system
        if driver not in TABLE_FORMATS:  # tables were checked row by row with their columns
            xy, index = shapely.get_coordinates(gdf.geometry.values, return_index=True)
            check_coordinates(name, xy[:, 0], xy[:, 1], index + 1, "feature", "longitude", "latitude")
        geoms = transform_geometry(gdf.geometry.values, system, "wgs84") if system != "wgs84" else gdf.geometry.values
        gdf = gpd.GeoDataFrame(gdf.drop(columns=gdf.geometry.name), geometry=geoms, crs="EPSG:4326")
    else:
        source = gdf.crs.to_string()
        gdf = gdf.to_crs("EPSG:4326")
    gdf = gdf.reset_index(drop=True)
    props = gdf.drop(columns=gdf.geometry.name)
    renames = {c: f"{c} (original)" for c in props.columns if c in ("upload_id", "geometry")}
    props = props.rename(columns=renames)
    ids = [f"up_{i}" for i in range(1, len(gdf) + 1)]
    names = _names(props, ids)
    props = props.drop(columns=[c for c in props.columns if c == "name"])
    out = gpd.GeoDataFrame({"upload_id": ids, "name": names, **{str(c): props[c].to_numpy() for c in props.columns}},
                           geometry=gdf.geometry.to_numpy(), crs="EPSG:4326")
    reps = shapely.point_on_surface(out.geometry.values)
    x0, y0, x1, y1 = HANGZHOU_BBOX
    rx, ry = shapely.get_x(reps), shapely.get_y(reps)
    outside = int(np.count_nonzero((rx < x0) | (rx > x1) | (ry < y0) | (ry > y1)))
    if outside:
        warnings = (*warnings, UploadWarning("outside_hangzhou", {"count": outside, "total": len(out)}))
    return Upload(name=name, gdf=out, driver=driver, source_crs=source, encoding=encoding, columns=columns,
                  lon=lon, lat=lat, warnings=warnings)


NAME_COLUMNS = ("name", "名称", "name_zh", "名字", "企业名称", "公司名称", "单位名称", "项目名称", "园区名称",
                "title", "标题", "label")


def _names(props: pd.DataFrame, ids: list[str]) -> list[str]:
    """A display name per feature: the first name-like column (case-insensitive), else the upload id."""
    lowered = {str(c).strip().lower(): c for c in props.columns}
    for candidate in NAME_COLUMNS:
        if candidate in lowered:
            values = props[lowered[candidate]]
            return [str(v).strip() if isinstance(v, str | int | float) and not pd.isna(v) and str(v).strip()
                    else fid for v, fid in zip(values, ids, strict=True)]
    return list(ids)


__all__ = ["ENCODINGS", "ERROR_TEXT", "LIMITS", "SYSTEMS", "UPLOAD_FORMATS", "Limits", "Upload", "UploadOptions",
           "UploadWarning", "read_upload", "safe_zip", "table_columns", "upload_driver"]
