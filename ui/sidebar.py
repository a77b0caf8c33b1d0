"""The sidebar: language, basemap, the layers (one pills widget, each layer with its count), filters (with the
period slider), search results, clear-all."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import streamlit as st

from geo.core.schema import KINDS, LAYERS, TAGS
from geo.io.atlas import Atlas
from layers.basemaps import BASEMAPS
from ui import data, session, upload
from ui.i18n import LANGS, kind_label, layer_label, t, tag_label
from ui.memo import shared
from ui.picks import feature_list
from ui.state import span_months
from ui.text import distinct, md, no_icon
from ui.timeline import month_label

MAX_RESULTS = 8
MAX_LISTED = 60  # results listed at all (the first MAX_RESULTS as buttons, the rest in an expander)
LANG_NAMES = {"zh": "中文", "en": "English"}


def render(atlas: Atlas, basemaps: list[str], counts: dict[str, int], lang: str) -> None:
    with st.sidebar:
        st.radio(f"{t('language', 'zh')} / {t('language', 'en')}", LANGS, key="lang", horizontal=True,
                 format_func=LANG_NAMES.get)
        st.selectbox(t("basemap", lang), basemaps, key="basemap", help=t("basemap_help", lang),
                     format_func=lambda b: BASEMAPS[b].label(lang))
        # one widget for every layer (not one toggle each: each element sent costs the server a message)
        options = session.layer_options(atlas.layers)
        if options:
            st.pills(t("layers", lang), options, selection_mode="multi", key=session.LAYERS_KEY,
                     format_func=lambda lid: no_icon(f"{layer_label(lid, lang)} ({counts.get(lid, 0)})"))
        upload.render_sidebar(lang)
        st.subheader(t("filters", lang))
        _filters(atlas, lang)


@shared(max_entries=8)
def month_labels(span: tuple[str, str], lang: str) -> tuple[tuple[str, ...], Mapping[str, str]]:
    """The period slider's options (every month of ``span``) and their labels in ``lang``, built once per span."""
    months = tuple(span_months(span))
    return months, MappingProxyType({m: month_label(m, lang) for m in months})


@shared(max_entries=8)
def kind_labels(layers: tuple[str, ...], lang: str) -> Mapping[str, str]:
    """The kind filter's options (the kinds of the thematic ``layers``, schema order) and their labels
    ("kind · layer") in ``lang``, built once (shared, read-only)."""
    out = {}
    for lid in LAYERS:
        if lid in layers and lid != "city":
            for k in KINDS[lid]:
                out[k] = f"{kind_label(lid, k, lang)} · {layer_label(lid, lang)}"
    return MappingProxyType(out)


def _filters(atlas: Atlas, lang: str) -> None:
    names = data.district_names(str(atlas.data_dir), atlas.hash, lang)
    chosen = st.session_state.get("districts") or []
    if any(code not in names for code in chosen):  # kept as chosen, shown by its code
        names = {**names, **{code: code for code in chosen if code not in names}}
    st.multiselect(t("districts", lang), list(names), key="districts", format_func=lambda a: names.get(a, a),
                   placeholder=t("choose", lang), select_all=False)
    kinds = kind_labels(tuple(atlas.layers), lang)
    # select_all=False: no "Select n matches" action, so Enter picks the highlighted (typed) option, or nothing
    st.multiselect(t("kinds", lang), list(kinds), key="kinds", placeholder=t("choose", lang), select_all=False,
                   format_func=kinds.__getitem__)
    st.multiselect(t("tags", lang), list(TAGS), key="tags", format_func=lambda x: tag_label(x, lang),
                   placeholder=t("choose", lang), select_all=False)
    _period(lang)
    st.text_input(t("search", lang), key="q", help=t("search_help", lang), max_chars=100,
                  placeholder=t("search_help", lang))
    query = (st.session_state.get("q") or "").strip()
    if query:
        _results(atlas, query, lang)
    st.button(t("clear", lang), key="clear", on_click=session.clear_filters, icon=":material/filter_alt_off:")


