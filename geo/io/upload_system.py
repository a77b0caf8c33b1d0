"""Which lon/lat system a file says it is in: words in its coordinate columns, sheet or file name.

``经度(BD-09)``, ``lng_gcj``, ``百度经度``, ``高德纬度``, ``火星坐标``, ``WGS84经度``, a sheet ``百度坐标``, a file
``poi_gcj02.csv``: each names a system. :func:`named_system` returns the one system a list of names agrees on
(None when they name none, or disagree); :func:`strip_system` removes those words so ``百度经度`` is found as a
longitude column.
"""

from __future__ import annotations

import re

LABELS = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09"}
# system -> pattern of the words that name it (matched on lower-case text)
_SYSTEM_WORDS: dict[str, str] = {
    "bd09": r"bd[-_ ]?09(?:ll|mc)?|baidu|百度|(?<![a-z])bd(?![a-z])",
    "gcj02": r"gcj[-_ ]?0?2|gcj|gaode|amap|autonavi|高德|火星(?:坐标)?(?:系)?|国测局|腾讯|tencent",
    "wgs84": r"wgs[-_ ]?84|wgs|epsg[:_ ]?4326|gps|cgcs[-_ ]?2000|国家2000|2000国家",
}
_PATTERNS = {system: re.compile(words) for system, words in _SYSTEM_WORDS.items()}
_ANY = re.compile("|".join(f"(?:{w})" for w in _SYSTEM_WORDS.values()))
_SEPARATORS = re.compile(r"^[\s_\-:：()（）\[\]【】]+|[\s_\-:：()（）\[\]【】]+$")
_EMPTY_BRACKETS = re.compile(r"[(（\[【]\s*(?:坐标系?)?\s*[)）\]】]")


def systems_named(text: str) -> set[str]:
    lowered = str(text).lower()
    return {system for system, pattern in _PATTERNS.items() if pattern.search(lowered)}


def named_system(*texts: str | None) -> tuple[str | None, str | None]:
    """(system, the text naming it) from the first text that names exactly one system; texts that name several
    (``gcj02_vs_wgs84_check.csv``) are skipped unless one ends the text (``wgs84_to_gcj02``, the atlas's
    export names ``upload-…_joined_<date>_<system>``). The coordinate columns come first, then the lines above a
    table's header, the sheet, the file name."""
    for text in texts:
        if not text:
            continue
        found = systems_named(text)
        if len(found) == 1:
            return found.pop(), str(text)
        last = _ending(str(text))
        if last:  # several, the last one ending the text: the atlas's own export names (…_sites-gcj02…_bd09)
            return last, str(text)
    return None, None


def _ending(text: str) -> str | None:
    """The system named at the very end of ``text`` (``wgs84_to_gcj02`` -> gcj02), else None."""
    lowered = text.lower().rstrip(" _-.")
    ends = [(m.end(), system) for system, pattern in _PATTERNS.items() for m in pattern.finditer(lowered)]
    if not ends:
        return None
    end, system = max(ends)
    return system if end == len(lowered) else None


def strip_system(column: str) -> str:
    """``百度经度`` -> ``经度``, ``lng_gcj02`` -> ``lng``, ``经度(BD-09)`` -> ``经度``, ``火星坐标经度`` -> ``经度``."""
    text = _ANY.sub("", str(column).lower())
    text = text.replace("坐标系", "").replace("坐标", "") if re.search("经度|纬度", text) else text
    text = _EMPTY_BRACKETS.sub("", text)
    return _SEPARATORS.sub("", text) or str(column).lower()
