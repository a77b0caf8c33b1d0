"""Reading layer files and the whole atlas: the only module of ``geo`` that touches files.

``read_layer`` reads any supported vector format through geopandas/pyogrio, always returns
EPSG:4326 (lon, lat) and gives the nested properties (``geo.schema.NESTED_PROPERTIES``) back as
plain Python lists. GDAL flattens them differently per format and per content: a GeoJSON list of
strings comes back as a numpy array (float64 when empty), a list of objects as a list of dicts,
and GeoPackage/FlatGeobuf/Shapefile hold them as strings. ``load_atlas`` reads a data directory
into an :class:`Atlas`, cached by the sha256 of the files' bytes.
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio.errors

from geo import io_cache
from geo.errors import LayerError, SchemaError, UnsupportedFormatError, relative_paths
from geo.schema import LAYERS, NESTED_PROPERTIES

# File extension -> GDAL/OGR driver.
SUPPORTED_FORMATS: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".geojsonl": "GeoJSONSeq",
    ".geojsons": "GeoJSONSeq",
    ".gpkg": "GPKG",
    ".fgb": "FlatGeobuf",
    ".shp": "ESRI Shapefile",
    ".kml": "KML",
}
# Formats whose specification fixes WGS84, so a file without a CRS is WGS84.
_WGS84_BY_DEFINITION = {"GeoJSON", "GeoJSONSeq", "KML"}
SOURCES_FILE = "sources.json"
_DERIVED_LOCK = threading.RLock()

_PYOGRIO_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
)


class UnknownFeatureError(LayerError, KeyError):
    """No feature of the atlas has this id (a LayerError, and a KeyError for lookups)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return ValueError.__str__(self)


def _supported_list() -> str:
    return ", ".join(sorted(SUPPORTED_FORMATS))


def driver_for(path: str | Path) -> str:
    """The OGR driver for ``path``'s extension, or UnsupportedFormatError listing the supported ones."""
    ext = Path(path).suffix.lower()
    try:
        return SUPPORTED_FORMATS[ext]
    except KeyError:
        shown = f"'{ext}'" if ext else "(no extension)"
        raise UnsupportedFormatError(
            f"unsupported file format {shown}; supported extensions: {_supported_list()}", path=str(path)
        ) from None


