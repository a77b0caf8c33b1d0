"""geo.core.timeline: dates at their resolution, first dates, timelines, spans and period filters (mini atlas)."""

from __future__ import annotations

import pytest

from geo.core.timeline import (
    TIMELINE_COLUMNS,
    DateError,
    Month,
    apply_period,
    event_interval,
    events_in_period,
    facts_in_period,
    features_by_first_date,
    first_dates,
    month_span,
    overlaps,
    parse_date,
    period,
    resolution,
    timeline,
)
from geo.io.read import UnknownFeatureError


def M(text: str) -> Month:
    year, month = text.split("-")
    return Month(int(year), int(month))


@pytest.mark.parametrize(("text", "first", "last", "res"), [
    ("2025", "2025-01", "2025-12", "year"),
    ("2025-07", "2025-07", "2025-07", "month"),
    ("2025-07-15", "2025-07", "2025-07", "day"),
    ("2024-02-29", "2024-02", "2024-02", "day"),
    ("2021/2025", "2021-01", "2025-12", "period"),
    ("2025-01/2025-10", "2025-01", "2025-10", "period"),
    ("2025-12/2026-01", "2025-12", "2026-01", "period"),
    (" 2003 ", "2003-01", "2003-12", "year"),
])
def test_parse_valid_dates(text, first, last, res):
    assert parse_date(text) == (M(first), M(last))
    assert resolution(text) == res


@pytest.mark.parametrize(("text", "message"), [
    ("2025-13", r"month 13 is not 1-12"),
    ("2025-00", r"month 0 is not 1-12"),
    ("2025-02-29", r"day 29 is not in 2025-02 \(1-28\)"),
    ("2025-04-31", r"day 31 is not in 2025-04"),
    ("25-01", r"is not a date \(YYYY, YYYY-MM or YYYY-MM-DD\)"),
    ("2025-1", r"is not a date"),
    ("early 2025", r"is not a date"),
    ("2025/2024", r"the period ends before it starts"),
    ("2025-10/2025-01", r"the period ends before it starts"),
    ("2021/2023/2025", r"two dates joined by one '/'"),
    ("", r"is not a date string"),
    (None, r"is not a date string"),
    (2025, r"is not a date string"),
])
def test_parse_invalid_dates(text, message):
    with pytest.raises(DateError, match=message):
        parse_date(text)


def test_month_order_index_and_text():
    assert Month(2024, 12) < Month(2025, 1)
    assert Month.from_index(Month(2025, 7).index) == Month(2025, 7)
    assert Month(2025, 1).index - Month(2024, 12).index == 1
    assert str(Month(2025, 3)) == "2025-03" and Month.parse("2025-03") == Month(2025, 3)
    with pytest.raises(DateError, match=r"not a month"):
        Month.parse("2025")


@pytest.mark.parametrize(("interval", "span", "expected"), [
    (("2025", None), ("2025-06", "2025-06"), True),       # a year overlaps each of its months
    (("2025-06", None), ("2025-07", "2025-12"), False),
    (("2024-10", None), ("2024-10", "2024-10"), True),    # edges count
    (("2021/2025", None), ("2025-12", "2026-02"), True),
    (("2026-01-16", None), ("2025-01", "2025-12"), False),
])
def test_overlaps(interval, span, expected):
    assert overlaps(parse_date(interval[0]), period(*span)) is expected
    assert overlaps(parse_date(interval[0]), None) is True


@pytest.mark.parametrize(("args", "message"), [
    (("2025-06", "2025-01"), r"ends before it starts"),
    (("2025-13",), r"month 13"),
])
def test_period_rejects_bad_input(args, message):
    with pytest.raises(DateError, match=message):
        period(*args)


def test_event_interval_reads_start_and_end():
    assert event_interval({"date_start": "2025-11", "date_end": "2025-12"}) == (M("2025-11"), M("2025-12"))
    assert event_interval({"date_start": "2026-01-16", "date_end": None}) == (M("2026-01"), M("2026-01"))


def test_first_dates(mini_atlas):
    firsts = first_dates(mini_atlas)
    assert firsts["park_zijingang"] == "2024-10"          # its event (participant) is earlier than its fact (2026)
    assert firsts["park_china_cloud_valley"] == "2024-10"
    assert firsts["fund_runmiao"] == "2025-11/2025-12"    # the launch period starts before the 2025-12 fact
    assert firsts["dist_xihu"] == "2025"
    assert firsts["dist_gongshu"] == firsts["inst_zju"] == firsts["fund_hanggang_qizhen"] == "2025-09"
    assert firsts["ev_cloud_valley_launch"] == "2024-10"
    assert "park_yunqi_town" not in firsts and "inst_westlake_univ" not in firsts  # undated


def test_month_span(mini_atlas):
    assert month_span(mini_atlas) == (M("2024-10"), M("2026-12"))


