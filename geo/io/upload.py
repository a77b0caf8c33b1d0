"""Reading a visitor's own file: GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile, FlatGeobuf, CSV and XLSX.

``read_upload(name, data, options)`` takes the file's name and bytes (vector files go to GDAL through pyogrio's
in-memory files, a zipped Shapefile is checked and re-packed in memory first) and returns an :class:`Upload` whose
``gdf`` is WGS84 (EPSG:4326) with the columns ``upload_id`` (``up_1``, ``up_2``, … in file order: the same file
gives the same ids), ``name``, the file's own properties and ``geometry``. The pieces, in geo.io:
upload_vector (GDAL, JSON checks), upload_kml, upload_zip, upload_table (CSV, header rows, coordinate and WKT
columns), upload_sheet (XLSX sheets), upload_geometry (TIN/MultiPatch/curves, heights), upload_system (a system named
in column, sheet or file names).

Coordinates: a file in a projected CRS (a Shapefile's ``.prj``, a GeoPackage's SRS) is reprojected with pyproj.
Longitude/latitude data, in any geographic CRS (2D or 3D: EPSG:4326, 4979, CRS84h, CGCS2000 4490/4480) or none,
are in the system the visitor says: ``auto`` (the default) takes the one named by the coordinate columns, the
sheet or the file name (``经度(BD-09)``, ``lng_gcj``, a sheet ``百度坐标``), else WGS84; an explicit choice wins and
a disagreeing name gets a warning. Heights are dropped with a warning. Every file's coordinates are range-checked
(float noise at ±180/±90 tolerated) and counted outside Hangzhou.

Every problem raises a :class:`geo.errors.UploadError` subclass with a ``code`` and ``params`` (``ERROR_TEXT``
gives the English template of each code; ui/upload_text.py the Chinese one) naming the file, the row or feature
and the reason. Anything unexpected while reading is logged for the operator (file name and size, with the
stack) and becomes an UploadError ``unreadable``: a visitor never sees a traceback. Safety: size, feature and
unzipped-size limits (zip bombs), zip entries with ``../`` or absolute paths refused, KML with a DOCTYPE or entity
refused before any XML parser sees it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core.crs import SYSTEMS, check_system, transform_geometry
from geo.core.geometry import families as geometry_families
from geo.core.schema import HANGZHOU_BBOX
from geo.errors import (
    ERROR_TEXT,
    CoordinateError,
    UnsupportedUploadError,
    UploadError,
    UploadGeometryError,
    UploadLimitError,
    UploadReadError,
)
from geo.errors import upload_error as fail
from geo.io.upload_geometry import plain
from geo.io.upload_kml import kml_text, read_kml
from geo.io.upload_sheet import OLE2, read_workbook, sheet_names
from geo.io.upload_system import LABELS, named_system
from geo.io.upload_table import ENCODINGS, check_coordinates, read_csv, table_points
from geo.io.upload_vector import check_content, check_geojson, raw_frame
from geo.io.upload_zip import inner_file, safe_zip, shapefile_bytes

log = logging.getLogger(__name__)

# Upload extension -> reader (GDAL driver, or the table readers of geo.io.upload_table / geo.io.upload_sheet).
UPLOAD_FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".zip": "ESRI Shapefile",
    ".fgb": "FlatGeobuf",
    ".csv": "CSV",
    ".xlsx": "XLSX",
}
TABLE_FORMATS = ("CSV", "XLSX")
CRS_CHOICES = ("auto", *SYSTEMS)
# Refused on purpose, with the reason (ERROR_TEXT "refused_format").
REFUSED = {".xls": "old_excel", ".shp": "shapefile_not_zipped", ".dbf": "shapefile_not_zipped",
           ".shx": "shapefile_not_zipped", ".prj": "shapefile_not_zipped"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_features: int = 50_000
    max_unzipped_bytes: int = 100 * 1024 * 1024
    max_zip_entries: int = 200


LIMITS = Limits()


@dataclass(frozen=True)
class UploadOptions:
    """What the visitor chose: source system of lon/lat data (``auto``: named by the file, else WGS84), text
    encoding, coordinate columns and sheet (None = detect)."""

    crs: str = "auto"
    encoding: str = "auto"
    lon: str | None = None
    lat: str | None = None
    sheet: str | None = None


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
    lon: str | None = None  # the longitude column, or the WKT/GeoJSON geometry column
    lat: str | None = None
    warnings: tuple[UploadWarning, ...] = ()
    sheet: str | None = None
    sheets: tuple[str, ...] = ()


def _supported() -> str:
    return ", ".join(sorted(UPLOAD_FORMATS))


def upload_driver(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext in REFUSED:
        raise fail(UnsupportedUploadError, REFUSED[ext], name, ext=ext, supported=_supported())
    if ext not in UPLOAD_FORMATS:
        raise fail(UnsupportedUploadError, "unsupported_format", name, ext=ext or "(none)", supported=_supported())
    return UPLOAD_FORMATS[ext]


def read_upload(name: str, data: bytes, options: UploadOptions = UploadOptions(), *,
                limits: Limits = LIMITS) -> Upload:
    """Read one uploaded file (its name and bytes) into a WGS84 :class:`Upload`; UploadError on any problem."""
    name = Path(str(name)).name or "upload"
    if options.crs not in CRS_CHOICES:
        check_system(options.crs)
    if options.encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {options.encoding!r}; supported: {', '.join(ENCODINGS)}")
    try:
        return _read(name, data, options, limits)
    except UploadError:
        raise
    except MemoryError:
        raise fail(UploadLimitError, "too_large", name, size_mb=f"{len(data) / 2**20:.1f}",
                   limit_mb=f"{limits.max_bytes / 2**20:g}") from None
    except Exception:  # the reader's last line: logged with its stack for the operator, a message for the visitor
        log.exception("upload %r (%d bytes) could not be read", name, len(data))
        raise fail(UploadReadError, "unreadable", name) from None


def _read(name: str, data: bytes, options: UploadOptions, limits: Limits) -> Upload:
    driver = upload_driver(name)
    if not data.strip():
        raise fail(UploadReadError, "empty", name)
    if len(data) > limits.max_bytes:
        raise fail(UploadLimitError, "too_large", name, size_mb=f"{len(data) / 2**20:.1f}",
                   limit_mb=f"{limits.max_bytes / 2**20:g}")
    check_content(name, data, "ESRI Shapefile" if driver == "KMZ" else driver)
    if driver in ("ESRI Shapefile", "KMZ"):
        inner = inner_file(name, data, limits, [e for e in UPLOAD_FORMATS if e not in (".zip", ".kmz")])
        if inner is not None:
            return replace(_read(inner[0], inner[1], options, limits), name=name)
        if driver == "KMZ":
            raise fail(UploadReadError, "kmz_no_kml", name)
    if driver in TABLE_FORMATS:
        return _read_table(name, data, driver, options, limits)
    encoding = None
    notes: list[UploadWarning] = []
    fields: dict[str, str] = {}
    if driver == "ESRI Shapefile":
        data, encoding, fields = shapefile_bytes(name, data, options.encoding, limits)
    elif driver == "GeoJSON":
        data, encoding = check_geojson(name, data, options.encoding)
    if driver == "KML":
        data, encoding = kml_text(name, data, options.encoding)
        gdf, _layers = read_kml(data, limits.max_features)
    else:
        gdf, layers = raw_frame(name, data, driver, encoding=encoding if driver == "ESRI Shapefile" else None,
                                max_features=limits.max_features + 1)
        if len(layers) > 1:
            notes.append(UploadWarning("extra_layers", {"layer": layers[0], "layers": ", ".join(layers[1:6])}))
    if len(gdf) > limits.max_features:
        raise fail(UploadLimitError, "too_many_features", name, limit=limits.max_features)
    gdf = gdf.rename(columns={k: v for k, v in fields.items() if v not in gdf.columns})
    return _finish(name, gdf, driver, options, encoding, notes, hints=(Path(name).stem,))


def _read_table(name: str, data: bytes, driver: str, options: UploadOptions, limits: Limits) -> Upload:
    sheet, sheets, notes = None, (), []
    if driver == "CSV":
        frame, rows, encoding = read_csv(name, data, options.encoding, limits.max_features)
    else:
        if data.startswith(OLE2):
            raise fail(UploadReadError, "old_excel", name)
        safe_zip(name, data, limits, driver="XLSX")
        book = read_workbook(name, data, limits.max_features, options.sheet)
        frame, rows, encoding, sheet, sheets = book.frame, book.rows, None, book.sheet, book.sheets
        if options.sheet is None and (book.others_with_data or sheet != sheets[0]):
            notes.append(UploadWarning("sheet_chosen", {"sheet": sheet, "sheets": ", ".join(sheets)}))
    if frame.empty:
        raise fail(UploadReadError, "no_rows", name)
    try:
        geoms, lon, lat = table_points(name, frame, rows, options.lon, options.lat)
    except CoordinateError as err:
        if err.code != "no_coordinate_columns" or len(sheets) < 2:
            raise
        raise fail(CoordinateError, "no_coordinate_columns_sheets", name, sheet=sheet, sheets=", ".join(sheets),
                   columns=err.params["columns"]) from None
    kept = frame.drop(columns=lon) if lat is None else frame  # a WKT/GeoJSON column is the geometry itself
    gdf = gpd.GeoDataFrame(kept, geometry=geoms, crs="EPSG:4326")
    hints = (" ".join(c for c in (lon, lat) if c), frame.attrs.get("title"), sheet, Path(name).stem)
    up = _finish(name, gdf, driver, options, encoding, notes, hints=hints, checked=lat is not None)
    return replace(up, columns=tuple(map(str, frame.columns)), lon=lon, lat=lat, sheet=sheet, sheets=sheets)


def workbook_sheets(name: str, data: bytes) -> list[str]:
    """The sheet names of an XLSX upload, [] when it cannot be opened (the reader then says why)."""
    if upload_driver(name) != "XLSX" or data.startswith(OLE2):
        return []
    return sheet_names(data)


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
            return [str(c) for c in read_workbook(name, data, limits.max_features, options.sheet).frame.columns]
    except UploadError:
        return []
    except Exception:  # the column list is a convenience: log, and let the visitor type nothing
        log.exception("columns of upload %r (%d bytes) could not be read", name, len(data))
        return []
    return []


def _check_geometries(name: str, geoms: np.ndarray) -> None:
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if missing.size == len(geoms):
        raise fail(UploadGeometryError, "no_geometry", name, count=len(geoms))
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


def _is_wgs84(crs) -> bool:
    flat = _flat(crs)
    return flat.equals("EPSG:4326", ignore_axis_order=True) or flat.equals("OGC:CRS84")


def _flat(crs):
    try:
        return crs.to_2d()
    except Exception:  # noqa: BLE001 - a CRS pyproj cannot flatten stays as it is
        return crs


def _system(options: UploadOptions, hints, warnings: list[UploadWarning]) -> str:
    """The lon/lat system: the visitor's choice, else the one the file's names say, else WGS84 (warned)."""
    named, source = named_system(*hints)
    if options.crs == "auto":
        if named:
            warnings.append(UploadWarning("system_detected", {"system": named, "label": LABELS[named],
                                                               "source": source}))
        return named or "wgs84"
    if named and named != options.crs:
        warnings.append(UploadWarning("system_disagrees", {
            "chosen": options.crs, "chosen_label": LABELS[options.crs], "system": named, "label": LABELS[named],
            "source": source}))
    return options.crs


def _finish(name: str, gdf: gpd.GeoDataFrame, driver: str, options: UploadOptions, encoding: str | None,
            notes: list[UploadWarning], *, hints, checked: bool = False) -> Upload:
    if gdf.empty:
        raise fail(UploadReadError, "no_features", name)
    geoms, heights = plain(np.asarray(gdf.geometry.values, dtype=object))
    _check_geometries(name, geoms)
    warnings = list(notes)
    if heights:
        warnings.append(UploadWarning("heights_dropped", {}))
    crs = gdf.crs
    if crs is None or crs.is_geographic:
        system = _system(options, hints, warnings)
        if not checked:  # tables with coordinate columns were checked row by row with their names
            xy, index = shapely.get_coordinates(geoms, return_index=True)
            x, y = check_coordinates(name, xy[:, 0], xy[:, 1], index + 1, "feature", "longitude", "latitude")
            if not (np.array_equal(x, xy[:, 0]) and np.array_equal(y, xy[:, 1])):
                geoms = shapely.set_coordinates(np.array(geoms, dtype=object), np.column_stack([x, y]))
        if crs is not None and not _is_wgs84(crs):
            geoms = gpd.GeoSeries(geoms, crs=_flat(crs)).to_crs("EPSG:4326").values
        if system != "wgs84":
            geoms = transform_geometry(geoms, system, "wgs84")
        source = system
    else:
        source = crs.to_string()
        geoms = gpd.GeoSeries(geoms, crs=_flat(crs)).to_crs("EPSG:4326").values
        xy, index = shapely.get_coordinates(geoms, return_index=True)
        check_coordinates(name, xy[:, 0], xy[:, 1], index + 1, "feature", "longitude", "latitude")
    props = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    ids = [f"up_{i}" for i in range(1, len(gdf) + 1)]
    if "upload_id" in props.columns and props["upload_id"].astype(str).tolist() == ids:
        props = props.drop(columns="upload_id")  # the atlas's own export of this upload: the same ids again
    props = props.rename(columns={c: f"{c} (original)" for c in props.columns if c in ("upload_id", "geometry")})
    names = _names(props, ids)
    props = props.drop(columns=[c for c in props.columns if c == "name"])
    out = gpd.GeoDataFrame({"upload_id": ids, "name": names, **{str(c): props[c].to_numpy() for c in props.columns}},
                           geometry=np.asarray(geoms, dtype=object), crs="EPSG:4326")
    reps = shapely.point_on_surface(out.geometry.values)
    x0, y0, x1, y1 = HANGZHOU_BBOX
    rx, ry = shapely.get_x(reps), shapely.get_y(reps)
    outside = int(np.count_nonzero((rx < x0) | (rx > x1) | (ry < y0) | (ry > y1)))
    if outside:
        warnings.append(UploadWarning("outside_hangzhou", {"count": outside, "total": len(out)}))
    return Upload(name=name, gdf=out, driver=driver, source_crs=source, encoding=encoding, warnings=tuple(warnings))


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


__all__ = ["CRS_CHOICES", "ENCODINGS", "ERROR_TEXT", "LIMITS", "SYSTEMS", "UPLOAD_FORMATS", "CoordinateError",
           "Limits", "Upload", "UploadOptions", "UploadWarning", "read_upload", "safe_zip", "table_columns",
           "upload_driver", "workbook_sheets"]
