"""The map: a fixed base map with dynamic feature groups (tiles, areas, the point groups, selection, measure
tool, legend) via streamlit-folium, so filters, basemap and language switches keep the view; a click on a
feature selects it without moving the map; a selection made elsewhere fits the map to it."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.io import Atlas
from layers import scale
from layers.basemaps import BASEMAPS, basemap_group
from layers.escape import escape
from layers.prerendered import Prerendered
from layers.render import base_map, highlight_group, legend_group, measure_group
from ui import data, session
from ui.i18n import t

MAP_KEY = "atlas_map"
MAP_HEIGHT = 620  # px; the page's CSS (ui/layout.py) stretches the map to the window's height
RETURNED = ["last_active_drawing", "last_object_clicked"]
POINT_TEXT = ("group_one", "group_one_approx", "group_many", "group_hint", "approx_at", "precise")
SYMBOLS = ("precise", "approx", "group", "uncertainty")


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


def point_text(lang: str) -> dict[str, str]:
    """The labels the point groups' tooltips are made of ({n}, {spot}, {d} are filled in the browser)."""
    text = {key: escape(t(f"pt_{key}", lang)) for key in POINT_TEXT}
    return {**text, "km": escape(t("km", lang)), "m": escape(t("meters", lang))}


def render(atlas: Atlas, directory: str, view, ids: dict[str, list[str]], tianditu_key: str | None) -> None:
    base = BASEMAPS[view.basemap]
    system = base.system
    lang = view.lang
    groups = [basemap_group(base.id, tianditu_key, notice=escape(t("tiles_failed", lang)))]
    legend: dict[str, list[str]] = {}
    canvases, point_layers = [], []
    for lid in view.layers:
        if lid not in atlas.layers:
            continue
        if len(ids.get(lid, ())) > scale.CANVAS_THRESHOLD:  # large point layers: one canvas (layers/scale.py)
            gdf = scale.subset(atlas.layers[lid], ids[lid])
            if scale.layer_rendering(gdf) == "canvas":
                canvases.append(scale.canvas_group(gdf, lid, name=lid, system=system,
                                                   cache_key=(directory, atlas.hash, view.filter_key)))
                legend[lid] = sorted(gdf["kind"].unique().tolist())
                continue
        groups.append(Prerendered(data.overlay_script(directory, atlas.hash, lid, view.filter_key, system, lang,
                                                      len(groups))))  # built once per view (layers/prerendered.py)
        point_layers.append(lid)
        legend[lid] = data.visible_kinds(directory, atlas.hash, lid, view.filter_key)
    groups.extend(canvases)
    groups.append(Prerendered(data.points_script(directory, atlas.hash, tuple(point_layers), view.filter_key,
                                                 system, lang, tuple(point_text(lang).items()), len(groups))))
    groups.append(_selection(atlas, directory, view, system))
    groups.append(measure_group(lang))
    groups.append(legend_group(legend, lang, t("map_note", lang), t("legend", lang),
                               symbols=[(key, t(f"sym_{key}", lang)) for key in SYMBOLS]))
    st_folium(base_map(), key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True,
              returned_objects=RETURNED, feature_group_to_add=groups, on_change=_on_click)


def _selection(atlas: Atlas, directory: str, view, system: str):
    """The selected feature and its uncertainty; fitted once per selection made outside the map."""
    if not (view.sel and view.sel in atlas):
        return highlight_group(None)
    fit = st.session_state.get(session.PAN) == view.sel
    if fit:
        st.session_state[session.PAN] = ""
    return highlight_group(data.highlight_json(directory, atlas.hash, view.sel, system, view.lang),
                           data.uncertainty_json(directory, atlas.hash, view.sel, system), fit=fit)
