"""Every export format, uploaded again as the atlas names it, gives the same features: count, order, names,
positions (1e-6 degrees, the export's rounding) and properties (as text formats give them back)."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.io.export import upload_filename
from geo.io.export_files import FORMATS, export_bytes, kml_fields
from geo.io.upload import UploadOptions, read_upload
from tests.common import TEST_DATA_DIR

CASES = [(fmt, crs) for fmt, spec in FORMATS.items() for crs in spec[2]]


def norm(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    try:
        return round(float(value), 9)
    except (TypeError, ValueError):
        return str(value)


@pytest.fixture(scope="module", params=["points", "polygons"])
def original(request) -> gpd.GeoDataFrame:
    path = TEST_DATA_DIR / "upload" / "sites.geojson"
    gdf = read_upload(path.name, path.read_bytes()).gdf
    gdf["面积"] = [1.5, 2.0, 0.25, 12.0]
    if request.param == "polygons":
        x, y = shapely.get_x(gdf.geometry.values), shapely.get_y(gdf.geometry.values)
        gdf = gdf.set_geometry(shapely.box(x - 0.002, y - 0.001, x + 0.002, y + 0.001))
    return gdf


@pytest.mark.parametrize(("fmt", "crs"), CASES)
def test_export_uploads_back_to_the_same_features(original, fmt, crs):
    name = upload_filename("sites.geojson", crs=crs, fmt=fmt, date="2026-01-01")
    back = read_upload(name, export_bytes(original, fmt, crs=crs))
    gdf = back.gdf
    assert back.source_crs == crs  # the system named by the file's name or its columns, not assumed WGS84
    assert gdf["upload_id"].tolist() == original["upload_id"].tolist()
    assert gdf["name"].tolist() == original["name"].tolist()
    assert shapely.get_type_id(gdf.geometry.values).tolist() == shapely.get_type_id(original.geometry.values).tolist()
    assert shapely.hausdorff_distance(original.geometry.values, gdf.geometry.values).max() < 2e-6, (fmt, crs)
    renamed = kml_fields(original.columns) if fmt == "kml" else {}
    props = [c for c in original.columns if c not in ("upload_id", "name", "geometry")]
    for column in props:
        got = renamed.get(column, column)
        assert got in gdf.columns, (fmt, column, list(gdf.columns))
        assert [norm(v) for v in gdf[got]] == [norm(v) for v in original[column]], (fmt, column)
    extra = set(gdf.columns) - {renamed.get(c, c) for c in original.columns}
    assert extra <= {f"lon_{crs}", f"lat_{crs}"}, (fmt, extra)  # a CSV's point columns stay; no WKT or id columns


@pytest.mark.parametrize(("fmt", "crs"), CASES)
def test_every_readable_corpus_file_survives_its_own_export(fmt, crs):
    """Whatever was uploaded (tables with their own coordinate columns, KML folders, 3D, GCJ-02/BD-09 named by
    columns or file), its export in each format and system uploads back to the same features in place."""
    from tests.geo.io.test_upload_corpus import CASES as CORPUS_CASES
    from tests.geo.io.test_upload_corpus import Ok, load

    moved = []
    for name, options, expect in CORPUS_CASES:
        if not isinstance(expect, Ok):
            continue
        file, data = load(name)
        up = read_upload(file, data, UploadOptions(**options))
        if crs != "wgs84" and any(w.code == "outside_hangzhou" for w in up.warnings):
            continue  # GCJ-02/BD-09 are China's systems (BD-09 of longitude 180 is out of range)
        back = read_upload(upload_filename(file, crs=crs, fmt=fmt, date="2026-01-01"),
                           export_bytes(up.gdf, fmt, crs=crs)).gdf
        assert back["name"].tolist() == up.gdf["name"].tolist(), name
        shift = shapely.hausdorff_distance(back.geometry.values, up.gdf.geometry.values).max()
        if shift > 2e-6:
            moved.append((name, round(float(shift), 6)))
    assert not moved
