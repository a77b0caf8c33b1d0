"""The visitor's own layer: the sidebar upload widget, the join table and export under the map, the side panel of
a selected uploaded feature, and ``current()`` for the map.

Session only: the file stays in the uploader widget of this session (Streamlit keeps it in memory and drops it
with the session or when "remove" resets the widget); nothing is written to ``data/`` or to disk (geo.io.upload
reads from memory). ``st.session_state`` holds plain values only (the uploader generation, the file's id, name
and sha256); the parsed layer, the join and the export are cached with ``st.cache_data`` on (sha256, options),
so a rerun reuses them. Errors are shown with ``st.error`` in the interface language, naming file, place and
reason; the rest of the page is untouched. Selected uploaded features have ids ``up_<n>`` (docs/UI_HOOKS.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.core.crs import SYSTEMS
from geo.core.join import DEFAULT_RADIUS_M, join_upload, nearby_upload
from geo.errors import UploadError
from geo.io.export import upload_filename
from geo.io.export_files import export_bytes
from geo.io.upload import (
    CRS_CHOICES,
    ENCODINGS,
    TABLE_FORMATS,
    Upload,
    UploadOptions,
    read_upload,
    table_columns,
    upload_driver,
    workbook_sheets,
)
from geo.io.upload_layer import as_layer
from geo.io.upload_system import LABELS
from ui import data, export, session
from ui.i18n import distance, layer_label, t
from ui.location import location
from ui.text import md
from ui.upload_text import error_text, where_text

PREFIX = "up_"
COLOR = "#d6336c"  # the uploaded layer's colour (no atlas layer uses it)
STATE = "_upload"  # {"gen": int, "file_id": str, "name": str, "digest": str}
OPTION_KEYS = {"upload_crs": "auto", "upload_encoding": "auto", "upload_lon": "", "upload_lat": "", "upload_sheet": ""}
RADIUS_KEY = "upload_radius_km"
TABLE_KEY = "upload_table"
TABLE_IDS = "_upload_table_ids"
TABLE_MAX_ROWS = 1000


@dataclass(frozen=True, eq=False)
class Uploaded:
    """The current upload: ``gdf`` is WGS84 as read (upload_id, name, the file's properties, geometry: the panel's
    properties and the export), ``layer`` the same rows in the display schema as layer ``upload``
    (geo.io.upload_layer.as_layer: what the map, the canvas, the selection and the precision text use)."""

    key: str  # sha256 prefix + options: changes exactly when the layer changes (use it as a cache key)
    name: str  # the file's name (untrusted text: escape it)
    gdf: gpd.GeoDataFrame
    layer: gpd.GeoDataFrame
    color: str
    visible: bool  # the sidebar toggle
    upload: Upload

    def view_key(self, view) -> tuple:
        """What :meth:`visible_ids` depends on besides the file (a cache key with ``key``)."""
        return tuple(view.districts), view.q.strip().casefold()

    def visible_frame(self, view) -> gpd.GeoDataFrame:
        """``layer``'s rows that pass the view's filters (as drawn: the canvas maps a click back through it)."""
        ids = self.visible_ids(view)
        return self.layer if len(ids) == len(self.layer) else self.layer[self.layer["id"].isin(set(ids))]

    def visible_ids(self, view) -> list[str]:
        """upload_ids passing the view's district filter (by joined district) and search (name, case-blind)."""
        gdf = self.gdf
        keep = pd.Series(True, index=gdf.index)
        if view.districts:
            joined = _join_current(_radius_m())
            keep &= joined["district_adcode"].isin(view.districts).reindex(gdf.index, fill_value=False)
        text = view.q.strip().casefold()
        if text:
            keep &= gdf["name"].astype(str).str.casefold().str.contains(text, regex=False)
        return gdf.loc[keep, "upload_id"].tolist()


@dataclass(frozen=True)
class Failed:
    code: str
    params: dict
    message: str


def is_upload_id(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX) and value[len(PREFIX):].isdigit()


def _state() -> dict:
    return st.session_state.setdefault(STATE, {"gen": 0, "file_id": "", "name": "", "digest": ""})


def _uploader_key() -> str:
    return f"upload_file_{_state()['gen']}"


