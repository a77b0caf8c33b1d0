"""Under the map: the table of visible features (choosing a row selects it) and the export (GeoJSON, GeoPackage,
zipped Shapefile, KML, CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import pyarrow as pa
import streamlit as st

from geo.io.atlas import Atlas
from geo.io.export import export_filename
from geo.io.export_files import export_bytes
from layers.scale import subset
from ui import data, export, session
from ui.facts import display
from ui.i18n import basis_label, kind_label, layer_label, t
from ui.memo import shared
from ui.text import md
from ui.timeline import date_text

TABLE_KEY = "table"
ID_COLUMN = "id"  # kept in the frame to map a chosen row to its feature; not sent to the page
TABLE_IDS = "_table_ids"
# At most this many rows are built and sent (make bench: 100k rows cost seconds per rerun and megabytes);
# the heading still gives the full count, and the export holds every visible feature.
TABLE_MAX_ROWS = 1000


def visible_frame(atlas: Atlas, view, ids: dict[str, list[str]]) -> pd.DataFrame:
    """One row per visible feature: what the table shows (plain text, never interpreted)."""
    lang = view.lang
    names = {}
    if "districts" in atlas.layers:
        d = atlas.layers["districts"]
        names = dict(zip(d["adcode"], d["name_zh" if lang == "zh" else "name_en"], strict=True))
    firsts = data.first_dates(data.data_dir(), atlas.hash)
    rows = []
    for lid in view.layers:
        if lid not in atlas.layers or len(rows) >= TABLE_MAX_ROWS:
            continue
        gdf = subset(atlas.layers[lid], ids.get(lid, [])).iloc[:TABLE_MAX_ROWS - len(rows)]
        for _, row in gdf.iterrows():
            first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
            rows.append({
                ID_COLUMN: row["id"], t("name", lang): display(row.get(first) or row.get(second), lang),
                t(f"{second}", lang): display(row.get(second), second[-2:]),
                t("layer", lang): layer_label(lid, lang), t("kind", lang): kind_label(lid, row.get("kind"), lang),
                t("district", lang): names.get(row.get("adcode"), ""),
                t("first_date", lang): date_text(firsts[row["id"]], lang) if row["id"] in firsts
                else t("undated_short", lang),
                t("precision", lang): row.get("location_precision_m"),
                t("basis", lang): basis_label(row.get("location_basis", ""), lang),
            })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Rows:
    """The table of one view as every visitor with that view gets it, built once and shared (never mutated):
    the rows' feature ids (row i selects ``ids[i]``) and the rows as an Arrow table (what st.dataframe sends,
    without a pandas round trip or a copy per run)."""

    ids: tuple[str, ...]
    table: pa.Table


@shared(max_entries=256)
def cached_rows(directory: str, content_hash: str, layers: tuple[str, ...], fkey: tuple, lang: str) -> Rows:
    """``visible_frame`` for one view as :class:`Rows`, built once for every visitor with that view."""
    from types import SimpleNamespace

    ids = data.visible_ids(directory, content_hash, fkey)
    frame = visible_frame(data.load(directory, content_hash).atlas, SimpleNamespace(layers=layers, lang=lang), ids)
    if frame.empty:
        return Rows(ids=(), table=pa.table({}))
    return Rows(ids=tuple(frame[ID_COLUMN].tolist()),
                table=pa.Table.from_pandas(frame.drop(columns=[ID_COLUMN]), preserve_index=False))


def heading(title: str, *notes: str) -> None:
    """A section's heading (h3, as st.subheader) with its notes under it in small grey (as st.caption): one
    element, not one per line (each element sent costs the server a message)."""
    lines = [f"### {md(title)}", *(f":small[:gray[{md(note)}]]" for note in notes)]
    st.markdown("\n\n".join(lines))


def _on_table_select() -> None:
    state = st.session_state.get(TABLE_KEY)
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or
                ((state or {}).get("selection", {}).get("rows", []) if isinstance(state, dict) else []))
    ids = st.session_state.get(TABLE_IDS) or []
    if rows and 0 <= rows[0] < len(ids):
        session.select(ids[rows[0]])


def render_table(atlas: Atlas, view, ids: dict[str, list[str]]) -> None:
    lang = view.lang
    rows = cached_rows(str(atlas.data_dir), atlas.hash, view.layers, view.filter_key, lang)
    total = sum(len(ids.get(lid, ())) for lid in view.layers if lid in atlas.layers)
    notes = [t("table_help", lang)]
    if total > len(rows.ids):
        notes.append(f"仅列出前 {len(rows.ids)} 项；请用筛选缩小范围，或导出全部。" if lang == "zh" else
                     f"Listing the first {len(rows.ids)}; narrow with the filters, or export them all.")
    if not rows.ids:
        notes.append(t("no_data", lang))
    heading(f"{t('table', lang)} ({total})", *notes)
    st.session_state[TABLE_IDS] = rows.ids  # the shared tuple: no copy per run
    if not rows.ids:
        return
    # the ids select rows (TABLE_IDS); what people read starts with the name, no internal id is shown
    st.dataframe(rows.table, key=TABLE_KEY, on_select=_on_table_select,
                 selection_mode="single-row", hide_index=True, width="stretch", height=320)


def render_export(atlas: Atlas, directory: str, view) -> None:
    lang = view.lang
    heading(t("export_title", lang), t("export_note", lang) + " " + t("export_formats_note", lang))
    layers = [lid for lid in view.layers if lid in atlas.layers]
    scopes = ["visible", *layers]
    if st.session_state.get("export_scope") not in scopes:
        st.session_state["export_scope"] = "visible"
    row = st.container(horizontal=True, gap="small")  # one block for the three pickers (st.columns: four)
    scope = row.selectbox(t("export_scope", lang), scopes, key="export_scope",
                         format_func=lambda s: t("export_all", lang) if s == "visible" else layer_label(s, lang))
    fmt, crs = export.pick(lang, "export", row, row)
    chosen = tuple(layers) if scope == "visible" else (scope,)
    args = (directory, atlas.hash, chosen, view.filter_key, crs, fmt)
    export.download(lang, "export_download", fmt, export_filename(chosen, view.filters, crs, fmt=fmt),
                    partial(export_file, *args), disabled=not chosen)


@st.cache_data(show_spinner=False, max_entries=32)
def export_file(directory: str, content_hash: str, chosen: tuple[str, ...], fkey: tuple, crs: str, fmt: str) -> bytes:
    """The export file of the filtered features of ``chosen`` in ``fmt`` (geo.io.export / geo.io.export_files)."""
    if fmt == "geojson":
        return data.export_json(directory, content_hash, chosen, fkey, crs).encode("utf-8")
    atlas = data.load(directory, content_hash).atlas
    frames = {lid: data.visible_frame(directory, content_hash, lid, fkey) for lid in chosen if lid in atlas.layers}
    return export_bytes(frames, fmt, crs=crs)
