"""Every interface string, Chinese and English, in one table. Data labels (layers, kinds, tags) come from
geo.core.schema."""

from __future__ import annotations

import math
import numbers

from geo.core.schema import KINDS, LAYERS, LOCATION_BASES, TAGS, UNKNOWN_BASIS, UPLOAD_LAYER
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
    "period": ("时段（按月）", "Period (by month)"),
    "period_help": ("只显示该时段内的事件和数据；报道中最早日期晚于时段的要素隐藏，未注明日期的要素始终显示。",
                    "Shows the events and figures of this period; features the articles first date after it are "
                    "hidden, features without any date always stay."),
    "legend": ("图例", "Legend"),
    "map_note": ("位置近似的要素放在其所在园区、区县或城市的位置上，并非实际地址。",
                 "Approximate features stand at their park's, district's or city's position, not their address."),
    "sym_precise": ("实心：位置较确切（±1 公里内）", "Solid: position known to within 1 km"),
    "sym_approx": ("空心虚线：位置近似（随上级、区县或示意）",
                   "Hollow, dashed: approximate (at its parent, district or a sketch)"),
    "sym_group": ("数字：同一处的多个要素，点击展开", "Number: several features at one spot; click to fan out"),
    "sym_uncertainty": ("虚线范围：悬停或选中时，实际位置可能所在的范围", "Dashed outline: where a hovered or "
                        "selected feature may really be"),
    "pt_group_one": ("{n} 个要素位于{spot}", "{n} features placed at {spot}"),
    "pt_group_one_approx": ("{n} 个要素位于{spot}（位置近似）", "{n} features placed at {spot} (approximate)"),
    "pt_group_many": ("此处共 {n} 个要素：", "{n} features here:"),
    "pt_group_hint": ("点击展开，逐个查看", "Click to fan them out"),
    "pt_approx_at": ("位置近似：放在{spot}，±{d}", "Approximate: placed at {spot}, ±{d}"),
    "pt_precise": ("位置 ±{d}", "Position ±{d}"),
    "pt_unknown": ("位置精度未知", "Precision unknown"),
    "tiles_failed": ("底图瓦片无法加载（可能没有网络）。可在侧栏改用“无底图（离线）”。",
                     "The basemap's tiles cannot be loaded (no internet?). "
                     "Choose 'No tiles (offline)' in the sidebar."),
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
    "target": ("目标", "target"),
    "as_of": ("时间", "As of"),
    "source": ("出处", "Source"),
    "sources": ("出处文章", "Articles cited"),
    "outlet_unknown": ("未署媒体", "Outlet not named"),
    "published": ("发表时间", "Published"),
    "published_est": ("发表时间（据内容推定）", "Published (estimated from its content)"),
    "location": ("位置", "Location"),
    "precision": ("位置精度", "Location precision"),
    "basis": ("定位依据", "Location basis"),
    "related": ("相关要素", "Related features"),
    "rel_parent": ("上级", "Parent"),
    "rel_children": ("下属/内含", "Contains / children"),
    "rel_district": ("所在区县", "District"),
    "rel_in_district": ("区内要素", "In this district"),
    "rel_parks": ("所在园区", "Parks"),
    "rel_place": ("地点", "Place"),
    "rel_participants": ("参与方", "Participants"),
    "when": ("时间", "When"),
    "res_day": ("精确到日", "to the day"),
    "res_month": ("精确到月", "to the month"),
    "res_year": ("仅知年份", "year only"),
    "res_period": ("时段", "a period"),
    "first_date": ("最早日期", "First dated"),
    "undated": ("报道未注明日期（始终显示）", "undated in the articles (always shown)"),
    "undated_short": ("未注明日期", "undated"),
    "timeline": ("时间线", "Timeline"),
    "timeline_more": ("时间线其余 {n} 条", "{n} more in the timeline"),
    "timeline_none": ("报道中没有此要素的日期。", "The articles give no dates for this feature."),
    "timeline_outside": ("另有 {n} 条不在所选时段内。", "{n} more outside the chosen period."),
    "facts_outside": ("另有 {n} 条数据不在所选时段内，已隐藏。", "{n} figures outside the chosen period are hidden."),
    "role_place": ("在此发生", "here"),
    "role_participant": ("参与", "took part"),
    "role_self": ("", ""),
    "events_chart": ("事件时间线", "Events over time"),
    "events_chart_hint": ("点击一个点，在地图上选中该事件。", "Click a point to select the event on the map."),
    "events_chart_off": ("事件图层已关闭。", "The events layer is switched off."),
    "events_collapsed_before": ("左边缘的三角形是更早的 {n} 个事件。",
                                "The triangles at the left edge are {n} earlier events."),
    "events_collapsed_after": ("右边缘的三角形是更晚的 {n} 个事件。",
                               "The triangles at the right edge are {n} later events."),
    "period_presets": ("快速选择时段", "Quick periods"),
    "preset_all": ("全部", "All"),
    "preset_last12": ("最近12个月", "Last 12 months"),
    "map_loading": ("地图加载中…", "Loading the map…"),
    "events_none": ("当前筛选下没有事件。", "No event passes the current filters."),
    "event_date": ("日期", "Date"),
    "event_kind": ("类型", "Kind"),
    "event_name": ("事件", "Event"),
    "event_place": ("地点", "Place"),
    "nearby": ("附近", "Nearby"),
    "radius_km": ("半径（公里）", "Radius (km)"),
    "near_placeholder": ("同一代表位置（非实际距离）", "same placeholder position (not a real distance)"),
    "near_touching": ("在范围内或相接", "inside or touching"),
    "nearby_none": ("半径内没有其他有确切位置的要素。", "No precisely located feature within this radius."),
    "inside": ("范围内", "Inside"),
    "inside_none": ("范围内没有要素。", "Nothing lies inside."),
    "compare": ("区县对比", "Districts compared"),
    "compare_metric": ("比较指标", "Figure to compare"),
    "compare_count": ("地图中的要素数（按图层）", "Atlas features per district, by layer"),
    "table": ("可见要素", "Visible features"),
    "table_help": ("点击一行可选中该要素。", "Choose a row to select the feature."),
    "name": ("名称", "Name"),
    "name_zh": ("中文名", "Chinese name"),
    "name_en": ("英文名", "English name"),
    "export": ("导出 GeoJSON", "Export GeoJSON"),
    "export_scope": ("导出范围", "What to export"),
    "export_all": ("全部可见要素", "Everything visible"),
    "export_crs": ("坐标系", "Coordinate system"),
    "export_note": ("按当前筛选导出，含完整属性；默认 WGS84（RFC 7946）。",
                    "Current filters applied, full properties; WGS84 (RFC 7946) by default."),
    "crs_wgs84": ("WGS84（RFC 7946，默认）", "WGS84 (RFC 7946, default)"),
    "crs_gcj02": ("GCJ-02（高德/腾讯）", "GCJ-02 (Amap/Tencent)"),
    "crs_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "data_error": ("数据文件有误，已跳过：", "A data file has a problem and was skipped: "),
    "query_warning": ("链接中的参数无效，已忽略：", "Ignored invalid link parameters: "),
    "no_data": ("没有可显示的数据。", "No data to show."),
    "count_more": ("另外 {n} 个", "{n} more"),
    "facts_more": ("另外 {n} 条", "{n} more"),
    "results_count": ("搜索结果（{n}）", "Search results ({n})"),
    "results_filtered": ("只列出当前筛选下地图上显示的要素。",
                         "Only features shown on the map under the current filters."),
    "results_cut": ("只列出最相关的 {n} 个；请输入更完整的名称。",
                    "Only the {n} best matches are listed; type more of the name."),
    "results_no_layer": ("没有打开任何图层。", "No layer is switched on."),
    "article": ("文", "A"),
    "articles_cited": ("出处文章（点击查看）", "Articles cited (open for details)"),
    "quotes": ("原文", "Original wording (原文, Chinese as printed)"),
    "outlet": ("媒体", "Outlet"),
    "q_about": ("约", "about"),
    "in_children_too": ("其中 {n} 个是上面已列出的相关要素，此处不再重复。",
                        "{n} of them are listed above under related features and are not repeated here."),
    "district_features": ("区内要素", "In this district"),
    "loc_parent": ("位置为近似：此点代表{parent}，实际位置可能在 ±{d}内。",
                   "Approximate position: this point stands for {parent}; the actual site may be anywhere "
                   "within ±{d}."),
    "loc_parent_unknown": ("位置为近似：此点随所在园区定位，实际位置可能在 ±{d}内。",
                           "Approximate position: placed at its parent place; the actual site may be anywhere "
                           "within ±{d}."),
    "loc_district": ("仅知所在区县：此点为{district}的代表点，实际位置可能在区内任何地方（±{d}）。",
                     "District only: this point stands for {district}; the actual site may be anywhere in the "
                     "district (±{d})."),
    "loc_city": ("仅知在杭州：此点为全市的代表点，实际位置可能在全市任何地方（±{d}）。",
                 "City only: this point stands for Hangzhou; the actual site may be anywhere in the city (±{d})."),
    "loc_landmark": ("位置为近似：依据已知建筑或园区的位置，误差约 ±{d}。",
                     "Approximate position, from a known building or campus: within about ±{d}."),
    "loc_address": ("位置依据门牌地址，误差约 ±{d}。", "Positioned from a street address, within about ±{d}."),
    "loc_footprint": ("范围为近似绘制，边界误差约 ±{d}。",
                      "Approximate footprint: its edges may be off by about ±{d}."),
    "loc_schematic": ("示意绘制：据文章的文字描述画出，并非实际边界（误差约 ±{d}）。",
                      "Schematic: drawn from the article's description, not a real boundary (about ±{d})."),
    "loc_boundary": ("行政区划边界，精度约 ±{d}。", "Administrative boundary, accurate to about ±{d}."),
    "loc_other": ("位置精度约 ±{d}。", "Position accurate to about ±{d}."),
    "basis_unknown": ("文件未注明", "Not stated in the file"),
    "loc_unknown": ("位置精度未知：文件未注明其坐标有多准确，按文件所给位置绘制。",
                    "Precision unknown: the file does not say how accurate its coordinates are; drawn where it puts "
                    "them."),
    "meters": ("米", "m"),
    "km": ("公里", "km"),
}
STRINGS.update(UPLOAD_STRINGS)  # the upload feature's strings live next to its error texts


