"""Time in the page (AppTest on the shipped data): the period slider filters counts, map, table and export and
lives in the URL; the side panel shows timelines and first dates; the overview's events chart selects an event."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from geo.core.filters import Filters, apply_filters
from geo.core.timeline import first_dates, month_span, timeline
from layers.definitions import DEFAULT_LAYERS
from tests.app.test_app import counts_in_labels, map_args, map_features, query
from tests.common import block, listed, nodes, panel_text, plain
from ui.charts import spec_encoding, spec_layers, spec_rows
from ui.facts import article_labels
from ui.timeline import date_text

PERIOD = ("2024-10", "2025-06")


def expected(atlas, period=()) -> dict[str, list[str]]:
    return {lid: gdf["id"].tolist() for lid, gdf in apply_filters(atlas, Filters(period=period)).items()}


def pick_event(at, event_id: str):
    """What a click on a point of the events chart sends: the chart's selection state (a list of {"id": ...}
    under the parameter "event") for the next run. AppTest has no chart widget, so the state is added to the
    widget states of the current tree."""
    (chart,) = [c for c in at.get("vega_lite_chart") if c.proto.id and "events_chart" in c.proto.id]
    assert list(chart.proto.selection_mode) == ["event"]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=chart.proto.id,
                                      string_value=json.dumps({"selection": {"event": [{"id": event_id}]}})))
    return at._run(states)


# ------------------------------------------------------------------------------------------------ the slider


def test_slider_spans_every_month_of_the_data(app, atlas):
    at = app(basemap="none")
    first, last = month_span(atlas)
    slider = at.select_slider(key="period")
    assert slider.value == (str(first), str(last))
    assert slider.options[0] == "2003年1月" and len(slider.options) == last.index - first.index + 1
    assert "period" not in query(at)  # the whole span is no filter


def test_moving_the_slider_filters_counts_map_table_and_url(app, atlas):
    at = app(basemap="none")
    before = map_features(at)
    at.select_slider(key="period").set_range(*PERIOD).run()
    wanted = expected(atlas, PERIOD)
    assert counts_in_labels(at) == {lid: len(ids) for lid, ids in wanted.items()}
    assert counts_in_labels(at)["events"] < len(atlas.layers["events"])
    shown = map_features(at)
    assert set(shown) == {fid for lid in DEFAULT_LAYERS for fid in wanted[lid]} and len(shown) < len(before)
    assert {fid for fid in shown if fid.startswith("ev_")} == set(wanted["events"])
    assert query(at) == {"period": "2024-10/2025-06", "basemap": "none"}
    (table,) = nodes(block(at, "side_panel"), "dataframe") or [at.dataframe(key="table")]
    firsts = first_dates(atlas)
    assert "id" not in table.value.columns  # names, not internal ids
    dates = dict(zip(at.session_state["_table_ids"], table.value["最早日期"], strict=True))
    assert set(dates) == {fid for lid in DEFAULT_LAYERS for fid in wanted[lid]}
    assert all(dates[fid] == (date_text(firsts[fid], "zh") if fid in firsts else "未注明日期") for fid in dates)
    at.select_slider(key="period").set_range(*(str(m) for m in month_span(atlas))).run()
    assert set(map_features(at)) == set(before) and "period" not in query(at)


def test_clear_all_resets_the_period(app, atlas):
    at = app(period="2025-01/2025-03", basemap="none")
    at.button(key="clear").click().run()
    assert at.select_slider(key="period").value == tuple(str(m) for m in month_span(atlas))
    assert "period" not in query(at)


@pytest.mark.parametrize(("given", "kept"), [
    ("2024-10/2025-06", "2024-10/2025-06"),
    ("2025", "2025-01/2025-12"),                 # any date geo.core.timeline reads, as the months it covers
    ("2025-09-17", "2025-09/2025-09"),
    ("1990/2025-06", "2003-01/2025-06"),         # clipped to the span of the data
])
def test_period_round_trips_through_the_url(app, atlas, given, kept):
    at = app(period=given, basemap="none")
    assert not at.warning
    assert query(at)["period"] == kept
    assert at.select_slider(key="period").value == tuple(kept.split("/"))
    assert counts_in_labels(at) == {lid: len(ids) for lid, ids in expected(atlas, tuple(kept.split("/"))).items()}


@pytest.mark.parametrize("bad", ["2025-13/2026-01", "soon", "2026-06/2025-01", "1900/1950", "2024-10/2025-06/2026"])
def test_invalid_period_in_the_url_is_dropped_with_a_warning(app, atlas, bad):
    at = app(period=bad, basemap="none")
    assert len(at.warning) == 1 and f"period={bad}" in plain(at.warning[0].value)
    assert "period" not in query(at)
    assert counts_in_labels(at) == {lid: len(gdf) for lid, gdf in atlas.layers.items()}


@pytest.mark.parametrize("scope", ["visible", "events"])
def test_export_holds_the_events_of_the_period_with_their_lists(app, atlas, downloads, scope):
    at = app(period="/".join(PERIOD), basemap="none")
    if scope != "visible":
        at.selectbox(key="export_scope").set_value(scope).run()
    name, content = downloads(at)
    features = json.loads(content)["features"]
    wanted = expected(atlas, PERIOD)
    layers = DEFAULT_LAYERS if scope == "visible" else ("events",)
    assert [f["id"] for f in features] == [fid for lid in layers for fid in wanted[lid]]
    assert "_2024-10-to-2025-06_" in name and ("_events_" in name) is (scope == "events")
    events = atlas.layers["events"].set_index("id")
    for feature in features:
        if feature["id"].startswith("ev_"):
            props = feature["properties"]
            assert props["participants"] == list(events.loc[feature["id"], "participants"])  # lists stay lists
            assert isinstance(props["facts"], list) and props["place"] == events.loc[feature["id"], "place"]


# ------------------------------------------------------------------------------------------------ the panel


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_feature_panel_shows_its_timeline_in_order_with_articles(app, atlas, lang):
    at = app(sel="park_zijingang", lang=lang, basemap="none")
    rows = timeline(atlas, "park_zijingang")
    labels = article_labels(atlas.sources, lang)
    events = rows[rows["type"] == "event"].to_dict("records")
    shown = listed(at, "tl_")
    assert list(shown) == [r["event_id"] for r in events]  # every event, oldest first
    for label, rec in zip(shown.values(), events, strict=True):
        assert label.startswith(":material/event: " + date_text(rec["date"], lang)) and rec[f"label_{lang}"] in label
        assert all(labels[s] in label for s in rec["sources"])
    runs = [p for p in at.pills if p.key.startswith("tl_")]
    assert [p.key for p in runs] == [f"tl_{i}" for i in range(len(runs))] and len(runs) < len(events)
    text = panel_text(at)
    heading = "**时间线**" if lang == "zh" else "**Timeline**"
    assert heading in text
    assert ("**最早日期**: " if lang == "zh" else "**First dated**: ") + date_text(first_dates(atlas)["park_zijingang"],
                                                                                 lang) in text
    at.pills(key="tl_0").set_value(events[0]["event_id"]).run()
    assert query(at)["sel"] == events[0]["event_id"]
    assert "fitBounds" in map_args(at)["feature_group"]


def test_timeline_and_facts_follow_the_period(app, atlas):
    at = app(sel="park_zijingang", period="2024-01/2024-12", basemap="none")
    rows = timeline(atlas, "park_zijingang")
    in_2024 = [r for r in rows.to_dict("records") if r["start"] <= "2024-12" and r["end"] >= "2024-01"]
    assert list(listed(at, "tl_")) == [r["event_id"] for r in in_2024 if r["type"] == "event"]
    hidden = len(rows) - len(in_2024)
    captions = [plain(c.value) for c in at.caption]
    assert f"另有 {hidden} 条不在所选时段内。" in captions
    _lid, row = atlas.feature("park_zijingang")
    outside = [f for f in row["facts"] if not f["as_of"].startswith("2024")]
    assert f"另有 {len(outside)} 条数据不在所选时段内，已隐藏。" in captions


def test_undated_feature_is_marked(app, atlas):
    firsts = first_dates(atlas)
    undated = next(fid for fid in atlas.layers["parks"]["id"] if fid not in firsts)
    at = app(sel=undated, period="2024-10/2024-10", basemap="none")  # undated features stay in any period
    text = panel_text(at)
    assert "**最早日期**: 报道未注明日期（始终显示）" in text and "报道中没有此要素的日期。" in text
    assert undated in map_features(at)


@pytest.mark.parametrize(("event_id", "lang", "when"), [
    ("ev_gongshu_plenary_2026", "zh", "2026年1月7日（精确到日）"),
    ("ev_zijin_ten_policy", "en", "Apr 2024 (to the month)"),
    ("ev_muyu_space_launch", "zh", "2025年（仅知年份）"),
    ("ev_runmiao_plan", "en", "Nov–Dec 2025 (a period)"),
    # issue 15: bounded within the year as the article says (2024年年末, 元旦前, 2025年年初)
    ("ev_deepseek_v3_release", "zh", "2024年末（仅知年份）"),
    ("ev_lihe_moves_in", "en", "late 2024 (year only)"),
    ("ev_china_compute_valley_proposed", "zh", "2025年初（仅知年份）"),
])
def test_event_panel_shows_its_date_at_its_resolution(app, atlas, event_id, lang, when):
    at = app(sel=event_id, lang=lang, basemap="none")
    assert f"**{'时间' if lang == 'zh' else 'When'}**: {when}" in panel_text(at)
    _lid, row = atlas.feature(event_id)
    assert list(listed(at, "rel_place")) == [row["place"]]


# ------------------------------------------------------------------------------------------------ the chart


def test_overview_charts_the_visible_events(app, atlas):
    at = app(basemap="none", period="/".join(PERIOD))
    (chart,) = [c for c in at.get("vega_lite_chart") if c.proto.id and "events_chart" in c.proto.id]
    spec = json.loads(chart.proto.spec)
    assert not chart.proto.datasets  # a plain dict spec with its data inline (built once, cached)
    rows = pd.DataFrame(spec_rows(spec))
    assert sorted(rows["id"]) == sorted(expected(atlas, PERIOD)["events"])
    assert list(rows["x"]) == sorted(rows["x"])  # oldest first
    (params,) = [layer["params"] for layer in spec_layers(spec) if "params" in layer]
    assert [p["name"] for p in params] == ["event"] and params[0]["select"]["fields"] == ["id"]
    assert spec_encoding(spec)["x"]["scale"]["domain"] == [{"year": 2024, "month": 10, "date": 1},
                                                                   {"year": 2025, "month": 7, "date": 1}]
    assert f"**事件时间线** ({len(rows)})" in plain("\n".join(m.value for m in at.markdown))


def test_chart_selection_selects_the_event_and_fits_the_map(app):
    at = app(basemap="none")
    pick_event(at, "ev_genos_release")
    assert not at.exception
    assert query(at)["sel"] == "ev_genos_release"
    assert at.subheader[0].value == "基因组大模型Genos发布"
    args = map_args(at)["feature_group"]
    assert "atlas-sel-ev_genos_release" in args and "fitBounds" in args


def test_period_presets_set_the_slider_and_the_url(app, atlas):
    from ui.sidebar import period_presets

    span = month_span(atlas)
    months = [str(m) for m in (span[0], span[1])]
    presets = period_presets(["2003-01", "2003-02"] + [f"{y}-{m:02d}" for y in range(2024, 2031) for m in range(1, 13)],
                             today="2026-12")
    assert presets["last12"] == ("2026-01", "2026-12") and presets["2025"] == ("2025-01", "2025-12")
    assert presets["all"] == ("2003-01", "2030-12") and "2003" not in presets  # outliers: the slider reaches them
    at = app(basemap="none")
    pills = [w for w in at.get("button_group") if getattr(w, "key", None) == "period_preset"]
    assert pills, "no preset pills"
    pills[0].set_value(["2025"] if isinstance(pills[0].value, list) else "2025").run()
    assert not at.exception
    assert query(at).get("period") == "2025-01/2025-12", (query(at), months)
