"""Data for the page: the atlas (geo.io.atlas.load_atlas, strict=False) read once per content hash, and serialised
map/export strings cached on plain keys (directory, atlas hash, layer, filter values, coordinate system,
language) — never on frames.

A bad layer file does not take the page down: its LayerError (file, feature, reason) is reported and the
other layers load. Any other exception surfaces. Messages name files relative to the data directory
(geo.errors.relative_paths): no absolute server path reaches the page.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import geopandas as gpd
import streamlit as st
from shapely.geometry import mapping

from geo.core.crs import transform_geometry
from geo.core.filters import Filters, apply_filters, search
from geo.core.geometry import round_geometries
from geo.core.precision import anchors, uncertainty
from geo.core.schema import KINDS
from geo.core.spatial_index import index_for
from geo.core.timeline import first_dates as _first_dates
from geo.core.timeline import month_span as _month_span
from geo.errors import LayerError, relative_paths
from geo.io.atlas import Atlas, data_version, load_atlas
from geo.io.export import to_geojson
from layers.points import points_group, points_payload
from layers.prerendered import prerender
from layers.published import publish
from layers.render import DisplayText, display_collection, overlay_group, split_points
from layers.scale import layer_rendering, subset
from ui import heap
from ui.i18n import distance, kind_label, layer_label
from ui.i18n import name as feature_name
from ui.memo import shared

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> str:
    """The data directory: env var ATLAS_DATA_DIR, else data/ next to the app."""
    return _resolved(os.environ.get("ATLAS_DATA_DIR") or str(ROOT / "data"))


@functools.lru_cache(maxsize=16)
def _resolved(path: str) -> str:
    """``path`` resolved, once per process (a run asks for it several times; resolving costs system calls)."""
    return str(Path(path).resolve())


@dataclass(frozen=True)
class Loaded:
    atlas: Atlas
    errors: tuple[str, ...]  # "file: feature: reason" for everything skipped


FRESHNESS_S = 1.0  # how old the data's checked version may be: an edited file shows within a second
_checked: dict[str, tuple[float, str]] = {}  # directory -> (monotonic time of the check, content hash)


def current_hash(directory: str) -> str:
    """The data's content hash, checked by file stat (geo.io.atlas.data_version; hashed only on change) at most
    once per FRESHNESS_S per process: a burst of visitors shares one check instead of stating every file per run."""
    now = time.monotonic()
    seen = _checked.get(directory)
    if seen is not None and now - seen[0] < FRESHNESS_S:
        return seen[1]
    version = data_version(directory) if Path(directory).is_dir() else ""
    _checked[directory] = (now, version)
    return version


@shared(max_entries=4)
def load(directory: str, content_hash: str) -> Loaded:
    """geo.io.atlas.load_atlas(directory, strict=False): every readable, valid layer; the others reported."""
    path = Path(directory)
    if not path.is_dir():
        message = str(LayerError("data directory not found (set ATLAS_DATA_DIR or run from the repository)",
                                 path=directory))
        return Loaded(atlas=Atlas(layers={}, sources={}, hash=content_hash, data_dir=path),
                      errors=(relative_paths(message, path),))
    atlas, problems = load_atlas(path, strict=False)
    index_for(atlas)  # the spatial index is built with the atlas, once per version, not on a visitor's first click
    heap.settle()  # once per process: what it holds now is out of the collector's sight (ui/heap.py)
    return Loaded(atlas=atlas, errors=problems)


def get() -> Loaded:
    directory = data_dir()
    return load(directory, current_hash(directory))


def _filters(fkey: tuple) -> Filters:
    districts, kinds, tags, text, period = fkey
    return Filters(districts=districts, kinds=kinds, tags=tags, text=text, period=period)


@shared(max_entries=8)
def month_span(directory: str, content_hash: str) -> tuple[str, str] | None:
    """(first, last) month ("YYYY-MM") of every date in the data (geo.core.timeline.month_span), None if undated."""
    span = _month_span(load(directory, content_hash).atlas)
    return (str(span[0]), str(span[1])) if span else None


@shared(max_entries=8)
def district_names(directory: str, content_hash: str, lang: str) -> Mapping[str, str]:
    """adcode -> the district's name in ``lang``, by adcode (the district filter's options, the panel's active
    filters), built once per data version and language (shared, read-only)."""
    districts = load(directory, content_hash).atlas.layers.get("districts")
    if districts is None:
        return MappingProxyType({})
    ordered = districts.sort_values("adcode")
    return MappingProxyType(dict(zip(ordered["adcode"], ordered["name_zh" if lang == "zh" else "name_en"],
                                     strict=True)))


@shared(max_entries=8)  # read-only mapping: shared, not unpickled per call
def first_dates(directory: str, content_hash: str) -> Mapping[str, str]:
    """feature id -> the first date the articles give for it (geo.core.timeline.first_dates); undated ids absent."""
    return MappingProxyType(_first_dates(load(directory, content_hash).atlas))


@shared(max_entries=256)
def visible_ids(directory: str, content_hash: str, fkey: tuple) -> Mapping[str, tuple[str, ...]]:
    """layer -> ids of the features that pass the filters (every layer, shown or not). Built once per filter key
    and shared by every run and visitor (read-only: a mapping proxy of tuples), not unpickled as a copy per call."""
    atlas = load(directory, content_hash).atlas
    found = apply_filters(atlas, _filters(fkey))
    return MappingProxyType({lid: tuple(gdf["id"].tolist()) for lid, gdf in found.items()})


@st.cache_data(show_spinner=False, max_entries=256)
def search_results(directory: str, content_hash: str, text: str, fkey: tuple,
                   layers: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(layer, id, name_zh, name_en) of the features matching ``text`` among those on the map: in ``layers``
    and passing the filters of ``fkey`` (districts, kinds, tags, period), best match first."""
    if not layers:
        return []
    atlas = load(directory, content_hash).atlas
    districts, kinds, tags, _text, period = fkey
    filters = Filters(layers=tuple(x for x in layers if x in atlas.layers), districts=districts, kinds=kinds,
                      tags=tags, period=period)
    if not filters.layers:
        return []
    found = search(atlas, text, filters=filters)
    return list(found[["layer", "id", "name_zh", "name_en"]].itertuples(index=False, name=None))


