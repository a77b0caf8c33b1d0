"""The side panel: the overview (city figures, what is visible) or the selected feature (names, facts with
their articles, location honesty, related / nearby / inside features, each clickable).

Text from the data goes through ui.text.md (markdown-escaped) or into st.dataframe cells: never interpreted.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd
import streamlit as st

from geo.io import Atlas
from geo.spatial import inside, nearby, related
from ui import charts, session
from ui.i18n import basis_label, kind_label, layer_label, name, t, tag_label
from ui.text import md

POLYGONS = ("Polygon", "MultiPolygon")
RELATIONS = ("parent", "children", "district", "in_district", "parks")


def render(atlas: Atlas, view, counts: dict[str, int]) -> None:
    from ui import upload  # an uploaded feature (up_<n>) has its own panel

    if upload.render_panel(view.sel, view.lang):
        return
    if view.sel and view.sel in atlas:
        _feature(atlas, view.sel, view.lang)
    else:
        _overview(atlas, view, counts)


def _overview(atlas: Atlas, view, counts: dict[str, int]) -> None:
    lang = view.lang
    st.subheader(t("overview", lang))
    st.caption(t("select_hint", lang))
    if "city_hangzhou" in atlas:
        _lid, city = atlas.feature("city_hangzhou")
        st.markdown(f"**{t('city_figures', lang)}** · {md(name(city, lang))}")
        _facts(atlas, city, lang, key="facts_city")
    st.markdown(f"**{t('visible_now', lang)}**")
    lines = [f"- {md(layer_label(lid, lang))}: {counts.get(lid, 0)}" for lid in view.layers if lid in atlas.layers]
    st.markdown("\n".join(lines) if lines else md(t("none", lang)))
    districts = atlas.layers.get("districts")
    names = dict(zip(districts["adcode"], districts[f"name_{lang}"], strict=True)) if districts is not None else {}
    active = ([names.get(a, a) for a in view.districts] + [kind_label(None, k, lang) for k in view.kinds]
              + [tag_label(x, lang) for x in view.tags] + ([f"“{view.q}”"] if view.q else []))
    st.markdown(f"**{t('active_filters', lang)}**: {md(', '.join(active)) if active else md(t('none', lang))}")
    charts.district_comparison(atlas, lang, selected=None)


def _feature(atlas: Atlas, feature_id: str, lang: str) -> None:
    layer, row = atlas.feature(feature_id)
    st.button(t("deselect", lang), key="deselect", on_click=session.select, args=("",), icon=":material/close:")
    st.subheader(md(name(row, lang)))
    other = row.get("name_en") if lang == "zh" else row.get("name_zh")
    if other:
        st.caption(md(other))
    info = [(t("layer", lang), layer_label(layer, lang)), (t("kind", lang), kind_label(layer, row.get("kind"), lang))]
    district = _district_name(atlas, row, lang) if layer != "districts" else ""
    if district:
        info.append((t("district", lang), district))
    aliases = row.get("aliases") or []
    if aliases:
        info.append((t("aliases", lang), "、".join(map(str, aliases))))
    tags = row.get("tags") or []
    if tags:
        info.append((t("tags_label", lang), ", ".join(tag_label(x, lang) for x in tags)))
    st.markdown("  \n".join(f"**{md(k)}**: {md(v)}" for k, v in info))
    description = row.get("description_zh" if lang == "zh" else "description_en")
    if description:
        st.markdown(f"**{t('description', lang)}**  \n{md(description)}")
    st.markdown(f"**{t('facts', lang)}**")
    _facts(atlas, row, lang, key=f"facts_{feature_id}")
    st.markdown(f"**{t('location', lang)}**")
    loc = [f"{md(t('precision', lang))}: ±{_distance(row.get('location_precision_m'), lang)}",
           f"{md(t('basis', lang))}: {md(basis_label(row.get('location_basis', ''), lang))}"]
    note = row.get("location_note")
    if isinstance(note, str) and note:
        loc.append(md(note))
    st.markdown("  \n".join(loc))
    _related(atlas, feature_id, lang)
    _nearby(atlas, feature_id, row, lang)
    if row.geometry is not None and row.geometry.geom_type in POLYGONS and layer != "city":
        _inside(atlas, feature_id, lang)
    if layer == "districts":
        charts.district_comparison(atlas, lang, selected=feature_id)


def _district_name(atlas: Atlas, row, lang: str) -> str:
    districts = atlas.layers.get("districts")
    adcode = row.get("adcode")
    if districts is None or not adcode:
        return ""
    match = districts[districts["adcode"] == adcode]
    return name(match.iloc[0], lang) if len(match) else ""


def _distance(metres, lang: str) -> str:
    """"250 米" / "2 公里": numbers from a GeoDataFrame arrive as numpy scalars (numbers.Real)."""
    if isinstance(metres, bool) or not isinstance(metres, numbers.Real) or math.isnan(metres):
        return "?"
    metres = float(metres)
    return f"{metres / 1000:.3g} {t('km', lang)}" if metres >= 1000 else f"{metres:g} {t('meters', lang)}"


def _facts(atlas: Atlas, row, lang: str, key: str) -> None:
    facts = row.get("facts") or []
    if not facts:
        st.caption(t("no_facts", lang))
        return
    table = pd.DataFrame([{
        t("fact", lang): f.get("label_zh" if lang == "zh" else "label_en") or f.get("attribute"),
        t("value", lang): str(f.get("value")),
        t("unit", lang): f.get("unit") or "",
        t("qualifier", lang): f.get("qualifier") or "",
        t("as_of", lang): f.get("as_of") or "",
        t("source", lang): f.get("source") or "",
    } for f in facts])
    st.dataframe(table, hide_index=True, key=key, width="stretch",
                 column_config={t("fact", lang): st.column_config.TextColumn(width="medium"),
                                t("value", lang): st.column_config.TextColumn(width="small")})
    cited = list(dict.fromkeys([f.get("source") for f in facts if f.get("source")] +
                               [s for s in _list(row.get("source_ids")) if s]))
    lines = []
    for sid in cited:
        src = atlas.sources.get(sid, {})
        headline = src.get("headline_zh" if lang == "zh" else "headline_en") or src.get("headline_zh") or ""
        outlet = src.get("outlet") or f"{t('outlet_unknown', lang)} ({src.get('outlet_note') or ''})"
        dates = " – ".join(d for d in (src.get("date_from"), src.get("date_to")) if d)
        lines.append(f"- **{md(sid)}** {md(headline)} · {md(outlet)} · {md(t('published', lang))} {md(dates)}")
    if lines:
        with st.expander(t("sources", lang), expanded=False):
            st.markdown("\n".join(lines))


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


def _related(atlas: Atlas, feature_id: str, lang: str) -> None:
    groups = related(atlas, feature_id)
    if not any(groups.get(r) for r in RELATIONS):
        return
    st.markdown(f"**{t('related', lang)}**")
    for rel in RELATIONS:
        ids = groups.get(rel) or []
        if ids:
            st.caption(t(f"rel_{rel}", lang))
            for fid in ids:
                _goto(atlas, fid, lang, key=f"rel_{rel}_{fid}")


def _nearby(atlas: Atlas, feature_id: str, row, lang: str) -> None:
    if row.get("location_basis") in ("district_only", "city_only") or row.get("layer") in ("city", "districts"):
        return
    st.markdown(f"**{t('nearby', lang)}**")
    radius = st.slider(t("radius_km", lang), 0.5, 20.0, 3.0, 0.5, key="nearby_km")
    found = nearby(atlas, feature_id, radius)
    if found.empty:
        st.caption(t("nearby_none", lang))
    for rec in found.head(15).itertuples():
        _goto(atlas, rec.id, lang, key=f"near_{rec.id}", suffix=f" · {_distance(round(rec.distance_m), lang)}")


def _inside(atlas: Atlas, feature_id: str, lang: str) -> None:
    st.markdown(f"**{t('inside', lang)}**")
    found = inside(atlas, feature_id)
    if found.empty:
        st.caption(t("inside_none", lang))
    for rec in found.head(40).itertuples():
        _goto(atlas, rec.id, lang, key=f"in_{rec.id}")
