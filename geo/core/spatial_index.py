"""The spatial engine: one index per atlas version, answering every metric question the app asks.

:func:`index_for` builds a :class:`SpatialIndex` once per :class:`geo.io.atlas.Atlas` (kept on the atlas) and every
query after that is a vectorised STRtree query plus vectorised refinement: no Python loop over features.
``geo.core.spatial`` (the panel's inside / nearby / related) and ``geo.core.join`` (an upload's district, park and
nearest atlas feature) are thin callers of it.

**Containment** (one rule, :data:`CONTAINMENT`): a feature is inside a polygon when the polygon *covers* its
position (its point, or for a line or polygon the point on its surface that shapely's ``point_on_surface``
gives): a position on the boundary is inside. A point on the border of two districts is therefore inside both;
where one answer is wanted (the upload join's district or park) the smallest covering polygon wins.

**Distance** (:func:`geodesic_distances`): point to point is the geodesic distance on the WGS84 ellipsoid
(``pyproj.Geod``, Karney). Anything involving a line or polygon is 0 when the two touch or overlap, otherwise
the geodesic distance between their nearest points, found in a local frame where longitude is scaled by the
cosine of the pair's latitude (affine in lon/lat, so an edge straight in lon/lat stays straight; refined once at
the latitude of the points found).

**Candidates**: the trees are in lon/lat degrees; a metric radius becomes a degree radius that can only be
larger (:func:`degree_radius`), the tree returns a superset, and the geodesic distance decides.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
CONTAINMENT = "covers"  # the polygon covers the position: a position on the boundary is inside
IMPRECISE_BASES = ("district_only", "city_only")
POLYGON_TYPES = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_FIELDS = ("id", "kind", "name_zh", "name_en", "location_basis", "adcode", "parent")
# Shortest metres per degree anywhere: a meridian degree at the equator; a parallel degree is >= 111319.49 cos(lat).
_MERIDIAN_DEG_MIN_M = 110_574.0
_PARALLEL_DEG_M = 111_319.0
_DEG_MAX_M = 111_700.0  # longest metres per degree in any direction (a meridian degree at the pole is 111 694 m)
_SLACK = 1.001


def _objects(values) -> np.ndarray:
    """A 1-d object array of geometries (a GeoSeries' or GeometryArray's own array when given one)."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    if hasattr(values, "__array__") and not isinstance(values, BaseGeometry):
        return np.asarray(values, dtype=object)
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def degree_radius(geoms: np.ndarray, metres) -> np.ndarray:
    """A distance in degrees (lon/lat treated as a plane) that every geometry within ``metres`` (geodesic) of
    each of ``geoms`` is within: a safe superset for a tree query; the geodesic distance decides afterwards."""
    bounds = shapely.bounds(geoms).reshape(-1, 4)
    metres = np.asarray(metres, dtype=float)
    reach = metres / _MERIDIAN_DEG_MIN_M
    lat = np.minimum(np.maximum(np.abs(bounds[:, 1]), np.abs(bounds[:, 3])) + reach, 89.0)
    per_degree = np.minimum(_MERIDIAN_DEG_MIN_M, _PARALLEL_DEG_M * np.cos(np.radians(lat)))
    return metres / per_degree * _SLACK + 1e-9


