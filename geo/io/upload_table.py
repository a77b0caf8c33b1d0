"""Tables with coordinates (CSV, and the sheets of geo.io.upload_sheet) for ``geo.io.upload``: text encodings, the
header row (below title rows, or two rows with merged cells), coordinate columns, a WKT/GeoJSON geometry column,
and the coordinate checks every upload goes through.

Rows are numbered as a spreadsheet shows them: the first line of the file is row 1.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import shapely

from geo.core.schema import HANGZHOU_BBOX
from geo.errors import CoordinateError, UploadLimitError, UploadReadError
from geo.errors import upload_error as fail
from geo.io.upload_geometry import looks_like_geometry, parse_text
from geo.io.upload_system import strip_system

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Column names (lower-case, without a bracketed suffix or a system's name) that hold longitude / latitude.
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "经度坐标", "point_x", "lon_dd")
LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "y坐标", "纬度坐标", "point_y", "lat_dd")
GEOMETRY_NAMES = ("wkt", "geometry", "geom", "the_geom", "shape", "geojson", "wkt_geom", "geometry_wkt", "几何",
                  "边界", "范围")
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")
HEADER_SEARCH_ROWS = 50
# Longitudes/latitudes this far beyond ±180/±90 are float noise (Natural Earth's 180.00000000000006).
RANGE_TOLERANCE = 1e-9


def decode_text(name: str, data: bytes, encoding: str) -> tuple[str, str]:
    """Bytes -> (text, encoding used). ``auto``: a BOM, else UTF-8 if it decodes, else GB18030 (covers GBK)."""
    for bom, codec in _BOMS:
        if data.startswith(bom) and encoding in ("auto", "utf-8", "utf-8-sig"):
            return _decode(name, data, codec), codec
    if encoding != "auto":
        return _decode(name, data, encoding), encoding
    for codec in ("utf-8", "gb18030"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return _decode(name, data, "utf-8"), "utf-8"  # raises, naming the line


def _decode(name: str, data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise fail(UploadReadError, "encoding", name, where=f"line {line}", encoding=codec, line=line) from None


def read_csv(name: str, data: bytes, encoding: str, max_rows: int) -> tuple[pd.DataFrame, np.ndarray, str]:
    """(frame of text cells, spreadsheet row numbers, encoding used); the header row is found below title rows."""
    text, used = decode_text(name, data, encoding)
    if not text.strip():
        raise fail(UploadReadError, "empty", name)
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:  # the csv module takes ragged rows (a title line above the header has fewer fields)
        grid = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        start = 1
        for row in reader:
            if any("\n" in cell and delimiter in cell for cell in row):  # a stray quote swallowed the next lines
                raise csv.Error(f"line {start}")
            grid.append(row)
            start = reader.line_num + 1
            if len(grid) > max_rows + HEADER_SEARCH_ROWS + 2:
                break
    except csv.Error as err:
        found = re.search(r"line (\d+)", str(err))
        line = int(found.group(1)) if found else len(grid) + 1
        raise fail(UploadReadError, "bad_table", name, lineno=line) from None
    return (*table_frame(name, grid, max_rows), used)


def table_frame(name: str, grid: list[list], max_rows: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A frame from a grid of cells: the header found (:func:`find_header`), blank rows dropped, rows numbered."""
    start, depth, columns = find_header(grid)
    if columns is None:
        raise fail(UploadReadError, "empty", name)
    # no trailing empty columns (Excel formatting whole columns, lines ending in a separator)
    width = max((max((i for i, c in enumerate(r) if _text(c)), default=-1) + 1 for r in grid[start:]), default=0)
    columns = columns[:max(width, 1)]
    width = len(columns)
    body = [(list(r) + [None] * width)[:width] for r in grid[start + depth:]]
    frame = pd.DataFrame(body, columns=columns, dtype=object)
    frame, rows = _rows(name, frame, max_rows, offset=start + depth + 1)
    # the lines above the header ("坐标系：百度", a title): a hint to the coordinate system
    frame.attrs["title"] = " ".join(_text(c) for r in grid[:start] for c in r if _text(c))[:500]
    return frame, rows


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def _header_names(row: list, parent: list | None = None) -> list[str]:
    names = []
    above = ""
    for i, cell in enumerate(row):
        own = _text(cell)
        if parent is not None:
            top = _text(parent[i]) if i < len(parent) else ""
            above = top or (above if own else "")  # a merged parent cell spans the empty cells after it
            own = f"{above} {own}" if above and own and above != own else (own or top)
        names.append(own or f"column {i + 1}")
    return _unique(names)


