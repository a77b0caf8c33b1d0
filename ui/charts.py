"""Small Vega-Lite charts of the side panel: districts compared (cited figures that two or more districts share —
same attribute and unit — else, always available, how many atlas features each district holds, by layer), and
the events over time (a point per event at its first month, a bar over the months its date covers; clicking a
point selects the event). Specs are plain dicts built once per data version, language and period (st.cache_data
on those values) and sent with st.vega_lite_chart: no Altair building or validating them on every run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.core.schema import KINDS, LAYERS
from geo.core.timeline import Month, event_interval
from geo.io.atlas import Atlas
from layers.styles import HIGHLIGHT_COLOUR, colour
from ui import data, session
from ui.facts import is_target, unit
from ui.i18n import kind_label, layer_label, name, t
from ui.memo import shared

THEMATIC = ("plans", "parks", "institutions", "companies")
COUNT_METRIC = "__features__"
EVENTS_CHART = "events_chart"  # key of the events chart; its selection parameter is "event"
SHORT_MONTHS = 36  # a chosen period this short is the chart's whole axis
CLUSTER_GAP_MONTHS = 18  # events further apart than this from the main cluster are collapsed at its edges


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


@shared(max_entries=64)
def metric_labels(directory: str, content_hash: str, lang: str) -> dict[str, str]:
    """metric -> label of the chart's selectbox (the feature count first): the same for every visitor."""
    from ui import data

    facts = comparable_facts(data.load(directory, content_hash).atlas, lang)
    labels = {COUNT_METRIC: t("compare_count", lang)}
    labels.update({a: f"{g['label'].iloc[0]} ({g['unit'].iloc[0]})" if g["unit"].iloc[0] else g["label"].iloc[0]
                   for a, g in facts.items()})
    return labels


def _spec(values: list[dict], step: int, layers: list[dict], encoding: dict | None = None) -> dict:
    """A layered spec whose data (and the ``encoding`` its layers share) sits in an inner layer, inline: Streamlit
    moves a top-level ``data`` out of the spec and converts it to Arrow on every run; this way the cached dict
    goes out as it is."""
    inner = {"data": {"values": values}, "layer": layers}
    if encoding:
        inner["encoding"] = encoding
    return {"height": {"step": step}, "layer": [inner]}


def spec_encoding(spec: dict, layer: int = 0) -> dict:
    """The encoding of one mark layer of a spec built by this module, the shared one included."""
    return {**spec["layer"][0].get("encoding", {}), **spec["layer"][0]["layer"][layer].get("encoding", {})}


def spec_rows(spec: dict) -> list[dict]:
    """The data rows of a spec built by this module."""
    return spec["layer"][0]["data"]["values"]


def spec_layers(spec: dict) -> list[dict]:
    """The mark layers of a spec built by this module."""
    return spec["layer"][0]["layer"]


def _bar_axis() -> dict:
    """The district axis: every bar's name shown (no label dropped for overlap), long names cut with an ellipsis."""
    return {"title": None, "labelOverlap": False, "labelLimit": 110, "labelFontSize": 11, "ticks": False}


