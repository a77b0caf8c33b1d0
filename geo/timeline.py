"""Time in the atlas: dates at their resolution, first dates of features, timelines and period filters.

Pure functions (no streamlit, no folium). A date is ``"YYYY"``, ``"YYYY-MM"`` or ``"YYYY-MM-DD"``; a period is
two of them joined by ``/`` (``"2024/2025"``, ``"2025-01/2025-10"``). Every date is read at its own resolution
as an interval of months, ``(first, last)``, each a :class:`Month`: ``"2025"`` covers 2025-01..2025-12,
``"2025-07-15"`` covers 2025-07..2025-07. Comparing by months keeps a year-only date from looking earlier or
later than it is: a period filter keeps everything whose interval overlaps the period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A date or period string that does not parse (the message says why)."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; ordered, and printed as ``YYYY-MM``."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months differ by 1 (for sliders and spans)."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"YYYY-MM"`` -> Month (DateError otherwise)."""
        first, last = parse_date(text)
        if first != last or not re.fullmatch(r"\d{4}-\d{2}", str(text).strip()):
            raise DateError(f"{text!r} is not a month (YYYY-MM)")
        return first


def _one(text: str) -> tuple[Month, Month, str]:
    m = _DATE.match(text)
    if not m:
        raise DateError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if month is None:
        return Month(year, 1), Month(year, 12), "year"
    mo = int(month)
    if not 1 <= mo <= 12:
        raise DateError(f"{text!r}: month {mo} is not 1-12")
    if day is not None:
        d = int(day)
        last_day = calendar.monthrange(year, mo)[1]
        if not 1 <= d <= last_day:
            raise DateError(f"{text!r}: day {d} is not in {year}-{mo:02d} (1-{last_day})")
        return Month(year, mo), Month(year, mo), "day"
    return Month(year, mo), Month(year, mo), "month"


def resolution(text: str) -> str:
    """"day", "month", "year" or "period" for a valid date or period string (DateError otherwise)."""
    text = _text(text)
    if "/" in text:
        parse_date(text)
        return "period"
    return _one(text)[2]


def _text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DateError(f"{value!r} is not a date string")
    return value.strip()


def parse_date(text: str) -> tuple[Month, Month]:
    """A date or ``start/end`` period -> (first month, last month) it covers; DateError when it does not parse
    or a period ends before it starts."""
    text = _text(text)
    if "/" in text:
        parts = text.split("/")
        if len(parts) != 2:
            raise DateError(f"{text!r}: a period is two dates joined by one '/'")
        start, end = _one(parts[0].strip()), _one(parts[1].strip())
        if end[1] < start[0]:
            raise DateError(f"{text!r}: the period ends before it starts")
        return start[0], end[1]
    first, last, _res = _one(text)
    return first, last


def event_interval(props: Mapping) -> tuple[Month, Month]:
    """(first, last) month of an event from its date_start and date_end (DateError when they do not parse)."""
    start = props.get("date_start")
    end = props.get("date_end")
    return parse_date(f"{start}/{end}" if isinstance(end, str) and end.strip() else start)


def overlaps(interval: tuple[Month, Month], period: tuple[Month, Month] | None) -> bool:
    """True when ``interval`` shares at least one month with ``period`` (None: no period, always True)."""
    if period is None:
        return True
    return interval[0] <= period[1] and interval[1] >= period[0]
