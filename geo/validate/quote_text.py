"""Quotes: the article's own words beside a fact (``quote_zh``), read as numbers, qualifiers and dates.

Pure text functions used by the validator (``geo.validate.quotes``) and the editors' review script
(``geo.evidence``). Nothing here reads files.

- :func:`numbers` finds the figures a quote prints, Arabic (``4,000``, ``6.5``) or Chinese (``十三``, ``两``,
  ``上百``, ``七成``), with the 万/亿 (萬/億) that scales them and the qualifier words around them.
- :func:`supports_value` says whether a quote prints a fact's value in its unit: ``6.5萬方`` supports
  6.5 万方, ``1300亿元`` supports 1300 亿元, ``上百家`` supports 100 (a bound), ``约七成`` supports 70 %.
- :func:`qualifier_words` and :func:`target_words` read 超过/约/以上/至少/最高 and 目标/力争/预计 next to it.
- :func:`date_resolution` is the finest date the quote gives (day, month, year) or ``None`` for a relative
  phrase only (刚刚, 日前, 元旦前) that needs the article's date to be dated at all.
- :func:`locate` finds a quote (segments cut with …) in an article after whitespace normalisation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

QUOTE_MAX = 25  # characters, … included
ELLIPSIS = "…"
# Traditional -> simplified for the few characters that matter to reading figures, qualifiers and dates.
_T2S = str.maketrans("萬億兩個項條輪約餘預計劃爭將規內標級過達為來後號當歲剛閉際時間進會與擬虧難實現級續動開啟",
                     "万亿两个项条轮约余预计划争将规内标级过达为来后号当岁刚闭际时间进会与拟亏难实现级续动开启")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
             "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_NUMBER = re.compile(r"(?P<ar>\d+(?:,\d{3})*(?:\.\d+)?)|(?P<cn>[零〇一二两三四五六七八九十百千]+)")
_CLAUSE_BREAK = re.compile(r"[，。；：！？、,;:!?（）()“”「」《》\n]")

# qualifier -> words that say it, read in the clause of the number (simplified script)
QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "more than": ("超过", "超", "逾", "以上", "余", "多", "上百", "上千", "上万"),
    "about": ("约", "左右", "近", "上下", "大约"),
    "at least": ("至少", "不少于", "不低于"),
    "at most": ("最高", "不超过", "以内", "内", "最多", "以下"),
    "less than": ("不到", "不足", "低于", "少于"),
}
# words that make a figure several qualifiers at once: 近 (nearly) reads as about or less than; 上百 as more
# than or at least
_ALSO = {"近": ("less than",), "上百": ("at least",), "上千": ("at least",), "上万": ("at least",),
         "以上": ("at least",), "以下": ("at most",)}
TARGET_WORDS = ("目标", "力争", "预计", "争取", "预期", "将", "计划", "规划", "要", "拟", "到20", "建好", "培育",
                "待", "打造", "推动", "实现", "努力", "迈向", "加快建成")
# a rank or count of one printed as a word: 首位, 之首, 首个, 唯一 support 1
_ONE_WORDS = ("唯一", "首位", "之首", "首要", "首个", "首批", "首家", "第一")
STRONG_TARGET_WORDS = ("目标", "力争", "预计", "争取", "预期", "到20")

_DAY = re.compile(r"(\d{1,2}|[一二三四五六七八九十]+)月(\d{1,2}|[一二三四五六七八九十]+)[日号]")
_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,2})月(?!份?[以来])")
_YEAR = re.compile(r"(?:19|20)\d{2}年")
_REL_YEAR = ("今年", "去年", "明年", "同年", "当年", "年初", "年末", "年底", "岁末", "年中")
RELATIVE_DATE_WORDS = ("刚刚", "日前", "近日", "近期", "不久前", "最近", "目前", "截至目前", "元旦前", "岁末年初",
                       "年初", "年末", "年底", "倒计时之际", "以来", "如今", "当前", "一个月前", "两个月后", "今年",
                       "去年", "同年", "春天", "前夕", "之际")
DATE_RANK = {"year": 1, "month": 2, "day": 3}


def simplify(text: str) -> str:
    return text.translate(_T2S)


def squeeze(text: str) -> str:
    """Whitespace removed (articles wrap lines and pages mid-sentence)."""
    return re.sub(r"\s+", "", text)


def parse_cn(text: str) -> float | None:
    """A Chinese numeral (十三, 二十, 一百二十, 百, 两, 三千) -> number; None when not one."""
    if not text:
        return None
    if all(c in _CN_DIGIT for c in text):  # digit by digit: 二〇二五
        return float(int("".join(str(_CN_DIGIT[c]) for c in text))) if len(text) > 1 else float(_CN_DIGIT[text])
    total, digit = 0, None
    for c in text:
        if c in _CN_DIGIT:
            digit = _CN_DIGIT[c]
        elif c in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[c]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


@dataclass(frozen=True)
class Number:
    """A figure printed in a quote: its value, the 万/亿 after it, where it is and its clause."""

    value: float
    scale: int  # 1, 10_000 or 100_000_000
    start: int
    end: int  # after the number and its scale character
    text: str
    clause: str
    before: str  # the clause up to the number
    after: str  # the clause after it

    @property
    def full(self) -> float:
        return self.value * self.scale


def numbers(quote: str) -> list[Number]:
    """Every figure in ``quote`` (any script), with the clause around it."""
    text = simplify(quote)
    out = []
    for m in re.finditer(r"(?<![\d零〇一二两三四五六七八九十百千])[万亿](?=[亩元])", text):  # 万亩: one 万
        out.append(Number(1.0, _BIG[m.group(0)], m.start(), m.end(), m.group(0), text, text[:m.start()],
                          text[m.end():]))
    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        value = float(raw.replace(",", "")) if m.group("ar") else parse_cn(raw)
        if value is None:
            continue
        end, scale = m.end(), 1
        if end < len(text) and text[end] in _BIG:
            scale, end = _BIG[text[end]], end + 1
            if end < len(text) and text[end] in _BIG:  # 万亿
                scale, end = scale * _BIG[text[end]], end + 1
        if end < len(text) and text[end] == "成" and scale == 1:  # 七成 = 70 %
            value, end = value * 10, end + 1
        left = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())), default=0)
        right = _CLAUSE_BREAK.search(text, end)
        right = right.start() if right else len(text)
        out.append(Number(value, scale, m.start(), end, raw, text[left:right], text[left:m.start()],
                          text[end:right]))
    return out


def _unit_scale(unit: str) -> tuple[int, str]:
    u = simplify(unit or "")
    if u[:2] == "万亿":
        return 10 ** 12, u[2:]
    if u[:1] in _BIG:
        return _BIG[u[0]], u[1:]
    return 1, u


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def matching_numbers(quote: str, value: float, unit: str) -> list[Number]:
    """The figures of ``quote`` that print ``value`` in ``unit`` (万/亿 normalised both ways)."""
    scale, _rest = _unit_scale(unit)
    want = value * scale
    found = [n for n in numbers(quote) if _close(n.full, want)]
    if not found and _close(value, 1) and scale == 1:
        t = simplify(quote)
        found = [Number(1.0, 1, t.find(w), t.find(w) + len(w), w, t, t[:t.find(w)], t[t.find(w) + len(w):])
                 for w in _ONE_WORDS if w in t][:1]
    return found


def supports_value(quote: str, value, unit: str) -> bool:
    """Whether ``quote`` prints ``value``: a number in its unit, or a string value found in the quote."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return bool(matching_numbers(quote, float(value), unit))
    return simplify(squeeze(str(value))) in simplify(squeeze(quote))


