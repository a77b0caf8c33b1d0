"""The map: a fixed base map with dynamic feature groups (tiles, overlays, highlight, legend) via
streamlit-folium, so filters and basemap switches keep the view; a click on a feature selects it."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.io import Atlas
from geo.spatial import representative_point
from layers import scale
from layers.basemaps import BASEMAPS, basemap_group
from layers.prerendered import Prerendered
from layers.render import base_map, highlight_group, legend_group
from ui import data, session
from ui.i18n import t

MAP_KEY = "atlas_map"
MAP_HEIGHT = 620
RETURNED = ["last_active_drawing", "last_object_clicked"]


def _on_click() -> None:
    """st_folium's on_change: the clicked feature's id (from its display properties) becomes the selection."""
    value = st.session_state.get(MAP_KEY) or {}
    drawing = value.get("last_active_drawing") or {}
    fid = (drawing.get("properties") or {}).get("id")
    hit = scale.canvas_click(drawing)  # a point of a large layer drawn on the canvas: (layer, index)
    if hit is not None:
        atlas, fkey = data.get().atlas, session.current().filter_key
        visible = data.visible_ids(data.data_dir(), atlas.hash, fkey).get(hit[0], [])
        fid = scale.feature_id_at(scale.subset(atlas.layers[hit[0]], visible), hit[1]) \
            if hit[0] in atlas.layers else None
    if isinstance(fid, str) and fid:
        session.select(fid, pan=False)


def render(atlas: Atlas, directory: str, view, ids: dict[str, list[str]], tianditu_key: str | None) -> None:
    base = BASEMAPS[view.basemap]
    system = base.system
    lang = view.lang
    groups = [basemap_group(base.id, tianditu_key)]
    legend: dict[str, list[str]] = {}
    for lid in view.layers:
        if lid not in atlas.layers:
            continue
        if len(ids.get(lid, ())) > scale.CANVAS_THRESHOLD:  # large point layers: one canvas (layers/scale.py)
            gdf = scale.subset(atlas.layers[lid], ids[lid])
            if scale.layer_rendering(gdf) == "canvas":
                groups.append(scale.canvas_group(gdf, lid, name=lid, system=system,
                                                 cache_key=(directory, atlas.hash, view.filter_key)))
                legend[lid] = sorted(gdf["kind"].unique().tolist())
                continue
        groups.append(Prerendered(data.overlay_script(directory, atlas.hash, lid, view.filter_key, system, lang,
                                                      len(groups))))  # built once per view (layers/prerendered.py)
        legend[lid] = data.visible_kinds(directory, atlas.hash, lid, view.filter_key)
    center = None
    if view.sel and view.sel in atlas:
        groups.append(highlight_group(data.highlight_json(directory, atlas.hash, view.sel, system, lang)))
        if st.session_state.get(session.PAN) == view.sel:  # pan once per selection made outside the map
            center = _center(atlas, view.sel, system)
            st.session_state[session.PAN] = ""
    else:
        groups.append(highlight_group(None))
    groups.append(legend_group(legend, lang, t("map_note", lang), t("legend", lang)))
    st_folium(base_map(lang), key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
              returned_objects=RETURNED, feature_group_to_add=groups, center=center, on_change=_on_click)


def _center(atlas: Atlas, feature_id: str, system: str) -> tuple[float, float] | None:
    from geo.crs import transform_geometry

    _lid, row = atlas.feature(feature_id)
    if row.geometry is None or row.geometry.is_empty:
        return None
    point = transform_geometry(representative_point(row.geometry), "wgs84", system)
    return (round(point.y, 6), round(point.x, 6))
