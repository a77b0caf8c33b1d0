"""The shipped parks, plans, district and city data keep every place and figure the five articles call for.

Each id and fact below comes from an article (source id in the tuple); if one goes missing or its value
changes, the failure names it. Files are read with geopandas (pyogrio) through geo.io.read.read_layer.
"""

from __future__ import annotations

import importlib.util

import pytest
from shapely.geometry import Point

from geo.core.schema import LOCATION_BASES
from geo.core.spatial import area_km2
from geo.io.read import read_layer, read_sources
from geo.validate.checks import validate_dir
from tests.common import REAL_DATA_DIR

PARK_IDS = (
    # fixed ids (docs/CONTRACTS.md)
    "park_zijingang", "park_china_cloud_valley", "park_yungu_center", "park_modelscope_dev_center",
    "park_xinchuang_shangmi", "park_xihu_data_intel", "park_yungu_fudi", "park_future_life_sci",
    "park_canal_future_city", "park_smart_netvalley_town", "park_hanggang_cloud_dc", "park_yunqi_town",
    "park_eastern_software_park", "park_northern_software_park", "park_muyu_space", "park_xiangshan_art_commune",
    # added from the articles
    "park_xiaoshan_xinmo", "park_xiaoshan_xinchuang", "park_xiaoshan_xinji", "park_future_sci_tech_city",
    "park_westlake_transfer_base", "park_ai_incubation_center", "park_yunchuang_transfer_base",
    "park_ip_service_complex", "park_zjg_service_station", "park_chengxi_innovation_center",
    "park_market_prospect_branch", "park_zhejiang_cloud", "park_xihu_sci_park", "park_alibaba_center",
)
PLAN_IDS = (
    "plan_grand_canal_axis", "plan_netvalley_core", "plan_banshan_wing", "plan_northern_software_wing",
    "plan_chengxi_corridor", "plan_chengdong_corridor", "plan_gongshu_ai_layout", "plan_china_compute_valley",
    "plan_dachengbei_core", "plan_zijingang_ecocircle", "plan_g60_corridor", "plan_node_life", "plan_node_cloud",
    "plan_node_manufacturing", "plan_metro_line4_west",
)

# (layer, feature id, attribute, value, qualifier, source); a goal reads "target" or "target/<its bound>"
FACTS = [
    ("parks", "park_zijingang", "planned_area", 26, None, "s004"),
    ("parks", "park_zijingang", "provincial_key_labs", 118, None, "s004"),
    ("parks", "park_zijingang", "ai_revenue", 1081, None, "s003"),
    ("parks", "park_alibaba_center", "industrial_space", 6.5, "about", "s002"),
    ("parks", "park_china_cloud_valley", "construction_start", "2024-10", None, "s003"),
    ("parks", "park_yungu_center", "hackathon_date", "2026-01-16", None, "s003"),
    ("parks", "park_modelscope_dev_center", "opened", "2025-11", None, "s003"),
    ("parks", "park_modelscope_dev_center", "signed_companies", 50, "more than", "s003"),
    ("parks", "park_modelscope_dev_center", "target_companies_and_developers", 300, "target/more than", "s003"),
    ("parks", "park_modelscope_dev_center", "desk_rent", 300, None, "s002"),
    ("parks", "park_modelscope_dev_center", "developer_club_area", 2800, None, "s003"),
    ("parks", "park_xinchuang_shangmi", "planned_floor_area", 70, "target", "s004"),
    ("parks", "park_xinchuang_shangmi", "target_firms", 500, "target/more than", "s004"),
    ("parks", "park_xinchuang_shangmi", "resident_projects", 30, None, "s004"),
    ("parks", "park_zijingang", "ai_x_themed_parks_area", 15, None, "s003"),
    ("parks", "park_muyu_space", "core_space", 6.5, "about", "s002"),
    ("parks", "park_eastern_software_park", "runmiao_fund_launch", 20, None, "s002"),
    ("parks", "park_chengxi_innovation_center", "construction_start", "2024-11", None, "s004"),
    ("parks", "park_hanggang_cloud_dc", "runda_cooperation", "2025-07", None, "s001"),
    ("parks", "park_canal_future_city", "xiangxin_entry", "2025-08", None, "s001"),
    ("plans", "plan_gongshu_ai_layout", "fusion_fields_count", 6, None, "s001"),
    ("plans", "plan_china_compute_valley", "breakthrough_rank", 1, None, "s001"),
    ("city", "city_hangzhou", "university_ecocircles", 4, None, "s003"),
    ("plans", "plan_metro_line4_west", "status", "全速推进 (under construction)", None, "s004"),
    ("plans", "plan_node_life", "status", "待落地 (planned)", "target", "s004"),
    ("districts", "dist_gongshu", "provincial_sci_tech_smes_growth", "年均两位数增长 (double-digit growth each year)",
     None, "s001"),
    ("districts", "dist_xihu", "national_key_labs", 25, None, "s000"),
    ("districts", "dist_xihu", "provincial_key_labs", 72, None, "s000"),
    ("districts", "dist_xihu", "ai_revenue", 1300, "more than", "s000"),
    ("districts", "dist_xihu", "tech_transfer_projects_5y", 1320, None, "s000"),
    ("districts", "dist_xihu", "f_class_talent_quota", 50, None, "s003"),
    ("districts", "dist_gongshu", "national_high_tech_enterprises", 803, None, "s001"),
    ("districts", "dist_gongshu", "provincial_sci_tech_smes", 2233, None, "s001"),
    ("districts", "dist_gongshu", "enterprise_research_institutes_2025", 27, None, "s001"),
    ("districts", "dist_gongshu", "software_it_revenue_growth", 18.9, None, "s001"),
    ("districts", "dist_xiaoshan", "ai_industry_communities", 3, None, "s002"),
    ("city", "city_hangzhou", "national_key_labs", 33, None, "s002"),
    ("city", "city_hangzhou", "provincial_labs", 7, None, "s002"),
    ("city", "city_hangzhou", "concept_verification_centers", 36, None, "s002"),
    ("city", "city_hangzhou", "ai_core_revenue_growth", 26.3, None, "s002"),
    ("city", "city_hangzhou", "rd_intensity_2030", 4.5, "target", "s002"),
    ("city", "city_hangzhou", "sci_tech_investment_2030", 4000, "target", "s002"),
    ("city", "city_hangzhou", "annual_scenarios_target", 200, "target/more than", "s002"),
    ("city", "city_hangzhou", "annual_scenario_projects_target", 50, "target/more than", "s002"),
    ("city", "city_hangzhou", "scenario_exchange_projects_target", 100, "target/at least", "s002"),
    ("city", "city_hangzhou", "digital_economy_share_gdp", 28.8, None, "s001"),
    ("city", "city_hangzhou", "zhejiang_ai_core_revenue", 6800, "about", "s001"),
]

