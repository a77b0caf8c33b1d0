"""The map: a fixed base map with dynamic feature groups (tiles, areas, the point groups, selection, measure
tool, legend) via streamlit-folium, so filters, basemap and language switches keep the view; a click on a
feature selects it without moving the map; a selection made elsewhere fits the map to it.

Every layer is drawn by the same code: the atlas's layers and the visitor's upload (layer ``upload``, converted
once into the display schema by geo.io.upload_layer) go through layers.render (areas and lines), layers.points (the
point groups) or, above layers.scale.CANVAS_THRESHOLD points, layers.scale's canvas."""

from __future__ import annotations

import json
import threading
import time

import streamlit as st
import streamlit_folium
from shapely.geometry import mapping

from geo.core.crs import transform_geometry
from geo.core.geometry import round_geometries, type_names
from geo.core.precision import geodesic_circle, precision_known
from geo.core.schema import KINDS, UPLOAD_LAYER
from geo.io.atlas import Atlas
from layers import scale
from layers.basemaps import BASEMAPS, basemap_group
from layers.escape import escape
from layers.prerendered import BaseMap, Prerendered, base_parts, component_args, prerendered
from layers.published import publish
from layers.render import base_map, display_collection, highlight_group, legend_group, measure_group
from layers.styles import legend_entries
from ui import data, session, upload
from ui.i18n import kind_label, layer_label, t
from ui.memo import shared

MAP_KEY = "atlas_map"
HEAD_START = "_map_head_start"  # set once the session's first page has given the map its head start
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # streamlit/runtime/scriptrunner/script_runner.py
HEAD_START_S = 0.6  # s: about what the map's frame needs to load Leaflet and its plugins on an idle browser
MAP_HEIGHT = 620  # px; the page's CSS (ui/layout.py) stretches the map to the window's height
RETURNED = ["last_active_drawing", "last_object_clicked", "center", "zoom"]  # centre and zoom: on moveend
POINT_TEXT = ("group_one", "group_one_approx", "group_many", "group_hint", "approx_at", "precise", "unknown")
SYMBOLS = ("precise", "approx", "group", "uncertainty")
UPLOAD_REGISTRY = "atlasUploadPoints"  # the upload's point groups on ``window`` in the map's frame (docs/UI_HOOKS.md)


def _on_click(value: dict) -> None:
    """The clicked feature's id (from its display properties) becomes the selection."""
    drawing = value.get("last_active_drawing") or {}
    fid = (drawing.get("properties") or {}).get("id")
    hit = scale.canvas_click(drawing)  # a point of a large layer drawn on the canvas: (layer, index)
    if hit is not None:
        frame = _drawn_frame(hit[0], session.current())
        fid = scale.feature_id_at(frame, hit[1]) if frame is not None else None
    if isinstance(fid, str) and fid:
        session.select(fid, pan=False)


def head_start() -> None:
    """On a session's first run only: hold the rest of the page back for HEAD_START_S after the map was sent,
    so the browser loads the map's frame (Leaflet, plugins, layers) before it renders the panel's charts, the
    tables and the sidebar (bench/first_draw.py: 1.97x the bare page's first feature without, 1.22x with). The
    script thread sleeps (no CPU, the GIL released); reruns never wait, nor a run without a connected client
    (AppTest: no request headers), nor a run while another session's script is running in this process: the
    server is then what the visitor waits for (the rest of the page reaches the browser no faster than the
    server makes it), and a sleep would only add 0.6 s to every first page of a burst."""
    if not st.session_state.get(HEAD_START):
        st.session_state[HEAD_START] = True
        if st.context.headers and not server_busy():
            time.sleep(HEAD_START_S)


def server_busy() -> bool:
    """Whether a script of another session is running in this process now (Streamlit runs each in a thread
    named SCRIPT_THREAD, which ends with its run)."""
    me = threading.current_thread()
    return any(th is not me and th.name == SCRIPT_THREAD for th in threading.enumerate())


def _drawn_frame(layer: str, view):
    """The frame of ``layer`` exactly as the canvas drew it for ``view`` (an atlas layer or the upload)."""
    if layer == UPLOAD_LAYER:
        uploaded = upload.current()
        return uploaded.visible_frame(view) if uploaded is not None else None
    atlas = data.get().atlas
    if layer not in atlas.layers:
        return None
    return data.visible_frame(data.data_dir(), atlas.hash, layer, view.filter_key)


def point_text(lang: str) -> dict[str, str]:
    """The labels the point groups' tooltips are made of ({n}, {spot}, {d} are filled in the browser)."""
    return {key: escape(t(f"pt_{key}", lang)) for key in POINT_TEXT}


