"""ui/facts: a fact's value, unit and target flag, bilingual notes and outlets, in both languages, for the data
as it is today and as written in the session's contracts."""

from __future__ import annotations

import pytest

from ui.facts import article_labels, fact_when, note, outlet_text, split_note, unit, value_text


def fact(**fields) -> dict:
    base = {"attribute": "x", "label_zh": "x", "label_en": "x", "value": 200, "unit": "", "as_of": "2025",
            "qualifier": None, "source": "s000"}
    return {**base, **fields}


@pytest.mark.parametrize(("fields", "zh", "en"), [
    ({"unit": "家 (count)"}, "家", "count"),  # today's combined form
    ({"unit": "亿元 (CNY 100 million)"}, "亿元", "CNY 100 million"),
    ({"unit": "P/年 (petabytes per year)"}, "P/年", "petabytes per year"),
    ({"unit": "%"}, "%", "%"),
    ({"unit": ""}, "", ""),
    ({"unit": "支", "unit_en": "count"}, "支", "count"),  # the contract's form
    ({"unit": "萬方", "unit_en": "10,000 m² (wan fang)", "unit_gloss_zh": "万平方米"}, "万平方米", "10,000 m²"),
    ({"unit": "個", "unit_en": "count (per year)"}, "个", "count per year"),  # Simplified; a bracket unwrapped
    ({"unit": "P", "unit_en": "petabytes (PB) per year"}, "P", "petabytes per year"),  # abbreviation dropped
    ({"unit": "", "unit_en": ""}, "", ""),
])
def test_unit_in_each_language(fields, zh, en):
    assert unit(fact(**fields), "zh") == zh
    assert unit(fact(**fields), "en") == en


@pytest.mark.parametrize(("fields", "zh", "en"), [
    ({"unit": "个 (count)", "qualifier": "target"}, "200个（目标）", "200 (target)"),  # today's target
    ({"unit": "个", "unit_en": "count", "qualifier": "at least", "target": True}, "至少200个（目标）",
     "at least 200 (target)"),
    ({"unit": "亿元", "unit_en": "CNY 100 million", "qualifier": "more than", "value": 20}, "超过20亿元",
     "more than CNY 2 billion"),
    ({"unit": "億元", "unit_en": "CNY 100 million", "value": 1.3}, "1.3亿元", "CNY 130 million"),
    ({"unit": "万平方米", "unit_en": "10,000 m²", "value": 7}, "7万平方米", "70,000 m²"),
    ({"unit": "萬方", "unit_en": "10,000 m² (wan fang)", "unit_gloss_zh": "万平方米", "qualifier": "about",
      "value": 6.5}, "约6.5万平方米", "about 65,000 m²"),
    ({"unit": "万", "unit_en": "10,000 (developers)", "value": 2000}, "2000万", "20 million developers"),
    ({"unit": "萬元", "unit_en": "CNY 10,000", "qualifier": "at most", "value": 500}, "最多500万元",
     "at most CNY 5 million"),
    ({"unit": "元", "unit_en": "CNY (per month)", "value": 300}, "300元", "CNY 300 per month"),
    ({"unit": "亿字符", "unit_en": "100 million characters", "value": 30}, "30亿字符", "3 billion characters"),
    ({"unit": "%", "qualifier": "about", "value": 30.5}, "约30.5%", "about 30.5%"),
    ({"unit": "小时 (hours)", "qualifier": "at most", "value": 24}, "最多24小时", "at most 24 hours"),
    ({"unit": "km²", "qualifier": "less than", "value": 2.0}, "不到2km²", "less than 2 km²"),
    ({"unit": "名次", "unit_en": "rank", "value": 4}, "第4名", "No. 4"),
    ({"unit": "平方米", "unit_en": "m²", "value": 1300}, "1300平方米", "1,300 m²"),
    ({"unit": "", "value": "智算云"}, "智算云", "智算云"),
    ({"unit": "", "value": "唯一 (only one)"}, "唯一", "only one"),
    ({"unit": "", "value": "全国第一梯队 (national first tier)"}, "全国第一梯队", "national first tier"),
    ({"unit": "", "value": "智算云（intelligent computing cloud）"}, "智算云", "intelligent computing cloud"),
    ({"unit": "", "value": "PiX（新型化学结构生物降解材料）"}, "PiX（新型化学结构生物降解材料）",
     "PiX（新型化学结构生物降解材料）"),  # a Chinese explanation in brackets is not a gloss
    ({"unit": "", "value": "2025-08"}, "2025年8月", "Aug 2025"),
    ({"unit": "", "value": "2025-11/2025-12"}, "2025年11—12月", "Nov–Dec 2025"),
    ({"unit": "个", "unit_en": "count", "target": False}, "200个", "200"),
])
def test_value_text(fields, zh, en):
    assert value_text(fact(**fields), "zh") == zh
    assert value_text(fact(**fields), "en") == en


