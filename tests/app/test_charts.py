"""The side panel's charts as plain Vega-Lite dicts (ui/charts.py): the events chart spans the chosen period (or the
events' main cluster), collapses outliers at its edges, ticks months over a short span, and colours each kind as the
map does; the district chart labels every bar; the specs are built without Altair."""

from __future__ import annotations

import json

import pytest

from geo.core.timeline import Month
from layers.styles import COLOURS, colour
from ui.charts import chart_spec, events_frame, events_spec, main_window, spec_encoding, spec_layers, spec_rows
from ui.i18n import kind_label


def m(text: str) -> Month:
    return Month.parse(text)


def iv(first: str, last: str | None = None) -> tuple[Month, Month]:
    return m(first), m(last or first)


@pytest.mark.parametrize(("intervals", "period", "window"), [
    # the shipped data's shape: two early outliers and a cluster 2024-04..2026-01 -> the cluster, a month either side
    ([iv("2003-01", "2003-12"), iv("2018-01", "2018-12"), iv("2024-04"), iv("2025-01", "2025-12"), iv("2026-01")],
     None, ("2024-03", "2026-02")),
    # a short chosen period is the whole axis, even where no event falls
    ([iv("2025-06")], iv("2025-01", "2025-12"), ("2025-01", "2025-12")),
    # a long chosen period (the slider at its ends) is narrowed to the cluster, within the period
    ([iv("2003-01", "2003-12"), iv("2024-04"), iv("2025-09")], (m("2003-01"), m("2030-12")), ("2024-03", "2025-10")),
    # the cluster cut by the period's end
    ([iv("2024-04"), iv("2025-09")], (m("2020-01"), m("2025-09")), ("2024-03", "2025-09")),
    # two runs of the same size: the later one
    ([iv("2010-01"), iv("2010-02"), iv("2024-01"), iv("2024-02")], None, ("2023-12", "2024-03")),
])
def test_main_window(intervals, period, window):
    assert main_window(intervals, period) == (m(window[0]), m(window[1]))


@pytest.fixture(scope="module")
def frames(atlas):
    ids = tuple(atlas.layers["events"]["id"])
    return {lang: events_frame(atlas, ids, lang) for lang in ("zh", "en")}


def layer_with(spec: dict, key: str) -> dict:
    return next(layer for layer in spec_layers(spec) if key in layer)


def test_outliers_collapse_at_the_edge_with_their_date(frames):
    frame = frames["zh"]
    window = main_window(list(zip(frame["first"], frame["last"], strict=True)), None)
    spec = events_spec(frame, "zh", window)
    rows = {r["id"]: r for r in spec_rows(spec)}
    early = rows["ev_silicon_paradise_vision"]  # 2003
    assert early["side"] == "before" and early["shape"] == "triangle-left"
    assert window[0] > m("2018-12")  # the shipped events cluster in 2024-2026: 2003 and 2018 lie outside
    assert early["x"] == f"{window[0]}-01T00:00:00"  # at the window's first month
    after = Month.from_index(window[1].index + 1)
    first = {"year": window[0].year, "month": window[0].month, "date": 1}
    assert spec_encoding(spec)["x"]["scale"]["domain"] == [first, {"year": after.year, "month": after.month, "date": 1}]
    assert early["row"].startswith("2003年 · ")
    inside = rows["ev_genos_release"]
    assert inside["side"] == "" and inside["row"] == inside["name"] and inside["x"] == "2025-10-01T00:00:00"
    assert inside["x2"] == "2025-11-01T00:00:00"  # the bar covers its month
    # every row is its own line on the axis, in the order of the data (oldest on top)
    y = spec_encoding(spec)["y"]
    assert y["sort"] == [r["row"] for r in spec_rows(spec)] and len(set(y["sort"])) == len(y["sort"])
    assert y["axis"]["labelOverlap"] is False  # names on the axis, not drawn over the bars


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_colour_per_kind_as_on_the_map(frames, lang):
    frame = frames[lang]
    spec = events_spec(frame, lang, (m("2024-01"), m("2026-12")))
    scale = spec_encoding(spec, 1)["color"]["scale"]
    kinds = [k for k in COLOURS["events"] if k != "*" and k in set(frame["kind"])]
    assert scale["domain"] == [kind_label("events", k, lang) for k in kinds]
    assert scale["range"] == [colour("events", k) for k in kinds]  # the map's colours (layers/styles.py)
    assert len(set(scale["range"])) == len(scale["range"])


def test_event_kinds_have_distinct_colours():
    colours = [c for k, c in COLOURS["events"].items() if k != "*"]
    assert len(set(colours)) == len(colours)


@pytest.mark.parametrize(("window", "lang", "interval", "label"), [
    (("2025-01", "2025-12"), "zh", "month", "'%-m月'"),
    (("2025-01", "2025-12"), "en", "month", "'%b'"),
    (("2024-03", "2026-02"), "en", "month", "'%b'"),
    (("2003-01", "2026-12"), "zh", "year", None),
])
def test_month_ticks_over_a_short_span(frames, window, lang, interval, label):
    spec = events_spec(frames[lang], lang, (m(window[0]), m(window[1])))
    axis = spec_encoding(spec)["x"]["axis"]
    assert axis["tickCount"]["interval"] == interval
    if label:
        assert label in axis["labelExpr"]
    else:
        assert axis["format"] == "%Y年"


def test_selection_parameter_on_the_points(frames):
    spec = events_spec(frames["en"], "en", (m("2024-01"), m("2026-12")))
    params = layer_with(spec, "params")["params"]
    assert params == [{"name": "event", "select": {"type": "point", "fields": ["id"], "on": "click",
                                                   "clear": "dblclick"}}]
    json.dumps(spec)  # plain JSON values only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_chart_labels_every_bar(atlas, lang):
    from ui.charts import COUNT_METRIC

    spec = chart_spec.__wrapped__(str(atlas.data_dir), atlas.hash, lang, COUNT_METRIC, None)
    bars, text = spec_layers(spec)
    districts = {r["district"] for r in spec_rows(spec)}
    assert set(bars["encoding"]["y"]["sort"]) == districts  # one row per district, all named on the axis
    assert bars["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert text["mark"]["type"] == "text" and text["encoding"]["text"]["field"] == "total"


def test_no_altair_at_run_time():
    import ui.charts  # noqa: F401

    assert not hasattr(ui.charts, "alt")
