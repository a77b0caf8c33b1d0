"""layers.render: display GeoJSON (only displayed, escaped properties; tile coordinate system) and the folium
objects built from it."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit_folium import _get_map_string, generate_js_hash

from geo.core.crs import wgs84_to_gcj02
from geo.io.atlas import load_atlas
from layers.definitions import DISPLAY_COLUMNS, LAYER_DEFS
from layers.render import (
    base_map,
    display_collection,
    highlight_group,
    legend_group,
    legend_html,
    measure_group,
    overlay_group,
)
from layers.styles import legend_entries
from tests.common import TEST_DATA_DIR
from ui.data import display_text
from ui.i18n import LANGS, STRINGS, layer_label

XSS_DIR = TEST_DATA_DIR / "xss"
PROBE = "park_xss_probe"


@pytest.fixture(scope="module")
def xss_atlas():
    return load_atlas(XSS_DIR)


def rendered(*groups) -> str:
    m = base_map()
    for group in groups:
        group.add_to(m)
    return m.get_root().render()


@pytest.mark.parametrize("layer", ["city", "districts", "plans", "parks", "institutions", "companies"])
def test_only_display_columns_reach_the_browser(mini_atlas, layer):
    collection = display_collection(mini_atlas.layers[layer], layer, display_text(layer, "zh"))
    assert len(collection["features"]) == len(mini_atlas.layers[layer])
    for feature in collection["features"]:
        assert set(feature["properties"]) == set(DISPLAY_COLUMNS)
        assert feature["id"] == feature["properties"]["id"]


@pytest.mark.parametrize(("lang", "name", "alt"), [("zh", "中国云谷", "China Cloud Valley"),
                                                   ("en", "China Cloud Valley", "中国云谷")])
def test_names_follow_the_language(mini_atlas, lang, name, alt):
    features = display_collection(mini_atlas.layers["parks"], "parks", display_text("parks", lang))["features"]
    props = {f["id"]: f["properties"] for f in features}
    assert props["park_china_cloud_valley"]["name"] == name
    assert props["park_china_cloud_valley"]["name_alt"] == alt


def test_payloads_are_escaped_in_the_display_geojson(xss_atlas):
    collection = display_collection(xss_atlas.layers["parks"], "parks", display_text("parks", "zh"))
    probe = next(f for f in collection["features"] if f["id"] == PROBE)
    text = json.dumps(probe["properties"], ensure_ascii=False)
    for raw in ("<img", "<script", "`", "${", "\\\\"):
        assert raw not in text
    assert probe["properties"]["name"].startswith("&lt;img src=x onerror=window.__xss=1&gt;")


def test_rendered_map_carries_no_raw_payload(xss_atlas):
    groups = [overlay_group(lid, display_collection(gdf, lid, display_text(lid, "en")), layer_label(lid, "en"))
              for lid, gdf in xss_atlas.layers.items()]
    html = rendered(*groups)
    assert "window.__xss=1</script>" not in html
    assert "<img src=x" not in html
    assert "${window.__xss=1}" not in html
    assert "`反引号`" not in html and "`back`tick`" not in html
    assert "onerror=window.__xss=1&gt;" in html or "onerror=window.__xss=1\\u0026gt;" in html  # escaped text
    assert "description" not in html.lower()  # long fields stay on the server


def test_amap_overlays_are_gcj02(mini_atlas):
    gdf = mini_atlas.layers["institutions"]
    wgs = display_collection(gdf, "institutions", display_text("institutions", "zh"), "wgs84")
    gcj = display_collection(gdf, "institutions", display_text("institutions", "zh"), "gcj02")
    for a, b, (_, row) in zip(wgs["features"], gcj["features"], gdf.iterrows(), strict=True):
        x, y = row.geometry.x, row.geometry.y
        assert a["geometry"]["coordinates"] == pytest.approx([x, y], abs=1e-6)  # 6 decimals for display
        ex, ey = wgs84_to_gcj02(np.array([x]), np.array([y]))
        assert b["geometry"]["coordinates"] == pytest.approx([ex[0], ey[0]], abs=1e-6)
        assert abs(b["geometry"]["coordinates"][0] - x) > 1e-3  # a real shift of hundreds of metres


def test_empty_layer_gives_empty_group(mini_atlas):
    empty = display_collection(mini_atlas.layers["parks"].iloc[0:0], "parks", display_text("parks", "zh"))
    assert empty["features"] == []
    assert "geo_json" not in rendered(overlay_group("parks", empty, layer_label("parks", "zh")))


def test_overlay_group_accepts_json_text(mini_atlas):
    text = json.dumps(display_collection(mini_atlas.layers["parks"], "parks", display_text("parks", "zh")))
    html = rendered(overlay_group("parks", text, layer_label("parks", "zh")))
    assert "atlas-f-park_yunqi_town" in html
    assert "atlas-layer-parks" in html


def test_highlight_group(mini_atlas):
    one = display_collection(mini_atlas.layers["parks"].iloc[[0]], "parks", display_text("parks", "zh"))
    assert "atlas-sel-" in rendered(highlight_group(one))
    assert "atlas-sel-" not in rendered(highlight_group(None))


def test_legend_html_escapes_every_label():
    html = legend_html([("<b>layer</b>", [("`kind` ${x}", "#123456", "dot")])], note="<i>note</i>")
    assert "<b>layer" not in html and "&lt;b&gt;layer" in html
    assert "`" not in html and "${" not in html
    assert "&lt;i&gt;note" in html


def test_legend_group_lists_the_entries_it_is_given():
    html = rendered(legend_group([("Parks", legend_entries("parks", {"data_center": "Data centre"})),
                                  ("Companies", legend_entries("companies", {}))]))
    assert "Data centre" in html and "atlas-legend" in html and "#4f46e5" in html
    assert "Companies" not in html  # a layer without entries gets no heading


def test_base_map_carries_no_interface_text():
    """streamlit-folium keys the component on the base map's script: a base map with any interface string in it
    would differ between languages and remount the map (losing the view) on a language switch; the measure tool,
    the legend and the tiles' notice are dynamic groups."""
    script = _get_map_string(base_map())
    assert generate_js_hash(script, "atlas_map", False) == generate_js_hash(_get_map_string(base_map()),
                                                                            "atlas_map", False)
    labels = [text for pair in STRINGS.values() for text in pair if len(text) >= 4]
    labels += [layer_label(lid, lang) for lid in LAYER_DEFS for lang in LANGS]
    assert not [text for text in labels if text in script]
    assert "L.Control.Measure" not in script
    assert '"maxZoom": 19' in _get_map_string(base_map())  # markercluster needs the map's maxZoom


@pytest.mark.parametrize(("lang", "localization"), [("zh", "cn"), ("en", "en")])
def test_measure_tool_is_a_dynamic_group_in_the_language(lang, localization):
    html = rendered(measure_group(lang))
    assert "new L.Control.Measure(" in html and f'"localization": "{localization}"' in html


def test_selection_fits_only_when_asked(mini_atlas):
    one = display_collection(mini_atlas.layers["parks"].iloc[[0]], "parks", display_text("parks", "zh"))
    area = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x_1"},
         "geometry": {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30]]]}}]}
    fitted = rendered(highlight_group(one, area, fit=True))
    assert "fitBounds" in fitted and '"maxZoom": 15' in fitted and "atlas-unc-x_1" in fitted
    assert "fitBounds" not in rendered(highlight_group(one, area, fit=False))


@pytest.mark.parametrize("system", ["wgs84", "gcj02"])
def test_display_coordinates_have_at_most_six_decimals(mini_atlas, system):
    districts = mini_atlas.layers["districts"]
    text = json.dumps(display_collection(districts, "districts", display_text("districts", "zh"), system))
    numbers = re.findall(r"-?\d+\.\d+", text)
    assert numbers and all(len(n.split(".")[1]) <= 6 for n in numbers)
