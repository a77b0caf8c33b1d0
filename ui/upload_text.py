"""Interface strings of the upload feature (merged into ui.i18n.STRINGS) and the Chinese/English text of every
upload error and warning code of geo.errors.ERROR_TEXT, filled from the error's params."""

from __future__ import annotations

UPLOAD_STRINGS: dict[str, tuple[str, str]] = {
    "upload": ("我的数据", "My data"),
    "upload_file": ("上传文件（一次一个）", "Upload a file (one at a time)"),
    "upload_help": ("GeoJSON、GeoPackage、KML/KMZ、Shapefile（zip 压缩）、FlatGeobuf，或带经纬度列（或 WKT 几何列）的"
                    " CSV / XLSX。数据只保存在本次会话中。",
                    "GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile, FlatGeobuf, or CSV / XLSX with coordinate "
                    "columns (or a WKT geometry column). Kept in this session only."),
    "upload_crs": ("坐标系（经纬度数据）", "Coordinate system (lon/lat data)"),
    "upload_crs_help": ("高德导出为 GCJ-02，百度为 BD-09；GeoJSON 规范为 WGS84。带投影（.prj）的文件自动转换。",
                        "Amap exports are GCJ-02, Baidu's BD-09; GeoJSON is WGS84 by its specification. "
                        "Projected files (.prj) are converted automatically."),
    "upload_encoding": ("文字编码", "Text encoding"),
    "crs_auto": ("自动（按列名、工作表或文件名所示，否则 WGS84）",
                 "Detect (as the columns, sheet or file name say; else WGS84)"),
    "upload_sheet": ("工作表", "Sheet"),
    "crs_auto_as": ("自动：{label}", "Detect: {label}"),
    "sheet_auto": ("自动：{sheet}", "Detect: {sheet}"),
    "enc_auto": ("自动识别", "Detect"),
    "upload_lon": ("经度列", "Longitude column"),
    "upload_lat": ("纬度列", "Latitude column"),
    "col_auto": ("自动识别", "Detect"),
    "upload_show": ("显示", "Show"),
    "upload_remove": ("移除上传的数据", "Remove the upload"),
    "upload_read_as": ("读取为", "Read as"),
    "upload_projected": ("已从 {crs} 转换为 WGS84", "converted from {crs} to WGS84"),
    "upload_error": ("无法读取上传的文件", "The upload cannot be read"),
    "upload_join": ("我的数据与地图的关联", "My data joined to the atlas"),
    "upload_join_help": ("每个要素所在的区县、园区，以及半径内最近的地图要素（椭球面距离）。点击一行可选中。",
                         "Each feature's district, park, and the nearest atlas feature within the radius "
                         "(distance on the ellipsoid). Choose a row to select it."),
    "upload_radius": ("最近要素的搜索半径（公里）", "Radius for the nearest feature (km)"),
    "upload_export": ("导出我的数据（含关联列）", "Export my data (with the joined columns)"),
    "export_format": ("格式", "Format"),
    "export_title": ("导出", "Export"),
    "export_formats_note": ("GeoPackage、Shapefile、KML 仅提供 WGS84；CSV 的点为经纬度列，其他为 WKT。",
                            "GeoPackage, Shapefile and KML are WGS84 only; CSV has lon/lat columns for points, WKT "
                            "otherwise."),
    "download": ("下载", "Download"),
    "uploaded_feature": ("上传的要素", "Uploaded feature"),
    "properties": ("属性", "Properties"),
    "property": ("属性名", "Property"),
    "park": ("所在园区", "Park"),
    "nearest": ("最近的地图要素", "Nearest atlas feature"),
    "distance": ("距离", "Distance"),
    "upload_layer": ("上传图层", "Uploaded layer"),
    "fmt_geojson": ("GeoJSON", "GeoJSON"),
    "fmt_gpkg": ("GeoPackage（QGIS/ArcGIS）", "GeoPackage (QGIS/ArcGIS)"),
    "fmt_shp": ("Shapefile（zip）", "Shapefile (zip)"),
    "fmt_kml": ("KML（Google 地球）", "KML (Google Earth)"),
    "fmt_csv": ("CSV（Excel，UTF-8 BOM）", "CSV (Excel, UTF-8 with BOM)"),
}

