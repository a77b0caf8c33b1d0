"""The side panel: the overview (city figures, what is visible, events over time) or the selected feature
(names, facts with their articles, its timeline, location honesty, related / nearby / inside features, each
clickable). Facts and timelines follow the period chosen in the sidebar.

Text from the data goes through ui.text.md (markdown-escaped) or into st.dataframe cells: never interpreted.
"""

from __future__ import annotations

import re

import streamlit as st

from geo.core.precision import is_approximate
from geo.core.schema import LAYERS
from geo.core.spatial import inside, nearby, related
from geo.core.timeline import facts_in_period
from geo.io.atlas import Atlas
from ui import charts, session, timeline
from ui.data import data_dir
from ui.dates import window_text
from ui.facts import article_labels, display, fact_when, note, outlet_text, value_text
from ui.i18n import distance, kind_label, layer_label, name, t, tag_label
from ui.location import district_name, location
from ui.text import md

POLYGONS = ("Polygon", "MultiPolygon")
_CJK = re.compile(r"[\u3400-\u9fff]")
RELATIONS = ("place", "participants", "parent", "children", "district", "in_district", "parks")
FIRST_ITEMS = 8  # buttons shown per list (or per layer group); the rest open from "另外 n 个"
FIRST_FACTS = 12  # the city's facts in the overview; the rest open from "另外 n 条"
DEFAULT_RADIUS_KM = 3.0


def render(atlas: Atlas, view, counts: dict[str, int], event_ids: list[str] | None = None) -> None:
    """``event_ids``: the events passing the filters (the overview charts them over time)."""
    from ui import upload  # an uploaded feature (up_<n>) has its own panel

    if upload.render_panel(view.sel, view.lang):
        return
    if view.sel and view.sel in atlas:
        _feature(atlas, view.sel, view.lang, view.filters.span)
    else:
        _overview(atlas, view, counts, event_ids or [])


def _overview(atlas: Atlas, view, counts: dict[str, int], event_ids: list[str]) -> None:
    lang = view.lang
    span = view.filters.span
    st.subheader(t("overview", lang))
    st.caption(t("select_hint", lang))
    if "city_hangzhou" in atlas:
        _lid, city = atlas.feature("city_hangzhou")
        st.markdown(f"**{t('city_figures', lang)}** · {md(name(city, lang))}")
        _facts(atlas, city, lang, key="facts", first=FIRST_FACTS, span=span)
    lines = [f"- {md(layer_label(lid, lang))}: {counts.get(lid, 0)}" for lid in view.layers if lid in atlas.layers]
    visible = f"**{t('visible_now', lang)}**\n\n" + ("\n".join(lines) if lines else md(t("none", lang)))
    districts = atlas.layers.get("districts")
    names = dict(zip(districts["adcode"], districts[f"name_{lang}"], strict=True)) if districts is not None else {}
    active = ([names.get(a, a) for a in view.districts] + [kind_label(None, k, lang) for k in view.kinds]
              + [tag_label(x, lang) for x in view.tags] + ([f"“{view.q}”"] if view.q else [])
              + ([" – ".join(timeline.month_label(m, lang) for m in view.period)] if view.period else []))
    st.markdown(f"{visible}\n\n**{t('active_filters', lang)}**: "  # one element, not three
                f"{md(', '.join(active)) if active else md(t('none', lang))}")
    if "events" in atlas.layers:
        charts.events_over_time(data_dir(), atlas.hash, lang, tuple(event_ids), "events" in view.layers,
                                view.period)
    charts.district_comparison(atlas, lang, selected=None)