def _legend(layer: str, kinds: list[str], lang: str) -> tuple[str, list[tuple[str, str, str]]]:
    present = set(kinds)
    return layer_label(layer, lang), legend_entries(layer, {k: kind_label(layer, k, lang) for k in KINDS.get(layer, {})
                                                            if k in present})


def render(atlas: Atlas, directory: str, view, tianditu_key: str | None) -> None:
    system = BASEMAPS[view.basemap].system
    lang = view.lang
    text = tuple(point_text(lang).items())
    atlas_groups, legend, tail = _atlas_groups(directory, atlas.hash, tuple(view.layers), view.filter_key,
                                               view.basemap, lang, tianditu_key)
    groups = list(atlas_groups)
    uploaded = upload.current()  # the visitor's own layer, or None
    if uploaded is not None and uploaded.visible:  # its groups come before the selection: the tail moves
        groups.extend(_upload_groups(uploaded, view, system, lang, text, len(groups)))
        shape = "dot" if type_names(uploaded.layer.geometry.values) == {"Point"} else "area"
        legend = (*legend, (layer_label(UPLOAD_LAYER, lang), ((uploaded.name, uploaded.color, shape),)))
        groups.append(_selection(atlas, directory, view, system, uploaded, len(groups)))
        groups.extend(_tail(len(groups), legend, lang))
    else:
        groups.append(_selection(atlas, directory, view, system, uploaded, len(groups)))
        groups.extend(tail)
    _component(groups, view.basemap)


def _tail(index: int, legend: tuple, lang: str) -> tuple:
    """The measure tool and the legend at positions ``index`` and ``index + 1`` (after the selection)."""
    return (_cached("measure", index, lang),
            _cached("legend", index + 1, legend, t("map_note", lang), t("legend", lang),
                    symbols=tuple((key, t(f"sym_{key}", lang)) for key in SYMBOLS)))


@shared(max_entries=256)
def _atlas_groups(directory: str, content_hash: str, layers: tuple[str, ...], fkey: tuple, basemap: str, lang: str,
                  tianditu_key: str | None) -> tuple[tuple, tuple, tuple]:
    """What every visitor with this view gets, built once per view from the per-layer caches: the groups at
    positions 0.. (tiles, each shown layer's areas or canvas, the point groups), their legend entries, and the
    tail that follows the selection when no upload is shown (measure tool, legend). A run looks up one key here
    instead of a dozen (hashing each key was a visible share of a first page's CPU)."""
    atlas = data.load(directory, content_hash).atlas
    ids = data.visible_ids(directory, content_hash, fkey)
    system = BASEMAPS[basemap].system
    groups = [_cached("tiles", 0, BASEMAPS[basemap].id, tianditu_key, notice=escape(t("tiles_failed", lang)))]
    legend = []
    canvases, point_layers = [], []
    for lid in layers:
        if lid not in atlas.layers:
            continue
        legend.append(_legend(lid, data.visible_kinds(directory, content_hash, lid, fkey), lang))
        if len(ids.get(lid, ())) > scale.CANVAS_THRESHOLD:  # large point layers: one canvas (layers/scale.py)
            if data.visible_rendering(directory, content_hash, lid, fkey) == "canvas":
                canvases.append((data.visible_frame(directory, content_hash, lid, fkey), lid))
                continue
        groups.append(Prerendered(data.overlay_script(directory, content_hash, lid, fkey, system, lang,
                                                      len(groups))))  # built once per view (layers/prerendered.py)
        point_layers.append(lid)
    for gdf, lid in canvases:
        groups.append(_canvas(directory, content_hash, fkey, lid, system, len(groups), gdf))
    groups.append(Prerendered(data.points_script(directory, content_hash, tuple(point_layers), fkey, system, lang,
                                                 tuple(point_text(lang).items()), len(groups))))
    legend = tuple((label, tuple(entries)) for label, entries in legend)
    return tuple(groups), legend, _tail(len(groups) + 1, legend, lang)  # + 1: the selection


@shared()
def _base() -> tuple[BaseMap, str]:
    """The base map as st_folium derives it, rendered once per process (the same for every visitor, view and
    language), and the component's key st_folium would derive from it."""
    base = base_parts(base_map(), RETURNED)
    return base, streamlit_folium.generate_js_hash(base.script, MAP_KEY, False)


