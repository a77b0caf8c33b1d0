"""Measurements and spatial relations on the WGS84 ellipsoid.

Areas, lengths and distances use ``pyproj.Geod(ellps="WGS84")`` (Karney's geodesics), never planar degrees.

Distance semantics (``distance_m``): point to point is the geodesic distance between them (exact);
anything involving a line or polygon is 0 when the geometries touch or one contains the other, otherwise
the geodesic distance between their nearest points. The nearest points are found in a local frame where
longitude is scaled by cos(latitude), which at city scale picks the same points as an ellipsoidal search
to well under a metre; the returned distance between them is geodesic.
"""

from __future__ import annotations

import math

import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from geo.errors import GeometryError
from geo.io import Atlas
from geo.schema import CITY_ADCODE, LAYERS

GEOD = Geod(ellps="WGS84")
# Layers of places (as opposed to the administrative base layers city/districts).
THEMATIC_LAYERS = ("plans", "parks", "institutions", "companies")
# Location bases whose point is only a stand-in for "somewhere in the district/city".
IMPRECISE_BASES = ("district_only", "city_only")
NEARBY_COLUMNS = ["id", "layer", "name_zh", "name_en", "distance_m"]
INSIDE_COLUMNS = ["id", "layer", "kind", "name_zh", "name_en"]


def _require_geometry(geom, what: str = "geometry") -> BaseGeometry:
    if geom is None or not isinstance(geom, BaseGeometry):
        raise GeometryError(f"{what} is missing")
    if geom.is_empty:
        raise GeometryError(f"{what} is empty")
    return geom


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area in km² (0 for points and lines); polygon orientation does not matter."""
    geom = _require_geometry(geom)
    if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        return 0.0
    area, _perimeter = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom, exterior_cw=False))
    return abs(area) / 1e6


def perimeter_km(geom: BaseGeometry) -> float:
    """Geodesic perimeter of polygons (rings including holes) or length of lines, in km; 0 for points."""
    geom = _require_geometry(geom)
    if geom.geom_type in ("Point", "MultiPoint"):
        return 0.0
    if geom.geom_type in ("LineString", "MultiLineString", "LinearRing"):
        return GEOD.geometry_length(geom) / 1000
    return GEOD.geometry_area_perimeter(geom)[1] / 1000


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance in metres between two (lon, lat) positions."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _scaled(geom: BaseGeometry, lat0: float) -> BaseGeometry:
    k = math.cos(math.radians(lat0))
    return shapely.transform(geom, lambda xy: xy * [k, 1.0])


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Geodesic distance in metres between two geometries (see the module docstring for the semantics)."""
    a = _require_geometry(a, "first geometry")
    b = _require_geometry(b, "second geometry")
    if a.geom_type == "Point" and b.geom_type == "Point":
        return geodesic_m(a.x, a.y, b.x, b.y)
    if a.intersects(b):
        return 0.0
    lat0 = (a.centroid.y + b.centroid.y) / 2
    k = math.cos(math.radians(lat0))
    pa, pb = nearest_points(_scaled(a, lat0), _scaled(b, lat0))
    return geodesic_m(pa.x / k, pa.y, pb.x / k, pb.y)


def representative_point(geom: BaseGeometry) -> BaseGeometry:
    """A point guaranteed to lie on the geometry: the point itself, or shapely's representative point."""
    geom = _require_geometry(geom)
    return geom if geom.geom_type == "Point" else geom.representative_point()


def _features(atlas: Atlas, layers) -> list[tuple[str, pd.Series]]:
    out = []
    for lid in layers:
        gdf = atlas.layers.get(lid)
        if gdf is None:
            continue
        out.extend((lid, row) for _, row in gdf.iterrows())
    return out


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def nearby(atlas: Atlas, feature_id: str, radius_km: float, *, layers=THEMATIC_LAYERS,
           include_imprecise: bool = False) -> pd.DataFrame:
    """Features within ``radius_km`` of a feature, nearest first, the feature itself excluded.

    Searches the thematic layers (plans, parks, institutions, companies) by default. Features located only
    at district or city level (location_basis district_only/city_only) have no real position and are left out
    unless ``include_imprecise``. Columns: id, layer, name_zh, name_en, distance_m.
    """
    if not radius_km >= 0:
        raise ValueError(f"radius_km must be a non-negative number, got {radius_km!r}")
    _lid, origin = atlas.feature(feature_id)
    geom = _require_geometry(origin.geometry, f"{feature_id} geometry")
    rows = []
    for lid, row in _features(atlas, layers):
        if row["id"] == feature_id or row.geometry is None or row.geometry.is_empty:
            continue
        if not include_imprecise and row.get("location_basis") in IMPRECISE_BASES:
            continue
        dist = distance_m(geom, row.geometry)
        if dist <= radius_km * 1000:
            rows.append((row["id"], lid, _text(row.get("name_zh")), _text(row.get("name_en")), dist))
    frame = pd.DataFrame(rows, columns=NEARBY_COLUMNS)
    return frame.sort_values(["distance_m", "id"], kind="stable", ignore_index=True)


