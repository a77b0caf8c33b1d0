"""The peer: the usual way, ``GeoDataFrame.explore()`` of the same layers handed to ``st_folium``.

Run by the benchmark (AppTest) on the same data directory as the atlas (``ATLAS_DATA_DIR``): the default view's
layers, all properties, explore()'s defaults; the district filter rebuilds the whole map, as such an app does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from geo.io.atlas import load_atlas  # noqa: E402
from layers.definitions import DEFAULT_LAYERS  # noqa: E402


@st.cache_resource(show_spinner=False)
def atlas(directory: str):
    return load_atlas(directory)


a = atlas(str(Path(os.environ.get("ATLAS_DATA_DIR") or ROOT / "data").resolve()))
adcodes = a.layers["districts"]["adcode"].tolist()
chosen = st.multiselect("districts", adcodes, key="districts")
m = None
for lid in DEFAULT_LAYERS:
    gdf = a.layers.get(lid)
    if gdf is None:
        continue
    if chosen:
        gdf = gdf[gdf["adcode"].isin(chosen)]
    if len(gdf):
        m = gdf.explore(m=m, name=lid)
st_folium(m, key="map", height=620, use_container_width=True)