def _outline(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices and segments of each geometry's outline (a polygon's rings, a line itself, a point's point):
    (vertex owner, vertex xy, segment owner, segment start and end xy stacked as (n, 2, 2))."""
    polygonal = np.isin(shapely.get_type_id(geoms), POLYGON_TYPES)
    lines = geoms.copy()
    if polygonal.any():
        lines[polygonal] = shapely.boundary(geoms[polygonal])
    parts, owner = shapely.get_parts(lines, return_index=True)
    xy, part = shapely.get_coordinates(parts, return_index=True)
    same = np.flatnonzero(part[1:] == part[:-1])
    segments = np.stack([xy[same], xy[same + 1]], axis=1)
    return owner[part], xy, owner[part[same]], segments


def _vertex_to_segments(pair_v, xy, pair_s, seg, n: int) -> np.ndarray:
    """For each pair, the smallest geodesic distance from one of its vertices to one of its segments, the
    point on a segment found in a frame scaled at the vertex's latitude (inf for pairs without both)."""
    best = np.full(n, np.inf)
    if not len(pair_v) or not len(pair_s):
        return best
    order = np.argsort(pair_s, kind="stable")
    pair_s, seg = pair_s[order], seg[order]
    first = np.searchsorted(pair_s, pair_v, side="left")
    count = np.searchsorted(pair_s, pair_v, side="right") - first
    v = np.repeat(np.arange(len(pair_v)), count)
    s = np.repeat(first - np.cumsum(count) + count, count) + np.arange(count.sum())
    if not len(v):
        return best
    k = np.cos(np.radians(xy[v, 1]))
    p, q = seg[s, 0], seg[s, 1]
    d = (q - p) * np.column_stack([k, np.ones_like(k)])
    w = (xy[v] - p) * np.column_stack([k, np.ones_like(k)])
    length2 = (d * d).sum(axis=1)
    t = np.clip(np.divide((w * d).sum(axis=1), length2, out=np.zeros_like(length2), where=length2 > 0), 0, 1)
    foot = p + (q - p) * t[:, None]
    metres = GEOD.inv(xy[v, 0], xy[v, 1], foot[:, 0], foot[:, 1])[2]
    np.minimum.at(best, pair_v[v], metres)
    return best


def _unique(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct geometry objects of ``geoms`` (by identity: a broadcast origin is one) and, per element,
    which of them it is."""
    keys = np.frompyfunc(id, 1, 1)(geoms).astype(np.int64)
    _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return geoms[first], inverse


def _between_nearest_points(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Geodesic metres between the nearest points of disjoint pairs (at least one of the two not a point).

    The nearest points of two disjoint outlines are a vertex of one and a point on a segment of the other. An
    upper bound comes from the shortest line in degrees (a real pair of points, measured geodesically); every
    vertex of one geometry within that bound of the other is then measured to every segment of the other within
    that bound of it, the foot on the segment found in a frame scaled by cos(latitude) at the vertex, the
    distance geodesic. Near-ties between distant parts of an outline are so decided on the ellipsoid."""
    ends = shapely.get_coordinates(shapely.shortest_line(a, b)).reshape(-1, 2, 2)
    best = GEOD.inv(ends[:, 0, 0], ends[:, 0, 1], ends[:, 1, 0], ends[:, 1, 1])[2]
    reach = np.maximum(degree_radius(a, best), degree_radius(b, best))
    ua, ia = _unique(a)
    ub, ib = _unique(b)
    outline_a, outline_b = _outline(ua), _outline(ub)
    for (v_owner, v_xy, _so, _ss), inv_v, near, (_vo, _vxy, s_owner, s_seg), inv_s, this in (
            (outline_a, ia, b, outline_b, ib, a), (outline_b, ib, a, outline_a, ia, b)):
        if not len(v_xy) or not len(s_seg):
            continue
        pair_v, j = STRtree(shapely.points(v_xy)).query(near, predicate="dwithin", distance=reach)
        keep = v_owner[j] == inv_v[pair_v]
        pair_s, k = STRtree(shapely.linestrings(s_seg)).query(this, predicate="dwithin", distance=reach)
        keep_s = s_owner[k] == inv_s[pair_s]
        best = np.minimum(best, _vertex_to_segments(pair_v[keep], v_xy[j[keep]], pair_s[keep_s], s_seg[k[keep_s]],
                                                    len(a)))
    return best


def geodesic_distances(a, b) -> np.ndarray:
    """Metres between the geometries of ``a`` and ``b`` pairwise (arrays of equal length, or one of length 1);
    see the module docstring. Geometries must be present and non-empty."""
    a, b = np.broadcast_arrays(_objects(np.atleast_1d(a)), _objects(np.atleast_1d(b)))
    out = np.zeros(len(a))
    if not len(out):
        return out
    points = (shapely.get_type_id(a) == 0) & (shapely.get_type_id(b) == 0)
    if points.any():
        pa, pb = a[points], b[points]
        out[points] = GEOD.inv(shapely.get_x(pa), shapely.get_y(pa), shapely.get_x(pb), shapely.get_y(pb))[2]
    rest = np.flatnonzero(~points)
    if len(rest):
        apart = rest[~shapely.intersects(a[rest], b[rest])]
        if len(apart):
            out[apart] = _between_nearest_points(a[apart], b[apart])
    return out


def placed(geoms: np.ndarray) -> np.ndarray:
    """Each geometry's position: a point as it is, anything else by its point on surface."""
    geoms = _objects(geoms)
    out = geoms.copy()
    other = shapely.get_type_id(geoms) != 0
    if other.any():
        out[other] = shapely.point_on_surface(geoms[other])
    return out


class SpatialIndex:
    """Every feature of one atlas in one table (layer order, then file order) with STRtrees over it.

    Built by :func:`index_for`; never holds the atlas itself. ``position(feature_id)`` is a feature's row.
    """

    def __init__(self, atlas):
        parts, self.offsets = [], {}
        start = 0
        for lid, gdf in atlas.layers.items():
            self.offsets[lid] = start
            part = pd.DataFrame({f: gdf[f].to_numpy(dtype=object) if f in gdf else None for f in _FIELDS},
                                index=pd.RangeIndex(start, start + len(gdf)))
            part["layer"] = lid
            part["geometry"] = _objects(gdf.geometry.values)
            parts.append(part)
            start += len(gdf)
        table = pd.concat(parts) if parts else pd.DataFrame(columns=[*_FIELDS, "layer", "geometry"])
        self.table = table
        self._where = atlas.locations  # id -> (layer, position in the layer); not the atlas itself
        geoms = table["geometry"].to_numpy(dtype=object)
        self.geoms = geoms
        self.present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        self.layer = table["layer"].to_numpy(dtype=object)
        self.basis = table["location_basis"].to_numpy(dtype=object)
        self.imprecise = np.isin(self.basis, IMPRECISE_BASES)
        self.placed = np.full(len(geoms), None, dtype=object)
        self.placed[self.present] = placed(geoms[self.present])
        present = np.flatnonzero(self.present)
        self._placed_tree = (present, STRtree(self.placed[present]))
        parents = table["parent"].dropna()
        self.children = {p: np.asarray(rows) for p, rows in parents.groupby(parents, sort=False).groups.items()}
        self._subsets: dict[tuple, tuple[np.ndarray, STRtree]] = {}
        self._polygons: dict[str, tuple[np.ndarray, STRtree, np.ndarray]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.geoms)

    def position(self, feature_id: str) -> int:
        lid, pos = self._where[feature_id]
        return self.offsets[lid] + pos

    # ------------------------------------------------------------------------------------------ subsets

    def _subset(self, layers: Sequence[str], imprecise: bool) -> tuple[np.ndarray, STRtree]:
        """Rows of ``layers`` with a geometry (and, unless ``imprecise``, a real position), and their tree."""
        key = (tuple(layers), bool(imprecise))
        with self._lock:
            if key not in self._subsets:
                keep = self.present & np.isin(self.layer, list(layers))
                if not imprecise:
                    keep &= ~self.imprecise
                rows = np.flatnonzero(keep)
                self._subsets[key] = (rows, STRtree(self.geoms[rows]))
            return self._subsets[key]

    def _polygon_layer(self, layer: str) -> tuple[np.ndarray, STRtree, np.ndarray]:
        """The polygons of ``layer``, their tree and their approximate areas (to pick the smallest)."""
        with self._lock:
            if layer not in self._polygons:
                rows = np.flatnonzero(self.present & (self.layer == layer)
                                      & np.isin(shapely.get_type_id(self.geoms), POLYGON_TYPES))
                geoms = self.geoms[rows]
                lat = shapely.get_y(shapely.centroid(geoms)) if len(rows) else np.zeros(0)
                areas = shapely.area(geoms) * np.cos(np.radians(lat))
                self._polygons[layer] = (rows, STRtree(geoms), areas)
            return self._polygons[layer]

    # ------------------------------------------------------------------------------------------ queries

    def covered_by(self, polygon) -> np.ndarray:
        """Rows (ascending) whose position the polygon covers (CONTAINMENT: the boundary is inside)."""
        rows, tree = self._placed_tree
        return np.sort(rows[tree.query(polygon, predicate=CONTAINMENT)])  # the tree prepares its query geometry

    def covering(self, points: np.ndarray, layer: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(index into ``points``, row, area) of every polygon of ``layer`` covering each point, the points
        ordered as given and the polygons of one point in file order."""
        rows, tree, areas = self._polygon_layer(layer)
        points = _objects(points)
        usable = np.flatnonzero(~(shapely.is_missing(points) | shapely.is_empty(points)))
        if not len(rows) or not len(usable):
            return np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        which, hit = tree.query(points[usable], predicate="covered_by")  # the point is covered by the polygon
        order = np.lexsort((hit, which))
        which, hit = usable[which[order]], hit[order]
        return which, rows[hit], areas[hit]

    def smallest_covering(self, points: np.ndarray, layer: str) -> np.ndarray:
        """For each point the row of the smallest polygon of ``layer`` covering it, -1 where none does."""
        which, rows, areas = self.covering(points, layer)
        out = np.full(len(points), -1)
        if len(which):
            order = np.lexsort((rows, areas, which))
            first = order[np.r_[True, which[order][1:] != which[order][:-1]]]
            out[which[first]] = rows[first]
        return out

    def within(self, geom, radius_m: float, layers: Sequence[str], *, imprecise: bool = False
               ) -> tuple[np.ndarray, np.ndarray]:
        """(rows, metres) of the features of ``layers`` within ``radius_m`` of ``geom``, in row order."""
        rows, tree = self._subset(layers, imprecise)
        if not len(rows):
            return np.zeros(0, int), np.zeros(0)
        geom = shapely.transform(geom, lambda xy: xy)  # a private copy to prepare: the atlas's are shared by threads
        shapely.prepare(geom)
        hits = np.sort(tree.query(geom, predicate="dwithin", distance=float(degree_radius(geom, radius_m)[0])))
        metres = geodesic_distances(geom, self.geoms[rows[hits]])
        keep = metres <= radius_m
        return rows[hits[keep]], metres[keep]

    def nearest(self, geoms: np.ndarray, radius_m: float, layers: Sequence[str]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(index into ``geoms``, row, metres) of the nearest precisely located feature of ``layers`` within
        ``radius_m`` of each geometry that has one (ties: the smaller id)."""
        rows, tree = self._subset(layers, False)
        geoms = _objects(geoms)
        usable = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
        empty = np.zeros(0, int), np.zeros(0, int), np.zeros(0)
        if not len(rows) or not len(usable):
            return empty
        reach = degree_radius(geoms[usable], radius_m)
        (which, _hit), degrees = tree.query_nearest(geoms[usable], max_distance=float(reach.max()),
                                                    return_distance=True, all_matches=True)
        best = np.full(len(usable), np.inf)
        np.minimum.at(best, which, degrees)
        has = np.flatnonzero(best <= reach)
        if not len(has):
            return empty
        # the candidate nearest in degrees is at most this far in metres: nothing farther can be the nearest
        bound = np.minimum(radius_m, best[has] * _DEG_MAX_M * _SLACK + 1.0)
        sources = geoms[usable[has]]
        which, hit = tree.query(sources, predicate="dwithin", distance=degree_radius(sources, bound))
        metres = geodesic_distances(sources[which], self.geoms[rows[hit]])
        found = pd.DataFrame({"which": which, "row": rows[hit], "m": metres,
                              "id": self.table["id"].to_numpy(dtype=object)[rows[hit]]})
        found = found[found["m"] <= radius_m].sort_values(["which", "m", "id"], kind="stable")
        found = found.drop_duplicates("which")
        return usable[has[found["which"].to_numpy()]], found["row"].to_numpy(), found["m"].to_numpy()


def index_for(atlas) -> SpatialIndex:
    """The atlas's spatial index, built on first use and kept with the atlas (one per atlas version)."""
    return atlas.derived("spatial_index", lambda: SpatialIndex(atlas))