def inside(atlas: Atlas, feature_id: str) -> pd.DataFrame:
    """Features lying within the polygon of a district, park, plan (or the city).

    A feature counts when its position is covered by the polygon: points themselves (including those placed
    at their parent, location_basis parent_location), lines and polygons by their representative point.
    City-only features never count (their point is a stand-in); district-only ones count only for districts
    and the city. Columns: id, layer, kind, name_zh, name_en; in layer order, then by id.
    """
    layer_id, selected = atlas.feature(feature_id)
    polygon = _require_geometry(selected.geometry, f"{feature_id} geometry")
    if polygon.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"inside() needs a polygon, but the geometry is a {polygon.geom_type}",
                            feature_id=feature_id)
    administrative = layer_id in ("city", "districts")
    shapely.prepare(polygon)
    rows = []
    for lid, row in _features(atlas, LAYERS):
        if row["id"] == feature_id or lid == "city" or row.geometry is None or row.geometry.is_empty:
            continue
        basis = row.get("location_basis")
        if basis == "city_only" or (basis == "district_only" and not administrative):
            continue
        if polygon.covers(representative_point(row.geometry)):
            rows.append((row["id"], lid, _text(row.get("kind")), _text(row.get("name_zh")), _text(row.get("name_en"))))
    return pd.DataFrame(rows, columns=INSIDE_COLUMNS)


def related(atlas: Atlas, feature_id: str) -> dict[str, list[str]]:
    """Ids of the features related to one feature, by relation (every key is always present):

    - ``parent``: its parent (0 or 1 id); ``children``: features whose parent is this one;
    - ``district``: for a feature with a district adcode, the district feature with that adcode;
    - ``in_district``: for a district, the thematic features carrying its adcode;
    - ``parks``: for institutions and companies, the parks they belong to: their parent chain's parks
      and, unless they are placed only at district/city level, parks whose polygon covers their point.
    """
    layer_id, row = atlas.feature(feature_id)
    out: dict[str, list[str]] = {"parent": [], "children": [], "district": [], "in_district": [], "parks": []}
    parent = row.get("parent")
    if isinstance(parent, str) and parent in atlas:
        out["parent"].append(parent)
    everything = _features(atlas, LAYERS)
    out["children"] = [r["id"] for _, r in everything if r.get("parent") == feature_id]
    adcode = row.get("adcode")
    districts = atlas.layers.get("districts")
    if layer_id != "districts" and districts is not None and isinstance(adcode, str) and adcode != CITY_ADCODE:
        out["district"] = [d for d in districts.loc[districts["adcode"] == adcode, "id"]]
    if layer_id == "districts":
        out["in_district"] = [r["id"] for lid, r in everything if lid in THEMATIC_LAYERS and r.get("adcode") == adcode]
    if layer_id in ("institutions", "companies"):
        parks: list[str] = []
        seen = {feature_id}
        current = parent
        while isinstance(current, str) and current in atlas and current not in seen:
            seen.add(current)
            plid, prow = atlas.feature(current)
            if plid == "parks":
                parks.append(current)
            current = prow.get("parent")
        geom = row.geometry
        if row.get("location_basis") not in IMPRECISE_BASES and geom is not None and not geom.is_empty:
            point = representative_point(geom)
            for _, park in _features(atlas, ["parks"]):
                pg = park.geometry
                if park["id"] not in parks and pg is not None and pg.geom_type in ("Polygon", "MultiPolygon"):
                    if pg.covers(point):
                        parks.append(park["id"])
        out["parks"] = parks
    return out
