"""How one fact, one article and one bilingual note read in the interface language (plain text, no markup).

Figures read in each language's own number words and units: 20 亿元 is "20亿元" / "CNY 2 billion", 7 万平方米
"7万平方米" / "70,000 m²", a qualifier is a word ("超过" / "more than"), a rank an ordinal ("第1名" / "No. 1").
A text value's bracketed English gloss ("唯一 (only one)") is the English: each interface shows one language.
The Chinese interface shows data text in Simplified script (OpenCC), dates in one format (ui.dates).

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
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from geo.core.search import to_simplified
from ui.dates import date_text, is_date
from ui.i18n import t

# Qualifiers as words in each language: "超过20亿元", "more than CNY 2 billion".
QUALIFIER_WORDS = {
    "about": ("约", "about"), "more than": ("超过", "more than"), "at least": ("至少", "at least"),
    "less than": ("不到", "less than"), "at most": ("最多", "at most"),
}
_COMBINED_UNIT = re.compile(r"^(?P<zh>.*?)\s*\((?P<en>[^()]*)\)\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# "中文说明。English note": the English part starts with a Latin capital after a CJK sentence end.
_ZH_EN_SPLIT = re.compile(r"(?<=[。；！？）])\s*(?=[A-Z])")
# A text value with an English gloss in brackets: "全国第一梯队 (national first tier)", "智算云（intelligent …）".
_GLOSSED = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s*[（(]"
                      r"(?P<en>[^()（）\u3400-\u9fff]*[A-Za-z][^()（）\u3400-\u9fff]*)[)）]\s*$")
# Chinese magnitude words leading a unit (万平方米, 亿元, 万家): the English number absorbs them.
_MAGNITUDES = (("万亿", 1e12), ("亿", 1e8), ("万", 1e4))
_EN_MAGNITUDE = re.compile(r"\b(?:100 million|hundred million|10,000|10 000|ten thousand)\b\s*", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_DUPLICATE_GLOSS = re.compile(r"(\S+?)（\1）")  # 潤苗（润苗） once simplified reads 润苗（润苗）
RANK_UNITS = ("名次",)  # ordinal: "第1名" / "No. 1"
UNITS_DROPPED_IN_EN = ("count",)  # "at least 200 count" reads worse than "at least 200"


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def zh_text(value) -> str:
    """Text from the data as the Chinese interface shows it: Simplified script (OpenCC), a gloss that only
    repeated the Traditional form dropped. Quotes from the articles do not go through this."""
    text = to_simplified(_text(value))
    return _DUPLICATE_GLOSS.sub(r"\1", text)


def display(value, lang: str) -> str:
    """Text from the data in ``lang``'s interface: Simplified in Chinese, as it is in English."""
    return zh_text(value) if lang == "zh" else _text(value)


def split_gloss(value) -> tuple[str, str]:
    """A text value -> (Chinese, English gloss or ""): "唯一 (only one)" -> ("唯一", "only one")."""
    text = _text(value)
    match = _GLOSSED.match(text)
    return (match.group("zh").strip(), match.group("en").strip()) if match else (text, "")


@lru_cache(maxsize=512)
def _romanised(unit_zh: str) -> str:
    return "".join(lazy_pinyin(unit_zh, style=Style.NORMAL))


def _magnitude(unit_zh: str) -> tuple[float, str]:
    for word, factor in _MAGNITUDES:
        if unit_zh.startswith(word):
            return factor, unit_zh[len(word):]
    return 1.0, unit_zh


def unit(fact: dict, lang: str) -> str:
    """The unit that goes with the fact's raw value in ``lang`` ("" when it has none), with no gloss in
    brackets: the Chinese unit in Simplified (its ``unit_gloss_zh`` in place of a printed form that needs one:
    萬方 -> 万平方米), the English one as given ("CNY 100 million", "10,000 m²"). ``value_text`` folds the
    magnitude into the number instead."""
    printed = _text(fact.get("unit"))
    if "unit_en" not in fact:  # today's combined form "家 (count)"
        match = _COMBINED_UNIT.match(printed)
        if match:
            printed = match.group("zh").strip() if lang == "zh" else (match.group("en").strip() or match.group("zh"))
        return zh_text(printed) if lang == "zh" else printed
    if lang == "zh":
        return zh_text(_text(fact.get("unit_gloss_zh")) or printed)
    english = _text(fact.get("unit_en")) or printed
    zh_units = {to_simplified(printed), zh_text(_text(fact.get("unit_gloss_zh")) or printed)}

    def unwrap(match: re.Match) -> str:
        inner = match.group(1).strip()
        if not inner or inner.isupper() or inner.replace(" ", "").lower() in {_romanised(u) for u in zh_units}:
            return ""  # an abbreviation ("PB") or the Chinese unit romanised ("wan fang"): a gloss
        return f" {inner}"

    return " ".join(_PAREN.sub(unwrap, english).split())


