"""Selecting a feature: a click on the map and a search both fill the side panel with its facts and articles."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

# In the map frame: a point of the element matching `sel` where that element is the topmost one, nearest to
# the centre of its bounding box (so the click reaches it and not a park or a plan drawn above it).
_FREE_POINT_JS = """(sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const W = document.documentElement.clientWidth, H = document.documentElement.clientHeight;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const pts = [];
    for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
        const x = r.left + r.width * i / 40, y = r.top + r.height * j / 40;
        if (x > 5 && y > 5 && x < W - 5 && y < H - 5) pts.push([x, y]);
    }
    pts.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    for (const [x, y] of pts) {
        const hit = document.elementFromPoint(x, y);
        if (hit === el) return {x, y};
    }
    return null;
}"""


def feature_props(layer_file: str, feature_id: str) -> dict:
    for feature in json.loads((DATA / layer_file).read_text(encoding="utf-8"))["features"]:
        if feature["properties"]["id"] == feature_id:
            return feature["properties"]
    raise KeyError(feature_id)


def headlines(source_ids) -> dict[str, str]:
    sources = {s["id"]: s for s in json.loads((DATA / "sources.json").read_text(encoding="utf-8"))}
    return {sid: sources[sid]["headline_zh"] for sid in source_ids}


def assert_facts_and_articles(app, props: dict) -> None:
    """The side panel's facts table lists every fact (label and value) and its sources list every headline."""
    container = app.page.locator(".st-key-side_panel")
    rows = app.dataframe_rows(container.locator('[data-testid="stDataFrame"]').first)
    shown = [(r.get("指标"), r.get("数值")) for r in rows]
    assert shown == [(f["label_zh"], str(f["value"])) for f in props["facts"]]
    articles = app.expand(container, "出处文章")
    for sid, headline in headlines({f["source"] for f in props["facts"]}).items():
        assert sid in articles and headline in articles, f"{sid} {headline} missing from the side panel"


def click_feature(app, hooks, feature_id: str) -> None:
    """A real mouse click on the map where ``feature_id``'s element is on top."""
    frame = app.map_frame()
    point = frame.evaluate(_FREE_POINT_JS, hooks.feature(feature_id))
    assert point, f"no visible, uncovered point of {feature_id} on the map"
    box = app.page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    app.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_click_on_xihu_shows_its_facts_and_articles(app, hooks):
    props = feature_props("districts.geojson", "dist_xihu")
    assert props["facts"], "dist_xihu has no facts in data/"
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.wait_for_count(hooks.feature("dist_xihu"), 1)
    assert "总览" in app.selected_panel_text()  # the overview, nothing selected yet
    click_feature(app, hooks, "dist_xihu")
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
