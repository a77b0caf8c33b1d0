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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

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


Period = tuple[Month, Month]


def period(start: str, end: str | None = None) -> Period:
    """A period from two dates (slider values, URL parameters): ``period("2024-10", "2025-06")`` covers
    2024-10..2025-06; ``period("2025")`` covers the year. DateError when it does not parse or ends first."""
    return parse_date(f"{start}/{end}" if end else start)


def _try_interval(text) -> Period | None:
    try:
        return parse_date(text)
    except DateError:
        return None


def _event_text(props: Mapping) -> str:
    end = props.get("date_end")
    return f"{props['date_start']}/{end}" if isinstance(end, str) and end.strip() else str(props["date_start"])


def _rows(gdf) -> Iterable[Mapping]:
    return gdf.to_dict("records") if gdf is not None and len(gdf) else []


def _dates_by_feature(atlas) -> dict[str, list[str]]:
    """feature id -> every date string the articles give for it (facts' as_of; events it is place or
    participant of; an event's own date)."""
    out: dict[str, list[str]] = {}
    for lid, gdf in atlas.layers.items():
        for row in _rows(gdf):
            dates = out.setdefault(row["id"], [])
            dates += [f["as_of"] for f in row.get("facts") or [] if isinstance(f, dict) and f.get("as_of")]
            if lid == "events":
                text = _event_text(row)
                dates.append(text)
                for other in [row.get("place"), *(row.get("participants") or [])]:
                    if isinstance(other, str):
                        out.setdefault(other, []).append(text)
    return out


def _earliest(dates: Iterable[str]) -> str | None:
    parsed = [(iv, d) for d in dates if (iv := _try_interval(d)) is not None]
    return min(parsed, key=lambda x: (x[0][0], x[0][1]))[1] if parsed else None


def first_dates(atlas) -> dict[str, str]:
    """feature id -> the first date the articles give for it, as written (the date whose interval starts
    earliest; ties go to the narrower one). Features without any date are absent (undated)."""
    out = {}
    for fid, dates in _dates_by_feature(atlas).items():
        first = _earliest(dates)
        if first is not None and fid in atlas:
            out[fid] = first
    return out


def month_span(atlas) -> Period | None:
    """(first month, last month) over every date in the atlas (facts' as_of and events), None if none."""
    intervals = [iv for dates in _dates_by_feature(atlas).values() for d in dates
                 if (iv := _try_interval(d)) is not None]
    if not intervals:
        return None
    return min(iv[0] for iv in intervals), max(iv[1] for iv in intervals)


def _event_sources(ev: Mapping) -> list[str]:
    """An event's articles: its ``source_ids`` (a list, or the numpy array pyogrio reads), else its facts'."""
    ids = ev.get("source_ids")
    listed = [str(x) for x in ids] if ids is not None and not isinstance(ids, str) else []
    return listed or sorted({f["source"] for f in ev.get("facts") or [] if isinstance(f, Mapping) and f.get("source")})


TIMELINE_COLUMNS = ("date", "start", "end", "type", "event_id", "role", "label_zh", "label_en", "value", "unit",
                    "unit_en", "unit_gloss_zh", "target", "qualifier", "sources")


def timeline(atlas, feature_id: str):
    """The dated story of one feature, oldest first: a pandas DataFrame with ``TIMELINE_COLUMNS``.

    Rows are the events it is the place ("place"), a participant ("participant") or itself ("self") of, with
    the event's sources, and each of its own facts (type "fact") with its source. ``start``/``end`` are the
    months the date covers. UnknownFeatureError (geo.io.atlas) for an id not in the atlas.
    """
    _layer, row = atlas.feature(feature_id)
    rows = []
    for ev in _rows(atlas.layers.get("events")):
        role = ("self" if ev["id"] == feature_id else "place" if ev.get("place") == feature_id
                else "participant" if feature_id in (ev.get("participants") or []) else None)
        if role is None:
            continue
        text = _event_text(ev)
        iv = _try_interval(text)
        if iv is None:
            continue
        rows.append({"date": text, "start": str(iv[0]), "end": str(iv[1]), "type": "event", "event_id": ev["id"],
                     "role": role, "label_zh": ev.get("name_zh"), "label_en": ev.get("name_en"), "value": None,
                     "unit": "", "unit_en": "", "unit_gloss_zh": None, "target": False, "qualifier": None,
                     "sources": _event_sources(ev)})
    for fact in row.get("facts") or []:
        iv = _try_interval(fact.get("as_of"))
        if iv is None:
            continue
        rows.append({"date": fact["as_of"], "start": str(iv[0]), "end": str(iv[1]), "type": "fact",
                     "event_id": None, "role": None, "label_zh": fact.get("label_zh"), "label_en": fact.get("label_en"),
                     "value": fact.get("value"), "unit": fact.get("unit") or "", "unit_en": fact.get("unit_en") or "",
                     "unit_gloss_zh": fact.get("unit_gloss_zh"), "target": bool(fact.get("target")),
                     "qualifier": fact.get("qualifier"),
                     "sources": [fact["source"]] if fact.get("source") else []})
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    if frame.empty:
        return frame
    order = frame.assign(_t=(frame["type"] == "fact").astype(int))
    order = order.sort_values(["start", "end", "_t", "label_en"], kind="stable")
    order = order.drop(columns="_t").reset_index(drop=True).astype(object)
    return order.where(order.notna(), None)


# ------------------------------------------------------------------------------------------------ filters


def events_in_period(events, span: Period | None):
    """The events (a GeoDataFrame of the events layer) whose dates overlap ``span``; all of them for None."""
    if span is None or events is None or not len(events):
        return events
    keep = [overlaps(event_interval(row), span) for row in _rows(events)]
    return events[keep]


def facts_in_period(facts: Iterable[Mapping] | None, span: Period | None) -> list[dict]:
    """The facts whose ``as_of`` overlaps ``span`` (facts without a readable as_of are kept: they cannot be
    placed in time, and hiding them would hide figures)."""
    facts = [f for f in facts or [] if isinstance(f, Mapping)]
    if span is None:
        return [dict(f) for f in facts]
    return [dict(f) for f in facts if (iv := _try_interval(f.get("as_of"))) is None or overlaps(iv, span)]


def features_by_first_date(gdf, firsts: Mapping[str, str], span: Period | None):
    """The features of ``gdf`` the articles have dated by the end of ``span`` (first date starting no later
    than its last month), plus every undated feature; a copy with a boolean column ``undated``."""
    if gdf is None:
        return gdf
    out = gdf.copy()
    out["undated"] = [fid not in firsts for fid in out["id"]]
    if span is None or not len(out):
        return out
    keep = [fid not in firsts or parse_date(firsts[fid])[0] <= span[1] for fid in out["id"]]
    return out[keep]


def apply_period(layers: Mapping[str, object], atlas, span: Period | None) -> dict[str, object]:
    """Filter already-filtered layers by a period: events by their dates, the other layers' features by their
    first date (undated ones stay, marked ``undated``), and every feature's facts by ``as_of``."""
    firsts = first_dates(atlas)
    out = {}
    for lid, gdf in layers.items():
        gdf = events_in_period(gdf, span).copy() if lid == "events" else features_by_first_date(gdf, firsts, span)
        if lid == "events" and gdf is not None:
            gdf["undated"] = False
        if span is not None and gdf is not None and "facts" in gdf.columns and len(gdf):
            gdf["facts"] = [facts_in_period(f, span) for f in gdf["facts"]]
        out[lid] = gdf
    return out