def _en_unit(fact: dict) -> str:
    """The English unit after the magnitude went into the number: "CNY 100 million" -> "CNY", "count" -> ""."""
    english = unit(fact, "en")
    factor, _rest = _magnitude(unit(fact, "zh"))
    if factor != 1.0:
        english = _EN_MAGNITUDE.sub("", english)
    return " ".join(w for w in english.split() if w.lower() not in UNITS_DROPPED_IN_EN)


def is_target(fact: dict) -> bool:
    return fact.get("target") is True or fact.get("qualifier") == "target"


def _short(number: float) -> str:
    """Up to three decimals, trailing zeros dropped, thousands separated: 2.0 -> "2", 1.25 -> "1.25"."""
    text = f"{number:,.3f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def en_number(number: float, scaled: bool = False) -> str:
    """A number in English words for large amounts converted from 万/亿 (``scaled``): 2e9 -> "2 billion",
    7e4 -> "70,000"; otherwise with thousands separators."""
    if scaled and abs(number) >= 1e9:
        return f"{_short(number / 1e9)} billion"
    if scaled and abs(number) >= 1e6:
        return f"{_short(number / 1e6)} million"
    return _short(number)


def _real(value) -> float | None:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        return None if math.isnan(number) else number
    return None


def value_text(fact: dict, lang: str) -> str:
    """Qualifier, value, unit and the target flag in one short string in ``lang``'s own words:
    "超过20亿元（目标）" / "more than CNY 2 billion (target)", "约6.5万平方米" / "about 65,000 m²",
    "第1名" / "No. 1"; a text value without its bracketed gloss (the gloss is the English); a date value in the
    interface's date format."""
    qualifier = QUALIFIER_WORDS.get(fact.get("qualifier"))
    prefix = qualifier[0 if lang == "zh" else 1] if qualifier else ""
    number = _real(fact.get("value"))
    if number is not None:
        text = _number_with_unit(fact, number, lang)
    else:
        text = _text_value(fact, lang)
    if prefix and text:
        text = f"{prefix}{text}" if lang == "zh" else f"{prefix} {text}"
    if is_target(fact):
        text += f"（{t('target', lang)}）" if lang == "zh" else f" ({t('target', lang)})"
    return text


def _text_value(fact: dict, lang: str) -> str:
    own = fact.get(f"value_{lang}")
    if isinstance(own, str) and own.strip():
        return display(own, lang)
    value = fact.get("value")
    if value is None:
        return ""
    raw = str(value)
    if is_date(raw):
        return date_text(raw, lang)
    chinese, english = split_gloss(raw)
    if lang == "en":
        return english or chinese
    return zh_text(chinese)


def _number_with_unit(fact: dict, number: float, lang: str) -> str:
    printed = _text(fact.get("unit"))
    if printed in RANK_UNITS or _text(fact.get("unit_en")) == "rank":
        return f"第{_short(number).replace(',', '')}名" if lang == "zh" else f"No. {_short(number)}"
    if lang == "zh":
        return f"{_short(number).replace(',', '')}{unit(fact, 'zh')}"
    shown = _en_unit(fact)
    factor, _rest = _magnitude(unit(fact, "zh"))
    amount = en_number(number * factor, scaled=factor != 1.0)
    if shown.startswith("CNY"):
        rest = shown[3:].strip()
        return f"CNY {amount}" + (f" {rest}" if rest else "")
    if not shown:
        return amount
    return f"{amount}{shown}" if shown == "%" else f"{amount} {shown}"


def fact_when(fact: dict, lang: str) -> str:
    """The fact's date (``as_of``) in the interface's format, "" when the value already says it (a date value
    is shown once, not "2025年8月 · 2025年8月")."""
    as_of = fact.get("as_of")
    if not is_date(as_of if isinstance(as_of, str) else None):
        return ""
    value = fact.get("value")
    if isinstance(value, str) and is_date(value):
        return ""
    return date_text(as_of, lang)


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
        return display(getter(f"{field}_{lang}"), lang)
    zh, en = split_note(getter(field))
    return zh_text(zh) if lang == "zh" else en


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
