"""Script payloads in the data (tests/data/xss/) are shown as text and nothing runs.

The probe feature park_xss_probe carries ``<img onerror>``, ``<script>``, backticks, ``${...}``, backslashes
and an ``<svg onload=alert(1)>`` in its names, aliases, descriptions and a fact. The ``dialogs`` fixture fails
the test on any alert; here we also check ``window.__xss`` in every frame and look for injected elements.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

XSS_DIR = Path(__file__).resolve().parents[1] / "data" / "xss"
PROBE = "park_xss_probe"

# Elements that would only exist if a payload had been parsed as HTML.
_INJECTED_JS = """() => {
    const bad = [];
    document.querySelectorAll('img[src="x"], img[onerror], svg[onload], [onerror], [onload]')
        .forEach(el => bad.push(el.outerHTML.slice(0, 120)));
    document.querySelectorAll('script').forEach(s => {
        if ((s.textContent || '').includes('window.__xss=1')) bad.push('script: ' + s.textContent.slice(0, 120));
    });
    return bad;
}"""


# Every script and img of a document, as "script:<src or inline:text>" / "img:<src>".
_ELEMENTS_JS = """() => [
    ...Array.from(document.scripts).map(s => s.src ? 'script:' + s.src : 'script:inline:' + s.textContent.slice(0, 80)),
    ...Array.from(document.images).map(i => 'img:' + i.src),
]"""


def probe_props() -> dict:
    for feature in json.loads((XSS_DIR / "parks.geojson").read_text(encoding="utf-8"))["features"]:
        if feature["properties"]["id"] == PROBE:
            return feature["properties"]
    raise KeyError(PROBE)


def assert_nothing_ran(app, dialogs) -> None:
    assert not dialogs.dialogs, dialogs.dialogs
    values = app.eval_everywhere("() => typeof window.__xss")
    assert set(values.values()) == {"undefined"}, values
    for frame in app.page.frames:
        injected = frame.evaluate(_INJECTED_JS)
        assert not injected, f"injected elements in {frame.url}: {injected}"


def test_fixture_is_a_valid_atlas_carrying_the_payloads():
    from geo.validate.checks import validate_dir

    assert validate_dir(XSS_DIR) == []
    props = probe_props()
    text = json.dumps(props, ensure_ascii=False)
    for payload in ("<img src=x onerror=window.__xss=1>", "<script>window.__xss=1</script>", "`", "${window.__xss=1}",
                    "\\"):
        assert payload in text, payload


@pytest.mark.parametrize("how, lang", [("url", "zh"), ("search", "zh"), ("search", "en")])
def test_payloads_render_as_text_and_nothing_runs(xss_app, hooks, dialogs, how, lang):
    props = probe_props()
    name, description = props[f"name_{lang}"], props[f"description_{lang}"]
    fact_label = props["facts"][0][f"label_{lang}"]
    params = {hooks.basemap_param: hooks.no_tiles, hooks.lang_param: lang}
    if how == "url":
        params[hooks.select_param] = PROBE
    xss_app.open(**params)
    xss_app.wait_for_feature(PROBE)
    before = xss_app.page.evaluate(_ELEMENTS_JS)
    if how == "search":
        xss_app.search("Injection probe", pick=name)
    xss_app.wait_for_selected(PROBE)
    # hover the probe on the map, so its tooltip (HTML built by folium) is rendered too
    xss_app.map_frame().evaluate("() => { window.map.setView([30.31, 120.08], 16, {animate: false}); }")
    xss_app.mouse_on(PROBE)
    tooltip = xss_app.map_locator().locator(".leaflet-tooltip").first
    tooltip.wait_for(state="visible", timeout=10_000)
    xss_app.page.wait_for_timeout(500)

    # nothing ran, nothing was injected
    assert_nothing_ran(xss_app, dialogs)
    after = xss_app.page.evaluate(_ELEMENTS_JS)
    new = [el for el in after if el not in before]
    assert not [el for el in new if el.startswith("script:inline")], new
    local = ("img:http://localhost", "img:data:")
    assert not [el for el in new if el.startswith("img:") and not el.startswith(local)], new

    # and the payloads are there, as literal text: side panel, facts table, tooltip
    panel = xss_app.selected_panel_text()
    assert name in panel
    assert description in panel
    for alias in props["aliases"]:
        assert alias in panel, alias
    assert f"{fact_label}: " in panel  # the fact line, as literal text
    tip = tooltip.inner_text()
    assert props["name_zh"] in tip and props["name_en"] in tip, tip
