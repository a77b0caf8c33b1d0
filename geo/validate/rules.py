"""The rules of ``geo.validate.checks`` that look at facts, paired notes, events, or at two features at once.

Each function reports through ``add(feature, reason)`` (feature: the validator's feature record, with
``props``, ``layer``, ``geometry`` and ``geometry_ok``) so that ``geo.validate.checks`` keeps one place for file names,
labels and ordering. The rules:

- facts: every field of ``geo.core.schema.FACT_REQUIRED``; ``unit_en`` non-empty whenever ``unit`` is; ``target`` a
  boolean; ``qualifier`` from ``QUALIFIERS`` (the old qualifier "target" is rejected with a hint).
- zh/en pairs: ``location_note_zh``/``location_note_en`` both present and non-empty, or neither.
- parent precision: a feature placed at its parent (``location_basis: parent_location``) claims at least the
  radius that covers its parent: the parent's own ``location_precision_m`` and, when the parent is a polygon,
  the geodesic distance from the feature's point to the farthest vertex of the parent's footprint.
- duplicate figure: the same figure (same attribute, source, numeric value and unit) on a feature and on a
  feature it belongs to (any ancestor through ``parent``, the district of its adcode, or the city) with a
  different ``as_of``. A figure reported for both is kept once, with one date; the rule relies on a figure
  keeping its attribute name wherever it appears (matching on value alone flags unrelated ranks and counts).
- events: dates parse at their resolution, ``place`` and ``participants`` are features of other layers, and the
  event claims at least the radius that covers its place (as for a parent: the place's precision, and for a
  district or the city the distance to the farthest edge of its boundary).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import shapely
from pyproj import Geod

from geo.core.schema import (
    ADCODE_PATTERN,
    CITY_ADCODE,
    DATE_RESOLUTIONS,
    EVENT_ID_PREFIX,
    EVENT_LOCATION_BASES,
    EVENT_PROPERTIES,
    FACT_OPTIONAL,
    FACT_REQUIRED,
    QUALIFIERS,
)
from geo.core.timeline import DateError, parse_date, resolution

_GEOD = Geod(ellps="WGS84")
POLYGONS = ("Polygon", "MultiPolygon")
Add = Callable[[object, str], None]


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _nonempty(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


# ------------------------------------------------------------------------------------------------ adcodes


def adcode_reasons(layer: str, adcode, districts: set[str] | None) -> list[str]:
    """Why a feature's adcode does not fit its layer (districts: the adcodes in districts.geojson, if read)."""
    if not isinstance(adcode, str):
        return []
    if not ADCODE_PATTERN.match(adcode):
        return [f"adcode {adcode!r} does not match {ADCODE_PATTERN.pattern}"]
    if layer == "city":
        return [] if adcode == CITY_ADCODE else [f"adcode {adcode!r} of the city must be {CITY_ADCODE}"]
    if layer == "districts":
        if adcode == CITY_ADCODE or not adcode.startswith("3301"):
            return [f"adcode {adcode!r} is not a Hangzhou district adcode (3301xx other than {CITY_ADCODE})"]
        return []
    if adcode == CITY_ADCODE:
        return []
    if districts is not None and adcode not in districts:
        return [f"adcode {adcode!r} is neither {CITY_ADCODE} nor a district in districts.geojson"]
    if districts is None and not adcode.startswith("3301"):
        return [f"adcode {adcode!r} is not a Hangzhou adcode (3301xx)"]
    return []


# ------------------------------------------------------------------------------------------------ facts


