"""Session state <-> View: the URL is read once per session into the widget keys, and written back."""

from __future__ import annotations

from collections.abc import Container

import streamlit as st

from geo.core.crs import WGS84, get_transform
from geo.core.schema import LAYERS
from layers.basemaps import BASEMAPS
from layers.render import MAP_CENTER, MAP_ZOOM
from ui.state import View, from_query, normal_period, normal_view

LAYERS_KEY = "layers"  # the layer pills (ui/sidebar.py): the ids of the shown layers, a list
ABSENT = "_layers_absent"  # shown layers the data lack (no pill for them): kept in the view and the URL
SEL = "sel"  # the selected feature id ("" for none); not a widget
PAN = "_pan_to"  # a selection made outside the map: the map pans to it
INIT = "_view_from_url"
PERIOD = "period"  # the time slider's key: (first month, last month)
SPAN = "_period_span"  # (first, last) month of the data's dates, or None: the slider's whole range
AT = "_map_at"  # the map's view as the map last reported it: (lat, lon, zoom) in WGS84, () = its opening view
RESTORE = "_map_restore"  # the URL's view to set on the map (WGS84), () when none or a ``sel`` fit overrides it


def init(*, basemaps: list[str], district_ids: dict[str, str], feature_ids: Container[str],
         span: tuple[str, str] | None = None) -> tuple[str, ...]:
    """On a session's first run, put the URL's view into the widget keys; returns the URL's warnings.
    ``feature_ids``: what a link's ``sel`` must be in (the atlas itself: no set of every id built per run).
    ``span`` (the months of the data's dates, geo.core.timeline.month_span) is kept for every run."""
    state = st.session_state
    state[SPAN] = tuple(span) if span else None
    if state.get(INIT):
        return ()
    view = from_query(st.query_params.to_dict(), basemaps=basemaps, district_ids=district_ids,
                      feature_ids=feature_ids, span=span)
    state[LAYERS_KEY] = list(view.layers)
    state[ABSENT] = ()
    state["districts"] = list(view.districts)
    state["kinds"] = list(view.kinds)
    state["tags"] = list(view.tags)
    state["q"] = view.q
    if view.period:  # else the slider starts at its default, the whole span
        state[PERIOD] = view.period
    state[SEL] = view.sel
    state[PAN] = view.sel
    state[AT] = view.at
    state[RESTORE] = () if view.sel else _displayed(view.at, view.basemap)  # a link's selection fits instead
    state["basemap"] = view.basemap
    state["lang"] = view.lang
    state[INIT] = True
    return view.warnings


def current() -> View:
    state = st.session_state
    return View(
        layers=shown_layers(),
        districts=tuple(state.get("districts") or ()), kinds=tuple(state.get("kinds") or ()),
        tags=tuple(state.get("tags") or ()), q=str(state.get("q") or ""),
        period=normal_period(state.get(PERIOD), state.get(SPAN)), at=tuple(state.get(AT) or ()),
        sel=str(state.get(SEL) or ""),
        basemap=state["basemap"], lang=state["lang"],
    )


def shown_layers() -> tuple[str, ...]:
    """The shown layers' ids in LAYERS order: the pills' choice and any asked for that the data lack."""
    chosen = set(st.session_state.get(LAYERS_KEY) or ()) | set(st.session_state.get(ABSENT) or ())
    return tuple(lid for lid in LAYERS if lid in chosen)


def layer_options(available) -> list[str]:
    """The layer pills' options (the layers in ``available``, in LAYERS order). Shown layers the data lack move out
    of the pills' value (a pill's value must be one of its options) into ABSENT: still shown, still in the URL."""
    options = [lid for lid in LAYERS if lid in available]
    chosen = list(st.session_state.get(LAYERS_KEY) or ())
    absent = [lid for lid in chosen if lid not in options]
    if absent:
        st.session_state[ABSENT] = tuple(dict.fromkeys((*(st.session_state.get(ABSENT) or ()), *absent)))
        st.session_state[LAYERS_KEY] = [lid for lid in chosen if lid in options]
    return options


def sync_url(view: View) -> None:
    """Write the view into the query string (only when it changed)."""
    wanted = view.to_query()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def _moved(lat: float, lon: float, zoom: float) -> bool:
    """Whether a view (in the map's own coordinates) is not the map's opening view (a pixel's tolerance)."""
    pixel = 360 / 256 / 2 ** zoom  # degrees of longitude per pixel, a bound for latitude too
    return zoom != MAP_ZOOM or abs(lat - MAP_CENTER[0]) > pixel or abs(lon - MAP_CENTER[1]) > pixel


def reported_view(center, zoom, basemap: str) -> tuple[float, ...] | None:
    """The view the map reported (centre {"lat", "lng"} in the tiles' system of ``basemap``, zoom) as the URL holds
    it: (lat, lon, zoom) in WGS84; () for the map's opening view (so a plain URL stays plain); None if not a view."""
    try:
        lat, lon, zoom = float(center["lat"]), float(center["lng"]), float(zoom)
    except (KeyError, TypeError, ValueError):
        return None
    if not _moved(lat, lon, zoom):
        return ()
    x, y = get_transform(BASEMAPS[basemap].system, WGS84)(lon, lat)
    return normal_view(float(y), float(x), zoom)


def map_moved(center, zoom, basemap: str) -> None:
    """The map's on_change: keep the view it reports (for the URL)."""
    at = reported_view(center, zoom, basemap)
    if at is not None:
        st.session_state[AT] = at


def _displayed(at: tuple[float, ...], basemap: str) -> tuple:
    """A WGS84 view (lat, lon, zoom) in the tiles' system of ``basemap``: ([lat, lng], zoom), or ()."""
    if not at:
        return ()
    x, y = get_transform(WGS84, BASEMAPS[basemap].system)(at[1], at[0])
    return [round(float(y), 6), round(float(x), 6)], at[2]


def restore() -> tuple[list[float] | None, float | None]:
    """The view the map is to take from the link ([lat, lng] in the tiles' system of the link's basemap, zoom),
    or (None, None). The same value on every run of the session (also after a basemap switch): the component sets
    a view only when its value changes, so the map takes it once, when it is mounted."""
    restored = st.session_state.get(RESTORE) or ()
    return (restored[0], restored[1]) if restored else (None, None)


def select(feature_id: str, pan: bool = True) -> None:
    """Callback: select a feature ("" clears); ``pan`` moves the map to it."""
    st.session_state[SEL] = feature_id
    st.session_state[PAN] = feature_id if pan else ""


def clear_filters() -> None:
    """Callback of the clear-all control: districts, kinds, tags, the search box and the period."""
    for key in ("districts", "kinds", "tags"):
        st.session_state[key] = []
    st.session_state["q"] = ""
    if st.session_state.get(SPAN):
        st.session_state[PERIOD] = tuple(st.session_state[SPAN])
