"""Geometries of an upload made plain: TIN, Triangle and PolyhedralSurface (MultiPatch) as polygons, curves as
lines (through GDAL), heights dropped, polygon-only collections as multipolygons; WKT/GeoJSON text cells parsed.

GEOS reads neither TIN (ISO WKB 16), Triangle (17) nor PolyhedralSurface (15), which GDAL gives for MultiPatch
Shapefiles and 3D survey data. Their WKB has the layout of MultiPolygon and Polygon, so :func:`plain_wkb` only
rewrites the type codes; it runs on the few geometries GEOS refused, never on a whole file of plain ones.
"""

from __future__ import annotations

import struct
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pyogrio
import shapely

# ISO WKB base type -> type GEOS can read (same byte layout)
_RETYPE = {15: 6, 16: 6, 17: 3}


def _walk(data: bytes, pos: int, out: bytearray) -> int:
    """Copy one WKB geometry from ``data[pos:]`` into ``out`` with TIN/Triangle/PolyhedralSurface retyped."""
    order = "<" if data[pos] == 1 else ">"
    (code,) = struct.unpack_from(order + "I", data, pos + 1)
    flags, iso = code & 0xE0000000, code & 0x1FFFFFFF
    base, dims = iso % 1000, iso // 1000
    ndim = 2 + (dims in (1, 3)) + (dims in (2, 3)) + bool(flags & 0x80000000) + bool(flags & 0x40000000)
    has_srid = bool(flags & 0x20000000)
    new = flags | (dims * 1000 + _RETYPE.get(base, base))
    out += data[pos:pos + 1] + struct.pack(order + "I", new)
    pos += 5
    if has_srid:
        out += data[pos:pos + 4]
        pos += 4
    if base == 1:
        size = 8 * ndim
    elif base == 2:
        (n,) = struct.unpack_from(order + "I", data, pos)
        size = 4 + 8 * ndim * n
    elif base in (3, 17):
        (rings,) = struct.unpack_from(order + "I", data, pos)
        size = 4
        for _ in range(rings):
            (n,) = struct.unpack_from(order + "I", data, pos + size)
            size += 4 + 8 * ndim * n
    elif base in (4, 5, 6, 7, 15, 16):
        (n,) = struct.unpack_from(order + "I", data, pos)
        out += data[pos:pos + 4]
        pos += 4
        for _ in range(n):
            pos = _walk(data, pos, out)
        return pos
    else:
        raise ValueError(f"geometry type {base}")
    out += data[pos:pos + size]
    return pos + size


_WKB_NAMES = {1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon",
              7: "GeometryCollection", 8: "CircularString", 9: "CompoundCurve", 10: "CurvePolygon", 11: "MultiCurve",
              12: "MultiSurface", 15: "PolyhedralSurface", 16: "TIN", 17: "Triangle"}


