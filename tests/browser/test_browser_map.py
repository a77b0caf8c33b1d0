"""The map draws what the data files hold, and the layer toggles remove what they say."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo.schema import LAYERS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def data_ids(layer: str) -> list[str]:
    """Feature ids of one layer file of data/, read with geopandas (independently of the app's loader)."""
    path = DATA / LAYERS[layer][0]
    if not path.exists():
        return []
    return list(gpd.read_file(path)["id"])


def drawn_ids(app, hooks, layer: str) -> list[str]:
    """Feature ids of the map elements of one layer, from their atlas-f-<id> class."""
    return app.map_frame().evaluate(
        """([layerSel, prefix]) => Array.from(document.querySelectorAll(layerSel)).map(el =>
            Array.from(el.classList).find(c => c.startsWith(prefix)).slice(prefix.length))""",
        [hooks.layer(layer), hooks.feature_prefix],
    )


def test_map_draws_every_feature_of_the_default_layers(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    expected = {layer: data_ids(layer) for layer in hooks.default_layers}
    total = sum(len(ids) for ids in expected.values())
    assert total > 0, "data/ has no features"
    app.wait_for_count(hooks.any_feature, total)
    for layer, ids in expected.items():
        assert sorted(drawn_ids(app, hooks, layer)) == sorted(ids), layer
    # the city outline is off by default
    assert app.count(hooks.layer("city")) == 0


@pytest.mark.parametrize("layer", ["parks", "companies", "districts"])
def test_layer_toggle_removes_that_layers_features(app, hooks, layer):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    counts = {lid: len(data_ids(lid)) for lid in hooks.default_layers}
    app.wait_for_count(hooks.any_feature, sum(counts.values()))
    app.set_layer(layer, False)
    app.wait_for_count(hooks.layer(layer), 0)
    for other in hooks.default_layers:
        if other != layer:
            assert app.count(hooks.layer(other)) == counts[other], other
    assert app.count(hooks.any_feature) == sum(counts.values()) - counts[layer]
    # and back on
    app.set_layer(layer, True)
    app.wait_for_count(hooks.layer(layer), counts[layer])
