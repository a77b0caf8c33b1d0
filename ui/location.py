"""The side panel's location section, for a feature of any layer in the display schema (the upload's too): how
precise its position is, in words, with the figures and the note, in the interface language."""

from __future__ import annotations

import streamlit as st

from geo.core.precision import precision_known
from geo.io.atlas import Atlas
from ui.facts import note
from ui.i18n import basis_label, distance, name, t
from ui.text import md

LOCATION_SENTENCES = {"city_only": "loc_city", "landmark": "loc_landmark", "street_address": "loc_address",
                      "footprint_approx": "loc_footprint", "schematic": "loc_schematic",
                      "official_boundary": "loc_boundary"}


def location(atlas: Atlas, row, lang: str) -> None:
    """How precise the position is, in words (naming the parent or district it stands for), then the figures
    and the note in the interface language; for any layer in the display schema (the upload's too: "precision
    unknown" when its file gives none). One markdown element (location_text)."""
    st.markdown(location_text(atlas, row, lang))


def location_text(atlas: Atlas, row, lang: str) -> str:
    """The location section as markdown: its heading, then the lines of :func:`location` (data text escaped)."""
    heading = f"**{t('location', lang)}**\n\n"
    d = distance(row.get("location_precision_m"), lang) or "?"
    basis = row.get("location_basis") or ""
    if not precision_known(row.get("location_precision_m")):  # an upload whose file gives no precision
        return heading + "  \n".join([md(t("loc_unknown", lang)),
                                      f"{md(t('precision', lang))}: {md(t('pt_unknown', lang))}",
                                      f"{md(t('basis', lang))}: {md(basis_label(basis, lang))}"])
    if basis == "parent_location":
        parent = next((p for p in (row.get("parent"), row.get("place")) if isinstance(p, str) and p in atlas), "")
        sentence = t("loc_parent", lang, parent=name(atlas.feature(parent)[1], lang), d=d) if parent \
            else t("loc_parent_unknown", lang, d=d)
    elif basis == "district_only":
        sentence = t("loc_district", lang, district=district_name(atlas, row, lang) or t("district", lang), d=d)
    else:
        sentence = t(LOCATION_SENTENCES.get(basis, "loc_other"), lang, d=d)
    lines = [md(sentence), f"{md(t('precision', lang))}: ±{md(d)}",
             f"{md(t('basis', lang))}: {md(basis_label(basis, lang))}"]
    explained = note(row, "location_note", lang)
    if explained:
        lines.append(md(explained))
    return heading + "  \n".join(lines)


def district_name(atlas: Atlas, row, lang: str) -> str:
    districts = atlas.layers.get("districts")
    adcode = row.get("adcode")
    if districts is None or not adcode:
        return ""
    match = districts[districts["adcode"] == adcode]
    return name(match.iloc[0], lang) if len(match) else ""
