"""Tables with coordinate columns (CSV, XLSX) for ``geo.upload``: text encodings, columns, coordinate checks.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import numpy as np
import pandas as pd
import shapely

from geo.errors import CoordinateError, UploadLimitError, UploadReadError
from geo.errors import upload_error as fail
from geo.schema import HANGZHOU_BBOX

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gbk", "gb18030")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Column names (lower-case, without a bracketed suffix such as "(GCJ-02)") that hold longitude / latitude.
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "x坐标", "经度坐标")
LAT_NAMES = ("lat", "latitude", "y", "纬度", "北纬", "y坐标", "纬度坐标")
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")


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
    """(frame of text cells, spreadsheet row numbers, encoding used); blank lines are skipped, not renumbered."""
    text, used = decode_text(name, data, encoding)
    try:
        delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, nrows=max_rows + 2)
    except pd.errors.EmptyDataError:
        raise fail(UploadReadError, "empty", name) from None
    except (pd.errors.ParserError, ValueError) as err:
        raise fail(UploadReadError, "corrupt", name, driver="CSV", detail=str(err).strip()[:160]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return _rows(name, frame, max_rows, offset=2) + (used,)


def _rows(name: str, frame: pd.DataFrame, max_rows: int, offset: int) -> tuple[pd.DataFrame, np.ndarray]:
    blank = frame.apply(lambda col: col.isna() | (col.astype(str).str.strip() == "")).all(axis=1)
    rows = np.flatnonzero(~blank.to_numpy()) + offset
    frame = frame.loc[~blank.to_numpy()].reset_index(drop=True)
    if len(frame) > max_rows:
        raise fail(UploadLimitError, "too_many_features", name, limit=max_rows)
    return frame, rows


def read_xlsx(name: str, data: bytes, max_rows: int) -> tuple[pd.DataFrame, np.ndarray, None]:
    """The first sheet: its first non-empty row is the header; numbers stay numbers, dates become ISO text."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        raise fail(UploadReadError, "corrupt", name, driver="XLSX", detail=str(err)[:160]) from None
    try:
        sheet = book.worksheets[0]
        header: list | None = None
        header_row = 0
        records: list[list] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if header is None:
                if any(v not in (None, "") for v in values):
                    header, header_row = list(values), number
                continue
            records.append([_cell(v) for v in values])
            if len(records) > max_rows + 1000:  # blank rows are dropped below; stop reading well past the limit
                break
    finally:
        book.close()
    if header is None:
        raise fail(UploadReadError, "empty", name)
    columns = _unique([str(h).strip() if h not in (None, "") else f"column {i + 1}" for i, h in enumerate(header)])
    width = len(columns)
    frame = pd.DataFrame([(r + [None] * width)[:width] for r in records], columns=columns, dtype=object)
    frame, rows = _rows(name, frame, max_rows, offset=header_row + 1)
    return frame, rows, None


def _cell(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}.{seen[n] - 1}")
    return out


def _normal(column: str) -> str:
    return _BRACKETS.sub("", str(column)).strip().lower().replace(" ", "")


def find_columns(columns) -> tuple[str | None, str | None]:
    """The longitude and latitude columns by name: exact common names first, then ``lon_*`` / ``*_lon`` forms."""
    found = []
    for names, stems in ((LON_NAMES, ("lon", "lng", "longitude", "经度")), (LAT_NAMES, ("lat", "latitude", "纬度"))):
        normal = {c: _normal(c) for c in columns}
        exact = [c for c in columns if normal[c] in names]
        loose = [c for c in columns if any(normal[c].startswith(s + "_") or normal[c].endswith("_" + s)
                                           for s in stems)]
        found.append((exact or loose or [None])[0])
    return found[0], found[1]


def table_points(name: str, frame: pd.DataFrame, rows: np.ndarray, lon: str | None,
                 lat: str | None) -> tuple[np.ndarray, str, str]:
    """Points from the coordinate columns (chosen, else found by name); CoordinateError naming the row."""
    columns = [str(c) for c in frame.columns]
    listed = ", ".join(columns[:12]) + (" …" if len(columns) > 12 else "")
    for chosen in (lon, lat):
        if chosen and chosen not in columns:
            raise fail(CoordinateError, "unknown_column", name, column=chosen, columns=listed)
    found_lon, found_lat = find_columns(columns)
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
    check_coordinates(name, xy[0], xy[1], rows, "row", lon, lat)
    return shapely.points(xy[0], xy[1]), lon, lat


def _in_hangzhou(x: np.ndarray, y: np.ndarray, margin: float = 0.1) -> np.ndarray:
    x0, y0, x1, y1 = HANGZHOU_BBOX
    return (x >= x0 - margin) & (x <= x1 + margin) & (y >= y0 - margin) & (y <= y1 + margin)


def check_coordinates(name: str, x: np.ndarray, y: np.ndarray, labels: np.ndarray, unit: str,
                      lon: str, lat: str) -> None:
    """Longitudes in [-180, 180] and latitudes in [-90, 90]; when swapping them puts the data in Hangzhou and the
    data is not there as given, say they are swapped. ``labels`` names each coordinate's row or feature."""
    bad_x = ~((x >= -180) & (x <= 180))
    bad_y = ~((y >= -90) & (y <= 90))
    here = _in_hangzhou(x, y)
    swapped_here = _in_hangzhou(y, x)
    if x.size and not here.any() and swapped_here.mean() >= 0.5:
        raise fail(CoordinateError, "swapped", name, lon=lon, lat=lat)
    for bad, axis, values, column in ((bad_x, "longitude", x, lon), (bad_y, "latitude", y, lat)):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise fail(CoordinateError, "out_of_range", name, where=f"{unit} {labels[i]}", **{unit: int(labels[i])},
                       axis=axis, column=column, value=f"{values[i]:g}", count=int(bad.sum()))
