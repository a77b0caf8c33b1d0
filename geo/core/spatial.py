"""Measurements and spatial relations on the WGS84 ellipsoid: what the side panel asks.

Areas, lengths and distances use ``pyproj.Geod(ellps="WGS84")`` (Karney's geodesics), never planar degrees.
The relations (:func:`inside`, :func:`nearby`, :func:`related`) are answered by the atlas's spatial index
(``geo.core.spatial_index``: built once per atlas version, vectorised queries), with its one containment rule: a
position on a polygon's boundary is inside it.

Distance semantics (``distance_m``, ``geo.core.spatial_index.geodesic_distances``): point to point is the geodesic
distance between them (exact); anything involving a line or polygon is 0 when the geometries touch or one
contains the other, otherwise the geodesic distance between their nearest points. The nearest points are found in
a local frame where longitude is scaled by cos(latitude), which at city scale picks the same points as an
ellipsoidal search to well under a metre; the returned distance between them is geodesic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.core.schema import CITY_ADCODE
from geo.core.spatial_index import GEOD, IMPRECISE_BASES, geodesic_distances, index_for
from geo.errors import GeometryError

if TYPE_CHECKING:  # the type only: geo.io.atlas loads through geo.validate, which uses geo.core
    from geo.io.atlas import Atlas

__all__ = ["GEOD", "IMPRECISE_BASES", "INSIDE_COLUMNS", "NEARBY_COLUMNS", "THEMATIC_LAYERS", "area_km2",
           "distance_m", "geodesic_m", "inside", "nearby", "nearby_frame", "perimeter_km", "related",
           "representative_point"]

# Layers of places (as opposed to the administrative base layers city/districts).
THEMATIC_LAYERS = ("plans", "parks", "institutions", "companies")
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


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Geodesic distance in metres between two geometries (see the module docstring for the semantics)."""
    a = _require_geometry(a, "first geometry")
    b = _require_geometry(b, "second geometry")
    return float(geodesic_distances(a, b)[0])


def representative_point(geom: BaseGeometry) -> BaseGeometry:
    """A point guaranteed to lie on the geometry: the point itself, or shapely's representative point."""
    geom = _require_geometry(geom)
    return geom if geom.geom_type == "Point" else geom.representative_point()


def _text(values) -> list[str]:
    return [v if isinstance(v, str) else "" for v in values]


def nearby_frame(atlas: Atlas, rows, metres) -> pd.DataFrame:
    """NEARBY_COLUMNS for index rows and their distances, nearest first (ties by id)."""
    table = index_for(atlas).table.iloc[rows]
    frame = pd.DataFrame({"id": table["id"].to_numpy(), "layer": table["layer"].to_numpy(),
                          "name_zh": _text(table["name_zh"]), "name_en": _text(table["name_en"]),
                          "distance_m": metres}, columns=NEARBY_COLUMNS)
    return frame.sort_values(["distance_m", "id"], kind="stable", ignore_index=True)


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
    index = index_for(atlas)
    rows, metres = index.within(geom, radius_km * 1000, tuple(layers), imprecise=include_imprecise)
    keep = rows != index.position(feature_id)
    return nearby_frame(atlas, rows[keep], metres[keep])


def inside(atlas: Atlas, feature_id: str) -> pd.DataFrame:
    """Features lying within the polygon of a district, park, plan (or the city).

    A feature counts when the polygon covers its position (geo.core.spatial_index.CONTAINMENT: a position on the
    boundary is inside): points themselves (including those placed at their parent, location_basis
    parent_location), lines and polygons by their point on surface. City-only features never count (their point
    is a stand-in); district-only ones count only for districts and the city. Columns: id, layer, kind,
    name_zh, name_en; in layer order, then file order.
    """
    layer_id, selected = atlas.feature(feature_id)
    polygon = _require_geometry(selected.geometry, f"{feature_id} geometry")
    if polygon.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(f"inside() needs a polygon, but the geometry is a {polygon.geom_type}",
                            feature_id=feature_id)
    index = index_for(atlas)
    rows = index.covered_by(polygon)
    basis = index.basis[rows]
    keep = (rows != index.position(feature_id)) & (index.layer[rows] != "city") & (basis != "city_only")
    if layer_id not in ("city", "districts"):
        keep &= basis != "district_only"
    table = index.table.iloc[rows[keep]]
    return pd.DataFrame({"id": table["id"].to_numpy(), "layer": table["layer"].to_numpy(),
                         "kind": _text(table["kind"]), "name_zh": _text(table["name_zh"]),
                         "name_en": _text(table["name_en"])}, columns=INSIDE_COLUMNS)


def related(atlas: Atlas, feature_id: str) -> dict[str, list[str]]:
    """Ids of the features related to one feature, by relation (every key is always present):

    - ``parent``: its parent (0 or 1 id); ``children``: features whose parent is this one;
    - ``district``: for a feature with a district adcode, the district feature with that adcode;
    - ``in_district``: for a district, the thematic features carrying its adcode;
    - ``parks``: for institutions and companies, the parks they belong to: their parent chain's parks
      and, unless they are placed only at district/city level, parks whose polygon covers their point.
    """
    layer_id, row = atlas.feature(feature_id)
    index = index_for(atlas)
    ids = index.table["id"]
    out: dict[str, list[str]] = {"parent": [], "children": [], "district": [], "in_district": [], "parks": []}
    parent = row.get("parent")
    if isinstance(parent, str) and parent in atlas:
        out["parent"].append(parent)
    out["children"] = ids.iloc[index.children.get(feature_id, [])].tolist()
    adcode = row.get("adcode")
    districts = atlas.layers.get("districts")
    if layer_id != "districts" and districts is not None and isinstance(adcode, str) and adcode != CITY_ADCODE:
        out["district"] = districts.loc[districts["adcode"] == adcode, "id"].tolist()
    if layer_id == "districts":
        table = index.table
        out["in_district"] = ids[table["layer"].isin(THEMATIC_LAYERS) & (table["adcode"] == adcode)].tolist()
    if layer_id in ("institutions", "companies"):
        parks: list[str] = []
        seen = {feature_id}
        current = parent
        while isinstance(current, str) and current in atlas and current not in seen:  # up the parent chain
            seen.add(current)
            plid, prow = atlas.feature(current)
            if plid == "parks":
                parks.append(current)
            current = prow.get("parent")
        geom = row.geometry
        if row.get("location_basis") not in IMPRECISE_BASES and geom is not None and not geom.is_empty:
            _which, rows, _areas = index.covering(index.placed[[index.position(feature_id)]], "parks")
            parks += [p for p in ids.iloc[rows] if p not in parks]
        out["parks"] = parks
    return out
