"""The shipped events layer: every dated event of the five articles in Hangzhou, each at its place.

The list below is the coverage contract: an event that goes missing, changes its date, resolution or place,
or appears without a line here fails a test that names it.
"""

from __future__ import annotations

import json

import pytest
from shapely.geometry import shape

from geo.core.schema import CITY_POINT, DATE_RESOLUTIONS, EVENT_LOCATION_BASES, KINDS
from geo.core.timeline import event_interval, parse_date
from geo.validate.checks import validate_dir
from tests.common import REAL_DATA_DIR

# id, kind, date_start, date_end, date_resolution, place
EXPECTED_EVENTS = [
    ("ev_silicon_paradise_vision", "policy_launch", "2003", None, "year", "city_hangzhou"),
    ("ev_digital_economy_first_city", "policy_launch", "2018", None, "year", "city_hangzhou"),
    ("ev_zijin_ten_policy", "policy_launch", "2024-04", None, "month", "park_zijingang"),
    ("ev_zijingang_alliance_founded", "founding", "2024-06", None, "month", "park_zijingang"),
    ("ev_china_cloud_valley_launch", "launch", "2024-10", None, "month", "park_china_cloud_valley"),
    ("ev_xinchuang_park_unveiled", "opening", "2024-10", None, "month", "park_xinchuang_shangmi"),
    ("ev_chengxi_innovation_center_start", "launch", "2024-11", None, "month", "park_chengxi_innovation_center"),
    ("ev_deepseek_v3_release", "release", "2024", None, "year", "co_deepseek"),
    ("ev_lihe_moves_in", "move_in", "2024", None, "year", "park_zijingang"),
    ("ev_xihu_sci_tech_conference_2025", "conference", "2025", None, "year", "dist_xihu"),
    ("ev_china_compute_valley_proposed", "meeting", "2025", None, "year", "dist_gongshu"),
    ("ev_296x_cluster_system", "policy_launch", "2025", None, "year", "city_hangzhou"),
    ("ev_hangzhou_ai_plan_2025", "policy_launch", "2025-06", None, "month", "city_hangzhou"),
    ("ev_runda_hanggang_cloud_deal", "signing", "2025-07", None, "month", "dist_gongshu"),
    ("ev_faceunity_moves_in", "move_in", "2025-08", None, "month", "park_canal_future_city"),
    ("ev_hanggang_qizhen_fund_founded", "founding", "2025-09", None, "month", "dist_gongshu"),
    ("ev_deepseek_r1_nature_cover", "release", "2025-09-17", None, "day", "co_deepseek"),
    ("ev_genos_release", "release", "2025-10", None, "month", "inst_bgi_hangzhou"),
    ("ev_genos_update", "release", "2025-12", None, "month", "inst_bgi_hangzhou"),
    ("ev_modelscope_dev_center_opening", "opening", "2025-11", None, "month", "park_yungu_center"),
    ("ev_municipal_plenary_13_10", "meeting", "2025-11", "2025-12", "period", "city_hangzhou"),
    ("ev_runmiao_plan", "policy_launch", "2025-11", "2025-12", "period", "city_hangzhou"),
    ("ev_runmiao_fund_launch", "launch", "2025-11", "2025-12", "period", "park_eastern_software_park"),
    ("ev_rokid_nature_cover", "release", "2025-12-11", None, "day", "co_rokid"),
    ("ev_xiaoshan_ai_communities_launch", "launch", "2025", None, "year", "dist_xiaoshan"),
    ("ev_muyu_space_launch", "launch", "2025", None, "year", "park_muyu_space"),
    ("ev_national_lab_completed", "opening", "2025-12", "2026-01", "period", "inst_national_lab_xihu"),
    ("ev_gongshu_plenary_2026", "meeting", "2026-01-07", None, "day", "dist_gongshu"),
    ("ev_ai_hackathon_first_stop", "hackathon", "2026-01-16", None, "day", "park_yungu_center"),
    # dated relative to the article's own date (issue 15): the article's months, with a note
    ("ev_zj_enterprise_institutes_2025", "release", "2025-12", "2026-02", "period", "dist_gongshu"),
    ("ev_city_governance_paradigm", "policy_launch", "2025-11", "2025-12", "period", "city_hangzhou"),
    ("ev_aigc_global_contest", "competition", "2026-01", "2026-02", "period", "co_alibaba_cloud"),
    ("ev_ai_culture_list", "release", "2026-01", "2026-02", "period", "dist_xihu"),
    ("ev_hangzhou_two_sessions_2026", "meeting", "2026-01", "2026-03", "period", "city_hangzhou"),
]
LAYER_FILES = ("city", "districts", "plans", "parks", "institutions", "companies")


