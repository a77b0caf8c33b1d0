"""The one escaping function for every string that reaches the map.

folium renders tooltips, popups, layer names and legends as HTML, and streamlit-folium evaluates the map's
script inside a same-origin iframe, so untrusted text must arrive as inert text: ``html.escape`` plus numeric
entities for the characters that matter inside JavaScript template literals and string escapes
(backtick, ``$`` and backslash).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

_EXTRA = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape(value: Any) -> str:
    """Return ``value`` as text that is safe to put into the map's HTML or script (None -> "")."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def escape_properties(props: Mapping[str, Any]) -> dict[str, Any]:
    """Escape every string value (and every string inside a list) of a feature's properties; numbers pass."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if isinstance(value, str):
            out[escape(key)] = escape(value)
        elif isinstance(value, list | tuple):
            out[escape(key)] = [escape(v) if isinstance(v, str) else v for v in value]
        elif value is None or isinstance(value, bool | int | float):
            out[escape(key)] = value
        else:
            out[escape(key)] = escape(value)
    return out