def find_header(grid: list[list]) -> tuple[int, int, list[str] | None]:
    """(0-based row of the header, 1 or 2 header rows, column names). The header is the first of the first rows
    whose names give coordinate or geometry columns (alone, or with the row below as a two-row header);
    otherwise the first non-empty row."""
    filled = [i for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]) if any(_text(c) for c in row)]
    for i in filled:
        texts = [c for c in grid[i] if _text(c)]
        numbers = sum(isinstance(c, int | float) and not isinstance(c, bool) for c in texts)
        if not texts or numbers * 2 > len(texts):  # a data row, not a header
            continue
        single = _header_names(grid[i])
        if all(find_columns(single)) or geometry_column(single, grid[i + 1:i + 21]):
            return i, 1, single
        if i + 1 < len(grid) and _spans(grid[i], grid[i + 1]):
            double = _header_names(grid[i + 1], parent=grid[i])
            if all(find_columns(double)):
                return i, 2, double
    if not filled:
        return 0, 1, None
    return filled[0], 1, _header_names(grid[filled[0]])


def _spans(parent: list, child: list) -> bool:
    """Whether ``parent`` reads as the upper row of a two-row header over ``child`` rather than a title: it has
    several names, or a name above an empty cell (a name merged over both rows)."""
    above = [i for i, c in enumerate(parent) if _text(c)]
    return len(above) >= 2 or any(i >= len(child) or not _text(child[i]) for i in above)


def _rows(name: str, frame: pd.DataFrame, max_rows: int, offset: int) -> tuple[pd.DataFrame, np.ndarray]:
    blank = frame.apply(lambda col: col.map(_text) == "").all(axis=1).to_numpy(dtype=bool)
    rows = np.flatnonzero(~blank) + offset
    frame = frame.loc[~blank].reset_index(drop=True)
    if len(frame) > max_rows:
        raise fail(UploadLimitError, "too_many_features", name, limit=max_rows)
    return frame, rows


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    return out


def _normal(column: str) -> str:
    text = str(column).strip().lower()
    return strip_system(_BRACKETS.sub("", text).strip() or text).replace(" ", "")


def _last_word(column: str) -> str:
    return strip_system(_BRACKETS.sub("", str(column).strip().lower()) or str(column)).split(" ")[-1]


def find_columns(columns) -> tuple[str | None, str | None]:
    """The longitude and latitude columns by name (a system's name in it ignored: ``百度经度``, ``lng_gcj02``):
    exact common names first, then ``lon_*`` / ``*_lon`` forms, then the last word of a two-row header
    (``经纬度 经度``) or a name ending in 经度/纬度."""
    export = [(f"lon_{s}", f"lat_{s}") for s in ("wgs84", "gcj02", "bd09")]
    for pair in export:  # the atlas's own CSV export: its point columns are the geometry it wrote
        if set(pair) <= set(columns):
            return pair
    normal = {c: _normal(c) for c in columns}
    found = []
    for names, stems in ((LON_NAMES, ("lon", "lng", "longitude", "经度")), (LAT_NAMES, ("lat", "latitude", "纬度"))):
        exact = [c for c in columns if normal[c] in names]
        loose = [c for c in columns if any(normal[c].startswith(s + "_") or normal[c].endswith("_" + s)
                                           for s in stems)]
        suffix = [c for c in columns if _last_word(c) in names or normal[c].endswith(stems[-1])]
        found.append((exact or loose or suffix or [None])[0])
    return found[0], found[1]


def geometry_column(columns, sample_rows: list[list] | None = None, frame: pd.DataFrame | None = None) -> str | None:
    """A column holding WKT or GeoJSON geometry: by name (``WKT``, ``geometry``, ``wkt_wgs84``…) with geometry
    text in it, or any column whose cells are geometry text."""
    columns = list(columns)

    def cells(i: int) -> list:
        if frame is not None:
            return frame.iloc[:50, i].tolist()
        return [r[i] if i < len(r) else None for r in (sample_rows or [])]

    named = [i for i, c in enumerate(columns) if _normal(c) in GEOMETRY_NAMES or _normal(c).startswith("wkt")]
    for i in named + [i for i in range(len(columns)) if i not in named]:
        if looks_like_geometry(cells(i)):
            return columns[i]
    return None


_PAIR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，;；\s]\s*(-?\d+(?:\.\d+)?)\s*$")
_LAT_FIRST = re.compile(r"lat.?l(?:o)?ng|纬度.?经度|纬经", re.IGNORECASE)


def pair_column(columns, frame: pd.DataFrame) -> str | None:
    """A column whose cells are "lon,lat" pairs (Amap's ``location``, a ``经纬度`` column), by its cells."""
    for column in columns:
        cells = [str(v) for v in frame[column].iloc[:50] if _text(v)]
        if cells and sum(bool(_PAIR.match(c)) for c in cells) >= max(1, len(cells) * 0.8):
            return column
    return None


def _split_pairs(name: str, cells: pd.Series, rows: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray]:
    parts = cells.map(lambda v: _PAIR.match(str(v)) if _text(v) else None)
    bad = np.flatnonzero(parts.isna().to_numpy())
    if bad.size:
        shown = "(empty)" if not _text(cells.iloc[bad[0]]) else repr(str(cells.iloc[bad[0]])[:40])
        raise fail(CoordinateError, "not_a_number", name, where=f"row {rows[bad[0]]}", row=int(rows[bad[0]]),
                   axis="longitude", column=column, value=shown, count=int(bad.size))
    first = parts.map(lambda m: float(m.group(1))).to_numpy(dtype=float)
    second = parts.map(lambda m: float(m.group(2))).to_numpy(dtype=float)
    return (second, first) if _LAT_FIRST.search(str(column)) else (first, second)