def fact_reasons(fact: Mapping, sources: set[str] | None) -> list[str]:
    """Why one fact (already known to be an object) is invalid: an empty list when it is fine."""
    out = [f"missing field '{key}'" for key in FACT_REQUIRED if key not in fact]
    value, unit = fact.get("value"), fact.get("unit")
    if "value" in fact and not (is_number(value) or isinstance(value, str)):
        out.append(f"value must be a number or a string, got {type(value).__name__}")
    if is_number(value) and not math.isfinite(value):
        out.append(f"value {value!r} is not a finite number")
    if "unit" in fact and unit is not None and not isinstance(unit, str):
        out.append(f"unit must be a string, got {type(unit).__name__}")
    elif is_number(value) and not _nonempty(unit):
        out.append(f"numeric value {value!r} has no unit")
    if "unit_en" in fact:
        unit_en = fact["unit_en"]
        if not isinstance(unit_en, str):
            out.append(f"unit_en must be a string, got {type(unit_en).__name__}")
        elif _nonempty(unit) and not unit_en.strip():
            out.append(f"unit {unit!r} has an empty unit_en (the unit's English form)")
    for key in FACT_OPTIONAL:
        if key in fact and not _nonempty(fact[key]):
            out.append(f"field '{key}' must be a non-empty string when present")
    if "target" in fact and not isinstance(fact["target"], bool):
        out.append(f"field 'target' must be true or false, got {fact['target']!r}")
    if "qualifier" in fact and fact["qualifier"] not in QUALIFIERS:
        allowed = ", ".join("null" if q is None else repr(q) for q in QUALIFIERS)
        hint = ("; a goal is marked with \"target\": true, and qualifier then keeps its bound"
                if fact["qualifier"] == "target" else "")
        out.append(f"qualifier {fact['qualifier']!r} is not one of {allowed}{hint}")
    for key in ("attribute", "label_zh", "label_en", "as_of"):
        if key in fact and not _nonempty(fact[key]):
            out.append(f"field '{key}' must be a non-empty string")
    if _nonempty(fact.get("as_of")):
        try:
            parse_date(fact["as_of"])
        except DateError as err:
            out.append(f"as_of: {err}")
    source = fact.get("source")
    if "source" in fact and sources is not None and source not in sources:
        out.append(f"unknown source {source!r} (not in sources.json)")
    return out


def pair_reasons(props: Mapping, pair: tuple[str, str]) -> list[str]:
    """A zh/en pair of optional text properties: both non-empty strings, or both absent."""
    zh, en = pair
    present = [k for k in pair if k in props and props[k] is not None]
    if not present:
        return []
    if len(present) == 1:
        other = en if present[0] == zh else zh
        return [f"'{present[0]}' without '{other}' (both or neither)"]
    return [f"property '{k}' must be a non-empty string" for k in pair if not _nonempty(props[k])]


# ------------------------------------------------------------------------------------------------ geometry helpers


def point_of(geom):
    return geom if geom.geom_type == "Point" else geom.representative_point()


def farthest_vertex_m(point, polygon) -> float:
    """Geodesic distance (m) from ``point`` to the farthest vertex of ``polygon``'s exterior rings."""
    rings = [polygon] if polygon.geom_type == "Polygon" else list(polygon.geoms)
    coords = shapely.get_coordinates([r.exterior for r in rings])
    n = len(coords)
    _f, _b, dist = _GEOD.inv([point.x] * n, [point.y] * n, coords[:, 0], coords[:, 1])
    return float(max(dist))


def covering_radius(feature, parent) -> tuple[float, bool] | None:
    """(radius in m that covers ``parent`` seen from ``feature``'s point, whether a footprint set it)."""
    own = parent.props.get("location_precision_m")
    own = float(own) if is_number(own) else 0.0
    if not (feature.geometry_ok and parent.geometry_ok):
        return None
    if parent.geometry.geom_type in POLYGONS:
        far = farthest_vertex_m(point_of(feature.geometry), parent.geometry)
        return (far, True) if far > own else (own, False)
    return own, False


def check_parent_precision(features, by_id: Mapping[str, object], add: Add) -> None:
    for f in features:
        parent = by_id.get(f.props.get("parent")) if isinstance(f.props.get("parent"), str) else None
        precision = f.props.get("location_precision_m")
        if parent is None or parent is f or f.props.get("location_basis") != "parent_location" \
                or not is_number(precision):
            continue
        got = covering_radius(f, parent)
        if got is None:
            continue
        need, footprint = got
        if precision + 1 < need:
            why = "the farthest edge of its footprint" if footprint else "its own location_precision_m"
            add(f, f"location_precision_m {precision:g} is smaller than the radius that covers its parent "
                   f"{parent.props['id']} ({need:.0f} m, {why}); a feature placed at its parent claims at least that")


# ------------------------------------------------------------------------------------------------ duplicate figures


def _owners(f, by_id: Mapping[str, object], districts: Mapping[str, object]) -> list:
    """Features ``f`` belongs to: its ancestors, the district of its adcode, and the city."""
    out, seen = [], {f.props.get("id")}
    current = f
    while isinstance(current.props.get("parent"), str) and current.props["parent"] in by_id \
            and current.props["parent"] not in seen:
        current = by_id[current.props["parent"]]
        seen.add(current.props["id"])
        out.append(current)
    district = districts.get(f.props.get("adcode"))
    if district is not None and district.props.get("id") not in seen:
        out.append(district)
        seen.add(district.props.get("id"))
    city = next((c for c in by_id.values() if c.layer == "city"), None)
    if city is not None and city.props.get("id") not in seen and f.layer != "city":
        out.append(city)
    return out


