"""The atlas's elements without the atlas: what Streamlit costs for a page of this content, whatever computes it.

It sends what the atlas's default first page sends (bench/load.py counts 51 elements and blocks), of the same
kinds, in the same places and of about the same sizes: the page's CSS, a map component whose arguments are as
large as the atlas's (263 KB of JSON), the panel's markdown, popovers, expander and two Vega-Lite charts, a
table, the export, and the sidebar's widgets, in two fragments. Every value is built once per process; a run
only makes the Streamlit calls. ``make floor`` (bench/content_floor.py) serves it next to the bare page and the
atlas: the atlas's distance to it is what the app's own code costs; its distance to the bare page is what the page's
content costs in Streamlit, which no app code can remove.

The component is the bare page's map with the atlas's argument sizes: a browser draws the marker (the padding is
a JS comment). The district multiselect has the atlas's key and as many options, and puts the choice in the URL
as the atlas does, so the load test's visitor can filter it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit_folium  # noqa: E402

from layers import assets  # noqa: E402
from layers.prerendered import base_parts, component_args  # noqa: E402
from layers.render import MAP_CENTER, MAP_ZOOM  # noqa: E402
from ui.memo import shared  # noqa: E402 - as the atlas keeps what every visitor shares

MAP_ARGS_BYTES = 263_000  # the atlas's feature_group on its default first page, as JSON (shipped data)
# parts to leave out (comma-separated: map, panel, table, sidebar; within the panel: popovers, with the expander,
# and charts), to measure what each costs; the map then has only its marker, the sidebar only the district filter
WITHOUT = set(os.environ.get("SKELETON_WITHOUT", "").split(","))
DISTRICTS = tuple(f"3301{n:02d}" for n in range(1, 14))  # 13 options, as the atlas's district filter


@shared()
def payload() -> dict:
    """Every value the page shows, built once per process."""
    assets.use_local_assets()
    m = folium.Map(location=MAP_CENTER, zoom_start=MAP_ZOOM, tiles=None)
    base = base_parts(m, [])
    # a marker, then a JS comment with the atlas's density of quotes (one in 17 characters) up to its size
    marker = (f"L.circleMarker({json.dumps(MAP_CENTER)}, {{radius: 6, color: '#db2777'}}).addTo(map_div);\n")
    line = '/* "id": "park_x", "name": "杭州", */\n'
    filler = line * (0 if "map" in WITHOUT else MAP_ARGS_BYTES // (len(json.dumps(line)) - 2))  # as sent: JSON
    rows = [{"图层": "园区与平台", "名称": f"示例要素 {i}", "类型": "产业园", "区县": "西湖区", "精度": "±5.6 km",
             "依据": "随所在园区定位", "最早日期": "2025-06", "来源": "文3"} for i in range(140)]
    values = [{"month": f"2025-{m:02d}", "kind": k, "n": (m * 7 + len(k)) % 5}
              for m in range(1, 13) for k in ("启动", "启用/开放", "入驻", "签约/合作", "成立", "发布", "会议")]
    encoding = {"x": {"field": "month", "type": "ordinal"}, "y": {"field": "kind", "type": "nominal"},
                "color": {"field": "kind", "type": "nominal"}, "size": {"field": "n", "type": "quantitative"}}
    # data inside a layer, as ui/charts.py sends it: Streamlit converts a top-level "data" to Arrow on every run
    chart = {"height": 600, "layer": [{"data": {"values": values * 3}, "encoding": encoding,
                                       "layer": [{"mark": {"type": "circle", "tooltip": True}}]}]}
    axes = {"x": {"field": "n", "type": "quantitative"}, "y": {"field": "d", "type": "nominal"}}
    bars = {"layer": [{"data": {"values": [{"d": d, "n": i} for i, d in enumerate(DISTRICTS)]}, "encoding": axes,
                       "layer": [{"mark": "bar"}]}]}
    facts = "\n".join(f"- **人工智能核心产业营收增长 {i}**: 26.3% · 2025年1—10月 · 文3" for i in range(12))
    args = component_args(base, [], height=620, width=None, returned_objects=[])
    args["feature_group"] = marker + filler
    table = pa.Table.from_pandas(pd.DataFrame(rows), preserve_index=False)  # as the atlas sends its table
    return {"map": args, "table": table, "chart": chart, "bars": bars, "facts": facts,
            "css": "<style>" + ".atlas-x { color: #333; }\n" * 220 + "</style>"}


p = payload()
st.set_page_config(page_title="skeleton", layout="wide")
st.html(p["css"] + '<div class="atlas-header"><h1>杭州人工智能与创新地图</h1><span>据五篇报道整理</span></div>')


@st.fragment
def explore() -> None:
    col_map, col_panel = st.columns([7, 3], gap="small")
    with col_map, st.container(key="map_box"):
        streamlit_folium._component_func(**p["map"], key="skeleton_map")
    with col_panel, st.container(border=False, key="side_panel"):
        if "panel" in WITHOUT:
            return _url()
        st.html('<span class="atlas-panel-top"></span>')
        st.subheader("总览")
        st.caption("点击地图上的要素、搜索结果或表格中的一行查看详情。")
        st.markdown("**全市数据** · 杭州市\n\n" + p["facts"])
        if "popovers" not in WITHOUT:
            with st.expander("另外 35 条"):
                st.markdown(p["facts"])
            for n in range(4):
                with st.popover(f"文{n + 1}"):
                    st.markdown(f"**文{n + 1}** 2025年12月 · " + "引文 “人工智能核心产业营收增长” " * 6)
        st.markdown("**当前显示**\n\n- 区县: 13\n- 园区与平台: 30\n\n**已启用的筛选**: 无")
        if "charts" not in WITHOUT:
            st.vega_lite_chart(p["chart"], width="stretch")
            st.vega_lite_chart(p["bars"], width="stretch")
    if "table" not in WITHOUT:
        st.markdown("**全部要素** · 191")
        st.dataframe(p["table"], hide_index=True, width="stretch", key="skeleton_table", on_select="rerun",
                     selection_mode="single-row")
    _url()


def _url() -> None:
    """The district filter in the URL, as the atlas writes it (the load test's visitor checks it)."""
    st.query_params["districts"] = ",".join(st.session_state.get("districts") or []) or "-"


@st.fragment
def export() -> None:
    if "table" in WITHOUT:
        return
    st.markdown("### 导出\n\n导出当前筛选后的要素")
    row = st.container(horizontal=True, gap="small")
    row.selectbox("范围", ["当前显示的全部图层", "园区与平台"], key="export_scope")
    row.selectbox("格式", ["GeoJSON", "CSV", "KML", "GeoPackage", "Shapefile"], key="export_format")
    row.selectbox("坐标系", ["WGS84", "GCJ-02", "BD-09"], key="export_crs")
    st.download_button("下载 GeoJSON", b"{}", file_name="atlas.geojson", key="skeleton_download")


explore()
export()
with st.sidebar:
    st.multiselect("区县", DISTRICTS, key="districts")
    if "sidebar" not in WITHOUT:
        st.radio("语言 / Language", ["中文", "English"], horizontal=True, key="lang")
        st.selectbox("底图", ["无底图（离线）", "高德", "OpenStreetMap"], key="basemap", help="底图说明")
        st.markdown("**图层**")
        st.pills("图层", ["全市", "区县", "空间规划", "园区与平台", "高校与科研机构", "企业与基金", "事件"],
                 selection_mode="multi", key="layers", label_visibility="collapsed")
        with st.container(border=True):
            st.markdown("**我的数据**")
            st.file_uploader("上传", key="upload", label_visibility="collapsed")
        st.markdown("**筛选**")
        st.multiselect("类型", [f"类型{i}" for i in range(30)], key="kinds")
        st.multiselect("产业方向", [f"方向{i}" for i in range(20)], key="tags")
        st.pills("时段", ["全部", "最近12个月", "2024年", "2025年", "2026年"], key="preset",
                 label_visibility="collapsed")
        st.select_slider("时段（按月）", [f"{y}-{m:02d}" for y in range(2003, 2031) for m in range(1, 13)],
                         value=("2003-01", "2030-12"), key="period")
        st.text_input("搜索名称", placeholder="中文名、英文名或别名", key="q")
        st.button("清除全部筛选", key="clear")