def frame(atlas: Atlas, layer: str, ids: list[str]) -> gpd.GeoDataFrame:
    """The rows of ``layer`` whose id is in ``ids``, in the layer's order (a filtered view: ``visible_frame``)."""
    return subset(atlas.layers[layer], ids)


@shared(max_entries=128)
def visible_frame(directory: str, content_hash: str, layer: str, fkey: tuple) -> gpd.GeoDataFrame:
    """The rows of ``layer`` that pass the filters, in the layer's order (layers.scale.subset): what the canvas
    draws and what a click on it is resolved against. Built once per view and shared, not per run (read-only)."""
    atlas = load(directory, content_hash).atlas
    return subset(atlas.layers[layer], visible_ids(directory, content_hash, fkey).get(layer, []))


@shared(max_entries=64)
def visible_rendering(directory: str, content_hash: str, layer: str, fkey: tuple) -> str:
    """How the map draws ``layer``'s visible features (layers.scale.layer_rendering: "markers" or "canvas"),
    decided once per view: the geometry types of 100k rows are not read again on every run."""
    return layer_rendering(visible_frame(directory, content_hash, layer, fkey))


@shared(max_entries=8)  # read-only mapping: shared, not unpickled per call
def spots(directory: str, content_hash: str, lang: str) -> Mapping[str, tuple[str, str]]:
    """feature id -> (name of the place whose position it stands at, that place's id if it is an area else "")."""
    atlas = load(directory, content_hash).atlas
    out = {}
    for fid, anchor in anchors(atlas).items():
        _lid, row = atlas.feature(anchor)
        geom = row.geometry
        area = geom is not None and geom.geom_type in ("Polygon", "MultiPolygon")
        out[fid] = (feature_name(row, lang), anchor if area and anchor != fid else "")
    return MappingProxyType(out)


def display_text(layer: str, lang: str, kinds: dict[str, str] | None = None) -> DisplayText:
    """The words a layer's display features carry (layers.render.DisplayText): its kind labels (``kinds``, else
    the schema's) and the page's one way of writing a distance (ui.i18n.distance)."""
    if kinds is None:  # the upload has one kind, "": its label is the layer's
        kinds = {k: kind_label(layer, k, lang) for k in KINDS.get(layer, {})} or {"": layer_label(layer, lang)}
    return DisplayText(lang=lang, kinds=kinds, distance=lambda metres: distance(metres, lang))


def display_parts(gdf: gpd.GeoDataFrame, layer: str, text: DisplayText, system: str,
                  spots: dict[str, tuple[str, str]] | None = None) -> tuple[dict, dict]:
    """(areas and lines, points) display GeoJSON of a layer frame in the display schema (an atlas layer or the
    upload, geo.io.upload_layer)."""
    return split_points(display_collection(gdf, layer, text, system, spots=spots))


@shared(max_entries=512)  # a str: shared, not copied per run
def overlay_json(directory: str, content_hash: str, layer: str, fkey: tuple, system: str, lang: str,
                 part: str = "areas") -> str:
    """The escaped display GeoJSON of one filtered layer in ``system`` (as sent to the browser): its areas and
    lines (``part="areas"``, one folium.GeoJson per layer) or its points (``part="points"``, the group layer)."""
    areas, points = display_parts(visible_frame(directory, content_hash, layer, fkey), layer,
                                  display_text(layer, lang), system, spots(directory, content_hash, lang))
    return json.dumps(areas if part == "areas" else points, ensure_ascii=False)