def wkb_kind(data: bytes | None) -> str:
    """The geometry type a WKB says it holds ("TIN", "Polygon Z"...), for messages."""
    try:
        (code,) = struct.unpack_from("<I" if data[0] == 1 else ">I", data, 1)
    except (TypeError, IndexError, struct.error):
        return "?"
    iso = code & 0x1FFFFFFF
    return _WKB_NAMES.get(iso % 1000, f"type {iso % 1000}") + {0: "", 1: " Z", 2: " M", 3: " ZM"}.get(iso // 1000, "")


def plain_wkb(data: bytes) -> bytes:
    out = bytearray()
    _walk(bytes(data), 0, out)
    return bytes(out)


def from_wkb(wkb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shapely geometries from GDAL's WKB; (geometries, index of those no conversion could read)."""
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    failed = np.flatnonzero(shapely.is_missing(geoms) & np.array([w is not None for w in wkb], dtype=bool))
    unreadable = []
    for i in failed:  # only TIN / MultiPatch / Triangle geometries come here
        try:
            geoms[i] = shapely.from_wkb(plain_wkb(wkb[i]))
        except (ValueError, struct.error, shapely.errors.ShapelyError):
            unreadable.append(i)
    return geoms, np.asarray(unreadable, dtype=int)


def plain(geoms: np.ndarray) -> tuple[np.ndarray, bool]:
    """(2D geometries with polygon-only collections as MultiPolygons, whether any heights were dropped)."""
    heights = bool(shapely.has_z(geoms).any())
    if heights:
        geoms = shapely.force_2d(geoms)
    collections = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    if collections.size:
        geoms = np.array(geoms, dtype=object)
        for i in collections:
            parts = shapely.get_parts(geoms[i])
            while (shapely.get_type_id(parts) == 7).any():
                parts = shapely.get_parts(parts)
            kinds = set(shapely.get_type_id(parts).tolist())
            if kinds <= {3, 6}:
                geoms[i] = shapely.multipolygons(shapely.get_parts(parts))
            elif kinds <= {1, 5}:
                geoms[i] = shapely.multilinestrings(shapely.get_parts(parts))
            elif kinds <= {0, 4}:
                geoms[i] = shapely.multipoints(shapely.get_parts(parts))
    return geoms, heights


_WKT_START = ("POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
              "GEOMETRYCOLLECTION", "CIRCULARSTRING", "COMPOUNDCURVE", "CURVEPOLYGON", "MULTICURVE", "MULTISURFACE",
              "TIN", "TRIANGLE", "POLYHEDRALSURFACE", "SRID=")


# WKT GEOS cannot parse (curves, TIN, Triangle, PolyhedralSurface), read through GDAL
_GDAL_ONLY = ("CIRCULARSTRING", "COMPOUNDCURVE", "CURVEPOLYGON", "MULTICURVE", "MULTISURFACE", "TIN", "TRIANGLE",
              "POLYHEDRALSURFACE", "GEOMETRYCOLLECTION (TIN", "GEOMETRYCOLLECTION(TIN")


def looks_like_geometry(values) -> bool:
    """Whether most non-empty text cells look like WKT or GeoJSON geometry."""
    cells = [str(v).strip() for v in values if isinstance(v, str) and v.strip()][:50]
    if not cells:
        return False
    hits = sum(c.upper().startswith(_WKT_START) or (c.startswith("{") and '"coordinates"' in c) for c in cells)
    return hits >= max(1, len(cells) // 2)


def parse_text(values) -> tuple[np.ndarray, np.ndarray]:
    """WKT or GeoJSON cells -> geometries; (geometries, index of cells that are not a geometry). Curves, TIN and
    Triangles, which GEOS cannot parse, go through GDAL (its CSV reader), curves linearised."""
    cells = np.array([str(v).strip() if isinstance(v, str) else "" for v in values], dtype=object)
    cells = np.array([c.split(";", 1)[1] if c.upper().startswith("SRID=") else c for c in cells], dtype=object)
    is_json = np.array([c.startswith("{") for c in cells], dtype=bool)
    geoms = np.full(len(cells), None, dtype=object)
    if is_json.any():
        geoms[is_json] = shapely.from_geojson(cells[is_json], on_invalid="ignore")
    curved = np.array([c.upper().startswith(_GDAL_ONLY) for c in cells], dtype=bool)
    wkt = ~is_json & ~curved & (cells != "")
    if wkt.any():
        geoms[wkt] = shapely.from_wkt(cells[wkt], on_invalid="ignore")
    retry = np.flatnonzero((wkt & shapely.is_missing(geoms)) | curved)
    if retry.size:
        geoms[retry] = _gdal_wkt(cells[retry])
    bad = np.flatnonzero(shapely.is_missing(geoms) | (cells == ""))
    return geoms, bad


def _gdal_wkt(cells: np.ndarray) -> np.ndarray:
    text = "WKT\n" + "".join('"' + c.replace('"', '""') + '"\n' for c in cells)
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        path = Path(tmp) / "wkt.csv"
        path.write_text(text, encoding="utf-8")
        try:
            _meta, _fids, wkb, _fields = pyogrio.raw.read(path)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
            return np.full(len(cells), None, dtype=object)
    if wkb is None or len(wkb) != len(cells):
        return np.full(len(cells), None, dtype=object)
    geoms, unreadable = from_wkb(np.asarray(wkb, dtype=object))
    geoms[unreadable] = None
    return geoms
