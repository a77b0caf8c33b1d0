"""Rendering by size: styled markers for small point layers, one canvas layer for large ones.

``make bench`` (README, "Performance") measured one SVG circle marker per feature (the small-layer path of
layers.render) against canvases: up to 500 points SVG markers cost about 0.3 MB and first-draw within ~0.1 s of
a canvas, and pan within a frame or two; at 1000 they send 0.6 MB and take ~2.5x longer to first draw, at 10k
6 MB, seconds to draw and 100+ ms pans. Leaflet's own canvas renderer (``prefer_canvas``) draws faster but
pans worse (it redraws every path on each move). So a point layer with more than :data:`CANVAS_THRESHOLD`
features is drawn by :class:`CanvasPoints` (plain Leaflet, no plugin, nothing to vendor), which stamps every
point into one bitmap after each move (100k points: ~30 ms) and sends only what the map needs: coordinates at
6 decimals (integers of 1e-6 degree, sorted by longitude and delta-encoded) and a style index per point.
Names, ids and every other property stay on the server; a click reports the point's index through
streamlit-folium (``last_active_drawing``) and :func:`feature_id_at` turns it back into the feature id, so
details are fetched on demand (the side panel). Hover tooltips exist only on the marker path.

The serialised payload is cached by (content key, layer, filter key, system); without a key the frame's
content is hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from geo.core.crs import get_transform
from geo.core.geometry import DECIMALS, type_names
from geo.core.precision import approximate_mask
from layers.styles import colour

# The layer's code (about 4 KB), loaded like layers/js/points.js.
CANVAS_JS = (Path(__file__).parent / "js" / "canvas.js").read_text(encoding="utf-8")
# Point layers with more features than this are drawn on a canvas (see the module docstring and README).
CANVAS_THRESHOLD = 500
_SCALE = 10**DECIMALS
_CACHE_SIZE = 16
_cache: OrderedDict[Hashable, str] = OrderedDict()


def rendering_for(n: int, geom_types: set[str] | frozenset[str] = frozenset({"Point"}),
                  threshold: int = CANVAS_THRESHOLD) -> str:
    """"markers" (one styled vector marker per feature) or "canvas" (:class:`CanvasPoints`).

    Only layers made of points only go to the canvas: polygons and lines are few and stay vector.
    """
    if n < 0:
        raise ValueError(f"feature count must be >= 0, got {n}")
    if threshold < 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    return "canvas" if n > threshold and set(geom_types) == {"Point"} else "markers"


def layer_rendering(gdf: gpd.GeoDataFrame, threshold: int = CANVAS_THRESHOLD) -> str:
    """:func:`rendering_for` of a GeoDataFrame (its size and geometry types)."""
    if len(gdf) <= threshold:
        return "markers"
    return rendering_for(len(gdf), type_names(gdf.geometry.values), threshold)


def subset(gdf: gpd.GeoDataFrame, ids) -> gpd.GeoDataFrame:
    """The rows of ``gdf`` whose id is in ``ids``, in ``gdf``'s order (what ``gdf[gdf.id.isin(ids)]`` gives).

    A Python set lookup per row: ten times faster than ``Series.isin`` on pandas 3 string columns at 100k rows.
    """
    keep = set(ids)
    col = gdf["id"].tolist()
    if len(keep) >= len(col) and all(i in keep for i in col):
        return gdf
    return gdf[np.fromiter((i in keep for i in col), dtype=bool, count=len(col))]


def _content_key(gdf: gpd.GeoDataFrame) -> str:
    """sha256 of the ids, kinds, location bases and coordinates (what the payload depends on)."""
    digest = hashlib.sha256()
    for col in ("id", "kind", "location_basis"):
        if col in gdf.columns:
            digest.update("\0".join(map(str, gdf[col].tolist())).encode())
    digest.update(np.ascontiguousarray(shapely.get_coordinates(gdf.geometry.values)).tobytes())
    return digest.hexdigest()


def _quantised(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    xy = shapely.get_coordinates(gdf.geometry.values)
    return np.rint(xy[:, 0] * _SCALE).astype(np.int64), np.rint(xy[:, 1] * _SCALE).astype(np.int64)


def payload_order(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Row positions of ``gdf`` (WGS84) in payload order: payload index i is row ``payload_order(gdf)[i]``.

    The order is by stored WGS84 longitude (stable), whatever system the payload is drawn in.
    """
    return np.argsort(_quantised(gdf)[0], kind="stable")


