"""Pure style functions (feature -> Leaflet path options) and the legend entries they imply.

Every rendered feature carries the CSS classes ``atlas-f-<id>`` and ``atlas-layer-<layer>`` (Leaflet's
``className`` option) so browser tests and users' style sheets can find it. Imprecisely located features
(district-only, city-only or schematic positions) are drawn dashed and lighter: locations are honest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo.core.schema import UPLOAD_LAYER

# layer -> kind -> colour; "*" is the layer's default.
COLOURS: dict[str, dict[str, str]] = {
    "city": {"*": "#374151"},
    "districts": {"*": "#6b7280"},
    "plans": {"axis": "#d97706", "core": "#dc2626", "wing": "#7c3aed", "corridor": "#2563eb", "zone": "#059669",
              "*": "#d97706"},
    "parks": {"sci_tech_city": "#b91c1c", "landmark_platform": "#ea580c", "industrial_park": "#ca8a04",
              "characteristic_town": "#65a30d", "innovation_space": "#0d9488", "incubator": "#0284c7",
              "data_center": "#4f46e5", "service_center": "#a21caf", "*": "#ea580c"},
    "institutions": {"university": "#1d4ed8", "national_lab": "#7e22ce", "provincial_lab": "#9333ea",
                     "research_institute": "#0e7490", "innovation_platform": "#0891b2",
                     "big_science_facility": "#be123c", "*": "#1d4ed8"},
    "companies": {"company": "#db2777", "fund": "#15803d", "*": "#db2777"},
    UPLOAD_LAYER: {"*": "#d6336c"},  # the visitor's own layer (geo.io.upload_layer, ui/upload.py)
    # one distinct colour per event kind: the map, its legend and the overview's events chart (ui/charts.py)
    "events": {"launch": "#ea580c", "opening": "#0d9488", "move_in": "#65a30d", "signing": "#0ea5e9",
               "founding": "#7c3aed", "release": "#db2777", "meeting": "#475569", "conference": "#1e40af",
               "competition": "#dc2626", "hackathon": "#eab308", "policy_launch": "#92400e", "*": "#ea580c"},
}
# Marker radius (px) of point features per layer.
RADIUS: dict[str, int] = {"parks": 8, "institutions": 7, "companies": 5, "events": 4, "plans": 6, "districts": 5,
                          "city": 5, UPLOAD_LAYER: 6}
HIGHLIGHT_COLOUR = "#f59e0b"


def colour(layer: str, kind: str | None) -> str:
    per_layer = COLOURS.get(layer, {})
    return per_layer.get(kind or "", per_layer.get("*", "#374151"))


def css_classes(props: Mapping[str, Any]) -> str:
    """``atlas-f-<id> atlas-layer-<layer>`` (ids follow geo.core.schema.ID_PATTERN, layers are schema keys)."""
    return f"atlas-f-{props.get('id', '')} atlas-layer-{props.get('layer', '')}"


def feature_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """Leaflet path options of one display feature (a GeoJSON feature dict as built by layers.render)."""
    props = feature.get("properties") or {}
    layer, kind = props.get("layer", ""), props.get("kind")
    col = colour(layer, kind)
    approx = bool(props.get("approx"))
    style: dict[str, Any] = {"className": css_classes(props), "color": col, "weight": 2, "opacity": 0.9,
                             "fill": True, "fillColor": col, "fillOpacity": 0.25}
    if layer == "city":
        style.update(weight=2.5, fill=False, dashArray="8 4")
    elif layer == "districts":
        style.update(weight=1.2, fillOpacity=0.06, color="#4b5563")
    elif layer == "plans":
        style.update(weight=3, fillOpacity=0.12, dashArray="6 4")
    else:  # points: precise ones solid with a white ring, approximate ones hollow with a dashed ring
        style.update(radius=RADIUS.get(layer, 6), weight=1.5, color="#ffffff", fillOpacity=0.85)
        if approx:
            style.update(className=style["className"] + " atlas-approx", color=col, weight=2.5, dashArray="3 2",
                         fillColor="#ffffff", fillOpacity=0.75)
        return style
    if approx and layer not in ("city", "districts"):
        style.update(dashArray="3 3", fillOpacity=min(style["fillOpacity"], 0.45), color=col)
    return style


def highlight_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """The selected feature, drawn over everything (not interactive: clicks reach the features below)."""
    props = feature.get("properties") or {}
    return {"className": f"atlas-selected atlas-sel-{props.get('id', '')}", "color": HIGHLIGHT_COLOUR,
            "weight": 5, "opacity": 1.0, "fill": False, "radius": RADIUS.get(props.get("layer", ""), 6) + 6,
            "interactive": False}


def uncertainty_style(feature: Mapping[str, Any]) -> dict[str, Any]:
    """Where the selected feature may really be (geodesic circle of its precision, or its anchor's footprint)."""
    props = feature.get("properties") or {}
    return {"className": f"atlas-uncertainty atlas-unc-{props.get('id', '')}", "color": "#111827", "weight": 2,
            "opacity": 0.9, "dashArray": "6 5", "fill": True, "fillColor": HIGHLIGHT_COLOUR, "fillOpacity": 0.08,
            "interactive": False}


def legend_entries(layer: str, kinds: Mapping[str, str], shape: str | None = None) -> list[tuple[str, str, str]]:
    """(label, colour, shape) per kind of ``kinds`` (kind -> label, in the order to show); shape is "dot",
    "area" or "line" (by default what the layer's features are drawn as)."""
    if layer in ("city", "districts"):  # one colour each: the layer toggle says what they are
        return []
    points = ("parks", "institutions", "companies", "events", UPLOAD_LAYER)
    shape = shape or ("dot" if layer in points else "area")
    return [(label, colour(layer, kind), shape) for kind, label in kinds.items()]