FILES = {"parks": "parks.geojson", "plans": "plans.geojson", "districts": "districts.geojson", "city": "city.geojson"}


@pytest.fixture(scope="module")
def layers():
    return {layer: read_layer(REAL_DATA_DIR / name).set_index("id", drop=False) for layer, name in FILES.items()}


@pytest.fixture(scope="module")
def sources():
    return read_sources(REAL_DATA_DIR / "sources.json")


@pytest.mark.parametrize(("layer", "ids"), [("parks", PARK_IDS), ("plans", PLAN_IDS)])
def test_every_place_the_articles_call_for_is_present(layers, layer, ids):
    missing = sorted(set(ids) - set(layers[layer].index))
    assert not missing, f"{FILES[layer]} lacks {missing}"
    assert layers[layer].index.is_unique


@pytest.mark.parametrize(("layer", "fid", "attribute", "value", "qualifier", "source"), FACTS,
                         ids=[f"{f[1]}.{f[2]}" for f in FACTS])
def test_article_fact_is_carried_over(layers, layer, fid, attribute, value, qualifier, source):
    facts = layers[layer].loc[fid, "facts"]
    found = [f for f in facts if f["attribute"] == attribute and f["source"] == source]
    assert len(found) == 1, f"{fid}: fact {attribute!r} from {source} missing or duplicated"
    assert found[0]["value"] == value
    got = found[0]
    assert ("target" + (f"/{got['qualifier']}" if got["qualifier"] else "") if got["target"]
            else got["qualifier"]) == qualifier
    if isinstance(value, int | float):
        assert got["unit"].strip() and got["unit_en"].strip(), f"{fid}.{attribute} has no unit or unit_en"


@pytest.mark.parametrize("layer", list(FILES))
def test_facts_and_source_ids_refer_to_registered_articles(layers, sources, layer):
    for fid, row in layers[layer].iterrows():
        cited = {f["source"] for f in row["facts"]}
        assert cited <= set(sources), f"{fid} cites unknown sources {cited - set(sources)}"
        raw = row.get("source_ids")  # not a nested property in geo.io: GDAL gives a numpy array (or NaN if absent)
        listed = [str(s) for s in raw] if hasattr(raw, "__len__") and not isinstance(raw, str) else None
        if layer in ("parks", "plans") or cited:
            assert listed is not None and cited <= set(listed) <= set(sources), (
                f"{fid}: source_ids {listed} must cover the cited {sorted(cited)} and be registered")


