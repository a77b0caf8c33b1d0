"""geo.validate.checks: every broken fixture yields exactly its one problem; the mini atlas is clean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.core.schema import ID_PATTERN
from geo.validate.checks import Problem, main, validate_dir
from tests.common import ARTICLES_DIR, BROKEN_DIR, MINI_DIR, ROOT, edit_feature, read_json, write_json

PARKS_KINDS = ("sci_tech_city, landmark_platform, industrial_park, characteristic_town, innovation_space, "
               "incubator, data_center, service_center")
BASES = ("official_boundary, street_address, landmark, footprint_approx, parent_location, district_only, "
         "city_only, schematic")

# case directory -> (file, feature id or None, reason)
EXPECTED = {
    "missing_field": ("institutions.geojson", "inst_zju", "missing required property 'name_en'"),
    "wrong_type": ("institutions.geojson", "inst_westlake_univ",
                   "property 'location_precision_m' must be integer or number, got string"),
    "bad_id": ("plans.geojson", "Plan-Canal", f"id 'Plan-Canal' does not match {ID_PATTERN.pattern}"),
    "duplicate_id": ("institutions.geojson", "inst_zju", "duplicate id (also features[0] of this file)"),
    "duplicate_id_across_layers": ("companies.geojson", "park_yunqi_town", "duplicate id (also parks.geojson)"),
    "wrong_layer": ("companies.geojson", "co_deeprobotics",
                    "layer 'parks' does not match the file (expected 'companies')"),
    "bad_kind": ("parks.geojson", "park_yunqi_town", f"kind 'town' is not a kind of layer 'parks' ({PARKS_KINDS})"),
    "unknown_tag": ("institutions.geojson", "inst_zju", "unknown tag 'quantum' (not in geo.core.schema.TAGS)"),
    "bad_location_basis": ("parks.geojson", "park_hanggang_cloud_dc", f"location_basis 'guess' is not one of {BASES}"),
    "zero_precision": ("institutions.geojson", "inst_ucas_hias",
                       "location_precision_m must be a positive number of metres, got 0"),
    "bad_adcode": ("companies.geojson", "fund_hanggang_qizhen",
                   "adcode '330199' is neither 330100 nor a district in districts.geojson"),
    "unknown_parent": ("parks.geojson", "park_yungu_center", "unknown parent 'park_nowhere' (no feature has this id)"),
    "unknown_source": ("companies.geojson", "fund_runmiao",
                       "fact 0 (fund_size_first_phase): unknown source 's999' (not in sources.json)"),
    "fact_missing_field": ("parks.geojson", "park_zijingang", "fact 0 (planned_area): missing field 'as_of'"),
    "numeric_fact_without_unit": ("districts.geojson", "dist_xihu",
                                  "fact 0 (ai_revenue): numeric value 1300 has no unit"),
    "bad_qualifier": ("districts.geojson", "dist_xihu",
                      "fact 0 (ai_revenue): qualifier 'over' is not one of null, 'about', 'more than', 'at least', "
                      "'less than', 'at most'"),
    "missing_geometry": ("institutions.geojson", "inst_westlake_univ", "geometry is null"),
    "empty_geometry": ("parks.geojson", "park_yunqi_town", "geometry is empty (Point)"),
    "self_intersecting_polygon": ("plans.geojson", "plan_netvalley_core",
                                  "geometry is invalid: Self-intersection[120.185 30.345]"),
    "outside_hangzhou": ("institutions.geojson", "inst_westlake_univ",
                         "geometry lies outside Hangzhou: bounds (116.31, 39.99, 116.31, 39.99) not within "
                         "lon 118.2..120.9, lat 29..30.75"),
    "swapped_lat_lon": ("parks.geojson", "park_hanggang_cloud_dc",
                        "coordinates look like lat/lon swapped: (30.355, 120.19) is outside Hangzhou but swapping "
                        "x and y would put it inside; GeoJSON order is [lon, lat]"),
    "district_not_polygon": ("districts.geojson", "dist_binjiang",
                             "geometry of a districts feature must be a Polygon or MultiPolygon, got Point"),
    "child_outside_parent": ("parks.geojson", "park_china_cloud_valley",
                             "lies outside its parent park_zijingang: 9977 m beyond its polygon (tolerance 2000 m)"),
    "not_feature_collection": ("companies.geojson", None,
                               "not a GeoJSON FeatureCollection (top level is a JSON list)"),
    "bad_json": ("institutions.geojson", None, "invalid JSON at line 8 column 14: Expecting value"),
    "sources_missing": ("sources.json", None, "sources.json is missing; fact sources cannot be checked"),
    "unit_en_missing": ("districts.geojson", "dist_xihu", "fact 0 (ai_revenue): missing field 'unit_en'"),
    "target_as_qualifier": ("companies.geojson", "fund_runmiao",
                            "fact 0 (fund_size_first_phase): qualifier 'target' is not one of null, 'about', "
                            "'more than', 'at least', 'less than', 'at most'; a goal is marked with \"target\": true, "
                            "and qualifier then keeps its bound"),
    "target_not_boolean": ("parks.geojson", "park_zijingang",
                           "fact 0 (planned_area): field 'target' must be true or false, got 'yes'"),
    "location_note_pair_incomplete": ("institutions.geojson", "inst_ucas_hias",
                                      "'location_note_zh' without 'location_note_en' (both or neither)"),
    "parent_precision_too_small": ("companies.geojson", "co_alibaba_cloud",
                                   "location_precision_m 3000 is smaller than the radius that covers its parent "
                                   "park_zijingang (3636 m, the farthest edge of its footprint); a feature placed "
                                   "at its parent claims at least that"),
    "duplicate_figure_dates": ("parks.geojson", "park_china_cloud_valley",
                               "fact 1 (planned_area): the figure 26 km² (s004) is also on park_zijingang with "
                               "as_of '2026', here '2025': keep it as one fact with one as_of"),
    "event_bad_date": ("events.geojson", "ev_cloud_valley_launch", "event date: '2024-13': month 13 is not 1-12"),
    "event_period_without_end": ("events.geojson", "ev_runmiao_fund_launch",
                                 "date_resolution 'period' needs a date_end"),
    "event_unknown_place": ("events.geojson", "ev_cloud_valley_launch",
                            "unknown place 'park_nowhere' (no feature has this id)"),
    "event_unknown_participant": ("events.geojson", "ev_qizhen_fund_founded",
                                  "unknown participant 'co_nobody' (no feature has this id)"),
    "event_precision_too_small": ("events.geojson", "ev_qizhen_fund_founded",
                                  "location_precision_m 3000 is smaller than the radius that covers its place "
                                  "dist_gongshu (8169 m, the farthest edge of its footprint)"),
    # issue 15: quotes
    "quote_missing": ("districts.geojson", "dist_xihu", "fact 0 (ai_revenue): missing field 'quote_zh'"),
    "quote_too_long": ("districts.geojson", "dist_xihu",
                       "fact 0 (ai_revenue): quote_zh is 42 characters; at most 25 (trim with …)"),
    "quote_value_missing": ("districts.geojson", "dist_xihu",
                            "fact 0 (ai_revenue): quote_zh does not print the value 1500 亿元"),
    "quote_qualifier_mismatch": ("districts.geojson", "dist_xihu",
                                 "fact 0 (ai_revenue): qualifier 'about' disagrees with the quote's words next to "
                                 "1300 ('more than')"),
    "quote_target_mismatch": ("companies.geojson", "fund_runmiao",
                              "fact 0 (fund_size_first_phase): target is true but the quote has no word of a goal "
                              "or plan (目标, 力争, 预计, 将, 计划 ...)"),
    "quote_not_verbatim": ("companies.geojson", "fund_runmiao",
                           "fact 0 (fund_size_first_phase): quote_zh '首期规模20亿元的润苗基金' is not in article s002 "
                           "(verbatim, whitespace ignored)"),
    "date_finer_than_quote": ("parks.geojson", "park_china_cloud_valley",
                              "fact 0 (construction_start): date '2024-10-08' is a day, finer than the quote gives "
                              "(a month)"),
    "event_date_finer_than_quote": ("events.geojson", "ev_cloud_valley_launch",
                                    "date_resolution 'day' is finer than any of its date quotes gives"),
    "relative_date_without_note": ("events.geojson", "ev_qizhen_fund_founded",
                                   "fact 0 (date): the quote prints no year for '2025-09': say where it comes from "
                                   "in derived_zh/derived_en"),
    "duplicate_quote": ("events.geojson", "ev_cloud_valley_launch",
                        "fact 0 (date): the figure '2024-10' with the same quote is fact 0 (construction_start) of "
                        "park_china_cloud_valley: keep one fact, or mark this one \"restates\": "
                        "\"park_china_cloud_valley\""),
    "city_only_off_point": ("companies.geojson", "fund_runmiao",
                            "a city_only feature stands at the city's documented point (120.1605, 30.2765), not "
                            "(120.17, 30.28)"),
}


def test_every_broken_fixture_has_an_expectation():
    on_disk = {p.name for p in BROKEN_DIR.iterdir() if p.is_dir()}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 12


def test_mini_atlas_is_valid():
    assert validate_dir(MINI_DIR) == []
    assert validate_dir(MINI_DIR, articles=ARTICLES_DIR) == []


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_fixture_reports_exactly_its_defect(case):
    file, feature_id, reason = EXPECTED[case]
    directory = BROKEN_DIR / case
    assert validate_dir(directory, articles=ARTICLES_DIR) == [Problem(str(directory / file), feature_id, reason)]


@pytest.mark.parametrize("case", ["unknown_parent", "bad_json", "swapped_lat_lon"])
def test_main_prints_problem_and_fails(case, capsys):
    file, feature_id, reason = EXPECTED[case]
    directory = BROKEN_DIR / case
    assert main([str(directory), "--articles", str(ARTICLES_DIR)]) == 1
    lines = capsys.readouterr().out.splitlines()
    where = ": ".join(x for x in (str(directory / file), feature_id) if x)
    assert lines == [f"{where}: {reason}", "FAILED: 1 problem in 1 file"]


def test_problem_str():
    assert str(Problem("parks.geojson", "park_x", "bad")) == "parks.geojson: park_x: bad"
    assert str(Problem("parks.geojson", None, "bad")) == "parks.geojson: bad"
    assert str(Problem("parks.geojson", "park_x", "odd", "warning")) == "parks.geojson: park_x: warning: odd"


def test_module_runs_as_command_on_broken_dir():
    directory = BROKEN_DIR / "unknown_source"
    run = subprocess.run([sys.executable, "-m", "geo.validate", str(directory)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    file, feature_id, reason = EXPECTED["unknown_source"]
    assert f"{directory / file}: {feature_id}: {reason}" in run.stdout.splitlines()


def test_module_runs_as_command_on_mini():
    run = subprocess.run([sys.executable, "-m", "geo.validate", str(MINI_DIR), "--articles", str(ARTICLES_DIR)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout
    assert run.stdout.strip() == "OK: 23 features in 7 layers; 7 quotes verbatim in their articles"


@pytest.mark.parametrize("articles", ["missing", "partial"])
def test_verbatim_check_without_articles_is_reported_as_skipped(tmp_path, articles, capsys):
    directory = tmp_path / "articles"
    directory.mkdir()
    if articles == "partial":  # only s000's text
        for p in ARTICLES_DIR.glob("000_*.txt"):
            (directory / p.name).write_bytes(p.read_bytes())
    missing = "s001, s002, s003, s004" if articles == "partial" else "s000, s001, s002, s003, s004"
    assert main([str(BROKEN_DIR / "quote_not_verbatim"), "--articles", str(directory)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"SKIPPED: verbatim quote check for {missing}: article text not found in {directory}"
    assert lines[-1].startswith("OK: 23 features in 7 layers")


def test_validate_dir_without_articles_does_not_check_verbatim():
    assert validate_dir(BROKEN_DIR / "quote_not_verbatim") == []


def test_several_problems_are_all_reported(mini_copy):
    edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", tags=["compute", "nope"], kind="village")
    edit_feature(mini_copy, "companies.geojson", "co_deeprobotics", name_zh=...)
    reasons = [(p.feature_id, p.reason) for p in validate_dir(mini_copy)]
    assert reasons == [
        ("park_yunqi_town", "kind 'village' is not a kind of layer 'parks' (" + PARKS_KINDS + ")"),
        ("park_yunqi_town", "unknown tag 'nope' (not in geo.core.schema.TAGS)"),
        ("co_deeprobotics", "missing required property 'name_zh'"),
    ]


def test_point_outside_its_district_is_a_warning_only(mini_copy, capsys):
    # in the Gongshu box, but claims Xihu's adcode
    fc = read_json(mini_copy / "institutions.geojson")
    fc["features"][0]["geometry"]["coordinates"] = [120.20, 30.38]
    write_json(mini_copy / "institutions.geojson", fc)
    problems = validate_dir(mini_copy)
    assert [(p.feature_id, p.severity) for p in problems] == [("inst_zju", "warning")]
    assert problems[0].reason.startswith("lies outside the district of its adcode (dist_xihu): ")
    assert main([str(mini_copy), "--articles", str(ARTICLES_DIR)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == ("OK: 23 features in 7 layers (1 warning); 7 quotes verbatim "
                                                        "in their articles")


def test_child_within_parent_precision_is_accepted(mini_copy):
    # 0.01 deg (~1 km) north of Zijingang's edge: inside the parent's 2000 m precision
    fc = read_json(mini_copy / "parks.geojson")
    fc["features"][1]["geometry"]["coordinates"] = [120.075, 30.345]
    write_json(mini_copy / "parks.geojson", fc)
    assert validate_dir(mini_copy) == []


def test_parent_cycle(mini_copy):
    edit_feature(mini_copy, "parks.geojson", "park_zijingang", parent="park_yungu_center")
    problems = [str(p).split(": ", 1)[1] for p in validate_dir(mini_copy)]
    assert "park_zijingang: parent chain loops: park_zijingang -> park_yungu_center -> park_china_cloud_valley" \
           " -> park_zijingang" in problems


@pytest.mark.parametrize(("value", "ok"), [(1, True), (0.5, True), (0, False), (-3, False), (True, False)])
def test_precision_values(mini_copy, value, ok):
    edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", location_precision_m=value)
    assert (validate_dir(mini_copy) == []) is ok


@pytest.mark.parametrize(("fact_value", "unit", "ok"), [
    (20, "亿元", True), ("2024-10", "", True), ("2024-10", None, True), (20, "", False), (20, None, False),
    ([20], "亿元", False),
])
def test_fact_value_and_unit(mini_copy, fact_value, unit, ok):
    fc = read_json(mini_copy / "companies.geojson")
    fact = fc["features"][2]["properties"]["facts"][0]
    fact.update(value=fact_value, unit=unit)
    if isinstance(fact_value, str):  # a date value needs a quote that dates it
        fact["quote_zh"] = "2024年10月，润苗基金启航"
    write_json(mini_copy / "companies.geojson", fc)
    assert (validate_dir(mini_copy) == []) is ok


def test_empty_directory(tmp_path):
    reasons = [str(p) for p in validate_dir(tmp_path)]
    assert reasons[0] == f"{tmp_path / 'sources.json'}: sources.json is missing; fact sources cannot be checked"
    assert reasons[1].startswith(f"{tmp_path}: no layer files found")
