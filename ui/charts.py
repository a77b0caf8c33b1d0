"""A small altair chart comparing districts: cited figures that two or more districts share (same attribute
and unit), else — always available — how many atlas features each district holds, by layer."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo.io import Atlas
from geo.schema import LAYERS
from ui.facts import is_target, unit
from ui.i18n import layer_label, name, t

THEMATIC = ("plans", "parks", "institutions", "companies")
COUNT_METRIC = "__features__"


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
