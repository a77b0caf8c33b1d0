"""Hangzhou AI & Innovation Atlas: the page, as a table of contents (the pieces live in ui/ and layers/)."""

from __future__ import annotations

import streamlit as st

from geo.io.atlas import Atlas
from layers.basemaps import available
from ui import data, layout, mapview, panel, session, sidebar, table, upload
from ui.i18n import t
from ui.text import md

st.set_page_config(page_title="杭州人工智能与创新地图 · Hangzhou AI Atlas", layout="wide")


@st.cache_resource(show_spinner=False)
def secret_tianditu_key() -> str | None:
    """``tianditu_key`` of st.secrets, read once per process (a new key needs a restart)."""
    try:
        return st.secrets.get("tianditu_key") or None
    except FileNotFoundError:  # no secrets.toml: Streamlit raises this subclass
        return None


def tianditu_key() -> str | None:
    """TIANDITU_KEY from the environment or st.secrets; None hides the Tianditu basemaps."""
    import os

    return os.environ.get("TIANDITU_KEY") or secret_tianditu_key()


loaded = data.get()
atlas: Atlas = loaded.atlas
directory = data.data_dir()
key = tianditu_key()
basemaps = available(key)
districts = atlas.layers.get("districts")
warnings = session.init(basemaps=basemaps, feature_ids=atlas,  # read on a session's first run only
                        district_ids=dict(zip(districts["id"], districts["adcode"], strict=True))
                        if districts is not None else {}, span=data.month_span(directory, atlas.hash))
view = session.current()
lang = view.lang
counts = {lid: len(v) for lid, v in data.visible_ids(directory, atlas.hash, view.filter_key).items()}


@st.fragment
def explore() -> None:
    """The map, the side panel and the tables under the map. A selection (map, table, panel, events chart)
    reruns only this part; the sidebar (filters, layers, language) reruns the whole page. Everything is read
    from the session here, so a rerun of this part alone sees the current view."""
    view = session.current()
    ids = data.visible_ids(directory, atlas.hash, view.filter_key)
    col_map, col_panel = layout.columns()
    with col_map, st.container(key="map_box"):
        mapview.render(atlas, directory, view, key)
    mapview.head_start()
    with col_panel, st.container(border=False, key="side_panel"):  # its height: ui/layout.py
        layout.to_heading(view.sel)
        panel.render(atlas, view, {lid: len(v) for lid, v in ids.items()}, ids.get("events"))
    table.render_table(atlas, view, ids)
    upload.render_table(view.lang)
    session.sync_url(session.current())


@st.fragment
def export() -> None:
    """The export follows the filters; choosing its scope, format or system reruns only this part."""
    table.render_export(atlas, directory, session.current())


layout.frame(lang)
for message in loaded.errors:
    st.error(md(t("data_error", lang) + message), icon=":material/error:")
if warnings:
    st.warning(md(t("query_warning", lang) + ", ".join(warnings)))

# The map first (its state is already in the session), then the panel and what is below the fold, the export,
# and the sidebar's widgets last: the first feature is drawn as early as a bare map page allows.
explore()
export()
sidebar.render(atlas, basemaps, counts, lang)
