"""A feature group rendered once and replayed: what st_folium sends for an overlay is the same for every visitor with
the same filters, basemap system and language, so its script is built once (``prerender``, cached by ui/data.py on
plain keys) and each run hands st_folium a ``Prerendered`` group that only replays that string.

st_folium renders each group of ``feature_group_to_add`` through ``generate_leaflet_string`` (renaming folium's
random variable names to positional ones: ``feature_group_feature_group_<index>``), replaces the map's name by
``map_div`` and dedents it. ``prerender`` does exactly that on a throwaway map; replaying the result through the same
steps leaves it unchanged (no random names are left in it), so the browser receives the same script as before,
without re-building the folium objects, re-compiling Jinja templates of a 100 KB GeoJSON or re-encoding it.
The script depends on the group's position, so the position is part of the cache key.

The base map itself is the same for every visitor and view: ``base_parts`` renders it once (what st_folium derives
from it: script, header, html, id, default return value, CSS and JS links), and ``component_args`` assembles the
component's arguments from those parts and prerendered groups, so a run builds no folium object at all: exactly
the arguments st_folium would pass for the same map and groups (tests/layers/test_prerendered.py checks that).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from textwrap import dedent

import folium
from folium.template import Template

_ids = itertools.count()


class Prerendered(folium.FeatureGroup):
    """A FeatureGroup whose script is a string made by ``prerender`` for the same position."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script }}{% endmacro %}")

    def __init__(self, script: str, css: tuple[str, ...] = (), js: tuple[str, ...] = ()):
        super().__init__(control=False)
        self._name = "Prerendered"
        self.script = script
        self.css, self.js = tuple(css), tuple(js)  # the links the group's elements need (``links``)

    @classmethod
    def _generate_id(cls) -> str:
        """A cheap unique id (branca's is 16 bytes from os.urandom, per element per run); st_folium renames it."""
        return f"prerendered{next(_ids)}"

    def render(self, **kwargs) -> None:
        """Nothing to render: the script is ready (and it must not be compiled as a template again)."""


def prerender(group: folium.FeatureGroup, index: int) -> str:
    """The script st_folium would send for ``group`` at position ``index`` of ``feature_group_to_add``."""
    from streamlit_folium import generate_leaflet_string, get_full_id

    m = folium.Map(tiles=None)
    base_id = f"feature_group_{index}"
    group._id = base_id
    group.add_to(m)
    group.render()
    return dedent(generate_leaflet_string(group, base_id=base_id).replace(get_full_id(m), "map_div"))


def links(element) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(CSS, JS) links of ``element`` and its children, in the order st_folium collects them."""
    css: list[str] = []
    js: list[str] = []

    def walk(el) -> None:
        if isinstance(el, folium.elements.JSCSSMixin):
            css.extend(href for _, href in getattr(el, "default_css", []))
            js.extend(src for _, src in getattr(el, "default_js", []))
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(element)
    return tuple(css), tuple(js)


def prerendered(group: folium.FeatureGroup, index: int) -> Prerendered:
    """``group`` at position ``index`` as a Prerendered (its script and links), to be cached and replayed."""
    css, js = links(group)
    return Prerendered(prerender(group, index), css, js)


@dataclass(frozen=True)
class BaseMap:
    """What st_folium derives from the base map, computed once (``base_parts``)."""

    script: str
    header: str
    html: str
    id: str
    defaults: dict
    css: tuple[str, ...]
    js: tuple[str, ...]


def base_parts(m: folium.Map, returned_objects: list[str]) -> BaseMap:
    """st_folium's own steps on the base map ``m`` (its script, header, html, id and default value)."""
    import streamlit_folium as sf

    m.get_root().render()
    m.render()
    html, header, script = sf._get_html(m), sf._get_header(m), sf._get_map_string(m)
    defaults = first_report(m, returned_objects)
    css, js = links(m)
    return BaseMap(script, header, html, sf.get_full_id(m), defaults, css, js)


# The keys of the value st_folium's frontend reports, in the order it builds them (its updateComponentValue; it
# compares JSON strings, so the order matters), and what the base map reports of each before anything happens.
REPORT_KEYS = ("last_clicked", "last_object_clicked", "last_object_clicked_count", "last_object_clicked_tooltip",
               "last_object_clicked_popup", "all_drawings", "last_active_drawing", "last_geocoder_result", "bounds",
               "zoom", "last_circle_radius", "last_circle_polygon", "center", "selected_layers", "selected_tags")


def first_report(m: folium.Map, returned_objects: list[str]) -> dict:
    """The component's default value: exactly what the map reports when it is mounted (nothing clicked, the base
    map's zoom and centre), keyed and ordered as the frontend builds it. The frontend sends a value only when its
    JSON differs from the last one, starting from this default: with it, a new page sends nothing back, where
    st_folium's own default (other keys, other order, no centre) made every visitor's browser report the map's
    first view at once, a second script run per visitor that changed nothing."""
    known = {"last_object_clicked_count": 0, "zoom": m.options.get("zoom"), "selected_layers": [], "selected_tags": [],
             "center": {"lat": float(m.location[0]), "lng": float(m.location[1])}}
    if "bounds" in returned_objects:  # they depend on the size of the map's frame in the browser
        raise ValueError("first_report: the map's first bounds cannot be known on the server")
    return {k: known.get(k) for k in REPORT_KEYS if k in returned_objects}


def group_string(script: str, index: int) -> str:
    """A prerendered group's script as st_folium appends it to ``feature_group`` (added to the map)."""
    return script + dedent(f"""
        map_div.addLayer(feature_group_feature_group_{index});
        window.feature_group = window.feature_group || [];
        window.feature_group.push(feature_group_feature_group_{index});
        """)


def component_args(base: BaseMap, groups: list, *, height: int, width: int | None,
                   returned_objects: list[str], center: list[float] | None = None,
                   zoom: float | None = None) -> dict:
    """st_folium's component arguments (but ``key`` and ``on_change``) for the base map and ``groups``: each a
    Prerendered made for its position, or any folium group (rendered here, at its position). ``center`` ([lat,
    lng]) and ``zoom`` are st_folium's own: the component sets that view when they change (after the groups)."""
    parts = [g if isinstance(g, Prerendered) else prerendered(g, i) for i, g in enumerate(groups)]
    return {
        "script": base.script, "header": base.header, "html": base.html, "id": base.id, "height": height,
        "width": width, "returned_objects": returned_objects, "default": base.defaults, "zoom": zoom,
        "center": center, "feature_group": "".join(group_string(p.script, i) for i, p in enumerate(parts)),
        "return_on_hover": False, "layer_control": None, "pixelated": False,
        "css_links": list(dict.fromkeys([*base.css, *(c for p in parts for c in p.css)])),
        "js_links": list(dict.fromkeys([*base.js, *(j for p in parts for j in p.js)])),
        "wrap_longitude": False,
    }
