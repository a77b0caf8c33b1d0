"""Basemaps and the coordinate system their tiles use.

ONE RULE: overlays are drawn in the system of the current tiles. Amap tiles are GCJ-02, so every overlay
is converted WGS84 -> GCJ-02 (geo.core.crs) before it reaches folium; OSM, CARTO Positron, Tianditu (CGCS2000,
within a metre or so of WGS84) and the no-tiles basemap use WGS84 as stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from folium.template import Template


@dataclass(frozen=True)
class Basemap:
    id: str
    label_zh: str
    label_en: str
    system: str  # geo.core.crs system name of the tiles
    tiles: tuple[str, ...] = ()  # URL templates, bottom first (e.g. imagery, then labels)
    attr: str = ""
    subdomains: str = "abc"
    max_zoom: int = 18
    needs_key: bool = False

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en


_AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_AMAP_SAT = "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}"
_AMAP_SAT_LABELS = "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
_TDT = ("https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=%(layer)s"
        "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s")
_AMAP_ATTR = "&copy; 高德地图 AutoNavi (GCJ-02)"
_OSM_ATTR = "&copy; OpenStreetMap contributors"
_TDT_ATTR = "&copy; 天地图 Tianditu"

BASEMAPS: dict[str, Basemap] = {
    "amap_road": Basemap("amap_road", "高德地图", "Amap road", "gcj02", (_AMAP,), _AMAP_ATTR, "1234"),
    "amap_satellite": Basemap("amap_satellite", "高德卫星图", "Amap satellite", "gcj02",
                              (_AMAP_SAT, _AMAP_SAT_LABELS), _AMAP_ATTR, "1234"),
    "osm": Basemap("osm", "OpenStreetMap", "OpenStreetMap", "wgs84",
                   ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",), _OSM_ATTR, "abc", 19),
    "positron": Basemap("positron", "CARTO 浅色", "CARTO Positron", "wgs84",
                        ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",),
                        _OSM_ATTR + " &copy; CARTO", "abcd", 20),
    "tianditu_road": Basemap("tianditu_road", "天地图矢量", "Tianditu road", "wgs84",
                             (_TDT % {"layer": "vec", "key": "%(key)s"}, _TDT % {"layer": "cva", "key": "%(key)s"}),
                             _TDT_ATTR, "01234567", 18, needs_key=True),
    "tianditu_imagery": Basemap("tianditu_imagery", "天地图影像", "Tianditu imagery", "wgs84",
                                (_TDT % {"layer": "img", "key": "%(key)s"}, _TDT % {"layer": "cia", "key": "%(key)s"}),
                                _TDT_ATTR, "01234567", 18, needs_key=True),
    "none": Basemap("none", "无底图（离线）", "No tiles (offline)", "wgs84"),
}
DEFAULT_BASEMAP = "amap_road"
_KEY_PATTERN = re.compile(r"^[A-Za-z0-9]{8,64}$")


def valid_key(key: str | None) -> str | None:
    """A Tianditu key if it looks like one (letters and digits), else None: it goes into tile URLs."""
    return key if isinstance(key, str) and _KEY_PATTERN.match(key.strip()) else None


def available(tianditu_key: str | None) -> list[str]:
    """Basemap ids offered in the interface: Tianditu only when a key is configured."""
    key = valid_key(tianditu_key)
    return [b.id for b in BASEMAPS.values() if key or not b.needs_key]


class TileNotice(MacroElement):
    """A notice on the map when its group's tiles fail to load and none has loaded (no internet, a blocked
    host): the map would otherwise be plain grey with no hint why. ``text`` is ours, escaped by the caller."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }}, errors = 0, loads = 0, control = null;
            function show(map) {
                if (control || !map) { return; }
                control = L.control({position: "topright"});
                control.onAdd = function() {
                    var div = L.DomUtil.create("div", "atlas-tiles-failed");
                    div.innerHTML = {{ this.text|tojson }};
                    return div;
                };
                control.addTo(map);
            }
            group.eachLayer(function(layer) {
                layer.on("tileload", function() { loads += 1; if (control) { control.remove(); control = null; } });
                layer.on("tileerror", function() {
                    errors += 1;
                    if (errors >= {{ this.after }} && loads === 0) { show(group._map); }
                });
            });
            group.on("remove", function() { if (control) { control.remove(); control = null; } });
        })();
        {% endmacro %}
    """)

    def __init__(self, text: str, after: int = 3):
        super().__init__()
        self._name = "TileNotice"
        self.text = text
        self.after = int(after)


def basemap_group(basemap_id: str, tianditu_key: str | None = None, notice: str = "") -> folium.FeatureGroup:
    """The tiles of one basemap in a FeatureGroup (sent as a dynamic layer, so a switch keeps the view);
    ``notice`` (escaped text) is shown on the map if the tiles cannot be loaded."""
    base = BASEMAPS[basemap_id]
    group = folium.FeatureGroup(name=f"basemap-{base.id}", control=False)
    key = valid_key(tianditu_key) or ""
    for url in base.tiles:
        folium.TileLayer(tiles=url % {"key": key} if base.needs_key else url, attr=base.attr,
                         subdomains=base.subdomains, max_zoom=base.max_zoom, max_native_zoom=base.max_zoom,
                         name=f"tiles-{base.id}", control=False, class_name=f"atlas-tiles-{base.id}").add_to(group)
    if base.tiles and notice:
        TileNotice(notice).add_to(group)
    return group