def test_no_figure_in_the_data_reads_wrong():
    """Every fact of the shipped data: no gloss in brackets, no magnitude unit after a number in English, no
    Traditional character in Chinese, no ISO date (the values that are dates read as dates)."""
    import json
    import re

    from geo.core.search import to_simplified
    from tests.common import ROOT

    checked = 0
    for path in sorted((ROOT / "data").glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for f in feature["properties"].get("facts") or []:
                zh, en = value_text(f, "zh"), value_text(f, "en")
                checked += 1
                assert not re.search(r"\d \(?(CNY )?(100 million|10,000)", en), (f, en)
                assert not re.search(r"[（(][A-Za-z][^()（）]*[)）]", zh.replace("（目标）", "")), (f, zh)
                assert not re.search(r"[\u4e00-\u9fff][^()]*\([a-z]", en.replace(" (target)", "")), (f, en)
                assert to_simplified(zh) == zh, (f, zh)
                assert not re.search(r"\d{4}-\d{2}", zh + en), (f, zh, en)
                assert not re.search(r"[<>≤≥] ", zh + en), (f, zh, en)
    assert checked > 250


@pytest.mark.parametrize(("fields", "zh", "en"), [
    ({"value": "2025-08", "as_of": "2025-08"}, "", ""),  # the value says it: not "2025-08 · 2025-08"
    ({"value": 3, "as_of": "2025-08"}, "2025年8月", "Aug 2025"),
    ({"value": 3, "as_of": "2026-01-16"}, "2026年1月16日", "16 Jan 2026"),
    ({"value": 3, "as_of": "not a date"}, "", ""),
])
def test_fact_when(fields, zh, en):
    assert fact_when(fact(**fields), "zh") == zh
    assert fact_when(fact(**fields), "en") == en


@pytest.mark.parametrize(("raw", "zh", "en"), [
    ("按文章所述的云谷福地定位。Placed at Yungu Fudi, the park named in the article.", "按文章所述的云谷福地定位。",
     "Placed at Yungu Fudi, the park named in the article."),
    ("与西湖大学同点（常识），误差约2公里。Placed with Westlake University (云谷), to about 2 km.",
     "与西湖大学同点（常识），误差约2公里。", "Placed with Westlake University (云谷), to about 2 km."),
    ("Placed on Wensan Road (文三路), from general knowledge.", "",
     "Placed on Wensan Road (文三路), from general knowledge."),
    ("仅知在西湖区，依托ZJU校区。", "仅知在西湖区，依托ZJU校区。", ""),
    ("", "", ""),
    (None, "", ""),
])
def test_split_note(raw, zh, en):
    assert split_note(raw) == (zh, en)


def test_note_prefers_the_contract_fields():
    record = {"location_note_zh": "中文", "location_note_en": "English", "location_note": "旧。Old."}
    assert note(record, "location_note", "zh") == "中文" and note(record, "location_note", "en") == "English"
    old = {"location_note": "旧。Old."}
    assert note(old, "location_note", "zh") == "旧。" and note(old, "location_note", "en") == "Old."


@pytest.mark.parametrize(("source", "zh", "en"), [
    ({"outlet": "浙江日报"}, "浙江日报", "浙江日报"),
    ({"outlet": None, "outlet_note": "A Hong Kong newspaper."}, "未署媒体",
     "Outlet not named (A Hong Kong newspaper.)"),
    ({"outlet": None, "outlet_note_zh": "香港报纸", "outlet_note_en": "A Hong Kong paper"}, "未署媒体（香港报纸）",
     "Outlet not named (A Hong Kong paper)"),
    ({"outlet": None}, "未署媒体", "Outlet not named"),
])
def test_outlet_text(source, zh, en):
    assert outlet_text(source, "zh") == zh
    assert outlet_text(source, "en") == en


def test_article_labels_follow_the_registry_order():
    sources = {"s000": {}, "s001": {}, "s004": {}}
    assert article_labels(sources, "zh") == {"s000": "文1", "s001": "文2", "s004": "文3"}
    assert article_labels(sources, "en") == {"s000": "A1", "s001": "A2", "s004": "A3"}


def test_district_chart_units_follow_the_language_and_skip_targets(tmp_path):
    from geo.io.atlas import load_atlas
    from tests.common import copy_mini, edit_feature
    from ui.charts import comparable_facts

    data = copy_mini(tmp_path / "atlas")
    for district, value in (("dist_xihu", 72), ("dist_gongshu", 30)):
        edit_feature(data, "districts.geojson", district, facts=[
            fact(attribute="labs", value=value, unit="家 (count)", source="s000"),
            fact(attribute="goal", value=value, unit="个", unit_en="count", target=True, source="s000")])
    atlas = load_atlas(data)
    assert set(comparable_facts(atlas, "zh")) == {"labs"}  # the targets are not compared with achieved figures
    assert set(comparable_facts(atlas, "zh")["labs"]["unit"]) == {"家"}
    assert set(comparable_facts(atlas, "en")["labs"]["unit"]) == {"count"}
