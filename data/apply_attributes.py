"""Merge the authored article attributes into districts.geojson and city.geojson, in place.

The geometries of those two layers come from ``data/build_districts.py``; what the articles say about a
district or the city (aliases, tags, descriptions, facts, source ids) is authored by hand in
``data/attributes/districts.json`` and ``data/attributes/city.json``, keyed by feature id. Run this after
every rebuild of the geometries:

    .venv/bin/python data/apply_attributes.py            # update data/districts.geojson and data/city.geojson
    .venv/bin/python data/apply_attributes.py --check    # exit 1 if a file is not up to date

Merging is idempotent: aliases, tags and source ids are unions (existing ones first); descriptions are
replaced; an authored fact replaces an existing fact with the same (attribute, source) and the others are
kept. Geometry, ``area_km2`` and the ``location_*`` properties are never touched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.core.schema import FACT_REQUIRED, QUALIFIERS, TAGS  # noqa: E402
from geo.errors import DanglingReferenceError, LayerError, SchemaError  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent
# layer file -> attributes file (relative to the data directory)
TARGETS = {"districts.geojson": "attributes/districts.json", "city.geojson": "attributes/city.json"}
ALLOWED_KEYS = {"aliases", "tags", "description_zh", "description_en", "facts", "source_ids"}
UNION_KEYS = ("aliases", "tags", "source_ids")


def _fail(cls: type[LayerError], path: Path, feature_id: str | None, reason: str):
    raise cls(reason, path=str(path), feature_id=feature_id)


def load_attributes(path: Path) -> dict[str, dict]:
    """Read and check an attributes file: ``{feature_id: {aliases, tags, description_zh/en, facts, source_ids}}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(LayerError, path, None, "attributes file not found")
    except json.JSONDecodeError as err:
        _fail(SchemaError, path, None, f"invalid JSON at line {err.lineno}: {err.msg}")
    if not isinstance(data, dict):
        _fail(SchemaError, path, None, "must be a JSON object keyed by feature id")
    for fid, attrs in data.items():
        if not isinstance(attrs, dict):
            _fail(SchemaError, path, fid, "attributes must be an object")
        unknown = sorted(set(attrs) - ALLOWED_KEYS)
        if unknown:
            _fail(SchemaError, path, fid, f"unknown keys {unknown} (allowed: {sorted(ALLOWED_KEYS)})")
        for key in UNION_KEYS:
            values = attrs.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                _fail(SchemaError, path, fid, f"'{key}' must be a list of non-empty strings")
        bad_tags = [t for t in attrs.get("tags", []) if t not in TAGS]
        if bad_tags:
            _fail(SchemaError, path, fid, f"unknown tags {bad_tags} (not in geo.core.schema.TAGS)")
        for key in ("description_zh", "description_en"):
            if key in attrs and not (isinstance(attrs[key], str) and attrs[key].strip()):
                _fail(SchemaError, path, fid, f"'{key}' must be a non-empty string")
        facts = attrs.get("facts", [])
        if not isinstance(facts, list):
            _fail(SchemaError, path, fid, "'facts' must be a list")
        seen = set()
        for n, fact in enumerate(facts):
            _check_fact(path, fid, n, fact)
            key = (fact["attribute"], fact["source"])
            if key in seen:
                _fail(SchemaError, path, fid, f"fact {n}: duplicate attribute {key[0]!r} for source {key[1]!r}")
            seen.add(key)
    return data


def _check_fact(path: Path, fid: str, n: int, fact) -> None:
    if not isinstance(fact, dict):
        _fail(SchemaError, path, fid, f"fact {n} must be an object")
    missing = [k for k in FACT_REQUIRED if k not in fact]
    if missing:
        _fail(SchemaError, path, fid, f"fact {n} is missing {missing}")
    value = fact["value"]
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if not (is_number or isinstance(value, str)):
        _fail(SchemaError, path, fid, f"fact {n} ({fact['attribute']}): value must be a number or a string")
    if is_number and not (isinstance(fact["unit"], str) and fact["unit"].strip()):
        _fail(SchemaError, path, fid, f"fact {n} ({fact['attribute']}): numeric value has no unit")
    if fact["qualifier"] not in QUALIFIERS:
        _fail(SchemaError, path, fid, f"fact {n} ({fact['attribute']}): qualifier {fact['qualifier']!r} not allowed")


