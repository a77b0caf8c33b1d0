"""geo.io.upload_layer: an upload converted once into the display schema, keeping the file's own precision."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from geo.core.precision import approximate_mask, is_approximate, precision_known
from geo.core.schema import UNKNOWN_BASIS, UPLOAD_LAYER
from geo.io.upload import UploadOptions, read_upload
from geo.io.upload_layer import LAYER_COLUMNS, as_layer
from tests.common import TEST_DATA_DIR


def frame(**columns) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values()))) if columns else 2
    return gpd.GeoDataFrame({"upload_id": [f"up_{i + 1}" for i in range(n)], "name": [f"点{i}" for i in range(n)],
                             **columns}, geometry=[Point(120.1 + i / 100, 30.2) for i in range(n)], crs="EPSG:4326")


def test_a_read_file_becomes_the_display_schema_with_unknown_precision():
    upload = read_upload("sites_gbk.csv", (TEST_DATA_DIR / "upload" / "sites_gbk.csv").read_bytes(), UploadOptions())
    layer = as_layer(upload.gdf)
    assert tuple(layer.columns) == LAYER_COLUMNS
    assert layer["id"].tolist() == upload.gdf["upload_id"].tolist()
    assert set(layer["layer"]) == {UPLOAD_LAYER}
    assert layer["name_zh"].tolist() == upload.gdf["name"].tolist() == layer["name_en"].tolist()
    assert layer.geometry.equals(upload.gdf.geometry)  # positions as the file gives them: never moved
    assert layer["location_precision_m"].isna().all()  # the file says nothing: no made-up 0 m
    assert set(layer["location_basis"]) == {UNKNOWN_BASIS}
    assert approximate_mask(layer).all()  # not drawn as an exact position


@pytest.mark.parametrize(("column", "values", "expected"), [
    ("location_precision_m", [12, "50.5"], [12.0, 50.5]),
    ("精度", ["30", ""], [30.0, math.nan]),
    ("Accuracy_M", [-5, "about 10"], [math.nan, math.nan]),  # negative or not a number: unknown, not guessed
])
def test_the_file_s_own_precision_is_kept(column, values, expected):
    got = as_layer(frame(**{column: values}))["location_precision_m"].to_numpy()
    assert np.allclose(got, expected, equal_nan=True)


def test_a_known_basis_is_kept_and_anything_else_is_unknown():
    layer = as_layer(frame(location_basis=["street_address", "guessed"], location_precision_m=[20, 20]))
    assert layer["location_basis"].tolist() == ["street_address", UNKNOWN_BASIS]
    assert approximate_mask(layer).tolist() == [False, False]  # 20 m, whatever the basis: drawn solid


@pytest.mark.parametrize(("value", "known"), [(0, True), (12.5, True), (math.nan, False), (None, False), (-1, False),
                                              ("x", False), (math.inf, False)])
def test_precision_known(value, known):
    assert precision_known(value) is known
    if not known:
        assert is_approximate(UNKNOWN_BASIS, value)


def test_the_vectorised_rule_is_the_scalar_rule():
    values = [0, 12.5, 1000, 1000.5, math.nan, -1, None]
    bases = ["landmark", "street_address", "landmark", "landmark", UNKNOWN_BASIS, "landmark", "parent_location"]
    gdf = gpd.GeoDataFrame({"location_precision_m": values, "location_basis": bases})
    assert approximate_mask(gdf).tolist() == [is_approximate(b, v) for b, v in zip(bases, values, strict=True)]
