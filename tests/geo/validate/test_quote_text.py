"""geo.validate.quote_text and geo.validate.quotes: figures, qualifiers and dates read from a quote (issue 15)."""

from __future__ import annotations

import pytest

from geo.validate.quote_text import (
    allowed_qualifiers,
    date_resolution,
    locate,
    matching_numbers,
    paragraph_of,
    parse_cn,
    supports_value,
)
from geo.validate.quotes import date_reasons, quote_reasons


@pytest.mark.parametrize(("text", "value"), [
    ("十三", 13), ("二十", 20), ("一百二十", 120), ("百", 100), ("千", 1000), ("两", 2), ("三千", 3000),
    ("十", 10), ("二〇二五", 2025), ("三万", None), ("", None),
])
def test_parse_cn(text, value):
    assert parse_cn(text) == value


@pytest.mark.parametrize(("quote", "value", "unit", "ok"), [
    ("以杭州未來科技城阿里中心約6.5萬方產業空間", 6.5, "万方", True),  # Traditional 萬 = 万
    ("約6.5萬方產業空間", 65000, "平方米", True),  # 万 normalised both ways
    ("2025年人工智能产业营收超1300亿元", 1300, "亿元", True),
    ("2025年人工智能产业营收超1300亿元", 1300, "万元", False),  # wrong scale
    ("吸引上百家企业入驻", 100, "家", True),
    ("总估值超千亿元", 1000, "亿元", True),
    ("全市科技創新投入達4,000億元", 4000, "億元", True),
    ("杭州已從去年的第十三位首次躋身全球前十", 13, "名次", True),
    ("营收1081亿元，占全区约七成", 70, "%", True),  # 七成 = 70 %
    ("新疆阿克苏的万亩农田内", 1, "万亩", True),  # a bare 万
    ("全省唯一的国家实验室在西湖区建成", 1, "家", True),
    ("置于全区“十五五”6大关键突破领域的首要位置", 1, "名次", True),
    ("培育36家概念驗證中心", 63, "家", False),
])
def test_supports_value(quote, value, unit, ok):
    assert supports_value(quote, value, unit) is ok


@pytest.mark.parametrize(("quote", "value", "unit", "allowed"), [
    ("2025年人工智能产业营收超1300亿元", 1300, "亿元", {"more than"}),
    ("已吸引了50余家企业签约", 50, "家", {"more than"}),
    ("引入500家以上信创企业", 500, "家", {"more than", "at least"}),
    ("营收6800亿元左右", 6800, "亿元", {"about"}),
    ("对外融资近25亿元", 25, "亿元", {"about", "less than"}),
    ("每年为企业至少提供100个", 100, "个", {"at least"}),
    ("投資單個企業不超過500萬元", 500, "万元", {"at most"}),  # not "more than" from 超過
    ("提供最高1万平方米公共办公空间", 1, "万平方米", {"at most"}),
    ("24小时内完成申领", 24, "小时", {"at most"}),
    ("5万元至20万元的无偿资助", 20, "万元", {"at most", None}),
    ("5万元至20万元的无偿资助", 5, "万元", {"at least", None}),
    ("芯体素、永创智能2家企业获国内首台", 2, "家", {None}),  # 国内 is not 以内
    ("举办“西湖链链看”活动8场，促成合作20多项", 8, "场", {None}),
    ("促成合作20多项", 20, "项", {"more than"}),
])
def test_allowed_qualifiers(quote, value, unit, allowed):
    (number,) = matching_numbers(quote, value, unit)
    assert allowed_qualifiers(number) == allowed


@pytest.mark.parametrize(("quote", "resolution"), [
    ("1月7日，拱墅区召开", "day"), ("9月17日…登上了《自然》", "day"), ("2025年7月，杭州润达", "month"),
    ("同年9月", "month"), ("今年1至10月", "month"), ("2024年年末…DeepSeek-V3", "year"), ("今年，蕭山區", "year"),
    ("刚刚闭幕的杭州市两会", None), ("元旦前，从深圳而来", None), ("两个月后便推出新版本", None),
    ("连续10个月居全市第一", None), ("日前，杭州市又發布了", None),
])
def test_date_resolution(quote, resolution):
    assert date_resolution(quote) == resolution


FACT = {"attribute": "ai_revenue", "value": 1300, "unit": "亿元", "qualifier": "more than", "target": False,
        "quote_zh": "2025年人工智能产业营收超1300亿元", "as_of": "2025"}


@pytest.mark.parametrize(("changes", "reason"), [
    ({}, None),
    ({"quote_zh": ""}, "field 'quote_zh' must be the article's words that state the fact"),
    ({"value": 1200}, "quote_zh does not print the value 1200 亿元"),
    ({"qualifier": None}, "qualifier None disagrees with the quote's words next to 1300 ('more than')"),
    ({"target": True}, "target is true but the quote has no word of a goal or plan"),
    ({"quote_zh": "目标到2027年营收超1300亿元"}, "the quote words it as a goal (目标) but target is false"),
    ({"attribute": "code", "value": "114X", "unit": "", "qualifier": None, "quote_zh": "以“115X”先进制造业集群"},
     "quote_zh does not contain the value '114X'"),
])
def test_quote_reasons(changes, reason):
    reasons = quote_reasons({**FACT, **changes})
    assert (reasons == []) if reason is None else (len(reasons) == 1 and reasons[0].startswith(reason)), reasons


DATE = {"attribute": "date", "value": "2024", "as_of": "2024", "quote_zh": "2024年年末…大模型DeepSeek-V3",
        "date_qualifier": "late"}


@pytest.mark.parametrize(("changes", "reason"), [
    ({}, None),
    ({"date_qualifier": None}, "the quote says 年末: date_qualifier must be 'late'"),
    ({"date_qualifier": "soon"}, "date_qualifier 'soon' is not one of early, late, before, after"),
    ({"value": "2024-12"}, "date '2024-12' is a month, finer than the quote gives (a year)"),
    ({"quote_zh": "元旦前，从深圳而来的力合科技入驻"}, "the quote gives no calendar date (元旦前): date it"),
    ({"quote_zh": "元旦前，从深圳而来的力合科技入驻", "derived_zh": "文章发表于2025年初", "derived_en": "early 2025"},
     None),
    ({"value": "2024-11/2024-12", "date_qualifier": None, "quote_zh": "刚刚闭幕的两会"}, None),
])
def test_date_reasons(changes, reason):
    reasons = date_reasons({**DATE, **changes}, {**DATE, **changes}["quote_zh"])
    assert (reasons == []) if reason is None else (len(reasons) == 1 and reasons[0].startswith(reason)), reasons


def test_locate_ignores_whitespace_and_follows_segments():
    article = "开头。\n\n共识凝聚于\n\n劲，2025年，紫金港科技城人工智能营收1081亿元，占全区约七成。"
    assert locate("共识凝聚于劲", article) == 3
    assert locate("2025年，紫金港…营收1081亿元", article) is not None
    assert locate("营收1081亿元…2025年", article) is None  # segments in order only
    assert paragraph_of(locate("占全区约七成", article), article) == 3
