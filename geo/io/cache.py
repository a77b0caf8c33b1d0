"""The columnar cache of loaded atlases: GeoParquet files keyed by the atlas's content hash.

The GeoJSON files stay the source of truth; this only spares a restarted process the parsing and validation of
data it has already seen. An entry is the layers that ``geo.io.atlas.load_atlas(..., strict=False)`` accepted plus the
problems it reported, stored under ``<cache>/<format>-<content hash>/`` and written atomically (a temporary
directory renamed into place), so concurrent processes never read half an entry. Content-addressed: an edited file
has another hash and so another entry; the newest ``KEEP`` entries are kept.

Where (:func:`cache_dir`): ``$ATLAS_CACHE_DIR`` when set (``off`` disables the cache), else the first writable of
``<repository>/.cache/atlas`` (git-ignored), ``$XDG_CACHE_HOME/hangzhou-atlas`` (``~/.cache``) and the system's
temporary directory. A read-only data directory (CI's shared copy) is never written to, and when no location is
writable the atlas is simply loaded without a cache.

Nested properties (lists of aliases, tags, facts, participants) are stored as JSON text and decoded a column at a
time; object columns come back as object columns with ``None`` for missing values, as ``geo.io.read.read_layer`` gives
them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa

FORMAT = "v2"
KEEP = 4
ROOT = Path(__file__).resolve().parents[2]
_META = "meta.json"


def cache_dir() -> Path | None:
    """The writable cache directory, or None (cache off or nowhere to write)."""
    env = os.environ.get("ATLAS_CACHE_DIR")
    if env is not None and env.strip().lower() in ("", "off", "0", "none"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    candidates = [Path(env)] if env else [ROOT / ".cache" / "atlas", Path(xdg) / "hangzhou-atlas",
                                          Path(tempfile.gettempdir()) / "hangzhou-atlas-cache"]
    for path in candidates:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK | os.X_OK):
            return path
    return None


def _entry(base: Path, version: str) -> Path:
    return base / f"{FORMAT}-{version}"


def _kind(values: pd.Series) -> str | None:
    """"json" for a column holding lists or dicts, "array" for numpy arrays (GDAL's string lists), else None."""
    kinds = values.map(lambda v: "array" if isinstance(v, np.ndarray) else "json" if isinstance(v, list | dict)
                       else None)
    return "array" if (kinds == "array").any() else "json" if (kinds == "json").any() else None


def _encode(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str], list[str]]:
    """A copy with nested columns as JSON text; (frame, {nested column: kind}, object columns)."""
    out = gdf.copy()
    nested, objects = {}, []
    for column in gdf.columns:
        if column == gdf.geometry.name or gdf[column].dtype != object:
            continue
        objects.append(column)
        kind = _kind(gdf[column])
        if kind:
            nested[column] = kind
            out[column] = [None if v is None else json.dumps(v.tolist() if isinstance(v, np.ndarray) else v,
                                                             ensure_ascii=False) for v in gdf[column]]
    return out, nested, objects


def _decode(gdf: gpd.GeoDataFrame, nested: dict[str, str], objects: list[str]) -> gpd.GeoDataFrame:
    for column in objects:
        values = gdf[column].astype(object)
        values = values.where(values.notna(), None)
        if column in nested:  # one JSON parse per column, not per value
            decoded = json.loads("[" + ",".join("null" if v is None else v for v in values) + "]")
            if nested[column] == "array":
                decoded = [None if v is None else np.array(v) for v in decoded]
            values = pd.Series(decoded, index=gdf.index, dtype=object)
        gdf[column] = values
    return gdf


def read(version: str, base: Path | None = None) -> tuple[dict[str, gpd.GeoDataFrame], tuple[str, ...]] | None:
    """(layers, problems) stored for this content hash, or None when there is no complete entry."""
    base = cache_dir() if base is None else base
    if base is None:
        return None
    entry = _entry(base, version)
    try:
        meta = json.loads((entry / _META).read_text(encoding="utf-8"))
        layers = {}
        for lid, spec in meta["layers"].items():
            gdf = gpd.read_parquet(entry / f"{lid}.parquet")
            layers[lid] = _decode(gdf, spec["json"], spec["object"])
    except (OSError, ValueError, KeyError, pa.ArrowException):  # absent, partial or foreign: load from the files
        return None
    return layers, tuple(meta["problems"])


def write(version: str, layers: dict[str, gpd.GeoDataFrame], problems: tuple[str, ...],
          base: Path | None = None) -> Path | None:
    """Store an entry (atomically); returns its directory, or None when it cannot be written."""
    base = cache_dir() if base is None else base
    if base is None:
        return None
    entry = _entry(base, version)
    if (entry / _META).is_file():
        return entry
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{FORMAT}-{version[:12]}-", dir=base))
    except OSError:
        return None
    try:
        meta = {"layers": {}, "problems": list(problems)}
        for lid, gdf in layers.items():
            frame, nested, objects = _encode(gdf)
            frame.to_parquet(staging / f"{lid}.parquet", index=False)
            meta["layers"][lid] = {"json": nested, "object": objects}
        (staging / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        staging.rename(entry)
    except (OSError, TypeError, ValueError, pa.ArrowException):  # unwritable or not representable: no cache entry
        shutil.rmtree(staging, ignore_errors=True)
        return entry if (entry / _META).is_file() else None  # another process may have won the rename
    _prune(base)
    return entry


def _prune(base: Path) -> None:
    entries = sorted((p for p in base.glob(f"{FORMAT}-*") if p.is_dir()), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
