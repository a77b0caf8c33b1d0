"""The map-first layout: the map fills the window below a slim header at desktop sizes, the side panel beside
it never scrolls sideways, and on a phone the map comes first and the panel follows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1440, 900), (1280, 720)])
def test_map_covers_most_of_a_desktop_window(app, hooks, width, height):
    app.page.set_viewport_size({"width": width, "height": height})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_zijingang"})
    app.wait_for_selected("park_zijingang")
    box = app.page.locator(MAP_IFRAME).bounding_box()
    visible_h = min(box["y"] + box["height"], height) - max(box["y"], 0)
    share = box["width"] * visible_h / (width * height)
    assert share >= 0.45, f"the map covers {share:.0%} of a {width}x{height} window"
    assert box["y"] + box["height"] <= height + 1  # the whole map is in the window, below the header
    panel = app.page.locator(".st-key-side_panel").bounding_box()
    assert panel["x"] >= box["x"] + box["width"] - 1  # beside the map
    assert not app.scrolls_sideways(".st-key-side_panel")
    inner = app.map_frame().evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
    assert abs(inner[1] - box["height"]) <= 2  # Leaflet fills its frame (no grey band under the map)


def test_phone_shows_the_map_first_then_the_panel(app, hooks):
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_china_cloud_valley"})
    app.wait_for_selected("park_china_cloud_valley")
    box = app.page.locator(MAP_IFRAME).bounding_box()
    panel = app.page.locator(".st-key-side_panel").bounding_box()
    assert box["width"] >= 340 and box["height"] >= 0.5 * 844
    assert panel["y"] >= box["y"] + box["height"] - 1  # the panel follows the map
    assert not app.scrolls_sideways(".st-key-side_panel")
    legend_open = app.map_frame().evaluate("() => document.querySelector('.atlas-legend details').open")
    assert legend_open is False  # folded on a narrow map: it must not hide the map


SIZES = [(1920, 1080), (1440, 900), (1280, 720), (390, 844)]

# Every button of the side panel: scrolled into view (the panel scrolls on its own on a desktop, the page on a
# phone), is the element at its centre the button itself (or inside it)? Returns the covered ones.
_COVERED_JS = """(root) => {
    const out = [];
    // what a visitor can see (not inside a folded expander, which hides its content)
    const buttons = Array.from(document.querySelectorAll(root + ' button')).filter(b => b.checkVisibility(
        {visibilityProperty: true, opacityProperty: true}) && b.getBoundingClientRect().height > 0);
    for (const b of buttons) {
        b.scrollIntoView({block: 'center', inline: 'center'});
        const r = b.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!hit || !(hit === b || b.contains(hit))) {
            out.push([b.innerText.slice(0, 40), hit ? (hit.getAttribute('data-testid') || hit.tagName) : null]);
        }
    }
    return [buttons.length, out];
}"""


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("sel", ["park_xinchuang_shangmi", ""])
def test_every_panel_button_can_be_clicked(app, hooks, width, height, sel):
    app.page.set_viewport_size({"width": width, "height": height})
    params = {hooks.basemap_param: hooks.no_tiles}
    if sel:
        params[hooks.select_param] = sel
        app.open(**params)
        app.wait_for_selected(sel)
    else:
        app.open(**params)
        app.map_frame()
    n, covered = app.page.evaluate(_COVERED_JS, ".st-key-side_panel")
    assert n >= 3
    assert not covered, f"{len(covered)} of {n} buttons covered at {width}x{height}: {covered[:6]}"
    n_all, covered_all = app.page.evaluate(_COVERED_JS, '[data-testid="stMain"]')  # the table and export too
    assert not covered_all, f"{len(covered_all)} of {n_all} buttons of the page covered: {covered_all[:6]}"


@pytest.mark.parametrize(("width", "height"), SIZES[:3])
def test_desktop_panel_is_as_tall_as_the_map(app, hooks, width, height):
    app.page.set_viewport_size({"width": width, "height": height})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_xinchuang_shangmi"})
    app.wait_for_selected("park_xinchuang_shangmi")
    box = app.page.locator(MAP_IFRAME).bounding_box()
    panel = app.page.locator(".st-key-side_panel").bounding_box()
    assert abs(panel["y"] - box["y"]) <= 2 and abs(panel["height"] - box["height"]) <= 2, (panel, box)
    # it scrolls on its own: what does not fit is inside it, not drawn over what follows
    inner = app.page.locator(".st-key-side_panel").evaluate("el => [el.scrollHeight, el.clientHeight]")
    assert inner[0] > inner[1]
    below = app.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first.bounding_box()
    assert below["y"] >= panel["y"] + panel["height"] - 1


def test_phone_panel_flows_before_the_table(app, hooks):
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_xinchuang_shangmi"})
    app.wait_for_selected("park_xinchuang_shangmi")
    panel = app.page.locator(".st-key-side_panel")
    size = panel.evaluate("el => [el.scrollHeight, el.clientHeight, getComputedStyle(el).overflowY]")
    assert size[0] <= size[1] + 1 and size[2] == "visible"  # its natural height: nothing hangs out of it
    box = panel.bounding_box()
    table = app.page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first.bounding_box()
    assert table["y"] >= box["y"] + box["height"] - 1  # the table and export come after it


def test_overview_article_popover_opens_on_a_phone(app, hooks):
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.map_frame()
    button = app.page.locator(".st-key-side_panel [class*='st-key-facts_src_'] button").first
    button.scroll_into_view_if_needed()
    button.click()
    app.page.locator('[data-testid="stPopoverBody"]').last.wait_for(state="visible", timeout=10_000)


def test_a_new_selection_shows_the_panel_from_its_heading(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_xinchuang_shangmi"})
    app.wait_for_selected("park_xinchuang_shangmi")
    panel = app.page.locator(".st-key-side_panel")
    button = app.panel_list().filter(visible=True).last  # the last option of the panel's lists (nearby)
    button.scroll_into_view_if_needed()
    assert panel.evaluate("el => el.scrollTop") > 100  # the panel was scrolled down to the button
    button.click()
    app.page.wait_for_function("() => !location.search.includes('sel=park_xinchuang_shangmi')", timeout=15_000)
    app.wait_idle()
    app.page.wait_for_function("() => document.querySelector('.st-key-side_panel').scrollTop === 0", timeout=5_000)
    heading = panel.locator("h3").first.bounding_box()
    box = panel.bounding_box()
    assert box["y"] <= heading["y"] <= box["y"] + box["height"]
    assert not app.panel_list().locator("xpath=self::*[@aria-checked='true']").count()  # no list keeps the choice


# Each list of the side panel: its options stacked one per row at the list's full width, none overlapping the
# next, no label cut (the whole name is read). Returns [list count, option count, problems].
_LISTS_JS = """() => {
    const problems = [];
    let options = 0;
    const groups = document.querySelectorAll('.st-key-side_panel [data-testid="stButtonGroup"]');
    for (const g of groups) {
        const bs = Array.from(g.querySelectorAll('button')).filter(b => b.getBoundingClientRect().height > 0);
        const width = g.getBoundingClientRect().width;
        bs.forEach((b, i) => {
            options += 1;
            const r = b.getBoundingClientRect();
            if (r.width < width - 2) problems.push(['narrower than its list', b.innerText.slice(0, 30)]);
            const above = i > 0 ? bs[i - 1].getBoundingClientRect().bottom : -Infinity;
            if (r.top < above) problems.push(['overlaps', b.innerText.slice(0, 30)]);
            const text = b.querySelector('p') || b;  // the label: its whole width and height inside the button
            const t = text.getBoundingClientRect();
            if (text.scrollWidth > text.clientWidth + 1 || t.right > r.right + 1 || t.bottom > r.bottom + 1) {
                problems.push(['cut', b.innerText.slice(0, 30)]);
            }
        });
    }
    return [groups.length, options, problems];
}"""


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_panel_lists_read_as_lists_and_select(app, hooks, width, height):
    app.page.set_viewport_size({"width": width, "height": height})
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.select_param: "park_zijingang"})
    app.wait_for_selected("park_zijingang")
    lists, options, problems = app.page.evaluate(_LISTS_JS)
    assert lists >= 8 and options >= 40, (lists, options)  # related, inside (by layer), nearby, timeline runs
    assert not problems, problems[:6]
    app.pick_in_panel("中国云谷", "rel_children")
    app.page.wait_for_function("() => location.search.includes('sel=park_china_cloud_valley')", timeout=15_000)
    app.wait_for_selected("park_china_cloud_valley")


def test_the_map_says_it_is_loading_until_features_are_drawn(app, hooks):
    held = []

    def slow(route):  # hold Leaflet back: the map's frame exists but nothing is drawn yet
        held.append(route)

    app.page.route("**/leaflet.js", slow)
    app.page.goto(app.server.app_url(**{hooks.basemap_param: hooks.no_tiles, "lang": "en"}),
                  wait_until="domcontentloaded")
    app.page.wait_for_selector(".st-key-map_box", timeout=60_000)
    loading = app.page.evaluate("() => getComputedStyle(document.querySelector('.st-key-map_box'), '::before')"
                                ".content")
    assert "Loading the map" in loading
    app.page.wait_for_function("() => !!document.querySelector('" + MAP_IFRAME.replace("'", "\\'") + "')",
                               timeout=60_000)
    app.page.wait_for_timeout(500)
    assert held, "leaflet.js was not requested"
    assert app.page.evaluate("() => getComputedStyle(document.querySelector('.st-key-map_box'), '::before')"
                             ".display") == "flex"  # shown over the frame while nothing is drawn
    for route in held:
        route.continue_()
    app.page.unroute("**/leaflet.js")
    frame = app.map_frame()
    frame.wait_for_selector("#map_div.atlas-drawn", timeout=30_000)
    app.page.wait_for_function("() => getComputedStyle(document.querySelector('.st-key-map_box'), '::before')"
                               ".display === 'none'", timeout=10_000)  # drawn: the indicator is gone
    app.page.goto(app.server.app_url(**{hooks.basemap_param: hooks.no_tiles}), wait_until="domcontentloaded")
    app.page.wait_for_selector(".st-key-map_box", timeout=60_000)
    # the map's box can be on the page a moment before the page's stylesheet (the first element, an st.html that
    # Streamlit renders when its code has loaded): the label is read once the stylesheet applies
    app.page.wait_for_function("() => getComputedStyle(document.documentElement)"
                               ".getPropertyValue('--atlas-map-loading') !== ''", timeout=30_000)
    assert "地图加载中" in app.page.evaluate(
        "() => getComputedStyle(document.querySelector('.st-key-map_box'), '::before').content")
