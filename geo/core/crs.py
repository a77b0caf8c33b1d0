"""Chinese map coordinate systems: WGS84 <-> GCJ-02 <-> BD-09, vectorised with numpy.

Every transform has the signature ``f(x, y) -> (x, y)`` with x = longitude and y = latitude in degrees.
Inputs may be scalars or arrays of any shape; outputs are float arrays of the broadcast shape
(0-d arrays for scalar input, which behave like numbers).

- GCJ-02 ("Mars coordinates") is the standard Krasovsky-1940-based obfuscation. Positions outside the usual
  rough rectangle around China (:func:`out_of_china`) pass through unchanged, as the standard algorithm does.
- The GCJ-02 -> WGS84 inverse iterates the forward transform (fixed point) until the round trip agrees to
  :data:`INVERSE_TOL_DEG` (about 0.1 mm), instead of the usual one-step approximation (metre-level error).
- BD-09 (Baidu) is derived from GCJ-02 with the usual ``x_pi`` formulas; the one-step BD-09 -> GCJ-02 formula
  (about 10 cm off) is refined by the same iteration. BD-09 <-> WGS84 goes through GCJ-02.
  As in the reference algorithm, the BD-09 offset is applied everywhere (also outside China).

Geometries (shapely, single or arrays) are converted with :func:`transform_geometry`, GeoDataFrames with
:func:`to_system`. Stored atlas coordinates are always WGS84.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import CRSError

WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
SYSTEMS: tuple[str, ...] = (WGS84, GCJ02, BD09)

# Krasovsky 1940 ellipsoid, as used by GCJ-02.
_A = 6378245.0
_EE = 0.00669342162296594323
# Baidu's constants.
_X_PI = np.pi * 3000.0 / 180.0
_BD_DLON = 0.0065
_BD_DLAT = 0.006

# Convergence of the iterative GCJ-02 inverse, in degrees (1e-9 deg is about 0.1 mm).
INVERSE_TOL_DEG = 1e-9
INVERSE_MAX_ITER = 30

Transform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _as_arrays(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return x, y


def out_of_china(x, y) -> np.ndarray:
    """True where (lon, lat) lies outside the rough rectangle in which GCJ-02 applies an offset."""
    x, y = _as_arrays(x, y)
    return (x < 72.004) | (x > 137.8347) | (y < 0.8293) | (y > 55.8271)


def _gcj_offset(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS84 (x, y), without the China test."""
    dx, dy = x - 105.0, y - 35.0
    common = (20.0 * np.sin(6.0 * np.pi * dx) + 20.0 * np.sin(2.0 * np.pi * dx)) * 2.0 / 3.0
    lat_m = (
        -100.0 + 2.0 * dx + 3.0 * dy + 0.2 * dy * dy + 0.1 * dx * dy + 0.2 * np.sqrt(np.abs(dx))
        + common
        + (20.0 * np.sin(np.pi * dy) + 40.0 * np.sin(np.pi * dy / 3.0)) * 2.0 / 3.0
        + (160.0 * np.sin(np.pi * dy / 12.0) + 320.0 * np.sin(np.pi * dy / 30.0)) * 2.0 / 3.0
    )
    lon_m = (
        300.0 + dx + 2.0 * dy + 0.1 * dx * dx + 0.1 * dx * dy + 0.1 * np.sqrt(np.abs(dx))
        + common
        + (20.0 * np.sin(np.pi * dx) + 40.0 * np.sin(np.pi * dx / 3.0)) * 2.0 / 3.0
        + (150.0 * np.sin(np.pi * dx / 12.0) + 300.0 * np.sin(np.pi * dx / 30.0)) * 2.0 / 3.0
    )
    rad_lat = np.radians(y)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = lat_m * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = lon_m * 180.0 / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(x, y) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 -> GCJ-02 (standard forward transform; unchanged outside China)."""
    x, y = _as_arrays(x, y)
    dlon, dlat = _gcj_offset(x, y)
    outside = out_of_china(x, y)
    return np.where(outside, x, x + dlon), np.where(outside, y, y + dlat)


def _invert(forward: Transform, gx: np.ndarray, gy: np.ndarray, ex: np.ndarray, ey: np.ndarray, what: str):
    """Solve forward(e) = g by fixed-point iteration e <- e - (forward(e) - g), starting from e.

    Converges fast because both offsets change slowly (slope ~1e-3 for GCJ-02, ~1e-2 for BD-09).
    """
    for _ in range(INVERSE_MAX_ITER):
        fx, fy = forward(ex, ey)
        rx, ry = fx - gx, fy - gy
        ex, ey = ex - rx, ey - ry
        if rx.size == 0 or max(np.max(np.abs(rx)), np.max(np.abs(ry))) < INVERSE_TOL_DEG:
            return ex, ey
    raise CRSError(f"{what} did not converge in {INVERSE_MAX_ITER} iterations")  # pragma: no cover


def _gcj_forward_unchecked(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_offset(x, y)
    return x + dlon, y + dlat


def gcj02_to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS84 by fixed-point iteration of the forward transform (round trip < 1e-9 deg).

    Starts from the usual one-step approximation. Positions outside China (tested on the GCJ-02 input)
    pass through unchanged; so do, as in the standard algorithm, the few WGS84 positions within ~0.01 deg
    inside the rectangle's edge that GCJ-02 pushes outside it.
    """
    gx, gy = _as_arrays(x, y)
    inside = ~out_of_china(gx, gy)
    wx, wy = gx.copy(), gy.copy()
    tx, ty = gx[inside], gy[inside]
    dlon, dlat = _gcj_offset(tx, ty)
    wx[inside], wy[inside] = _invert(_gcj_forward_unchecked, tx, ty, tx - dlon, ty - dlat, "GCJ-02 -> WGS84")
    return wx, wy


