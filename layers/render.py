"""Turn filtered layers into folium objects. Never calls Streamlit; every string passes layers.escape.

The base map (``base_map``) is identical on every rerun, so streamlit-folium keeps it mounted; everything
that changes (tiles, overlays, highlight, legend) is a FeatureGroup sent through ``feature_group_to_add``.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
from branca.element import Element, MacroElement
from folium.template import Template
from shapely.geometry import mapping

from geo.core.crs import to_system
from geo.core.geometry import round_geometries
from geo.core.precision import approximate_mask
from layers import assets
from layers.definitions import LAYER_DEFS
from layers.escape import escape, escape_properties
from layers.steady import SteadyView
from layers.styles import feature_style, highlight_style, uncertainty_style

MAP_CENTER = (30.25, 120.12)  # lat, lon: central Hangzhou
MAP_ZOOM = 10
# A selection made outside the map zooms to the feature and its uncertainty, no closer than this.
FIT_MAX_ZOOM = 15


def base_map() -> folium.Map:
    """The Leaflet map itself: no tiles, overlays or controls (those come as dynamic feature groups, so the map
    is the same in every language and view, and streamlit-folium never remounts it)."""
    assets.use_local_assets()
    m = folium.Map(location=MAP_CENTER, zoom_start=MAP_ZOOM, tiles=None, control_scale=True, min_zoom=6,
                   max_zoom=19)
    m.options.update(min_zoom=6, max_zoom=19)  # folium 0.20 gives these to tile layers only; clusters need them
    assets.MapAssets().add_to(m)
    SteadyView().add_to(m)  # no report of a view that moved by less than a pixel (a resize)
    m.get_root().header.add_child(Element(MAP_CSS), name="atlas_css")
    return m


# The map's own styles (inside the map's iframe): the map fills its frame, group markers, tooltips, legend.
MAP_CSS = """<style>
html, body { height: 100%; margin: 0; }
#map_div { height: 100vh !important; }
.atlas-group { background: rgba(255,255,255,.55); border-radius: 50%; }
.atlas-group div { width: calc(100% - 6px); height: calc(100% - 6px); margin: 3px; border-radius: 50%;
  background: #1f2937; color: #fff; font: 600 11px/1 system-ui, sans-serif; display: flex; align-items: center;
  justify-content: center; box-shadow: 0 1px 3px rgba(0,0,0,.4); }
.atlas-group.atlas-group-approx div { background: #fff; color: #1f2937; border: 2px dashed #1f2937;
  box-sizing: border-box; }
