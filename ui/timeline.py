"""Time in the side panel: dates read at their resolution, a feature's first date (or "undated"), and its
timeline (geo.core.timeline.timeline: its events and dated facts in order, each with its article label), cut to the
period chosen in the sidebar, built once per view (timeline_view). ui/panel.py sends it: the events in it are
pills that select the event."""

from __future__ import annotations

from dataclasses import dataclass

from geo.core.filters import Filters
from geo.core.timeline import DateError, overlaps, parse_date, resolution
from geo.core.timeline import timeline as feature_timeline
from geo.io.atlas import Atlas
from ui import data
from ui.dates import MONTHS_EN, date_text, is_date, month_label  # noqa: F401 - the one date format, re-exported
from ui.facts import article_labels, display, value_text
from ui.i18n import t
from ui.memo import shared
from ui.text import distinct, md

FIRST_ROWS = 12  # timeline rows shown; the rest open from "另外 n 条"


def event_when(row, lang: str) -> str:
    """An event's date at its resolution, with the resolution named: "2024年10月（精确到月）"."""
    start, end = row.get("date_start"), row.get("date_end")
    text = f"{start}/{end}" if isinstance(end, str) and end.strip() and end != start else start
    try:
        res = resolution(text)
    except DateError:
        return "" if text is None else str(text)
    label, when = t(f"res_{res}", lang), _qualified(date_text(text, lang), _date_qualifier(row), lang)
    return f"{when}（{label}）" if lang == "zh" else f"{when} ({label})"


# an event's date bounded within its resolution (the date fact's date_qualifier, issue 15): 2024年末 / late 2024
_DATE_QUALIFIER = {"early": ("{}初", "early {}"), "late": ("{}末", "late {}"), "before": ("{}之前", "before {}"),
                   "after": ("{}之后", "after {}")}


def _date_qualifier(row) -> str | None:
    facts = row.get("facts")
    return next((f.get("date_qualifier") for f in (facts if isinstance(facts, list) else [])
                 if isinstance(f, dict) and f.get("attribute") == "date" and f.get("date_qualifier")), None)


def _qualified(text: str, qualifier: str | None, lang: str) -> str:
    forms = _DATE_QUALIFIER.get(qualifier)
    return forms[0 if lang == "zh" else 1].format(text) if forms else text


def first_date_info(atlas: Atlas, feature_id: str, lang: str) -> tuple[str, str]:
    """(label, value) for the panel's info lines: the first date the articles give, or "undated"."""
    first = data.first_dates(data.data_dir(), atlas.hash).get(feature_id)
    return (t("first_date", lang), date_text(first, lang)) if first else (t("first_date", lang), t("undated", lang))


@dataclass(frozen=True)
class TimelineView:
    """A feature's timeline as the panel shows it: rows oldest first, each part either markdown lines (dated
    facts) or a run of consecutive events (``(event id, label)`` pairs: one pills that selects the event)."""

    empty: bool  # the articles date nothing of this feature
    outside: str  # caption: how many rows the period hides ("" when none)
    shown: tuple[str | tuple[tuple[str, str], ...], ...]  # the first FIRST_ROWS rows
    rest: tuple[str | tuple[tuple[str, str], ...], ...]  # the others, behind "时间线其余 n 条"
    more: str  # the expander's label ("" when no rest)


@shared(max_entries=1024)
def timeline_view(directory: str, content_hash: str, feature_id: str, lang: str,
                  period: tuple[str, ...]) -> TimelineView:
    """The feature's timeline within ``period`` (() = all), built once per (data version, feature, language,
    period): events as "2024年10月 · name · 在此发生 · 文3" (with an event icon), dated facts as lines
    "- 2025年 · **label**: value · 文1"."""
    atlas = data.load(directory, content_hash).atlas
    frame = feature_timeline(atlas, feature_id)
    if frame.empty:
        return TimelineView(True, "", (), (), "")
    span = Filters(period=period).span
    rows = frame[[overlaps(parse_date(d), span) for d in frame["date"]]]
    outside = t("timeline_outside", lang, n=len(frame) - len(rows)) if len(rows) < len(frame) else ""
    labels = article_labels(atlas.sources, lang)
    records = rows.to_dict("records")
    more = t("timeline_more", lang, n=len(records) - FIRST_ROWS) if len(records) > FIRST_ROWS else ""
    return TimelineView(False, outside, _parts(records[:FIRST_ROWS], labels, lang),
                        _parts(records[FIRST_ROWS:], labels, lang), more)


def _parts(records: list[dict], labels: dict[str, str], lang: str) -> tuple:
    parts: list = []
    for rec in records:
        articles = "、".join(labels.get(s, s) for s in rec["sources"] or []) if lang == "zh" else \
            ", ".join(labels.get(s, s) for s in rec["sources"] or [])
        when = date_text(rec["date"], lang)
        name = display(rec.get(f"label_{lang}") or rec.get("label_zh") or rec.get("label_en") or "", lang)
        if rec["type"] == "event":
            words = [when, name, t(f"role_{rec['role']}", lang), articles]
            item = (rec["event_id"], ":material/event: " + md(" · ".join(p for p in words if p)))
            if parts and isinstance(parts[-1], list):
                parts[-1].append(item)
            else:
                parts.append([item])
        else:
            fact = {k: rec.get(k) for k in ("value", "unit", "unit_en", "unit_gloss_zh", "target", "qualifier")}
            tail = f" · {md(articles)}" if articles else ""
            value = "" if is_date(rec.get("value")) else value_text(fact, lang)  # the date is said once, first
            line = f"- {md(when)} · **{md(name)}**" + (f": {md(value)}" if value else "") + tail
            if parts and isinstance(parts[-1], str):
                parts[-1] += "\n" + line
            else:
                parts.append(line)
    return tuple(distinct(p) if isinstance(p, list) else p for p in parts)