def _feature(atlas: Atlas, feature_id: str, lang: str, span=None) -> None:
    layer, row = atlas.feature(feature_id)
    st.button(t("deselect", lang), key="deselect", on_click=session.select, args=("",), icon=":material/close:")
    st.subheader(md(name(row, lang)))
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    if other:
        st.caption(md(other))
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
    st.markdown("  \n".join(f"**{md(k)}**: {md(v)}" for k, v in info))
    description = display(row.get("description_zh" if lang == "zh" else "description_en"), lang)
    if description:
        st.markdown(f"**{t('description', lang)}**  \n{md(description)}")
    st.markdown(f"**{t('facts', lang)}**")
    _facts(atlas, row, lang, key="facts", span=span)
    if layer != "events":
        timeline.render(atlas, feature_id, lang, span)
    location(atlas, row, lang)
    groups = related(atlas, feature_id)
    place = row.get("place")  # events: where, and who took part
    groups["place"] = [place] if isinstance(place, str) and place in atlas else []
    groups["participants"] = [p for p in _list(row.get("participants")) if p in atlas]
    listed = _related(atlas, groups, layer, lang)
    if row.geometry is not None and row.geometry.geom_type in POLYGONS and layer != "city":
        listed |= _inside(atlas, feature_id, groups, layer, lang, listed)
    _nearby(atlas, feature_id, row, lang, listed)
    if layer == "districts":
        charts.district_comparison(atlas, lang, selected=feature_id)


def _distance(metres, lang: str) -> str:
    """"250 米" / "2 公里" (ui.i18n.distance), "?" for what is not a distance."""
    return distance(metres, lang) or "?"


def _facts(atlas: Atlas, row, lang: str, key: str, first: int | None = None, span=None) -> None:
    """One line per fact ("label: ≥ 200 个（目标）· 2025-07 · 文1"), then one popover per cited article with
    its details; no table, so nothing scrolls sideways. ``first`` facts are shown, the rest in an expander.
    With a period ``span`` only the facts whose as_of overlaps it (geo.core.timeline.facts_in_period)."""
    every = [f for f in (row.get("facts") or []) if isinstance(f, dict)]
    facts = facts_in_period(every, span)
    if len(facts) < len(every):
        st.caption(t("facts_outside", lang, n=len(every) - len(facts)))
    if not facts:
        st.caption(t("no_facts", lang))
        return
    labels = article_labels(atlas.sources, lang)
    lines = []
    for fact in facts:
        label = display(fact.get(f"label_{lang}") or fact.get("label_zh") or fact.get("attribute") or "", lang)
        parts = [value_text(fact, lang), fact_when(fact, lang)]
        sid = fact.get("source")
        if sid:
            parts.append(labels.get(sid, str(sid)))
        lines.append(f"- **{md(label)}**: {md(' · '.join(p for p in parts if p))}")
    shown = lines if first is None else lines[:first]
    st.markdown("\n".join(shown))
    if len(lines) > len(shown):
        with st.expander(t("facts_more", lang, n=len(lines) - len(shown))):
            st.markdown("\n".join(lines[len(shown):]))
    cited = list(dict.fromkeys([f.get("source") for f in facts if f.get("source")] +
                               [s for s in _list(row.get("source_ids")) if s]))
    if not cited:
        return
    st.caption(t("articles_cited", lang))
    with st.container(horizontal=True, gap="small", key=f"{key}_sources"):
        for sid in cited:
            with st.popover(labels.get(sid, str(sid)), key=f"{key}_src_{sid}"):
                _article(atlas, sid, labels, lang)
                _quotes([f for f in facts if f.get("source") == sid], lang)


def _quotes(facts: list[dict], lang: str) -> None:
    """The article's own words for each fact it gives (原文, always Chinese as printed), under the fact's label in
    ``lang``, with what was derived from them (a resolved date, a unit conversion) in ``lang``."""
    quoted = [f for f in facts if isinstance(f.get("quote_zh"), str) and f["quote_zh"].strip()]
    if not quoted:
        return
    lines = []
    for fact in quoted:
        label = display(fact.get(f"label_{lang}") or fact.get("label_zh") or fact.get("attribute") or "", lang)
        line = f"*{md(label)}*: 「{md(fact['quote_zh'].strip())}」"  # the quote as printed (Traditional stays)
        derived = note(fact, "derived", lang)
        lines.append(line + (f"  \n↳ {md(derived)}" if derived else ""))
    st.markdown(f"**{md(t('quotes', lang))}**  \n" + "  \n".join(lines))