.atlas-tip { font-size: 12px; line-height: 1.35; width: max-content; max-width: 300px; white-space: normal; }
.atlas-tip-precision, .atlas-tip-hint { color: #6b7280; font-size: 11px; }
.atlas-legend details { background: rgba(255,255,255,.94); border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  font-size: 11px; line-height: 1.45; max-width: 260px; }
.atlas-legend summary { cursor: pointer; font-size: 12px; padding: 3px 8px; }
.atlas-legend-body { padding: 0 8px 6px 8px; max-height: 40vh; overflow: auto; }
.atlas-tiles-failed { background: #fff7ed; border: 1px solid #fb923c; color: #7c2d12; padding: 6px 10px;
  border-radius: 4px; font-size: 12px; max-width: 320px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }
</style>"""


class _ControlOnAdd(MacroElement):
    """A Leaflet control shown while its FeatureGroup is on the map (so it follows language and view)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var control = {{ this.factory }};
            group.on("add", function(e) { control.addTo(e.target._map); });
            group.on("remove", function() { control.remove(); });
            if (group._map) { control.addTo(group._map); }
        })();
        {% endmacro %}
    """)

    def __init__(self, factory_js: str):
        super().__init__()
        self._name = "ControlOnAdd"
        self.factory = factory_js


def measure_group(lang: str) -> folium.FeatureGroup:
    """The measure tool (leaflet-measure, labels in the interface language) as a dynamic group."""
    options = {"position": "topleft", "primaryLengthUnit": "kilometers", "secondaryLengthUnit": "meters",
               "primaryAreaUnit": "hectares", "secondaryAreaUnit": "sqmeters",
               "localization": "cn" if lang == "zh" else "en"}
    group = folium.FeatureGroup(name="measure", control=False)
    _ControlOnAdd(f"new L.Control.Measure({json.dumps(options)})").add_to(group)
    return group


@dataclass(frozen=True)
class DisplayText:
    """The interface's words that a layer's display features carry, in one language: layers/ holds no interface
    text, the page passes these in (ui.data.display_text builds them from ui.i18n)."""

    lang: str
    kinds: Mapping[str, str] = field(default_factory=dict)  # kind -> its label
    distance: Callable[[float], str] = lambda metres: ""  # metres -> "1.2 公里" ("" when not a distance)


def display_collection(gdf: gpd.GeoDataFrame, layer: str, text: DisplayText, system: str = "wgs84",
                       spots: Mapping[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """The GeoJSON the browser gets for one layer (an atlas layer or the visitor's upload, both in the display
    schema): only the display columns, every string escaped, coordinates converted to ``system`` (the system of
    the current tiles). ``prec`` is the precision in metres (None when unknown) and ``prec_text`` it as written
    ("" when unknown: the tooltip then says so).

    ``spots`` maps a feature id to (name of the place it stands at, that place's id if it is an area, else "")
    (see geo.core.precision.anchors); without it a feature stands at itself.
    """
    definition = LAYER_DEFS[layer]
    lang = text.lang
    approx = approximate_mask(gdf) if len(gdf) else np.zeros(0, dtype=bool)
    if system != "wgs84" and len(gdf):
        gdf = to_system(gdf, system)
    spots = spots or {}
    features = []
    for geom, (_, row), rough in zip(gdf.geometry, gdf.iterrows(), approx, strict=True):
        if geom is None or geom.is_empty:
            continue
        name_zh, name_en = str(row.get("name_zh") or ""), str(row.get("name_en") or "")
        name = name_zh if lang == "zh" else name_en
        spot, foot = spots.get(row["id"], (name, ""))
        prec = row.get("location_precision_m")
        prec = float(prec) if isinstance(prec, numbers.Real) and math.isfinite(prec) and prec >= 0 else None
        kind = row.get("kind") or ""
        props = {
            "id": row["id"], "layer": layer, "kind": kind,
            "name": name, "name_alt": alt if (alt := name_en if lang == "zh" else name_zh) != name else "",
            "kind_label": text.kinds.get(kind, kind),
            "approx": bool(rough), "prec": prec, "prec_text": text.distance(prec) if prec is not None else "",
            "spot": spot, "foot": foot,
        }
        props = {k: v for k, v in props.items() if k in definition.columns}
        safe = escape_properties(props)
        features.append({"type": "Feature", "id": safe["id"], "properties": safe,
                         "geometry": mapping(round_geometries(geom))})
    return {"type": "FeatureCollection", "features": features}


def split_points(collection: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(areas and lines, points) of a display collection: points go to the group layer (layers.points)."""
    areas = [f for f in collection["features"] if f["geometry"]["type"] != "Point"]
    points = [f for f in collection["features"] if f["geometry"]["type"] == "Point"]
    return ({"type": "FeatureCollection", "features": areas}, {"type": "FeatureCollection", "features": points})


def overlay_group(layer: str, collection: dict[str, Any] | str, name: str) -> folium.FeatureGroup:
    """One layer's areas and lines as a FeatureGroup named ``name`` (its label): styled GeoJSON (circle markers
    for points) with a tooltip."""
    data = json.loads(collection) if isinstance(collection, str) else collection
    definition = LAYER_DEFS[layer]
    group = folium.FeatureGroup(name=escape(name), control=False)
    if not data["features"]:
        return group
    tooltip = folium.GeoJsonTooltip(fields=list(definition.tooltip_fields), labels=False, sticky=True)
    folium.GeoJson(data, name=escape(layer), style_function=feature_style, marker=folium.CircleMarker(),
                   tooltip=tooltip, control=False, interactive=definition.interactive).add_to(group)
    return group


def highlight_group(collection: dict[str, Any] | str | None, uncertainty: dict[str, Any] | str | None = None,
                    *, fit: bool = False, max_zoom: int = FIT_MAX_ZOOM) -> folium.FeatureGroup:
    """The selected feature, outlined on top of everything, with the area it may really lie in (``uncertainty``:
    display GeoJSON, dashed); empty when nothing is selected. ``fit`` fits the map to both once, when the
    group is added (a selection made outside the map: search, table, buttons, a link)."""
    group = folium.FeatureGroup(name="selection", control=False)
    data = json.loads(collection) if isinstance(collection, str) else collection
    if not (data and data["features"]):
        return group
    area = json.loads(uncertainty) if isinstance(uncertainty, str) else uncertainty
    if area and area["features"]:
        folium.GeoJson(area, style_function=uncertainty_style, control=False, interactive=False).add_to(group)
    folium.GeoJson(data, style_function=highlight_style, marker=folium.CircleMarker(), control=False,
                   interactive=False).add_to(group)
    if fit:
        FitOnAdd(max_zoom=max_zoom).add_to(group)
    return group


class FitOnAdd(MacroElement):
    """Fit the map to its FeatureGroup's bounds when the group is added (Leaflet ``fitBounds`` options)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            function fit(map) {
                var b = group.getBounds();
                if (b.isValid()) { map.fitBounds(b, {{ this.options|tojson }}); }
            }
            if (group._map) { fit(group._map); } else { group.once("add", function(e) { fit(e.target._map); }); }
        })();
        {% endmacro %}
    """)

    def __init__(self, max_zoom: int = FIT_MAX_ZOOM, padding: int = 28):
        super().__init__()
        self._name = "FitOnAdd"
        self.options = {"maxZoom": int(max_zoom), "padding": [int(padding), int(padding)], "animate": False}


