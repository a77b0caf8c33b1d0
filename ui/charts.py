"""Small altair charts of the side panel: districts compared (cited figures that two or more districts share —
same attribute and unit — else, always available, how many atlas features each district holds, by layer), and
the events over time (a point per event at its first month, a line over the months its date covers; clicking a
point selects the event)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.io import Atlas
from geo.schema import LAYERS
from geo.timeline import event_interval
from ui import data, session
from ui.facts import is_target, unit
from ui.i18n import kind_label, layer_label, name, t

THEMATIC = ("plans", "parks", "institutions", "companies")
COUNT_METRIC = "__features__"
EVENTS_CHART = "events_chart"  # key of the events chart; its selection parameter is "event"


def comparable_facts(atlas: Atlas, lang: str) -> dict[str, pd.DataFrame]:
    """attribute -> rows (district, value, unit, as_of, source) for numeric facts shared by >= 2 districts."""
    districts = atlas.layers.get("districts")
    if districts is None:
        return {}
    rows = []
    for _, row in districts.iterrows():
        for fact in row.get("facts") or []:
            value = fact.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool) and not is_target(fact):
                rows.append({"attribute": fact.get("attribute"), "label": fact.get(f"label_{lang}"),
                             "district": name(row, lang), "id": row["id"], "value": float(value),
                             "unit": unit(fact, lang), "as_of": fact.get("as_of") or "",
                             "source": fact.get("source") or ""})
    frame = pd.DataFrame(rows)
    out: dict[str, pd.DataFrame] = {}
    if frame.empty:
        return out
    for (attribute, _unit), group in frame.groupby(["attribute", "unit"]):
        if group["id"].nunique() >= 2:
            out[str(attribute)] = group
    return out


def feature_counts(atlas: Atlas, lang: str) -> pd.DataFrame:
    """district, layer, count of the thematic features carrying each district's adcode."""
    districts = atlas.layers.get("districts")
    if districts is None:
        return pd.DataFrame(columns=["district", "id", "layer", "count"])
    names = {row["adcode"]: (name(row, lang), row["id"]) for _, row in districts.iterrows()}
    rows = []
    for lid in THEMATIC:
        gdf = atlas.layers.get(lid)
        if gdf is None:
            continue
        for adcode, n in gdf["adcode"].value_counts().items():
            if adcode in names:
                rows.append({"district": names[adcode][0], "id": names[adcode][1], "layer": layer_label(lid, lang),
                             "count": int(n)})
    return pd.DataFrame(rows, columns=["district", "id", "layer", "count"])


@st.cache_data(show_spinner=False, max_entries=64)
def metric_labels(directory: str, content_hash: str, lang: str) -> dict[str, str]:
    """metric -> label of the chart's selectbox (the feature count first): the same for every visitor."""
    from ui import data

    facts = comparable_facts(data.load(directory, content_hash).atlas, lang)
    labels = {COUNT_METRIC: t("compare_count", lang)}
    labels.update({a: f"{g['label'].iloc[0]} ({g['unit'].iloc[0]})" if g["unit"].iloc[0] else g["label"].iloc[0]
                   for a, g in facts.items()})
    return labels


@st.cache_data(show_spinner=False, max_entries=256)
def chart_spec(directory: str, content_hash: str, lang: str, metric: str, selected: str | None) -> dict | None:
    """The Vega-Lite spec of the comparison (None when there is nothing to draw), built once per view."""
    from ui import data

    atlas = data.load(directory, content_hash).atlas
    facts = comparable_facts(atlas, lang)
    if metric == COUNT_METRIC or metric not in facts:
        frame = feature_counts(atlas, lang)
        if frame.empty:
            return None
        chart = alt.Chart(frame).mark_bar().encode(
            y=alt.Y("district:N", sort="-x", title=None), x=alt.X("sum(count):Q", title=t("compare_count", lang)),
            color=alt.Color("layer:N", title=None, sort=[layer_label(x, lang) for x in LAYERS]),
            tooltip=["district", "layer", "count"])
    else:
        frame = facts[metric]
        frame = frame.assign(selected=frame["id"] == selected)
        chart = alt.Chart(frame).mark_bar().encode(
            y=alt.Y("district:N", sort="-x", title=None),
            x=alt.X("value:Q", title=metric_labels(directory, content_hash, lang)[metric]),
            color=alt.condition("datum.selected", alt.value("#f59e0b"), alt.value("#2563eb")),
            tooltip=["district", "value", "unit", "as_of", "source"])
    spec = chart.properties(height=alt.Step(16)).to_dict()
    spec.pop("config", None)  # altair's default theme (300 px views): Streamlit's theme applies instead
    return spec


