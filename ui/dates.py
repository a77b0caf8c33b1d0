"""One date format per language, used by the facts, the timeline, the table, the period control and the article
details: "2025年8月" / "Aug 2025", "2026年1月16日" / "16 Jan 2026", "2025年" / "2025"; a period within one year
reads "2025年11—12月" / "Nov–Dec 2025". ISO dates never reach the page."""

from __future__ import annotations

from geo.core.timeline import DateError, parse_date

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(month: str, lang: str) -> str:
    """"2024-10" -> "2024年10月" / "Oct 2024"."""
    year, mo = month.split("-")[:2]
    return f"{year}年{int(mo)}月" if lang == "zh" else f"{MONTHS_EN[int(mo) - 1]} {year}"


def _one(text: str, lang: str) -> str:
    parts = text.split("-")
    if len(parts) == 1:
        return f"{parts[0]}年" if lang == "zh" else parts[0]
    if len(parts) == 2:
        return month_label(text, lang)
    year, mo, day = parts
    return f"{year}年{int(mo)}月{int(day)}日" if lang == "zh" else f"{int(day)} {MONTHS_EN[int(mo) - 1]} {year}"


def _span(start: str, end: str, lang: str) -> str:
    """Two dates as one period; months of one year share the year: "2025年11—12月" / "Nov–Dec 2025"."""
    a, b = start.split("-"), end.split("-")
    if len(a) == len(b) == 2 and a[0] == b[0]:
        if lang == "zh":
            return f"{a[0]}年{int(a[1])}—{int(b[1])}月"
        return f"{MONTHS_EN[int(a[1]) - 1]}–{MONTHS_EN[int(b[1]) - 1]} {a[0]}"
    first, last = _one(start, lang), _one(end, lang)
    return f"{first}—{last}" if lang == "zh" else f"{first} – {last}"


def is_date(text) -> bool:
    """Whether ``text`` is a date or period geo.core.timeline reads ("2025", "2025-08", "2025-11/2025-12")."""
    if not isinstance(text, str) or not text.strip():
        return False
    try:
        parse_date(text)
    except DateError:
        return False
    return True


def date_text(text, lang: str) -> str:
    """A date or period at its own resolution: "2025年", "2024年10月", "2026年1月16日", "2025年11—12月" /
    "2025", "Oct 2024", "16 Jan 2026", "Nov–Dec 2025". Text that does not parse is shown as it is."""
    if not is_date(text):
        return "" if text is None else str(text)
    text = text.strip()
    if "/" in text:
        start, end = (p.strip() for p in text.split("/"))
        return _one(start, lang) if start == end else _span(start, end, lang)
    return _one(text, lang)


def window_text(first, last, lang: str) -> str:
    """When something happened between two ISO days (an article's publication window): the month when both
    fall in one, else the months ("2025年12月", "2026年1—3月" / "Dec 2025", "Jan–Mar 2026")."""
    days = [d.strip() for d in (first, last) if isinstance(d, str) and is_date(d.strip())]
    if not days:
        return ""
    months = [d[:7] if len(d) >= 7 else d for d in days]
    if len(set(months)) == 1:
        return date_text(months[0], lang)
    return date_text(f"{months[0]}/{months[-1]}", lang)
