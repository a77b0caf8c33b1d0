"""geo.core.filters: Filters validation and URL round trip, apply_filters semantics, search ranking."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest

from geo.core.filters import Filters, apply_filters, search
from geo.errors import LayerError

ROUND_TRIPS = [
    Filters(),
    Filters(layers=("parks", "companies"), districts=("330106",)),
    Filters(kinds=("university", "fund"), tags=("ai", "compute"), text="云谷"),
    Filters(text="cloud valley", fact_ranges=(("ai_revenue", 1000, None), ("planned_area", None, 30.5))),
    Filters(fact_ranges=(("fund_size_first_phase", 0.25, 1e6),)),
    Filters(period=("2024-10", "2025-06"), tags=("ai",)),
]


@pytest.mark.parametrize("filters", ROUND_TRIPS)
def test_query_round_trip(filters):
    query = filters.to_query()
    assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
               for v in query.values())
    assert Filters.from_query(query) == filters


@pytest.mark.parametrize("filters", ROUND_TRIPS)
def test_round_trip_through_a_real_url(filters):
    url_query = urlencode(filters.to_query(), doseq=True)
    parsed = parse_qs(url_query)  # every value comes back as a list of strings
    parsed = {k: v[0] if k == "q" else v for k, v in parsed.items()}
    assert Filters.from_query(parsed) == filters


def test_query_shape():
    f = Filters(layers=["parks"], districts=["330106", "330105"], text="  云谷 ", fact_ranges=[("area", 1, None)])
    assert f.to_query() == {"layer": ["parks"], "district": ["330106", "330105"], "q": "云谷",
                            "fact": ["area:1:"]}
    assert Filters().to_query() == {}


def test_from_query_accepts_comma_separated_and_ignores_other_keys():
    f = Filters.from_query({"layer": "parks,companies", "tag": ["ai"], "selected": "inst_zju", "crs": "gcj02"})
    assert f == Filters(layers=("parks", "companies"), tags=("ai",))


def test_lists_become_deduplicated_tuples():
    f = Filters(layers=["parks", "parks"], tags=["ai"])
    assert f.layers == ("parks",) and f.tags == ("ai",)
    assert hash(f) == hash(Filters(layers=("parks",), tags=("ai",)))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"layers": ["roads"]}, r"unknown layer 'roads'"),
    ({"districts": ["xihu"]}, r"district 'xihu' is not an adcode"),
    ({"kinds": ["castle"]}, r"unknown kind 'castle'"),
    ({"tags": ["quantum"]}, r"unknown tag 'quantum'"),
    ({"fact_ranges": [("area", 5, 1)]}, r"fact range for 'area': min 5 is greater than max 1"),
    ({"fact_ranges": [("area", "x", None)]}, r"fact range for 'area': bound 'x' is not a number"),
    ({"fact_ranges": [("a:b", 1, 2)]}, r"fact range attribute must be a non-empty name without ':'"),
    ({"fact_ranges": [("area", 1)]}, r"fact range must be \(attribute, min, max\)"),
    ({"period": ("2025-06", "2024-10")}, r"period 2025-06/2024-10 ends before it starts"),
    ({"period": ("2025", "2025-06")}, r"period: '2025' is not a month \(YYYY-MM\)"),
    ({"period": ("2025-13", "2026-01")}, r"period: '2025-13': month 13 is not 1-12"),
    ({"period": "2025-01"}, r"period must be \(first month, last month\)"),
    ({"period": ("2025-01",)}, r"period must be \(first month, last month\)"),
])
def test_invalid_filters(kwargs, message):
    with pytest.raises(LayerError, match=message):
        Filters(**kwargs)


def test_invalid_query_fact():
    with pytest.raises(LayerError, match=r"query parameter fact='area' must look like attribute:min:max"):
        Filters.from_query({"fact": "area"})


def _ids(result):
    return {lid: list(gdf["id"]) for lid, gdf in result.items()}


def test_no_filter_returns_everything(mini_atlas):
    result = apply_filters(mini_atlas, Filters())
    assert _ids(result) == {lid: list(g["id"]) for lid, g in mini_atlas.layers.items()}
    result["parks"].loc[result["parks"].index[0], "name_en"] = "changed"
    assert mini_atlas.layers["parks"]["name_en"].iloc[0] == "Zijingang Sci-Tech City"  # copies, not views


def test_district_filter(mini_atlas):
    result = _ids(apply_filters(mini_atlas, Filters(districts=("330105",))))
    assert result == {
        "city": ["city_hangzhou"],  # the city is never filtered by district
        "districts": ["dist_gongshu"],
        "plans": ["plan_grand_canal_axis", "plan_netvalley_core"],  # the corridor is city-wide (330100)
        "parks": ["park_hanggang_cloud_dc"],
        "institutions": [],
        "companies": ["fund_hanggang_qizhen"],
        "events": ["ev_qizhen_fund_founded"],
    }


def test_layer_filter_keeps_layer_order(mini_atlas):
    assert list(apply_filters(mini_atlas, Filters(layers=("companies", "parks")))) == ["parks", "companies"]


def test_a_kind_filter_shows_only_those_kinds(mini_atlas):
    result = _ids(apply_filters(mini_atlas, Filters(kinds=("university",))))
    assert result["institutions"] == ["inst_zju", "inst_westlake_univ"]
    assert result["parks"] == result["companies"] == result["events"] == result["plans"] == []
    assert len(result["districts"]) == 4 and result["city"] == ["city_hangzhou"]  # the base map stays


def test_kinds_of_several_layers_and_of_the_base_map(mini_atlas):
    result = _ids(apply_filters(mini_atlas, Filters(kinds=("university", "data_center"))))
    assert result["institutions"] == ["inst_zju", "inst_westlake_univ"]
    assert result["parks"] == ["park_hanggang_cloud_dc"] and result["companies"] == []
    kinds = set(mini_atlas.layers["districts"]["kind"])
    chosen = sorted(kinds)[0]
    result = _ids(apply_filters(mini_atlas, Filters(kinds=(chosen,))))
    expected = mini_atlas.layers["districts"].query("kind == @chosen")["id"].tolist()
    assert result["districts"] == expected and result["parks"] == []


@pytest.mark.parametrize(("tags", "parks"), [
    (("compute",), ["park_china_cloud_valley", "park_yunqi_town", "park_hanggang_cloud_dc"]),
    (("secure_it", "software"), ["park_zijingang", "park_china_cloud_valley"]),
    (("agritech",), []),
])
def test_tag_filter_any_of(mini_atlas, tags, parks):
    result = _ids(apply_filters(mini_atlas, Filters(tags=tags)))
    assert result["parks"] == parks
    assert len(result["districts"]) == 4  # base map unaffected


@pytest.mark.parametrize("text", ["云谷", "雲谷", "cloud valley", "Cloud Valley", "ＣＬＯＵＤ valley"])
def test_text_filter_finds_both_cloud_valley_places(mini_atlas, text):
    result = _ids(apply_filters(mini_atlas, Filters(text=text)))
    assert result["parks"] == ["park_china_cloud_valley", "park_yungu_center"]
    assert result["companies"] == [] and result["institutions"] == []
    assert len(result["districts"]) == 4


@pytest.mark.parametrize(("ranges", "expected"), [
    ((("fund_size_first_phase", 10, 30),), ["fund_runmiao"]),
    ((("fund_size_first_phase", 21, None),), []),
    ((("fund_size_first_phase", None, 20),), ["fund_runmiao"]),  # bounds are inclusive
    ((("construction_start", None, None),), []),  # string values never fall in a numeric range
])
def test_fact_ranges(mini_atlas, ranges, expected):
    result = _ids(apply_filters(mini_atlas, Filters(layers=("companies", "parks"), fact_ranges=ranges)))
    assert result["parks"] + result["companies"] == expected


def test_combined_filters(mini_atlas):
    f = Filters(layers=("parks", "institutions"), districts=("330106",), tags=("research",), text="紫金港")
    assert _ids(apply_filters(mini_atlas, f)) == {"parks": ["park_zijingang"], "institutions": []}


def test_search_ranks_short_form_then_prefix_and_places_before_events(mini_atlas):
    found = search(mini_atlas, "云谷")  # 中国云谷 is 云谷 in China (a short form); the event ties the park
    assert found["id"].tolist() == ["park_china_cloud_valley", "park_yungu_center", "ev_cloud_valley_launch"]
    assert found["match"].tolist() == ["short", "prefix", "prefix"]
    assert list(found.columns) == ["layer", "id", "name_zh", "name_en", "match"]


def test_search_exact_first(mini_atlas):
    found = search(mini_atlas, "西湖区")
    assert found["id"].tolist()[0] == "dist_xihu" and found["match"].iloc[0] == "exact"
    found = search(mini_atlas, "zhejiang university")
    assert found.iloc[0].to_dict() == {"layer": "institutions", "id": "inst_zju", "name_zh": "浙江大学",
                                       "name_en": "Zhejiang University", "match": "exact"}


@pytest.mark.parametrize(("text", "ids"), [
    ("ZJU", ["inst_zju"]), ("潤苗", ["fund_runmiao", "ev_runmiao_fund_launch"]),
    ("润苗", ["fund_runmiao", "ev_runmiao_fund_launch"]),
    ("DEEP robotics", ["co_deeprobotics"]),
    ("", []), ("   ", []), ("atlantis", []),
])
def test_search_cases(mini_atlas, text, ids):
    assert search(mini_atlas, text)["id"].tolist() == ids


def test_search_limit(mini_atlas):
    assert len(search(mini_atlas, "a", limit=3)) == 3


@pytest.mark.parametrize("filters", [
    Filters(districts=("330106",)),
    Filters(kinds=("data_center",)),
    Filters(tags=("compute",)),
    Filters(layers=("parks",)),
    Filters(districts=("330105",), text="ignored: the search text is the query"),
])
def test_search_within_filters_offers_only_what_passes_them(mini_atlas, filters):
    from dataclasses import replace

    everything = search(mini_atlas, "云")
    within = search(mini_atlas, "云", filters=filters)
    passed = {fid for gdf in apply_filters(mini_atlas, replace(filters, text="")).values() for fid in gdf["id"]}
    assert set(within["id"]) == set(everything["id"]) & passed
    assert list(within["id"]) == [fid for fid in everything["id"] if fid in passed]  # same ranking
    assert len(within) < len(everything)


def test_search_without_filters_is_unchanged(mini_atlas):
    assert search(mini_atlas, "cloud valley", filters=Filters()).equals(search(mini_atlas, "cloud valley"))


# ------------------------------------------------------------------------------------------------ period


def test_period_query_shape():
    assert Filters(period=["2024-10", "2025-06"]).to_query() == {"period": "2024-10/2025-06"}
    assert Filters.from_query({"period": "2024-10/2025-06"}) == Filters(period=("2024-10", "2025-06"))
    assert Filters(period=()).period == () and Filters(period=None).period == ()


@pytest.mark.parametrize(("period", "events", "hidden", "undated_kept"), [
    # mini events: cloud valley launch 2024-10, qizhen fund 2025-09, runmiao fund 2025-11/2025-12
    (("2024-10", "2024-12"), ["ev_cloud_valley_launch"], {"inst_zju", "fund_runmiao", "fund_hanggang_qizhen"}, True),
    (("2025-09", "2025-11"), ["ev_qizhen_fund_founded", "ev_runmiao_fund_launch"], set(), True),
    (("2025-12", "2026-12"), ["ev_runmiao_fund_launch"], set(), True),
    (("2026-01", "2026-12"), [], set(), True),
])
def test_period_filters_events_features_and_facts(mini_atlas, period, events, hidden, undated_kept):
    from geo.core.timeline import first_dates

    result = apply_filters(mini_atlas, Filters(period=period))
    assert list(result["events"]["id"]) == events
    everything = apply_filters(mini_atlas, Filters())
    firsts = first_dates(mini_atlas)
    for lid in ("plans", "parks", "institutions", "companies"):
        kept = set(result[lid]["id"])
        assert kept == set(everything[lid]["id"]) - hidden, lid
        undated = {fid for fid in everything[lid]["id"] if fid not in firsts}
        assert undated <= kept  # features the articles give no date for stay visible ...
        assert set(result[lid].loc[result[lid]["undated"], "id"]) == undated  # ... and are marked
    # the base map stays whole; every fact left has an as_of overlapping the period (or none readable)
    assert len(result["districts"]) == len(everything["districts"]) and len(result["city"]) == 1
    first, last = period
    for gdf in result.values():
        for facts in gdf["facts"]:
            for fact in facts:
                start, end = fact["as_of"].split("/") if "/" in fact["as_of"] else (fact["as_of"],) * 2
                assert start[:7] <= last and (end + "-12")[:7] >= first, fact
    assert mini_atlas.layers["events"]["facts"].map(len).sum() >= 3  # the atlas itself is untouched


def test_period_combines_with_other_filters(mini_atlas):
    result = apply_filters(mini_atlas, Filters(period=("2025-09", "2025-09"), text="启真"))
    assert list(result["events"]["id"]) == ["ev_qizhen_fund_founded"]
    assert list(result["companies"]["id"]) == ["fund_hanggang_qizhen"]