@shared(max_entries=256)
def chart_spec(directory: str, content_hash: str, lang: str, metric: str, selected: str | None) -> dict | None:
    """The Vega-Lite spec of the comparison as a plain dict (None when there is nothing to draw), built once per
    data version, language, metric and selection and sent as it is (no Altair, no schema validation per run).
    Every bar carries its name on the axis and its value at its end."""
    from ui import data

    atlas = data.load(directory, content_hash).atlas
    facts = comparable_facts(atlas, lang)
    if metric == COUNT_METRIC or metric not in facts:
        frame = feature_counts(atlas, lang)
        if frame.empty:
            return None
        totals = frame.groupby("district")["count"].sum()
        order = totals.sort_values(ascending=False, kind="stable").index.tolist()
        y = {"field": "district", "type": "nominal", "sort": order, "axis": _bar_axis()}
        x_max = float(totals.max()) * 1.18
        return _spec(frame.to_dict("records"), 22, [
                {"mark": {"type": "bar"}, "encoding": {
                    "y": y, "x": {"field": "count", "type": "quantitative", "aggregate": "sum",
                                  "title": t("compare_count", lang), "scale": {"domainMax": x_max}},
                    "color": {"field": "layer", "type": "nominal", "title": None,
                              "sort": [layer_label(x, lang) for x in LAYERS],
                              "scale": {"domain": [layer_label(x, lang) for x in THEMATIC],
                                        "range": [colour(x, None) for x in THEMATIC]},
                              "legend": {"orient": "bottom", "columns": 2}},
                    "tooltip": [{"field": "district", "type": "nominal"}, {"field": "layer", "type": "nominal"},
                                {"field": "count", "type": "quantitative"}]}},
                {"transform": [{"aggregate": [{"op": "sum", "field": "count", "as": "total"}],
                                "groupby": ["district"]}],
                 "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
                 "encoding": {"y": y, "x": {"field": "total", "type": "quantitative"},
                              "text": {"field": "total", "type": "quantitative"}}},
        ])
    frame = facts[metric]
    frame = frame.assign(selected=frame["id"] == selected, label=[
        f"{v:,.10g} {u}".strip() if lang == "en" else f"{v:,.10g}{u}" for v, u in zip(frame["value"], frame["unit"],
                                                                                        strict=True)])
    order = frame.sort_values("value", ascending=False, kind="stable")["district"].tolist()
    y = {"field": "district", "type": "nominal", "sort": order, "axis": _bar_axis()}
    x = {"field": "value", "type": "quantitative", "title": metric_labels(directory, content_hash, lang)[metric],
         "scale": {"domainMax": float(frame["value"].max()) * 1.35}}
    values = frame[["district", "id", "value", "unit", "as_of", "source", "selected", "label"]].to_dict("records")
    return _spec(values, 22, [
            {"mark": {"type": "bar"}, "encoding": {
                "y": y, "x": x,
                "color": {"condition": {"test": "datum.selected", "value": HIGHLIGHT_COLOUR}, "value": "#2563eb"},
                "tooltip": [{"field": f, "type": "nominal"} for f in ("district", "label", "as_of", "source")]}},
            {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
             "encoding": {"y": y, "x": {"field": "value", "type": "quantitative"},
                          "text": {"field": "label", "type": "nominal"}}},
    ])


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
    """One row per event: id, name, kind (id), kind_label, date (at its resolution, with it), short (the date
    alone), place, and the months its date covers (first, last: geo.core.timeline.Month), oldest first."""
    from ui.timeline import date_text, event_when  # ui.timeline imports ui.data as this module does: no cycle

    events = atlas.layers.get("events")
    rows = []
    if events is not None:
        for rec in events[events["id"].isin(set(event_ids))].to_dict("records"):
            first, last = event_interval(rec)
            place = rec.get("place")
            kind = rec.get("kind") or ""
            rows.append({"id": rec["id"], "name": name(rec, lang), "kind": kind,
                         "kind_label": kind_label("events", kind, lang), "date": event_when(rec, lang),
                         "short": date_text(f"{rec['date_start']}/{end}" if isinstance(end := rec.get("date_end"), str)
                                            and end.strip() else rec["date_start"], lang),
                         "place": name(atlas.feature(place)[1], lang) if isinstance(place, str) and place in atlas
                         else "", "first": first, "last": last})
    frame = pd.DataFrame(rows, columns=["id", "name", "kind", "kind_label", "date", "short", "place", "first", "last"])
    if frame.empty:
        return frame
    frame = frame.assign(_a=[m.index for m in frame["first"]], _b=[m.index for m in frame["last"]])
    return frame.sort_values(["_a", "_b", "id"], kind="stable").drop(columns=["_a", "_b"]).reset_index(drop=True)


