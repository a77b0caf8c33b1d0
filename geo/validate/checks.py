"""Check a data directory against the atlas schema: ``python -m geo.validate [DIR]`` (default ``data/``).

Validation only explains; it never repairs. The GeoJSON files are read as raw JSON (not through GDAL) so
that types are checked as written: GDAL would turn a missing property into null and an int into a float.

Every problem names the file, the feature (its id, or ``features[i]`` when it has no usable id) and the
reason. Errors make the command exit 1. The one warning is a district-level feature whose point falls
outside the polygon of its adcode's district: district boundaries and approximate points can legitimately
disagree near a border, so it is reported but does not fail the build. A child outside its parent's
polygon, in contrast, is an error: "parent" is a factual claim that ``geo.core.spatial.inside`` and the map
would otherwise contradict, and the check already allows the parent's own location_precision_m.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from geo.core.schema import (
    HANGZHOU_BBOX,
    ID_PATTERN,
    KINDS,
    LAYERS,
    LOCATION_BASES,
    LOCATION_NOTE_PAIR,
    OUTLET_NOTE_PAIR,
    QUOTE_NOTE_PAIR,
    REQUIRED_PROPERTIES,
    TAGS,
)
from geo.core.spatial import distance_m
from geo.errors import LayerError
from geo.io.read import SOURCES_FILE, read_sources
from geo.validate.quotes import check_quotes, quote_reasons
from geo.validate.rules import (
    adcode_reasons,
    check_duplicate_figures,
    check_event,
    check_parent_precision,
    fact_reasons,
    pair_reasons,
)

POLYGON_LAYERS = {"city", "districts"}
# where the articles' texts are looked for by default (as in CI): ../shared/seeds beside the repository
DEFAULT_ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "seeds"
_NON_EMPTY = ("id", "layer", "kind", "name_zh", "name_en", "location_basis")


@dataclass(frozen=True)
class Problem:
    """One finding: ``str()`` gives ``file: feature: reason`` (``file: reason`` when no feature is at fault)."""

    file: str
    feature_id: str | None
    reason: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        parts = [self.file] + ([self.feature_id] if self.feature_id else [])
        if self.severity != "error":
            parts.append(self.severity)
        return ": ".join([*parts, self.reason])


@dataclass
class _Feature:
    file: str
    layer: str
    index: int
    props: dict
    geometry: object  # shapely geometry or None when missing/unparseable
    geometry_ok: bool = True  # False once a geometry problem was reported (skips containment checks)

    @property
    def label(self) -> str:
        fid = self.props.get("id")
        return fid if isinstance(fid, str) and fid.strip() else f"features[{self.index}]"


_JSON_NAMES = {dict: "object", list: "list", str: "string", bool: "boolean", int: "integer", float: "number",
               type(None): "null"}


def _type_names(types: tuple[type, ...]) -> str:
    return " or ".join(_JSON_NAMES.get(t, t.__name__) for t in types)


def _json_type(value) -> str:
    return _JSON_NAMES.get(type(value), type(value).__name__)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Validator:
    def __init__(self, data_dir: Path, articles: Path | None = None):
        self.dir, self.articles = data_dir, articles
        self.skipped: list[str] = []  # checks that could not run, by name and why
        self.verbatim = 0  # quotes found verbatim in their article
        self.sources: dict[str, dict] = {}
        self.problems: list[Problem] = []
        self.features: list[_Feature] = []
        self.layers_read = 0
        self.unreadable: set[str] = set()  # layer files that could not be read (their ids are unknown)

    def add(self, file: str, feature: str | None, reason: str, severity: str = "error") -> None:
        self.problems.append(Problem(file, feature, reason, severity))

    def path(self, name: str) -> str:
        return str(self.dir / name)

    def load_json(self, name: str):
        file = self.path(name)
        try:
            return json.loads((self.dir / name).read_text(encoding="utf-8"))
        except UnicodeDecodeError as err:
            self.add(file, None, f"file is not UTF-8 text: {err.reason} at byte {err.start}")
        except json.JSONDecodeError as err:
            self.add(file, None, f"invalid JSON at line {err.lineno} column {err.colno}: {err.msg}")
        except OSError as err:
            self.add(file, None, f"cannot read file: {err.strerror or err}")
        return None

    def read_sources(self) -> set[str] | None:
        file = self.path(SOURCES_FILE)
        if not (self.dir / SOURCES_FILE).is_file():
            self.add(file, None, "sources.json is missing; fact sources cannot be checked")
            return None
        try:
            sources = read_sources(self.dir / SOURCES_FILE)
        except LayerError as err:  # reported like every other problem; fact sources are then not checked
            reason = str(err).removeprefix(f"{err.path}: ").removeprefix(f"{err.feature_id}: ")
            self.add(file, err.feature_id, reason)
            return None
        self.sources = sources
        for sid, src in sources.items():
            if "outlet_note" in src:
                self.add(file, sid, "'outlet_note' is replaced by 'outlet_note_zh' and 'outlet_note_en'")
            for reason in pair_reasons(src, OUTLET_NOTE_PAIR):
                self.add(file, sid, reason)
        return set(sources)

    def read_layer(self, layer: str, name: str) -> None:
        file = self.path(name)
        data = self.load_json(name)
        self.unreadable.add(layer)  # until its features are known
        if data is None:
            return
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            got = f"type {data.get('type')!r}" if isinstance(data, dict) else f"a JSON {_json_type(data)}"
            self.add(file, None, f"not a GeoJSON FeatureCollection (top level is {got})")
            return
        features = data.get("features")
        if not isinstance(features, list):
            self.add(file, None, "FeatureCollection has no 'features' list")
            return
        self.unreadable.discard(layer)
        if "crs" in data:
            self.add(file, None, "has a 'crs' member; atlas files must be RFC 7946 GeoJSON in WGS84 without one")
        self.layers_read += 1
        for i, feat in enumerate(features):
            if not isinstance(feat, dict) or feat.get("type") != "Feature":
                self.add(file, f"features[{i}]", "not a GeoJSON Feature")
                continue
            props = feat.get("properties")
            if not isinstance(props, dict):
                self.add(file, f"features[{i}]", "feature has no 'properties' object")
                props = {}
            item = _Feature(file, layer, i, props, None)
            self.features.append(item)
            if feat.get("geometry") is None:
                self.add(file, item.label, "geometry is null" if "geometry" in feat else "geometry is missing")
                continue
            try:
                item.geometry = shape(feat["geometry"])
            except (ValueError, TypeError, AttributeError, KeyError, IndexError, shapely.errors.GEOSException) as err:
                self.add(file, item.label, f"geometry cannot be parsed: {err}")

    def check_properties(self, f: _Feature, districts: set[str] | None, sources: set[str] | None) -> None:
        p, add = f.props, (lambda reason: self.add(f.file, f.label, reason))
        for prop, types in REQUIRED_PROPERTIES.items():
            if prop not in p:
                add(f"missing required property '{prop}'")
            elif not isinstance(p[prop], types) or (isinstance(p[prop], bool) and bool not in types):
                add(f"property '{prop}' must be {_type_names(types)}, got {_json_type(p[prop])}")
            elif prop in _NON_EMPTY and not p[prop].strip():
                add(f"property '{prop}' is empty")
        fid = p.get("id")
        if isinstance(fid, str) and fid.strip() and not ID_PATTERN.match(fid):
            add(f"id {fid!r} does not match {ID_PATTERN.pattern}")
        layer = p.get("layer")
        if isinstance(layer, str) and layer and layer != f.layer:
            add(f"layer {layer!r} does not match the file (expected {f.layer!r})")
        kind = p.get("kind")
        if isinstance(kind, str) and kind and kind not in KINDS[f.layer]:
            add(f"kind {kind!r} is not a kind of layer {f.layer!r} ({', '.join(KINDS[f.layer])})")
        for key, vocabulary, what in (("tags", TAGS, "tag"), ("aliases", None, "alias")):
            values = p.get(key)
            if not isinstance(values, list):
                continue
            for v in values:
                if not isinstance(v, str) or not v.strip():
                    add(f"{what} {v!r} must be a non-empty string")
                elif vocabulary is not None and v not in vocabulary:
                    add(f"unknown {what} {v!r} (not in geo.core.schema.TAGS)")
        basis = p.get("location_basis")
        if isinstance(basis, str) and basis and basis not in LOCATION_BASES:
            add(f"location_basis {basis!r} is not one of {', '.join(LOCATION_BASES)}")
        precision = p.get("location_precision_m")
        if _is_number(precision) and not (math.isfinite(precision) and precision > 0):
            add(f"location_precision_m must be a positive number of metres, got {precision!r}")
        self.check_adcode(f, districts)
        if "location_note" in p:
            add("property 'location_note' is replaced by 'location_note_zh' and 'location_note_en'")
        for reason in pair_reasons(p, LOCATION_NOTE_PAIR):
            add(reason)
        if isinstance(p.get("facts"), list):
            for n, fact in enumerate(p["facts"]):
                self.check_fact(f, n, fact, sources)

    def check_adcode(self, f: _Feature, districts: set[str] | None) -> None:
        for reason in adcode_reasons(f.layer, f.props.get("adcode"), districts):
            self.add(f.file, f.label, reason)

    def check_fact(self, f: _Feature, n: int, fact, sources: set[str] | None) -> None:
        where = f"fact {n}"
        if isinstance(fact, dict) and isinstance(fact.get("attribute"), str):
            where += f" ({fact['attribute']})"
        reasons = [f"must be an object, got {_json_type(fact)}"] if not isinstance(fact, dict) \
            else fact_reasons(fact, sources) + quote_reasons(fact) + pair_reasons(fact, QUOTE_NOTE_PAIR)
        for reason in reasons:
            self.add(f.file, f.label, f"{where}: {reason}")

    def check_geometry(self, f: _Feature) -> None:
        g = f.geometry
        if g is None:
            f.geometry_ok = False
            return
        before = len(self.problems)
        self._check_geometry(f, g)
        f.geometry_ok = len(self.problems) == before

    def _check_geometry(self, f: _Feature, g) -> None:
        add = lambda reason: self.add(f.file, f.label, reason)  # noqa: E731
        if g.is_empty:
            add(f"geometry is empty ({g.geom_type})")
            return
        if f.layer in POLYGON_LAYERS and g.geom_type not in ("Polygon", "MultiPolygon"):
            add(f"geometry of a {f.layer} feature must be a Polygon or MultiPolygon, got {g.geom_type}")
        coords = shapely.get_coordinates(g)
        if not shapely.is_valid(g):
            add(f"geometry is invalid: {explain_validity(g)}")
        if not coords.size or not bool(np.isfinite(coords).all()):
            add("geometry has non-finite coordinates")
            return
        xmin, ymin, xmax, ymax = HANGZHOU_BBOX
        x0, y0, x1, y1 = g.bounds
        if x0 >= xmin and x1 <= xmax and y0 >= ymin and y1 <= ymax:
            return
        if y0 >= xmin and y1 <= xmax and x0 >= ymin and x1 <= ymax:
            add(f"coordinates look like lat/lon swapped: ({x0:g}, {y0:g}) is outside Hangzhou but swapping x and y "
                "would put it inside; GeoJSON order is [lon, lat]")
        else:
            add(f"geometry lies outside Hangzhou: bounds ({x0:g}, {y0:g}, {x1:g}, {y1:g}) not within "
                f"lon {xmin:g}..{xmax:g}, lat {ymin:g}..{ymax:g}")

    def check_ids_and_parents(self) -> dict[str, _Feature]:
        by_id: dict[str, _Feature] = {}
        for f in self.features:
            fid = f.props.get("id")
            if not isinstance(fid, str) or not fid.strip():
                continue
            if fid in by_id:
                first = by_id[fid]
                where = (f"features[{first.index}] of this file" if first.file == f.file
                         else Path(first.file).name)
                self.add(f.file, f.label, f"duplicate id (also {where})")
            else:
                by_id[fid] = f
        for f in self.features:
            parent = f.props.get("parent")
            if not isinstance(parent, str):
                continue
            if parent == f.props.get("id"):
                self.add(f.file, f.label, "parent is the feature itself")
            elif parent not in by_id:
                self.add(f.file, f.label, f"unknown parent {parent!r} (no feature has this id)")
            else:
                self.check_parent_cycle(f, by_id)
        return by_id

    def check_parent_cycle(self, f: _Feature, by_id: dict[str, _Feature]) -> None:
        seen, current = [f.props["id"]], by_id[f.props["parent"]]
        while current.props["id"] not in seen and isinstance(current.props.get("parent"), str) \
                and current.props["parent"] in by_id:
            seen.append(current.props["id"])
            current = by_id[current.props["parent"]]
        if current.props["id"] in seen:
            self.add(f.file, f.label, f"parent chain loops: {' -> '.join([*seen, current.props['id']])}")

    def check_containment(self, by_id: dict[str, _Feature]) -> None:
        for f in self.features:
            parent = by_id.get(f.props.get("parent")) if isinstance(f.props.get("parent"), str) else None
            if parent is not None and parent is not f:
                self.check_within(f, parent, parent.props.get("location_precision_m"), "error",
                                  f"lies outside its parent {parent.props['id']}")
        districts = {f.props.get("adcode"): f for f in self.features if f.layer == "districts"}
        for f in self.features:
            if f.layer in POLYGON_LAYERS or f.props.get("location_basis") == "city_only":
                continue
            district = districts.get(f.props.get("adcode"))
            if district is not None:
                tolerance = sum(x for x in (f.props.get("location_precision_m"),
                                            district.props.get("location_precision_m")) if _is_number(x))
                self.check_within(f, district, tolerance, "warning",
                                  f"lies outside the district of its adcode ({district.props['id']})")

    def check_within(self, child: _Feature, parent: _Feature, tolerance, severity: str, what: str) -> None:
        cg, pg = child.geometry, parent.geometry
        if not (child.geometry_ok and parent.geometry_ok) or pg.geom_type not in ("Polygon", "MultiPolygon"):
            return
        point = cg if cg.geom_type == "Point" else cg.representative_point()
        tolerance = tolerance if _is_number(tolerance) and tolerance > 0 else 0
        gap = distance_m(point, pg)
        if gap > tolerance:
            self.add(child.file, child.label, f"{what}: {gap:.0f} m beyond its polygon (tolerance {tolerance:g} m)",
                     severity)

    def run(self) -> list[Problem]:
        if not self.dir.is_dir():
            self.add(str(self.dir), None, "not a directory")
            return self.problems
        sources = self.read_sources()
        present = [(lid, spec[0]) for lid, spec in LAYERS.items() if (self.dir / spec[0]).is_file()]
        if not present:
            names = ", ".join(spec[0] for spec in LAYERS.values())
            self.add(str(self.dir), None, f"no layer files found (expected some of {names})")
        for lid, name in present:
            self.read_layer(lid, name)
        districts = None
        if any(lid == "districts" for lid, _ in present):
            districts = {f.props.get("adcode") for f in self.features if f.layer == "districts"}
        for f in self.features:
            self.check_properties(f, districts, sources)
            self.check_geometry(f)
        by_id = self.check_ids_and_parents()
        self.check_containment(by_id)
        report = lambda f, reason: self.add(f.file, f.label, reason)  # noqa: E731
        check_parent_precision(self.features, by_id, report)
        check_duplicate_figures(self.features, by_id, report)
        for f in self.features:  # references into an unreadable file would only repeat its problem
            if f.layer == "events":
                check_event(f, by_id, report, check_references=not self.unreadable)
        self.verbatim, self.skipped = check_quotes(self.features, by_id, report, self.sources, self.articles,
                                                   check_references=not self.unreadable and len(present) == len(LAYERS))
        order = {name: i for i, (_lid, name) in enumerate(present)}
        # stable: per file in layer order, keeping discovery order inside a file
        return sorted(self.problems, key=lambda p: order.get(Path(p.file).name, -1))


def validate_dir(path: str | Path = "data", articles: str | Path | None = None) -> list[Problem]:
    """Every problem (errors and warnings) found in the data directory ``path``; with ``articles`` (a directory
    of the articles' texts, see sources.json ``seed_file``) quotes are also checked verbatim."""
    return _Validator(Path(path), Path(articles) if articles is not None else None).run()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    articles = DEFAULT_ARTICLES
    if "--articles" in args and args.index("--articles") + 1 < len(args):
        at = args.index("--articles")
        articles = Path(args.pop(at + 1))
        args.pop(at)
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("usage: python -m geo.validate [DIR] [--articles DIR]   (default: data/, ../shared/seeds beside "
              "the repository)")
        return 0 if args and args[0] in ("-h", "--help") else 2
    validator = _Validator(Path(args[0] if args else "data"), articles)
    problems = validator.run()
    for problem in problems:
        print(problem)
    for check in validator.skipped:
        print(f"SKIPPED: {check}")
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    n_features, n_layers = len(validator.features), validator.layers_read
    note = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
    if errors:
        files = len({p.file for p in errors})
        print(f"FAILED: {len(errors)} problem{'s' * (len(errors) != 1)} in {files} file{'s' * (files != 1)}{note}")
        return 1
    checked = f"; {validator.verbatim} quotes verbatim in their articles" if validator.verbatim else ""
    print(f"OK: {n_features} features in {n_layers} layers{note}{checked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
