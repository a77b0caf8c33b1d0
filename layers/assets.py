"""Front-end assets served by the app itself: the ONE place that points folium at local files.

folium and its plugins load Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs by default. The atlas
needs only Leaflet, leaflet-measure and Leaflet.markercluster 1.5.3 (markers are circles and inline styles, no
icon fonts), installed from the npm registry (package.json) and copied into ``static/vendor/`` by
``scripts/vendor_assets.py``; Streamlit serves ``static/`` at ``/app/static/`` (``server.enableStaticServing``).
"""

from __future__ import annotations

import folium
import folium.plugins
from branca.element import MacroElement
from folium.elements import JSCSSMixin

STATIC_URL = "/app/static/vendor"

# Files copied from node_modules/ (key: path under static/vendor/, value: path under node_modules/).
VENDOR_FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet-measure/leaflet-measure.js": "leaflet-measure/dist/leaflet-measure.min.js",
    "leaflet-measure/leaflet-measure.css": "leaflet-measure/dist/leaflet-measure.css",
    "leaflet.markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "leaflet.markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "fflate/fflate.js": "fflate/umd/index.js",  # inflates the published layers (layers/published.py)
}
# Whole directories (images referenced by url(images/...) in the stylesheets above).
VENDOR_DIRS: dict[str, str] = {
    "leaflet/images": "leaflet/dist/images",
    "leaflet-measure/images": "leaflet-measure/dist/images",
}

MAP_JS = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js")]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
MEASURE_JS = [("leaflet_measure_js", f"{STATIC_URL}/leaflet-measure/leaflet-measure.js")]
MEASURE_CSS = [("leaflet_measure_css", f"{STATIC_URL}/leaflet-measure/leaflet-measure.css")]
CLUSTER_JS = [("leaflet_markercluster_js", f"{STATIC_URL}/leaflet.markercluster/leaflet.markercluster.js")]
CLUSTER_CSS = [("leaflet_markercluster_css", f"{STATIC_URL}/leaflet.markercluster/MarkerCluster.css")]

# Every folium class the atlas uses that declares assets -> its local (js, css).
_OVERRIDES: dict[type, tuple[list, list]] = {
    folium.Map: (MAP_JS, MAP_CSS),
    folium.plugins.MeasureControl: (MEASURE_JS, MEASURE_CSS),
}


class MapAssets(JSCSSMixin, MacroElement):
    """Put on the base map: the plugins' scripts and stylesheets, which streamlit-folium loads once with the
    map. The dynamic groups that use them (measure control, point groups) carry only inline code."""

    default_js = MEASURE_JS + CLUSTER_JS
    default_css = MEASURE_CSS + CLUSTER_CSS

    def __init__(self):
        super().__init__()
        self._name = "MapAssets"


def use_local_assets() -> None:
    """Point folium's class-level asset lists at the app's own static files (idempotent)."""
    for cls, (js, css) in _OVERRIDES.items():
        cls.default_js = list(js)
        cls.default_css = list(css)


def asset_urls() -> list[str]:
    """Every script and stylesheet URL the map loads (for tests and docs)."""
    urls = [url for js, css in _OVERRIDES.values() for _, url in (*js, *css)]
    return list(dict.fromkeys(urls + [url for _, url in (*MapAssets.default_js, *MapAssets.default_css)]))


use_local_assets()
