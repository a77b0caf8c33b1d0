"""The downloaded GeoJSON is exactly the filtered set: same ids, same properties, same geometries as data/."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import shape

from geo.core.schema import LAYERS, NESTED_PROPERTIES, THEMATIC_LAYERS

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
THEMATIC = THEMATIC_LAYERS

def _plain(key: str, value):
    """A geopandas cell as the JSON value it came from (nested arrays decoded, NaN -> None)."""
    if key in NESTED_PROPERTIES and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def expected(layers, adcode: str, tag: str) -> dict[str, tuple[dict, object]]:
    """id -> (properties, geometry) of data/ filtered the way the app documents: the district filter keeps
    features of that adcode (the districts layer keeps that district), the tag filter narrows the thematic
    layers only."""
    out = {}
    for layer in layers:
        gdf = gpd.read_file(DATA / LAYERS[layer][0])
        for _, row in gdf.iterrows():
            props = {k: _plain(k, v) for k, v in row.items() if k != "geometry"}
            if props["adcode"] != adcode:
                continue
            if layer in THEMATIC and tag not in props["tags"]:
                continue
            out[props["id"]] = (props, row.geometry)
    return out


@pytest.mark.parametrize("adcode, tag", [("330106", "ai"), ("330105", "compute")])
def test_export_equals_the_filtered_set(app, hooks, adcode, tag):
    app.open(**{hooks.basemap_param: hooks.no_tiles, "districts": adcode, hooks.tags_param: tag})
    app.wait_for_count(hooks.layer("districts"), 1)
    app.set_layer("companies", False)  # a layer switched off in the sidebar is not exported
    layers = [lid for lid in hooks.default_layers if lid != "companies"]
    want = expected(layers, adcode, tag)
    assert len(want) > 1, "the filter leaves nothing to compare"

    button = app.page.locator('[data-testid="stDownloadButton"] button').filter(has_text="下载 GeoJSON")
    with app.page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".geojson")
    got = json.loads(Path(download.path()).read_text(encoding="utf-8"))

    assert got["type"] == "FeatureCollection"
    assert "coordinate_system" not in got  # WGS84 by default: plain RFC 7946
    ids = [f["properties"]["id"] for f in got["features"]]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(want)
    for feature in got["features"]:
        props, geom = want[feature["properties"]["id"]]
        assert feature["properties"] == props, props["id"]
        assert shapely.equals_exact(shape(feature["geometry"]).normalize(), geom.normalize(), 1e-9), props["id"]