# Where in the file: params "row" / "feature" / "line" (English "row 5" is in the error's text).
WHERE: dict[str, tuple[str, str]] = {"row": ("第 {} 行", "row {}"), "feature": ("第 {} 个要素", "feature {}"),
                                     "line": ("第 {} 行", "line {}")}
AXES = {"longitude": ("经度", "longitude"), "latitude": ("纬度", "latitude")}

ERROR_TEXT_ZH: dict[str, str] = {
    "unsupported_format": "不支持的文件类型 {ext}；支持：{supported}",
    "shapefile_not_zipped": "Shapefile 需要 .shx、.dbf 和 .prj：请把它们压缩成一个 .zip 上传",
    "empty": "文件是空的",
    "too_large": "文件大小 {size_mb} MB，超过上限 {limit_mb} MB",
    "too_many_features": "要素超过 {limit} 个（上限 {limit}）",
    "no_features": "文件中没有要素",
    "zip_bomb": "压缩包解压后超过 {limit_mb} MB（上限）",
    "zip_too_many_entries": "压缩包有 {count} 个条目，上限 {limit}",
    "zip_unsafe_path": "压缩包条目 {entry} 指向压缩包之外，已拒绝，未解压任何内容",
    "zip_no_shp": "压缩包中没有 .shp 文件（条目：{entries}）",
    "zip_many_shp": "压缩包中有多个 Shapefile（{entries}），请每个 zip 只放一个",
    "kmz_no_kml": "KMZ 中没有 .kml（或有多个）；请从 Google 地球重新保存",
    "zip_incomplete_shp": "压缩包中的 Shapefile 缺少 {missing}",
    "xml_entity": "KML 声明了 DOCTYPE 或实体，已拒绝（未读取任何内容）",
    "corrupt": "无法按 {driver} 格式读取：文件已损坏，或不是该格式；请用制作它的软件重新导出",
    "unreadable": "无法读取此文件（意外问题，已报告给管理员）；请确认它能在制作它的软件中打开，再重新导出",
    "bad_json": "JSON 在第 {lineno} 行第 {column} 列出错；请在该处修正，或重新导出文件",
    "cut_off": "文件在第 {lineno} 行被截断（下载或复制中断？）；请上传完整的文件",
    "shp_cut_off": "压缩包中的 .shp 不完整（{size} / {expected} 字节）；请重新压缩完整的 Shapefile",
    "bad_xml": "XML 在第 {lineno} 行第 {column} 列出错；请在该处修正，或重新导出文件",
    "not_kml": "这不是 KML 文件（而是{found}）；请把地图本身另存为 KML（Google 地球：“将位置另存为…” .kml）",
    "not_geojson": "这个 JSON 不是 GeoJSON（而是{found}）；请导出 GeoJSON，或把表格另存为带经纬度列的 CSV",
    "wrong_content": "文件实际上是{found}，不是 {driver}；请改用正确的扩展名",
    "old_excel": "不读取旧版 Excel（.xls）文件；请另存为 .xlsx（Excel：“另存为”→“Excel 工作簿”）",
    "not_xlsx": "不是可读取的 .xlsx 工作簿（已损坏或有密码保护）；请重新另存为 .xlsx",
    "unknown_sheet": "没有名为 {sheet} 的工作表（工作表：{sheets}）",
    "bad_table": "表格在第 {lineno} 行出错（多余的引号或分隔符？）",
    "bad_wkt": "{column} 列中的几何不是 WKT 或 GeoJSON：{value}（共 {count} 处）",
    "unsupported_geometry": "几何图形（{kind}）无法读取：点数太少，或是地图无法显示的类型（共 {count} 个要素）",
    "no_geometry": "{count} 个要素都没有几何图形（如果是表格，请上传带经纬度列的 CSV/XLSX）",
    "no_rows": "表格只有表头，没有数据行",
    "encoding": "不是有效的 {encoding} 文本；请选择其他编码",
    "no_coordinate_columns": "未找到经纬度列（现有列：{columns}）；请选择经度列和纬度列",
    "no_coordinate_columns_sheets": "没有工作表带经纬度列（工作表：{sheets}；{sheet} 的列：{columns}）；"
                                    "请先选择工作表，再选择经度列和纬度列",
    "unknown_column": "没有名为 {column} 的列（现有列：{columns}）",
    "not_a_number": "{axis}（{column} 列）的值 {value} 不是数字（共 {count} 处）",
    "out_of_range": "{axis}（{column} 列）的值 {value} 超出范围（共 {count} 处）",
    "metres_not_degrees": "{axis}（{column} 列）的值 {value} 像是投影坐标（米），不是经纬度（共 {count} 处）："
                          "请导出经纬度（WGS84），或上传带 .prj 的 Shapefile",
    "swapped": "经纬度似乎颠倒了：请把 {lat} 选为经度列、{lon} 选为纬度列",
    "swapped_axes": "坐标是“纬度, 经度”顺序（{x}, {y}）：请按“经度, 纬度”（x, y）导出，GeoJSON 要求如此",
    "missing_geometry": "缺少几何图形（共 {count} 个要素）",
    "mixed_geometry": "几何类型混杂（{kinds}），此处是第一个 {kind}：请每个文件只放一种类型",
    "outside_hangzhou": "{total} 个要素中有 {count} 个位于杭州市范围之外",
    "extra_layers": "只读取了图层 {layer}；文件中还有：{layers}",
    "heights_dropped": "已去掉高程（第三个坐标）；地图为二维",
    "system_detected": "按 {source} 所示，坐标按 {label} 读取；如不对，请选择其他坐标系",
    "system_disagrees": "您选择了 {chosen_label}，但 {source} 表明是 {label}；请核对坐标系",
    "sheet_chosen": "读取了工作表 {sheet}（工作表：{sheets}）；如需要，请选择其他工作表",
}
FOUND_ZH = {"web page": "网页", "XML without <kml>": "不含 <kml> 的 XML", "text": "纯文本", "TopoJSON": " TopoJSON",
            "a list of records": "记录列表", "an object without a GeoJSON type": "没有 GeoJSON 类型的对象",
            "a single value": "单个值", "zip": " zip 压缩包", "GeoPackage": " GeoPackage", "PDF": " PDF",
            "old Excel (.xls)": "旧版 Excel（.xls）", "image": "图片", "FlatGeobuf": " FlatGeobuf",
            "RAR": " RAR 压缩包", "7z": " 7z 压缩包"}
KINDS_ZH = {"point": "点", "line": "线", "polygon": "面", "collection": "几何集合"}


def error_text(code: str, params: dict, lang: str) -> str:
    """The message of an upload error or warning code in ``lang`` (English from geo.errors.ERROR_TEXT)."""
    from geo.errors import ERROR_TEXT

    values = dict(params)
    if lang == "zh":
        if "axis" in values:
            values["axis"] = AXES.get(values["axis"], (values["axis"],))[0]
        if values.get("value") == "(empty)":
            values["value"] = "（空）"
        if "found" in values:
            values["found"] = FOUND_ZH.get(values["found"], values["found"])
        for key in ("kind",):
            if key in values:
                values[key] = KINDS_ZH.get(values[key], values[key])
        if "kinds" in values:
            values["kinds"] = "、".join(KINDS_ZH.get(k.strip(), k.strip()) for k in str(values["kinds"]).split(","))
        template = ERROR_TEXT_ZH[code]
    else:
        template = ERROR_TEXT[code]
    values.setdefault("where", "")
    return template.format(**values)


def where_text(params: dict, lang: str) -> str:
    for key, (zh, en) in WHERE.items():
        if params.get(key) not in (None, ""):
            return (zh if lang == "zh" else en).format(params[key])
    return ""
