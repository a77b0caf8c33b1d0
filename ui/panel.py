"""The side panel: the overview (city figures, what is visible, events over time) or the selected feature
(names, facts with their articles, its timeline, location honesty, related / nearby / inside features, each
clickable). Facts and timelines follow the period chosen in the sidebar.

What it shows is built once per view by ui/panel_model.py and ui/timeline.py (cached on plain keys); this module
only sends it, in few elements: text as one markdown per section, each list of features as one ``st.pills``
(options are ids; ui/layout.py's CSS draws it as a vertical list of buttons) whose choice selects the feature.
Text from the data is markdown-escaped (ui.text.md) or in st.dataframe cells: never interpreted.
"""

from __future__ import annotations

import streamlit as st

from geo.io.atlas import Atlas
from ui import charts, session, timeline
from ui.data import data_dir, district_names
from ui.i18n import kind_label, layer_label, name, t, tag_label
from ui.panel_model import DEFAULT_RADIUS_KM, FIRST_ITEMS, FactsView, Listing, facts_view, selected
from ui.picks import feature_list
from ui.text import md

__all__ = ["DEFAULT_RADIUS_KM", "FIRST_FACTS", "FIRST_ITEMS", "render"]

FIRST_FACTS = 12  # the city's facts in the overview; the rest open from "另外 n 条"


def render(atlas: Atlas, view, counts: dict[str, int], event_ids: list[str] | None = None) -> None:
    """``event_ids``: the events passing the filters (the overview charts them over time)."""
    from ui import upload  # an uploaded feature (up_<n>) has its own panel

    if upload.render_panel(view.sel, view.lang):
        return
    if view.sel and view.sel in atlas:
        _feature(atlas, view.sel, view.lang, view.period)
    else:
        _overview(atlas, view, counts, event_ids or [])


def _overview(atlas: Atlas, view, counts: dict[str, int], event_ids: list[str]) -> None:
    lang = view.lang
    st.subheader(t("overview", lang))
    st.caption(t("select_hint", lang))
    if "city_hangzhou" in atlas:
        _lid, city = atlas.feature("city_hangzhou")
        _facts(facts_view(str(atlas.data_dir), atlas.hash, "city_hangzhou", lang, view.period), lang,
               f"**{t('city_figures', lang)}** · {md(name(city, lang))}", first=FIRST_FACTS)
    lines = [f"- {md(layer_label(lid, lang))}: {counts.get(lid, 0)}" for lid in view.layers if lid in atlas.layers]
    visible = f"**{t('visible_now', lang)}**\n\n" + ("\n".join(lines) if lines else md(t("none", lang)))
    names = district_names(str(atlas.data_dir), atlas.hash, lang)
    active = ([names.get(a, a) for a in view.districts] + [kind_label(None, k, lang) for k in view.kinds]
              + [tag_label(x, lang) for x in view.tags] + ([f"“{view.q}”"] if view.q else [])
              + ([" – ".join(timeline.month_label(m, lang) for m in view.period)] if view.period else []))
    lines = (f"{visible}\n\n**{t('active_filters', lang)}**: "  # one element with the chart's heading, not four
             f"{md(', '.join(active)) if active else md(t('none', lang))}")
    if "events" in atlas.layers:
        charts.events_over_time(data_dir(), atlas.hash, lang, tuple(event_ids), "events" in view.layers,
                                view.period, before=lines)
    else:
        st.markdown(lines)
    charts.district_comparison(atlas, lang, selected=None)


