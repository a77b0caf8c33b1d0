"""The overview's events chart in a real browser: a plain Vega-Lite dict whose points select their event on a click
(the selection comes back through Streamlit)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# The events chart is the panel's chart with point marks (Vega draws SVG: each point is a path named by its data).
POINT = '.st-key-side_panel [data-testid="stVegaLiteChart"] g.mark-symbol path[aria-label*="{}"]'


def test_clicking_a_point_of_the_events_chart_selects_the_event(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles, "period": "2025-01/2025-12", "layers": "events"})
    point = app.page.locator(POINT.format("基因组大模型Genos发布")).first
    point.scroll_into_view_if_needed()
    assert "日期: 2025年10月" in point.get_attribute("aria-label")
    box = point.bounding_box()
    app.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    app.page.wait_for_function("() => location.search.includes('sel=ev_genos_release')", timeout=15_000)
    app.wait_for_selected("ev_genos_release")
    assert app.page.locator(".st-key-side_panel h3").first.inner_text().strip() == "基因组大模型Genos发布"
