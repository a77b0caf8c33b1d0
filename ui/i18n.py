"""Every interface string, Chinese and English, in one table. Data labels (layers, kinds, tags) come from
geo.schema."""

from __future__ import annotations

from geo.schema import KINDS, LAYERS, LOCATION_BASES, TAGS
from ui.upload_text import UPLOAD_STRINGS

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    "title": ("杭州人工智能与创新地图", "Hangzhou AI & Innovation Atlas"),
    "subtitle": ("据五篇报道整理：园区、高校院所、企业与规划，每条数据注明出处。",
                 "Built from five newspaper articles: parks, labs, companies and plans, every figure cited."),
    "language": ("语言", "Language"),
    "basemap": ("底图", "Basemap"),
    "basemap_help": ("高德底图使用 GCJ-02 坐标，叠加图层随之转换；无底图可离线使用。",
                     "Amap tiles use GCJ-02, so overlays are converted to match; 'No tiles' works offline."),
    "layers": ("图层", "Layers"),
    "filters": ("筛选", "Filters"),
    "districts": ("区县", "Districts"),
    "kinds": ("类型", "Kinds"),
    "tags": ("产业方向", "Sector tags"),
    "choose": ("请选择", "Choose options"),
    "search": ("搜索名称", "Search names"),
    "search_help": ("中文名、英文名或别名，如 云谷 或 cloud valley",
                    "Chinese or English name or alias, e.g. 云谷 or cloud valley"),
    "search_results": ("搜索结果", "Search results"),
    "no_results": ("没有匹配的名称。", "No name matches."),
    "clear": ("清除全部筛选", "Clear all filters"),
    "legend": ("图例", "Legend"),
    "map_note": ("虚线表示位置为近似（仅知所在区县或示意）。",
                 "Dashed: approximate position (district only or schematic)."),
    "overview": ("总览", "Overview"),
    "city_figures": ("全市数据", "City figures"),
    "visible_now": ("当前显示", "Visible now"),
    "features": ("个要素", "features"),
    "active_filters": ("已启用的筛选", "Active filters"),
    "none": ("无", "none"),
    "select_hint": ("点击地图上的要素、搜索结果或表格中的一行查看详情。",
                    "Click a feature on the map, a search result or a table row to see its details."),
    "selected": ("已选要素", "Selected feature"),
    "deselect": ("返回总览", "Back to overview"),
    "kind": ("类型", "Kind"),
    "layer": ("图层", "Layer"),
    "district": ("所在区县", "District"),
    "aliases": ("别名", "Also known as"),
    "tags_label": ("产业方向", "Sectors"),
    "description": ("简介", "Description"),
    "facts": ("数据与事实", "Facts"),
    "no_facts": ("报道中没有此要素的数据。", "The articles give no figures for this feature."),
    "fact": ("指标", "Figure"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "qualifier": ("限定", "Qualifier"),
    "as_of": ("时间", "As of"),
    "source": ("出处", "Source"),
    "sources": ("出处文章", "Articles cited"),
    "outlet_unknown": ("未署媒体", "Outlet not named"),
    "published": ("发表时间", "Published"),
    "location": ("位置", "Location"),
    "precision": ("位置精度", "Location precision"),
    "basis": ("定位依据", "Location basis"),
    "related": ("相关要素", "Related features"),
    "rel_parent": ("上级", "Parent"),
    "rel_children": ("下属/内含", "Contains / children"),
    "rel_district": ("所在区县", "District"),
    "rel_in_district": ("区内要素", "In this district"),
    "rel_parks": ("所在园区", "Parks"),
    "nearby": ("附近", "Nearby"),
    "radius_km": ("半径（公里）", "Radius (km)"),
    "nearby_none": ("半径内没有其他有确切位置的要素。", "No precisely located feature within this radius."),
    "inside": ("范围内", "Inside"),
    "inside_none": ("范围内没有要素。", "Nothing lies inside."),
    "compare": ("区县对比", "Districts compared"),
    "compare_metric": ("比较指标", "Figure to compare"),
    "compare_count": ("地图中的要素数（按图层）", "Atlas features per district, by layer"),
    "table": ("可见要素", "Visible features"),
    "table_help": ("点击一行可选中该要素。", "Choose a row to select the feature."),
    "name_zh": ("中文名", "Chinese name"),
    "name_en": ("英文名", "English name"),
    "export": ("导出 GeoJSON", "Export GeoJSON"),
    "export_scope": ("导出范围", "What to export"),
    "export_all": ("全部可见要素", "Everything visible"),
    "export_crs": ("坐标系", "Coordinate system"),
    "export_button": ("下载 GeoJSON", "Download GeoJSON"),
    "export_note": ("按当前筛选导出，含完整属性；默认 WGS84（RFC 7946）。",
                    "Current filters applied, full properties; WGS84 (RFC 7946) by default."),
    "crs_wgs84": ("WGS84（RFC 7946，默认）", "WGS84 (RFC 7946, default)"),
    "crs_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"),
    "crs_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "data_error": ("数据文件有误，已跳过：", "A data file has a problem and was skipped: "),
    "query_warning": ("链接中的参数无效，已忽略：", "Ignored invalid link parameters: "),
    "no_data": ("没有可显示的数据。", "No data to show."),
    "meters": ("米", "m"),
    "km": ("公里", "km"),
}
STRINGS.update(UPLOAD_STRINGS)  # the upload feature's strings live next to its error texts


def t(key: str, lang: str) -> str:
    zh, en = STRINGS[key]
    return zh if lang == "zh" else en


def layer_label(layer: str, lang: str) -> str:
    spec = LAYERS.get(layer)
    return (spec[1] if lang == "zh" else spec[2]) if spec else layer


def kind_label(layer: str | None, kind: str, lang: str) -> str:
    for lid, kinds in KINDS.items():
        if (layer is None or lid == layer) and kind in kinds:
            return kinds[kind][0 if lang == "zh" else 1]
    return kind


def tag_label(tag: str, lang: str) -> str:
    pair = TAGS.get(tag)
    return (pair[0] if lang == "zh" else pair[1]) if pair else tag


def basis_label(basis: str, lang: str) -> str:
    pair = LOCATION_BASES.get(basis)
    return (pair[0] if lang == "zh" else pair[1]) if pair else basis


def name(row, lang: str) -> str:
    """A feature's name in the interface language, falling back to the other one."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    value = row.get(first) or row.get(second) or row.get("id", "")
    return str(value)
