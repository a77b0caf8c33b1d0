"""The page's frame: a slim header and a map that fills the window's height, the side panel beside it scrolling
on its own, the table and export below; on a phone the map comes first and the panel follows.

The CSS is ours (no data in it); Streamlit puts ``st-key-<key>`` on keyed containers, which is what it targets.
"""

from __future__ import annotations

import streamlit as st

from layers.escape import escape
from ui.i18n import t

HEADER_PX = 50  # the slim header above the map and panel
PANEL_HEIGHT = 680  # px; the CSS below makes it the window's height next to the map

_CSS = f"""
<style>
/* Slim header: Streamlit's own bar is transparent and out of the way, the page starts at the top. */
[data-testid="stHeader"] {{ height: 0; background: transparent; }}
[data-testid="stMainBlockContainer"], .block-container {{ padding: .4rem 1rem 1rem 1rem !important; max-width: none; }}
.atlas-header {{ display: flex; align-items: baseline; gap: .75rem; min-height: {HEADER_PX - 20}px;
    white-space: nowrap; overflow: hidden; }}
.atlas-header h1 {{ font-size: 1.3rem; line-height: 1.7rem; font-weight: 700; padding: 0; margin: 0; }}
.atlas-header span {{ font-size: .8rem; color: #6b7280; overflow: hidden; text-overflow: ellipsis; }}
[data-testid="stSidebarContent"] [data-testid="stSidebarUserContent"] {{ padding-top: 1rem; }}
/* The map fills the window below the header; the panel beside it scrolls on its own. */
.st-key-map_box iframe {{ height: calc(100vh - {HEADER_PX + 12}px) !important; min-height: 420px; }}
.st-key-side_panel {{ height: calc(100vh - {HEADER_PX + 12}px) !important; min-height: 420px; }}
.st-key-side_panel [data-testid="stVerticalBlock"] {{ overflow-x: hidden; }}
@media (max-width: 640px) {{
  .atlas-header {{ display: block; white-space: normal; padding-left: 2.4rem; }}  /* clear of the sidebar button */
  .atlas-header h1 {{ font-size: 1.1rem; line-height: 1.4rem; }}
  .atlas-header span {{ display: block; }}
  .st-key-map_box iframe {{ height: 62vh !important; min-height: 320px; }}
  .st-key-side_panel {{ height: auto !important; max-height: none !important; overflow: visible !important; }}
}}
</style>
"""


def frame(lang: str) -> None:
    """The page's CSS and the slim header (title on one line, the subtitle small)."""
    st.html(_CSS + f'<div class="atlas-header"><h1>{escape(t("title", lang))}</h1>'
            f'<span>{escape(t("subtitle", lang))}</span></div>')


def columns():
    """(map column, panel column): the map 70% of the width (45% of a 1280x720 window and more)."""
    return st.columns([7, 3], gap="small")
