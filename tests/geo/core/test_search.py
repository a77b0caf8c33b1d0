"""geo.core.search: ranked search on the shipped atlas (names, aliases, short forms, pinyin, fuzzy) and its tiers.

The coverage tests walk every park, district and institution of data/: each must come first for its name, each
alias, its common short forms (made here by generic rules: a leading province/city/district name dropped, a
district's 区/县/市 dropped, a type word shared by several names dropped when 3+ characters remain) and the
pinyin of its name.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from pypinyin import Style, lazy_pinyin

from geo.core.search import TIERS, compact, index_for, normalize_text, ranked
from geo.io.atlas import load_atlas
from tests.common import ROOT

PLACE_LAYERS = ("parks", "districts", "institutions")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def shipped():
    return load_atlas(ROOT / "data")


def _places(atlas):
    for lid in PLACE_LAYERS:
        for row in atlas.layers[lid].itertuples():
            yield lid, row


def _first(atlas, query: str) -> str | None:
    found = ranked(atlas, query)
    return found["id"].iloc[0] if len(found) else None


def _all_names(atlas) -> dict[str, set[str]]:
    """compact form -> ids of the features that have it as a name or alias (to skip ambiguous short forms)."""
    out: dict[str, set[str]] = {}
    for gdf in atlas.layers.values():
        for row in gdf.itertuples():
            for text in (row.name_zh, row.name_en, *(row.aliases or [])):
                if isinstance(text, str) and text.strip():
                    out.setdefault(compact(text), set()).add(row.id)
    return out


def _short_forms(atlas) -> dict[str, set[str]]:
    """Generic short forms of every place name -> the ids they come from."""
    regions = set()
    for lid in ("city", "districts"):
        for name in atlas.layers[lid]["name_zh"]:
            regions.update({name, re.sub(r"[区县市]$", "", name)})
    suffixes = Counter()
    names = [(lid, row.id, n) for lid, row in _places(atlas) for n in (row.name_zh, *(row.aliases or []))
             if isinstance(n, str) and CJK.search(n)]
    for _lid, _fid, n in names:
        suffixes.update({n[-k:] for k in (2, 3) if len(n) > k + 1})
    type_words = {s for s, c in suffixes.items() if c >= 3}
    out: dict[str, set[str]] = {}
    for lid, fid, n in names:
        forms = {re.sub(r"^[\u4e00-\u9fff]{2}[省市](?=[\u4e00-\u9fff]{2})", "", n)}
        forms |= {n[len(r):] for r in regions if n.startswith(r) and len(n) - len(r) >= 2}
        if lid == "districts":
            forms.add(re.sub(r"[区县市]$", "", n))
        forms |= {f[:-len(w)] for f in list(forms) for w in type_words if f.endswith(w) and len(f) - len(w) >= 3}
        for form in forms - {n}:
            out.setdefault(compact(form), set()).add(fid)
    return out


def test_every_place_is_found_first_by_its_names_and_aliases(shipped):
    misses, total = [], 0
    names = _all_names(shipped)
    for _lid, row in _places(shipped):
        for text in (row.name_zh, row.name_en, *(row.aliases or [])):
            if not (isinstance(text, str) and text.strip()) or len(names[compact(text)]) > 1:
                continue
            total += 1
            if _first(shipped, text) != row.id:
                misses.append((text, row.id, _first(shipped, text)))
    assert total > 150
    assert not misses, f"{len(misses)} of {total} names/aliases not found first: {misses}"


def test_every_place_is_found_first_by_its_short_forms(shipped):
    names = _all_names(shipped)
    forms = _short_forms(shipped)
    checked, misses = 0, []
    for form, ids in forms.items():
        if len(ids) > 1 or (names.get(form, set()) - ids):
            continue  # ambiguous: another place's short form, or another feature's name (西湖 is also 西湖区's)
        (fid,) = ids
        checked += 1
        if _first(shipped, form) != fid:
            misses.append((form, fid, _first(shipped, form)))
    assert checked > 40
    assert not misses, f"{len(misses)} of {checked} short forms not found first: {misses}"


def test_every_place_is_found_first_by_its_pinyin(shipped):
    names = _all_names(shipped)
    seen = Counter("".join(lazy_pinyin(row.name_zh, style=Style.NORMAL)) for _lid, row in _places(shipped))
    checked, misses = 0, []
    for _lid, row in _places(shipped):
        pinyin = "".join(lazy_pinyin(row.name_zh, style=Style.NORMAL))
        if seen[pinyin] > 1 or len(names[compact(row.name_zh)]) > 1:
            continue
        checked += 1
        for query in (pinyin, " ".join(lazy_pinyin(row.name_zh, style=Style.NORMAL)), pinyin.upper()):
            if _first(shipped, query) != row.id:
                misses.append((query, row.id, _first(shipped, query)))
    assert checked > 50
    assert not misses, f"{len(misses)} pinyin queries not found first: {misses}"


@pytest.mark.parametrize(("query", "first"), [
    ("信创产业园", "park_xinchuang_shangmi"), ("信创园", "park_xinchuang_shangmi"),
    ("大运河未来城", "park_canal_future_city"), ("云谷", "park_china_cloud_valley"),
    ("雲谷", "park_china_cloud_valley"), ("yungu", "park_china_cloud_valley"),
    ("Yun Gu", "park_china_cloud_valley"), ("cloud valley", "park_china_cloud_valley"),
    ("zggy", None), ("zgyg", "park_china_cloud_valley"), ("西胡大学", "inst_westlake_univ"),
    ("浙江省信創和商密產業園", "park_xinchuang_shangmi"), ("modelscope", "park_modelscope_dev_center"),
    ("未来科技城", "park_future_sci_tech_city"), ("xihu", "dist_xihu"), ("杭州", "city_hangzhou"),
])
def test_examples(shipped, query, first):
    assert _first(shipped, query) == first


def test_yungu_ranks_the_park_before_events_and_the_university(shipped):
    found = ranked(shipped, "云谷")
    ids = found["id"].tolist()
    assert ids[0] == "park_china_cloud_valley"
    layers = found["layer"].tolist()
    assert ids.index("inst_westlake_univ") > ids.index("park_yungu_center")
    assert all(lid != "events" for lid in layers[:3])


def test_tiers_are_in_order_and_places_come_before_events_on_a_tie(shipped):
    found = ranked(shipped, "云谷")
    tiers = [TIERS.index(m) for m in found["match"]]
    assert tiers == sorted(tiers)
    prefix = found[found["match"] == "prefix"]["layer"].tolist()
    assert "events" in prefix and prefix.index("events") > prefix.index("parks")
    assert prefix[prefix.index("events"):] == ["events"] * (len(prefix) - prefix.index("events"))


def test_fuzzy_needs_most_characters_and_finds_nothing_for_noise(shipped):
    assert ranked(shipped, "量子海洋气象").empty
    assert ranked(shipped, "atlantis").empty
    assert ranked(shipped, "  ").empty
    assert ranked(shipped, "云")["match"].isin(["prefix", "substring"]).all()  # one character: no fuzzy


def test_ids_restrict_without_changing_the_order(shipped):
    everything = ranked(shipped, "云")["id"].tolist()
    allowed = set(everything[::2])
    assert ranked(shipped, "云", ids=allowed)["id"].tolist() == [i for i in everything if i in allowed]


def test_the_index_is_built_once_per_atlas(shipped):
    assert index_for(shipped) is index_for(shipped)
    other = load_atlas(ROOT / "tests" / "data" / "mini")
    assert index_for(other) is not index_for(shipped)
    assert len(index_for(other).features) < len(index_for(shipped).features)


@pytest.mark.parametrize(("raw", "normal"), [
    ("  Cloud   VALLEY ", "cloud valley"), ("中國雲谷", "中国云谷"), ("魔搭社区（杭州）", "魔搭社区 杭州"),
    ("濱江區", "滨江区"), ("ＡＩ", "ai"), ("“中国云谷”先导区", "中国云谷 先导区"),
])
def test_normalize_text(raw, normal):
    assert normalize_text(raw) == normal
