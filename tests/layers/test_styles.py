"""layers.styles: pure feature -> style functions and legend entries."""

from __future__ import annotations

import pytest

from layers.styles import COLOURS, RADIUS, colour, feature_style, highlight_style, legend_entries


def feature(**props):
    return {"type": "Feature", "properties": {"id": "x_1", "layer": "parks", "kind": "data_center", **props}}


@pytest.mark.parametrize("layer", ["parks", "institutions", "companies"])
def test_point_layers_are_filled_circles_with_their_radius(layer):
    style = feature_style(feature(layer=layer, kind="company"))
    assert style["radius"] == RADIUS[layer]
    assert style["fill"] is True and style["fillOpacity"] > 0.5


def test_classes_name_feature_and_layer():
    style = feature_style(feature(id="park_yunqi_town", layer="parks"))
    assert style["className"].split() == ["atlas-f-park_yunqi_town", "atlas-layer-parks"]


@pytest.mark.parametrize(("layer", "kind", "expected"), [
    ("parks", "data_center", COLOURS["parks"]["data_center"]),
    ("plans", "corridor", COLOURS["plans"]["corridor"]),
    ("parks", "no_such_kind", COLOURS["parks"]["*"]),
    ("nowhere", None, "#374151"),
])
def test_colour_by_kind_with_layer_default(layer, kind, expected):
    assert colour(layer, kind) == expected


def test_city_is_an_unfilled_outline_and_districts_are_faint():
    assert feature_style(feature(layer="city", kind="city"))["fill"] is False
    assert feature_style(feature(layer="districts", kind="district"))["fillOpacity"] < 0.1


@pytest.mark.parametrize(("approx", "dashed"), [(True, True), (False, False)])
def test_approximate_positions_are_dashed(approx, dashed):
    style = feature_style(feature(approx=approx))
    assert ("dashArray" in style) is dashed


def test_style_is_pure():
    f = feature(approx=True)
    before = repr(f)
    assert feature_style(f) == feature_style(f)
    assert repr(f) == before


def test_highlight_is_not_interactive_and_named():
    style = highlight_style(feature(id="co_a"))
    assert style["interactive"] is False
    assert style["className"] == "atlas-selected atlas-sel-co_a"


@pytest.mark.parametrize(("lang", "label"), [("zh", "数据中心"), ("en", "Data centre")])
def test_legend_entries_follow_schema_order_and_language(lang, label):
    entries = legend_entries("parks", ["data_center", "sci_tech_city"], lang)
    assert [e[0] for e in entries][-1] == label
    assert entries[0][1] == COLOURS["parks"]["sci_tech_city"] and entries[0][2] == "dot"


def test_legend_skips_base_layers():
    assert legend_entries("districts", ["district"], "zh") == []
