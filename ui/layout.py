"""The page's frame: a slim header and a map that fills the window's height, the side panel beside it scrolling
on its own, the table and export below; on a phone the map comes first and the panel follows.

The CSS is ours (no data in it); Streamlit puts ``st-key-<key>`` on keyed containers, which is what it targets.
"""

from __future__ import annotations

import json

import streamlit as st

from layers.escape import escape
from ui import chrome
from ui.i18n import t

HEADER_PX = 50  # the slim header above the map and panel

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
/* The layer pills' and the uploader's labels are the sidebar's "Layers" and "My data" headings (no heading element
   of their own): drawn like one. */
.st-key-layers [data-testid="stWidgetLabel"] p,
.st-key-upload_box [data-testid="stFileUploader"] [data-testid="stWidgetLabel"] p {{ font-size: 1.125rem;
    font-weight: 600; padding-top: .5rem; }}
/* The map fills the window below the header; the panel beside it scrolls on its own. */
.st-key-map_box iframe {{ height: calc(100vh - {HEADER_PX + 12}px) !important; min-height: 420px; }}
/* The panel: exactly the map's height, scrolling on its own (no fixed-height wrapper: a plain container). */
.st-key-side_panel {{ height: calc(100vh - {HEADER_PX + 12}px); min-height: 420px; overflow-y: auto;
    overflow-x: hidden; flex: 0 0 auto; padding-right: .25rem; }}
.st-key-side_panel [data-testid="stVerticalBlock"] {{ overflow-x: hidden; }}
[data-testid="stElementContainer"]:has(.atlas-panel-top) {{ display: none; }}
/* The panel's lists of features (one st.pills each, ui/panel.py): a vertical list of full-width buttons, long
   names wrapping, as the buttons they replace looked. */
.st-key-side_panel [data-testid="stButtonGroup"] [role="radiogroup"] {{ display: flex; flex-direction: column;
    flex-wrap: nowrap; align-items: stretch; gap: .5rem; overflow: visible; }}
.st-key-side_panel [data-testid="stButtonGroup"] button[data-variant="pills"] {{ width: 100%; max-width: none;
    min-height: 2.5rem; height: auto; border-radius: .5rem; padding: .25rem .75rem; justify-content: center;
    font-size: 1rem; line-height: 1.4; }}
.st-key-side_panel [data-testid="stButtonGroup"] button[data-variant="pills"] * {{ white-space: normal;
    overflow: visible; text-overflow: clip; max-width: 100%; overflow-wrap: anywhere; }}
.st-key-side_panel [data-testid="stButtonGroup"] button[data-variant="pills"] p {{ font-size: 1rem; margin: 0; }}
.st-key-side_panel [data-testid="stButtonGroup"] [data-testid="stWidgetLabel"] p {{ color: rgba(49, 51, 63, .6); }}
/* The sidebar's search results (pills results / results_more, ui/sidebar.py): the same column of buttons. */
:is(.st-key-results, .st-key-results_more) [role="radiogroup"] {{ display: flex; flex-direction: column;
    flex-wrap: nowrap; align-items: stretch; gap: .5rem; overflow: visible; }}
:is(.st-key-results, .st-key-results_more) button[data-variant="pills"] {{ width: 100%; max-width: none;
    min-height: 2.5rem; height: auto; border-radius: .5rem; padding: .25rem .75rem; justify-content: center;
    font-size: 1rem; line-height: 1.4; }}
:is(.st-key-results, .st-key-results_more) button[data-variant="pills"] * {{ white-space: normal; overflow: visible;
    text-overflow: clip; max-width: 100%; overflow-wrap: anywhere; }}
:is(.st-key-results, .st-key-results_more) button[data-variant="pills"] p {{ font-size: 1rem; margin: 0; }}
/* the timeline's events: tertiary-looking rows (icon, date, name) aligned left, as before */
.st-key-side_panel [class*="st-key-tl_"] button[data-variant="pills"] {{ border-color: transparent;
    background: transparent; justify-content: flex-start; text-align: left; padding-left: 0; }}
/* "Loading" over the map until Leaflet has drawn the first features (the legend, drawn last, marks the frame). */
.st-key-map_box {{ position: relative; }}
.st-key-map_box::before {{ content: var(--atlas-map-loading); position: absolute; inset: 0; display: flex;
    align-items: center; justify-content: center; background: #eef0f3; color: #4b5563; font-size: 1rem;
    border-radius: .25rem; z-index: 2; pointer-events: none; }}
.st-key-map_box:has(iframe[data-atlas-drawn])::before {{ display: none; }}
@media (max-width: 640px) {{
  .atlas-header {{ display: block; white-space: normal; padding-left: 2.4rem; }}  /* clear of the sidebar button */
  .atlas-header h1 {{ font-size: 1.1rem; line-height: 1.4rem; }}
  .atlas-header span {{ display: block; }}
  .st-key-map_box iframe {{ height: 62vh !important; min-height: 320px; }}
  .st-key-side_panel {{ height: auto; min-height: 0; overflow: visible; }}  /* flows: the page scrolls */
  .st-key-map_box::before {{ height: 62vh; min-height: 320px; }}
}}
</style>
"""


def frame(lang: str) -> None:
    """The page's CSS (Streamlit's widget words in ``lang`` too, ui/chrome.py) and the slim header (title on one
    line, the subtitle small): one element."""
    loading = json.dumps(t("map_loading", lang), ensure_ascii=False).replace("<", "\\3c ")
    st.html(_CSS + chrome.css(lang, int(st.get_option("server.maxUploadSize")))
            + f"<style>:root {{ --atlas-map-loading: {loading}; }}</style>"
            f'<div class="atlas-header"><h1>{escape(t("title", lang))}</h1>'
            f'<span>{escape(t("subtitle", lang))}</span></div>')


_TO_HEADING = """<span class="atlas-panel-top" data-sel="{sel}"></span><script>
(function () {{
  var panel = document.querySelector(".st-key-side_panel");
  if (!panel) {{ return; }}
  var style = getComputedStyle(panel);
  if (style.overflowY === "auto" || style.overflowY === "scroll") {{ panel.scrollTop = 0; }}  // beside the map
  if (panel.getBoundingClientRect().top < 0) {{ panel.scrollIntoView({{block: "start"}}); }}  // a phone: above
}})();
</script>"""


def to_heading(sel: str) -> None:
    """At the top of the side panel: a new selection (or back to the overview) shows the panel from its heading.
    The element changes with the selection only, so the script runs once per new selection; ids are
    geo.core.schema.ID_PATTERN (no markup), escaped all the same."""
    st.html(_TO_HEADING.format(sel=escape(sel or "")), unsafe_allow_javascript=True)


def columns():
    """(map column, panel column): the map 70% of the width (45% of a 1280x720 window and more)."""
    return st.columns([7, 3], gap="small")
