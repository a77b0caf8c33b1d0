"""geo.io.export_files: GeoPackage, zipped Shapefile, KML and CSV read back with pyogrio give the same features,
properties and coordinates (1e-6 degrees); Chinese text intact; names and systems honest."""

from __future__ import annotations

import io
import json
import math
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely import wkt

from geo.core.crs import gcj02_to_wgs84
from geo.core.join import join_upload
from geo.errors import CRSError
from geo.io.export import export_filename, upload_filename
from geo.io.export_files import FORMATS, export_bytes, kml_fields, shapefile_fields
from geo.io.upload import read_upload
from tests.common import TEST_DATA_DIR


def norm(value):
    """A value as text formats give it back: None for missing, floats for numbers, JSON text for nested data."""
    if isinstance(value, np.ndarray | list | dict):
        value = json.dumps(value.tolist() if isinstance(value, np.ndarray) else value, ensure_ascii=False)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def frames(mini_atlas) -> dict[str, gpd.GeoDataFrame]:
    return dict(mini_atlas.layers)


@pytest.fixture(scope="module")
def upload_frame():
    """The uploaded GeoJSON fixture with its join columns, as the app exports it."""
    from geo.io.atlas import load_atlas
    from tests.common import MINI_DIR

    path = TEST_DATA_DIR / "upload" / "sites.geojson"
    up = read_upload(path.name, path.read_bytes())
    joined = join_upload(up.gdf, load_atlas(MINI_DIR), 3000)
    return up.gdf.join(joined.drop(columns="upload_id"))


def assert_same(original: gpd.GeoDataFrame, back: pd.DataFrame, geoms, *, key: str, rename=None,
                cut: int | None = None):
    rename = rename or {}
    back = back.set_index(rename.get(key, key))
    assert sorted(back.index) == sorted(original[key])
    for (_, row), geom in zip(original.iterrows(), geoms, strict=True):
        got = back.loc[row[key]]
        for column in original.columns:
            if column in ("geometry", key):
                continue
            expected, value = norm(row[column]), norm(got[rename.get(column, column)])
            if cut and isinstance(expected, str) and len(expected.encode()) > cut:
                assert isinstance(value, str) and expected.startswith(value), (row[key], column)
            elif isinstance(expected, float):
                assert value == pytest.approx(expected), (row[key], column)
            else:
                assert value == expected, (row[key], column)
        # same coordinates to 1e-6 degrees; ring orientation and start may differ (Shapefile rings are clockwise)
        a, b = (shapely.normalize(shapely.transform(g, lambda xy: np.round(xy, 6))) for g in (geom, row.geometry))
        assert shapely.equals_exact(a, b, tolerance=1e-6), row[key]


def test_geopackage_round_trip(mini_atlas, tmp_path):
    path = tmp_path / "x.gpkg"
    path.write_bytes(export_bytes(frames(mini_atlas), "gpkg"))
    assert [name for name, _ in pyogrio.list_layers(path)] == list(mini_atlas.layers)
    for lid, gdf in mini_atlas.layers.items():
        back = pyogrio.read_dataframe(path, layer=lid)
        assert back.crs.to_epsg() == 4326
        ordered = back.set_index("id").loc[gdf["id"]]
        assert_same(gdf, back, ordered.geometry.values, key="id")


def test_shapefile_round_trip_keeps_chinese_and_maps_fields(mini_atlas, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(frames(mini_atlas), "shp")))
    archive.extractall(tmp_path)
    mapping = pd.read_csv(tmp_path / "fields.csv", encoding="utf-8-sig", dtype=str)
    assert {n for n in archive.namelist() if n.endswith(".cpg")}
    for cpg in tmp_path.glob("*.cpg"):
        assert cpg.read_text().strip().upper() in ("UTF-8", "UTF8")
    for lid, gdf in mini_atlas.layers.items():
        rows = mapping[mapping["layer"] == lid]
        parts = [pyogrio.read_dataframe(tmp_path / f) for f in rows["file"].unique()]
        back = pd.concat(parts, ignore_index=True)
        rename = dict(zip(rows["property"], rows["field"], strict=False))
        ordered = back.set_index(rename["id"]).loc[gdf["id"]]
        geoms = [g if g.geom_type == o.geom_type else shapely.get_parts(g)[0]
                 for g, o in zip(ordered.geometry.values, gdf.geometry, strict=True)]
        assert_same(gdf, back, geoms, key="id", rename=rename, cut=254)
    assert "西湖区" in pyogrio.read_dataframe(next(tmp_path.glob("*districts*.shp")))["name_zh"].tolist()


def test_shapefile_field_names_fit_ten_bytes_and_stay_unique():
    fields = shapefile_fields(["location_precision_m", "location_basis", "名称名称名称", "description_zh"])
    assert all(len(f.encode()) <= 10 for f in fields.values())
    assert len({f.lower() for f in fields.values()}) == 4
    assert fields["名称名称名称"] == "名称名"