def _component(groups: list, basemap: str) -> None:
    """What st_folium(base_map(), key=MAP_KEY, feature_group_to_add=groups, ...) sends, without building or
    rendering a folium object per run (layers/prerendered.py): the base map is rendered once per process, the
    groups are prerendered and cached on plain keys."""
    base, hash_key = _base()

    def on_change() -> None:  # st_folium's own: the component's value under MAP_KEY, then ours
        before = st.session_state.get(MAP_KEY) or {}
        value = st.session_state[MAP_KEY] = st.session_state.get(hash_key) or {}
        if any(value.get(k) != before.get(k) for k in ("last_active_drawing", "last_object_clicked")):
            _on_click(value)  # a click (a pan or zoom alone sends the last click again: not a new selection)
        if value.get("center") and value.get("zoom") is not None:
            session.map_moved(value["center"], value["zoom"], basemap)

    center, zoom = session.restore()  # a link's view: set once on the mounted map (not in the base map)
    streamlit_folium._component_func(**component_args(base, groups, height=MAP_HEIGHT, width=None,
                                                      returned_objects=RETURNED, center=center, zoom=zoom),
                                     key=hash_key, on_change=on_change)


GROUPS = {"tiles": basemap_group, "measure": measure_group, "selection": highlight_group, "legend": legend_group}


@shared(max_entries=256)
def _cached(kind: str, index: int, *args, **kwargs) -> Prerendered:
    """The group ``GROUPS[kind](*args, **kwargs)`` (tiles, measure tool, selection, legend: lists are given as
    tuples) prerendered at position ``index``, once per plain arguments."""
    return prerendered(GROUPS[kind](*args, **kwargs), index)


@shared(max_entries=32)
def _canvas(directory: str, content_hash: str, fkey: tuple, layer: str, system: str, index: int,
            _gdf) -> Prerendered:
    """A large point layer's canvas group (an atlas layer's, or the upload's: ``directory`` is then "",
    ``content_hash`` the upload's key and ``fkey`` its filters), prerendered once per view (``_gdf``: its visible
    features). An atlas layer's is published as a static file (layers/published.py); an upload's stays inline
    (it never leaves the session)."""
    group = prerendered(scale.canvas_group(_gdf, layer, name=layer, system=system,
                                           cache_key=(directory, content_hash, fkey)), index)
    return Prerendered(publish(group.script), group.css, group.js) if directory else group


def _upload_groups(uploaded, view, system: str, lang: str, text: tuple, index: int) -> list:
    """The visitor's layer, as an atlas layer is drawn: its areas and its point groups (registered as
    window.atlasUploadPoints), or the canvas above the threshold."""
    frame = uploaded.visible_frame(view)
    vkey = uploaded.view_key(view)
    if scale.layer_rendering(frame) == "canvas":
        return [_canvas("", uploaded.key, vkey, UPLOAD_LAYER, system, index, frame)]
    label = f"{layer_label(UPLOAD_LAYER, lang)} · {uploaded.name}"
    areas, points = data.layer_scripts(uploaded.key, UPLOAD_LAYER, vkey, system, lang, label, label, text,
                                       UPLOAD_REGISTRY, index, frame)
    return [Prerendered(areas), Prerendered(points)]


def _upload_selection(uploaded, view, system: str) -> tuple[str | None, str | None]:
    """The selected uploaded feature (display GeoJSON text) and the circle of its precision when its file gives
    one (as data.highlight_json and data.uncertainty_json give an atlas feature's)."""
    rows = uploaded.layer[uploaded.layer["id"] == view.sel] if uploaded is not None else None
    if rows is None or rows.empty:
        return None, None
    collection = json.dumps(display_collection(rows, UPLOAD_LAYER, data.display_text(UPLOAD_LAYER, view.lang),
                                               system), ensure_ascii=False)
    row = rows.iloc[0]
    prec = row["location_precision_m"]
    if row.geometry.geom_type != "Point" or not precision_known(prec) or prec <= 0:
        return collection, None
    area = round_geometries(transform_geometry(geodesic_circle(row.geometry.x, row.geometry.y, float(prec)),
                                               "wgs84", system))
    return collection, json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": view.sel}, "geometry": mapping(area)}]})


def _selection(atlas: Atlas, directory: str, view, system: str, uploaded=None, index: int = 0):
    """The selected feature and its uncertainty; fitted once per selection made outside the map."""
    fit = bool(view.sel) and st.session_state.get(session.PAN) == view.sel
    if upload.is_upload_id(view.sel):
        collection, area = _upload_selection(uploaded, view, system)
    elif view.sel and view.sel in atlas:
        collection = data.highlight_json(directory, atlas.hash, view.sel, system, view.lang)
        area = data.uncertainty_json(directory, atlas.hash, view.sel, system)
    else:
        collection = area = None
    if collection is None:
        return _cached("selection", index, None)
    if fit:
        st.session_state[session.PAN] = ""
    return _cached("selection", index, collection, area, fit=fit)