def district_comparison(atlas: Atlas, lang: str, selected: str | None) -> None:
    directory, content_hash = str(atlas.data_dir), atlas.hash
    labels = metric_labels(directory, content_hash, lang)
    options = list(labels)
    st.markdown(f"**{t('compare', lang)}**")
    metric = st.selectbox(t("compare_metric", lang), options, key="compare_metric", format_func=labels.get) \
        if len(options) > 1 else COUNT_METRIC
    spec = chart_spec(directory, content_hash, lang, metric, selected)
    if spec is not None:
        st.vega_lite_chart(spec, width="stretch")


def events_frame(atlas: Atlas, event_ids: tuple[str, ...], lang: str) -> pd.DataFrame:
    """One row per event: id, name, kind, date (at its resolution), place, and the months its date covers as
    timestamps (start: first day of the first month; end: first day of the month after the last)."""
    from ui.timeline import event_when  # ui.timeline imports ui.data, as this module does: no cycle at import

    events = atlas.layers.get("events")
    rows = []
    if events is not None:
        for rec in events[events["id"].isin(set(event_ids))].to_dict("records"):
            first, last = event_interval(rec)
            after = last.__class__.from_index(last.index + 1)
            place = rec.get("place")
            rows.append({"id": rec["id"], "name": name(rec, lang), "kind": kind_label("events", rec.get("kind"), lang),
                         "date": event_when(rec, lang), "place": name(atlas.feature(place)[1], lang)
                         if isinstance(place, str) and place in atlas else "",
                         "start": pd.Timestamp(first.year, first.month, 1),
                         "end": pd.Timestamp(after.year, after.month, 1)})
    frame = pd.DataFrame(rows, columns=["id", "name", "kind", "date", "place", "start", "end"])
    return frame.sort_values(["start", "end", "id"], kind="stable").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64)
def events_chart(directory: str, content_hash: str, lang: str, event_ids: tuple[str, ...]) -> alt.LayerChart | None:
    """The events-over-time chart of these events in ``lang`` (the same for every visitor: cached on plain
    values). One row per event, oldest on top: a line over the months its date covers and a point at its first
    month carrying the selection parameter ``event`` (field ``id``)."""
    frame = events_frame(data.load(directory, content_hash).atlas, event_ids, lang)
    if frame.empty:
        return None
    order = frame["id"].tolist()
    pick = alt.selection_point(name="event", fields=["id"], on="click", clear="dblclick")
    y = alt.Y("id:N", sort=order, axis=None)
    tooltip = [alt.Tooltip("name:N", title=t("event_name", lang)), alt.Tooltip("date:N", title=t("event_date", lang)),
               alt.Tooltip("kind:N", title=t("event_kind", lang)), alt.Tooltip("place:N", title=t("event_place", lang))]
    base = alt.Chart(frame)
    span = base.mark_rule(strokeWidth=3, opacity=0.5).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", labelAngle=0)), x2="end:T", y=y,
        color=alt.Color("kind:N", legend=None), tooltip=tooltip)
    points = base.mark_circle(size=90, opacity=0.9).encode(
        x="start:T", y=y, color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=tooltip, stroke=alt.condition(pick, alt.value("#111827"), alt.value(None))).add_params(pick)
    labels = base.mark_text(align="left", dx=8, fontSize=10, limit=150).encode(x="start:T", y=y, text="name:N")
    return alt.layer(span, points, labels).properties(height=alt.Step(18))


def _on_event_pick() -> None:
    """The chart's selection (a list of {"id": ...}) selects that event; the map fits to it."""
    state = st.session_state.get(EVENTS_CHART) or {}
    selection = state.get("selection", {}) if isinstance(state, dict) else getattr(state, "selection", {})
    picked = (selection or {}).get("event") or []
    fid = picked[0].get("id") if picked and isinstance(picked[0], dict) else None
    if isinstance(fid, str) and fid:
        session.select(fid)


def events_over_time(directory: str, content_hash: str, lang: str, event_ids: tuple[str, ...],
                     layer_on: bool) -> None:
    """The overview's events chart: the events passing the filters (the period included), clickable."""
    st.markdown(f"**{t('events_chart', lang)}** ({len(event_ids)})")
    if not layer_on:
        st.caption(t("events_chart_off", lang))
        return
    chart = events_chart(directory, content_hash, lang, event_ids)
    if chart is None:
        st.caption(t("events_none", lang))
        return
    st.caption(t("events_chart_hint", lang))
    st.altair_chart(chart, key=EVENTS_CHART, on_select=_on_event_pick, selection_mode="event", width="stretch")