def _plain(value):
    """numpy scalars/arrays -> Python values, recursively inside lists and dicts."""
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def decode_nested(value, *, prop: str, path: str | None = None, feature_id: str | None = None) -> list:
    """One nested property value as GDAL returned it -> a Python list.

    Accepts lists, numpy arrays, JSON text (GeoPackage, FlatGeobuf, Shapefile store it as a string) and,
    for files written with ``str()`` of a list, a Python literal. Missing values become ``[]``.
    """
    if _is_missing(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError:
            try:
                decoded = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise SchemaError(
                    f"property '{prop}' is neither a list nor JSON text of a list: {text[:60]!r}",
                    path=path, feature_id=feature_id,
                ) from None
        value = decoded
    value = _plain(value)
    if not isinstance(value, list):
        raise SchemaError(f"property '{prop}' must be a list, got {type(value).__name__}",
                          path=path, feature_id=feature_id)
    return value


def read_layer(path: str | Path) -> gpd.GeoDataFrame:
    """Read one layer file -> GeoDataFrame in EPSG:4326 with nested properties as Python lists.

    Raises UnsupportedFormatError for an unknown extension and LayerError (naming the file) when the file
    is missing, unreadable, corrupt, or has no CRS in a format that does not imply WGS84.
    """
    path = Path(path)
    driver = driver_for(path)
    if not path.is_file():
        raise LayerError("file not found", path=str(path))
    try:
        gdf = gpd.read_file(path, engine="pyogrio")
    except _PYOGRIO_ERRORS as err:
        raise LayerError(f"cannot read {driver} file: {err}", path=str(path)) from err
    except (OSError, UnicodeDecodeError) as err:
        raise LayerError(f"cannot read file: {err}", path=str(path)) from err

    if gdf.crs is None:
        if driver not in _WGS84_BY_DEFINITION:
            raise LayerError(
                f"{driver} file has no coordinate reference system; only GeoJSON may omit it (WGS84 is then assumed)",
                path=str(path),
            )
        gdf = gdf.set_crs("EPSG:4326")
    elif gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")

    ids = gdf["id"].tolist() if "id" in gdf.columns else [None] * len(gdf)
    for prop in NESTED_PROPERTIES:
        if prop in gdf.columns:
            values = [
                decode_nested(v, prop=prop, path=str(path), feature_id=_fid(i))
                for v, i in zip(gdf[prop], ids, strict=True)
            ]
            gdf[prop] = pd.Series(values, index=gdf.index, dtype=object)
    if "parent" in gdf.columns:
        gdf["parent"] = pd.Series([None if _is_missing(v) else v for v in gdf["parent"]], index=gdf.index, dtype=object)
    return gdf


def _fid(value) -> str | None:
    return value if isinstance(value, str) and value else None


def read_sources(path: str | Path) -> dict[str, dict]:
    """``sources.json`` (a JSON list of objects with a unique ``id``) -> {id: source}."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerError("file not found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise LayerError(f"cannot read file: {err}", path=str(path)) from err
    except json.JSONDecodeError as err:
        raise LayerError(f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}", path=str(path)) from err
    if not isinstance(data, list):
        raise SchemaError(f"must be a JSON list of source objects, got {type(data).__name__}", path=str(path))
    sources: dict[str, dict] = {}
    for i, item in enumerate(data):
        sid = item.get("id") if isinstance(item, dict) else None
        if not isinstance(sid, str) or not sid:
            raise SchemaError("source has no string 'id'", path=str(path), feature_id=f"[{i}]")
        if sid in sources:
            raise SchemaError("duplicate source id", path=str(path), feature_id=sid)
        sources[sid] = item
    return sources


def read_articles(sources: dict[str, dict], directory: str | Path) -> tuple[dict[str, str], list[str]]:
    """The articles' texts (source id -> text) from ``directory``/``seed_file``, and the source ids whose text is
    not there. Only the validator's optional verbatim quote check and ``geo.evidence`` read them."""
    texts, missing = {}, []
    for sid, src in sources.items():
        name = src.get("seed_file")
        path = Path(directory) / name if isinstance(name, str) and name else None
        try:
            texts[sid] = path.read_text(encoding="utf-8") if path is not None else None
        except (OSError, UnicodeDecodeError):
            texts[sid] = None
        if texts[sid] is None:
            del texts[sid]
            missing.append(sid)
    return texts, missing


# --------------------------------------------------------------------------------------------------- atlas


def atlas_files(data_dir: str | Path) -> list[Path]:
    """The atlas files present in ``data_dir``: layer files in LAYERS order, then sources.json."""
    data_dir = Path(data_dir)
    names = [spec[0] for spec in LAYERS.values()] + [SOURCES_FILE]
    return [data_dir / name for name in names if (data_dir / name).is_file()]


def atlas_hash(data_dir: str | Path) -> str:
    """sha256 over the names and bytes of the atlas files present in ``data_dir``."""
    digest = hashlib.sha256()
    for file in atlas_files(data_dir):
        content = file.read_bytes()
        digest.update(file.name.encode() + b"\0" + str(len(content)).encode() + b"\0")
        digest.update(content)
    return digest.hexdigest()


@dataclass(frozen=True, eq=False)
class Atlas:
    """All layers of one data directory. Treat the frames as read-only: the atlas is cached and shared."""

    layers: Mapping[str, gpd.GeoDataFrame]
    sources: Mapping[str, dict]
    hash: str
    data_dir: Path | None = None
    _index: Mapping[str, tuple[str, int]] = field(init=False, repr=False, compare=False)
    _derived: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        ordered = {lid: self.layers[lid] for lid in LAYERS if lid in self.layers}
        ordered.update({lid: gdf for lid, gdf in self.layers.items() if lid not in ordered})
        index: dict[str, tuple[str, int]] = {}
        for lid, gdf in ordered.items():
            if "id" not in gdf.columns:
                continue
            for pos, fid in enumerate(gdf["id"]):
                if fid in index:
                    raise SchemaError(f"duplicate id (also in layer '{index[fid][0]}')", feature_id=str(fid))
                index[fid] = (lid, pos)
        object.__setattr__(self, "layers", MappingProxyType(ordered))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(self, "_derived", {})

    @property
    def locations(self) -> Mapping[str, tuple[str, int]]:
        """feature id -> (layer id, row position in that layer's frame)."""
        return self._index

    def derived(self, key: str, build: Callable[[], object]):
        """A structure derived from this atlas (e.g. geo.spatial_index's index), built once on first use and
        kept as long as the atlas: one per atlas version, shared by every visitor."""
        with _DERIVED_LOCK:
            if key not in self._derived:
                self._derived[key] = build()
            return self._derived[key]

    def feature(self, feature_id: str) -> tuple[str, pd.Series]:
        """(layer_id, row) of the feature with this id; UnknownFeatureError (a LayerError and KeyError) if none."""
        try:
            lid, pos = self._index[feature_id]
        except (KeyError, TypeError):
            raise UnknownFeatureError("no feature with this id in the atlas", feature_id=str(feature_id)) from None
        return lid, self.layers[lid].iloc[pos]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Atlas) and (self.hash, self.data_dir) == (other.hash, other.data_dir)

    def __hash__(self) -> int:
        return hash((self.hash, self.data_dir))

    def __contains__(self, feature_id: object) -> bool:
        return feature_id in self._index

    def ids(self) -> Iterator[str]:
        """All feature ids, layer by layer in LAYERS order."""
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


