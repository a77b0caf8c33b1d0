"""geo.io.upload: every accepted format read into WGS84 with stable ids; every bad case named (file, row, reason)."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import shapely

from geo.errors import (
    ERROR_TEXT,
    CoordinateError,
    LayerError,
    UnsafeUploadError,
    UnsupportedFormatError,
    UnsupportedUploadError,
    UploadError,
    UploadGeometryError,
    UploadLimitError,
    UploadReadError,
)
from geo.io.upload import UPLOAD_FORMATS, Limits, UploadOptions, read_upload
from tests.common import TEST_DATA_DIR

UPLOADS = TEST_DATA_DIR / "upload"
PAYLOAD = '<img src=x onerror="alert(1)">'
SITES = [("示例企业甲", 120.0826, 30.3035), ("示例园区乙", 120.1005, 30.1340), ("示例项目丙", 120.2108, 30.2087),
         (PAYLOAD, 120.1630, 30.3180)]


def read(name: str, **options):
    return read_upload(name, (UPLOADS / name).read_bytes(), UploadOptions(**options))


def coords(gdf) -> np.ndarray:
    return shapely.get_coordinates(gdf.geometry.values)


@pytest.mark.parametrize(("name", "options", "count", "encoding", "source"), [
    ("sites.geojson", {}, 4, "utf-8", "wgs84"),
    ("sites_gcj02.geojson", {"crs": "gcj02"}, 4, "utf-8", "gcj02"),
    ("sites.gpkg", {}, 4, None, "wgs84"),
    ("sites.fgb", {}, 4, None, "wgs84"),
    ("sites.kml", {}, 4, "utf-8", "wgs84"),
    ("sites_shp.zip", {}, 4, None, "wgs84"),
    ("sites_gbk_shp.zip", {}, 4, "GB18030", "wgs84"),
    ("sites_utm_shp.zip", {}, 4, None, "EPSG:32651"),
    ("sites_utf8.csv", {}, 4, "utf-8", "wgs84"),
    ("sites_utf8_bom.csv", {}, 4, "utf-8-sig", "wgs84"),
    ("sites_gbk.csv", {}, 3, "gb18030", "wgs84"),
    ("sites_gbk.csv", {"encoding": "gbk"}, 3, "gbk", "wgs84"),
    ("sites_gcj02.csv", {"crs": "gcj02"}, 4, "utf-8", "gcj02"),
    ("sites_bd09.csv", {"crs": "bd09"}, 4, "utf-8", "bd09"),
    ("sites_custom_columns.csv", {"lon": "E", "lat": "N"}, 4, "utf-8", "wgs84"),
    ("sites.xlsx", {}, 4, None, "wgs84"),
])
def test_every_format_reads_to_wgs84_with_names_and_ids(name, options, count, encoding, source):
    up = read(name, **options)
    gdf = up.gdf
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf.columns[:2]) == ["upload_id", "name"] and gdf.geometry.name == "geometry"
    assert gdf["upload_id"].tolist() == [f"up_{i}" for i in range(1, count + 1)]
    assert up.encoding == encoding and up.source_crs == source
    expected = {n: (x, y) for n, x, y in SITES}
    assert set(gdf["name"]) <= set(expected)
    for label, (x, y) in zip(gdf["name"], coords(gdf), strict=True):  # GCJ/BD fixtures are rounded to 1e-6
        assert (x, y) == pytest.approx(expected[label], abs=2e-6), (name, label)
    assert not up.warnings


def test_chinese_text_survives_gbk_and_the_payload_stays_literal():
    gbk = read("sites_gbk.csv").gdf
    assert gbk["名称"].tolist() == ["示例企业甲", "示例园区乙", "示例项目丙"]
    assert gbk["类型"].tolist() == ["企业", "园区", "项目"]
    geo = read("sites.geojson").gdf
    assert PAYLOAD in geo["名称"].tolist()
    assert "<script>alert('xss')</script>" in geo.columns  # a column name carrying a script is kept as text
    assert read("sites_shp.zip").gdf["编号"].tolist() == ["0571", "0572", "0573", "0574"]  # text, zeros kept


def test_payload_in_column_names_and_values():
    gdf = read("payload_columns.csv").gdf
    assert "<script>alert('xss')</script>" in gdf.columns
    assert gdf["<script>alert('xss')</script>"].iloc[0] == "<script>alert('xss')</script>"


def test_wrong_system_moves_points_by_hundreds_of_metres():
    as_gcj = coords(read("sites_gcj02.csv", crs="gcj02").gdf)
    as_wgs = coords(read("sites_gcj02.csv", crs="wgs84").gdf)
    shift = np.hypot((as_wgs[:, 0] - as_gcj[:, 0]) * 96_000, (as_wgs[:, 1] - as_gcj[:, 1]) * 111_000)
    assert (shift > 300).all() and (shift < 800).all()


def test_xlsx_keeps_numbers_and_dates_as_values():
    gdf = read("sites.xlsx").gdf
    assert gdf["经度"].tolist()[0] == pytest.approx(120.0826)
    assert gdf["成立日期"].tolist()[0] == "2019-06-01"


def test_ids_are_stable_for_the_same_file():
    a, b = read("sites_utf8.csv").gdf, read("sites_utf8.csv").gdf
    assert a["upload_id"].tolist() == b["upload_id"].tolist()
    assert a["name"].tolist() == b["name"].tolist()


@pytest.mark.parametrize(("name", "options", "error", "code", "match"), [
    ("bad_extension.txt", {}, UnsupportedUploadError, "unsupported_format", r"bad_extension\.txt: .*\.txt; supported"),
    ("empty.geojson", {}, UploadReadError, "empty", r"empty\.geojson: the file is empty"),
    ("truncated.geojson", {}, UploadReadError, "cut_off", r"truncated\.geojson: the file is cut off at line 33"),
    ("corrupt.gpkg", {}, UploadReadError, "corrupt", r"corrupt\.gpkg: cannot read it as GPKG"),
    ("corrupt.xlsx", {}, UploadReadError, "corrupt", r"corrupt\.xlsx: cannot read it as XLSX"),
    ("no_shp.zip", {}, UploadReadError, "zip_no_shp", r"no_shp\.zip: the zip holds no \.shp file"),
    ("two_shp.zip", {}, UploadReadError, "zip_many_shp", r"two_shp\.zip: .*several Shapefiles"),
    ("zip_slip.zip", {}, UnsafeUploadError, "zip_unsafe_path", r"zip_slip\.zip: zip entry \.\./\.\./"),
    ("zip_bomb.zip", {}, UploadLimitError, "zip_bomb", r"zip_bomb\.zip: the zip expands to more than 100 MB"),
    ("no_coordinates.csv", {}, CoordinateError, "no_coordinate_columns", r"no_coordinates\.csv: no longitude/lat"),
    ("sites_custom_columns.csv", {"lon": "经度"}, CoordinateError, "unknown_column", r"no column 经度"),
    ("not_numeric.csv", {}, CoordinateError, "not_a_number", r"not_numeric\.csv: row 3: longitude \(经度\) '东经"),
    ("out_of_range.csv", {}, CoordinateError, "out_of_range", r"out_of_range\.csv: row 3: latitude \(lat\) 95 "),
    ("swapped.csv", {}, CoordinateError, "swapped", r"swapped\.csv: .*swapped: use 纬度 as longitude and 经度 as"),
    ("mixed_geometry.geojson", {}, UploadGeometryError, "mixed_geometry", r"feature 2: mixed geometry kinds"),
    ("null_geometry.geojson", {}, UploadGeometryError, "missing_geometry", r"feature 2: no geometry"),
    ("xxe.kml", {}, UnsafeUploadError, "xml_entity", r"xxe\.kml: the KML declares a DOCTYPE or entity"),
    ("sites_gbk.csv", {"encoding": "utf-8"}, UploadReadError, "encoding", r"sites_gbk\.csv: line 1: not valid utf-8"),
])
def test_bad_uploads_name_file_place_and_reason(name, options, error, code, match):
    with pytest.raises(error, match=match) as caught:
        read(name, **options)
    err = caught.value
    assert isinstance(err, UploadError) and isinstance(err, LayerError)
    assert err.code == code and err.params["file"] == name
    assert ERROR_TEXT[code].format(**err.params)  # the UI can fill the template from params alone


def test_unsupported_is_the_projects_unsupported_format_error():
    with pytest.raises(UnsupportedFormatError, match=r"supported: " + r".*".join(sorted(UPLOAD_FORMATS))):
        read_upload("notes.docx", b"x")
    with pytest.raises(UnsupportedUploadError, match=r"upload them together as one \.zip"):
        read_upload("sites.shp", b"x")


def test_all_points_outside_hangzhou_warn_but_load():
    up = read("outside_hangzhou.csv")
    assert len(up.gdf) == 2
    assert [(w.code, w.params) for w in up.warnings] == [("outside_hangzhou", {"count": 2, "total": 2})]
    assert str(up.warnings[0]) == "2 of 2 features lie outside Hangzhou"


def test_size_limit():
    data = (UPLOADS / "sites_utf8.csv").read_bytes()
    with pytest.raises(UploadLimitError, match=r"sites_utf8\.csv: the file is 0\.0 MB; the limit is"):
        read_upload("sites_utf8.csv", data, limits=Limits(max_bytes=100))
    big = b"lon,lat\n" + b"120.1,30.2\n" * 2_000_000  # 22 MB, over the default 20 MB
    with pytest.raises(UploadLimitError, match=r"big\.csv: the file is 21\.0 MB; the limit is 20 MB"):
        read_upload("big.csv", big)


@pytest.mark.parametrize("name", ["sites_utf8.csv", "sites.geojson", "sites_shp.zip", "sites.xlsx"])
def test_feature_limit(name):
    with pytest.raises(UploadLimitError, match=rf"{name.replace('.', '[.]')}: more than 3 features"):
        read_upload(name, (UPLOADS / name).read_bytes(), limits=Limits(max_features=3))


def test_default_feature_limit_on_a_real_file():
    rows = b"lon,lat\n" + b"120.1,30.2\n" * 50_001
    with pytest.raises(UploadLimitError, match="more than 50000 features"):
        read_upload("many.csv", rows)
    assert len(read_upload("many.csv", b"lon,lat\n" + b"120.1,30.2\n" * 50_000).gdf) == 50_000


def test_zip_bomb_header_lie_is_caught_while_reading(monkeypatch):
    data = (UPLOADS / "zip_bomb.zip").read_bytes()
    with pytest.raises(UploadLimitError, match="expands to more than 0.5 MB"):
        read_upload("zip_bomb.zip", data, limits=Limits(max_unzipped_bytes=2**19, max_bytes=2**20))


def test_absolute_zip_paths_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("/etc/sites.shp", b"x")
    with pytest.raises(UnsafeUploadError, match="zip entry /etc/sites.shp points outside"):
        read_upload("abs.zip", buf.getvalue())


def test_kml_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FROM-DISK")
    kml = (UPLOADS / "xxe.kml").read_text().replace("file:///etc/hostname", secret.as_uri())
    with pytest.raises(UnsafeUploadError) as caught:
        read_upload("x.kml", kml.encode())
    assert "SECRET" not in str(caught.value)