def _article(atlas: Atlas, sid: str, labels: dict[str, str], lang: str) -> None:
    src = atlas.sources.get(sid, {})
    headline = display(src.get(f"headline_{lang}") or src.get("headline_zh") or src.get("headline_en") or "", lang)
    first, last = src.get("date_from"), src.get("date_to")
    published = window_text(first, last, lang)
    lines = [f"**{md(labels.get(sid, sid))}**" + (f" · {md(headline)}" if headline else "")]
    lines.append(f"{md(t('outlet', lang))}: {md(outlet_text(src, lang))}")
    if published:
        label = t("published" if not last or first == last else "published_est", lang)
        lines.append(f"{md(label)}: {md(published)}")
    st.markdown("  \n".join(lines))


def _aliases(row, lang: str) -> list[str]:
    """The aliases as the interface shows them: in Chinese, Simplified and without repeats or the name itself
    (中國雲谷 is 中国云谷); in English, the Latin ones."""
    names = {display(row.get("name_zh"), "zh"), display(row.get("name_en"), "en")}
    shown = [display(a, lang) for a in _list(row.get("aliases"))]
    if lang == "en":
        shown = [a for a in shown if not _CJK.search(a)] or shown
    return [a for a in dict.fromkeys(shown) if a and a not in names]


def _list(value) -> list:
    if value is None:
        return []
    try:
        return [str(v) for v in value]
    except TypeError:
        return []


def _goto(atlas: Atlas, feature_id: str, lang: str, key: str, suffix: str = "") -> None:
    if feature_id not in atlas:
        return
    lid, row = atlas.feature(feature_id)
    label = f"{name(row, lang)} · {layer_label(lid, lang)}{suffix}"
    st.button(md(label), key=key, on_click=session.select, args=(feature_id,), width="stretch")


def _buttons(atlas: Atlas, ids: list[str], lang: str, key: str, suffixes: dict[str, str] | None = None) -> None:
    """The first FIRST_ITEMS buttons, the rest in an expander "另外 n 个" (no scroll box: the panel scrolls)."""
    suffixes = suffixes or {}
    for fid in ids[:FIRST_ITEMS]:
        _goto(atlas, fid, lang, key=f"{key}{fid}", suffix=suffixes.get(fid, ""))
    if len(ids) > FIRST_ITEMS:
        with st.expander(t("count_more", lang, n=len(ids) - FIRST_ITEMS)):
            for fid in ids[FIRST_ITEMS:]:
                _goto(atlas, fid, lang, key=f"{key}{fid}", suffix=suffixes.get(fid, ""))


def _grouped(atlas: Atlas, ids: list[str], lang: str, key: str) -> None:
    """A list of features: flat when short, else grouped by layer ("layer (n)"), each group cut at FIRST_ITEMS."""
    ids = [fid for fid in ids if fid in atlas]
    if len(ids) <= FIRST_ITEMS:
        _buttons(atlas, ids, lang, key)
        return
    groups: dict[str, list[str]] = {}
    for fid in ids:
        groups.setdefault(atlas.feature(fid)[0], []).append(fid)
    for lid in sorted(groups, key=lambda x: list(LAYERS).index(x) if x in LAYERS else len(LAYERS)):
        st.caption(f"{md(layer_label(lid, lang))} ({len(groups[lid])})")
        _buttons(atlas, groups[lid], lang, key)


def _by_layer(atlas: Atlas, ids) -> list[str]:
    """Ids de-duplicated, in layer order (stable within a layer)."""
    rank = {lid: i for i, lid in enumerate(LAYERS)}
    unique = [fid for fid in dict.fromkeys(ids) if fid in atlas]
    return sorted(unique, key=lambda fid: rank.get(atlas.feature(fid)[0], len(rank)))