def gcj02_to_bd09(x, y) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09 (the usual x_pi formula)."""
    x, y = _as_arrays(x, y)
    z = np.hypot(x, y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + _BD_DLON, z * np.sin(theta) + _BD_DLAT


def _bd09_to_gcj02_one_step(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = x - _BD_DLON, y - _BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_gcj02(x, y) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> GCJ-02: the usual x_pi formula (about 1e-6 deg off in China), refined by iteration to 1e-9 deg."""
    bx, by = _as_arrays(x, y)
    ex, ey = _bd09_to_gcj02_one_step(bx, by)
    return _invert(gcj02_to_bd09, bx, by, ex, ey, "BD-09 -> GCJ-02")


def wgs84_to_bd09(x, y) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 -> BD-09 via GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(x, y))


def bd09_to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> WGS84 via GCJ-02 (iterative GCJ-02 inverse)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(x, y))


def _identity(x, y) -> tuple[np.ndarray, np.ndarray]:
    return _as_arrays(x, y)


# (src, dst) -> transform
TRANSFORMS: dict[tuple[str, str], Transform] = {
    (WGS84, GCJ02): wgs84_to_gcj02,
    (GCJ02, WGS84): gcj02_to_wgs84,
    (WGS84, BD09): wgs84_to_bd09,
    (BD09, WGS84): bd09_to_wgs84,
    (GCJ02, BD09): gcj02_to_bd09,
    (BD09, GCJ02): bd09_to_gcj02,
    **{(s, s): _identity for s in SYSTEMS},
}


def check_system(name: object) -> str:
    """Return ``name`` if it is a supported system name, else raise CRSError listing the supported ones."""
    if not isinstance(name, str) or name not in SYSTEMS:
        raise CRSError(f"unknown coordinate system {name!r}; supported: {', '.join(SYSTEMS)}")
    return name


def get_transform(src: str, dst: str) -> Transform:
    """The vectorised ``f(x, y) -> (x, y)`` converting from ``src`` to ``dst``."""
    return TRANSFORMS[(check_system(src), check_system(dst))]


def transform_geometry(geom, src: str, dst: str):
    """Convert a shapely geometry, an array of geometries or a GeoSeries between systems, keeping geometry types.

    Arrays come back as numpy object arrays; a GeoSeries comes back as a GeoSeries with the same index, name
    and CRS metadata. Empty geometries and None stay as they are; Z values are dropped (the atlas is 2-D).
    """
    func = get_transform(src, dst)
    if src == dst:
        return geom
    out = shapely.transform(geom, func, interleaved=False)
    if isinstance(geom, gpd.GeoSeries):
        return gpd.GeoSeries(out, index=geom.index, crs=geom.crs, name=geom.name)
    return out


def is_wgs84(crs) -> bool:
    """Whether ``crs`` (a pyproj CRS, or None: no CRS given, taken as WGS84) is WGS84 lon/lat (EPSG:4326, axis
    order aside: OGC:CRS84 too). Decided once per CRS definition: pyproj's own comparison parses and looks up both
    CRSs, which cost milliseconds on every filtered view's layers."""
    return crs is None or _wgs84_definition(crs.srs or crs.to_wkt())


@functools.lru_cache(maxsize=64)
def _wgs84_definition(definition: str) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(definition).equals("EPSG:4326", ignore_axis_order=True)


def to_system(gdf, dst: str):
    """A copy of a WGS84 GeoDataFrame with its geometries converted to ``dst``.

    The CRS metadata stays EPSG:4326 (GCJ-02 and BD-09 have no EPSG code); ``attrs["coordinate_system"]``
    records the system of the returned coordinates.
    """
    check_system(dst)
    crs = getattr(gdf, "crs", None)
    if not is_wgs84(crs):
        raise CRSError(f"to_system expects WGS84 (EPSG:4326) lon/lat data, got {crs.to_string()}")
    out = gdf.copy()
    out.geometry = transform_geometry(out.geometry.values, WGS84, dst)
    out.attrs["coordinate_system"] = dst
    return out
