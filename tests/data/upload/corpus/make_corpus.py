"""Regenerate the generated part of the upload corpus (``gen_*`` files in tests/data/upload/corpus/).

    .venv/bin/python tests/data/upload/corpus/make_corpus.py

Each file is one real-world case of issue 16 (files as Google My Maps, Google Earth, Excel users, ArcGIS and the
project's own export make them). Positions are the four approximate WGS84 test sites of ../make_fixtures.py
(general knowledge, not article data); names are invented. ``gen_`` files are made here; ``gdal_`` and ``fiona_``
files are copies of public test data (tests/data/README.md, licences there). What each file must give is in
tests/geo/io/test_upload_corpus.py.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from geo.core.crs import wgs84_to_bd09, wgs84_to_gcj02  # noqa: E402

HERE = Path(__file__).resolve().parent
SITES = [("示例企业甲", 120.0826, 30.3035), ("示例园区乙", 120.1005, 30.1340), ("示例项目丙", 120.2108, 30.2087)]
NAMES = [s[0] for s in SITES]
LON = [s[1] for s in SITES]
LAT = [s[2] for s in SITES]


def write(name: str, content: bytes | str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(content.encode(encoding) if isinstance(content, str) else content)


def gcj(i: int) -> tuple[float, float]:
    x, y = wgs84_to_gcj02(LON[i], LAT[i])
    return round(float(x), 6), round(float(y), 6)


def bd(i: int) -> tuple[float, float]:
    x, y = wgs84_to_bd09(LON[i], LAT[i])
    return round(float(x), 6), round(float(y), 6)


def placemark(name: str, lon: float, lat: float, data: dict | None = None, z: float | None = None) -> str:
    ext = ""
    if data:
        ext = "<ExtendedData>" + "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
        ext += "</ExtendedData>"
    coords = f"{lon},{lat}" + (f",{z}" if z is not None else "")
    return f"<Placemark><name>{name}</name>{ext}<Point><coordinates>{coords}</coordinates></Point></Placemark>"


def kml(body: str, declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    return f'{declaration}<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document><name>示例</name>\n{body}\n</Document>\n</kml>\n'


def marks(data: bool = False) -> str:
    return "\n".join(placemark(n, x, y, {"电话": f"0571-8800000{i}", "邮编": "310000"} if data else None)
                     for i, (n, x, y) in enumerate(SITES))


def kml_files() -> None:
    # Google My Maps: the network-link wrapper it offers as "KML", with no placemark in it.
    write("gen_mymaps_networklink.kml", kml('<NetworkLink><name>我的地图</name><Link><href>'
                                            'https://www.google.com/maps/d/kml?mid=abc</href></Link></NetworkLink>'))
    # My Maps export: an empty first layer (folder), then a layer with the places.
    write("gen_mymaps_empty_first_folder.kml",
          kml(f"<Folder><name>无标题图层</name></Folder>\n<Folder><name>企业</name>{marks()}</Folder>"))
    # Google Earth: two folders, Chinese ExtendedData names.
    write("gen_earth_two_folders_extdata.kml",
          kml(f"<Folder><name>甲组</name>{placemark(NAMES[0], LON[0], LAT[0], {'电话': '0571-1', '邮编': '310000'})}"
              f"</Folder><Folder><name>乙组</name>{placemark(NAMES[1], LON[1], LAT[1], {'电话': '0571-2'})}"
              f"{placemark(NAMES[2], LON[2], LAT[2], {'邮编': '310052'})}</Folder>"))
    write("gen_extdata_chinese_names.kml", kml(marks(data=True)))
    # Nested folders, placemarks at every level.
    write("gen_nested_folders.kml",
          kml(f"{placemark(NAMES[0], LON[0], LAT[0])}<Folder><name>外层</name>{placemark(NAMES[1], LON[1], LAT[1])}"
              f"<Folder><name>内层</name>{placemark(NAMES[2], LON[2], LAT[2])}</Folder></Folder>"))
    # Encodings: GBK with its declaration, GB2312 declared, GBK without any declaration, UTF-16.
    write("gen_gbk_declared.kml", kml(marks(data=True), '<?xml version="1.0" encoding="GBK"?>\n'), "gbk")
    write("gen_gb2312_declared.kml", kml(marks(), '<?xml version="1.0" encoding="gb2312"?>\n'), "gb2312")
    write("gen_gbk_undeclared.kml", kml(marks(), ""), "gbk")
    write("gen_utf16.kml", kml(marks(), '<?xml version="1.0" encoding="UTF-16"?>\n'), "utf-16")
    # Cut off mid-file (a download that stopped), and broken XML in the middle.
    full = kml(marks())
    write("gen_cut_off.kml", full[: len(full) * 2 // 3])
    write("gen_broken_tag.kml", full.replace("</name>", "</nam>", 2))
    write("gen_empty.kml", b"")
    write("gen_html_saved_as.kml",
          "<!DOCTYPE html>\n<html><head><title>Google 地图</title></head><body>登录</body></html>")
    # 3D placemarks (Google Earth "absolute" altitude) in GCJ-02: heights dropped, GCJ-02 applied.
    write("gen_3d_gcj02.kml", kml("\n".join(placemark(n, *gcj(i), z=35.5) for i, n in enumerate(NAMES))))


def geojson(features: list[dict], **extra) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features}, ensure_ascii=False, indent=1)


def feature(name: str, coords: list, kind: str = "Point") -> dict:
    return {"type": "Feature", "properties": {"名称": name}, "geometry": {"type": kind, "coordinates": coords}}


def json_files() -> None:
    write("gen_3d_gcj02.geojson", geojson([feature(n, [*gcj(i), 12.0]) for i, n in enumerate(NAMES)]))
    crs84h = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84h"}}
    write("gen_crs84h_bd09.geojson", geojson([feature(n, [*bd(i), 8.0]) for i, n in enumerate(NAMES)], crs=crs84h))
    mercator = shapely.points(LON, LAT)
    xy = shapely.get_coordinates(gpd.GeoSeries(mercator, crs=4326).to_crs(3857).values)
    write("gen_3d_metres_no_crs.geojson", geojson([feature(n, [float(x), float(y), 5.0]) for n, (x, y) in
                                                   zip(NAMES, xy, strict=True)]))
    # Natural Earth style float noise at the antimeridian and the pole.
    noisy = [[180.00000000000006, -16.0], [180.00000000000006, -16.5], [179.5, -16.5], [179.5, -16.0],
             [180.00000000000006, -16.0]]
    polar = [[-180.0, -90.00000000000001], [180.0, -90.00000000000001], [180.0, -84.7], [-180.0, -84.7],
             [-180.0, -90.00000000000001]]
    write("gen_float_noise_180.geojson", geojson([feature("Fiji part", [noisy], "Polygon"),
                                                  feature("Antarctica part", [polar], "Polygon")]))
    write("gen_lat_lon_order.geojson", geojson([feature(n, [y, x]) for n, x, y in SITES]))
    write("gen_real_out_of_range.geojson", geojson([feature("bad", [181.5, 30.2])]))
    # JSON that is not GeoJSON: a records array with coordinates, an API response, a TopoJSON.
    write("gen_records_array.json", json.dumps([{"name": n, "lng": x, "lat": y} for n, x, y in SITES],
                                               ensure_ascii=False))
    write("gen_api_response.json", json.dumps({"status": "1", "info": "OK", "pois": [{"name": NAMES[0],
                                              "location": f"{LON[0]},{LAT[0]}"}]}, ensure_ascii=False))
    write("gen_empty_collection.geojson", geojson([]))
    write("gen_whitespace.geojson", "  \n\n ")
    full = geojson([feature(n, [x, y]) for n, x, y in SITES])
    write("gen_cut_off.geojson", full[: len(full) // 2])
    write("gen_trailing_garbage.geojson", full.replace('"名称"', '"名称",', 1))
    # Shapefile zip uploaded with .geojson extension; a .json that is a zip.
    write("gen_binary_as.geojson", b"PK\x03\x04" + bytes(range(256)) * 4)


def excel(name: str, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    write(name, buffer.getvalue())


def table_files() -> None:
    body = [[n, x, y] for n, x, y in SITES]
    excel("gen_title_rows.xlsx", {"企业名录": [["杭州示例企业名录（2025年）", None, None], ["制表：示例", None, None],
                                           [None, None, None], ["企业名称", "经度", "纬度"], *body]},
          {"企业名录": ["A1:C1", "A2:C2"]})
    excel("gen_two_row_header.xlsx", {"Sheet1": [["名称", "经纬度", None], [None, "经度", "纬度"], *body]},
          {"Sheet1": ["A1:A2", "B1:C1"]})
    excel("gen_second_sheet.xlsx", {"说明": [["本表说明"], ["数据来源：示例"], ["坐标：WGS84"]],
                                    "数据": [["名称", "lng", "lat"], *body]})
    excel("gen_sheet_named_baidu.xlsx", {"百度坐标": [["名称", "经度", "纬度"], *[[n, *bd(i)] for i, n in
                                                                           enumerate(NAMES)]]})
    excel("gen_two_data_sheets.xlsx", {"杭州": [["名称", "经度", "纬度"], *body],
                                       "宁波": [["名称", "经度", "纬度"], ["示例宁波", 121.55, 29.87]]})
    excel("gen_no_coordinates.xlsx", {"Sheet1": [["名称", "地址"], [NAMES[0], "杭州市西湖区"]]})
    write("gen_empty.csv", b"")
    write("gen_header_only.csv", "名称,经度,纬度\n")
    write("gen_bd09_columns.csv", "名称,经度(BD-09),纬度(BD-09)\n" +
          "".join(f"{n},{bd(i)[0]},{bd(i)[1]}\n" for i, n in enumerate(NAMES)))
    write("gen_baidu_named_columns.csv", "名称,百度经度,百度纬度\n" +
          "".join(f"{n},{bd(i)[0]},{bd(i)[1]}\n" for i, n in enumerate(NAMES)))
    write("gen_gaode_columns_gbk.csv", "名称,高德经度,高德纬度\n" +
          "".join(f"{n},{gcj(i)[0]},{gcj(i)[1]}\n" for i, n in enumerate(NAMES)), "gbk")
    write("gen_gcj_suffix_columns.csv", "name,lng_gcj,lat_gcj\n" +
          "".join(f"{n},{gcj(i)[0]},{gcj(i)[1]}\n" for i, n in enumerate(NAMES)))
    write("gen_mars_columns.csv", "名称,火星坐标经度,火星坐标纬度\n" +
          "".join(f"{n},{gcj(i)[0]},{gcj(i)[1]}\n" for i, n in enumerate(NAMES)))
    write("gen_wgs84_columns.csv", "名称,WGS84经度,WGS84纬度\n" + "".join(f"{n},{x},{y}\n" for n, x, y in SITES))
    write("gen_title_row.csv", "杭州示例企业名录,,\n,,\n名称,经度,纬度\n" +
          "".join(f"{n},{x},{y}\n" for n, x, y in SITES))
    polys = [shapely.box(x - 0.001, y - 0.001, x + 0.001, y + 0.001) for x, y in zip(LON, LAT, strict=True)]
    write("gen_wkt_column.csv", "名称,WKT\n" + "".join(f'{n},"{p.wkt}"\n' for n, p in zip(NAMES, polys, strict=True)))
    write("gen_geojson_column.csv", "name,geometry\n" + "".join(
        f'{n},"{json.dumps(shapely.geometry.mapping(p)).replace(chr(34), chr(34) * 2)}"\n'
        for n, p in zip(NAMES, polys, strict=True)))
    write("gen_wkt_bad_row.csv",
          "名称,WKT\n" + f'{NAMES[0]},"{polys[0].wkt}"\n{NAMES[1]},"POLYGON ((120.1 30.1, 120"\n')


def vector_files() -> None:
    gdf = gpd.GeoDataFrame({"名称": NAMES}, geometry=shapely.points(LON, LAT), crs=4326)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # CGCS2000 3-degree Gauss-Kruger (CM 120E) with heights: an ArcGIS export from a Chinese survey.
        gk = gpd.GeoDataFrame({"名称": NAMES}, geometry=shapely.force_3d(gdf.to_crs(4549).geometry.values, 10.0),
                              crs=4549)
        pyogrio.write_dataframe(gk, Path(tmp) / "gk.shp", encoding="UTF-8")
        zipped(Path(tmp), "gk", "gen_cgcs2000_gk_3d_shp.zip")
        # Geographic CGCS2000 3D (EPSG:4480) and 4490 with heights, lon/lat given in GCJ-02.
        pts = shapely.points([gcj(i) for i in range(3)])
        for epsg in (4480, 4490):
            frame = gpd.GeoDataFrame({"名称": NAMES}, geometry=shapely.force_3d(pts, 20.0), crs=epsg)
            pyogrio.write_dataframe(frame, Path(tmp) / f"g{epsg}.gpkg")
            write(f"gen_{epsg}_height_gcj02.gpkg", (Path(tmp) / f"g{epsg}.gpkg").read_bytes())
        # MultiPatch Shapefile (3D buildings from ArcGIS).
        boxes = [shapely.force_3d(shapely.box(x, y, x + 0.0005, y + 0.0005), 30.0) for x, y in zip(LON, LAT,
                                                                                             strict=True)]
        mp = gpd.GeoDataFrame({"名称": NAMES}, geometry=boxes, crs=4326)
        pyogrio.write_dataframe(mp, Path(tmp) / "mp.shp", encoding="UTF-8", layer_options={"SHPT": "MULTIPATCH"})
        zipped(Path(tmp), "mp", "gen_multipatch_shp.zip")


def more_files() -> None:
    """Second round: KMZ, newline-delimited GeoJSON, Amap "location" pairs, Excel's Unicode text, metres without a
    CRS, a zipped GeoJSON, DataV and Esri JSON, a GeoPackage whose first table has no geometry, an old .xls."""
    doc = kml(marks(data=True))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", doc)
        archive.writestr("files/icon.png", b"\x89PNG\r\n\x1a\n")
    write("gen_google_earth.kmz", buffer.getvalue())
    write("gen_newline_delimited.geojson", "\n".join(json.dumps(feature(n, [x, y]), ensure_ascii=False)
                                                     for n, x, y in SITES) + "\n")
    write("gen_amap_location_pairs.csv", "name,location,address\n" + "".join(
        f'{n},"{gcj(i)[0]},{gcj(i)[1]}",杭州市\n' for i, n in enumerate(NAMES)))
    write("gen_excel_unicode_text.csv", "名称\t经度\t纬度\n" + "".join(f"{n}\t{x}\t{y}\n" for n, x, y in SITES),
          "utf-16")
    xy = shapely.get_coordinates(gpd.GeoSeries(shapely.points(LON, LAT), crs=4326).to_crs(3857).values)
    write("gen_metres_columns.csv", "名称,X,Y\n" + "".join(f"{n},{x:.2f},{y:.2f}\n" for n, (x, y) in
                                                           zip(NAMES, xy, strict=True)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sites.geojson", geojson([feature(n, [x, y]) for n, x, y in SITES]))
    write("gen_zipped_geojson.zip", buffer.getvalue())
    datav = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {
        "adcode": 330106, "name": "西湖区", "center": [120.13, 30.26], "parent": {"adcode": 330100},
        "acroutes": [100000, 330000, 330100]}, "geometry": {"type": "MultiPolygon", "coordinates": [[[
            [120.08, 30.30], [120.15, 30.30], [120.15, 30.25], [120.08, 30.30]]]]}}]}
    write("gen_datav_area.json", json.dumps(datav, ensure_ascii=False))
    esri = {"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 4326},
            "fields": [{"name": "名称", "type": "esriFieldTypeString"}],
            "features": [{"attributes": {"名称": n}, "geometry": {"x": x, "y": y}} for n, x, y in SITES]}
    write("gen_esri.json", json.dumps(esri, ensure_ascii=False))
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(tmp) / "two.gpkg"
        import pandas as pd

        pyogrio.write_dataframe(pd.DataFrame({"说明": ["属性表"]}), path, layer="a_notes", driver="GPKG")
        pyogrio.write_dataframe(gpd.GeoDataFrame({"名称": NAMES}, geometry=shapely.points(LON, LAT), crs=4326),
                                path, layer="sites", driver="GPKG", append=True)
        write("gen_gpkg_table_first.gpkg", path.read_bytes())
    # Damaged files: a Shapefile cut in half, one of random bytes, a ring of one point, text coordinates.
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pyogrio.write_dataframe(gpd.GeoDataFrame({"名称": NAMES}, geometry=shapely.points(LON, LAT), crs=4326),
                                Path(tmp) / "s.shp", encoding="UTF-8")
        shp = (Path(tmp) / "s.shp").read_bytes()
        (Path(tmp) / "s.shp").write_bytes(shp[: len(shp) // 2 + 10])
        zipped(Path(tmp), "s", "gen_shp_cut_off.zip")
        for ext in ("shp", "shx", "dbf"):
            (Path(tmp) / f"s.{ext}").write_bytes(bytes(range(200)))
        zipped(Path(tmp), "s", "gen_shp_garbage.zip")
    write("gen_one_point_ring.geojson", geojson([feature(NAMES[0], [[[LON[0], LAT[0]]]], "Polygon")]))
    write("gen_text_coordinates.geojson", geojson([feature(NAMES[0], "120.1,30.2")]))
    write("gen_empty_cell.csv", "名称,经度,纬度\n" + f"{NAMES[0]},{LON[0]},{LAT[0]}\n{NAMES[1]},{LON[1]},\n")
    write("gen_title_line_no_commas.csv", "杭州示例企业名录（2025年）\n制表：示例\n\n名称,经度,纬度\n" +
          "".join(f"{n},{x},{y}\n" for n, x, y in SITES))
    write("gen_stray_quote.csv", "名称,经度,纬度\n" + f'{NAMES[0]},{LON[0]},{LAT[0]}\n"{NAMES[1]},{LON[1]},{LAT[1]}\n'
          + f"{NAMES[2]},{LON[2]},{LAT[2]}\n")
    excel("gen_year_columns.xlsx", {"名录": [["企业名录"], ["名称", "经度", "纬度", 2023, 2024],
                                           *[[n, x, y, 1, 2] for n, x, y in SITES]]})
    excel("gen_sheets_without_coordinates.xlsx", {"说明": [["本表说明"]], "名单": [["名称", "东", "北"],
                                                                               *[[n, x, y] for n, x, y in SITES]]})
    book = zipfile.ZipFile(HERE / "gen_second_sheet.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        for info in book.infolist():
            content = book.read(info)
            broken.writestr(info, content[: len(content) // 2] if info.filename.endswith("sheet2.xml") else content)
    write("gen_broken_sheet_xml.xlsx", buffer.getvalue())
    write("gen_collection_without_features.geojson", '{"type": "FeatureCollection"}')
    excel("gen_note_row_names_system.xlsx", {"Sheet1": [["企业名单", None, None], ["坐标系：百度（BD-09）", None, None],
                                                      ["名称", "经度", "纬度"],
                                                      *[[n, *bd(i)] for i, n in enumerate(NAMES)]]})
    write("gen_old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    write("gen_xls_renamed.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def zipped(folder: Path, stem: str, name: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.glob(f"{stem}.*")):
            archive.write(file, file.name)
    write(name, buffer.getvalue())


if __name__ == "__main__":
    kml_files()
    json_files()
    table_files()
    vector_files()
    more_files()
