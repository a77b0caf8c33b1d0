"""What the user asked to see: a ``Filters`` value, its URL form, and its application to an atlas.

Semantics of ``apply_filters`` (each empty criterion means "no restriction"):

- ``layers``: which layers are returned (in LAYERS order).
- ``districts`` (adcodes): every layer except the city keeps the features whose adcode is in the set; the
  districts layer keeps those districts. Features known only at city level (adcode 330100) drop out.
- ``kinds``: only features of those kinds: choosing "university" keeps the universities and empties the other
  thematic layers (parks, companies, events…); the base map (city, districts) stays unless one of its own kinds
  (district, county…) is chosen, which narrows it.
- ``tags`` (any of), ``text`` and ``fact_ranges`` (all of) apply to the thematic layers
  (``geo.core.schema.THEMATIC_LAYERS``: plans, parks, institutions, companies, events); city and districts are the
  base map and stay.
- ``fact_ranges``: (attribute, min, max) with None for an open bound; a feature passes when it has a fact with
  that attribute whose numeric value lies in [min, max].
- ``period``: ``()`` (no restriction) or two months ``("2024-10", "2025-06")``: on the thematic layers
  ``geo.core.timeline.apply_period`` keeps the events whose dates overlap it, the features the articles have dated by
  its end plus every undated one (column ``undated``); every kept feature (city and districts too, which stay as
  the base map) keeps only the facts whose ``as_of`` overlaps it (facts without a readable date stay).

- ``text``: the features ``geo.core.search`` finds for it (names, aliases, short forms, pinyin, fuzzy; Traditional
  and Simplified alike, so 雲谷, 云谷, yungu and "cloud valley" meet the same features): the map shows what
  the search lists.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from geo.core.schema import ADCODE_PATTERN, KINDS, LAYERS, TAGS, THEMATIC_LAYERS
from geo.core.search import SEARCH_COLUMNS, matching_ids, normalize_text, ranked
from geo.core.timeline import DateError, Month, apply_period, facts_in_period
from geo.errors import LayerError

if TYPE_CHECKING:  # the type only: geo.io.atlas loads through geo.validate, which uses geo.core
    from geo.io.atlas import Atlas

__all__ = ["SEARCH_COLUMNS", "Filters", "apply_filters", "normalize_text", "search"]

def _tuple(values, what: str) -> tuple:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise LayerError(f"{what} must be a list, got {type(values).__name__}")
    return tuple(dict.fromkeys(values))  # de-duplicated, order kept


def _bound(value, attribute: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LayerError(f"fact range for {attribute!r}: bound {value!r} is not a number") from None
    if math.isnan(number):
        raise LayerError(f"fact range for {attribute!r}: bound is NaN")
    return number


@dataclass(frozen=True)
class Filters:
    """A selection of the atlas; all fields default to "everything". Lists are stored as tuples."""

    layers: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    text: str = ""
    fact_ranges: tuple[tuple[str, float | None, float | None], ...] = field(default=())
    period: tuple[str, ...] = ()  # () or (first month, last month), "YYYY-MM"

    def __post_init__(self):
        layers = _tuple(self.layers, "layers")
        bad = [x for x in layers if x not in LAYERS]
        if bad:
            raise LayerError(f"unknown layer {bad[0]!r}; layers are {', '.join(LAYERS)}")
        districts = tuple(str(x) for x in _tuple(self.districts, "districts"))
        bad = [x for x in districts if not ADCODE_PATTERN.match(x)]
        if bad:
            raise LayerError(f"district {bad[0]!r} is not an adcode ({ADCODE_PATTERN.pattern})")
        kinds = _tuple(self.kinds, "kinds")
        all_kinds = {k for per_layer in KINDS.values() for k in per_layer}
        bad = [x for x in kinds if x not in all_kinds]
        if bad:
            raise LayerError(f"unknown kind {bad[0]!r}")
        tags = _tuple(self.tags, "tags")
        bad = [x for x in tags if x not in TAGS]
        if bad:
            raise LayerError(f"unknown tag {bad[0]!r}")
        text = self.text if isinstance(self.text, str) else ""
        ranges = []
        for item in self.fact_ranges or ():
            if isinstance(item, str) or len(item) != 3:
                raise LayerError(f"fact range must be (attribute, min, max), got {item!r}")
            attribute, low, high = item
            if not isinstance(attribute, str) or not attribute or ":" in attribute:
                raise LayerError(f"fact range attribute must be a non-empty name without ':', got {attribute!r}")
            low, high = _bound(low, attribute), _bound(high, attribute)
            if low is not None and high is not None and low > high:
                raise LayerError(f"fact range for {attribute!r}: min {low:g} is greater than max {high:g}")
            ranges.append((attribute, low, high))
        for name, value in (("layers", layers), ("districts", districts), ("kinds", kinds), ("tags", tags),
                            ("text", text.strip()), ("fact_ranges", tuple(ranges)),
                            ("period", _period(self.period))):
            object.__setattr__(self, name, value)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    @property
    def span(self) -> tuple[Month, Month] | None:
        """The period as geo.core.timeline months, None for no restriction."""
        return (Month.parse(self.period[0]), Month.parse(self.period[1])) if self.period else None

    def to_query(self) -> dict[str, str | list[str]]:
        """URL query parameters (strings and lists of strings); empty criteria are left out.

        Keys: layer, district, kind, tag (lists), q (text), fact (list of "attribute:min:max", bounds may be empty),
        period ("YYYY-MM/YYYY-MM").
        """
        query: dict[str, str | list[str]] = {}
        for key, values in (("layer", self.layers), ("district", self.districts), ("kind", self.kinds),
                            ("tag", self.tags)):
            if values:
                query[key] = list(values)
        if self.text:
            query["q"] = self.text
        if self.fact_ranges:
            query["fact"] = [f"{a}:{_fmt(lo)}:{_fmt(hi)}" for a, lo, hi in self.fact_ranges]
        if self.period:
            query["period"] = "/".join(self.period)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str | Iterable[str]]) -> Filters:
        """Inverse of ``to_query``; list values may also come as one comma-separated string. Unknown keys
        are ignored (the page has its own parameters); bad values raise LayerError."""

        def listed(key: str) -> list[str]:
            raw = query.get(key)
            if raw is None:
                return []
            items = raw.split(",") if isinstance(raw, str) else [str(x) for x in raw]
            return [x.strip() for x in items if x.strip()]

        raw_text = query.get("q", "")
        text = raw_text if isinstance(raw_text, str) else " ".join(str(x) for x in raw_text)
        facts = []
        raw_facts = query.get("fact")
        for item in [raw_facts] if isinstance(raw_facts, str) else (raw_facts or []):
            parts = str(item).split(":")
            if len(parts) != 3:
                raise LayerError(f"query parameter fact={item!r} must look like attribute:min:max")
            facts.append((parts[0], parts[1], parts[2]))
        raw_period = query.get("period")
        if raw_period is not None and not isinstance(raw_period, str):
            raw_period = ",".join(str(x) for x in raw_period)
        period = tuple(raw_period.split("/")) if raw_period and raw_period.strip() else ()
        return cls(layers=tuple(listed("layer")), districts=tuple(listed("district")), kinds=tuple(listed("kind")),
                   tags=tuple(listed("tag")), text=text, fact_ranges=tuple(facts), period=period)


def _period(value) -> tuple[str, ...]:
    """() or (first, last) as "YYYY-MM" strings; LayerError naming the problem otherwise."""
    if not value:
        return ()
    if isinstance(value, str) or len(value) != 2:
        raise LayerError(f"period must be (first month, last month), got {value!r}")
    try:
        first, last = Month.parse(str(value[0]).strip()), Month.parse(str(value[1]).strip())
    except DateError as err:
        raise LayerError(f"period: {err}") from None
    if last < first:
        raise LayerError(f"period {first}/{last} ends before it starts")
    return str(first), str(last)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


# --------------------------------------------------------------------------------------------- matching


def _fact_in_range(facts, attribute: str, low: float | None, high: float | None) -> bool:
    for fact in facts if isinstance(facts, list) else ():
        if not isinstance(fact, dict) or fact.get("attribute") != attribute:
            continue
        value = fact.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if (low is None or value >= low) and (high is None or value <= high):
            return True
    return False


def _has_any_tag(tags, wanted: set[str]) -> bool:
    return isinstance(tags, list | tuple) and any(t in wanted for t in tags)


def apply_filters(atlas: Atlas, filters: Filters) -> dict[str, gpd.GeoDataFrame]:
    """The filtered layers, in LAYERS order (see the module docstring); frames are copies of the atlas's."""
    out: dict[str, gpd.GeoDataFrame] = {}
    found = matching_ids(atlas, filters.text) if filters.text else None
    districts = set(filters.districts)
    kinds = set(filters.kinds)
    tags = set(filters.tags)
    for lid, gdf in atlas.layers.items():
        if filters.layers and lid not in filters.layers:
            continue
        mask = pd.Series(True, index=gdf.index)
        if districts and lid != "city" and "adcode" in gdf.columns:
            mask &= gdf["adcode"].isin(districts)
        layer_kinds = kinds & set(KINDS.get(lid, {}))
        if layer_kinds and "kind" in gdf.columns:
            mask &= gdf["kind"].isin(layer_kinds)
        elif kinds and lid in THEMATIC_LAYERS:
            mask &= False  # a kind filter shows only those kinds: the other thematic layers empty
        if lid in THEMATIC_LAYERS:
            if tags:
                mask &= gdf["tags"].map(lambda t: _has_any_tag(t, tags)) if "tags" in gdf.columns else False
            if found is not None:
                mask &= gdf["id"].isin(found)
            for attribute, low, high in filters.fact_ranges:
                if "facts" not in gdf.columns:
                    mask &= False
                    continue
                mask &= gdf["facts"].map(lambda f, a=attribute, lo=low, hi=high: _fact_in_range(f, a, lo, hi))
        out[lid] = gdf.loc[mask.astype(bool)].copy()
    if filters.period:
        out = _in_period(out, atlas, filters.span)
    return out