def main_window(intervals: list[tuple[Month, Month]], period: tuple[Month, Month] | None) -> tuple[Month, Month]:
    """The months the events chart spans: the chosen period when it is short (SHORT_MONTHS or less), else the
    main cluster of the events (runs of events with no gap longer than CLUSTER_GAP_MONTHS; the run holding the
    most events, the later on a tie), a month either side, within the period. Events outside it are collapsed
    at its edges."""
    if period is not None and period[1].index - period[0].index < SHORT_MONTHS:
        return period
    runs: list[list[tuple[Month, Month]]] = []
    reach = None
    for iv in sorted(intervals):
        if reach is None or iv[0].index - reach > CLUSTER_GAP_MONTHS:
            runs.append([])
            reach = iv[1].index
        runs[-1].append(iv)
        reach = max(reach, iv[1].index)
    if not runs:
        return period if period is not None else (Month(2000, 1), Month(2000, 12))
    best = max(reversed(runs), key=len)  # reversed: on a tie max keeps the first seen, the later run
    first = Month.from_index(min(iv[0].index for iv in best) - 1)
    last = Month.from_index(max(iv[1].index for iv in best) + 1)
    if period is not None:
        first, last = max(first, period[0]), min(last, period[1])
    return first, last


def _iso(month: Month, after: bool = False) -> str:
    """A month's first instant (``after``: the next month's), as local time: the ticks are local months."""
    m = Month.from_index(month.index + 1) if after else month
    return f"{m.year:04d}-{m.month:02d}-01T00:00:00"


def _datetime(month: Month, after: bool = False) -> dict:
    """A month's first day (``after``: the next month's) as a Vega-Lite DateTime (local time, like the data)."""
    m = Month.from_index(month.index + 1) if after else month
    return {"year": m.year, "month": m.month, "date": 1}


