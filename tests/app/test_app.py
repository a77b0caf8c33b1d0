"""The Streamlit page, run headless with streamlit.testing.v1.AppTest against the shipped data (data/),
the mini atlas and the XSS fixture (ATLAS_DATA_DIR)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from geo.core.crs import wgs84_to_gcj02
from geo.core.filters import Filters, apply_filters
from geo.core.schema import LAYERS
from geo.core.spatial import nearby, related
from layers.definitions import DEFAULT_LAYERS, DISPLAY_COLUMNS
from tests.common import (
    MINI_DIR,
    REAL_DATA_DIR,
    TEST_DATA_DIR,
    block,
    choose,
    layer_labels,
    listed,
    nodes,
    set_layer,
    shown_layers,
)
from ui.facts import value_text

XSS_DIR = TEST_DATA_DIR / "xss"
COLLECTION = re.compile(r'_add\((\{"features": .*?"type": "FeatureCollection"\})\)')
POINTS = re.compile(r'L\.atlasPoints\((\{.*?\}), \{"animate"')


def counts_in_labels(at: AppTest) -> dict[str, int]:
    out = {}
    for lid, label in layer_labels(at).items():
        out[lid] = int(re.search(r"\((\d+)\)$", label).group(1))
    return out


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def map_collections(at: AppTest) -> list[dict]:
    """Every GeoJSON collection sent to the map: the areas' folium.GeoJson layers and the point groups' layers."""
    script = map_args(at)["feature_group"]
    collections = [json.loads(m) for m in COLLECTION.findall(script)]
    for payload in POINTS.findall(script):
        collections += json.loads(payload)["layers"]
    return collections


def map_features(at: AppTest) -> dict[str, dict]:
    return {f["id"]: f for c in map_collections(at) for f in c["features"] if "id" in f}  # not the uncertainty


def page_header(at: AppTest) -> str:
    """The slim header's HTML (ui/layout.py: title and subtitle in one st.html element)."""
    return next(h.proto.body for h in at.get("html") if "atlas-header" in h.proto.body)


