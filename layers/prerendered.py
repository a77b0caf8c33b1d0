"""A feature group rendered once and replayed: what st_folium sends for an overlay is the same for every visitor with
the same filters, basemap system and language, so its script is built once (``prerender``, cached by ui/data.py on
plain keys) and each run hands st_folium a ``Prerendered`` group that only replays that string.

st_folium renders each group of ``feature_group_to_add`` through ``generate_leaflet_string`` (renaming folium's
random variable names to positional ones: ``feature_group_feature_group_<index>``), replaces the map's name by
``map_div`` and dedents it. ``prerender`` does exactly that on a throwaway map; replaying the result through the same
steps leaves it unchanged (no random names are left in it), so the browser receives the same script as before,
without re-building the folium objects, re-compiling Jinja templates of a 100 KB GeoJSON or re-encoding it.
The script depends on the group's position, so the position is part of the cache key.
"""

from __future__ import annotations

from textwrap import dedent

import folium
from folium.template import Template


class Prerendered(folium.FeatureGroup):
    """A FeatureGroup whose script is a string made by ``prerender`` for the same position."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.script }}{% endmacro %}")

    def __init__(self, script: str):
        super().__init__(control=False)
        self._name = "Prerendered"
        self.script = script

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