def _time_axis(window: tuple[Month, Month], lang: str) -> dict:
    """Month ticks over a short window (the year on January and on the first tick), year ticks over a long one."""
    months = window[1].index - window[0].index + 1
    if months <= 2 * 12:
        step = max(1, -(-months // 6))
        if lang == "zh":
            expr = ("datum.index === 0 ? timeFormat(datum.value, '%Y年%-m月') : month(datum.value) === 0 ? "
                    "timeFormat(datum.value, '%Y年') : timeFormat(datum.value, '%-m月')")
        else:
            expr = ("datum.index === 0 ? timeFormat(datum.value, '%b %Y') : month(datum.value) === 0 ? "
                    "timeFormat(datum.value, '%Y') : timeFormat(datum.value, '%b')")
        return {"title": None, "labelAngle": 0, "tickCount": {"interval": "month", "step": step},
                "labelExpr": expr, "labelOverlap": True, "labelFontSize": 10}
    step = max(1, -(-months // 12 // 5))
    return {"title": None, "labelAngle": 0, "tickCount": {"interval": "year", "step": step},
            "format": "%Y年" if lang == "zh" else "%Y", "labelOverlap": True, "labelFontSize": 10}


def events_spec(frame: pd.DataFrame, lang: str, window: tuple[Month, Month]) -> dict:
    """The events chart as a plain Vega-Lite dict: one row per event (its name on the axis, oldest on top), a
    bar over the months its date covers and a point at its first month, coloured by kind with the map's colours
    (layers.styles.colour); events outside ``window`` are collapsed at its edges (a triangle pointing out, the
    date in front of the name). The points carry the selection parameter ``event`` (field ``id``)."""
    lo, hi = window
    rows, labels, seen = [], [], {}
    for rec in frame.to_dict("records"):
        side = "before" if rec["last"] < lo else "after" if rec["first"] > hi else ""
        label = f"{rec['short']} · {rec['name']}" if side else rec["name"]
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:  # two events of the same name: the axis needs distinct rows
            label = f"{label} ({seen[label]})"
        labels.append(label)
        start, end = max(rec["first"], lo), min(rec["last"], hi)
        edge = _iso(lo) if side == "before" else _iso(hi, after=True) if side == "after" else _iso(start)
        rows.append({"id": rec["id"], "row": label, "name": rec["name"], "date": rec["date"],
                     "kind": rec["kind_label"], "place": rec["place"], "side": side, "x": edge,
                     "x2": _iso(end, after=True) if not side else edge,
                     "shape": {"before": "triangle-left", "after": "triangle-right"}.get(side, "circle")})
    kinds = [k for k in KINDS["events"] if k in set(frame["kind"])] + sorted(set(frame["kind"]) - set(KINDS["events"]))
    colour_enc = {"field": "kind", "type": "nominal", "title": None,
                  "scale": {"domain": [kind_label("events", k, lang) for k in kinds],
                            "range": [colour("events", k) for k in kinds]},
                  "legend": {"orient": "bottom", "columns": 2, "symbolType": "circle", "labelFontSize": 11,
                             "labelLimit": 110}}
    y = {"field": "row", "type": "nominal", "sort": labels,
         "axis": {"title": None, "labelLimit": 150, "labelFontSize": 11, "ticks": False, "domain": False,
                  "labelOverlap": False}}
    x = {"field": "x", "type": "temporal", "axis": _time_axis(window, lang),
         "scale": {"domain": [_datetime(lo), _datetime(hi, after=True)]}}
    tooltip = [{"field": "name", "type": "nominal", "title": t("event_name", lang)},
               {"field": "date", "type": "nominal", "title": t("event_date", lang)},
               {"field": "kind", "type": "nominal", "title": t("event_kind", lang)},
               {"field": "place", "type": "nominal", "title": t("event_place", lang)}]
    return _spec(rows, 20, [
        {"transform": [{"filter": "datum.side === ''"}],
         "mark": {"type": "bar", "height": 6, "opacity": 0.55, "cornerRadius": 2},
         "encoding": {"x2": {"field": "x2"}}},
        {"mark": {"type": "point", "filled": True, "size": 80, "opacity": 0.95},
         "params": [{"name": "event", "select": {"type": "point", "fields": ["id"], "on": "click",
                                                 "clear": "dblclick"}}],
         "encoding": {"shape": {"field": "shape", "type": "nominal", "scale": None},
                      "stroke": {"condition": {"param": "event", "empty": False, "value": "#111827"}, "value": None},
                      "strokeWidth": {"value": 2}}},
    ], encoding={"x": x, "y": y, "color": colour_enc, "tooltip": tooltip})


@shared(max_entries=64)
def events_chart(directory: str, content_hash: str, lang: str, event_ids: tuple[str, ...],
                 period: tuple[str, ...]) -> tuple[dict, int, int] | None:
    """(spec, events collapsed before, after) of the events chart, built once per data version, language,
    events shown and period (plain values: the same for every visitor); None when there is no event.
    ``period`` is (first, last) month or () for the whole span."""
    frame = events_frame(data.load(directory, content_hash).atlas, event_ids, lang)
    if frame.empty:
        return None
    span = (Month.parse(period[0]), Month.parse(period[1])) if period else None
    window = main_window(list(zip(frame["first"], frame["last"], strict=True)), span)
    spec = events_spec(frame, lang, window)
    sides = [r["side"] for r in spec_rows(spec)]
    return spec, sides.count("before"), sides.count("after")


def _on_event_pick() -> None:
    """The chart's selection (a list of {"id": ...}) selects that event; the map fits to it."""
    state = st.session_state.get(EVENTS_CHART) or {}
    selection = state.get("selection", {}) if isinstance(state, dict) else getattr(state, "selection", {})
    picked = (selection or {}).get("event") or []
    fid = picked[0].get("id") if picked and isinstance(picked[0], dict) else None
    if isinstance(fid, str) and fid:
        session.select(fid)


def events_over_time(directory: str, content_hash: str, lang: str, event_ids: tuple[str, ...],
                     layer_on: bool, period: tuple[str, ...] = (), before: str = "") -> None:
    """The overview's events chart: the events passing the filters (the period included), clickable. ``before``:
    markdown sent in the same element as the chart's heading (the panel's lines above it)."""
    st.markdown("\n\n".join(p for p in (before, f"**{t('events_chart', lang)}** ({len(event_ids)})") if p))
    if not layer_on:
        st.caption(t("events_chart_off", lang))
        return
    built = events_chart(directory, content_hash, lang, event_ids, tuple(period))
    if built is None:
        st.caption(t("events_none", lang))
        return
    spec, before, after = built
    hint = [t("events_chart_hint", lang)]
    if before:
        hint.append(t("events_collapsed_before", lang, n=before))
    if after:
        hint.append(t("events_collapsed_after", lang, n=after))
    st.caption(" ".join(hint))
    st.vega_lite_chart(spec, key=EVENTS_CHART, on_select=_on_event_pick, selection_mode="event", width="stretch")
