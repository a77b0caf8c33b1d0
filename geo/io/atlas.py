"""The whole atlas: :class:`Atlas` (every layer of one data directory) and :func:`load_atlas`, cached by content.

``load_atlas`` reads a data directory (through ``geo.io.read``) into an :class:`Atlas`, cached by the sha256 of
the files' bytes; ``strict=False`` validates once per content hash (``geo.validate``) and leaves out what fails,
returning the problems beside the atlas.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, overload

import geopandas as gpd
import pandas as pd

from geo.core.schema import LAYERS
from geo.errors import LayerError, SchemaError, relative_paths
from geo.io import cache as io_cache
from geo.io.read import SOURCES_FILE, UnknownFeatureError, atlas_files, atlas_hash, read_layer, read_sources
from geo.validate.checks import validate_dir

_DERIVED_LOCK = threading.RLock()


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
        """A structure derived from this atlas (e.g. geo.core.spatial_index's index), built once on first use and
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
    columnar cache (``geo.io.cache``) under the content hash, so a restarted process neither parses nor validates
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
