"""Selecting a feature: a click on the map and a search both fill the side panel with its facts and articles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ui.facts import display, value_text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

def feature_props(layer_file: str, feature_id: str) -> dict:
    for feature in json.loads((DATA / layer_file).read_text(encoding="utf-8"))["features"]:
        if feature["properties"]["id"] == feature_id:
            return feature["properties"]
    raise KeyError(feature_id)


def headlines(source_ids) -> dict[str, str]:
    sources = {s["id"]: s for s in json.loads((DATA / "sources.json").read_text(encoding="utf-8"))}
    return {sid: sources[sid]["headline_zh"] for sid in source_ids}


def assert_facts_and_articles(app, props: dict) -> None:
    """The side panel lists every fact (label and value) on its own line, fits its width, and each cited article's
    popover gives the headline."""
    panel = app.selected_panel_text()
    for fact in props["facts"]:
        assert f"{display(fact['label_zh'], 'zh')}: {value_text(fact, 'zh')}" in panel, fact["label_zh"]
    assert not app.scrolls_sideways(".st-key-side_panel"), "the side panel scrolls sideways"
    for sid, headline in headlines({f["source"] for f in props["facts"]}).items():
        article = app.popover(f"facts_src_{sid}")
        assert display(headline, "zh") in article, f"{sid} {headline} missing from the article popover"
        assert sid not in article, f"the internal id {sid} is shown in the article popover"


def test_click_on_xihu_shows_its_facts_and_articles(app, hooks):
    props = feature_props("districts.geojson", "dist_xihu")
    assert props["facts"], "dist_xihu has no facts in data/"
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.wait_for_count(hooks.feature("dist_xihu"), 1)
    assert "总览" in app.selected_panel_text()  # the overview, nothing selected yet
    app.mouse_on("dist_xihu", click=True)
    app.wait_for_selected("dist_xihu")
    panel = app.selected_panel_text()
    assert "西湖区" in panel and "Xihu District" in panel
    assert_facts_and_articles(app, props)
    assert app.page.evaluate("() => new URLSearchParams(location.search).get('sel')") == "dist_xihu"


def test_search_selects_china_cloud_valley(app, hooks):
    props = feature_props("parks.geojson", "park_china_cloud_valley")
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.search("云谷", pick="中国云谷")
    app.wait_for_selected("park_china_cloud_valley")
    panel = app.selected_panel_text()
    assert props["name_zh"] in panel
    assert props["name_en"] in panel
    assert_facts_and_articles(app, props)
    # only one feature is outlined as the selection
    assert app.count(f"[class*='{hooks.selected_prefix}']") == 1


@pytest.mark.parametrize("layer_file, feature_id", [("districts.geojson", "dist_xihu"),
                                                    ("parks.geojson", "park_china_cloud_valley")])
def test_side_panel_states_the_location_precision(app, hooks, layer_file, feature_id):
    """Locations are honest: the panel gives the stored precision as a distance, never "±?"."""
    metres = float(feature_props(layer_file, feature_id)["location_precision_m"])
    shown = f"{metres / 1000:.3g} 公里" if metres >= 1000 else f"{metres:g} 米"
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: feature_id})
    app.wait_for_selected(feature_id)
    panel = app.selected_panel_text()
    match = re.search(r"位置精度: ±(\S+ ?\S*)", panel)
    assert match, "no location precision in the side panel"
    assert match.group(1).strip() == shown, f"{feature_id}: precision shown as ±{match.group(1)}, stored {metres:g} m"