@shared(max_entries=256)  # a str: shared, not copied per run
def points_json(directory: str, content_hash: str, layers: tuple[str, ...], fkey: tuple, system: str,
                lang: str) -> str:
    """The group layer's payload (layers.points) for the point features of ``layers``, filters applied."""
    collections = [json.loads(overlay_json(directory, content_hash, lid, fkey, system, lang, "points"))
                   for lid in layers]
    return json.dumps(points_payload(collections), ensure_ascii=False, separators=(",", ":"))


@shared(max_entries=256)  # a str: shared, not copied per run
def uncertainty_json(directory: str, content_hash: str, feature_id: str, system: str) -> str | None:
    """Display GeoJSON of where ``feature_id`` may really be (geo.core.precision.uncertainty), in ``system``."""
    atlas = load(directory, content_hash).atlas
    if feature_id not in atlas:
        return None
    area = uncertainty(atlas, feature_id, anchors(atlas))
    if area is None:
        return None
    area = transform_geometry(area, "wgs84", system)
    area = round_geometries(area)
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": feature_id}, "geometry": mapping(area)}]})


@shared(max_entries=512)  # a str: shared, not copied per run
def overlay_script(directory: str, content_hash: str, layer: str, fkey: tuple, system: str, lang: str,
                   index: int) -> str:
    """The map script of one filtered layer's group at position ``index`` (layers/prerendered.py): built once
    for every visitor with the same view, not per run, and published as a static file when large
    (layers/published.py: the component then carries a one-line loader)."""
    collection = overlay_json(directory, content_hash, layer, fkey, system, lang, "areas")
    return publish(prerender(overlay_group(layer, collection, layer_label(layer, lang)), index))


@shared(max_entries=256)  # a str: shared, not copied per run
def points_script(directory: str, content_hash: str, layers: tuple[str, ...], fkey: tuple, system: str, lang: str,
                  text: tuple[tuple[str, str], ...], index: int) -> str:
    """The map script of the point groups (layers/points.py) at position ``index``, built once per view
    (published as a static file when large, as ``overlay_script``)."""
    payload = points_json(directory, content_hash, layers, fkey, system, lang)
    return publish(prerender(points_group(payload, dict(text)), index))


@shared(max_entries=32)  # a str: shared, not copied per run
def layer_scripts(key: str, layer: str, view_key: tuple, system: str, lang: str, name: str, kind_label_: str,
                  text: tuple[tuple[str, str], ...], registry: str, index: int,
                  _gdf: gpd.GeoDataFrame) -> tuple[str, str]:
    """(areas script, points script) at positions ``index`` and ``index + 1`` of a layer that is not the shared
    atlas (the visitor's upload), built by the same code as the atlas's (display_parts, overlay_group,
    points_group; its points register as ``window[registry]``) once per (content ``key``, ``view_key`` of its
    filters, system, language). ``_gdf`` is the
    frame as drawn, in the display schema (not hashed: ``key`` and ``view_key`` identify it)."""
    areas, points = display_parts(_gdf, layer, display_text(layer, lang, {"": kind_label_}), system)
    payload = json.dumps(points_payload([points]), ensure_ascii=False, separators=(",", ":"))
    return (prerender(overlay_group(layer, areas, name), index),
            prerender(points_group(payload, dict(text), registry=registry), index + 1))


@shared(max_entries=512)
def visible_kinds(directory: str, content_hash: str, layer: str, fkey: tuple) -> list[str]:
    """The kinds among the filtered features of ``layer`` (for the legend), without re-parsing the GeoJSON."""
    return sorted(visible_frame(directory, content_hash, layer, fkey)["kind"].dropna().unique().tolist())


@shared(max_entries=256)  # a str: shared, not copied per run
def highlight_json(directory: str, content_hash: str, feature_id: str, system: str, lang: str) -> str | None:
    atlas = load(directory, content_hash).atlas
    if feature_id not in atlas:
        return None
    layer, _row = atlas.feature(feature_id)
    return json.dumps(display_collection(frame(atlas, layer, [feature_id]), layer, display_text(layer, lang), system),
                      ensure_ascii=False)


@st.cache_data(show_spinner=False, max_entries=64)
def export_json(directory: str, content_hash: str, layers: tuple[str, ...], fkey: tuple, crs: str) -> str:
    """GeoJSON of the filtered features of ``layers`` with full, unescaped properties (geo.io.export)."""
    atlas = load(directory, content_hash).atlas
    frames = {lid: visible_frame(directory, content_hash, lid, fkey) for lid in layers if lid in atlas.layers}
    return to_geojson(frames, crs=crs)