def _union(existing, extra) -> list[str]:
    out = list(existing or [])
    out += [v for v in extra if v not in out]
    return out


def merge_feature(props: dict, attrs: dict) -> dict:
    """The feature's properties with ``attrs`` merged in (a new dict; the input is not changed)."""
    merged = dict(props)
    for key in UNION_KEYS:
        if key in attrs:
            values = _union(props.get(key), attrs[key])
            if key == "aliases":
                values = [v for v in values if v != props.get("name_zh")]
            merged[key] = sorted(values) if key == "source_ids" else values
    for key in ("description_zh", "description_en"):
        if key in attrs:
            merged[key] = attrs[key]
    if "facts" in attrs:
        ours = {(f["attribute"], f["source"]) for f in attrs["facts"]}
        kept = [f for f in props.get("facts") or [] if (f.get("attribute"), f.get("source")) not in ours]
        merged["facts"] = kept + [dict(f) for f in attrs["facts"]]
    return merged


def apply_to_collection(fc: dict, attributes: dict[str, dict], path: Path) -> dict:
    """A copy of FeatureCollection ``fc`` with ``attributes`` merged in; every id must exist in ``fc``."""
    if not isinstance(fc, dict) or fc.get("type") != "FeatureCollection" or not isinstance(fc.get("features"), list):
        _fail(SchemaError, path, None, "not a GeoJSON FeatureCollection")
    ids = [(f.get("properties") or {}).get("id") for f in fc["features"]]
    missing = [fid for fid in attributes if fid not in ids]
    if missing:
        _fail(DanglingReferenceError, path, missing[0], "attributes given for a feature id that is not in the file")
    out = dict(fc)
    out["features"] = []
    for feature in fc["features"]:
        props = feature.get("properties") or {}
        if props.get("id") in attributes:
            feature = {**feature, "properties": merge_feature(props, attributes[props["id"]])}
        out["features"].append(feature)
    return out


def dumps_compact(fc: dict) -> str:
    """GeoJSON text in the style of data/build_districts.py: properties indented by one space, each geometry
    compact on one line (so a rebuild and a re-apply give the same bytes)."""
    placeholders = {}
    features = []
    for i, feature in enumerate(fc["features"]):
        key = f"@@geometry{i}@@"
        placeholders[key] = json.dumps(feature.get("geometry"), ensure_ascii=False, separators=(",", ":"))
        features.append({**feature, "geometry": key})
    text = json.dumps({**fc, "features": features}, ensure_ascii=False, indent=1)
    for key, compact in placeholders.items():
        text = text.replace(f'"{key}"', compact, 1)
    return text + "\n"


def apply_all(data_dir: Path = DATA_DIR, *, write: bool = True) -> list[Path]:
    """Merge every attributes file into its layer file; returns the layer files whose text changed."""
    data_dir = Path(data_dir)
    changed = []
    for layer_file, attrs_file in TARGETS.items():
        layer_path = data_dir / layer_file
        if not layer_path.is_file():
            _fail(LayerError, layer_path, None, "layer file not found (build it first with data/build_districts.py)")
        attributes = load_attributes(data_dir / attrs_file)
        text = layer_path.read_text(encoding="utf-8")
        try:
            fc = json.loads(text)
        except json.JSONDecodeError as err:
            _fail(SchemaError, layer_path, None, f"invalid JSON at line {err.lineno}: {err.msg}")
        new_text = dumps_compact(apply_to_collection(fc, attributes, layer_path))
        if new_text != text:
            changed.append(layer_path)
            if write:
                layer_path.write_text(new_text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a file would change")
    args = parser.parse_args(argv)
    try:
        changed = apply_all(args.data_dir, write=not args.check)
    except LayerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"{'out of date' if args.check else 'updated'}: {path}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
