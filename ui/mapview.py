"""The map: a fixed base map with dynamic feature groups (tiles, areas, the point groups, selection, measure
tool, legend) via streamlit-folium, so filters, basemap and language switches keep the view; a click on a
feature selects it without moving the map; a selection made elsewhere fits the map to it."""

from __future__ import annotations

import json
import time

import streamlit as st
import streamlit_folium

from geo.io import Atlas
from layers import scale
from layers.basemaps import BASEMAPS, basemap_group
from layers.escape import escape
from layers.points import points_group, points_payload
from layers.prerendered import BaseMap, Prerendered, base_parts, component_args, prerender, prerendered
from layers.render import (
    areas_group,
    base_map,
    highlight_group,
    legend_group,
    measure_group,
    split_points,
    upload_collection,
)
from ui import data, session, upload
from ui.i18n import t

MAP_KEY = "atlas_map"
HEAD_START = "_map_head_start"  # set once the session's first page has given the map its head start
HEAD_START_S = 0.6  # s: about what the map's frame needs to load Leaflet and its plugins on an idle browser
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
    if hit is not None and hit[0] == "upload":  # a point of a large uploaded layer
        uploaded = upload.current()
        fid = scale.feature_id_at(_upload_points_frame(uploaded, session.current()), hit[1]) if uploaded else None
    elif hit is not None:
        atlas, fkey = data.get().atlas, session.current().filter_key
        visible = data.visible_ids(data.data_dir(), atlas.hash, fkey).get(hit[0], [])
        fid = scale.feature_id_at(scale.subset(atlas.layers[hit[0]], visible), hit[1]) \
            if hit[0] in atlas.layers else None
    if isinstance(fid, str) and fid:
        session.select(fid, pan=False)


def head_start() -> None:
    """On a session's first run only: hold the rest of the page back for HEAD_START_S after the map was sent,
    so the browser loads the map's frame (Leaflet, plugins, layers) before it renders the panel's charts, the
    tables and the sidebar (bench/first_draw.py: 2.1x the bare page's first feature without, 1.24x with). The
    script thread sleeps (no CPU, the GIL released); reruns never wait, nor a run without a connected client
    (AppTest: no request headers)."""
    if not st.session_state.get(HEAD_START):
        st.session_state[HEAD_START] = True
        if st.context.headers:
            time.sleep(HEAD_START_S)


def point_text(lang: str) -> dict[str, str]:
    """The labels the point groups' tooltips are made of ({n}, {spot}, {d} are filled in the browser)."""
    text = {key: escape(t(f"pt_{key}", lang)) for key in POINT_TEXT}
    return {**text, "km": escape(t("km", lang)), "m": escape(t("meters", lang))}


def render(atlas: Atlas, directory: str, view, ids: dict[str, list[str]], tianditu_key: str | None) -> None:
    base = BASEMAPS[view.basemap]
    system = base.system
    lang = view.lang
    groups = [_cached("tiles", 0, base.id, tianditu_key, notice=escape(t("tiles_failed", lang)))]
    legend: dict[str, list[str]] = {}
    canvases, point_layers = [], []
    for lid in view.layers:
        if lid not in atlas.layers:
            continue
        if len(ids.get(lid, ())) > scale.CANVAS_THRESHOLD:  # large point layers: one canvas (layers/scale.py)
            gdf = scale.subset(atlas.layers[lid], ids[lid])
            if scale.layer_rendering(gdf) == "canvas":
                canvases.append((gdf, lid))
                legend[lid] = sorted(gdf["kind"].unique().tolist())
                continue
        groups.append(Prerendered(data.overlay_script(directory, atlas.hash, lid, view.filter_key, system, lang,
                                                      len(groups))))  # built once per view (layers/prerendered.py)
        point_layers.append(lid)
        legend[lid] = data.visible_kinds(directory, atlas.hash, lid, view.filter_key)
    for gdf, lid in canvases:
        groups.append(_canvas(directory, atlas.hash, view.filter_key, lid, system, len(groups), gdf))
    groups.append(Prerendered(data.points_script(directory, atlas.hash, tuple(point_layers), view.filter_key,
                                                 system, lang, tuple(point_text(lang).items()), len(groups))))
    uploaded = upload.current()  # the visitor's own layer, or None
    groups.extend(_upload_groups(uploaded, view, system, lang, len(groups)))
    groups.append(_selection(atlas, directory, view, system, uploaded, len(groups)))
    groups.append(_cached("measure", len(groups), lang))
    groups.append(_cached("legend", len(groups), tuple((k, tuple(v)) for k, v in legend.items()), lang,
                          t("map_note", lang), t("legend", lang),
                          symbols=tuple((key, t(f"sym_{key}", lang)) for key in SYMBOLS)))
    _component(groups)


@st.cache_resource(show_spinner=False)
def _base() -> tuple[BaseMap, str]:
    """The base map as st_folium derives it, rendered once per process (the same for every visitor, view and
    language), and the component's key st_folium would derive from it."""
    base = base_parts(base_map(), RETURNED)
    return base, streamlit_folium.generate_js_hash(base.script, MAP_KEY, False)


