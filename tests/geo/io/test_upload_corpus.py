"""The upload corpus (tests/data/upload/corpus/ and test files of the installed packages): every file is read right
or refused with its own reason; nothing crashes, nothing loads silently wrong, no message is a riddle.

``python -m tests.geo.io.test_upload_corpus`` prints the crash / silent-wrong / riddle counts of the whole corpus.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from geo.errors import UploadError
from geo.io.upload import UploadOptions, read_upload
from tests.common import TEST_DATA_DIR
from ui.upload_text import error_text

CORPUS = TEST_DATA_DIR / "upload" / "corpus"
PYOGRIO = Path(pyogrio.__file__).parent / "tests" / "fixtures"
SITES = [("示例企业甲", 120.0826, 30.3035), ("示例园区乙", 120.1005, 30.1340), ("示例项目丙", 120.2108, 30.2087)]
FIRST = SITES[0][1:]
RIDDLES = re.compile(r"pyogrio_|/vsimem|/tmp/|Traceback|[A-Za-z]:\\|\.py\b|driver explicitly|could not be opened"
                     r"|not recognized as being|WKB type")


@dataclass(frozen=True)
class Ok:
    count: int
    first: tuple[float, float] | None = None  # WGS84 of the first feature's first coordinate (1e-5 deg)
    columns: tuple[str, ...] = ()  # columns that must be there
    warns: tuple[str, ...] = ()  # warning codes that must be there
    values: dict = field(default_factory=dict)  # column -> expected list of values


@dataclass(frozen=True)
class Err:
    code: str
    match: str = ""


CASES: list[tuple[str, dict, Ok | Err]] = [
    # --- Google My Maps / Google Earth KML
    ("gen_mymaps_networklink.kml", {}, Err("no_features", r"no features")),
    ("gen_mymaps_empty_first_folder.kml", {}, Ok(3, FIRST, ("folder",), values={"folder": ["企业"] * 3})),
    ("gen_earth_two_folders_extdata.kml", {}, Ok(3, FIRST, ("folder", "电话", "邮编"),
                                                 values={"电话": ["0571-1", "0571-2", None]})),
    ("gen_extdata_chinese_names.kml", {}, Ok(3, FIRST, ("电话", "邮编"), values={"邮编": ["310000"] * 3})),
    ("gen_nested_folders.kml", {}, Ok(3, FIRST, ("folder",))),
    ("gen_gbk_declared.kml", {}, Ok(3, FIRST, ("电话",), values={"name": [s[0] for s in SITES]})),
    ("gen_gb2312_declared.kml", {}, Ok(3, FIRST, values={"name": [s[0] for s in SITES]})),
    ("gen_gbk_undeclared.kml", {}, Ok(3, FIRST, values={"name": [s[0] for s in SITES]})),
    ("gen_utf16.kml", {}, Ok(3, FIRST, values={"name": [s[0] for s in SITES]})),
    ("gen_cut_off.kml", {}, Err("cut_off", r"cut off at line \d+")),
    ("gen_broken_tag.kml", {}, Err("bad_xml", r"line 3")),
    ("gen_empty.kml", {}, Err("empty", "empty")),
    ("gen_html_saved_as.kml", {}, Err("not_kml", "web page")),
    ("gen_3d_gcj02.kml", {"crs": "gcj02"}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("gdal_empty.kml", {}, Err("no_features")),
    ("gdal_truncated.kml", {}, Err("cut_off", r"line 3[45]")),
    ("gdal_placemark_in_root_and_subfolder.kml", {}, Ok(2, (2, 49), ("folder",), ("outside_hangzhou",))),
    ("gdal_extended_data_without_schema_data.kml", {}, Ok(2, (2, 48), ("field1", "field2", "field3"),
                                                          ("outside_hangzhou",))),
    ("gdal_emptylayers_without_folder.kml", {}, Err("no_geometry", r"none of its 1 features has a geometry")),
    ("gdal_folder_with_subfolder_placemark.kml", {}, Err("no_geometry")),
    ("gdal_several_schema_in_layer.kml", {}, Err("no_geometry")),
    # --- GeoJSON / JSON
    ("gen_3d_gcj02.geojson", {"crs": "gcj02"}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("gen_crs84h_bd09.geojson", {"crs": "bd09"}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("gen_3d_metres_no_crs.geojson", {}, Err("metres_not_degrees", r"longitude .*1\.3\d+e\+07 looks like metres")),
    ("gen_float_noise_180.geojson", {}, Ok(2, (180.0, -16.0), warns=("outside_hangzhou",))),
    ("gen_lat_lon_order.geojson", {}, Err("swapped_axes", r"latitude, longitude order \(30\.3035, 120\.0826\)")),
    ("gen_real_out_of_range.geojson", {}, Err("out_of_range", r"181\.5")),
    ("gen_records_array.json", {}, Err("not_geojson", r"not GeoJSON")),
    ("gen_api_response.json", {}, Err("not_geojson", r"not GeoJSON")),
    ("gen_empty_collection.geojson", {}, Err("no_features")),
    ("gen_whitespace.geojson", {}, Err("empty")),
    ("gen_collection_without_features.geojson", {}, Err("no_features", "no features")),
    ("gen_cut_off.geojson", {}, Err("cut_off", r"cut off at line \d+")),
    ("gen_trailing_garbage.geojson", {}, Err("bad_json", r"line 7")),
    ("gen_binary_as.geojson", {}, Err("wrong_content", r"zip")),
    ("gdal_featurecollection_pointz.json", {}, Ok(1, (1, 2), warns=("heights_dropped", "outside_hangzhou"))),
    ("gdal_point_with_utf8bom.json", {}, Ok(1, (100, 0), warns=("outside_hangzhou",))),
    ("gdal_pointz.json", {}, Ok(1, (1, 2), warns=("heights_dropped", "outside_hangzhou"))),
    ("fiona_grenada.geojson", {}, Ok(1, None, ("name:en",), ("outside_hangzhou",))),
    ("fiona_test_tz.geojson", {}, Ok(1, (-79.4, 43.6), ("test",), ("outside_hangzhou",))),
    ("fiona_trio.geojson", {}, Err("mixed_geometry", r"mixed geometry kinds")),
    ("fiona_example.topojson", {}, Err("unsupported_format", r"\.topojson")),
    ("fiona_test_gpx.gpx", {}, Err("unsupported_format", r"\.gpx")),
    ("gen_newline_delimited.geojson", {}, Ok(3, FIRST, ("名称",))),
    ("gen_datav_area.json", {}, Ok(1, (120.08, 30.30), ("adcode", "center", "parent"))),
    ("gen_esri.json", {}, Ok(3, FIRST, ("名称",))),
    ("gen_google_earth.kmz", {}, Ok(3, FIRST, ("电话", "邮编"))),
    ("gen_zipped_geojson.zip", {}, Ok(3, FIRST, ("名称",))),
    # --- Shapefile / GeoPackage
    ("gen_shp_cut_off.zip", {}, Err("shp_cut_off", r"cut off \(\d+ of \d+ bytes\)")),
    ("gen_shp_garbage.zip", {}, Err("corrupt", r"damaged or not in that format")),
    ("gen_one_point_ring.geojson", {}, Err("unsupported_geometry", r"its geometry \(Polygon\) .*too few points")),
    ("gen_text_coordinates.geojson", {}, Err("corrupt", r"cannot read it as GeoJSON: the file is damaged")),
    ("gen_gpkg_table_first.gpkg", {}, Ok(3, FIRST, ("名称",), ("extra_layers",))),
    ("fiona_test_tin.zip", {}, Ok(1, None, warns=("heights_dropped", "outside_hangzhou"))),
    ("fiona_gre.zip", {}, Ok(1, None, ("name_en",), ("outside_hangzhou",))),
    ("gen_multipatch_shp.zip", {}, Ok(3, FIRST)),
    ("gen_cgcs2000_gk_3d_shp.zip", {}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("gen_4480_height_gcj02.gpkg", {"crs": "gcj02"}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("gen_4490_height_gcj02.gpkg", {"crs": "gcj02"}, Ok(3, FIRST, warns=("heights_dropped",))),
    ("pyogrio:curve.gpkg", {}, Ok(1, None, warns=("outside_hangzhou",))),
    ("pyogrio:curvepolygon.gpkg", {}, Ok(1, None, warns=("outside_hangzhou",))),
    ("pyogrio:multisurface.gpkg", {}, Ok(1, None, warns=("outside_hangzhou",))),
    ("pyogrio:line_zm.gpkg", {}, Ok(1, None, warns=("outside_hangzhou",))),
    ("pyogrio:test_gpkg_nulls.gpkg", {}, Ok(4, None, ("col_bool",), ("outside_hangzhou",))),
    ("pyogrio:naturalearth_lowres", {}, Ok(177, None, ("name", "iso_a3"), ("outside_hangzhou",))),
    # --- tables
    ("gen_title_rows.xlsx", {}, Ok(3, FIRST, ("企业名称",))),
    ("gen_two_row_header.xlsx", {}, Ok(3, FIRST, ("经纬度 经度", "经纬度 纬度"))),
    ("gen_second_sheet.xlsx", {}, Ok(3, FIRST, warns=("sheet_chosen",))),
    ("gen_sheet_named_baidu.xlsx", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_sheet_named_baidu.xlsx", {"crs": "gcj02"}, Ok(3, None, warns=("system_disagrees",))),
    ("gen_two_data_sheets.xlsx", {}, Ok(3, FIRST, warns=("sheet_chosen",))),
    ("gen_two_data_sheets.xlsx", {"sheet": "宁波"}, Ok(1, (121.55, 29.87), warns=("outside_hangzhou",))),
    ("gen_no_coordinates.xlsx", {}, Err("no_coordinate_columns", r"地址")),
    ("gen_empty.csv", {}, Err("empty")),
    ("gen_header_only.csv", {}, Err("no_rows", r"no data rows")),
    ("gen_bd09_columns.csv", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_bd09_columns.csv", {"crs": "wgs84"}, Ok(3, None, warns=("system_disagrees",))),
    ("gen_baidu_named_columns.csv", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_gaode_columns_gbk.csv", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_gcj_suffix_columns.csv", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_mars_columns.csv", {}, Ok(3, FIRST, warns=("system_detected",))),
    ("gen_wgs84_columns.csv", {}, Ok(3, FIRST)),
    ("gen_title_row.csv", {}, Ok(3, FIRST, ("名称",))),
    ("gen_wkt_column.csv", {}, Ok(3, (120.0836, 30.3025), ("名称",))),
    ("gen_geojson_column.csv", {}, Ok(3, (120.0836, 30.3025), ("name",))),
    ("gen_wkt_bad_row.csv", {}, Err("bad_wkt", r"row 3")),
    ("gen_amap_location_pairs.csv", {}, Ok(3, FIRST, ("address",), ("system_detected",))),  # "amap" in the name
    ("gen_excel_unicode_text.csv", {}, Ok(3, FIRST, ("名称",))),
    ("gen_metres_columns.csv", {}, Err("metres_not_degrees", r"row 2: longitude \(X\) 1\.33\d+e\+07 looks like")),
    ("gen_empty_cell.csv", {}, Err("not_a_number", r"row 3: latitude \(纬度\) \(empty\) is not a number")),
    ("gen_title_line_no_commas.csv", {}, Ok(3, FIRST, ("名称",))),
    ("gen_stray_quote.csv", {}, Err("bad_table", r"broken at line 3 \(a stray quote")),
    ("gen_year_columns.xlsx", {}, Ok(3, FIRST, ("2023", "2024"))),
    ("gen_sheets_without_coordinates.xlsx", {}, Err("no_coordinate_columns_sheets", r"sheets: 说明, 名单")),
    ("gen_sheets_without_coordinates.xlsx", {"sheet": "名单", "lon": "东", "lat": "北"}, Ok(3, FIRST)),
    ("gen_broken_sheet_xml.xlsx", {}, Err("not_xlsx", r"not a readable \.xlsx workbook")),
    ("gen_note_row_names_system.xlsx", {}, Ok(3, FIRST, ("名称",), ("system_detected",))),
    ("gen_old_excel.xls", {}, Err("old_excel", r"save it as \.xlsx")),
    ("gen_xls_renamed.xlsx", {}, Err("old_excel", r"save it as \.xlsx")),
    ("fiona_curves_line.csv", {}, Ok(None, None, ("SHAPE_Length",), ("outside_hangzhou",))),
    ("fiona_test_tin.csv", {}, Ok(3, None, ("id",), ("heights_dropped", "outside_hangzhou"))),
]


def _zip_dir(folder: Path, stem: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.glob(f"{stem}.*")):
            archive.write(file, file.name)
    return buffer.getvalue()


def load(name: str) -> tuple[str, bytes]:
    if name.startswith("pyogrio:"):
        file = name.split(":", 1)[1]
        if file == "naturalearth_lowres":
            return "naturalearth_lowres.zip", _zip_dir(PYOGRIO / file, file)
        return file, (PYOGRIO / file).read_bytes()
    return name, (CORPUS / name).read_bytes()


def outcome(name: str, options: dict, expect: Ok | Err) -> tuple[str, str]:
    """("ok" | "crash" | "silent" | "riddle", detail) of reading one corpus file."""
    file, data = load(name)
    try:
        up = read_upload(file, data, UploadOptions(**options))
    except UploadError as err:
        text = str(err)
        zh = error_text(err.code, err.params, "zh")
        if RIDDLES.search(text) or RIDDLES.search(zh) or not text.startswith(file):
            return "riddle", text
        if isinstance(expect, Ok):
            return "riddle", f"refused a readable file: {text}"
        if err.code != expect.code or not re.search(expect.match, text):
            return "riddle", f"expected {expect.code} /{expect.match}/, got {err.code}: {text}"
        return "ok", text
    except Exception as err:  # noqa: BLE001 - counting crashes is the point
        return "crash", f"{type(err).__name__}: {err}"
    if isinstance(expect, Err):
        return "silent", f"read {len(up.gdf)} features, expected {expect.code}"
    gdf = up.gdf
    codes = {w.code for w in up.warnings}
    problems = []
    if expect.count is not None and len(gdf) != expect.count:
        problems.append(f"{len(gdf)} features, expected {expect.count}")
    if expect.first is not None and len(gdf):
        x, y = shapely.get_coordinates(gdf.geometry.values[:1])[0]
        if not np.allclose((x, y), expect.first, atol=1e-5):
            problems.append(f"first at {x:.6f},{y:.6f}, expected {expect.first}")
    problems += [f"no column {c}" for c in expect.columns if c not in gdf.columns]
    problems += [f"no warning {w}" for w in expect.warns if w not in codes]
    for column, values in expect.values.items():
        got = [None if v is None or v != v else v for v in gdf[column].tolist()] if column in gdf else None
        if got != values:
            problems.append(f"{column} = {got}, expected {values}")
    if shapely.has_z(gdf.geometry.values).any():
        problems.append("heights kept")
    return ("silent", "; ".join(problems)) if problems else ("ok", "")


READS = [c for c in CASES if isinstance(c[2], Ok)]
REFUSALS = [c for c in CASES if isinstance(c[2], Err)]


def _id(case) -> str:
    return f"{case[0]}{case[1] or ''}"


@pytest.mark.parametrize(("name", "options", "expect"), READS, ids=[_id(c) for c in READS])
def test_corpus_file_is_read_right(name, options, expect):
    kind, detail = outcome(name, options, expect)
    assert kind == "ok", f"{kind}: {detail}"


@pytest.mark.parametrize(("name", "options", "expect"), REFUSALS, ids=[_id(c) for c in REFUSALS])
def test_corpus_file_is_refused_with_its_own_reason(name, options, expect):
    file, data = load(name)
    with pytest.raises(UploadError, match=rf"^{re.escape(file)}: .*{expect.match}") as caught:
        read_upload(file, data, UploadOptions(**options))
    err = caught.value
    assert err.code == expect.code
    zh = error_text(err.code, err.params, "zh")
    assert not RIDDLES.search(str(err)) and not RIDDLES.search(zh)
    # issue 18: the Chinese message carries no English sentence (only the file's own names and values)
    data_values = [str(v) for k, v in err.params.items() if k not in ("where",)]
    rest = zh
    for value in sorted(data_values, key=len, reverse=True):
        rest = rest.replace(value, "")
    assert not re.search(r"[A-Za-z]{3,}(?: [A-Za-z]{3,}){2,}", rest), zh


def test_every_corpus_file_is_listed():
    listed = {c[0] for c in CASES}
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix != ".py"}
    assert on_disk <= listed, sorted(on_disk - listed)


if __name__ == "__main__":
    counts: dict[str, int] = {}
    for case in CASES:
        kind, detail = outcome(*case)
        counts[kind] = counts.get(kind, 0) + 1
        if kind != "ok":
            print(f"{kind:7} {case[0]} {case[1] or ''}: {detail[:160]}")
    print(f"{len(CASES)} cases:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    sys.exit(0)