def test_kml_round_trip(mini_atlas, tmp_path):
    path = tmp_path / "x.kml"
    path.write_bytes(export_bytes(frames(mini_atlas), "kml"))
    back = pyogrio.read_dataframe(path)  # GDAL's LIBKML reader has its own "id" (the placemark's): ours is id2
    everything = pd.concat(list(mini_atlas.layers.values()), ignore_index=True)
    ordered = back.set_index("id2").loc[everything["id"]]
    geoms = shapely.force_2d(ordered.geometry.values)
    assert_same(everything.drop(columns=["name_zh"]), back, geoms, key="id", rename={"id": "id2"})
    assert ordered["Name"].tolist() == everything["name_zh"].tolist()


@pytest.mark.parametrize("crs", ["wgs84", "gcj02"])
def test_csv_round_trip_has_bom_lonlat_and_wkt(mini_atlas, crs, tmp_path):
    data = export_bytes(frames(mini_atlas), "csv", crs=crs)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    everything = pd.concat(list(mini_atlas.layers.values()), ignore_index=True)
    assert {f"lon_{crs}", f"lat_{crs}", f"wkt_{crs}"} <= set(back.columns)
    geoms = []
    for _, row in back.set_index("id").loc[everything["id"]].iterrows():
        geom = shapely.Point(float(row[f"lon_{crs}"]), float(row[f"lat_{crs}"])) if row[f"lon_{crs}"] \
            else wkt.loads(row[f"wkt_{crs}"])
        if crs == "gcj02":
            geom = shapely.transform(geom, lambda xy: np.column_stack(gcj02_to_wgs84(xy[:, 0], xy[:, 1])))
        geoms.append(geom)
    attributes = back.drop(columns=[c for c in back.columns if c.startswith(("lon_", "lat_", "wkt_"))])
    assert_same(everything, attributes, geoms, key="id")
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert len(pyogrio.read_dataframe(path)) == len(everything)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_uploaded_layer_with_join_columns_round_trips(upload_frame, fmt, tmp_path):
    data = export_bytes(upload_frame, fmt)
    path = tmp_path / ("x.zip" if fmt == "shp" else f"x.{fmt}")
    path.write_bytes(data)
    if fmt == "shp":
        zipfile.ZipFile(path).extractall(tmp_path)
        mapping = pd.read_csv(tmp_path / "fields.csv", encoding="utf-8-sig", dtype=str)
        rename = dict(zip(mapping["property"], mapping["field"], strict=True))
        back = pyogrio.read_dataframe(tmp_path / mapping["file"].iloc[0])
    else:
        rename = {"name": "Name", **{k: v for k, v in kml_fields(upload_frame.columns).items() if k != v}} \
            if fmt == "kml" else {}
        back = pyogrio.read_dataframe(path) if fmt != "csv" else pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    expected = upload_frame
    if fmt == "geojson":  # null join values are left out of GeoJSON and read back as missing: same thing
        pass
    if fmt == "csv":
        geoms = shapely.points(back["lon_wgs84"].astype(float), back["lat_wgs84"].astype(float))
        back = back.drop(columns=["lon_wgs84", "lat_wgs84"])
    else:
        geoms = shapely.force_2d(back.set_index(rename.get("upload_id", "upload_id"))
                                 .loc[expected["upload_id"]].geometry.values)
    assert_same(expected, back, geoms, key="upload_id", rename=rename)
    text_columns = [c for c in back.columns if "script" in c]
    assert text_columns or fmt == "shp"  # the payload column name survives where names are not cut


@pytest.mark.parametrize(("fmt", "crs"), [("gpkg", "gcj02"), ("shp", "bd09"), ("kml", "gcj02")])
def test_wgs84_only_formats_refuse_other_systems(mini_atlas, fmt, crs):
    with pytest.raises(CRSError, match=f"{fmt} export is WGS84 only"):
        export_bytes(frames(mini_atlas), fmt, crs=crs)


@pytest.mark.parametrize(("fmt", "suffix"), [("gpkg", ".gpkg"), ("shp", ".shp.zip"), ("kml", ".kml"),
                                              ("csv", ".csv"), ("geojson", ".geojson")])
def test_file_names_say_what_they_hold(fmt, suffix):
    name = export_filename(["parks"], None, "wgs84", "2026-12-02", fmt=fmt)
    assert name == f"hangzhou-atlas_parks_2026-12-02_wgs84{suffix}"
    assert upload_filename("我的企业名单.xlsx", crs="gcj02", fmt=fmt, date="2026-12-02") == \
        f"upload-6-chars_joined_2026-12-02_gcj02{suffix}"
    assert upload_filename("Sites 2025.csv", fmt=fmt, date="2026-12-02") == \
        f"upload-sites-2025_joined_2026-12-02_wgs84{suffix}"


@pytest.mark.parametrize("fmt", ["csv", "gpkg"])
def test_quote_travels_with_its_fact(mini_atlas, fmt, tmp_path):
    """Issue 15: every format carries each fact's quote_zh (inside the facts JSON text), as printed."""
    data = export_bytes({"companies": mini_atlas.layers["companies"]}, fmt)
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(data)
    back = pyogrio.read_dataframe(path)
    facts = json.loads(back.loc[back["id"] == "fund_runmiao", "facts"].iloc[0])
    assert facts[0]["quote_zh"] == "首期規模20億元的潤苗基金" and facts[0]["value"] == 20
