"""How one fact, one article and one bilingual note read in the interface language (plain text, no markup).

Written against the data contracts of this session, with fallbacks for the data as it is today:

- units: ``unit`` (as printed, zh) + ``unit_en`` (+ optional ``unit_gloss_zh``); today's combined form
  "家 (count)" is split: the part before " (" in zh, the part in parentheses in en.
- targets: ``target: true``; today's ``qualifier: "target"`` means the same.
- notes: ``location_note_zh``/``_en`` and ``outlet_note_zh``/``_en``; today's single ``location_note`` is
  "中文。English" or English only, and ``outlet_note`` is English only. A language with no text shows none.
"""

from __future__ import annotations

import math
import numbers
import re

from ui.i18n import t

# Qualifiers as short prefixes; "about" is a word in each language, the bounds are symbols.
_QUALIFIER_PREFIX = {"more than": "> ", "at least": "≥ ", "less than": "< ", "at most": "≤ "}
_COMBINED_UNIT = re.compile(r"^(?P<zh>.*?)\s*\((?P<en>[^()]*)\)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# "中文说明。English note": the English part starts with a Latin capital after a CJK sentence end.
_ZH_EN_SPLIT = re.compile(r"(?<=[。；！？）])\s*(?=[A-Z])")
UNITS_DROPPED_IN_EN = ("count",)  # "≥ 200 count" reads worse than "≥ 200"


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def unit(fact: dict, lang: str) -> str:
    """The fact's unit in ``lang`` ("" when it has none)."""
    printed = _text(fact.get("unit"))
    if "unit_en" in fact:  # the new form
        if lang == "en":
            return _text(fact.get("unit_en")) or printed
        gloss = _text(fact.get("unit_gloss_zh"))
        return f"{printed}（{gloss}）" if gloss and gloss != printed else printed
    match = _COMBINED_UNIT.match(printed)
    if not match:  # "%", "" or a unit without a gloss
        return printed
    return match.group("zh").strip() if lang == "zh" else (match.group("en").strip() or match.group("zh").strip())


def is_target(fact: dict) -> bool:
    return fact.get("target") is True or fact.get("qualifier") == "target"


def _number(value, lang: str) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return "?"
        if number.is_integer() and abs(number) < 1e15:
            return f"{int(number):,}" if lang == "en" else str(int(number))
        return f"{number:,.6g}" if lang == "en" else f"{number:.6g}"
    return "" if value is None else str(value)


def value_text(fact: dict, lang: str) -> str:
    """Qualifier, value, unit and the target flag in one short string: "≥ 200 个（目标）", "≥ 200 (target)"."""
    qualifier = fact.get("qualifier")
    prefix = f"{t('q_about', lang)} " if qualifier == "about" else _QUALIFIER_PREFIX.get(qualifier, "")
    text = prefix + _number(fact.get("value"), lang)
    shown_unit = unit(fact, lang)
    if shown_unit and not (lang == "en" and shown_unit in UNITS_DROPPED_IN_EN):
        separator = "" if shown_unit == "%" or (lang == "zh" and _CJK.match(shown_unit)) else " "
        text += separator + shown_unit
    if is_target(fact):
        text += f"（{t('target', lang)}）" if lang == "zh" else f" ({t('target', lang)})"
    return text


def split_note(note) -> tuple[str, str]:
    """Today's single note -> (zh, en): "中文。English" splits after the Chinese sentence; a note that starts
    in Latin script is English only; one with no Latin sentence is Chinese only."""
    text = _text(note)
    if not text:
        return "", ""
    if not _CJK.match(text[0]):
        return "", text
    parts = _ZH_EN_SPLIT.split(text, maxsplit=1)
    return (parts[0].strip(), parts[1].strip()) if len(parts) == 2 else (text, "")


def note(record, field: str, lang: str) -> str:
    """``field``_zh / ``field``_en in ``lang``, else the matching half of the old single ``field``."""
    getter = record.get
    if getter(f"{field}_zh") is not None or getter(f"{field}_en") is not None:
        return _text(getter(f"{field}_{lang}"))
    zh, en = split_note(getter(field))
    return zh if lang == "zh" else en


def article_labels(sources: dict[str, dict], lang: str) -> dict[str, str]:
    """source id -> a short label ("文1", "A1"), numbered in the order of sources.json (the same everywhere)."""
    return {sid: f"{t('article', lang)}{i}" for i, sid in enumerate(sources, start=1)}


def outlet_text(source: dict, lang: str) -> str:
    """The outlet's name, else "未署媒体（note）" / "Outlet not named (note)" with the note in ``lang``."""
    outlet = _text(source.get("outlet"))
    if outlet:
        return outlet
    explained = note(source, "outlet_note", lang)
    unknown = t("outlet_unknown", lang)
    if not explained:
        return unknown
    return f"{unknown}（{explained}）" if lang == "zh" else f"{unknown} ({explained})"
