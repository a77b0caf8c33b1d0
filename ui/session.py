"""Session state <-> View: the URL is read once per session into the widget keys, and written back."""

from __future__ import annotations

import streamlit as st

from geo.core.schema import LAYERS
from ui.state import View, from_query, layer_key, normal_period

SEL = "sel"  # the selected feature id ("" for none); not a widget
PAN = "_pan_to"  # a selection made outside the map: the map pans to it
INIT = "_view_from_url"
PERIOD = "period"  # the time slider's key: (first month, last month)
SPAN = "_period_span"  # (first, last) month of the data's dates, or None: the slider's whole range


def init(*, basemaps: list[str], district_ids: dict[str, str], feature_ids: set[str],
         span: tuple[str, str] | None = None) -> tuple[str, ...]:
    """On a session's first run, put the URL's view into the widget keys; returns the URL's warnings.
    ``span`` (the months of the data's dates, geo.core.timeline.month_span) is kept for every run."""
    state = st.session_state
    state[SPAN] = tuple(span) if span else None
    if state.get(INIT):
        return ()
    view = from_query(st.query_params.to_dict(), basemaps=basemaps, district_ids=district_ids,
                      feature_ids=feature_ids, span=span)
    for lid in LAYERS:
        state[layer_key(lid)] = lid in view.layers
    state["districts"] = list(view.districts)
    state["kinds"] = list(view.kinds)
    state["tags"] = list(view.tags)
    state["q"] = view.q
    if view.period:  # else the slider starts at its default, the whole span
        state[PERIOD] = view.period
    state[SEL] = view.sel
    state[PAN] = view.sel
    state["basemap"] = view.basemap
    state["lang"] = view.lang
    state[INIT] = True
    return view.warnings


def current() -> View:
    state = st.session_state
    return View(
        layers=tuple(lid for lid in LAYERS if state.get(layer_key(lid))),
        districts=tuple(state.get("districts") or ()), kinds=tuple(state.get("kinds") or ()),
        tags=tuple(state.get("tags") or ()), q=str(state.get("q") or ""),
        period=normal_period(state.get(PERIOD), state.get(SPAN)), sel=str(state.get(SEL) or ""),
        basemap=state["basemap"], lang=state["lang"],
    )


def sync_url(view: View) -> None:
    """Write the view into the query string (only when it changed)."""
    wanted = view.to_query()
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


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
