"""Turn filtered layers into folium objects. Never calls Streamlit; every string passes layers.escape.

The base map (``base_map``) is identical on every rerun, so streamlit-folium keeps it mounted; everything
that changes (tiles, overlays, highlight, legend) is a FeatureGroup sent through ``feature_group_to_add``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping

from geo.crs import to_system
from geo.schema import KINDS, LAYERS
from layers import assets
from layers.definitions import LAYER_DEFS
from layers.escape import escape, escape_properties
from layers.styles import feature_style, highlight_style, legend_entries

MAP_CENTER = (30.25, 120.12)  # lat, lon: central Hangzhou
MAP_ZOOM = 10
APPROX_BASES = ("district_only", "city_only", "schematic")
# Display only (the export keeps the stored values): coordinates to 1e-6 deg (~0.1 m); converted GCJ-02
# coordinates would otherwise carry 17 digits each and double the payload.
DECIMALS = 6


def _display_geometry(geom):
    return shapely.transform(geom, lambda coords: np.round(coords, DECIMALS))


def base_map(lang: str = "zh") -> folium.Map:
    """The Leaflet map itself: no tiles and no overlays (those come as dynamic feature groups)."""
    assets.use_local_assets()
    m = folium.Map(location=MAP_CENTER, zoom_start=MAP_ZOOM, tiles=None, control_scale=True, min_zoom=6,
                   max_zoom=19)
    folium.plugins.MeasureControl(position="topleft", primary_length_unit="kilometers",
                                  secondary_length_unit="meters", primary_area_unit="hectares",
                                  secondary_area_unit="sqmeters", localization="cn" if lang == "zh" else "en"
                                  ).add_to(m)
    return m


def _kind_label(layer: str, kind: str, lang: str) -> str:
    labels = KINDS.get(layer, {}).get(kind)
    return labels[0 if lang == "zh" else 1] if labels else kind


def display_collection(gdf: gpd.GeoDataFrame, layer: str, lang: str, system: str = "wgs84") -> dict[str, Any]:
    """The GeoJSON the browser gets for one layer: only the display columns, every string escaped,
    coordinates converted to ``system`` (the system of the current tiles)."""
    definition = LAYER_DEFS[layer]
    if system != "wgs84" and len(gdf):
        gdf = to_system(gdf, system)
    features = []
    for geom, (_, row) in zip(gdf.geometry, gdf.iterrows(), strict=True):
        if geom is None or geom.is_empty:
            continue
        name_zh, name_en = str(row.get("name_zh") or ""), str(row.get("name_en") or "")
        props = {
            "id": row["id"], "layer": layer, "kind": row.get("kind") or "",
            "name": name_zh if lang == "zh" else name_en, "name_alt": name_en if lang == "zh" else name_zh,
            "kind_label": _kind_label(layer, row.get("kind") or "", lang),
            "approx": row.get("location_basis") in APPROX_BASES,
        }
        props = {k: v for k, v in props.items() if k in definition.columns}
        safe = escape_properties(props)
        features.append({"type": "Feature", "id": safe["id"], "properties": safe,
                         "geometry": mapping(_display_geometry(geom))})
    return {"type": "FeatureCollection", "features": features}


def overlay_group(layer: str, collection: dict[str, Any] | str, lang: str) -> folium.FeatureGroup:
    """One layer as a FeatureGroup: styled GeoJSON (circle markers for points) with a tooltip."""
    data = json.loads(collection) if isinstance(collection, str) else collection
    definition = LAYER_DEFS[layer]
    group = folium.FeatureGroup(name=escape(LAYERS[layer][1 if lang == "zh" else 2]), control=False)
    if not data["features"]:
        return group
    tooltip = folium.GeoJsonTooltip(fields=list(definition.tooltip_fields), labels=False, sticky=True)
    folium.GeoJson(data, name=escape(layer), style_function=feature_style, marker=folium.CircleMarker(),
                   tooltip=tooltip, control=False, interactive=definition.interactive).add_to(group)
    return group


def highlight_group(collection: dict[str, Any] | str | None) -> folium.FeatureGroup:
    """The selected feature, outlined on top of everything; empty when nothing is selected."""
    group = folium.FeatureGroup(name="selection", control=False)
    data = json.loads(collection) if isinstance(collection, str) else collection
    if data and data["features"]:
        folium.GeoJson(data, style_function=highlight_style, marker=folium.CircleMarker(), control=False,
                       interactive=False).add_to(group)
    return group


class _Legend(MacroElement):
    """A Leaflet control shown while its FeatureGroup is on the map (so it updates with the overlays)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var control = L.control({position: "bottomright"});
            control.onAdd = function() {
                var div = L.DomUtil.create("div", "atlas-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            group.on("add", function(e) { control.addTo(e.target._map); });
            group.on("remove", function() { control.remove(); });
            if (group._map) { control.addTo(group._map); }
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str):
        super().__init__()
        self._name = "AtlasLegend"
        self.html = html


_SWATCH = {
    "dot": "display:inline-block;width:10px;height:10px;border-radius:50%;background:{c};margin-right:6px",
    "area": "display:inline-block;width:12px;height:9px;background:{c};opacity:.6;border:1px solid {c};"
            "margin-right:6px",
    "line": "display:inline-block;width:14px;height:0;border-top:2px dashed {c};margin-right:6px;"
            "vertical-align:middle",
}


def legend_html(entries: Iterable[tuple[str, list[tuple[str, str, str]]]], note: str = "",
                title: str = "图例 Legend") -> str:
    """HTML of the legend: (layer label, [(kind label, colour, shape)]) blocks; all text escaped here."""
    parts = [f'<details open><summary style="cursor:pointer;font-size:12px;background:#fff;padding:2px 6px;'
             f'border-radius:4px">{escape(title)}</summary>',
             '<div style="background:rgba(255,255,255,.92);padding:4px 8px;border-radius:4px;font-size:11px;'
             'line-height:1.4;max-height:180px;overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.3)">']
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


def legend_group(visible: dict[str, list[str]], lang: str, note: str = "", title: str = "图例 Legend"
                 ) -> folium.FeatureGroup:
    """The legend for the visible layers (``visible``: layer -> kinds present) as a dynamic group."""
    entries = [(LAYERS[lid][1 if lang == "zh" else 2], legend_entries(lid, kinds, lang))
               for lid, kinds in visible.items()]
    group = folium.FeatureGroup(name="legend", control=False)
    _Legend(legend_html(entries, note, title)).add_to(group)
    return group