def _figures(f) -> list[tuple[int, dict]]:
    facts = f.props.get("facts")
    if not isinstance(facts, list):
        return []
    return [(n, x) for n, x in enumerate(facts) if isinstance(x, dict) and is_number(x.get("value"))
            and isinstance(x.get("as_of"), str) and isinstance(x.get("unit"), str)]


def _figure_key(fact: Mapping) -> tuple:
    return fact.get("attribute"), fact.get("source"), float(fact["value"]), fact["unit"]


def check_duplicate_figures(features, by_id: Mapping[str, object], add: Add) -> None:
    districts = {d.props.get("adcode"): d for d in features if d.layer == "districts"}
    for f in features:
        mine = _figures(f)
        if not mine:
            continue
        for owner in _owners(f, by_id, districts):
            theirs = {}
            for _n, x in _figures(owner):
                theirs.setdefault(_figure_key(x), []).append(x)
            for n, x in mine:
                for y in theirs.get(_figure_key(x), []):
                    if y["as_of"] != x["as_of"]:
                        add(f, f"fact {n} ({x.get('attribute')}): the figure {x['value']:g} {x['unit']} "
                               f"({x.get('source')}) is also on {owner.props['id']} with as_of {y['as_of']!r}, "
                               f"here {x['as_of']!r}: keep it as one fact with one as_of")


# ------------------------------------------------------------------------------------------------ events


def check_event(f, by_id: Mapping[str, object], add: Add, *, check_references: bool = True) -> None:
    """One event's own rules; ``check_references=False`` skips unknown place/participant ids (used when a
    layer file could not be read, so its ids are unknown for that reason)."""
    p = f.props
    for prop, types in EVENT_PROPERTIES.items():
        if prop not in p:
            add(f, f"missing required event property '{prop}'")
        elif not isinstance(p[prop], types):
            add(f, f"event property '{prop}' has the wrong type ({type(p[prop]).__name__})")
    fid = p.get("id")
    if isinstance(fid, str) and not fid.startswith(EVENT_ID_PREFIX):
        add(f, f"event id {fid!r} must start with {EVENT_ID_PREFIX!r}")
    if p.get("parent") is not None:
        add(f, "an event has no parent (it has a place)")
    basis = p.get("location_basis")
    if isinstance(basis, str) and basis not in EVENT_LOCATION_BASES:
        add(f, f"location_basis {basis!r} of an event must be one of {', '.join(EVENT_LOCATION_BASES)}")
    _check_event_dates(f, add)
    place = p.get("place")
    if isinstance(place, str):
        target = by_id.get(place)
        if target is None:
            if check_references:
                add(f, f"unknown place {place!r} (no feature has this id)")
        elif target.layer == "events":
            add(f, f"place {place!r} is an event; an event happens at a feature of another layer")
        else:
            own, got = p.get("location_precision_m"), covering_radius(f, target)
            if is_number(own) and got is not None and own + 1 < got[0]:
                why = "the farthest edge of its footprint" if got[1] else "its location_precision_m"
                add(f, f"location_precision_m {own:g} is smaller than the radius that covers its place {place} "
                       f"({got[0]:.0f} m, {why})")
    participants = p.get("participants")
    if isinstance(participants, list):
        for x in participants:
            if not isinstance(x, str) or x not in by_id:
                if check_references or not isinstance(x, str):
                    add(f, f"unknown participant {x!r} (no feature has this id)")
            elif by_id[x].layer == "events":
                add(f, f"participant {x!r} is an event")


def _check_event_dates(f, add: Add) -> None:
    p = f.props
    start, end, res = p.get("date_start"), p.get("date_end"), p.get("date_resolution")
    if isinstance(res, str) and res not in DATE_RESOLUTIONS:
        add(f, f"date_resolution {res!r} is not one of {', '.join(DATE_RESOLUTIONS)}")
        return
    if not isinstance(start, str):
        return
    try:
        start_res = resolution(start)
        if "/" in start:
            raise DateError(f"{start!r}: date_start is one date; a period uses date_end")
        end_res = resolution(end) if isinstance(end, str) else None
        if end_res == "period":
            raise DateError(f"{end!r}: date_end is one date")
        if end_res is not None:
            parse_date(f"{start}/{end}")
    except DateError as err:
        add(f, f"event date: {err}")
        return
    if res == "period" and end is None:
        add(f, "date_resolution 'period' needs a date_end")
    elif res in ("day", "month", "year") and end is not None:
        add(f, f"date_resolution {res!r} takes no date_end (use 'period')")
    elif res in ("day", "month", "year") and start_res != res:
        add(f, f"date_start {start!r} is a {start_res}, not a {res} as date_resolution says")