def _in_period(layers: dict[str, gpd.GeoDataFrame], atlas: Atlas, span) -> dict[str, gpd.GeoDataFrame]:
    """The period step of apply_filters: thematic layers through geo.core.timeline.apply_period; the base map (city,
    districts) stays whole, with only its facts filtered."""
    dated = apply_period({lid: g for lid, g in layers.items() if lid in THEMATIC_LAYERS}, atlas, span)
    out = {}
    for lid, gdf in layers.items():
        if lid not in dated and "facts" in gdf.columns and len(gdf):
            gdf = gdf.copy()
            gdf["facts"] = [facts_in_period(f, span) for f in gdf["facts"]]
        out[lid] = dated.get(lid, gdf)
    return out


def search(atlas: Atlas, text: str, *, limit: int | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """Features whose names match ``text``, best first (``geo.core.search.ranked``: exact name, alias, short form,
    prefix, substring, fuzzy; places before events on a tie). Columns: layer, id, name_zh, name_en, match.

    With ``filters``, only features that pass them (``apply_filters``: its layers, districts, kinds, tags, fact
    ranges, period; its text is ignored, ``text`` is the query) can be results: what the search offers is on
    the map.
    """
    ids = None
    if filters is not None:
        ids = {fid for gdf in apply_filters(atlas, replace(filters, text="")).values() for fid in gdf["id"]}
    frame = ranked(atlas, text, ids=ids)
    return frame.head(limit) if limit is not None else frame