def _period(lang: str) -> None:
    """The time control: a range slider by month over the span of the data's dates (none when nothing is dated).
    Its value (first, last month) is a plain tuple in st.session_state["period"]; the whole span is no filter."""
    span = st.session_state.get(session.SPAN)
    if not span:
        return
    months, labels = month_labels(tuple(span), lang)
    if not months:
        return
    value = st.session_state.get(session.PERIOD)
    if value is not None and not (isinstance(value, tuple | list) and len(value) == 2
                                  and all(v in months for v in value) and value[0] <= value[1]):
        st.session_state[session.PERIOD] = (months[0], months[-1])  # new data, or a value from another span
    presets = period_presets(months)
    st.pills(t("period_presets", lang), list(presets), key="period_preset", on_change=_apply_preset, args=(presets,),
             format_func=lambda p: no_icon(t("preset_all", lang) if p == "all" else t("preset_last12", lang)
                                           if p == "last12" else (f"{p}年" if lang == "zh" else p)),
             label_visibility="collapsed")
    # value= makes it a range slider (its identity is its key, so the default never resets a moved slider)
    st.select_slider(t("period", lang), months, value=(months[0], months[-1]), key=session.PERIOD,
                     format_func=labels.__getitem__, help=t("period_help", lang))


def period_presets(months: list[str], today: str | None = None) -> dict[str, tuple[str, str]]:
    """Quick choices for the period over the span's ``months``: all of it, the last 12 months (up to this month,
    within the span), and each year from 2024 that the span reaches (where the data cluster); the slider still
    reaches every month, outliers such as 2003 included."""
    import datetime

    today = today or datetime.date.today().strftime("%Y-%m")
    first, last = months[0], months[-1]
    end = min(today, last)
    start_index = months.index(end) - 11 if end in months else 0
    out = {"all": (first, last), "last12": (months[max(start_index, 0)], end)}
    for year in range(max(2024, int(first[:4])), int(min(today, last)[:4]) + 1):
        out[str(year)] = (max(first, f"{year}-01"), min(last, f"{year}-12"))
    return out


def _apply_preset(presets: dict[str, tuple[str, str]]) -> None:
    """A preset sets the slider; the pills forget the choice (moving the slider makes it stale anyway)."""
    choice = st.session_state.get("period_preset")
    if choice in presets:
        st.session_state[session.PERIOD] = presets[choice]
    st.session_state["period_preset"] = None


def _results(atlas: Atlas, query: str, lang: str) -> None:
    """Search results among the features on the map (shown layers, current filters), under one caption with their
    count: the first MAX_RESULTS as one list (pills ``results``, drawn as a column of buttons by ui/layout.py), the
    rest up to MAX_LISTED in an expander (pills ``results_more``). Choosing one selects it."""
    view = session.current()
    results = data.search_results(data.data_dir(), atlas.hash, query, view.filter_key, view.layers)
    notes = [t("results_count", lang, n=len(results))]
    if not view.layers:
        notes.append(t("results_no_layer", lang))
    elif not results:
        notes.append(t("no_results", lang))
    st.caption("  \n".join(md(n) for n in notes), help=t("results_filtered", lang))
    items = distinct([(fid, md(f"{(zh or en) if lang == 'zh' else (en or zh)} · {layer_label(layer, lang)}"))
                      for layer, fid, zh, en in results[:MAX_LISTED]])
    if items:
        feature_list("results", "", items[:MAX_RESULTS], t("results_count", lang, n=len(results)))
    if len(items) > MAX_RESULTS:
        more = t("count_more", lang, n=len(results) - MAX_RESULTS)
        with st.expander(more):
            feature_list("results_more", "", items[MAX_RESULTS:], more)
            if len(results) > MAX_LISTED:
                st.caption(t("results_cut", lang, n=MAX_LISTED))
