"""The map draws what the data files hold, and the layer toggles remove what they say."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geo.core.schema import LAYERS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


def data_ids(layer: str) -> list[str]:
    """Feature ids of one layer file of data/, read with geopandas (independently of the app's loader)."""
    path = DATA / LAYERS[layer][0]
    assert path.is_file(), f"{path} is missing: the map cannot be checked against it"
    ids = list(gpd.read_file(path)["id"])
    assert ids, f"{path} has no features"
    return ids


_DRAWN_JS = """([layerSel, prefix, layer]) => {
    const ids = Array.from(document.querySelectorAll(layerSel)).map(el =>
        Array.from(el.classList).find(c => c.startsWith(prefix)).slice(prefix.length));
    const g = window.atlasPoints;  // points inside a group marker are held by the group, not in the DOM
    if (g) g.atlasMarkers.forEach(m => {
        const p = m.feature.properties;
        if (p.layer === layer && !m._map) ids.push(p.id);
    });
    return ids;
}"""


def drawn_ids(app, hooks, layer: str) -> list[str]:
    """Feature ids of one layer on the map: its elements' atlas-f-<id> classes, plus its points held by a group
    marker (each still reachable: fanned out, it is an element with the same classes)."""
    return app.map_frame().evaluate(_DRAWN_JS, [hooks.layer(layer), hooks.feature_prefix, layer])


def wait_for_drawn(app, hooks, layers, n: int) -> None:
    app.map_frame().wait_for_function(
        "([args, n]) => args.reduce((s, a) => s + (" + _DRAWN_JS + ")(a).length, 0) === n",
        arg=[[[hooks.layer(lid), hooks.feature_prefix, lid] for lid in layers], n], timeout=30_000)


def test_map_draws_every_feature_of_the_default_layers(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    expected = {layer: data_ids(layer) for layer in hooks.default_layers}
    total = sum(len(ids) for ids in expected.values())
    assert total > 0, "data/ has no features"
    wait_for_drawn(app, hooks, hooks.default_layers, total)
    for layer, ids in expected.items():
        assert sorted(drawn_ids(app, hooks, layer)) == sorted(ids), layer
    # the city outline is off by default
    assert app.count(hooks.layer("city")) == 0


@pytest.mark.parametrize("layer", ["parks", "companies", "districts"])
def test_layer_toggle_removes_that_layers_features(app, hooks, layer):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    counts = {lid: len(data_ids(lid)) for lid in hooks.default_layers}
    wait_for_drawn(app, hooks, hooks.default_layers, sum(counts.values()))
    app.set_layer(layer, False)
    wait_for_drawn(app, hooks, [layer], 0)
    for other in hooks.default_layers:
        if other != layer:
            assert len(drawn_ids(app, hooks, other)) == counts[other], other
    # and back on
    app.set_layer(layer, True)
    wait_for_drawn(app, hooks, [layer], counts[layer])