def _feature(atlas: Atlas, feature_id: str, lang: str, period: tuple[str, ...]) -> None:
    radius = float(st.session_state.get("nearby_km", DEFAULT_RADIUS_KM))
    view = selected(str(atlas.data_dir), atlas.hash, feature_id, lang, period, radius)
    shown = view.feature
    st.button(t("deselect", lang), key="deselect", on_click=session.select, args=("",), icon=":material/close:")
    st.subheader(shown.heading)
    if shown.other:
        st.caption(shown.other)
    _facts(shown.facts, lang, f"**{t('facts', lang)}**", before="\n\n".join(p for p in (shown.info, shown.description)
                                                                               if p))
    if view.timeline is not None:
        _timeline(view.timeline, lang)
    # the location and the related features' heading in one element
    st.markdown(shown.location + (f"\n\n{view.related.heading}" if view.related else ""))
    if view.related is not None:
        _listing(view.related, lang, heading=False)
    if view.inside is not None:
        _listing(view.inside, lang)
    if view.nearby is not None:
        st.markdown(view.nearby.heading)
        st.slider(t("radius_km", lang), 0.5, 20.0, DEFAULT_RADIUS_KM, 0.5, key="nearby_km")
        _listing(view.nearby, lang, heading=False)
    if shown.layer == "districts":
        charts.district_comparison(atlas, lang, selected=feature_id)


def _facts(facts: FactsView, lang: str, heading: str, first: int | None = None, before: str = "") -> None:
    """The heading and one line per fact ("- **label**: 至少200个（目标） · 2025年7月 · 文1") in one markdown
    element with what goes ``before`` it (the feature's info lines; the period's note between them when it hides
    some facts), the lines beyond ``first`` in an expander, then one popover per cited article
    (``facts_src_<source id>``) with its details and quotes."""
    shown = facts.lines if first is None else facts.lines[:first]
    heading = "\n\n".join(p for p in (before, heading) if p)
    if facts.outside:
        st.markdown(heading)
        st.caption(facts.outside)
        heading = ""
    body = "\n".join(shown)
    if heading or body:
        st.markdown("\n\n".join(p for p in (heading, body) if p))
    if not facts.lines:
        st.caption(t("no_facts", lang))
        return
    if len(facts.lines) > len(shown):
        with st.expander(t("facts_more", lang, n=len(facts.lines) - len(shown))):
            st.markdown("\n".join(facts.lines[len(shown):]))
    if not facts.cited:
        return
    st.caption(t("articles_cited", lang))
    with st.container(horizontal=True, gap="small", key="facts_sources"):
        for sid, label, text in facts.cited:
            with st.popover(label, key=f"facts_src_{sid}"):
                st.markdown(text)


def _timeline(shown: timeline.TimelineView, lang: str) -> None:
    """The heading, then the rows: dated facts as markdown lines, each run of events as one pills ``tl_<n>``
    (n = 0, 1, … down the timeline, the expander's runs included) whose choice selects the event."""
    heading = f"**{t('timeline', lang)}**"
    if shown.empty:
        st.markdown(heading)
        st.caption(t("timeline_none", lang))
        return
    if shown.outside:
        st.markdown(heading)
        st.caption(shown.outside)
        heading = ""
    runs = 0
    for part in shown.shown:
        runs = _row(part, heading, runs, lang)
        heading = ""
    if heading:
        st.markdown(heading)
    if shown.rest:
        with st.expander(shown.more):
            for part in shown.rest:
                runs = _row(part, "", runs, lang)


def _row(part, heading: str, runs: int, lang: str) -> int:
    if isinstance(part, str):
        st.markdown("\n\n".join(p for p in (heading, part) if p))
        return runs
    if heading:
        st.markdown(heading)
    feature_list(f"tl_{runs}", "", part, md(t("timeline", lang)))
    return runs + 1


def _listing(listing: Listing, lang: str, heading: bool = True) -> None:
    """A section of lists: its heading, captions, and each list as pills (the first FIRST_ITEMS, the rest in an
    expander "另外 n 个" holding the pills ``<key>_more``). No scroll box: the panel scrolls."""
    if heading and listing.heading:
        st.markdown(listing.heading)
    for part in listing.parts:
        if isinstance(part, str):
            st.caption(part)
            continue
        feature_list(part.key, part.label, part.items[:FIRST_ITEMS], part.name)
        if len(part.items) > FIRST_ITEMS:
            more = t("count_more", lang, n=len(part.items) - FIRST_ITEMS)
            with st.expander(more):
                feature_list(f"{part.key}_more", "", part.items[FIRST_ITEMS:], f"{part.name} · {more}")
