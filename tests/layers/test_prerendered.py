"""layers.prerendered: a group's script built once and replayed is exactly what st_folium sends for the group."""

from __future__ import annotations

import pytest
from streamlit_folium import _get_feature_group_string

from layers.prerendered import Prerendered, prerender
from layers.render import base_map, display_collection, overlay_group
from ui.data import display_text
from ui.i18n import layer_label


def sent(group, index: int) -> str:
    """What st_folium puts into its ``feature_group`` argument for ``group`` at ``index`` (its own function)."""
    return _get_feature_group_string(group, base_map(), index)


@pytest.mark.parametrize("layer", ["districts", "parks", "companies"])
@pytest.mark.parametrize("index", [0, 1, 4])
@pytest.mark.parametrize("system", ["wgs84", "gcj02"])
def test_replayed_script_is_what_st_folium_sends(mini_atlas, layer, index, system):
    collection = display_collection(mini_atlas.layers[layer], layer, display_text(layer, "zh"), system)
    direct = sent(overlay_group(layer, collection, layer_label(layer, "zh")), index)
    replayed = sent(Prerendered(prerender(overlay_group(layer, collection, layer_label(layer, "zh")), index)), index)
    assert replayed == direct
    assert f"feature_group_feature_group_{index}" in replayed
    assert mini_atlas.layers[layer]["id"].iloc[0] in replayed


def test_the_position_is_part_of_the_script(mini_atlas):
    collection = display_collection(mini_atlas.layers["parks"], "parks", display_text("parks", "en"))
    at_1 = prerender(overlay_group("parks", collection, layer_label("parks", "en")), 1)
    assert sent(Prerendered(at_1), 1) == sent(overlay_group("parks", collection, layer_label("parks", "en")), 1)
    assert sent(Prerendered(at_1), 2) != sent(overlay_group("parks", collection, layer_label("parks", "en")), 2)


def test_a_replayed_group_is_not_compiled_again():
    """A script that looks like a Jinja template stays verbatim (it was rendered already)."""
    script = "var x = '{{ not a template }}';"
    assert script in sent(Prerendered(script), 0)