MAX_PROBLEMS_PER_FILE = 5
_RECENT_NS = 2_000_000_000  # a file changed this recently may change again within its mtime tick: hash it again
_VERSIONS: dict[str, tuple[tuple, str]] = {}
_VERSIONS_LOCK = threading.Lock()


def _signature(data_dir: Path) -> tuple[tuple, bool]:
    """(name, size, mtime, ctime, inode) of every atlas file present, and whether any changed just now."""
    stats = [(f.name, f.stat()) for f in atlas_files(data_dir)]
    now = time.time_ns()
    recent = any(now - max(st.st_mtime_ns, st.st_ctime_ns) < _RECENT_NS for _name, st in stats)
    return tuple((n, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for n, st in stats), recent


def data_version(data_dir: str | Path) -> str:
    """The content hash (``atlas_hash``) of ``data_dir``, read from the files only when their stat (size, mtime,
    ctime, inode, the set of files) changed since the last call: the cheap freshness check for every run."""
    resolved = Path(data_dir).resolve()
    signature, recent = _signature(resolved)
    key = str(resolved)
    with _VERSIONS_LOCK:
        known = _VERSIONS.get(key)
    if known is not None and known[0] == signature:
        return known[1]
    digest = atlas_hash(resolved)
    with _VERSIONS_LOCK:
        if recent:
            _VERSIONS.pop(key, None)
        else:
            _VERSIONS[key] = (signature, digest)
    return digest


@overload
def load_atlas(data_dir: str | Path = ..., strict: Literal[True] = ...) -> Atlas: ...
@overload
def load_atlas(data_dir: str | Path, strict: Literal[False]) -> tuple[Atlas, tuple[str, ...]]: ...


def load_atlas(data_dir: str | Path = "data", strict: bool = True):
    """Read every layer file present in ``data_dir`` (absent ones are skipped) and ``sources.json``.

    ``strict=True`` (default): returns the Atlas; the first unreadable file or duplicate id raises its LayerError.
    ``strict=False`` (the app): returns ``(atlas, problems)``. The directory is validated (``geo.validate``) once per
    content hash; a layer file with validation errors, an unreadable one, or one re-using an id of an earlier layer
    is left out and its problems reported, as ``file: feature: reason`` lines with paths relative to ``data_dir``
    (at most MAX_PROBLEMS_PER_FILE per file); warnings are not problems. The accepted layers are kept in the
    columnar cache (``geo.io_cache``) under the content hash, so a restarted process neither parses nor validates
    unchanged data again.

    Both are cached in the process on (resolved directory, content hash): an edited file is read again, an
    unchanged directory is not, and the content is only hashed again when a file's stat changed (``data_version``).
    """
    resolved = Path(data_dir).resolve()
    if not resolved.is_dir():
        raise LayerError("not a directory", path=str(data_dir))
    version = data_version(resolved)
    if strict:
        return _load_atlas_cached(str(resolved), version)
    return _load_tolerant(str(resolved), version)


@lru_cache(maxsize=8)
def _load_atlas_cached(resolved_dir: str, content_hash: str) -> Atlas:
    data_dir = Path(resolved_dir)
    layers = {}
    for lid, (name, _zh, _en) in LAYERS.items():
        file = data_dir / name
        if file.is_file():
            layers[lid] = read_layer(file)
    sources_file = data_dir / SOURCES_FILE
    sources = read_sources(sources_file) if sources_file.is_file() else {}
    return Atlas(layers=layers, sources=sources, hash=content_hash, data_dir=data_dir)


def _capped(problems: list[str], name: str) -> list[str]:
    if len(problems) <= MAX_PROBLEMS_PER_FILE:
        return problems
    return [*problems[:MAX_PROBLEMS_PER_FILE], f"{name}: … {len(problems) - MAX_PROBLEMS_PER_FILE} more"]


def _read_tolerant(data_dir: Path) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """The layers that validate and read, and the problems of those left out (absolute paths)."""
    from geo.validate import validate_dir  # geo.validate reads sources through this module

    layer_names = {spec[0] for spec in LAYERS.values()}
    bad: dict[str, list[str]] = {}
    for problem in validate_dir(data_dir):
        if problem.severity == "error":
            bad.setdefault(Path(problem.file).name, []).append(str(problem))
    problems: list[str] = []
    layers: dict[str, gpd.GeoDataFrame] = {}
    seen: dict[str, str] = {}  # id -> layer of the first file that has it
    for lid, (name, _zh, _en) in LAYERS.items():
        file = data_dir / name
        if not file.is_file():
            continue
        if name in bad:
            problems += _capped(bad[name], name)
            continue
        try:
            gdf = read_layer(file)
        except LayerError as err:
            problems.append(str(err))
            continue
        ids = gdf["id"] if "id" in gdf.columns else pd.Series([], dtype=object)
        clash = ids[ids.isin(seen.keys()) | ids.duplicated()]
        if len(clash):  # a duplicate id drops the later file whole
            first = clash.iloc[0]
            where = f"also in layer '{seen[first]}'" if first in seen else "twice in this file"
            problems.append(str(SchemaError(f"duplicate id ({where})", path=str(file), feature_id=str(first))))
            continue
        seen.update(dict.fromkeys(ids, lid))
        layers[lid] = gdf
    problems += [p for name, found in bad.items() if name not in layer_names for p in _capped(found, name)]
    return layers, problems


@lru_cache(maxsize=8)
def _load_tolerant(resolved_dir: str, content_hash: str) -> tuple[Atlas, tuple[str, ...]]:
    data_dir = Path(resolved_dir)
    cached = io_cache.read(content_hash)
    if cached is not None:
        layers, problems = cached
    else:
        layers, found = _read_tolerant(data_dir)
        problems = tuple(dict.fromkeys(relative_paths(p, data_dir) for p in found))
        io_cache.write(content_hash, layers, problems)
    sources: dict[str, dict] = {}
    if (data_dir / SOURCES_FILE).is_file():
        try:
            sources = read_sources(data_dir / SOURCES_FILE)
        except LayerError as err:
            message = relative_paths(str(err), data_dir)
            problems = problems if message in problems else (*problems, message)
    return Atlas(layers=layers, sources=sources, hash=content_hash, data_dir=data_dir), problems


def clear_cache() -> None:
    """Forget every atlas cached in this process (tests; a long-running app never needs it)."""
    _load_atlas_cached.cache_clear()
    _load_tolerant.cache_clear()
    with _VERSIONS_LOCK:
        _VERSIONS.clear()
