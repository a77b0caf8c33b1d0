"""What a visitor touches, in Chromium: search that finds the place first, figures in each language's own words,
a kind filter that shows only those kinds, Enter in a multiselect, no internal ids and no English chrome in the
Chinese interface (issue 18 items 1, 4, 8, 13, 14)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from geo.core.schema import LAYERS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
# The header texts (by column index) and the rendered cells' texts of an st.dataframe's accessible grid.
GRID_JS = """(grid) => {
    const headers = {};
    grid.querySelectorAll('th[role=columnheader]').forEach(th => {
        headers[String(Number(th.getAttribute('aria-colindex')) - 1)] = th.textContent; });
    const cells = [...grid.querySelectorAll('[data-testid^="glide-cell-"]')]
        .map(td => [td.dataset.testid, td.textContent]);
    return [headers, cells];
}"""
ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d\b")


def all_ids() -> set[str]:
    ids = set()
    for path in DATA.glob("*.geojson"):
        ids |= {f["properties"]["id"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
    return ids


def result_ids(app) -> list[str]:
    """The search results' feature ids, in the order the sidebar lists them (read from their "name · layer"
    labels, which the data make unique here)."""
    by_label = {}
    for file, zh_layer, *_rest in LAYERS.values():
        for f in json.loads((DATA / file).read_text(encoding="utf-8"))["features"]:
            p = f["properties"]
            by_label[f"{p['name_zh'] or p['name_en']} · {zh_layer}"] = p["id"]
    labels = [label.strip() for label in app.result_options().all_inner_texts()]
    assert all(label in by_label for label in labels), [lab for lab in labels if lab not in by_label]
    return [by_label[label] for label in labels]


def type_search(app, text: str) -> None:
    box = app.sidebar.locator('[data-testid="stTextInput"] input').first
    box.fill(text)
    box.press("Enter")
    app.wait_idle()


def test_search_puts_the_place_first(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    for query, first in (("信创园", "park_xinchuang_shangmi"), ("信创产业园", "park_xinchuang_shangmi"),
                         ("大运河未来城", "park_canal_future_city"), ("云谷", "park_china_cloud_valley"),
                         ("yungu", "park_china_cloud_valley"), ("雲谷", "park_china_cloud_valley")):
        type_search(app, query)
        ids = result_ids(app)
        assert ids and ids[0] == first, f"{query}: {ids[:5]}"
        if query == "云谷":  # the events and 西湖大学 (云谷校区) come after the parks named 云谷
            assert ids.index("inst_westlake_univ") > 2 and not ids[1].startswith("ev_")
    app.result_options().filter(has_text=re.compile(r"^中国云谷 · ")).first.click()
    app.wait_idle()
    app.wait_for_selected("park_china_cloud_valley")


@pytest.mark.parametrize(("lang", "wanted", "never"), [
    ("zh", ["20亿元", "唯一", "约6.5万平方米"], ["(only one)", "CNY", "> 20", "20條", "2個", "萬方"]),
    ("en", ["CNY 2 billion", "only one", "about 65,000 m²"], ["唯一", "20 CNY 100 million", "> 20", "7 10,000 m²",
                                                             "wan fang"]),
])
def test_figures_read_in_each_language(app, hooks, lang, wanted, never):
    seen = []
    for sel in ("park_eastern_software_park", "park_xinchuang_shangmi", "city_hangzhou", "park_canal_future_city",
                "park_alibaba_center"):
        app.open(**{hooks.basemap_param: hooks.no_tiles, "sel": sel, "lang": lang})
        app.page.locator(".st-key-side_panel").get_by_text(
            "数据与事实" if lang == "zh" else "Facts", exact=True).first.wait_for()
        panel = app.selected_panel_text()
        facts = panel.split("数据与事实" if lang == "zh" else "Facts", 1)[-1]
        seen.append(facts)
        assert not ISO_DATE.search(facts), f"{sel}: an ISO date in the panel: {ISO_DATE.search(facts).group(0)}"
        assert not re.search(r"(\d{4}年\d{1,2}月) · \1|(\w{3} \d{4}) · \2", facts), f"{sel}: a date twice"
    text = "\n".join(seen)
    for word in wanted:
        assert word in text, f"{word!r} missing"
    for word in never:
        assert word not in text, f"{word!r} shown"
    number_then_magnitude = re.search(r"\d (CNY )?(100 million|10,000 )", text)
    assert not number_then_magnitude, number_then_magnitude and number_then_magnitude.group(0)


def _kinds(app):
    return app.sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="类型").first


def test_enter_in_the_kind_filter_picks_the_typed_kind_or_nothing(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    box = _kinds(app).locator("input")
    box.click()
    box.type("zzzz")
    empty = app.page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMultiSelectDropdown"] [role="option"] > span:not([data-item-hl])')]
        .map(e => [getComputedStyle(e).visibility, getComputedStyle(e, '::after').content])""")
    assert empty == [["hidden", '"没有匹配的选项"']], empty  # not Streamlit's "No results"
    box.press("Enter")
    app.page.keyboard.press("Escape")
    app.wait_idle()
    assert app.page.evaluate("() => new URLSearchParams(location.search).get('kinds')") is None
    box.click()
    box.type("高校")
    assert "Select" not in " ".join(app.page.get_by_role("option").all_inner_texts())
    box.press("Enter")
    app.page.keyboard.press("Escape")
    app.wait_idle()
    chips = _kinds(app).locator('[data-testid="stMultiSelectTagsContainer"]').inner_text()
    assert "高校 · 高校与科研机构" in chips and "国家实验室" not in chips and "Select" not in chips
    assert app.page.evaluate("() => new URLSearchParams(location.search).get('kinds')") == "university"