class _Legend(MacroElement):
    """The legend as a Leaflet control shown while its FeatureGroup is on the map (so it updates with the
    overlays). It is a ``<details>``: open where the map is at least ``open_min_px`` wide, folded on narrow
    maps; a visitor's own choice is kept across reruns of the page."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var control = L.control({position: "bottomright"});
            control.onAdd = function(map) {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html|tojson }};
                var details = div.querySelector("details");
                var wanted = window.__atlasLegendOpen;
                details.open = (wanted === undefined) ? map.getSize().x >= {{ this.open_min_px }} : wanted;
                details.addEventListener("toggle", function() { window.__atlasLegendOpen = details.open; });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            // the legend is the last group added: the features are drawn, the map stops being see-through
            function drawn(map) {
                map.getContainer().classList.add("atlas-drawn");
                try {  // the page hides its "loading" over the frame (ui/layout.py)
                    if (window.frameElement) { window.frameElement.setAttribute("data-atlas-drawn", "1"); }
                } catch (err) { /* another origin: nothing to tell */ }
            }
            group.on("add", function(e) { control.addTo(e.target._map); drawn(e.target._map); });
            group.on("remove", function() { control.remove(); });
            if (group._map) { control.addTo(group._map); drawn(group._map); }
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, open_min_px: int = 960):
        super().__init__()
        self._name = "AtlasLegend"
        self.html = html
        self.open_min_px = int(open_min_px)


_SWATCH = {
    "dot": "display:inline-block;width:10px;height:10px;border-radius:50%;background:{c};margin-right:6px",
    "area": "display:inline-block;width:12px;height:9px;background:{c};opacity:.6;border:1px solid {c};"
            "margin-right:6px",
    "line": "display:inline-block;width:14px;height:0;border-top:2px dashed {c};margin-right:6px;"
            "vertical-align:middle",
}
# The symbols of position and precision (keys of the ``symbols`` argument of legend_html).
_SYMBOLS = {
    "precise": '<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:#374151;'
               'box-shadow:0 0 0 1.5px #fff,0 0 0 2.5px #9ca3af;margin-right:6px"></span>',
    "approx": '<span style="display:inline-block;width:8px;height:8px;border-radius:50%;background:#fff;'
              'border:2px dashed #374151;margin-right:6px"></span>',
    "group": '<span class="atlas-group" style="display:inline-flex;position:static;width:18px;height:18px;'
             'margin-right:6px;vertical-align:middle"><div style="width:14px;height:14px;margin:2px;font-size:9px;'
             'line-height:14px">3</div></span>',
    "uncertainty": '<span style="display:inline-block;width:14px;height:14px;border-radius:50%;'
                   'border:1.5px dashed #111827;background:rgba(245,158,11,.12);margin-right:6px;'
                   'vertical-align:middle"></span>',
}


def legend_html(entries: Iterable[tuple[str, list[tuple[str, str, str]]]], note: str = "",
                title: str = "图例 Legend", symbols: Iterable[tuple[str, str]] = ()) -> str:
    """HTML of the legend: the position symbols ((symbol key, label)), then (layer label, [(kind label, colour,
    shape)]) blocks; all text escaped here."""
    parts = [f'<details open><summary class="atlas-legend-title">{escape(title)}</summary>',
             '<div class="atlas-legend-body">']
    for key, label in symbols:
        if key in _SYMBOLS:
            parts.append(f'<div class="atlas-legend-symbol-{escape(key)}">{_SYMBOLS[key]}{escape(label)}</div>')
    for layer_label, items in entries:
        if not items:
            continue
        parts.append(f"<div style=\"font-weight:600;margin-top:2px\">{escape(layer_label)}</div>")
        for label, col, shape in items:
            swatch = _SWATCH[shape].format(c=escape(col))
            parts.append(f'<div><span style="{swatch}"></span>{escape(label)}</div>')
    if note:
        parts.append(f'<div style="margin-top:4px;color:#555">{escape(note)}</div>')
    parts.append("</div></details>")
    return "".join(parts)


def legend_group(entries: Iterable[tuple[str, list[tuple[str, str, str]]]], note: str = "",
                 title: str = "图例 Legend", symbols: Iterable[tuple[str, str]] = ()) -> folium.FeatureGroup:
    """The legend of the visible layers as a dynamic group: ``entries`` as in :func:`legend_html` (layer label,
    [(kind label, colour, shape)], see layers.styles.legend_entries)."""
    group = folium.FeatureGroup(name="legend", control=False)
    _Legend(legend_html(entries, note, title, symbols)).add_to(group)
    return group
