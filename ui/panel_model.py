"""What the side panel shows for a feature, as text and ids, built once per view and shared by every visitor.

Each part is computed from plain keys (data directory, content hash, feature id, language, period, radius) by a
``st.cache_resource`` function returning immutable values (frozen dataclasses of strings and tuples), never keyed
on frames: a selection seen before costs only the sending of its elements (ui/panel.py renders them). Text from
the data is markdown-escaped here (ui.text.md), so what ui/panel.py sends is never markup.

The lists of features (related, inside, nearby, the timeline's events) are :class:`Pick` values: one ``st.pills``
each (options are ids), grouped by layer when longer than FIRST_ITEMS, the rest of each behind "另外 n 个".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.core.filters import Filters
from geo.core.precision import is_approximate
from geo.core.schema import LAYERS
from geo.core.spatial import inside, nearby, related
from geo.core.timeline import facts_in_period
from geo.io.atlas import Atlas
from ui import data, timeline
from ui.dates import window_text
from ui.facts import article_labels, display, fact_when, note, outlet_text, value_text
from ui.i18n import distance, kind_label, layer_label, name, t, tag_label
from ui.location import district_name, location_text
from ui.memo import shared
from ui.text import distinct, md

POLYGONS = ("Polygon", "MultiPolygon")
_CJK = re.compile(r"[\u3400-\u9fff]")
RELATIONS = ("place", "participants", "parent", "children", "district", "in_district", "parks")
FIRST_ITEMS = 8  # features shown per list (or per layer group); the rest open from "另外 n 个"
DEFAULT_RADIUS_KM = 3.0
# An icon per layer before each feature of a list (the timeline's events have :material/event: too). Besides helping
# the eye down a long list it keeps Streamlit cheap: a pills option whose first word is not an icon and not ASCII
# is searched for a leading emoji with a large regex (~57 µs an option), a leading icon is read in ~3 µs.
LAYER_ICONS = {"city": "location_city", "districts": "map", "plans": "architecture", "parks": "apartment",
               "institutions": "school", "companies": "business", "events": "event"}
_ENTRIES = 1024  # per cached part: selections x languages x periods (x radii) seen recently

Items = tuple[tuple[str, str], ...]  # (feature id, its label as shown: markdown-escaped text)


@dataclass(frozen=True)
class Pick:
    """One clickable list: a pills element ``key`` (label ``label``, markdown-escaped, "" = none shown; ``name``
    for screen readers) whose options are the ids of ``items``; the first FIRST_ITEMS, the rest in an expander
    with the pills ``<key>_more``."""

    key: str
    label: str
    items: Items
    name: str = ""


@dataclass(frozen=True)
class Listing:
    """A section of clickable features: a heading line (markdown, "" = none), then captions (str) and lists."""

    heading: str
    parts: tuple[str | Pick, ...]


@dataclass(frozen=True)
class FactsView:
    """A feature's facts as the panel lists them (one markdown line each) and the articles they cite."""

    outside: str  # caption: how many facts the period hides ("" when none)
    lines: tuple[str, ...]
    cited: tuple[tuple[str, str, str], ...]  # (source id, popover label, popover markdown)


@dataclass(frozen=True)
class FeatureView:
    """The text of a selected feature's panel above its lists (names, info lines, description, facts, location)."""

    layer: str
    heading: str
    other: str
    info: str
    description: str
    facts: FactsView
    location: str


def _atlas(directory: str, content_hash: str) -> Atlas:
    return data.load(directory, content_hash).atlas


def _list(value) -> list:
    if value is None:
        return []
    try:
        return [str(v) for v in value]
    except TypeError:
        return []


# ------------------------------------------------------------------------------------------------ facts