def test_timeline_orders_events_and_facts_with_sources(mini_atlas):
    rows = timeline(mini_atlas, "fund_runmiao")
    assert list(rows.columns) == list(TIMELINE_COLUMNS)
    assert rows[["date", "type", "role", "sources"]].values.tolist() == [
        ["2025-11/2025-12", "event", "participant", ["s002"]],
        ["2025-12", "fact", None, ["s002"]],
    ]
    assert rows.loc[1, "value"] == 20 and rows.loc[1, "unit"] == "亿元" and rows.loc[1, "unit_en"] == "CNY 100 million"


def test_timeline_of_a_place_and_of_an_event(mini_atlas):
    place = timeline(mini_atlas, "park_china_cloud_valley")
    assert place[["type", "role", "event_id"]].values.tolist() == [
        ["event", "place", "ev_cloud_valley_launch"], ["fact", None, None]]
    event = timeline(mini_atlas, "ev_cloud_valley_launch")
    assert event[["type", "role"]].values.tolist() == [["event", "self"], ["fact", None]]


def test_timeline_of_an_undated_feature_is_empty(mini_atlas):
    rows = timeline(mini_atlas, "park_yunqi_town")
    assert rows.empty and list(rows.columns) == list(TIMELINE_COLUMNS)


def test_timeline_unknown_id(mini_atlas):
    with pytest.raises(UnknownFeatureError, match=r"park_nowhere: no feature with this id"):
        timeline(mini_atlas, "park_nowhere")


@pytest.mark.parametrize(("span", "ids"), [
    (None, ["ev_cloud_valley_launch", "ev_qizhen_fund_founded", "ev_runmiao_fund_launch"]),
    (("2024-01", "2024-12"), ["ev_cloud_valley_launch"]),
    (("2025-12", "2026-06"), ["ev_runmiao_fund_launch"]),
    (("2025-09", "2025-11"), ["ev_qizhen_fund_founded", "ev_runmiao_fund_launch"]),
    (("2026-01", "2026-12"), []),
])
def test_events_in_period(mini_atlas, span, ids):
    found = events_in_period(mini_atlas.layers["events"], period(*span) if span else None)
    assert list(found["id"]) == ids


@pytest.mark.parametrize(("span", "as_ofs"), [
    (None, ["2025", "2025-07", "2026", "2021/2025", "bad"]),
    (("2025-06", "2025-12"), ["2025", "2025-07", "2021/2025", "bad"]),
    (("2026-01", "2026-03"), ["2026", "bad"]),  # an unreadable as_of cannot be placed in time: kept
])
def test_facts_in_period(span, as_ofs):
    facts = [{"attribute": a, "as_of": a} for a in ["2025", "2025-07", "2026", "2021/2025", "bad"]]
    got = facts_in_period(facts, period(*span) if span else None)
    assert [f["as_of"] for f in got] == as_ofs


def test_features_by_first_date_keeps_undated(mini_atlas):
    parks = mini_atlas.layers["parks"]
    firsts = first_dates(mini_atlas)
    before = features_by_first_date(parks, firsts, period("2024-01", "2024-06"))
    assert list(before["id"]) == ["park_yungu_center", "park_yunqi_town", "park_hanggang_cloud_dc"]
    assert before["undated"].all()
    after = features_by_first_date(parks, firsts, period("2024-10", "2024-12"))
    assert set(after["id"]) == set(parks["id"])
    undated = after.set_index("id")["undated"]
    assert not undated["park_zijingang"] and undated["park_yunqi_town"]


def test_apply_period(mini_atlas):
    out = apply_period(dict(mini_atlas.layers), mini_atlas, period("2024-10", "2024-12"))
    assert list(out["events"]["id"]) == ["ev_cloud_valley_launch"]
    zjg = out["parks"].set_index("id").loc["park_zijingang"]
    assert zjg["facts"] == []                       # its only fact is as of 2026
    assert "fund_runmiao" not in set(out["companies"]["id"])  # first dated 2025-11
    assert mini_atlas.layers["parks"].set_index("id").loc["park_zijingang", "facts"]  # the atlas is untouched
    unfiltered = apply_period(dict(mini_atlas.layers), mini_atlas, None)
    assert len(unfiltered["companies"]) == len(mini_atlas.layers["companies"])


def test_timeline_of_every_shipped_feature_reads_event_sources_as_read_from_file():
    """source_ids come back from pyogrio as numpy arrays: the timeline lists them (it used to raise)."""
    from geo.io.atlas import load_atlas
    from tests.common import REAL_DATA_DIR

    atlas = load_atlas(REAL_DATA_DIR)
    events = atlas.layers["events"].set_index("id")
    for fid in atlas.ids():
        rows = timeline(atlas, fid)
        for rec in rows[rows["type"] == "event"].to_dict("records"):
            assert rec["sources"] == [str(s) for s in events.loc[rec["event_id"], "source_ids"]]
