"""Exceptions raised by the atlas core.

Every error that comes from bad input is a :class:`LayerError` (a ``ValueError``),
so the UI can show it as a message and let anything else surface.
"""

from __future__ import annotations

import re
from pathlib import PurePath


class LayerError(ValueError):
    """A layer file or one of its features cannot be used.

    ``path`` names the file, ``feature_id`` the feature (when one is at fault).
    """

    def __init__(self, message: str, *, path: str | None = None, feature_id: str | None = None):
        self.path = path
        self.feature_id = feature_id
        where = ": ".join(p for p in (path, feature_id) if p)
        super().__init__(f"{where}: {message}" if where else message)


class UnsupportedFormatError(LayerError):
    """The file's extension has no reader; the message lists the supported ones."""


class SchemaError(LayerError):
    """A feature's properties do not follow the atlas schema."""


class GeometryError(LayerError):
    """A geometry is missing, empty, invalid or outside Hangzhou."""


class DanglingReferenceError(LayerError):
    """A feature refers to a source or parent that does not exist."""


class CRSError(ValueError):
    """An unknown coordinate system was asked for."""


_ABSOLUTE_PATH = re.compile(r"(?<![\w.~/-])/(?:[^\s'\":,;/]+/)*[^\s'\":,;/]+")


def relative_paths(message: str, base: str | PurePath) -> str:
    """``message`` with absolute paths made relative to the data directory ``base`` ("parks.geojson",
    "sub/x.csv"), so no server path reaches a visitor; any other absolute path is cut to its file name."""
    root = str(PurePath(base))
    text = message.replace(root.rstrip("/") + "/", "") if root not in ("", "/") else message

    def shorten(match: re.Match) -> str:
        path = match.group(0)
        return PurePath(path).name or path

    return _ABSOLUTE_PATH.sub(shorten, text)


class UploadError(LayerError):
    """A visitor's uploaded file cannot be used.

    Besides the English message, it carries a stable ``code`` and ``params`` (file, row or feature, values) so the
    interface can say the same in Chinese or English. ``path`` is the uploaded file's name; ``feature_id`` says
    where in it ("row 5", "feature 3"). Codes and their English text are in ``ERROR_TEXT`` below.
    """

    def __init__(self, code: str, message: str, *, path: str | None = None, where: str | None = None, **params):
        self.code = code
        self.params = {"file": path or "", "where": where or "", **params}
        super().__init__(message, path=path, feature_id=where)


class UnsupportedUploadError(UploadError, UnsupportedFormatError):
    """The uploaded file's extension has no reader (or a Shapefile arrived without its zip)."""


class UploadLimitError(UploadError):
    """The upload is larger than allowed: bytes, features, or what a zip expands to (zip bomb)."""


class UnsafeUploadError(UploadError):
    """The upload tries to reach outside itself: zip entries with ``../`` or absolute paths, XML entities."""


class UploadReadError(UploadError):
    """The upload is empty, truncated, corrupt, in an unknown text encoding, or not what its extension says."""


class CoordinateError(UploadError):
    """Coordinates are missing, not numbers, out of range, swapped or in columns that cannot be found."""


class UploadGeometryError(UploadError, GeometryError):
    """Geometries are missing, empty or of mixed kinds (points with polygons...)."""