@shared(max_entries=_ENTRIES)
def facts_view(directory: str, content_hash: str, feature_id: str, lang: str, period: tuple[str, ...]) -> FactsView:
    """One line per fact ("- **label**: 至少200个（目标） · 2025年7月 · 文1") within ``period`` (as_of overlapping
    it; () = all), and one popover per cited article: its details and the article's own words for each fact."""
    atlas = _atlas(directory, content_hash)
    row = atlas.feature(feature_id)[1]
    every = [f for f in (row.get("facts") or []) if isinstance(f, dict)]
    facts = facts_in_period(every, Filters(period=period).span)
    outside = t("facts_outside", lang, n=len(every) - len(facts)) if len(facts) < len(every) else ""
    labels = article_labels(atlas.sources, lang)
    lines = []
    for fact in facts:
        label = display(fact.get(f"label_{lang}") or fact.get("label_zh") or fact.get("attribute") or "", lang)
        parts = [value_text(fact, lang), fact_when(fact, lang)]
        sid = fact.get("source")
        if sid:
            parts.append(labels.get(sid, str(sid)))
        lines.append(f"- **{md(label)}**: {md(' · '.join(p for p in parts if p))}")
    cited = list(dict.fromkeys([f.get("source") for f in facts if f.get("source")] +
                               [s for s in _list(row.get("source_ids")) if s])) if facts else []
    articles = tuple((sid, labels.get(sid, str(sid)),
                      "\n\n".join(p for p in (_article(atlas, sid, labels, lang),
                                              _quotes([f for f in facts if f.get("source") == sid], lang)) if p))
                     for sid in cited)
    return FactsView(outside=outside, lines=tuple(lines), cited=articles)


def _quotes(facts: list[dict], lang: str) -> str:
    """The article's own words for each fact it gives (原文, always Chinese as printed), under the fact's label in
    ``lang``, with what was derived from them (a resolved date, a unit conversion) in ``lang``."""
    quoted = [f for f in facts if isinstance(f.get("quote_zh"), str) and f["quote_zh"].strip()]
    if not quoted:
        return ""
    lines = []
    for fact in quoted:
        label = display(fact.get(f"label_{lang}") or fact.get("label_zh") or fact.get("attribute") or "", lang)
        line = f"*{md(label)}*: 「{md(fact['quote_zh'].strip())}」"  # the quote as printed (Traditional stays)
        derived = note(fact, "derived", lang)
        lines.append(line + (f"  \n↳ {md(derived)}" if derived else ""))
    return f"**{md(t('quotes', lang))}**  \n" + "  \n".join(lines)


def _article(atlas: Atlas, sid: str, labels: dict[str, str], lang: str) -> str:
    src = atlas.sources.get(sid, {})
    headline = display(src.get(f"headline_{lang}") or src.get("headline_zh") or src.get("headline_en") or "", lang)
    first, last = src.get("date_from"), src.get("date_to")
    published = window_text(first, last, lang)
    lines = [f"**{md(labels.get(sid, sid))}**" + (f" · {md(headline)}" if headline else "")]
    lines.append(f"{md(t('outlet', lang))}: {md(outlet_text(src, lang))}")
    if published:
        label = t("published" if not last or first == last else "published_est", lang)
        lines.append(f"{md(label)}: {md(published)}")
    return "  \n".join(lines)


# ------------------------------------------------------------------------------------------------ the feature


@shared(max_entries=_ENTRIES)
def feature_view(directory: str, content_hash: str, feature_id: str, lang: str,
                 period: tuple[str, ...]) -> FeatureView:
    atlas = _atlas(directory, content_hash)
    layer, row = atlas.feature(feature_id)
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    info = [(t("layer", lang), layer_label(layer, lang)), (t("kind", lang), kind_label(layer, row.get("kind"), lang))]
    district = district_name(atlas, row, lang) if layer != "districts" else ""
    if district:
        info.append((t("district", lang), district))
    aliases = _aliases(row, lang)
    if aliases:
        info.append((t("aliases", lang), "、".join(aliases) if lang == "zh" else ", ".join(aliases)))
    tags = row.get("tags") or []
    if tags:
        info.append((t("tags_label", lang), ", ".join(tag_label(x, lang) for x in tags)))
    start = row.get("date_start")  # events: the date at its resolution; other features: first date or undated
    if isinstance(start, str) and start:
        info.append((t("when", lang), timeline.event_when(row, lang)))
    elif layer not in ("city", "districts"):
        info.append(timeline.first_date_info(atlas, feature_id, lang))
    description = display(row.get("description_zh" if lang == "zh" else "description_en"), lang)
    return FeatureView(
        layer=layer, heading=md(name(row, lang)), other=md(other) if other else "",
        info="  \n".join(f"**{md(k)}**: {md(v)}" for k, v in info),
        description=f"**{t('description', lang)}**  \n{md(description)}" if description else "",
        facts=facts_view(directory, content_hash, feature_id, lang, period),
        location=location_text(atlas, row, lang))


