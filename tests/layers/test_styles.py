"""layers.styles: pure feature -> style functions and legend entries."""

from __future__ import annotations

import re

import pytest

from geo.core.schema import KINDS, LAYERS, UPLOAD_LAYER
from layers.styles import RADIUS, colour, feature_style, highlight_style, legend_entries


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


@pytest.mark.parametrize("layer", ["parks", "institutions", "companies", "events"])
def test_every_kind_of_a_point_layer_has_a_colour_of_its_own(layer):
    """The legend tells kinds apart by colour alone: two kinds of one layer never share one."""
    colours = {kind: colour(layer, kind) for kind in KINDS[layer]}
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours.values()), colours
    assert len(set(colours.values())) == len(colours), colours


def test_the_uploaded_layer_has_a_colour_no_atlas_feature_has():
    atlas = {colour(layer, kind) for layer in LAYERS for kind in [*KINDS[layer], None]}
    assert colour(UPLOAD_LAYER, "") not in atlas
    assert feature_style(feature(layer=UPLOAD_LAYER, kind=""))["fillColor"] == colour(UPLOAD_LAYER, "")


@pytest.mark.parametrize(("layer", "kind"), [("parks", "no_such_kind"), ("parks", None), ("nowhere", None)])
def test_an_unknown_kind_or_layer_still_gets_a_colour(layer, kind):
    fallback = colour(layer, kind)
    assert re.fullmatch(r"#[0-9a-f]{6}", fallback)
    if layer in LAYERS:  # the layer's own default, one of its kinds' colours
        assert fallback in {colour(layer, k) for k in KINDS[layer]}


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


def test_legend_entries_keep_the_given_order_labels_and_the_map_colours():
    entries = legend_entries("parks", {"sci_tech_city": "科技城", "data_center": "<数据中心>"})
    assert entries == [("科技城", feature_style(feature(kind="sci_tech_city"))["fillColor"], "dot"),
                       ("<数据中心>", feature_style(feature(kind="data_center"))["fillColor"], "dot")]
    assert {e[2] for e in legend_entries("plans", {"corridor": "走廊"})} == {"area"}


def test_legend_skips_base_layers():
    assert legend_entries("districts", {"district": "市辖区"}) == []