def _options() -> tuple[str, str, str, str, str]:
    """The visitor's options as plain values (crs, encoding, lon column, lat column, sheet; "" = detect)."""
    s = st.session_state
    return (s.get("upload_crs") or "auto", s.get("upload_encoding") or "auto", s.get("upload_lon") or "",
            s.get("upload_lat") or "", s.get("upload_sheet") or "")


def _as_options(options: tuple[str, ...]) -> UploadOptions:
    crs, encoding, lon, lat, sheet = options
    return UploadOptions(crs=crs, encoding=encoding, lon=lon or None, lat=lat or None, sheet=sheet or None)


def _radius_m() -> float:
    return float(st.session_state.get(RADIUS_KEY) or DEFAULT_RADIUS_M / 1000) * 1000


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _parse(digest: str, name: str, options: tuple, _data: bytes) -> Upload | Failed:
    """The parsed upload (or its error, so a bad file is not re-read on every rerun), keyed on sha256 + options."""
    try:
        return read_upload(name, _data, _as_options(options))
    except UploadError as err:
        return Failed(err.code, dict(err.params), str(err))


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _columns(digest: str, name: str, encoding: str, sheet: str, _data: bytes) -> list[str]:
    return table_columns(name, _data, UploadOptions(encoding=encoding, sheet=sheet or None))


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _sheets(digest: str, name: str, _data: bytes) -> list[str]:
    return workbook_sheets(name, _data)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _join(digest: str, name: str, options: tuple, directory: str, atlas_hash: str, radius_m: float,
          _data: bytes) -> pd.DataFrame:
    parsed = _parse(digest, name, options, _data)
    return join_upload(parsed.gdf, data.load(directory, atlas_hash).atlas, radius_m)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _export(digest: str, name: str, options: tuple, directory: str, atlas_hash: str, radius_m: float,
            fmt: str, crs: str, _data: bytes) -> bytes:
    parsed = _parse(digest, name, options, _data)
    joined = _join(digest, name, options, directory, atlas_hash, radius_m, _data)
    return export_bytes(parsed.gdf.join(joined.drop(columns="upload_id")), fmt, crs=crs)


def _file() -> tuple[str, bytes, str] | None:
    """(name, bytes, sha256) of the file in the uploader, or None."""
    handle = st.session_state.get(_uploader_key())
    if handle is None:
        return None
    state = _state()
    content = handle.getvalue()
    if state["file_id"] != handle.file_id:
        state.update(file_id=handle.file_id, name=handle.name, digest=hashlib.sha256(content).hexdigest())
    return state["name"], content, state["digest"]


def _parsed() -> tuple[str, bytes, str, Upload | Failed] | None:
    found = _file()
    if found is None:
        return None
    name, content, digest = found
    return name, content, digest, _parse(digest, name, _options(), content)