def test_a_kind_filter_hides_the_other_layers_and_the_counts_say_so(app, hooks):
    universities = [f["properties"]["id"] for f in json.loads((DATA / "institutions.geojson").read_text(
        encoding="utf-8"))["features"] if f["properties"]["kind"] == "university"]
    app.open(**{hooks.basemap_param: hooks.no_tiles, "kinds": "university"})
    frame = app.map_frame()
    frame.wait_for_function("() => window.atlasPoints && window.atlasPoints.atlasMarkers")
    layers = frame.evaluate("() => window.atlasPoints.atlasMarkers.map(m => m.feature.properties.layer)")
    assert set(layers) == {"institutions"} and len(layers) == len(universities)
    assert app.count(hooks.layer("parks")) == 0 and app.count(hooks.layer("plans")) == 0
    counts = app.layer_counts()
    assert counts["园区与平台"] == counts["企业与基金"] == counts["事件"] == counts["空间规划"] == 0
    assert counts["高校与科研机构"] == len(universities)


def test_no_internal_ids_in_the_table_popover_or_tooltip(app, hooks):
    ids = all_ids()
    app.open(**{hooks.basemap_param: hooks.no_tiles, "sel": "park_zijingang"})
    article = app.popover("facts_src_s003")
    assert "编号" not in article and not re.search(r"\bs00\d\b", article) and not ISO_DATE.search(article)
    grid = app.page.locator('.st-key-table [data-testid="stDataFrame"], [data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    grid.hover()
    grid.locator('[data-testid^="glide-cell-"]').first.wait_for(state="attached")
    headers, cells = grid.evaluate(GRID_JS)
    named = [h for _i, h in sorted(headers.items(), key=lambda kv: int(kv[0])) if h.strip()]
    assert named and named[0] == "名称", named  # (a selection column without a header may come first)
    shown = {text for _pos, text in cells}
    assert len(shown) > 20 and "西湖区" in shown
    assert not shown & ids, f"ids in the table: {sorted(shown & ids)[:5]}"
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.wait_for_feature("dist_xihu")
    app.mouse_on("dist_xihu")
    tip = app.map_frame().locator(".leaflet-tooltip").first.inner_text()
    assert tip and not [fid for fid in ids if fid in tip]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamlits_widget_words_follow_the_language(app, hooks, lang):
    app.open(**{hooks.basemap_param: hooks.no_tiles, "lang": lang})
    type_search(app, "云")
    app.sidebar.locator('[data-testid="stTextInput"] input').first.type("谷")  # typed, not yet applied
    text = app.sidebar.inner_text()
    english = ("Upload", "per file", "Press Enter")
    drawn = app.page.evaluate("""() => [
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
        '[data-testid="stFileUploaderDropzoneInstructions"] span',
        '[data-testid="InputInstructions"] > span:first-child'].map(s => {
            const e = document.querySelector(s); return e ? getComputedStyle(e, '::after').content : null; })""")
    if lang == "zh":
        assert not [w for w in english if w in text], text
        assert drawn == ['"上传"', '"单个文件不超过 20MB"', '"按回车键确认"']
    else:
        assert "Upload" in text and all(d in ("none", "normal", None) for d in drawn)
