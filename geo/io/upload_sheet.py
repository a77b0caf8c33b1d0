"""Excel workbooks (XLSX) for ``geo.io.upload``: every sheet read as a grid of cells, the sheet with coordinate (or
geometry) columns chosen, or the one the visitor names; the header found below title rows and merged cells
(geo.io.upload_table.find_header). Numbers stay numbers, dates become ISO text.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import UploadReadError
from geo.errors import upload_error as fail
from geo.io.upload_table import find_columns, find_header, geometry_column, table_frame

# What openpyxl raises on a damaged workbook (a bad zip, broken or missing XML parts, odd values).
BROKEN = (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError, SyntaxError, IndexError)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls (and encrypted .xlsx) container


@dataclass(frozen=True)
class Workbook:
    frame: pd.DataFrame
    rows: np.ndarray
    sheet: str
    sheets: tuple[str, ...]
    others_with_data: tuple[str, ...]  # other sheets that have coordinate columns too


def read_workbook(name: str, data: bytes, max_rows: int, sheet: str | None = None) -> Workbook:
    """The chosen sheet (``sheet``), else the first sheet with coordinate or geometry columns, else the sheet with
    the most filled rows."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if data.startswith(OLE2):
        raise fail(UploadReadError, "old_excel", name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *BROKEN):
        raise fail(UploadReadError, "not_xlsx", name) from None
    grids: dict[str, list[list]] = {}
    try:
        names = [s.title for s in book.worksheets]
        if sheet is not None and sheet not in names:
            raise fail(UploadReadError, "unknown_sheet", name, sheet=sheet, sheets=", ".join(names))
        for ws in book.worksheets:
            if sheet is not None and ws.title != sheet:
                continue
            grid = []
            try:
                for values in ws.iter_rows(values_only=True):
                    grid.append([_cell(v) for v in values])
                    if len(grid) > max_rows + 1000:  # blank rows are dropped later; stop well past the limit
                        break
            except BROKEN:
                raise fail(UploadReadError, "not_xlsx", name) from None
            grids[ws.title] = grid
    finally:
        book.close()
    with_data = [t for t, g in grids.items() if _has_coordinates(g)]
    filled = sorted(grids, key=lambda t: -sum(any(c not in (None, "") for c in r) for r in grids[t]))
    chosen = sheet or (with_data or filled or names[:1])[0]  # else the sheet with the most rows
    if chosen not in grids or not grids[chosen]:
        raise fail(UploadReadError, "empty", name)
    frame, rows = table_frame(name, grids[chosen], max_rows)
    return Workbook(frame, rows, chosen, tuple(names), tuple(t for t in with_data if t != chosen))


def _has_coordinates(grid: list[list]) -> bool:
    start, depth, columns = find_header(grid)
    if columns is None:
        return False
    return all(find_columns(columns)) or bool(geometry_column(columns, grid[start + depth:start + depth + 20]))


def _cell(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def sheet_names(data: bytes) -> list[str]:
    """The workbook's sheet names; [] when it cannot be opened (reading it says why)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
    except (InvalidFileException, *BROKEN):
        return []
    try:
        return [s.title for s in book.worksheets]
    finally:
        book.close()