# English text of every error and warning code; params are filled with str.format. The UI translates by code.
ERROR_TEXT: dict[str, str] = {
    "unsupported_format": "unsupported file type {ext}; supported: {supported}",
    "shapefile_not_zipped": "a Shapefile needs its .shx, .dbf and .prj: upload them together as one .zip",
    "empty": "the file is empty",
    "too_large": "the file is {size_mb} MB; the limit is {limit_mb} MB",
    "too_many_features": "more than {limit} features; the limit is {limit}",
    "no_features": "the file holds no features",
    "zip_bomb": "the zip expands to more than {limit_mb} MB (limit)",
    "zip_too_many_entries": "the zip holds {count} entries; the limit is {limit}",
    "zip_unsafe_path": "zip entry {entry} points outside the archive; nothing was extracted",
    "zip_no_shp": "the zip holds no .shp file (entries: {entries})",
    "zip_many_shp": "the zip holds several Shapefiles ({entries}); upload one per zip",
    "kmz_no_kml": "the KMZ holds no .kml (or several); save the map again from Google Earth",
    "zip_incomplete_shp": "the Shapefile in the zip lacks {missing}",
    "xml_entity": "the KML declares a DOCTYPE or entity, which is refused (nothing was read)",
    "corrupt": "cannot read it as {driver}: the file is damaged or not in that format; export it again from the "
               "program that made it",
    "unreadable": "the file could not be read (an unexpected problem, reported to the operator); check that it "
                  "opens in the program that made it and export it again",
    "bad_json": "the JSON is broken at line {lineno}, column {column}; fix it there or export the file again",
    "cut_off": "the file is cut off at line {lineno} (an interrupted download or copy?); upload the whole file",
    "shp_cut_off": "the .shp in the zip is cut off ({size} of {expected} bytes); zip the whole Shapefile again",
    "bad_xml": "the XML is broken at line {lineno}, column {column}; fix it there or export the file again",
    "not_kml": "this is not KML but {found}; save the map itself as KML (in Google Earth: Save Place As… .kml)",
    "not_geojson": "this JSON is not GeoJSON (it is {found}); export GeoJSON, or save the table as CSV with "
                   "longitude/latitude columns",
    "wrong_content": "the file is really {found}, not {driver}; give it the right extension",
    "old_excel": "old Excel (.xls) files are not read; save it as .xlsx (Excel: Save As, Excel Workbook)",
    "not_xlsx": "not a readable .xlsx workbook (damaged, or password-protected); save it again as .xlsx",
    "unknown_sheet": "no sheet {sheet} (sheets: {sheets})",
    "bad_table": "the table's rows are broken at line {lineno} (a stray quote or separator?)",
    "bad_wkt": "the geometry in column {column} is not WKT or GeoJSON: {value} ({count} like this)",
    "unsupported_geometry": "its geometry ({kind}) cannot be read: too few points, or a kind the map cannot "
                            "show ({count} features like this)",
    "no_geometry": "none of its {count} features has a geometry (a table? upload CSV/XLSX with coordinate columns)",
    "no_rows": "the table has a header but no data rows",
    "encoding": "not valid {encoding} text; choose another encoding",
    "no_coordinate_columns": "no longitude/latitude columns found among: {columns}; choose them",
    "no_coordinate_columns_sheets": "no sheet has longitude/latitude columns (sheets: {sheets}; on {sheet}: "
                                    "{columns}); choose the sheet, then the columns",
    "unknown_column": "no column {column} (columns: {columns})",
    "not_a_number": "{axis} ({column}) {value} is not a number ({count} like this)",
    "out_of_range": "{axis} ({column}) {value} is out of range ({count} like this)",
    "metres_not_degrees": "{axis} ({column}) {value} looks like metres of a projected system, not degrees "
                          "({count} like this): export longitude/latitude (WGS84), or a Shapefile with its .prj",
    "swapped": "latitude and longitude look swapped: use {lat} as longitude and {lon} as latitude",
    "swapped_axes": "the coordinates are in latitude, longitude order ({x}, {y}): export them as longitude, "
                    "latitude (x, y), as GeoJSON requires",
    "missing_geometry": "no geometry ({count} features like this)",
    "mixed_geometry": "mixed geometry kinds ({kinds}), the first {kind} here: upload one kind per file",
    "outside_hangzhou": "{count} of {total} features lie outside Hangzhou",
    "extra_layers": "only layer {layer} was read; also in the file: {layers}",
    "heights_dropped": "heights (third coordinate) were dropped; the map is 2D",
    "system_detected": "coordinates read as {label}, as {source} says; choose another system if that is wrong",
    "system_disagrees": "you chose {chosen_label} but {source} says {label}; check the coordinate system",
    "sheet_chosen": "read sheet {sheet} (sheets: {sheets}); choose another sheet if needed",
}


def upload_error(cls: type[UploadError], code: str, path: str, *, where: str | None = None, **params) -> UploadError:
    """An UploadError of class ``cls`` whose message is the English text of ``code`` (raise the result)."""
    return cls(code, ERROR_TEXT[code].format(where=where or "", **params), path=path, where=where, **params)
