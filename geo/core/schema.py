"""The atlas schema: layers, kinds, sector tags, location bases and required fields.

One place that says what a valid feature looks like; ``geo.validate.checks`` enforces it.
Labels are (Chinese, English) pairs for the interface.
"""

from __future__ import annotations

import re

# Hangzhou's extent in WGS84 lon/lat, with a margin (the city spans about 118.34-120.73 E, 29.18-30.57 N).
HANGZHOU_BBOX = (118.2, 29.0, 120.9, 30.75)
CITY_ADCODE = "330100"

# layer id -> (file name, zh label, en label); the order is the drawing order, bottom first.
LAYERS: dict[str, tuple[str, str, str]] = {
    "city": ("city.geojson", "全市", "City"),
    "districts": ("districts.geojson", "区县", "Districts"),
    "plans": ("plans.geojson", "空间规划", "Spatial plans"),
    "parks": ("parks.geojson", "园区与平台", "Parks & platforms"),
    "institutions": ("institutions.geojson", "高校与科研机构", "Universities & labs"),
    "companies": ("companies.geojson", "企业与基金", "Companies & funds"),
    "events": ("events.geojson", "事件", "Events"),
}

# Layers of things the articles report (every layer but the administrative base map): filters by tag and text
# apply to these.
THEMATIC_LAYERS: tuple[str, ...] = tuple(lid for lid in LAYERS if lid not in ("city", "districts"))

# layer -> kind -> (zh, en)
KINDS: dict[str, dict[str, tuple[str, str]]] = {
    "city": {"city": ("城市", "City")},
    "districts": {
        "district": ("市辖区", "District"),
        "county": ("县", "County"),
        "county_level_city": ("县级市", "County-level city"),
    },
    "plans": {
        "axis": ("发展轴", "Axis"),
        "core": ("核心区", "Core"),
        "wing": ("发展翼", "Wing"),
        "corridor": ("走廊", "Corridor"),
        "zone": ("片区", "Zone"),
        "landscape_node": ("景观节点", "Landscape node"),
        "infrastructure": ("基础设施", "Infrastructure"),
    },
    "parks": {
        "sci_tech_city": ("科技城", "Sci-tech city"),
        "landmark_platform": ("产业地标/平台", "Industry landmark / platform"),
        "industrial_park": ("产业园", "Industrial park"),
        "characteristic_town": ("特色小镇", "Characteristic town"),
        "innovation_space": ("创新空间/社区", "Innovation space / community"),
        "incubator": ("孵化与转化基地", "Incubator / tech-transfer base"),
        "data_center": ("数据中心", "Data centre"),
        "service_center": ("服务综合体", "Service centre"),
    },
    "institutions": {
        "university": ("高校", "University"),
        "national_lab": ("国家实验室", "National laboratory"),
        "provincial_lab": ("省实验室", "Provincial laboratory"),
        "research_institute": ("研究院所", "Research institute"),
        "innovation_platform": ("创新平台", "Innovation platform"),
        "big_science_facility": ("大科学装置", "Big-science facility"),
    },
    "companies": {
        "company": ("企业", "Company"),
        "fund": ("基金", "Fund"),
    },
    "events": {
        "launch": ("启动", "Launch"),
        "opening": ("启用/开放", "Opening"),
        "move_in": ("入驻", "Move-in"),
        "signing": ("签约/合作", "Signing"),
        "founding": ("成立", "Founding"),
        "release": ("发布", "Release"),
        "meeting": ("会议", "Meeting"),
        "conference": ("大会/论坛", "Conference"),
        "competition": ("赛事", "Competition"),
        "hackathon": ("黑客松", "Hackathon"),
        "policy_launch": ("政策发布", "Policy launch"),
    },
}

# The controlled list of sector tags: id -> (zh, en).
TAGS: dict[str, tuple[str, str]] = {
    "ai": ("人工智能", "AI"),
    "compute": ("算力", "Compute"),
    "embodied_ai": ("具身智能", "Embodied intelligence"),
    "robotics": ("机器人", "Robotics"),
    "life_science": ("生命科学", "Life science"),
    "synthetic_biology": ("合成生物", "Synthetic biology"),
    "healthcare": ("医疗健康", "Healthcare"),
    "secure_it": ("信创/商密", "Secure IT (Xinchuang)"),
    "data": ("数据", "Data"),
    "open_source": ("开源", "Open source"),
    "software": ("软件", "Software"),
    "chips": ("芯片", "Chips"),
    "manufacturing": ("智能制造", "Smart manufacturing"),
    "commercial_space": ("商业航天", "Commercial space"),
    "low_altitude": ("低空经济", "Low-altitude economy"),
    "new_materials": ("新材料", "New materials"),
    "ar_vr": ("AR/VR", "AR/VR"),
    "culture": ("文化创意", "Culture"),
    "media": ("传媒", "Media"),
    "finance": ("科技金融", "Tech finance"),
    "research": ("科研", "Research"),
    "education": ("高等教育", "Higher education"),
    "incubation": ("孵化与转化", "Incubation & tech transfer"),
    "agritech": ("农业科技", "Agritech"),
    "logistics": ("智慧物流", "Smart logistics"),
    "urban_governance": ("城市治理", "Urban governance"),
}