def query(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def expected_counts(atlas, **filters) -> dict[str, int]:
    return {lid: len(gdf) for lid, gdf in apply_filters(atlas, Filters(**filters)).items()}


# ------------------------------------------------------------------------------------------------ default view


def test_default_view(app, atlas):
    at = app()
    assert not at.error
    assert counts_in_labels(at) == expected_counts(atlas)
    assert shown_layers(at) == list(DEFAULT_LAYERS)
    assert query(at) == {}
    assert at.subheader[0].value == "总览"
    assert at.selectbox(key="basemap").value == "amap_road"


def test_map_gets_only_display_properties_and_local_assets(app, atlas):
    at = app(basemap="none")
    args = map_args(at)
    assert all(u.startswith("/app/static/vendor/") for u in args["js_links"] + args["css_links"])
    features = map_features(at)
    assert set(features) == {fid for lid in DEFAULT_LAYERS for fid in atlas.layers[lid]["id"]}
    # points carry "s" too: the index of their style in the point group's shared style list
    assert all(set(f["properties"]) - {"s"} == set(DISPLAY_COLUMNS) for f in features.values())


@pytest.mark.parametrize(("basemap", "system"), [("amap_road", "gcj02"), ("amap_satellite", "gcj02"),
                                                 ("osm", "wgs84"), ("positron", "wgs84"), ("none", "wgs84")])
def test_overlays_use_the_tiles_coordinate_system(app, atlas, basemap, system):
    at = app(basemap=basemap, sel="inst_zju")
    features = map_features(at)
    gdf = atlas.layers["institutions"]
    for _, row in gdf.iterrows():
        x, y = row.geometry.x, row.geometry.y
        if system == "gcj02":
            ex, ey = wgs84_to_gcj02(np.array([x]), np.array([y]))
            x, y = ex[0], ey[0]
        assert features[row["id"]]["geometry"]["coordinates"] == pytest.approx([x, y], abs=1.1e-6)
    highlight = [f for c in map_collections(at) for f in c["features"] if f.get("id") == "inst_zju"]
    assert len(highlight) == 2  # the feature and its selection outline, in the same system
    assert highlight[0]["geometry"] == highlight[1]["geometry"]
    # the uncertainty circle around it is drawn in that system too: centred on the drawn point
    (circle,) = [f for c in map_collections(at) for f in c["features"]
                 if "id" not in f and f["properties"].get("id") == "inst_zju"]
    ring = np.array(circle["geometry"]["coordinates"][0])
    assert ring.mean(axis=0) == pytest.approx(highlight[0]["geometry"]["coordinates"], abs=2e-4)


def test_filters_and_basemap_keep_the_map_mounted(app):
    at = app()
    first = map_args(at)
    at.multiselect(key="districts").set_value(["330106"]).run()
    at.selectbox(key="basemap").set_value("none").run()
    second = map_args(at)
    assert second["script"] == first["script"] and second["key"] == first["key"]
    assert second["feature_group"] != first["feature_group"]


# ------------------------------------------------------------------------------------------------ layers and filters


@pytest.mark.parametrize("layer", ["companies", "plans", "districts"])
def test_toggle_off_hides_a_layer(app, atlas, layer):
    at = app()
    before = len(map_features(at))
    set_layer(at, layer, False).run()
    assert len(map_features(at)) == before - len(atlas.layers[layer])
    assert layer not in query(at)["layers"].split(",")
    assert counts_in_labels(at)[layer] == len(atlas.layers[layer])  # the count stays visible


def test_toggle_on_city(app, atlas):
    at = app()
    set_layer(at, "city", True).run()
    assert "city_hangzhou" in map_features(at)
    assert query(at)["layers"].split(",") == list(LAYERS)


@pytest.mark.parametrize("filters", [
    {"districts": ["330106"]},
    {"districts": ["330105", "330110"]},
    {"kinds": ["data_center"]},
    {"kinds": ["university", "company"]},
    {"tags": ["compute"]},
    {"districts": ["330106"], "tags": ["ai"]},
])
def test_filters_change_counts_and_url(app, atlas, filters):
    at = app()
    for key, value in filters.items():
        at.multiselect(key=key).set_value(value)
    at.run()
    assert counts_in_labels(at) == expected_counts(atlas, **filters)
    assert {k: query(at)[k] for k in filters} == {k: ",".join(v) for k, v in filters.items()}
    shown = set(map_features(at))
    wanted = {fid for lid, gdf in apply_filters(atlas, Filters(**filters)).items() if lid in DEFAULT_LAYERS
              for fid in gdf["id"]}
    assert shown == wanted


@pytest.mark.parametrize(("text", "data_dir"), [
    ("云谷", REAL_DATA_DIR), ("雲谷", REAL_DATA_DIR), ("cloud valley", MINI_DIR), ("CLOUD VALLEY", MINI_DIR),
    ("cloud valley", REAL_DATA_DIR),
])
def test_search_finds_both_cloud_valleys(app, text, data_dir):
    at = app(data_dir)
    at.text_input(key="q").input(text).run()
    assert {"park_china_cloud_valley", "park_yungu_center"} <= set(listed(at, "results"))
    assert {"park_china_cloud_valley", "park_yungu_center"} <= set(map_features(at))
    assert query(at)["q"] == text


def test_search_result_selects(app):
    at = app()
    at.text_input(key="q").input("云谷").run()
    choose(at, "park_yungu_center", "results")
    assert query(at)["sel"] == "park_yungu_center"
    assert at.subheader[0].value == "云谷中心"
    assert at.pills(key="results").value is None  # the list forgets the choice: the same result can be chosen again


def test_search_lists_every_result_once_the_rest_in_an_expander(app, atlas):
    at = app(basemap="none")
    at.text_input(key="q").input("杭州").run()
    first = dict(at.pills(key="results").format_func.__self__)
    more = dict(at.pills(key="results_more").format_func.__self__)
    assert len(first) == 8 and more and not set(first) & set(more)
    assert all(fid in atlas for fid in (*first, *more))
    total = int(re.search(r"（(\d+)）", " ".join(c.value for c in at.caption)).group(1))
    assert len(first) + len(more) == min(total, 60)
    assert all(" · " in label for label in first.values())


def test_clear_all(app):
    at = app(districts="330106", kinds="data_center", tags="compute", q="云", layers="parks")
    at.button(key="clear").click().run()
    assert at.multiselect(key="districts").value == []
    assert at.multiselect(key="kinds").value == []
    assert at.multiselect(key="tags").value == []
    assert at.text_input(key="q").value == ""
    assert query(at) == {"layers": "parks"}  # layers are not filters


# ------------------------------------------------------------------------------------------------ URL state


@pytest.mark.parametrize("params", [
    {"layers": "parks,companies", "districts": "330106", "q": "云谷", "basemap": "none", "lang": "en"},
    {"kinds": "university,data_center", "tags": "ai,compute", "sel": "park_china_cloud_valley"},
    {"layers": "", "basemap": "osm"},
])
def test_query_string_round_trip(app, params):
    at = app(**params)
    assert not at.warning
    assert query(at) == params
    assert ("parks" in shown_layers(at)) is ("parks" in params.get("layers", "parks"))
    if "districts" in params:
        assert at.multiselect(key="districts").value == params["districts"].split(",")
    if "lang" in params:
        assert "Hangzhou AI &amp; Innovation Atlas" in page_header(at)


def test_district_ids_are_accepted_in_the_url(app):
    at = app(districts="dist_xihu")
    assert at.multiselect(key="districts").value == ["330106"]
    assert query(at)["districts"] == "330106"


@pytest.mark.parametrize(("params", "named"), [
    ({"layers": "parks,roads"}, "layers=roads"),
    ({"kinds": "spaceport"}, "kinds=spaceport"),
    ({"sel": "no_such_feature"}, "sel=no_such_feature"),
    ({"basemap": "google"}, "basemap=google"),
    ({"lang": "fr"}, "lang=fr"),
    ({"districts": "110101"}, "districts=110101"),
    ({"view": "30.27,120.16"}, "view=30.27,120.16"),
    ({"view": "30.27,120.16,25"}, "view=30.27,120.16,25"),
    ({"view": "95,120.16,12"}, "view=95,120.16,12"),
    ({"view": "north,120.16,12"}, "view=north,120.16,12"),
    ({"view": "nan,120.16,12"}, "view=nan,120.16,12"),
])
def test_invalid_params_are_dropped_with_a_warning(app, params, named):
    at = app(**params)
    assert len(at.warning) == 1 and named in at.warning[0].value.replace("\\", "")
    key, value = next(iter(params.items()))
    assert value.split(",")[-1] not in query(at).get(key, "")


@pytest.mark.parametrize(("basemap", "lat", "lon"), [("none", 30.2765, 120.1605), ("amap_road", 30.2765, 120.1605)])
def test_view_in_the_url_is_restored_once(app, basemap, lat, lon):
    """``view=lat,lon,zoom`` (WGS84) is kept in the URL and given to the map component as its centre (in the tiles'
    system) and zoom; the base map itself does not depend on it."""
    at = app(view=f"{lat},{lon},12.5", basemap=basemap)
    assert not at.warning
    assert query(at)["view"] == f"{lat},{lon},12.5"
    args = map_args(at)
    x, y = wgs84_to_gcj02(lon, lat) if basemap == "amap_road" else (lon, lat)
    assert args["center"] == pytest.approx([float(y), float(x)], abs=1e-6) and args["zoom"] == 12.5
    assert args["script"] == map_args(app(basemap=basemap))["script"]  # the base map is the same for everyone
    at.selectbox(key="basemap").set_value("osm").run()  # the same value: the component does not move the map
    assert map_args(at)["center"] == args["center"]


def test_selection_in_the_url_overrides_its_view(app):
    at = app(view="30.2,120.1,11", sel="park_china_cloud_valley")
    assert not at.warning
    args = map_args(at)
    assert args["center"] is None and args["zoom"] is None  # the selection's fit decides the view
    assert "fitBounds" in args["feature_group"]
    assert query(at)["view"] == "30.2,120.1,11"


def test_view_follows_the_map(app):
    """The map's reported centre (tiles' system) and zoom become ``view`` in WGS84; its opening view leaves none."""
    from layers.render import MAP_CENTER, MAP_ZOOM
    from ui import session

    x, y = wgs84_to_gcj02(120.1605, 30.2765)
    moved = session.reported_view({"lat": float(y), "lng": float(x)}, 13, "amap_road")
    assert moved == pytest.approx((30.2765, 120.1605, 13), abs=1e-5)
    assert session.reported_view({"lat": MAP_CENTER[0], "lng": MAP_CENTER[1]}, MAP_ZOOM, "amap_road") == ()
    assert session.reported_view({"lat": 30.2765, "lng": 120.1605}, 40, "none") is None
    assert session.reported_view(None, 12, "none") is None
    at = app()
    assert "view" not in query(at)
    at.session_state[session.AT] = moved
    at.run()
    assert query(at)["view"] == "30.2765,120.1605,13"


# ------------------------------------------------------------------------------------------------ selection panel


def test_selection_via_query_param_shows_the_panel(app, atlas):
    at = app(sel="park_china_cloud_valley")
    _lid, row = atlas.feature("park_china_cloud_valley")
    assert at.subheader[0].value == "中国云谷"
    assert row["name_en"] in [c.value.replace("\\", "") for c in at.caption]
    assert not nodes(block(at, "side_panel"), "dataframe")  # facts are lines, not a wide table
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    for fact in row["facts"]:
        assert f"**{fact['label_zh']}**: {value_text(fact, 'zh')}" in text
    for source in {f["source"] for f in row["facts"]}:
        assert atlas.sources[source]["headline_zh"] in text
    assert "atlas-sel-park_china_cloud_valley" in map_args(at)["feature_group"]
    assert "fitBounds" in map_args(at)["feature_group"]  # the map fits a selection made outside the map
    at.selectbox(key="basemap").set_value("none").run()
    assert "fitBounds" not in map_args(at)["feature_group"]  # once: a later rerun leaves the view alone


@pytest.mark.parametrize(("feature_id", "lang", "metres", "shown"), [
    ("dist_xihu", "zh", 250, "±250 米"), ("park_china_cloud_valley", "zh", 2000, "±2 公里"),
    ("park_china_cloud_valley", "en", 2000, "±2 km"),
])
def test_panel_states_the_location_precision(app, atlas, feature_id, lang, metres, shown):
    assert atlas.feature(feature_id)[1]["location_precision_m"] == metres  # the data this case was written for
    at = app(sel=feature_id, lang=lang)
    text = " ".join(m.value.replace("\\", "") for m in at.markdown)
    assert shown in text


def test_related_features_are_clickable(app, atlas):
    at = app(sel="park_yungu_center")
    rel = related(atlas, "park_yungu_center")
    for relation, ids in rel.items():
        assert set(listed(at, f"rel_{relation}")) == set(ids)
    parent = rel["parent"][0]
    choose(at, parent, "rel_parent")
    assert query(at)["sel"] == parent
    assert "fitBounds" in map_args(at)["feature_group"]  # chosen in the panel: the map fits to it


def test_deselect_returns_to_overview(app):
    at = app(sel="park_china_cloud_valley")
    at.button(key="deselect").click().run()
    assert "sel" not in query(at)
    assert at.subheader[0].value == "总览"


def test_district_selection_shows_inside_and_chart(app, atlas):
    at = app(sel="dist_xihu")
    assert listed(at, "inside"), "a district lists what lies inside it"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")


@pytest.mark.parametrize("radius", [0.5, 3.0, 20.0])
def test_nearby_lists_features_within_the_radius_nearest_first(app, atlas, radius):
    at = app(sel="park_china_cloud_valley")
    at.slider(key="nearby_km").set_value(radius).run()
    shown = list(listed(at, "nearby"))
    above = set(listed(at, "rel_")) | set(listed(at, "inside"))
    wanted = nearby(atlas, "park_china_cloud_valley", radius)["id"].tolist()
    assert shown == [fid for fid in wanted if fid not in above]  # all of them, nearest first, none twice


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_payloads_stay_text_in_the_panel(app, lang):
    at = app(XSS_DIR, sel="park_xss_probe", lang=lang)
    heading = at.subheader[0].value
    assert "<" not in heading.replace("\\<", "") and "`" not in heading.replace("\\`", "")
    for m in at.markdown:
        raw = m.value.replace("\\\\", "")
        assert not re.search(r"(?<!\\)[<`$]", raw), raw
    assert all("<img" not in b.label.replace("\\", "") or "\\<" in b.label for b in at.button)
    options = [o for p in at.pills for o in p.options]  # the panel's lists: labels escaped like the rest
    assert all("<img" not in o.replace("\\", "") or "\\<" in o for o in options)


# ------------------------------------------------------------------------------------------------ export


@pytest.mark.parametrize(("params", "scope"), [
    ({}, "visible"),
    ({"districts": "330106"}, "visible"),
    ({"districts": "330106", "tags": "ai"}, "parks"),
    ({"q": "云谷", "layers": "parks,institutions"}, "visible"),
])
def test_export_equals_the_filtered_set(app, atlas, downloads, params, scope):
    at = app(**params)
    if scope != "visible":
        at.selectbox(key="export_scope").set_value(scope).run()
    name, content = downloads(at)
    exported = json.loads(content)
    filters = Filters(districts=tuple(filter(None, params.get("districts", "").split(","))),
                      tags=tuple(filter(None, params.get("tags", "").split(","))), text=params.get("q", ""))
    layers = params["layers"].split(",") if "layers" in params else list(DEFAULT_LAYERS)
    layers = layers if scope == "visible" else [scope]
    wanted = [fid for lid, gdf in apply_filters(atlas, filters).items() if lid in layers for fid in gdf["id"]]
    assert [f["id"] for f in exported["features"]] == wanted
    assert "coordinate_system" not in exported  # RFC 7946 by default
    assert name.endswith("_wgs84.geojson")
    by_id = {f["id"]: f for f in exported["features"]}
    if "park_china_cloud_valley" in by_id:  # full, unescaped properties
        assert by_id["park_china_cloud_valley"]["properties"]["facts"]


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_export_in_chinese_systems(app, downloads, crs):
    at = app(districts="330106")
    at.selectbox(key="export_crs").set_value(crs).run()
    name, content = downloads(at)
    assert json.loads(content)["coordinate_system"]["name"].replace("-", "").lower() == crs
    assert name.endswith(f"_{crs}.geojson")


def test_export_is_unescaped(app, downloads):
    at = app(XSS_DIR, layers="parks")
    _name, content = downloads(at)
    probe = next(f for f in json.loads(content)["features"] if f["id"] == "park_xss_probe")
    assert probe["properties"]["name_zh"].startswith("<img src=x")


# ------------------------------------------------------------------------------------ data problems, language, basemaps


def test_bad_layer_file_is_reported_and_other_layers_load(app, tmp_path):
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    (data / "companies.geojson").write_text("{ not json", encoding="utf-8")
    at = app(data)
    assert any("companies.geojson" in e.value.replace("\\", "") for e in at.error)
    assert layer_labels(at)["parks"].endswith("(5)")
    assert "companies" not in layer_labels(at)  # no pill for a layer that did not load


def test_a_shown_layer_the_data_lack_stays_in_the_view(app, tmp_path):
    """A layer that did not load has no pill, but the view keeps it: the URL does not change under the visitor."""
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    (data / "companies.geojson").write_text("{ not json", encoding="utf-8")
    at = app(data, basemap="none")
    assert "companies" in DEFAULT_LAYERS and "companies" not in layer_labels(at)
    assert query(at) == {"basemap": "none"}  # still the default layers
    set_layer(at, "parks", False).run()
    assert query(at)["layers"].split(",") == [lid for lid in DEFAULT_LAYERS if lid != "parks"]


def test_bad_feature_is_named(app, tmp_path):
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    fc = json.loads((data / "parks.geojson").read_text(encoding="utf-8"))
    fc["features"][0]["properties"]["kind"] = "moon_base"
    (data / "parks.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    at = app(data)
    messages = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "parks.geojson" in messages and fc["features"][0]["properties"]["id"] in messages
    assert "moon_base" in messages


def test_missing_data_directory_is_reported(app, tmp_path):
    at = app(tmp_path / "nowhere")
    assert any("data directory not found" in e.value.replace("\\", "") for e in at.error)
    assert not [p for p in at.pills if p.key == "layers"] and not at.toggle  # no layer, no layer control


def test_english_interface(app):
    at = app(lang="en")
    assert "<h1>Hangzhou AI &amp; Innovation Atlas</h1>" in page_header(at)
    assert layer_labels(at)["parks"].startswith("Parks & platforms")
    script = map_args(at)["script"]
    at.radio(key="lang").set_value("zh").run()
    assert "<h1>杭州人工智能与创新地图</h1>" in page_header(at)
    assert map_args(at)["script"] == script  # the same base map in both languages: no remount, the view stays
    assert "lang" not in query(at)


@pytest.mark.parametrize(("key", "offered"), [(None, False), ("0123456789abcdef0123456789abcdef", True)])
def test_tianditu_needs_a_key(app, monkeypatch, key, offered):
    at = app()
    if key:
        monkeypatch.setenv("TIANDITU_KEY", key)
        at.run()
    assert ("天地图矢量" in at.selectbox(key="basemap").options) is offered
    assert "高德地图" in at.selectbox(key="basemap").options