def encode_points(gdf: gpd.GeoDataFrame, layer: str, system: str = "wgs84") -> dict[str, Any]:
    """The canvas payload of a point layer stored in WGS84, drawn in ``system`` (the tiles' system).

    ``x0``/``y0``: first longitude / minimum latitude in 1e-6 degree; ``dx``: longitude deltas in payload order;
    ``y``: latitudes minus ``y0``; ``s``: index into ``styles`` (fill colour, approximate or not). The order is
    :func:`payload_order`, so a clicked index maps back to a row without sending ids.
    """
    if len(gdf) and not (gdf.geometry.geom_type == "Point").all():
        raise ValueError(f"layer {layer!r}: the canvas draws points only")
    order = payload_order(gdf)
    xy = shapely.get_coordinates(gdf.geometry.values)[order]
    x, y = get_transform("wgs84", system)(xy[:, 0], xy[:, 1]) if len(xy) else (xy[:, 0], xy[:, 1])
    qx, qy = np.rint(np.asarray(x) * _SCALE).astype(np.int64), np.rint(np.asarray(y) * _SCALE).astype(np.int64)
    n = len(gdf)
    kinds = gdf["kind"].astype(str).to_numpy()[order] if "kind" in gdf.columns else np.full(n, "")
    approx = approximate_mask(gdf)[order] if n else np.zeros(0, dtype=bool)
    keys = np.char.add(kinds.astype(str), np.where(approx, "|1", "|0")) if n else np.array([], dtype=str)
    uniq, style_idx = np.unique(keys, return_inverse=True)
    styles = [{"fill": colour(layer, k.rsplit("|", 1)[0]), "approx": k.endswith("|1")} for k in uniq.tolist()]
    x0 = int(qx[0]) if n else 0
    y0 = int(qy.min()) if n else 0
    return {
        "layer": layer, "n": int(n), "x0": x0, "y0": y0, "scale": _SCALE,
        "dx": np.diff(qx, prepend=x0).tolist(), "y": (qy - y0).tolist(),
        "s": style_idx.astype(int).tolist(), "styles": styles,
    }


def cached_payload(gdf: gpd.GeoDataFrame, layer: str, *, cache_key: Hashable | None = None,
                   system: str = "wgs84") -> str:
    """The JSON text of :func:`encode_points`, cached on (layer, system, cache_key).

    ``cache_key`` must identify the content and the filters (e.g. ``(atlas.hash, view.filter_key)``);
    without one the frame's content is hashed (a few ms for 100k points).
    """
    key = (layer, system, cache_key if cache_key is not None else _content_key(gdf))
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    text = json.dumps(encode_points(gdf, layer, system), separators=(",", ":"))
    _cache[key] = text
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return text


def clear_cache() -> None:
    _cache.clear()


def canvas_click(clicked: Mapping[str, Any] | None) -> tuple[str, int] | None:
    """(layer, payload index) when streamlit-folium's ``last_active_drawing`` is a canvas point, else None.

    A vector feature's click carries its own ``id`` in its properties; a canvas point carries only these two.
    """
    props = (clicked or {}).get("properties") if isinstance(clicked, Mapping) else None
    if not isinstance(props, Mapping):
        return None
    layer, index = props.get("atlas_canvas_layer"), props.get("atlas_index")
    if not isinstance(layer, str) or isinstance(index, bool) or not isinstance(index, int) or index < 0:
        return None
    return layer, index


def feature_id_at(gdf: gpd.GeoDataFrame, index: int) -> str | None:
    """The id of the point drawn at payload ``index`` of ``gdf`` (the frame exactly as drawn), or None."""
    if not 0 <= index < len(gdf):
        return None
    return str(gdf["id"].iloc[int(payload_order(gdf)[index])])


def clicked_feature_id(frames: Mapping[str, gpd.GeoDataFrame], clicked: Mapping[str, Any] | None) -> str | None:
    """The feature id behind a canvas click, given the drawn frames ({layer: GeoDataFrame}); None otherwise."""
    hit = canvas_click(clicked)
    if hit is None or hit[0] not in frames:
        return None
    return feature_id_at(frames[hit[0]], hit[1])


class CanvasPoints(MacroElement):
    """A Leaflet layer that stamps all points of a layer into one canvas, redrawn after each move/zoom."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.js }}
        var {{ this.get_name() }} = L.atlasCanvasPoints({{ this.payload }}, {{ this.options|tojson }});
        {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, payload_json: str, *, radius: int = 4):
        super().__init__()
        self._name = "CanvasPoints"
        self.payload = payload_json
        self.options = {"radius": int(radius)}
        self.js = CANVAS_JS

    def render(self, **kwargs):
        """As MacroElement.render, but the rendered script goes in as text: branca would compile it as a Jinja
        template (0.15 s of lexing for 100k points, on every rerun)."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            figure.script.add_child(_Text(self._template.module.script(self, kwargs)), name=self.get_name())


class _Text(Element):
    """Literal text in a figure (no template)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


def canvas_group(gdf: gpd.GeoDataFrame, layer: str, *, name: str, cache_key: Hashable | None = None,
                 system: str = "wgs84", radius: int | None = None) -> folium.FeatureGroup:
    """A FeatureGroup holding one :class:`CanvasPoints` for ``gdf`` (for ``feature_group_to_add``)."""
    group = folium.FeatureGroup(name=name, control=False)
    if len(gdf):
        r = radius if radius is not None else (4 if len(gdf) <= 10_000 else 3)
        CanvasPoints(cached_payload(gdf, layer, cache_key=cache_key, system=system), radius=r).add_to(group)
    return group
