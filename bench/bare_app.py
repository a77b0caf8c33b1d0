"""The floor: one st_folium map with a single marker and the atlas's local Leaflet, nothing else.

The benchmark serves it next to the atlas (same Streamlit, same static files) to measure what Streamlit and
streamlit-folium cost by themselves: time to the first drawn feature and pans.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import streamlit as st  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from layers import assets  # noqa: E402
from layers.render import MAP_CENTER, MAP_ZOOM  # noqa: E402

st.set_page_config(page_title="bare map", layout="wide")
assets.use_local_assets()
m = folium.Map(location=MAP_CENTER, zoom_start=MAP_ZOOM, tiles=None)
folium.CircleMarker(MAP_CENTER, radius=6, color="#db2777", fill=True).add_to(m)
st_folium(m, key="bare_map", height=620, use_container_width=True, returned_objects=[])