_SHADOWED = {"超过": ("不超过",), "超": ("不超过",), "少于": ("不少于",), "低于": ("不低于",)}
# words after the number (and its unit): 50余家, 500家以上, 6800亿元左右, 24小时内
_SUFFIX = ("以上", "余", "多", "左右", "上下", "以内", "内", "以下")


def qualifier_words(n: Number) -> dict[str, list[str]]:
    """qualifier -> the words of that qualifier next to ``n``: prefixes in the 5 characters before it (超,
    约, 不超过, 上百 ...), suffixes right after it and its unit (以上, 余, 左右, 以内 ...)."""
    before, after, found = n.before[-5:] + n.text, n.after[:4], {}
    for q, words in QUALIFIER_WORDS.items():
        hits = []
        for w in words:
            if w in _SUFFIX:
                # 多/余 right after the number (50多场, 百余位), not 多模态; 内 right after a one-character unit
                ok = n.after.startswith(w) if w in ("多", "余") else w in (after[:3] if w == "内" else after)
            else:
                ok = w in before and not any(x in before for x in _SHADOWED.get(w, ()))
            if ok:
                hits.append(w)
        if hits:
            found[q] = hits
    return found


def allowed_qualifiers(n: Number) -> set:
    """The qualifiers a fact may carry for the figure ``n`` (None when no word bounds it).

    A range (5万元至20万元) lets its upper end be "at most" and its lower end "at least", or plain."""
    found, out = qualifier_words(n), set()
    for q, words in found.items():
        out.add(q)
        for w in words:
            out.update(_ALSO.get(w, ()))
    if not found:
        out.add(None)
    if n.before[-1:] in ("至", "到", "-", "—", "~"):
        out.update({"at most", None})
    if re.match(r"^[^\d，。]{0,4}?[至到~]", n.after):
        out.update({"at least", None})
    return out


def target_words(text: str, *, strong: bool = False) -> list[str]:
    t = simplify(text)
    return [w for w in (STRONG_TARGET_WORDS if strong else TARGET_WORDS) if w in t]


def date_resolution(quote: str) -> str | None:
    """The finest date ``quote`` gives: "day", "month", "year", or None when it has no calendar date."""
    t = simplify(quote).replace("个月", "")
    if _DAY.search(t):
        return "day"
    if _MONTH.search(t):
        return "month"
    if _YEAR.search(t) or any(w in t for w in _REL_YEAR):
        return "year"
    return None


def has_explicit_year(quote: str) -> bool:
    return bool(_YEAR.search(simplify(quote)))


def relative_words(quote: str) -> list[str]:
    t = simplify(quote)
    return [w for w in RELATIVE_DATE_WORDS if w in t]


def segments(quote: str) -> list[str]:
    """The quote's parts between … (whitespace removed, empty parts dropped)."""
    return [s for s in (squeeze(p) for p in quote.split(ELLIPSIS)) if s]


def locate(quote: str, article: str) -> int | None:
    """Offset (in the whitespace-free article) where the quote starts, its segments in order; None if absent."""
    text, pos, first = squeeze(article), 0, None
    for seg in segments(quote):
        at = text.find(seg, pos)
        if at < 0:
            return None
        first = at if first is None else first
        pos = at + len(seg)
    return first


def paragraph_of(offset: int, article: str) -> int:
    """1-based paragraph number (blank-line separated, empty ones skipped) of a whitespace-free offset."""
    count = 0
    for n, para in enumerate(p for p in re.split(r"\n\s*\n", article) if p.strip()):
        count += len(squeeze(para))
        if offset < count:
            return n + 1
    return 0
