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


def st_folium_args(m, groups, monkeypatch) -> dict:
    """The arguments st_folium itself passes to its component for ``m`` and ``groups`` (captured, not run)."""
    import streamlit_folium

    seen = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: seen.update(kwargs))
    streamlit_folium.st_folium(m, key="k", height=620, use_container_width=True,
                               returned_objects=["last_active_drawing", "last_object_clicked"],
                               feature_group_to_add=groups)
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_component_args_are_what_st_folium_passes(mini_atlas, monkeypatch, lang):
    """The base map rendered once and the groups prerendered give st_folium's very arguments (but its key and
    callback), the map's random id included."""
    from layers.basemaps import basemap_group
    from layers.prerendered import base_parts, component_args, prerendered
    from layers.render import highlight_group, legend_group, measure_group

    collection = display_collection(mini_atlas.layers["parks"], "parks", display_text("parks", lang))

    def groups():
        return [basemap_group("amap_road", notice="tiles failed"),
                overlay_group("parks", collection, layer_label("parks", lang)), highlight_group(None),
                measure_group(lang), legend_group([("园区", [("科技城", "#b91c1c", "dot")])])]

    returned = ["last_active_drawing", "last_object_clicked"]
    m, other = base_map(), base_map()
    other._id = m._id  # the same map (st_folium sends its random id)
    expected = st_folium_args(m, groups(), monkeypatch)
    base = base_parts(other, returned)
    cached = [prerendered(g, i) for i, g in enumerate(groups())]
    args = component_args(base, cached, height=620, width=None, returned_objects=returned)
    assert {k: v for k, v in expected.items() if k not in ("key", "on_change")} == args
    assert "L.Control.Measure" in args["feature_group"] and any("measure" in j for j in args["js_links"])
    # a folium group not prerendered is rendered in place: the same string
    assert component_args(base, groups(), height=620, width=None, returned_objects=returned) == args


def frontend_report_keys() -> list[str]:
    """The keys of the value st_folium's frontend builds (its updateComponentValue), in its order, read from the
    installed bundle."""
    import re
    from pathlib import Path

    import streamlit_folium

    bundle = next((Path(streamlit_folium.__file__).parent / "frontend" / "build" / "static" / "js").glob("main.*.js"))
    body = re.search(r"let c=\{(last_clicked:.*?selected_tags:[^}]*)\}", bundle.read_text(encoding="utf-8")).group(1)
    return re.findall(r"(?:^|,)([a-z_]+):", re.sub(r"\([^()]*(?:\([^()]*\))*[^()]*\)", "", body))


def test_first_report_keys_follow_the_frontend():
    from layers.prerendered import REPORT_KEYS

    assert list(REPORT_KEYS) == frontend_report_keys()


@pytest.mark.parametrize("returned", [["last_active_drawing", "last_object_clicked", "center", "zoom"],
                                      ["zoom", "center"], ["last_clicked", "selected_layers"]])
def test_first_report_is_the_mounted_maps_value(returned):
    """Keyed and ordered as the frontend reports (it compares JSON text), with the base map's own view."""
    from layers.prerendered import REPORT_KEYS, first_report
    from layers.render import MAP_CENTER, MAP_ZOOM

    value = first_report(base_map(), returned)
    assert list(value) == [k for k in REPORT_KEYS if k in returned]
    if "center" in returned:
        assert value["center"] == {"lat": MAP_CENTER[0], "lng": MAP_CENTER[1]} and value["zoom"] == MAP_ZOOM
    assert value.get("last_object_clicked") is None and value.get("last_clicked") is None


def test_first_report_refuses_bounds():
    from layers.prerendered import first_report

    with pytest.raises(ValueError, match="first bounds cannot be known"):
        first_report(base_map(), ["bounds", "zoom"])
