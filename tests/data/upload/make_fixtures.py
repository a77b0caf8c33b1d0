"""Regenerate the upload fixtures (tests/data/upload/): one file per format and one per bad case.

    .venv/bin/python tests/data/upload/make_fixtures.py

Every position is an approximate WGS84 test position in Hangzhou (general knowledge, not article data); names are
invented ("示例…"). tests/data/README.md lists each file and what it exercises.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from geo.core.crs import wgs84_to_bd09, wgs84_to_gcj02  # noqa: E402

HERE = Path(__file__).resolve().parent
PAYLOAD = '<img src=x onerror="alert(1)">'
SCRIPT = "<script>alert('xss')</script>"

# (name, kind, lon, lat) WGS84 — four test sites in four districts.
SITES = [
    ("示例企业甲", "企业", 120.0826, 30.3035),   # near 紫金港, 西湖区
    ("示例园区乙", "园区", 120.1005, 30.1340),   # near 云栖小镇, 西湖区
    ("示例项目丙", "项目", 120.2108, 30.2087),   # 滨江区
    (PAYLOAD, "企业", 120.1630, 30.3180),       # 拱墅区; the name is a script payload
]
# A WGS84 position in 西湖区 about 260 m from the border with 上城区 whose GCJ-02 coordinates, read as if they
# were WGS84, fall in 上城区 (found by searching data/districts.geojson; both ~260 m from the border).
BORDER_WGS84 = (120.146839, 30.221702)


def sites_frame() -> gpd.GeoDataFrame:
    names, kinds, lon, lat = zip(*SITES, strict=True)
    return gpd.GeoDataFrame({"名称": list(names), "类型": list(kinds), "编号": ["0571", "0572", "0573", "0574"]},
                            geometry=shapely.points(lon, lat), crs="EPSG:4326")


def write(name: str, content: bytes | str) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    (HERE / name).write_bytes(data)


def feature_collection(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def point_feature(props: dict, lon: float, lat: float) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def csv_text(header: list[str], rows: list[list]) -> str:
    return "\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n"


def shapefile_zip(gdf: gpd.GeoDataFrame, stem: str, *, encoding: str = "UTF-8", cpg: bool = True,
                  prefix: str = "") -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        pyogrio.write_dataframe(gdf, Path(tmp) / f"{stem}.shp", encoding=encoding)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(Path(tmp).iterdir()):
                if file.suffix == ".cpg" and not cpg:
                    continue
                zf.write(file, prefix + file.name)
        return out.getvalue()


def vector_bytes(gdf: gpd.GeoDataFrame, driver: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"layer{suffix}"
        options = {"SPATIAL_INDEX": "NO"} if driver == "FlatGeobuf" else {}  # keep the file order
        pyogrio.write_dataframe(gdf, path, driver=driver, layer_options=options)
        return path.read_bytes()


def valid() -> None:
    gdf = sites_frame()
    lon, lat = shapely.get_x(gdf.geometry.values), shapely.get_y(gdf.geometry.values)
    features = [point_feature({"名称": n, "类型": k, "编号": c, SCRIPT: "列名是脚本"}, x, y)
                for n, k, c, x, y in zip(gdf["名称"], gdf["类型"], gdf["编号"], lon, lat, strict=True)]
    write("sites.geojson", feature_collection(features))
    gx, gy = wgs84_to_gcj02(lon, lat)
    write("sites_gcj02.geojson", feature_collection(
        [point_feature({"名称": n}, round(float(x), 6), round(float(y), 6))
         for n, x, y in zip(gdf["名称"], gx, gy, strict=True)]))
    write("sites.gpkg", vector_bytes(gdf, "GPKG", ".gpkg"))
    write("sites.fgb", vector_bytes(gdf, "FlatGeobuf", ".fgb"))
    write("sites_shp.zip", shapefile_zip(gdf, "sites", prefix="sites/"))
    write("sites_gbk_shp.zip", shapefile_zip(gdf, "sites_gbk", encoding="GBK", cpg=False))
    write("sites_utm_shp.zip", shapefile_zip(gdf.to_crs("EPSG:32651"), "sites_utm"))
    placemarks = "".join(
        f"<Placemark><name>{n.replace('<', '&lt;').replace('>', '&gt;')}</name>"
        f"<Point><coordinates>{x},{y}</coordinates></Point></Placemark>"
        for n, x, y in zip(gdf["名称"], lon, lat, strict=True))
    write("sites.kml", '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
          f"<Document><name>示例</name>{placemarks}</Document></kml>\n")
    rows = [[n.replace(",", " "), k, x, y] for n, k, x, y in SITES]
    write("sites_utf8.csv", csv_text(["name", "kind", "lon", "lat"], rows))
    write("sites_utf8_bom.csv", "\ufeff" + csv_text(["名称", "类型", "经度", "纬度"], rows))
    write("sites_gbk.csv", csv_text(["名称", "类型", "经度", "纬度"],
                                     [r for r in rows if r[0] != SITES[3][0]]).encode("gbk"))
    gcj = [[n, k, f"{float(a):.6f}", f"{float(b):.6f}"] for (n, k, _, _), a, b in
           zip(rows, *wgs84_to_gcj02([r[2] for r in rows], [r[3] for r in rows]), strict=True)]
    write("sites_gcj02.csv", csv_text(["名称", "类型", "lng", "lat"], gcj))
    bd = [[n, k, f"{float(a):.6f}", f"{float(b):.6f}"] for (n, k, _, _), a, b in
          zip(rows, *wgs84_to_bd09([r[2] for r in rows], [r[3] for r in rows]), strict=True)]
    write("sites_bd09.csv", csv_text(["名称", "类型", "经度(BD09)", "纬度(BD09)"], bd))
    write("sites_custom_columns.csv", csv_text(["名称", "E", "N"], [[n, x, y] for n, _k, x, y in rows]))
    book = Workbook()
    sheet = book.active
    sheet.title = "站点"
    sheet.append(["名称", "类型", "经度", "纬度", "成立日期"])
    for (n, k, x, y), year in zip(SITES, (2019, 2020, 2021, 2022), strict=True):
        sheet.append([n, k, x, y, f"{year}-06-01"])
    buf = io.BytesIO()
    book.save(buf)
    write("sites.xlsx", buf.getvalue())
    bx, by = wgs84_to_gcj02(*BORDER_WGS84)
    write("border_gcj02.csv", csv_text(["名称", "经度", "纬度"], [["边界测试点", f"{float(bx):.6f}",
                                                                 f"{float(by):.6f}"]]))
    write("payload_columns.csv", csv_text(["name", SCRIPT.replace(",", " "), PAYLOAD.replace(",", " "), "lon", "lat"],
                                          [["示例", SCRIPT, "`${window.__xss=1}`", 120.0826, 30.3035]]))


def bad() -> None:
    write("bad_extension.txt", "名称,经度,纬度\n示例,120.1,30.2\n")
    write("empty.geojson", b"")
    whole = (HERE / "sites.geojson").read_bytes()
    write("truncated.geojson", whole[: len(whole) // 2])
    gpkg = (HERE / "sites.gpkg").read_bytes()
    write("corrupt.gpkg", gpkg[:1024] + bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8)))
    write("corrupt.xlsx", b"PK\x03\x04 this is not a workbook")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "no shapefile here")
        zf.writestr("sites.dbf", b"\x03")
    write("no_shp.zip", buf.getvalue())
    one = zipfile.ZipFile(io.BytesIO((HERE / "sites_shp.zip").read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in one.infolist():
            zf.writestr(info.filename, one.read(info))
            zf.writestr(info.filename.replace("sites/sites", "other/other"), one.read(info))
    write("two_shp.zip", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for info in one.infolist():
            zf.writestr(info.filename.replace("sites/", "../../"), one.read(info))
    write("zip_slip.zip", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in one.infolist():
            zf.writestr(info.filename, one.read(info))
        zf.writestr("sites/padding.bin", bytes(101 * 1024 * 1024))  # expands past the 100 MB limit
    write("zip_bomb.zip", buf.getvalue())
    write("no_coordinates.csv", csv_text(["名称", "地址"], [["示例", "杭州市西湖区"]]))
    write("not_numeric.csv", csv_text(["名称", "经度", "纬度"], [["甲", 120.1, 30.2], ["乙", "东经120度", 30.3]]))
    write("out_of_range.csv", csv_text(["名称", "lon", "lat"], [["甲", 120.1, 30.2], ["乙", 120.2, 95.0]]))
    write("swapped.csv", csv_text(["名称", "经度", "纬度"], [[n, y, x] for n, _k, x, y in SITES[:3]]))
    write("outside_hangzhou.csv", csv_text(["名称", "lon", "lat"], [["北京示例", 116.397, 39.909],
                                                                   ["上海示例", 121.474, 31.230]]))
    write("mixed_geometry.geojson", feature_collection([
        point_feature({"名称": "点"}, 120.1, 30.2),
        {"type": "Feature", "properties": {"名称": "面"}, "geometry": {"type": "Polygon", "coordinates": [
            [[120.1, 30.2], [120.11, 30.2], [120.11, 30.21], [120.1, 30.2]]]}}]))
    write("null_geometry.geojson", feature_collection([
        point_feature({"名称": "点"}, 120.1, 30.2),
        {"type": "Feature", "properties": {"名称": "空"}, "geometry": None}]))
    write("xxe.kml", '<?xml version="1.0" encoding="UTF-8"?>\n'
          '<!DOCTYPE kml [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>\n'
          '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&xxe;</name>'
          "<Point><coordinates>120.1,30.2</coordinates></Point></Placemark></Document></kml>\n")


if __name__ == "__main__":
    valid()
    bad()
    print("\n".join(sorted(p.name for p in HERE.iterdir() if p.suffix != ".py")))
