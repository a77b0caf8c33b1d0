"""Synthetic company layers for the scale benchmark: N points spread over Hangzhou's districts.

    .venv/bin/python -m bench.synthetic N OUT_DIR [--seed 20261122] [--mode replace|extend] [--source data]

Writes a complete atlas directory: the layer files and ``sources.json`` of ``--source`` are copied and
``companies.geojson`` is replaced by N synthetic companies (``--mode replace``, the default) or gets them
appended after the real ones (``--mode extend``). The output loads through ``geo.io.atlas.load_atlas`` and passes
``python -m geo.validate``.

The data is fake and says so: every feature carries ``"synthetic": true``, a name and description that
call it synthetic, no facts (there is no source to cite), and ``location_basis: district_only`` with a
precision of the district's equivalent radius, because the point is only "somewhere in that district".
Points are drawn uniformly inside each district's polygon (from the source's districts.geojson), with more
of them in the central districts where Hangzhou's tech firms actually cluster. The same seed gives the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.core.geometry import DECIMALS
from geo.core.schema import LAYERS, TAGS
from geo.core.spatial import area_km2
from geo.errors import LayerError

DEFAULT_SEED = 20261122
SOURCE_DIR = Path(__file__).resolve().parents[1] / "data"
# Relative density of synthetic firms per district (adcode): weighted towards the central tech districts.
DISTRICT_WEIGHTS: dict[str, float] = {
    "330106": 20, "330108": 16, "330110": 18, "330105": 8, "330102": 8, "330109": 8, "330113": 6,
    "330114": 6, "330111": 3, "330112": 3, "330122": 1.5, "330127": 1, "330182": 1.5,
}
SYNTHETIC_PREFIXES = ("co_syn_", "fund_syn_")
_FUND_SHARE = 0.05
_TAG_IDS = sorted(TAGS)


def _districts(source: Path) -> list[tuple[str, object]]:
    """[(adcode, polygon)] of the source's districts.geojson, in file order."""
    path = source / LAYERS["districts"][0]
    try:
        fc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayerError("file not found (the generator needs district polygons)", path=str(path)) from None
    except json.JSONDecodeError as err:
        raise LayerError(f"invalid JSON at line {err.lineno}: {err.msg}", path=str(path)) from err
    out = []
    for feature in fc.get("features", []):
        props = feature.get("properties") or {}
        geom = shape(feature["geometry"])
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise LayerError("district geometry is not a (Multi)Polygon", path=str(path), feature_id=props.get("id"))
        out.append((props["adcode"], geom))
    if not out:
        raise LayerError("no districts to place points in", path=str(path))
    return out


def _points_in(geom, k: int, rng: np.random.Generator) -> np.ndarray:
    """k points (lon, lat), uniform in ``geom`` by rejection from its bounding box, rounded to 6 decimals."""
    x0, y0, x1, y1 = geom.bounds
    shapely.prepare(geom)
    found: list[np.ndarray] = []
    have = 0
    while have < k:
        m = max(64, int((k - have) * 2.5))
        xy = np.round(np.column_stack([rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)]), DECIMALS)
        inside = xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]
        found.append(inside)
        have += len(inside)
    return np.concatenate(found)[:k]


def synthetic_features(n: int, *, seed: int = DEFAULT_SEED, source: Path = SOURCE_DIR) -> list[dict]:
    """N synthetic company/fund features (GeoJSON dicts) inside the districts of ``source``."""
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    rng = np.random.default_rng(seed)
    districts = _districts(Path(source))
    weights = np.array([DISTRICT_WEIGHTS.get(adcode, 1.0) for adcode, _ in districts])
    counts = rng.multinomial(n, weights / weights.sum()) if n else np.zeros(len(districts), dtype=int)
    features: list[dict] = []
    for (adcode, geom), k in zip(districts, counts, strict=True):
        if not k:
            continue
        radius_m = int(round(math.sqrt(area_km2(geom) / math.pi) * 1000, -2))
        pts = _points_in(geom, int(k), rng)
        is_fund = rng.random(int(k)) < _FUND_SHARE
        n_tags = rng.integers(1, 4, int(k))
        for (lon, lat), fund, t in zip(pts.tolist(), is_fund.tolist(), n_tags.tolist(), strict=True):
            tags = [_TAG_IDS[j] for j in sorted(rng.choice(len(_TAG_IDS), t, replace=False).tolist())]
            features.append(_feature(len(features) + 1, adcode, lon, lat, fund, tags, radius_m))
    return features