def t(key: str, lang: str, **values) -> str:
    """The interface string ``key`` in ``lang``; ``values`` fill its {placeholders}."""
    zh, en = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def layer_label(layer: str, lang: str) -> str:
    if layer == UPLOAD_LAYER:
        return t("upload", lang)
    spec = LAYERS.get(layer)
    return (spec[1] if lang == "zh" else spec[2]) if spec else layer


def distance(metres, lang: str) -> str:
    """A distance as every part of the page writes it (panel, tooltips, upload panel, nearby lists): under 1 km
    in whole metres ("250 米" / "250 m"), then kilometres with one decimal ("1.2 公里", "12 公里" rather than
    "12.0"), from 100 km whole kilometres ("1,234 km"). "" for anything that is not a finite number >= 0."""
    if isinstance(metres, bool) or not isinstance(metres, numbers.Real) or not math.isfinite(metres) or metres < 0:
        return ""
    metres = float(metres)
    if round(metres) < 1000:
        return f"{round(metres):d} {t('meters', lang)}"
    km = metres / 1000
    text = f"{round(km):,d}" if km >= 100 else f"{km:,.1f}".removesuffix(".0")
    return f"{text} {t('km', lang)}"


def kind_label(layer: str | None, kind: str, lang: str) -> str:
    for lid, kinds in KINDS.items():
        if (layer is None or lid == layer) and kind in kinds:
            return kinds[kind][0 if lang == "zh" else 1]
    return kind


def tag_label(tag: str, lang: str) -> str:
    pair = TAGS.get(tag)
    return (pair[0] if lang == "zh" else pair[1]) if pair else tag


def basis_label(basis: str, lang: str) -> str:
    if basis == UNKNOWN_BASIS:
        return t("basis_unknown", lang)
    pair = LOCATION_BASES.get(basis)
    return (pair[0] if lang == "zh" else pair[1]) if pair else basis


def name(row, lang: str) -> str:
    """A feature's name in the interface language, falling back to the other one."""
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    value = row.get(first) or row.get(second) or row.get("id", "")
    return str(value)
