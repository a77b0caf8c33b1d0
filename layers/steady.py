"""The map reports a view to the server only when it moved by at least a pixel.

streamlit-folium's frontend sends the map's value (here: the last click, centre and zoom) whenever its JSON differs
from the last one it sent, 250 ms after a ``moveend``. Leaflet fires ``moveend`` when the map's frame is resized
(``invalidateSize``: the page's CSS stretches the map after it is mounted, a window is resized), and the centre it
then reports has moved by less than a pixel: a report that changes nothing, yet costs a script run on the server
(once per visitor on every new page). ``SteadyView`` absorbs such a drift into the last sent value, so it is not
sent; a click, a drag, a zoom or a fit to a selection still is. Together with the component's default value
(layers/prerendered.py ``first_report``), a new page sends no report at all.
"""

from __future__ import annotations

from folium.elements import MacroElement
from folium.template import Template


class SteadyView(MacroElement):
    """Put on the base map (``window.__GLOBAL_DATA__`` is st_folium's frontend state in the map's frame)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function(map) {
            map.on("moveend", function() {
                var g = window.__GLOBAL_DATA__, last = g && g.previous_data;
                if (!last || !last.center || last.zoom !== map.getZoom()) { return; }
                var z = map.getZoom(), now = map.getCenter();
                var was = L.latLng(last.center.lat, last.center.lng);
                if (map.project(now, z).distanceTo(map.project(was, z)) >= {{ this.min_px }}) { return; }
                var steady = {};
                Object.keys(last).forEach(function(k) {  /* same keys, same order: only the centre changes */
                    steady[k] = k === "center" ? {lat: now.lat, lng: now.lng} : last[k];
                });
                g.previous_data = steady;
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, min_px: float = 1.0):
        super().__init__()
        self._name = "SteadyView"
        self.min_px = float(min_px)
