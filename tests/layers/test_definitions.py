"""layers.definitions: frozen layer definitions that check their tooltip fields against the display columns."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.core.schema import LAYERS, UPLOAD_LAYER
from geo.io.upload_layer import as_layer
from layers.definitions import DEFAULT_LAYERS, DISPLAY_COLUMNS, LAYER_DEFS, LayerDef
from layers.render import display_collection
from ui.data import display_text


@pytest.mark.parametrize("layer", [*LAYERS, UPLOAD_LAYER])
def test_each_layer_tooltip_shows_text_the_display_features_carry(mini_atlas, layer):
    """Every layer (the upload too) can be drawn, and its tooltip fields are filled in its display features."""
    if layer == UPLOAD_LAYER:
        gdf = as_layer(gpd.GeoDataFrame({"upload_id": ["up_1"], "name": ["示例"]}, geometry=[Point(120.1, 30.2)],
                                        crs="EPSG:4326"))
    else:
        gdf = mini_atlas.layers[layer]
    features = display_collection(gdf, layer, display_text(layer, "zh"))["features"]
    assert features
    for f in features:
        assert set(f["properties"]) == set(LAYER_DEFS[layer].columns)
        assert all(isinstance(f["properties"][k], str) and f["properties"][k] for k in LAYER_DEFS[layer].tooltip_fields
                   if k != "name_alt")
    assert set(DEFAULT_LAYERS) <= set(LAYERS)


@pytest.mark.parametrize("kwargs", [
    {"layer": "parks"},
    {"layer": "plans", "tooltip_fields": ("name",)},
    {"layer": "companies", "tooltip_fields": ("kind_label",), "columns": ("id", "layer", "kind_label")},
])
def test_valid_definitions(kwargs):
    assert LayerDef(**kwargs).layer == kwargs["layer"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"layer": "roads"}, r"unknown layer 'roads'"),
    ({"layer": "parks", "tooltip_fields": ("description_zh",)}, r"tooltip field 'description_zh' is not a display"),
    ({"layer": "parks", "tooltip_fields": ()}, r"tooltip_fields is empty"),
    ({"layer": "parks", "tooltip_fields": ("name",), "columns": ("name", "layer")}, r"must include 'id'"),
])
def test_invalid_definitions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LayerDef(**kwargs)


def test_definitions_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        LAYER_DEFS["parks"].tooltip_fields = ("facts",)


def test_display_columns_carry_no_long_text():
    assert not {"description_zh", "description_en", "facts", "aliases", "location_note_zh", "location_note_en",
                "participants"} & set(DISPLAY_COLUMNS)
