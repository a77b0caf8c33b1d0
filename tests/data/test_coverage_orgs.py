"""Coverage of the institutions and companies layers: every organisation the articles call for is present,
with its district, park, aliases and key figures, so none can silently go missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from geo.core.schema import KINDS, QUALIFIERS, TAGS

DATA = Path(__file__).resolve().parents[2] / "data"
SOURCE_IDS = {"s000", "s001", "s002", "s003", "s004"}


def _features(name: str) -> dict[str, dict]:
    fc = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc
    return {f["properties"]["id"]: f for f in fc["features"]}


INSTITUTIONS = _features("institutions.geojson")
COMPANIES = _features("companies.geojson")
ORGS = {**INSTITUTIONS, **COMPANIES}

# id, kind, adcode, parent, location_basis
EXPECTED_INSTITUTIONS = [
    ("inst_zju", "university", "330106", "park_zijingang", "landmark"),
    ("inst_westlake_univ", "university", "330106", "park_zijingang", "landmark"),
    ("inst_ucas_hias", "university", "330106", None, "landmark"),
    ("inst_national_lab_xihu", "national_lab", "330106", None, "district_only"),
    ("inst_zhejiang_lab", "provincial_lab", "330110", None, "landmark"),
    ("inst_westlake_lab", "provincial_lab", "330106", "park_zijingang", "landmark"),
    ("inst_bgi_hangzhou", "research_institute", "330106", "park_zijingang", "parent_location"),
    ("inst_bgi_brain_center", "research_institute", "330106", "inst_bgi_hangzhou", "parent_location"),
    ("inst_gongshu_five_platforms", "innovation_platform", "330105", None, "district_only"),
    ("inst_chief", "big_science_facility", "330110", "park_future_sci_tech_city", "parent_location"),
    ("inst_microbial_drug_center", "innovation_platform", "330106", "park_zijingang", "parent_location"),
    ("inst_zijingang_alliance", "innovation_platform", "330106", "park_zijingang", "parent_location"),
    ("inst_zjut", "university", "330105", None, "landmark"),
    ("inst_hzcu", "university", "330105", None, "landmark"),
    ("inst_market_prospect_center", "innovation_platform", "330100", None, "city_only"),
    ("inst_caa_landscape_institute", "research_institute", "330100", None, "city_only"),
]

EXPECTED_COMPANIES = [
    ("co_alibaba_cloud", "company", "330106", "park_china_cloud_valley", "parent_location"),
    ("co_alibaba_group", "company", "330110", None, "landmark"),
    ("co_deepseek", "company", "330105", None, "landmark"),
    ("co_deep_robotics", "company", "330106", None, "district_only"),
    ("co_rokid", "company", "330100", None, "city_only"),
    ("co_bota_bio", "company", "330100", None, "city_only"),
    ("co_deep_principle", "company", "330100", None, "city_only"),
    ("co_getui", "company", "330106", "park_xihu_data_intel", "parent_location"),
    ("co_yuntong_shuda", "company", "330106", "park_xihu_data_intel", "parent_location"),
    ("co_yuntu_tech", "company", "330106", "park_xihu_data_intel", "parent_location"),
    ("co_xinshuangpai_robot", "company", "330106", "park_yungu_fudi", "parent_location"),
    ("co_zhongke_diwuji", "company", "330106", "park_yungu_fudi", "parent_location"),
    ("co_westlake_robotics", "company", "330106", "park_zijingang", "parent_location"),
    ("co_huajiang", "company", "330106", "park_zijingang", "parent_location"),
    ("co_youngsun", "company", "330106", "park_zijingang", "parent_location"),
    ("co_santan", "company", "330106", "park_zijingang", "parent_location"),
    ("co_weibolai", "company", "330106", "park_zijingang", "parent_location"),
    ("co_westlake_vision", "company", "330106", "park_zijingang", "parent_location"),
    ("co_element_drive", "company", "330106", "park_zijingang", "parent_location"),
    ("co_westlake_xinchen", "company", "330106", "park_zijingang", "parent_location"),
    ("co_westlake_qiankun", "company", "330106", "park_zijingang", "parent_location"),
    ("co_westlake_sunshine", "company", "330106", "park_zijingang", "parent_location"),
    ("co_xintisu", "company", "330106", "park_zijingang", "parent_location"),
    ("co_lihe_tech", "company", "330106", "park_zijingang", "parent_location"),
    ("co_xuanchuang_robot", "company", "330106", "park_zijingang", "parent_location"),
    ("co_kecong", "company", "330106", "park_zijingang", "parent_location"),
    ("co_yuzhiquan", "company", "330106", "park_xinchuang_shangmi", "parent_location"),
    ("co_xingeruite", "company", "330106", "park_xinchuang_shangmi", "parent_location"),
    ("co_xihe_optoelectronics", "company", "330106", "park_xinchuang_shangmi", "parent_location"),
    ("co_top_cloud_agri", "company", "330105", None, "district_only"),
    ("co_zhejiang_digital_culture", "company", "330105", None, "district_only"),
    ("co_bocai_media", "company", "330105", None, "district_only"),
    ("co_fuyun_network", "company", "330105", None, "district_only"),
    ("co_wasu_tech", "company", "330105", None, "district_only"),
    ("co_newgrand", "company", "330105", None, "district_only"),
    ("co_jiepei", "company", "330105", None, "district_only"),
    ("co_runda_medical", "company", "330105", None, "district_only"),
    ("co_hanggang_cloud_dc", "company", "330105", "park_hanggang_cloud_dc", "parent_location"),
    ("co_kuntai_maglev", "company", "330105", None, "district_only"),
    ("co_faceunity", "company", "330105", "park_canal_future_city", "parent_location"),
    ("co_taixi", "company", "330105", None, "district_only"),
    ("fund_hanggang_qizhen", "fund", "330105", None, "district_only"),
    ("fund_gongshu_sci_tech_mother", "fund", "330105", None, "district_only"),
    ("fund_runmiao", "fund", "330106", "park_eastern_software_park", "parent_location"),
    ("fund_zijingang_industry", "fund", "330106", "park_zijingang", "parent_location"),
    ("co_huadong_medicine", "company", "330105", None, "landmark"),
    ("co_hanggang_group", "company", "330105", None, "landmark"),
]

# id, alias that search must find
EXPECTED_ALIASES = [
    ("co_deepseek", "深度求索"),
    ("co_deepseek", "DeepSeek"),
    ("co_deep_robotics", "云深处科技"),
    ("co_deep_robotics", "DEEP Robotics"),
    ("co_getui", "个推"),
    ("co_kecong", "科聪控制"),
    ("co_hanggang_cloud_dc", "杭钢云"),
    ("co_runda_medical", "润达医疗"),
    ("fund_hanggang_qizhen", "杭钢启真基金"),
    ("inst_zju", "浙大"),
    ("inst_bgi_hangzhou", "华大研究院"),
    ("inst_chief", "CHIEF"),
    ("inst_ucas_hias", "中国科学院大学杭州高等研究院"),
]

# id, attribute, value, unit, as_of, qualifier, source
YI = "亿元 (CNY 100 million)"
YI_HANT = "億元 (CNY 100 million)"  # s002 is in Traditional script: units as printed
S004_NOW = "2025-01"  # "so far" figures take the article's publication month (data/README.md)
S001_NOW = "2026-01"  # likewise for s000, s001 and s003

EXPECTED_FACTS = [
    ("inst_westlake_univ", "spinoff_projects", 46, "个 (count)", S004_NOW, None, "s004"),
    ("inst_westlake_univ", "spinoff_external_financing", 25, YI, S004_NOW, "about", "s004"),
    ("inst_westlake_univ", "spinoff_valuation", 200, YI, S004_NOW, "more than", "s004"),
    ("inst_zju", "incubated_companies", 300, "家 (count)", S004_NOW, "more than", "s004"),
    ("inst_zju", "industry_parks_built", 5, "个 (count)", S004_NOW, None, "s004"),
    ("inst_zju", "incubated_total_valuation", 1000, YI, S004_NOW, "more than", "s004"),
    ("inst_bgi_hangzhou", "sequencing_data_per_year", 15, "P (petabytes (PB) per year)", S004_NOW, None, "s004"),
    ("inst_bgi_hangzhou", "consortium_members", 50, "家 (count)", S004_NOW, "about", "s004"),
    ("inst_bgi_hangzhou", "genos_release", "Genos", "", "2025-10", None, "s003"),
    ("inst_zhejiang_lab", "genos_release", "Genos", "", "2025-10", None, "s003"),
    ("inst_gongshu_five_platforms", "platform_count", 5, "大 (count)", S001_NOW, None, "s001"),
    ("inst_gongshu_five_platforms", "rd_investment", 1.3, YI, "2025", None, "s001"),
    ("inst_gongshu_five_platforms", "companies_attracted", 100, "家 (count)", "2025", "at least", "s001"),
    ("inst_chief", "first_centrifuge_started", "CHIEF1300", "", "2025", None, "s002"),
    ("inst_national_lab_xihu", "national_labs_in_province", 1, "家 (count)", S001_NOW, None, "s000"),
    ("co_deepseek", "model_release_v3", "DeepSeek-V3", "", "2024", None, "s001"),
    ("co_deepseek", "nature_cover_r1", "DeepSeek-R1推理模型论文", "", "2025-09-17", None, "s002"),
    ("co_rokid", "nature_cover", "Rokid Glasses", "", "2025-12-11", None, "s002"),
    ("co_deep_robotics", "hoh_xil_test_altitude", 4800, "米 (m)", S001_NOW, None, "s000"),
    ("co_deep_principle", "funding_rounds", 3, "輪 (rounds)", "2025-12", None, "s002"),
    ("co_alibaba_cloud", "key_model", "通义万相", "", S001_NOW, None, "s000"),
    ("co_element_drive", "material", "PiX（新型化学结构生物降解材料）", "", S004_NOW, None, "s004"),
    ("co_element_drive", "mulch_film_area_aksu", 1, "万亩 (10,000 mu)", "2025-03/2025-05", "target", "s004"),
    ("co_kecong", "navigation_accuracy_pm", 2, "毫米 (mm)", S004_NOW, None, "s004"),
    ("co_kecong", "angle_accuracy_pm", 0.5, "度 (degrees)", S004_NOW, None, "s004"),
    ("co_kecong", "expected_monthly_shipments", 1000, "台 (units)", S004_NOW, "target", "s004"),
    ("co_kuntai_maglev", "company_age", 3, "年 (years)", S001_NOW, None, "s001"),
    ("co_kecong", "manufacturing_centre_area", 1300, "平方米 (m²)", S004_NOW, None, "s004"),
    ("co_kecong", "rent_free_period", 3, "年 (years)", S004_NOW, None, "s004"),
    ("co_westlake_xinchen", "ai_counsellor_years", 4, "年 (years)", S004_NOW, None, "s004"),
    ("co_westlake_sunshine", "work_permit_turnaround", 24, "小时 (hours)", S004_NOW, "at most", "s004"),
    ("co_youngsun", "first_unit_certification", "获认定", "", "2024", None, "s004"),
    ("co_xintisu", "first_unit_certification", "获认定", "", "2024", None, "s004"),
    ("co_runda_medical", "hanggang_cloud_partnership", "智慧医疗算力基础设施协同创新", "", "2025-07", None, "s001"),
    ("co_hanggang_cloud_dc", "runda_partnership", "智慧医疗算力基础设施协同创新", "", "2025-07", None, "s001"),
    ("co_faceunity", "moved_in", "正式入驻", "", "2025-08", None, "s001"),
    ("co_taixi", "years_in_gongshu", 5, "年 (years)", "2025", None, "s001"),
    ("co_kuntai_maglev", "chairman_ceo", "张寅", "", S001_NOW, None, "s001"),
    ("fund_hanggang_qizhen", "established", "正式成立", "", "2025-09", None, "s001"),
    ("fund_runmiao", "first_phase_size", 20, YI_HANT, "2025-12", None, "s002"),
    ("fund_runmiao", "max_investment_per_company", 500, "萬元 (CNY 10,000)", "2025-12", "at most", "s002"),
    ("fund_runmiao", "max_stake", 20, "%", "2025-12", "at most", "s002"),
    ("fund_runmiao", "target_company_age", 5, "年 (years)", "2025-12", "at most", "s002"),
    ("fund_zijingang_industry", "fund_size", 10, YI, S004_NOW, None, "s004"),
]


def _unit(fact: dict) -> str:
    """The printed unit with its English form in brackets, as the expectations above write it."""
    unit, unit_en = fact["unit"], fact["unit_en"]
    return unit if not unit or unit == unit_en else f"{unit} ({unit_en})"


def _qualifier(fact: dict) -> str | None:
    """"target" for a goal ("target/at least" for a goal with a bound), else the qualifier."""
    if fact["target"]:
        return "target" + (f"/{fact['qualifier']}" if fact["qualifier"] else "")
    return fact["qualifier"]


@pytest.mark.parametrize(("fid", "kind", "adcode", "parent", "basis"), EXPECTED_INSTITUTIONS)
def test_institution_present(fid, kind, adcode, parent, basis):
    props = INSTITUTIONS[fid]["properties"]
    assert (props["layer"], props["kind"], props["adcode"]) == ("institutions", kind, adcode)
    assert (props["parent"], props["location_basis"]) == (parent, basis)


@pytest.mark.parametrize(("fid", "kind", "adcode", "parent", "basis"), EXPECTED_COMPANIES)
def test_company_present(fid, kind, adcode, parent, basis):
    props = COMPANIES[fid]["properties"]
    assert (props["layer"], props["kind"], props["adcode"]) == ("companies", kind, adcode)
    assert (props["parent"], props["location_basis"]) == (parent, basis)


def test_no_unexpected_features():
    """A feature added without a coverage line here is a reminder to add one."""
    assert set(INSTITUTIONS) == {row[0] for row in EXPECTED_INSTITUTIONS}
    assert set(COMPANIES) == {row[0] for row in EXPECTED_COMPANIES}


@pytest.mark.parametrize(("fid", "alias"), EXPECTED_ALIASES)
def test_alias(fid, alias):
    assert alias in ORGS[fid]["properties"]["aliases"]


@pytest.mark.parametrize(("fid", "attribute", "value", "unit", "as_of", "qualifier", "source"), EXPECTED_FACTS)
def test_key_fact(fid, attribute, value, unit, as_of, qualifier, source):
    facts = [f for f in ORGS[fid]["properties"]["facts"] if f["attribute"] == attribute]
    assert len(facts) == 1, f"{fid}: expected one fact {attribute!r}, found {len(facts)}"
    got = facts[0]
    assert (got["value"], _unit(got), got["as_of"], _qualifier(got), got["source"]) == (
        value,
        unit,
        as_of,
        qualifier,
        source,
    )


@pytest.mark.parametrize("fid", sorted(ORGS))
def test_feature_is_well_formed(fid):
    feature = ORGS[fid]
    props = feature["properties"]
    layer = props["layer"]
    assert props["kind"] in KINDS[layer]
    assert props["tags"] and set(props["tags"]) <= set(TAGS)
    assert props["description_zh"].strip() and props["description_en"].strip()
    assert props["location_note_zh"].strip() and props["location_note_en"].strip()
    sources = set(props["source_ids"])
    assert sources and sources <= SOURCE_IDS
    for f in props["facts"]:
        assert f["source"] in sources, f"{fid}: fact {f['attribute']} cites {f['source']} not in source_ids"
        assert f["qualifier"] in QUALIFIERS and isinstance(f["target"], bool)
        if isinstance(f["value"], (int, float)):
            assert f["unit"] and f["unit_en"], f"{fid}: numeric fact {f['attribute']} without unit or unit_en"
        else:
            assert isinstance(f["value"], str) and f["value"] and f["unit"] == f["unit_en"] == ""
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (round(lon, 6), round(lat, 6))
    assert 118.3 < lon < 120.8 and 29.1 < lat < 30.6


@pytest.mark.parametrize(
    ("basis", "adcode_ok", "min_precision_m"),
    [("city_only", lambda a: a == "330100", 50_000), ("district_only", lambda a: a != "330100", 3_000)],
)
def test_coarse_positions_say_so(basis, adcode_ok, min_precision_m):
    rows = [f["properties"] for f in ORGS.values() if f["properties"]["location_basis"] == basis]
    assert rows
    for props in rows:
        assert adcode_ok(props["adcode"]), props["id"]
        assert props["location_precision_m"] >= min_precision_m, props["id"]


def _parents() -> dict[str, dict]:
    assert (DATA / "parks.geojson").is_file(), "data/parks.geojson is missing"
    return {**_features("parks.geojson"), **ORGS}


CHILDREN = sorted(fid for fid, f in ORGS.items() if f["properties"]["location_basis"] == "parent_location")


@pytest.mark.parametrize("fid", CHILDREN)
def test_parent_located_child_sits_on_its_parent(fid):
    parents = _parents()
    props = ORGS[fid]["properties"]
    if props["parent"] not in parents:
        pytest.fail(f"{fid}: its parent {props['parent']} is in no layer file of data/")
    parent = parents[props["parent"]]
    child_pt = Point(ORGS[fid]["geometry"]["coordinates"])
    geom = shape(parent["geometry"])
    if geom.geom_type == "Point":
        assert child_pt.equals(geom)
    else:
        assert geom.contains(child_pt)
    assert props["adcode"] == parent["properties"]["adcode"]
    assert props["location_precision_m"] >= parent["properties"]["location_precision_m"]


def test_landmark_children_lie_inside_their_parent_park():
    parents = _parents()
    for fid, f in ORGS.items():
        props = f["properties"]
        if props["location_basis"] == "landmark" and props["parent"] in parents:
            geom = shape(parents[props["parent"]]["geometry"])
            assert geom.buffer(0.003).contains(Point(f["geometry"]["coordinates"])), fid


def _districts():
    path = DATA / "districts.geojson"
    if not path.exists():
        pytest.fail(f"{path} is missing (python data/build_districts.py builds it)")
    return {f["properties"]["adcode"]: shape(f["geometry"]) for f in _features("districts.geojson").values()}


def _metres(geom):
    """Project WGS84 geometry to UTM 50N (metres), good enough for Hangzhou-scale distances."""
    import numpy as np
    import shapely
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))


@pytest.mark.parametrize("fid", sorted(fid for fid, f in ORGS.items() if f["properties"]["adcode"] != "330100"))
def test_point_agrees_with_its_district(fid):
    """Own placements (landmark, district_only) lie inside their district; inherited ones at least within
    their stated precision of it."""
    districts = _districts()
    props = ORGS[fid]["properties"]
    point = Point(ORGS[fid]["geometry"]["coordinates"])
    district = districts[props["adcode"]]
    if props["location_basis"] in ("landmark", "district_only"):
        assert district.contains(point), f"{fid} lies outside district {props['adcode']}"
    else:
        gap_m = _metres(district).distance(_metres(point))
        assert gap_m <= props["location_precision_m"], f"{fid}: {gap_m:.0f} m from district {props['adcode']}"


def test_city_only_points_are_in_the_city_and_cover_it():
    path = DATA / "city.geojson"
    if not path.exists():
        pytest.fail(f"{path} is missing (python data/build_districts.py builds it)")
    city = shape(next(iter(_features("city.geojson").values()))["geometry"])
    rows = [f for f in ORGS.values() if f["properties"]["location_basis"] == "city_only"]
    assert rows
    for f in rows:
        point = Point(f["geometry"]["coordinates"])
        assert city.contains(point)
        # the stated precision must reach the farthest corner of the city's bounding box
        minx, miny, maxx, maxy = city.bounds
        far = max(_metres(point).distance(_metres(Point(x, y))) for x in (minx, maxx) for y in (miny, maxy))
        assert f["properties"]["location_precision_m"] >= 0.8 * far