def _related(atlas: Atlas, groups: dict[str, list[str]], layer: str, lang: str) -> set[str]:
    """Related features (geo.core.spatial.related) by relation, each with its count; returns the ids listed (the
    lists below skip them). A district's own features are listed once, under Inside (区内要素), not here."""
    relations = [r for r in RELATIONS if groups.get(r) and not (layer == "districts" and r == "in_district")]
    if not relations:
        return set()
    st.markdown(f"**{t('related', lang)}**")
    shown: set[str] = set()
    for rel in relations:
        ids = [fid for fid in groups[rel] if fid in atlas]
        st.caption(f"{md(t(f'rel_{rel}', lang))} ({len(ids)})")
        _grouped(atlas, ids, lang, key=f"rel_{rel}_")
        shown.update(ids)
    return shown


def _nearby(atlas: Atlas, feature_id: str, row, lang: str, listed: set[str]) -> None:
    """Features within the radius, nearest first, with the count; those already listed above are not repeated."""
    if row.get("location_basis") in ("district_only", "city_only") or row.get("layer") in ("city", "districts"):
        return
    radius = st.session_state.get("nearby_km", DEFAULT_RADIUS_KM)
    found = nearby(atlas, feature_id, radius)
    st.markdown(f"**{t('nearby', lang)}** ({len(found)})")
    st.slider(t("radius_km", lang), 0.5, 20.0, DEFAULT_RADIUS_KM, 0.5, key="nearby_km")
    if found.empty:
        st.caption(t("nearby_none", lang))
        return
    ids = [fid for fid in found["id"] if fid not in listed]
    if len(ids) < len(found):
        st.caption(t("in_children_too", lang, n=len(found) - len(ids)))
    suffixes = {rec.id: f" · {_near_distance(atlas, row, rec.id, rec.distance_m, lang)}" for rec in found.itertuples()}
    _buttons(atlas, ids, lang, key="near_", suffixes=suffixes)


def _near_distance(atlas: Atlas, row, other_id: str, metres: float, lang: str) -> str:
    """A nearby feature's distance in words: "1.4 公里"; not "0 米" when the two only share a stand-in point
    (either stands at its parent's, district's or city's position: "同一代表位置" / "same placeholder position"),
    nor when one is an area the other touches or lies in ("在范围内或相接" / "inside or touching")."""
    if metres >= 0.5:
        return _distance(round(metres), lang)
    other = atlas.feature(other_id)[1]
    if any(is_approximate(r.get("location_basis"), r.get("location_precision_m")) for r in (row, other)):
        return t("near_placeholder", lang)
    if any(r.geometry is not None and r.geometry.geom_type in POLYGONS for r in (row, other)):
        return t("near_touching", lang)
    return _distance(0, lang)


def _inside(atlas: Atlas, feature_id: str, groups: dict[str, list[str]], layer: str, lang: str,
            listed: set[str]) -> set[str]:
    """What lies inside a polygon, counted and grouped by layer; for a district also the features carrying its
    adcode (related's in_district), merged into this one list. Ids listed above are counted, not repeated.
    Returns the ids listed here."""
    ids = inside(atlas, feature_id)["id"].tolist()
    if layer == "districts":
        ids = ids + groups.get("in_district", [])
    ids = _by_layer(atlas, ids)
    heading = t("district_features" if layer == "districts" else "inside", lang)
    st.markdown(f"**{md(heading)}** ({len(ids)})")
    rest = [fid for fid in ids if fid not in listed]
    if not ids:
        st.caption(t("inside_none", lang))
    if len(rest) < len(ids):
        st.caption(t("in_children_too", lang, n=len(ids) - len(rest)))
    _grouped(atlas, rest, lang, key="in_")
    return set(rest)