def _feature(i: int, adcode: str, lon: float, lat: float, fund: bool, tags: list[str], radius_m: int) -> dict:
    kind, prefix, zh, en = ("fund", "fund_syn_", "合成基金", "Synthetic fund") if fund else \
        ("company", "co_syn_", "合成企业", "Synthetic company")
    return {
        "type": "Feature",
        "properties": {
            "id": f"{prefix}{i:06d}", "layer": "companies", "kind": kind,
            "name_zh": f"{zh}{i:06d}", "name_en": f"{en} {i:06d}", "aliases": [], "adcode": adcode,
            "parent": None, "tags": tags,
            "description_zh": "基准测试用的合成数据，不是真实机构；位置为所在区县内的随机点。",
            "description_en": "Synthetic benchmark data, not a real organisation; a random point inside its district.",
            "facts": [], "location_precision_m": radius_m, "location_basis": "district_only", "synthetic": True,
        },
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def write_atlas(dest: str | Path, n: int, *, seed: int = DEFAULT_SEED, mode: str = "replace",
                source: str | Path = SOURCE_DIR) -> Path:
    """Copy the atlas files of ``source`` into ``dest`` and put N synthetic companies in its companies layer."""
    if mode not in ("replace", "extend"):
        raise ValueError(f"mode must be 'replace' or 'extend', got {mode!r}")
    source, dest = Path(source), Path(dest)
    if source.resolve() == dest.resolve():
        raise ValueError("refusing to overwrite the source atlas: choose another output directory")
    dest.mkdir(parents=True, exist_ok=True)
    for name in [spec[0] for spec in LAYERS.values()] + ["sources.json"]:
        if (source / name).is_file():
            shutil.copyfile(source / name, dest / name)
    companies_file = dest / LAYERS["companies"][0]
    real = []
    if mode == "extend" and companies_file.is_file():
        real = json.loads(companies_file.read_text(encoding="utf-8"))["features"]
    fc = {"type": "FeatureCollection", "features": real + synthetic_features(n, seed=seed, source=source)}
    companies_file.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    if mode == "replace":
        _drop_event_links_to_real_companies(dest)
    return dest


def _drop_event_links_to_real_companies(dest: Path) -> None:
    """With the real companies replaced, events keep only the places and participants that still exist."""
    events_file = dest / LAYERS["events"][0]
    if not events_file.is_file():
        return
    ids = set()
    for lid, (name, _zh, _en) in LAYERS.items():
        if lid != "events" and (dest / name).is_file():
            ids |= {f["properties"]["id"] for f in json.loads((dest / name).read_text(encoding="utf-8"))["features"]}
    events = json.loads(events_file.read_text(encoding="utf-8"))
    kept = []
    for feature in events["features"]:
        props = feature["properties"]
        if props.get("place") in ids:
            props["participants"] = [x for x in props.get("participants") or [] if x in ids]
            kept.append(feature)
    events["features"] = kept
    events_file.write_text(json.dumps(events, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    ids |= {f["properties"]["id"] for f in kept}
    for lid, (name, _zh, _en) in LAYERS.items():  # a fact restating a dropped feature's fact stands alone
        path = dest / name
        if lid == "companies" or not path.is_file():
            continue
        fc = json.loads(path.read_text(encoding="utf-8"))
        dangling = [fact for f in fc["features"] for fact in f["properties"].get("facts") or []
                    if fact.get("restates") is not None and fact["restates"] not in ids]
        for fact in dangling:
            del fact["restates"]
        if dangling:
            path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of synthetic companies")
    parser.add_argument("out", type=Path, help="output atlas directory (created)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--mode", choices=("replace", "extend"), default="replace")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="atlas to copy (default: data/)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("n must be >= 0")
    out = write_atlas(args.out, args.n, seed=args.seed, mode=args.mode, source=args.source)
    print(f"wrote {args.n} synthetic companies ({args.mode}) to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