def _aliases(row, lang: str) -> list[str]:
    """The aliases as the interface shows them: in Chinese, Simplified and without repeats or the name itself
    (中國雲谷 is 中国云谷); in English, the Latin ones."""
    names = {display(row.get("name_zh"), "zh"), display(row.get("name_en"), "en")}
    shown = [display(a, lang) for a in _list(row.get("aliases"))]
    if lang == "en":
        shown = [a for a in shown if not _CJK.search(a)] or shown
    return [a for a in dict.fromkeys(shown) if a and a not in names]


# ------------------------------------------------------------------------------------------------ lists


def _items(atlas: Atlas, ids: list[str], lang: str, suffixes: dict[str, str] | None = None) -> Items:
    suffixes = suffixes or {}
    out = []
    for fid in ids:
        lid, row = atlas.feature(fid)
        icon = f":material/{LAYER_ICONS.get(lid, 'place')}: "
        out.append((fid, icon + md(f"{name(row, lang)} · {layer_label(lid, lang)}{suffixes.get(fid, '')}")))
    return distinct(out)


def _grouped(atlas: Atlas, ids: list[str], lang: str, key: str, label: str, name: str = "",
             suffixes: dict[str, str] | None = None) -> tuple[str | Pick, ...]:
    """A list of features: one Pick labelled ``label`` ("" = no label shown, ``name`` for screen readers) when
    short, else ``label`` as a caption and one Pick per layer ("layer (n)", key ``<key>_<layer>``)."""
    ids = [fid for fid in ids if fid in atlas]
    if len(ids) <= FIRST_ITEMS:
        return (Pick(key, label, _items(atlas, ids, lang, suffixes), label or name),) if ids else ()
    groups: dict[str, list[str]] = {}
    for fid in ids:
        groups.setdefault(atlas.feature(fid)[0], []).append(fid)
    order = sorted(groups, key=lambda x: list(LAYERS).index(x) if x in LAYERS else len(LAYERS))
    picks = tuple(Pick(f"{key}_{lid}", f"{md(layer_label(lid, lang))} ({len(groups[lid])})",
                       _items(atlas, groups[lid], lang, suffixes), f"{md(layer_label(lid, lang))}")
                  for lid in order)
    return ((label,) if label else ()) + picks


def _by_layer(atlas: Atlas, ids) -> list[str]:
    """Ids de-duplicated, in layer order (stable within a layer)."""
    rank = {lid: i for i, lid in enumerate(LAYERS)}
    unique_ids = [fid for fid in dict.fromkeys(ids) if fid in atlas]
    return sorted(unique_ids, key=lambda fid: rank.get(atlas.feature(fid)[0], len(rank)))


@shared(max_entries=_ENTRIES)
def lists_view(directory: str, content_hash: str, feature_id: str,
               lang: str) -> tuple[Listing | None, Listing | None, frozenset[str]]:
    """(related features, inside / in this district, the ids they list): related features (geo.core.spatial)
    by relation, each with its count; what lies inside a polygon (for a district also what carries its adcode),
    counted, grouped by layer, without repeating what related lists. A district's own features are listed once,
    under Inside (区内要素), not under related."""
    atlas = _atlas(directory, content_hash)
    layer, row = atlas.feature(feature_id)
    groups = related(atlas, feature_id)
    place = row.get("place")  # events: where, and who took part
    groups["place"] = [place] if isinstance(place, str) and place in atlas else []
    groups["participants"] = [p for p in _list(row.get("participants")) if p in atlas]
    relations = [r for r in RELATIONS if groups.get(r) and not (layer == "districts" and r == "in_district")]
    listed: set[str] = set()
    rel = None
    if relations:
        parts: list[str | Pick] = []
        for relation in relations:
            ids = [fid for fid in groups[relation] if fid in atlas]
            caption = f"{md(t(f'rel_{relation}', lang))} ({len(ids)})"
            parts.extend(_grouped(atlas, ids, lang, f"rel_{relation}", caption))
            listed.update(ids)
        rel = Listing(f"**{t('related', lang)}**", tuple(parts))
    within = None
    if row.geometry is not None and row.geometry.geom_type in POLYGONS and layer != "city":
        ids = inside(atlas, feature_id)["id"].tolist()
        if layer == "districts":
            ids = ids + groups.get("in_district", [])
        ids = _by_layer(atlas, ids)
        heading = t("district_features" if layer == "districts" else "inside", lang)
        rest = [fid for fid in ids if fid not in listed]
        notes = ([t("inside_none", lang)] if not ids else []) + \
            ([t("in_children_too", lang, n=len(ids) - len(rest))] if len(rest) < len(ids) else [])
        lists = _grouped(atlas, rest, lang, "inside", "", md(heading))
        within = Listing(f"**{md(heading)}** ({len(ids)})", tuple(notes) + lists)
        listed |= set(rest)
    return rel, within, frozenset(listed)


