"""Published map scripts (layers/published.py) in a real browser: with every layer's script served as a static
file (ATLAS_PUBLISH_MIN_BYTES=1), the map's frame loads them from /app/static/gen/, draws every feature of the
default layers, and a click on a point still selects it (st_folium wires its click handler to layers that exist
when the groups' code returns: the loader must be synchronous and define them where st_folium looks)."""

from __future__ import annotations

import pytest

from devtools.browser import AppPage
from layers.published import INFLATE_URL, URL
from serve.launcher import AppServer
from tests.browser.test_browser_map import data_ids, drawn_ids, wait_for_drawn
from tests.common import ROOT


@pytest.fixture(scope="module")
def published_server(tmp_path_factory):
    with AppServer(ROOT / "data", tmp_path_factory.mktemp("streamlit") / "published.log",
                   env={"ATLAS_PUBLISH_MIN_BYTES": "1"}) as server:
        yield server


def test_published_layers_are_fetched_drawn_and_clickable(page, published_server, hooks):
    fetched, inflater, served = [], [], []
    page.on("request", lambda r: fetched.append(r.url) if URL + "/" in r.url else None)
    page.on("request", lambda r: inflater.append(r.url) if r.url.endswith(INFLATE_URL) else None)
    page.on("response", lambda r: served.append(r.headers) if URL + "/" in r.url else None)
    app = AppPage(page, published_server)
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    expected = {layer: data_ids(layer) for layer in hooks.default_layers}
    wait_for_drawn(app, hooks, hooks.default_layers, sum(len(ids) for ids in expected.values()))
    for layer, ids in expected.items():
        assert sorted(drawn_ids(app, hooks, layer)) == sorted(ids), layer
    assert len(set(fetched)) >= 2, fetched  # the areas and the point groups came as files
    assert all(url.endswith(".js.gz") for url in fetched) and len(inflater) == 1  # gzipped files, fflate once
    assert served and all(h.get("content-type") == "application/gzip" and "content-encoding" not in h
                          for h in served), served  # sent as they are: not compressed again per request
    for target in ("dist_xihu", "park_china_cloud_valley"):  # an area, and a point in the point groups
        app.mouse_on(target, click=True)
        app.wait_for_selected(target)
        assert app.page.evaluate("() => new URLSearchParams(location.search).get('sel')") == target