def table_points(name: str, frame: pd.DataFrame, rows: np.ndarray, lon: str | None,
                 lat: str | None) -> tuple[np.ndarray, str | None, str | None]:
    """Geometries of the rows: points from the coordinate columns (chosen, else found by name), else a WKT/GeoJSON
    column, else a column of "lon,lat" pairs; CoordinateError naming the row. Returns (geometries, lon column, lat
    column), (…, geometry column, None) for a geometry column, (…, pair column, pair column) for pairs."""
    columns = [str(c) for c in frame.columns]
    listed = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
    for chosen in (lon, lat):
        if chosen and chosen not in columns:
            raise fail(CoordinateError, "unknown_column", name, column=chosen, columns=listed)
    found_lon, found_lat = find_columns(columns)
    own = [c for c in columns if c in ("wkt_wgs84", "wkt_gcj02", "wkt_bd09")]
    if own and not (lon or lat) and not (found_lon or "").startswith("lon_"):
        found_lon = found_lat = None  # the atlas's own export of lines/polygons: its WKT is the geometry
    if not (lon or lat) and not (found_lon and found_lat and found_lon != found_lat):
        column = geometry_column(columns, frame=frame)
        if column:
            geoms, bad = parse_text(frame[column].tolist())
            if bad.size:
                shown = str(frame[column].iloc[bad[0]])[:40]
                raise fail(CoordinateError, "bad_wkt", name, where=f"row {rows[bad[0]]}", row=int(rows[bad[0]]),
                           column=column, value=repr(shown), count=int(bad.size))
            return geoms, column, None
        pair = pair_column(columns, frame)
        if pair:
            x, y = _split_pairs(name, frame[pair], rows, pair)
            x, y = check_coordinates(name, x, y, rows, "row", pair, pair)
            return shapely.points(x, y), pair, pair
    lon, lat = lon or found_lon, lat or found_lat
    if not lon or not lat or lon == lat:
        raise fail(CoordinateError, "no_coordinate_columns", name, columns=listed or "(none)")
    xy = []
    for axis, column in (("longitude", lon), ("latitude", lat)):
        raw = frame[column]
        values = pd.to_numeric(raw.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
        values = values.astype("float64").to_numpy()
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            shown = raw.iloc[bad[0]]
            shown = "(empty)" if shown is None or str(shown).strip() == "" else repr(str(shown)[:40])
            raise fail(CoordinateError, "not_a_number", name, where=f"row {rows[bad[0]]}", row=int(rows[bad[0]]),
                       axis=axis, column=column, value=shown, count=int(bad.size))
        xy.append(values)
    x, y = check_coordinates(name, xy[0], xy[1], rows, "row", lon, lat)
    return shapely.points(x, y), lon, lat


def _in_hangzhou(x: np.ndarray, y: np.ndarray, margin: float = 0.1) -> np.ndarray:
    x0, y0, x1, y1 = HANGZHOU_BBOX
    return (x >= x0 - margin) & (x <= x1 + margin) & (y >= y0 - margin) & (y <= y1 + margin)


def check_coordinates(name: str, x: np.ndarray, y: np.ndarray, labels: np.ndarray, unit: str,
                      lon: str, lat: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes in [-180, 180] and latitudes in [-90, 90] (float noise beyond them clipped and returned); when
    swapping them puts the data in Hangzhou and the data is not there as given, say they are swapped.
    ``labels`` names each coordinate's row or feature."""
    x = np.where(np.abs(np.abs(x) - 180) <= RANGE_TOLERANCE, np.clip(x, -180, 180), x)
    y = np.where(np.abs(np.abs(y) - 90) <= RANGE_TOLERANCE, np.clip(y, -90, 90), y)
    bad_x = ~((x >= -180) & (x <= 180))
    bad_y = ~((y >= -90) & (y <= 90))
    here = _in_hangzhou(x, y)
    swapped_here = _in_hangzhou(y, x)
    if x.size and not here.any() and swapped_here.mean() >= 0.5:
        if unit == "feature":  # a vector file: its coordinate order, not columns
            raise fail(CoordinateError, "swapped_axes", name, x=f"{x[0]:.10g}", y=f"{y[0]:.10g}")
        raise fail(CoordinateError, "swapped", name, lon=lon, lat=lat)
    for bad, axis, values, column in ((bad_x, "longitude", x, lon), (bad_y, "latitude", y, lat)):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            finite = np.abs(values[bad & np.isfinite(values)])
            code = "metres_not_degrees" if finite.size and np.median(finite) > 1000 else "out_of_range"
            raise fail(CoordinateError, code, name, where=f"{unit} {labels[i]}", **{unit: int(labels[i])},
                       axis=axis, column=column, value=f"{values[i]:g}", count=int(bad.sum()))
    return x, y