@shared(max_entries=_ENTRIES)
def nearby_view(directory: str, content_hash: str, feature_id: str, lang: str, radius_km: float) -> Listing | None:
    """Features within ``radius_km``, nearest first, with the count and the distance in words; those listed
    above (lists_view) are counted, not repeated. Its heading goes above the radius slider, the parts below.
    None for the city, districts and features placed only by district or city (no nearby list)."""
    atlas = _atlas(directory, content_hash)
    layer, row = atlas.feature(feature_id)
    if row.get("location_basis") in ("district_only", "city_only") or layer in ("city", "districts"):
        return None
    found = nearby(atlas, feature_id, radius_km)
    heading = f"**{t('nearby', lang)}** ({len(found)})"
    if found.empty:
        return Listing(heading, (t("nearby_none", lang),))
    listed = lists_view(directory, content_hash, feature_id, lang)[2]
    ids = [fid for fid in found["id"] if fid not in listed]
    notes = (t("in_children_too", lang, n=len(found) - len(ids)),) if len(ids) < len(found) else ()
    suffixes = {rec.id: f" · {_near_distance(atlas, row, rec.id, rec.distance_m, lang)}"
                for rec in found.itertuples()}
    items = _items(atlas, ids, lang, suffixes)
    return Listing(heading, notes + ((Pick("nearby", "", items, md(t("nearby", lang))),) if ids else ()))


def _near_distance(atlas: Atlas, row, other_id: str, metres: float, lang: str) -> str:
    """A nearby feature's distance in words: "1.4 公里"; not "0 米" when the two only share a stand-in point
    (either stands at its parent's, district's or city's position: "同一代表位置" / "same placeholder position"),
    nor when one is an area the other touches or lies in ("在范围内或相接" / "inside or touching")."""
    if metres >= 0.5:
        return distance(round(metres), lang) or "?"
    other = atlas.feature(other_id)[1]
    if any(is_approximate(r.get("location_basis"), r.get("location_precision_m")) for r in (row, other)):
        return t("near_placeholder", lang)
    if any(r.geometry is not None and r.geometry.geom_type in POLYGONS for r in (row, other)):
        return t("near_touching", lang)
    return distance(0, lang) or "?"


@dataclass(frozen=True)
class Selected:
    """Everything the panel of a selected feature shows, for one view: one cache look-up per selection."""

    feature: FeatureView
    timeline: timeline.TimelineView | None  # None for events (their date is in the info lines)
    related: Listing | None
    inside: Listing | None
    nearby: Listing | None  # None when the feature has no nearby list


@shared(max_entries=_ENTRIES)
def selected(directory: str, content_hash: str, feature_id: str, lang: str, period: tuple[str, ...],
             radius_km: float) -> Selected:
    """The parts above, for (data version, feature, language, period, nearby radius); each part is cached on its
    own keys too, so a new radius or period rebuilds only what depends on it."""
    shown = feature_view(directory, content_hash, feature_id, lang, period)
    rel, within, _listed = lists_view(directory, content_hash, feature_id, lang)
    return Selected(
        feature=shown,
        timeline=None if shown.layer == "events" else timeline.timeline_view(directory, content_hash, feature_id,
                                                                               lang, period),
        related=rel, inside=within, nearby=nearby_view(directory, content_hash, feature_id, lang, radius_km))