# How a feature's position was obtained: id -> (zh, en). Each feature also gives location_precision_m.
LOCATION_BASES: dict[str, tuple[str, str]] = {
    "official_boundary": ("行政区划边界", "Administrative boundary"),
    "street_address": ("门牌地址", "Street address"),
    "landmark": ("已知建筑或园区位置（约）", "Known building or campus (approximate)"),
    "footprint_approx": ("园区范围（约）", "Park footprint (approximate)"),
    "parent_location": ("随所在园区定位", "Placed at its parent place"),
    "district_only": ("仅知所在区县", "District only"),
    "city_only": ("仅知在杭州", "City only"),
    "schematic": ("据文字描述示意绘制", "Schematic, drawn from the article's description"),
}

# A visitor's uploaded file, converted once into the display schema (geo.io.upload_layer): the layer id it is drawn,
# selected, listed and exported under, and the location basis of a position whose file gives no precision
# (location_precision_m is then NaN: the app says "precision unknown" and never makes one up). Neither is valid
# in the atlas's own files.
UPLOAD_LAYER = "upload"
UNKNOWN_BASIS = "unknown"

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
ADCODE_PATTERN = re.compile(r"^33\d{4}$")

# Required properties of every feature: name -> accepted Python types (after JSON decoding).
REQUIRED_PROPERTIES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "layer": (str,),
    "kind": (str,),
    "name_zh": (str,),
    "name_en": (str,),
    "aliases": (list,),
    "adcode": (str,),
    "parent": (str, type(None)),
    "tags": (list,),
    "description_zh": (str,),
    "description_en": (str,),
    "facts": (list,),
    "location_precision_m": (int, float),
    "location_basis": (str,),
}

# Fact fields: value is a number or a string; unit (as printed) is required for numbers, unit_en (its English
# form) whenever unit is non-empty; target (boolean) marks a goal or plan rather than an achieved figure, and
# qualifier then bounds the goal ("at least 100" as a target = target true, qualifier "at least").
# unit_gloss_zh is optional: the standard Chinese unit where the printed one is colloquial (萬方 -> 万平方米).
# quote_zh (issue 15) is the article's own words that state the fact, as printed, at most 25 characters (… trims);
# derived_zh/derived_en (a pair) say what was derived from it (a unit conversion, a relative date resolved against
# the article's date); restates names the feature that keeps the figure when this fact repeats it; date_qualifier
# bounds a date within its resolution (2024年年末 -> "2024", "late").
FACT_REQUIRED = ("attribute", "label_zh", "label_en", "value", "unit", "unit_en", "as_of", "target", "qualifier",
                 "source", "quote_zh")
FACT_OPTIONAL = ("unit_gloss_zh", "derived_zh", "derived_en", "restates", "date_qualifier")
QUOTE_NOTE_PAIR = ("derived_zh", "derived_en")
DATE_QUALIFIERS = ("early", "late", "before", "after")
# Where a city_only feature stands (a central city point, documented in data/README.md), WGS84 lon/lat.
CITY_POINT = (120.1605, 30.2765)
QUALIFIERS = (None, "about", "more than", "at least", "less than", "at most")
# Optional text properties that come in zh/en pairs (both present, or neither).
LOCATION_NOTE_PAIR = ("location_note_zh", "location_note_en")
OUTLET_NOTE_PAIR = ("outlet_note_zh", "outlet_note_en")

# Events (layer "events"): the base properties plus these. Dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD";
# date_end is null unless date_resolution is "period". place and participants are feature ids of other layers.
EVENT_PROPERTIES: dict[str, tuple[type, ...]] = {
    "date_start": (str,),
    "date_end": (str, type(None)),
    "date_resolution": (str,),
    "place": (str,),
    "participants": (list,),
}
DATE_RESOLUTIONS: dict[str, tuple[str, str]] = {
    "day": ("日", "Day"),
    "month": ("月", "Month"),
    "year": ("年", "Year"),
    "period": ("时段", "Period"),
}
# An event stands at its place's position: these are the only honest bases for it.
EVENT_LOCATION_BASES = ("parent_location", "district_only", "city_only")
EVENT_ID_PREFIX = "ev_"
# Properties stored as JSON arrays/objects; readers that flatten them (GDAL) get them back via geo.io.atlas.
NESTED_PROPERTIES = ("aliases", "tags", "facts", "participants")
