"""The pieces of the upload reader: TIN/MultiPatch WKB made plain, systems named in column/sheet/file names,
coordinate and header detection, float-noise tolerance, and the last line that turns any failure into a message."""

from __future__ import annotations

import logging
import struct

import numpy as np
import pytest
import shapely

from geo.errors import CoordinateError, UploadReadError
from geo.io import upload as upload_module
from geo.io.upload import UploadOptions, read_upload
from geo.io.upload_geometry import from_wkb, parse_text, plain, plain_wkb
from geo.io.upload_system import named_system, strip_system
from geo.io.upload_table import check_coordinates, find_columns, find_header


def _triangle(order: str = "<", z: bool = True) -> bytes:
    ring = [(0, 0, 1), (1, 0, 2), (0, 1, 3), (0, 0, 1)]
    code = 1017 if z else 17
    points = b"".join(struct.pack(order + ("ddd" if z else "dd"), *(p if z else p[:2])) for p in ring)
    return (b"\x01" if order == "<" else b"\x00") + struct.pack(order + "III", code, 1, len(ring)) + points


@pytest.mark.parametrize("order", ["<", ">"])
def test_tin_wkb_becomes_a_multipolygon_with_the_same_coordinates(order):
    tin = (b"\x01" if order == "<" else b"\x00") + struct.pack(order + "II", 1016, 2) + _triangle(order) * 2
    with pytest.raises(shapely.errors.GEOSException, match="Unknown WKB type 16"):
        shapely.from_wkb(tin)
    geom = shapely.from_wkb(plain_wkb(tin))
    assert geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    assert shapely.get_coordinates(geom, include_z=True)[:3].tolist() == [[0, 0, 1], [1, 0, 2], [0, 1, 3]]
    geoms, unreadable = from_wkb(np.array([tin, shapely.to_wkb(shapely.Point(1, 2)), None], dtype=object))
    assert unreadable.size == 0 and [g.geom_type if g else None for g in geoms] == ["MultiPolygon", "Point", None]


def test_plain_drops_heights_and_merges_polygon_collections():
    collection = shapely.from_wkt("GEOMETRYCOLLECTION Z (POLYGON Z ((0 0 1, 1 0 1, 0 1 1, 0 0 1)), "
                                  "MULTIPOLYGON Z (((2 2 1, 3 2 1, 2 3 1, 2 2 1))))")
    geoms, heights = plain(np.array([collection], dtype=object))
    assert heights and geoms[0].geom_type == "MultiPolygon" and not shapely.has_z(geoms[0])
    assert plain(np.array([shapely.Point(1, 2)], dtype=object))[1] is False


@pytest.mark.parametrize(("cell", "kind"), [
    ("POINT (120.1 30.2)", "Point"),
    ("SRID=4326;POINT (120.1 30.2)", "Point"),
    ('{"type": "Point", "coordinates": [120.1, 30.2]}', "Point"),
    ("CIRCULARSTRING (120 30, 120.1 30.1, 120.2 30)", "LineString"),
    ("TRIANGLE ((0 0 0, 0 1 0, 1 1 0, 0 0 0))", "Polygon"),
])
def test_geometry_text_cells_are_parsed_curves_linearised(cell, kind):
    geoms, bad = parse_text([cell])
    assert bad.size == 0 and geoms[0].geom_type == kind


def test_bad_geometry_text_is_named_by_index():
    _geoms, bad = parse_text(["POINT (1 2)", "POLYGON ((1 2, 3", "", "hello"])
    assert bad.tolist() == [1, 2, 3]


@pytest.mark.parametrize(("texts", "system"), [
    (("经度(BD-09) 纬度(BD-09)",), "bd09"),
    (("bd09_lng bd09_lat",), "bd09"),
    (("百度经度 百度纬度",), "bd09"),
    (("lng_gcj lat_gcj",), "gcj02"),
    (("高德经度 高德纬度",), "gcj02"),
    (("火星坐标经度",), "gcj02"),
    (("GCJ-02",), "gcj02"),
    (("WGS84经度 WGS84纬度",), "wgs84"),
    (("lng lat", "百度坐标"), "bd09"),  # the sheet names it
    (("lng lat", None, "poi_gcj02"), "gcj02"),  # the file name names it
    (("lng lat", None, "wgs84_to_gcj02"), "gcj02"),  # names two: the one ending the name
    (("lng lat", None, "upload-baidu-pois_joined_2026-01-01_gcj02"), "gcj02"),  # the atlas's export name
    (("lng lat", None, "gcj02_vs_wgs84_check"), None),  # names two, neither at the end: no guess
    (("lon lat", None, "sites"), None),
    (("bdlng badge",), None),  # "bd" inside a word is not Baidu
])
def test_named_system(texts, system):
    assert named_system(*texts)[0] == system


@pytest.mark.parametrize(("column", "stripped"), [
    ("百度经度", "经度"), ("lng_gcj02", "lng"), ("经度(BD-09)", "经度"), ("火星坐标经度", "经度"), ("bd_lat", "lat"),
    ("WGS84纬度", "纬度"), ("经度", "经度"), ("x坐标", "x坐标"),
])
def test_strip_system(column, stripped):
    assert strip_system(column).replace("(", "").replace(")", "") == stripped


