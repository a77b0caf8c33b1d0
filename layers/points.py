"""Every point feature on the map, reachable: one Leaflet.markercluster group for all point layers.

Points that share a spot (most features the articles place "in 紫金港科技城" stand at the park's point) or lie a
few pixels apart at the current zoom become one group marker showing their count; its tooltip says what is
there ("33 features placed at 紫金港科技城 (approximate)"), and a click fans the points out (spiderfy) with legs
from their true position, so each can be hovered and clicked to select it. Stored positions are never moved.

Leaflet.markercluster 1.5.3 comes from the npm registry and is served by the app (layers/assets.py); folium's
MarkerCluster plugin would load 1.1.0 from a CDN. The layer's own code (layers/js/points.js) travels inside the
group's script, as streamlit-folium evaluates dynamic groups without the map's header.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from layers.styles import feature_style

POINTS_JS = (Path(__file__).parent / "js" / "points.js").read_text(encoding="utf-8")
# Points closer than this many pixels at the current zoom are grouped (markers are 10-16 px wide).
CLUSTER_RADIUS_PX = 18


def points_payload(collections: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The browser's data: per layer, its point features (display properties plus ``s``, an index into the
    shared ``styles`` list of Leaflet path options from :func:`layers.styles.feature_style`)."""
    styles: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    layers = []
    for collection in collections:
        features = []
        for feature in collection.get("features", ()):
            if (feature.get("geometry") or {}).get("type") != "Point":
                continue
            style = feature_style(feature)
            key = json.dumps(style, sort_keys=True)
            if key not in index:
                index[key] = len(styles)
                styles.append(style)
            features.append({**feature, "properties": {**feature["properties"], "s": index[key]}})
        if features:
            layers.append({"type": "FeatureCollection", "features": features})
    return {"layers": layers, "styles": styles}


class AtlasPoints(MacroElement):
    """``L.atlasPoints(data, options)``: a MarkerClusterGroup of circle markers, added to its parent group."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.js }}
        var {{ this.get_name() }} = L.atlasPoints({{ this.payload }}, {{ this.options|tojson }});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload_json: str, *, text: Mapping[str, str], cluster_radius: int = CLUSTER_RADIUS_PX,
                 animate: bool = True, registry: str = "atlasPoints"):
        super().__init__()
        self._name = "AtlasPoints"
        self.payload = payload_json
        self.options = {"clusterRadius": int(cluster_radius), "animate": bool(animate), "text": dict(text),
                        "registry": registry}
        self.js = POINTS_JS


def points_group(payload_json: str, text: Mapping[str, str], *, cluster_radius: int = CLUSTER_RADIUS_PX,
                 registry: str = "atlasPoints") -> folium.FeatureGroup:
    """A FeatureGroup holding the points (for ``feature_group_to_add``); empty when there are none. ``registry``
    names the group on ``window`` in the map's frame (``atlasPoints``; ``atlasUploadPoints`` for an upload)."""
    group = folium.FeatureGroup(name="points", control=False)
    if '"features"' in payload_json:
        AtlasPoints(payload_json, text=text, cluster_radius=cluster_radius, registry=registry).add_to(group)
    return group
