"""Front-end assets served by the app itself: the ONE place that points folium at local files.

folium and its plugins load Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs by default. The atlas
needs only Leaflet and leaflet-measure (markers are circles and inline styles, no icon fonts), installed from the
npm registry (package.json) and copied into ``static/vendor/`` by ``scripts/vendor_assets.py``; Streamlit serves
``static/`` at ``/app/static/`` (``server.enableStaticServing``).
"""

from __future__ import annotations

import folium
import folium.plugins

STATIC_URL = "/app/static/vendor"

# Files copied from node_modules/ (key: path under static/vendor/, value: path under node_modules/).
VENDOR_FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet-measure/leaflet-measure.js": "leaflet-measure/dist/leaflet-measure.min.js",
    "leaflet-measure/leaflet-measure.css": "leaflet-measure/dist/leaflet-measure.css",
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

# Every folium class the atlas uses that declares assets -> its local (js, css).
_OVERRIDES: dict[type, tuple[list, list]] = {
    folium.Map: (MAP_JS, MAP_CSS),
    folium.plugins.MeasureControl: (MEASURE_JS, MEASURE_CSS),
}


def use_local_assets() -> None:
    """Point folium's class-level asset lists at the app's own static files (idempotent)."""
    for cls, (js, css) in _OVERRIDES.items():
        cls.default_js = list(js)
        cls.default_css = list(css)


def asset_urls() -> list[str]:
    """Every script and stylesheet URL the map loads (for tests and docs)."""
    return [url for js, css in _OVERRIDES.values() for _, url in (*js, *css)]


use_local_assets()
