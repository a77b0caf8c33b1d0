"""layers.definitions: frozen layer definitions that check their tooltip fields against the display columns."""

from __future__ import annotations

import dataclasses

import pytest

from geo.schema import LAYERS
from layers.definitions import DEFAULT_LAYERS, DISPLAY_COLUMNS, LAYER_DEFS, LayerDef


def test_every_schema_layer_has_a_definition():
    assert set(LAYER_DEFS) == set(LAYERS)
    assert set(DEFAULT_LAYERS) <= set(LAYERS)
    for lid, definition in LAYER_DEFS.items():
        assert definition.layer == lid
        assert set(definition.tooltip_fields) <= set(definition.columns)


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
