"""The canvas path (layers/scale.py, layers/js/canvas.js) in a real browser: a layer of more than 500 points is
drawn on one canvas, and clicking one of its points selects that feature (the side panel shows it). Both an atlas
layer (bench.synthetic companies) and a visitor's upload of more than 500 points go through it.
"""

from __future__ import annotations

import csv
import json

import pytest

from bench.synthetic import write_atlas
from devtools.browser import MAP_IFRAME, AppPage
from layers.scale import CANVAS_THRESHOLD
from serve.launcher import AppServer

N_ATLAS = 2000
N_UPLOAD = 600

# In the map frame: the canvas layer of ``layer``; centre the map on its point ``i`` at a street zoom (so no other
# point is within a click's reach) and say where that point is (lat/lng as drawn, container pixels, point count).
_CENTRE_ON_POINT_JS = """([layer, i]) => {
    let found = null;
    window.map.eachLayer(l => { if (l instanceof L.AtlasCanvasPoints && l._p.layer === layer) found = l; });
    if (!found) return null;
    const ll = L.latLng(found._lat[i], found._lon[i]);
    window.map.setView(ll, 18, {animate: false});
    const p = window.map.latLngToContainerPoint(ll), box = window.map.getContainer().getBoundingClientRect();
    return {lat: ll.lat, lng: ll.lng, x: box.left + p.x, y: box.top + p.y, n: found._n};
}"""


@pytest.fixture(scope="module")
def synthetic_server(tmp_path_factory):
    """The app on the shipped atlas with N_ATLAS synthetic companies (more than the canvas threshold)."""
    data_dir = write_atlas(tmp_path_factory.mktemp("synthetic"), N_ATLAS, seed=5)
    with AppServer(data_dir, tmp_path_factory.mktemp("streamlit") / "synthetic.log") as server:
        yield server, data_dir


def click_canvas_point(app: AppPage, layer: str, index: int) -> dict:
    """Click point ``index`` of ``layer``'s canvas with the real mouse; its position and the layer's size."""
    frame = app.map_frame()
    frame.wait_for_selector("canvas.atlas-canvas-points", state="attached", timeout=60_000)
    spot = frame.evaluate(_CENTRE_ON_POINT_JS, [layer, index])
    assert spot, f"no canvas layer {layer!r} on the map"
    app.page.wait_for_timeout(300)  # the canvas redraws after the move
    drawn = frame.evaluate("() => Number(document.querySelector('canvas.atlas-canvas-points').dataset.drawn)")
    assert drawn >= 1
    box = app.page.locator(MAP_IFRAME).bounding_box()
    app.page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    return spot


def test_an_atlas_layer_over_500_points_is_a_canvas_and_a_click_selects_a_point(page, synthetic_server, hooks):
    server, data_dir = synthetic_server
    app = AppPage(page, server)
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.layers_param: "companies"})
    frame = app.map_frame()
    assert frame.query_selector_all(hooks.layer("companies")) == []  # no vector marker per company
    spot = click_canvas_point(app, "companies", 7)
    assert spot["n"] == N_ATLAS > CANVAS_THRESHOLD
    features = json.loads((data_dir / "companies.geojson").read_text(encoding="utf-8"))["features"]
    here = {f["properties"]["id"]: f["properties"]["name_zh"] for f in features
            if f["geometry"]["coordinates"] == pytest.approx([spot["lng"], spot["lat"]], abs=1e-6)}
    assert here, "the clicked point is one of the layer's features"
    selected = app.page.wait_for_function(
        "(ids) => ids.find(id => document.querySelector('" + MAP_IFRAME + "').contentDocument"
        ".querySelector('.atlas-sel-' + id))", arg=list(here), timeout=30_000).json_value()
    app.wait_idle()
    assert here[selected] in app.selected_panel_text()


def test_an_upload_over_500_points_is_a_canvas_and_a_click_selects_a_point(app, hooks, tmp_path):
    rows = [{"名称": f"测试点{i:04d}", "lon": f"{120.05 + (i % 30) * 0.004:.6f}",
             "lat": f"{30.20 + (i // 30) * 0.003:.6f}"} for i in range(N_UPLOAD)]
    path = tmp_path / "many_points.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["名称", "lon", "lat"])
        writer.writeheader()
        writer.writerows(rows)
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.layers_param: "districts"})
    app.page.locator(".st-key-upload_box input[type=file]").set_input_files(str(path))
    app.wait_idle()
    app.sidebar.locator(".st-key-upload_show").wait_for(timeout=30_000)
    assert app.map_frame().query_selector_all(hooks.layer("upload")) == []  # drawn on the canvas, not as markers
    spot = click_canvas_point(app, "upload", 123)
    assert spot["n"] == N_UPLOAD > CANVAS_THRESHOLD
    (row,) = [i for i, r in enumerate(rows) if (float(r["lon"]), float(r["lat"])) ==
              pytest.approx((spot["lng"], spot["lat"]), abs=1e-6)]
    app.wait_for_selected(f"up_{row + 1}")
    text = app.selected_panel_text()
    assert rows[row]["名称"] in text
    assert "位置精度未知" in text  # the file gives no precision: the panel says so