@pytest.mark.parametrize(("columns", "expected"), [
    (["名称", "经度", "纬度"], ("经度", "纬度")),
    (["name", "百度经度", "百度纬度"], ("百度经度", "百度纬度")),
    (["name", "lon_gcj02", "lat_gcj02"], ("lon_gcj02", "lat_gcj02")),
    (["名称", "经纬度 经度", "经纬度 纬度"], ("经纬度 经度", "经纬度 纬度")),
    (["POINT_X", "POINT_Y"], ("POINT_X", "POINT_Y")),
    (["名称", "地址"], (None, None)),
])
def test_find_columns(columns, expected):
    assert find_columns(columns) == expected


def test_header_below_title_rows_and_two_row_header():
    grid = [["名录", None, None], [None, None, None], ["名称", "经度", "纬度"], ["甲", 120.1, 30.2]]
    assert find_header(grid) == (2, 1, ["名称", "经度", "纬度"])
    grid = [["名称", "坐标", None], [None, "经度", "纬度"], ["甲", 120.1, 30.2]]
    assert find_header(grid) == (0, 2, ["名称", "坐标 经度", "坐标 纬度"])
    assert find_header([["a", "b"], [1, 2]]) == (0, 1, ["a", "b"])  # nothing found: the first filled row


def test_float_noise_at_the_edges_is_clipped_real_excess_refused():
    x, y = check_coordinates("f", np.array([180.00000000000006, -180.0000000001]), np.array([-90.00000000000001, 0]),
                             np.array([1, 2]), "feature", "lon", "lat")
    assert x.tolist() == [180, -180] and y.tolist() == [-90, 0]
    with pytest.raises(CoordinateError, match=r"f: feature 2: longitude \(lon\) -180\.001 is out of range"):
        check_coordinates("f", np.array([1.0, -180.001]), np.array([0.0, 0.0]), np.array([1, 2]), "feature",
                          "lon", "lat")


def test_an_unexpected_failure_is_logged_for_the_operator_and_named_for_the_visitor(monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("internal state /srv/app/secret.py")

    monkeypatch.setattr(upload_module, "check_geojson", broken)
    with caplog.at_level(logging.ERROR, logger="geo.io.upload"), \
            pytest.raises(UploadReadError, match=r"^x\.geojson: the file could not be read \(an unexpected") as err:
        read_upload("x.geojson", b'{"type": "FeatureCollection", "features": []}', UploadOptions())
    assert "secret" not in str(err.value) and err.value.code == "unreadable"
    assert "x.geojson" in caplog.text and "45 bytes" in caplog.text and "RuntimeError" in caplog.text


@pytest.mark.parametrize("name", ["gen_earth_two_folders_extdata.kml", "gen_nested_folders.kml",
                                  "gen_mymaps_empty_first_folder.kml", "gdal_placemark_in_root_and_subfolder.kml",
                                  "gen_gbk_declared.kml", "gen_3d_gcj02.kml"])
def test_kml_read_as_one_document_equals_folder_by_folder(monkeypatch, name):
    """Many folders are read as one flattened document (GDAL would parse the file again for each folder): the
    same features, columns and values as reading each folder."""
    from geo.io import upload_kml
    from tests.common import TEST_DATA_DIR

    data = (TEST_DATA_DIR / "upload" / "corpus" / name).read_bytes()
    by_folder = read_upload(name, data).gdf
    monkeypatch.setattr(upload_kml, "FLATTEN_FROM", 0)
    flat = read_upload(name, data).gdf
    assert sorted(flat.columns) == sorted(by_folder.columns)
    for column in by_folder.columns:
        assert flat[column].tolist() == by_folder[column].tolist(), column


def test_a_kml_with_hundreds_of_folders_is_read_once():
    marks = "".join(f"<Folder><name>f{i}</name><Placemark><name>p{i}</name><Point><coordinates>120.{i:03d},30.2"
                    f"</coordinates></Point></Placemark></Folder>" for i in range(300))
    kml = f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>d</name>{marks}</Document></kml>'
    gdf = read_upload("many.kml", kml.encode()).gdf
    assert gdf["folder"].tolist() == [f"f{i}" for i in range(300)] and gdf["name"].tolist()[-1] == "p299"


def test_kmz_without_kml_is_named():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("files/icon.png", b"x")
    with pytest.raises(UploadReadError, match=r"^map\.kmz: the KMZ holds no \.kml"):
        read_upload("map.kmz", buffer.getvalue())


def test_trailing_empty_columns_are_not_columns():
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in (["名称", "经度", "纬度"], ["甲", 120.1, 30.2]):
        sheet.append(row)
    sheet.cell(row=1, column=200).number_format = "0.00"  # formatting far right: openpyxl reports 200 columns
    buffer = io.BytesIO()
    book.save(buffer)
    assert list(read_upload("wide.xlsx", buffer.getvalue()).gdf.columns) == ["upload_id", "name", "名称", "经度",
                                                                             "纬度", "geometry"]
    csv = "名称,经度,纬度,,\n甲,120.1,30.2,,\n".encode()
    assert list(read_upload("t.csv", csv).gdf.columns) == ["upload_id", "name", "名称", "经度", "纬度", "geometry"]


def test_every_message_has_its_chinese_text_with_the_same_values():
    import string

    from geo.errors import ERROR_TEXT
    from ui.upload_text import ERROR_TEXT_ZH

    def fields(template: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(template) if f[1]}

    assert set(ERROR_TEXT) == set(ERROR_TEXT_ZH)
    for code, text in ERROR_TEXT.items():
        assert fields(text) == fields(ERROR_TEXT_ZH[code]), code
        assert "detail" not in fields(text), code  # library messages go to the log, not to the visitor