def current() -> Uploaded | None:
    """The session's uploaded layer, or None (nothing uploaded, or the file could not be read)."""
    found = _parsed()
    if found is None or isinstance(found[3], Failed):
        return None
    name, _content, digest, parsed = found
    key = ":".join([digest[:16], *_options()])
    return Uploaded(key=key, name=name, gdf=parsed.gdf, layer=_layer(key, parsed.gdf), color=COLOR,
                    visible=bool(st.session_state.get("upload_show", True)), upload=parsed)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _layer(key: str, _gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The upload in the display schema (geo.io.upload_layer.as_layer), converted once per upload ``key``."""
    return as_layer(_gdf)


def _join_current(radius_m: float) -> pd.DataFrame:
    name, content, digest, _parsed_upload = _parsed()
    loaded = data.get()
    return _join(digest, name, _options(), data.data_dir(), loaded.atlas.hash, radius_m, content)


def _remove() -> None:
    """Callback of the remove button: a fresh (empty) uploader, default options, no uploaded selection."""
    state = _state()
    state.update(gen=state["gen"] + 1, file_id="", name="", digest="")
    for key, default in OPTION_KEYS.items():
        st.session_state[key] = default
    st.session_state["upload_show"] = True
    if is_upload_id(st.session_state.get(session.SEL)):
        session.select("")


def _show_error(failed: Failed, lang: str) -> None:
    where = where_text(failed.params, lang)
    parts = [failed.params.get("file") or "", where, error_text(failed.code, failed.params, lang)]
    st.error(md(t("upload_error", lang) + ": " + " · ".join(p for p in parts if p)), icon=":material/error:")


def render_sidebar(lang: str) -> None:
    """The upload widget, its options (with defaults, so the layer shows as soon as it is read) and remove."""
    with st.container(key="upload_box"):
        # the uploader's label is the section's heading (ui/layout.py draws it so): no heading element of its own
        how = t("upload_file", lang) + ("：" if lang == "zh" else ": ") + t("upload_help", lang)
        handle = st.file_uploader(t("upload", lang), key=_uploader_key(), help=how)
        if handle is None:
            return
        if _state()["file_id"] != handle.file_id:  # a new file: default options
            for key, default in OPTION_KEYS.items():
                st.session_state[key] = default
        name, content, digest, parsed = _parsed()
        try:
            driver = upload_driver(name)
        except UploadError:
            driver = ""
        if isinstance(parsed, Failed):
            _show_error(parsed, lang)
        else:
            st.session_state.setdefault("upload_show", True)
            st.toggle(f"{md(name)} ({len(parsed.gdf)})", key="upload_show")
            note = [parsed.driver, parsed.encoding or ""]
            if parsed.source_crs not in SYSTEMS:
                note.append(t("upload_projected", lang).format(crs=parsed.source_crs))
            st.caption(md(f"{t('upload_read_as', lang)}: " + " · ".join(n for n in note if n)))
            for warning in parsed.warnings:
                st.warning(md(error_text(warning.code, warning.params, lang)), icon=":material/warning:")
        read = None if isinstance(parsed, Failed) else parsed
        if driver and not (read and read.source_crs not in SYSTEMS):  # lon/lat data: the visitor says which system
            used = read.source_crs if read else ""

            def crs_label(c: str) -> str:
                if c == "auto" and used:  # "Detect: BD-09", the system the file's names gave (or WGS84)
                    return t("crs_auto_as", lang).format(label=LABELS[used])
                return t(f"crs_{c}", lang).split("（")[0].split(" (")[0]

            st.selectbox(t("upload_crs", lang), CRS_CHOICES, key="upload_crs", help=t("upload_crs_help", lang),
                         format_func=crs_label)
        sheets = _sheets(digest, name, content) if driver == "XLSX" else []
        if len(sheets) > 1:  # shown on failure too: the coordinates may be on another sheet
            if st.session_state.get("upload_sheet") not in ["", *sheets]:
                st.session_state["upload_sheet"] = ""
            st.selectbox(t("upload_sheet", lang), ["", *sheets], key="upload_sheet",
                         format_func=lambda v: v or (t("sheet_auto", lang).format(sheet=read.sheet) if read
                                                     else t("col_auto", lang)))
        if driver in ("CSV", "GeoJSON", "ESRI Shapefile", "KML"):
            st.selectbox(t("upload_encoding", lang), ENCODINGS, key="upload_encoding",
                         format_func=lambda e: t("enc_auto", lang) if e == "auto" else e.upper())
        if driver in TABLE_FORMATS:
            columns = ["", *_columns(digest, name, st.session_state.get("upload_encoding") or "auto",
                                     st.session_state.get("upload_sheet") or "", content)]
            for key in ("upload_lon", "upload_lat"):
                if st.session_state.get(key) not in columns:
                    st.session_state[key] = ""
            c1, c2 = st.columns(2)
            c1.selectbox(t("upload_lon", lang), columns, key="upload_lon",
                         format_func=lambda c: c or t("col_auto", lang))
            c2.selectbox(t("upload_lat", lang), columns, key="upload_lat",
                         format_func=lambda c: c or t("col_auto", lang))
        st.button(t("upload_remove", lang), key="upload_remove", on_click=_remove, icon=":material/delete:")


def _on_table_select() -> None:
    state = st.session_state.get(TABLE_KEY)
    selection = getattr(state, "selection", None) or (state or {}).get("selection", {})
    rows = list(getattr(selection, "rows", None) or (selection.get("rows", []) if isinstance(selection, dict) else []))
    ids = st.session_state.get(TABLE_IDS) or []
    if rows and 0 <= rows[0] < len(ids):
        session.select(ids[rows[0]])


def join_frame(uploaded: Uploaded, joined: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table under the map: plain text cells (never interpreted)."""
    suffix = "zh" if lang == "zh" else "en"
    return pd.DataFrame({
        "id": uploaded.gdf["upload_id"].to_numpy(),
        t("name_zh" if lang == "zh" else "name_en", lang).split("（")[0]: uploaded.gdf["name"].astype(str).to_numpy(),
        t("district", lang): joined[f"district_{suffix}"].fillna("").to_numpy(),
        t("park", lang): joined[f"park_{suffix}"].fillna("").to_numpy(),
        t("nearest", lang): joined[f"nearest_{suffix}"].fillna("").to_numpy(),
        t("layer", lang): [layer_label(x, lang) if isinstance(x, str) else "" for x in joined["nearest_layer"]],
        t("distance", lang): [distance(m, lang) for m in joined["nearest_m"]],  # "" when none within the radius
    })


def render_table(lang: str) -> None:
    """Under the map: the radius, the join table (a row selects the feature) and the export with join columns."""
    uploaded = current()
    if uploaded is None:
        return
    st.subheader(f"{t('upload_join', lang)} · {md(uploaded.name)} ({len(uploaded.gdf)})")
    st.caption(t("upload_join_help", lang))
    st.slider(t("upload_radius", lang), 0.1, 10.0, DEFAULT_RADIUS_M / 1000, 0.1, key=RADIUS_KEY)
    joined = _join_current(_radius_m())
    frame = join_frame(uploaded, joined, lang).iloc[:TABLE_MAX_ROWS]
    st.session_state[TABLE_IDS] = frame["id"].tolist()
    st.dataframe(frame, key=TABLE_KEY, on_select=_on_table_select, selection_mode="single-row", hide_index=True,
                 width="stretch", height=min(320, 38 + 35 * len(frame)))
    st.markdown(f"**{t('upload_export', lang)}**")
    row = st.container(horizontal=True, gap="small")
    fmt, crs = export.pick(lang, "upload_export", row, row)  # the atlas export's picker (ui/export.py)
    name, content, digest, _parsed_upload = _parsed()
    args = (digest, name, _options(), data.data_dir(), data.get().atlas.hash, _radius_m(), fmt, crs, content)
    export.download(lang, "upload_download", fmt, upload_filename(name, crs=crs, fmt=fmt), lambda: _export(*args))


def panel(uploaded: Uploaded, upload_id: str, lang: str) -> None:
    """The side panel of one uploaded feature: escaped properties, district, park, nearby atlas features."""
    rows = uploaded.gdf[uploaded.gdf["upload_id"] == upload_id]
    if rows.empty:
        return
    row = rows.iloc[0]
    st.button(t("deselect", lang), key="upload_deselect", on_click=session.select, args=("",),
              icon=":material/close:")
    st.subheader(md(row["name"]))
    st.caption(md(f"{t('uploaded_feature', lang)} · {uploaded.name} · {upload_id}"))
    joined = _join_current(_radius_m()).loc[rows.index[0]]
    suffix = "zh" if lang == "zh" else "en"
    info = [(t("district", lang), joined[f"district_{suffix}"]), (t("park", lang), joined[f"park_{suffix}"])]
    st.markdown("  \n".join(f"**{md(k)}**: {md(v) if isinstance(v, str) and v else md(t('none', lang))}"
                            for k, v in info))
    props = [(str(c), "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
             for c, v in row.items() if c not in ("geometry", "upload_id", "name")]
    st.markdown(f"**{t('properties', lang)}**")
    st.dataframe(pd.DataFrame(props, columns=[t("property", lang), t("value", lang)]), hide_index=True,
                 width="stretch", key="upload_props")
    location(data.get().atlas, uploaded.layer.loc[rows.index[0]], lang)
    st.markdown(f"**{t('nearby', lang)}** ({md(distance(_radius_m(), lang))})")
    near = nearby_upload(row.geometry, data.get().atlas, _radius_m())
    if near.empty:
        st.caption(t("nearby_none", lang))
    for item in near.itertuples():
        label = item.name_zh if lang == "zh" else item.name_en
        st.button(md(f"{label} · {layer_label(item.layer, lang)} · {distance(item.distance_m, lang)}"),
                  key=f"upload_near_{item.id}", on_click=session.select, args=(item.id,), width="stretch")


def render_panel(selected: str, lang: str) -> bool:
    """Hook for ui/panel.py: render the panel when ``selected`` is an uploaded feature; False otherwise."""
    if not is_upload_id(selected):
        return False
    uploaded = current()
    if uploaded is None or selected not in set(uploaded.gdf["upload_id"]):
        return False
    panel(uploaded, selected, lang)
    return True