def test_parent_chain_of_the_modelscope_center(layers):
    parks = layers["parks"]
    chain, fid = [], "park_modelscope_dev_center"
    while fid is not None:
        chain.append(fid)
        fid = parks.loc[fid, "parent"]
    assert chain == ["park_modelscope_dev_center", "park_yungu_center", "park_china_cloud_valley", "park_zijingang"]


def test_zijingang_footprint_matches_the_reported_planned_area(layers):
    row = layers["parks"].loc["park_zijingang"]
    assert row.geometry.geom_type == "Polygon"
    assert row["location_basis"] == "footprint_approx"
    assert area_km2(row.geometry) == pytest.approx(26, abs=1.0)
    assert 1000 <= row["location_precision_m"] <= 1500


@pytest.mark.parametrize(("fid", "district"), [
    ("park_zijingang", "dist_xihu"), ("park_china_cloud_valley", "dist_xihu"), ("park_yunqi_town", "dist_xihu"),
    ("park_hanggang_cloud_dc", "dist_gongshu"), ("park_northern_software_park", "dist_gongshu"),
    ("park_xiaoshan_xinmo", "dist_xiaoshan"), ("park_muyu_space", "dist_yuhang"),
])
def test_parks_lie_in_their_district(layers, fid, district):
    geom = layers["parks"].loc[fid].geometry
    boundary = layers["districts"].loc[district].geometry
    point = geom if isinstance(geom, Point) else geom.representative_point()
    assert boundary.contains(point), f"{fid} is not inside {district}"
    assert layers["parks"].loc[fid, "adcode"] == layers["districts"].loc[district, "adcode"]


def test_gongshu_layout_geometry_and_six_fusions(layers):
    plans = layers["plans"]
    assert plans.loc["plan_grand_canal_axis"].geometry.geom_type == "LineString"
    for fid in ("plan_netvalley_core", "plan_banshan_wing", "plan_northern_software_wing"):
        assert plans.loc[fid].geometry.geom_type == "Polygon"
        assert plans.loc[fid, "parent"] == "plan_gongshu_ai_layout"
    axis = plans.loc["plan_grand_canal_axis"].geometry
    gongshu = layers["districts"].loc["dist_gongshu"].geometry
    assert axis.length > 0.08  # about 11 km from Wulinmen to the northern edge
    assert gongshu.buffer(0.002).contains(axis)
    fields = {f["attribute"]: f["value"] for f in plans.loc["plan_gongshu_ai_layout", "facts"]}
    assert fields["fusion_fields_count"] == 6
    for sector in ("商贸金融", "生命健康", "文化旅游", "智能制造", "智慧物流", "城市治理"):
        assert sector in fields["fusion_fields"]


@pytest.mark.parametrize("layer", ["parks", "plans"])
def test_locations_are_honest(layers, layer):
    for fid, row in layers[layer].iterrows():
        assert row["location_basis"] in LOCATION_BASES
        assert row["location_basis"] != "street_address", f"{fid}: no street address is known"
        for key in ("location_note_zh", "location_note_en"):
            assert isinstance(row.get(key), str) and row[key].strip(), f"{fid} has no {key}"
        if layer == "plans" and row.geometry.geom_type != "Point":
            assert row["location_basis"] == "schematic" and 1000 <= row["location_precision_m"] <= 3000
        elif layer == "plans":  # a plan with no drawable extent is marked at the place it belongs to
            assert row["location_basis"] in ("parent_location", "city_only"), fid
        if row["location_basis"] == "district_only":
            assert row["location_precision_m"] >= 5000, f"{fid}: district-only placement claims too much"


def test_my_layers_have_no_validation_problems():
    problems = [p for p in validate_dir(REAL_DATA_DIR) if p.file.endswith(("parks.geojson", "plans.geojson"))]
    assert not problems, "\n".join(map(str, problems))


def test_district_and_city_files_are_up_to_date_with_the_attributes():
    spec = importlib.util.spec_from_file_location("apply_attributes", REAL_DATA_DIR / "apply_attributes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.apply_all(REAL_DATA_DIR, write=False) == [], "run: .venv/bin/python data/apply_attributes.py"


@pytest.mark.parametrize("layer", ["parks", "plans"])
def test_polygons_follow_the_rfc7946_winding_rule(layers, layer):
    for fid, row in layers[layer].iterrows():
        geom = row.geometry
        if geom.geom_type == "Polygon":
            assert geom.exterior.is_ccw, f"{fid}: exterior ring must be counter-clockwise"
            assert not any(ring.is_ccw for ring in geom.interiors), f"{fid}: holes must be clockwise"