def _component(groups: list) -> None:
    """What st_folium(base_map(), key=MAP_KEY, feature_group_to_add=groups, ...) sends, without building or
    rendering a folium object per run (layers/prerendered.py): the base map is rendered once per process, the
    groups are prerendered and cached on plain keys."""
    base, hash_key = _base()

    def on_change() -> None:  # st_folium's own: the component's value under MAP_KEY, then ours
        st.session_state[MAP_KEY] = st.session_state.get(hash_key, {})
        _on_click()

    streamlit_folium._component_func(**component_args(base, groups, height=MAP_HEIGHT, width=None,
                                                      returned_objects=RETURNED), key=hash_key, on_change=on_change)


GROUPS = {"tiles": basemap_group, "measure": measure_group, "selection": highlight_group,
          "legend": lambda visible, *args, **kwargs: legend_group(dict(visible), *args, **kwargs)}


@st.cache_resource(show_spinner=False, max_entries=256)
def _cached(kind: str, index: int, *args, **kwargs) -> Prerendered:
    """The group ``GROUPS[kind](*args, **kwargs)`` (tiles, measure tool, selection, legend: a dict is given as
    a tuple of items) prerendered at position ``index``, once per plain arguments."""
    return prerendered(GROUPS[kind](*args, **kwargs), index)


@st.cache_resource(show_spinner=False, max_entries=32)
def _canvas(directory: str, content_hash: str, fkey: tuple, layer: str, system: str, index: int,
            _gdf) -> Prerendered:
    """A large point layer's canvas group, prerendered once per view (``_gdf``: its visible features)."""
    return prerendered(scale.canvas_group(_gdf, layer, name=layer, system=system,
                                          cache_key=(directory, content_hash, fkey)), index)


def _upload_points_frame(uploaded, view):
    """The uploaded points drawn on the canvas, as drawn (for a canvas click), with the columns the canvas reads:
    a visitor's positions are drawn as given (solid), their precision is the file's business."""
    gdf = uploaded.gdf[uploaded.gdf["upload_id"].isin(set(uploaded.visible_ids(view)))]
    gdf = gdf[gdf.geometry.geom_type == "Point"]
    return gdf.assign(id=gdf["upload_id"], kind="", location_basis="landmark", location_precision_m=0.0)


@st.cache_data(show_spinner=False, max_entries=32)
def _upload_scripts(key: str, ids: tuple[str, ...], system: str, label: str, text: tuple[tuple[str, str], ...],
                    index: int, _gdf) -> tuple[str, str]:
    """(areas script, points script) of the visible uploaded features, built once per (upload, filters, system):
    ``key`` identifies the upload's content and options (``_gdf`` is its frame, not hashed)."""
    gdf = _gdf[_gdf["upload_id"].isin(set(ids))]
    areas, points = split_points(upload_collection(gdf, label, system))
    payload = json.dumps(points_payload([points]), ensure_ascii=False, separators=(",", ":"))
    return (prerender(areas_group(areas), index),
            prerender(points_group(payload, dict(text), registry="atlasUploadPoints"), index + 1))


def _upload_groups(uploaded, view, system: str, lang: str, index: int) -> list:
    """The visitor's uploaded layer: its areas, its points (groups, or the canvas above the threshold)."""
    if uploaded is None or not uploaded.visible:
        return []
    ids = tuple(uploaded.visible_ids(view))
    label = escape(f"{t('upload', lang)} · {uploaded.name}")
    if len(ids) > scale.CANVAS_THRESHOLD:
        frame = _upload_points_frame(uploaded, view)
        if len(frame) > scale.CANVAS_THRESHOLD:
            on_canvas = set(frame["id"])
            areas = tuple(i for i in ids if i not in on_canvas)
            script, _ = _upload_scripts(uploaded.key, areas, system, label, (), index, uploaded.gdf)
            return [Prerendered(script), scale.canvas_group(frame, "upload", name="upload", system=system,
                                                            cache_key=(uploaded.key, ids))]
    areas_script, points_script = _upload_scripts(uploaded.key, ids, system, label,
                                                  tuple(point_text(lang).items()), index, uploaded.gdf)
    return [Prerendered(areas_script), Prerendered(points_script)]


def _selection(atlas: Atlas, directory: str, view, system: str, uploaded=None, index: int = 0):
    """The selected feature and its uncertainty; fitted once per selection made outside the map."""
    fit = bool(view.sel) and st.session_state.get(session.PAN) == view.sel
    if upload.is_upload_id(view.sel):
        gdf = uploaded.gdf[uploaded.gdf["upload_id"] == view.sel] if uploaded is not None else None
        if gdf is None or gdf.empty:
            return highlight_group(None)
        if fit:
            st.session_state[session.PAN] = ""
        return highlight_group(upload_collection(gdf, "", system), fit=fit)
    if not (view.sel and view.sel in atlas):
        return _cached("selection", index, None)
    if fit:
        st.session_state[session.PAN] = ""
    return _cached("selection", index, data.highlight_json(directory, atlas.hash, view.sel, system, view.lang),
                   data.uncertainty_json(directory, atlas.hash, view.sel, system), fit=fit)