def _collection(name: str) -> dict:
    return json.loads((REAL_DATA_DIR / f"{name}.geojson").read_text(encoding="utf-8"))


EVENTS = {f["properties"]["id"]: f for f in _collection("events")["features"]}
PLACES = {f["properties"]["id"]: f for name in LAYER_FILES for f in _collection(name)["features"]}
SOURCES = {s["id"] for s in json.loads((REAL_DATA_DIR / "sources.json").read_text(encoding="utf-8"))}


def test_no_event_missing_or_unlisted():
    assert set(EVENTS) == {row[0] for row in EXPECTED_EVENTS}
    assert len(EXPECTED_EVENTS) == len({row[0] for row in EXPECTED_EVENTS}) == 34


@pytest.mark.parametrize(("fid", "kind", "start", "end", "resolution", "place"), EXPECTED_EVENTS,
                         ids=[row[0] for row in EXPECTED_EVENTS])
def test_event(fid, kind, start, end, resolution, place):
    props = EVENTS[fid]["properties"]
    assert (props["layer"], props["kind"], props["parent"]) == ("events", kind, None)
    assert (props["date_start"], props["date_end"], props["date_resolution"], props["place"]) == (
        start, end, resolution, place)
    assert kind in KINDS["events"] and resolution in DATE_RESOLUTIONS
    first, last = event_interval(props)
    assert first <= last


@pytest.mark.parametrize("fid", sorted(EVENTS))
def test_event_stands_at_its_place_with_its_precision(fid):
    event = EVENTS[fid]
    props = event["properties"]
    place = PLACES[props["place"]]
    geom = shape(place["geometry"])
    point = geom if geom.geom_type == "Point" else geom.representative_point()
    if place["properties"]["layer"] == "city":  # city-only items stand at the city's documented point
        point = shape({"type": "Point", "coordinates": CITY_POINT})
    assert event["geometry"]["type"] == "Point"
    lon, lat = event["geometry"]["coordinates"]
    assert abs(lon - point.x) < 1e-6 and abs(lat - point.y) < 1e-6
    assert props["location_precision_m"] >= place["properties"]["location_precision_m"]
    assert props["location_basis"] in EVENT_LOCATION_BASES
    if place["properties"]["layer"] in ("city", "districts"):
        assert props["location_basis"] == ("city_only" if place["properties"]["layer"] == "city" else "district_only")
    assert props["adcode"] == place["properties"]["adcode"]
    assert all(x in PLACES for x in props["participants"])


@pytest.mark.parametrize("fid", sorted(EVENTS))
def test_event_is_cited_and_bilingual(fid):
    props = EVENTS[fid]["properties"]
    for key in ("name_zh", "name_en", "description_zh", "description_en", "location_note_zh", "location_note_en"):
        assert props[key].strip(), f"{fid}: {key} is empty"
    assert props["facts"] and set(props["source_ids"]) <= SOURCES
    dates = [f for f in props["facts"] if f["attribute"] == "date"]
    assert dates, f"{fid}: no date fact"
    for fact in props["facts"]:
        assert fact["source"] in props["source_ids"]
    # the date fact states the event's own interval
    for fact in dates:
        assert parse_date(fact["as_of"]) == event_interval(props)
        assert fact["quote_zh"].strip(), f"{fid}: the date has no quote"


def test_events_layer_validates():
    problems = [p for p in validate_dir(REAL_DATA_DIR) if p.file.endswith("events.geojson")]
    assert not problems, "\n".join(map(str, problems))
