"""The side panel and sidebar (AppTest on the shipped data and on copies of the mini atlas): fact lines that fit
the panel, precision in words, long lists counted and grouped without repeats, search within the filters, the
layers parameter, both languages, and error messages without server paths."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter

import pytest

from geo.core.filters import Filters, apply_filters
from geo.core.search import ranked
from geo.core.spatial import inside, related
from layers.definitions import DEFAULT_LAYERS
from tests.common import (
    MINI_DIR,
    block,
    edit_feature,
    layer_labels,
    listed,
    nodes,
    panel_text,
    plain,
    read_json,
    set_layer,
    shown_layers,
    write_json,
)
from ui.dates import window_text
from ui.facts import fact_when, value_text
from ui.i18n import layer_label
from ui.panel import FIRST_ITEMS
from ui.panel_model import LAYER_ICONS

CJK = re.compile(r"[\u3400-\u9fff]")


def query(at) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def keys(at, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def fact_lines(at) -> list[str]:
    """The panel's fact lines ("- **label**: value · date · article"), unescaped."""
    return [line for m in nodes(block(at, "side_panel"), "markdown") for line in plain(m.value).split("\n")
            if line.startswith("- **")]


# ------------------------------------------------------------------------------------------------ facts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facts_are_lines_with_value_unit_date_and_an_article_label(app, atlas, lang):
    at = app(sel="park_zijingang", lang=lang, basemap="none")
    _lid, row = atlas.feature("park_zijingang")
    assert not nodes(block(at, "side_panel"), "dataframe")  # nothing that scrolls sideways
    lines = fact_lines(at)
    assert len(lines) == len(row["facts"])
    article = {sid: f"{'文' if lang == 'zh' else 'A'}{i}" for i, sid in enumerate(atlas.sources, start=1)}
    for line, fact in zip(lines, row["facts"], strict=True):
        when = fact_when(fact, lang)
        assert line == f"- **{fact[f'label_{lang}']}**: {value_text(fact, lang)} · " + (f"{when} · " if when else "") \
            + article[fact["source"]]
        assert not re.search(r"\d{4}-\d{2}", line)  # one date format: 2025年1月 / Jan 2025, never ISO
    targets = [line for line, f in zip(lines, row["facts"], strict=True) if f.get("target")]
    assert targets and all(line.split(" · ")[0].endswith("（目标）" if lang == "zh" else "(target)")
                           for line in targets)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_article_label_opens_its_details(app, atlas, lang):
    at = app(sel="park_zijingang", lang=lang, basemap="none")
    cited = list(dict.fromkeys(f["source"] for f in atlas.feature("park_zijingang")[1]["facts"]))
    numbers = {sid: i for i, sid in enumerate(atlas.sources, start=1)}
    for sid in cited:
        popover = block(at, f"facts_src_{sid}")
        assert popover is not None and popover.proto.popover.label == f"{'文' if lang == 'zh' else 'A'}{numbers[sid]}"
        text = "\n".join(plain(m.value) for m in nodes(popover, "markdown"))
        source = atlas.sources[sid]
        assert source[f"headline_{lang}"] in text and window_text(source["date_from"], source["date_to"], lang) in text
        assert sid not in text and source["date_from"] not in text  # no internal id, no ISO range
        assert ("未署媒体" if lang == "zh" else "Outlet not named") in text


@pytest.mark.parametrize(("lang", "fid"), [("zh", "park_zijingang"), ("en", "park_zijingang"),
                                           ("zh", "ev_lihe_moves_in"), ("en", "ev_lihe_moves_in")])
def test_article_popover_gives_each_fact_its_quote(app, atlas, lang, fid):
    """Issue 15: every fact's quote (原文, Chinese as printed) under its label in ``lang``, in the popover of its
    article, with what was derived from it (a resolved date) in ``lang`` only."""
    at = app(sel=fid, lang=lang, basemap="none")
    facts = atlas.feature(fid)[1]["facts"]
    for sid in dict.fromkeys(f["source"] for f in facts):
        text = "\n".join(plain(m.value) for m in nodes(block(at, f"facts_src_{sid}"), "markdown"))
        assert ("原文" if lang == "zh" else "Original wording (原文, Chinese as printed)") in text
        for fact in (f for f in facts if f["source"] == sid):
            assert f"*{fact[f'label_{lang}']}*: 「{fact['quote_zh']}」" in text, fact["attribute"]
            if fact.get("derived_zh"):
                other = "en" if lang == "zh" else "zh"
                assert fact[f"derived_{lang}"] in text and fact[f"derived_{other}"] not in text


def test_city_facts_in_the_overview_are_cut_with_a_more_control(app, atlas):
    at = app(basemap="none")
    facts = atlas.feature("city_hangzhou")[1]["facts"]
    assert len(facts) > 12
    assert len(fact_lines(at)) == len(facts)  # all of them, the rest in an expander
    (more,) = [e for e in at.expander if e.label == f"另外 {len(facts) - 12} 条"]
    assert len(plain(more.markdown[0].value).split("\n")) == len(facts) - 12


# ------------------------------------------------------------------------------------------------ precision in words


@pytest.mark.parametrize(("feature_id", "lang", "expected"), [
    ("park_yungu_center", "zh", "位置为近似：此点代表中国云谷，实际位置可能在 ±2 公里内。"),
    ("park_yungu_center", "en", "Approximate position: this point stands for China Cloud Valley; the actual site "
                                "may be anywhere within ±2 km."),
    ("co_deep_robotics", "zh", "仅知所在区县：此点为西湖区的代表点"),
    ("co_deep_robotics", "en", "District only: this point stands for Xihu District"),
    ("co_rokid", "zh", "仅知在杭州：此点为全市的代表点"),
    ("co_rokid", "en", "City only: this point stands for Hangzhou"),
    ("dist_xihu", "zh", "行政区划边界，精度约 ±250 米。"),
    ("park_zijingang", "en", "Approximate footprint: its edges may be off by about ±1.5 km."),
])
def test_panel_states_the_precision_in_words(app, atlas, feature_id, lang, expected):
    _lid, row = atlas.feature(feature_id)
    if feature_id == "park_yungu_center":  # the data this case was written for
        assert row["location_basis"] == "parent_location" and row["location_precision_m"] == 2000
    at = app(sel=feature_id, lang=lang, basemap="none")
    assert expected in panel_text(at)


# ------------------------------------------------------------------------------------------------ long lists


def test_district_lists_its_features_once_counted_and_grouped(app, atlas):
    at = app(sel="dist_xihu", basemap="none")
    wanted = set(inside(atlas, "dist_xihu")["id"]) | set(related(atlas, "dist_xihu")["in_district"])
    assert len(wanted) > 40  # the case of the issue: it used to stop at 40 without saying so
    shown = [fid for p in at.pills if p.key.startswith("inside") for fid in p.format_func.__self__]
    assert len(shown) == len(set(shown)) and set(shown) == wanted
    assert not listed(at, "rel_in_district")  # not a second time under related features
    text = panel_text(at)
    assert f"**区内要素** ({len(wanted)})" in text
    per_layer = Counter(atlas.feature(fid)[0] for fid in wanted)
    for lid, n in per_layer.items():
        (group,) = [p for p in at.pills if p.key == f"inside_{lid}"]  # one list per layer, labelled with its count
        assert plain(group.label) == f"{layer_label(lid, 'zh')} ({n})" and len(group.options) == min(n, FIRST_ITEMS)
        assert f"{layer_label(lid, 'zh')} ({n})" in text
    mores = [e for e in at.expander if e.label.startswith("另外 ")]
    assert sum(int(e.label.split()[1]) for e in mores) == sum(max(0, n - FIRST_ITEMS) for n in per_layer.values())


def test_lists_are_one_element_each_labelled_by_name_and_layer(app, atlas):
    """A list of features is one pills element (not a button per feature): options are ids, labelled
    "name · layer" after the layer's icon, every label distinct (an option is read back by its label)."""
    at = app(sel="park_zijingang", basemap="none")
    lists = [p for p in at.pills if p.key.startswith(("rel_", "inside", "nearby"))]
    assert lists and not [b for b in at.button if b.key and b.key.startswith(("rel_", "in_", "near_"))]
    for pills in lists:
        labels = pills.format_func.__self__
        assert len(set(labels.values())) == len(labels) == len(pills.options) <= FIRST_ITEMS
        for fid, label in labels.items():
            lid, row = atlas.feature(fid)
            assert plain(label).startswith(f":material/{LAYER_ICONS[lid]}: {row['name_zh']} · {layer_label(lid, 'zh')}")


def test_children_are_not_repeated_inside_or_nearby(app, atlas):
    at = app(sel="park_zijingang", basemap="none")
    children = set(related(atlas, "park_zijingang")["children"])
    assert set(listed(at, "rel_children")) == children
    inside_ids = set(listed(at, "inside"))
    near_ids = set(listed(at, "nearby"))
    assert not inside_ids & children and not near_ids & (children | inside_ids)
    everything_inside = set(inside(atlas, "park_zijingang")["id"])
    repeated = len(everything_inside & children)
    assert repeated and inside_ids == everything_inside - children
    assert f"**范围内** ({len(everything_inside)})" in panel_text(at)
    assert f"其中 {repeated} 个是上面已列出的相关要素" in panel_text(at)


def test_more_control_selects_a_feature_beyond_the_first(app, atlas):
    at = app(sel="dist_xihu", basemap="none")
    companies = [fid for fid in listed(at, "inside_companies")]
    assert len(companies) > FIRST_ITEMS
    last = companies[-1]
    (more,) = [e for e in at.expander if [p for p in e.get("button_group") if p.key == "inside_companies_more"]]
    assert more.label == f"另外 {len(companies) - FIRST_ITEMS} 个"  # behind "另外 n 个"
    at.pills(key="inside_companies_more").set_value(last).run()
    assert query(at)["sel"] == last
    assert at.session_state["inside_companies_more"] is None  # the list forgets the choice


@pytest.mark.parametrize("feature_id", ["dist_xihu", "park_zijingang"])
def test_the_panel_has_no_fixed_height_scroll_box_inside(app, feature_id):
    at = app(sel=feature_id, basemap="none")
    boxes = [n for n in nodes(block(at, "side_panel")) if hasattr(getattr(n, "proto", None), "height_config")]
    assert not [n for n in boxes if n.proto.height_config.pixel_height or n.proto.height_config.rem_height]


# ------------------------------------------------------------------------------------------------ search


def _expected_results(atlas, text: str, layers, **filters) -> set[str]:
    """What geo.core.search finds among the features that pass the filters on the shown layers."""
    passed = apply_filters(atlas, Filters(layers=tuple(layers), **filters))
    return set(ranked(atlas, text, ids={fid for gdf in passed.values() for fid in gdf["id"]})["id"])


@pytest.mark.parametrize(("text", "filters"), [
    ("cloud", {"districts": ["330106"]}),
    ("cloud", {}),
    ("云", {"kinds": ["data_center"]}),
    ("云", {"tags": ["compute"], "districts": ["330105"]}),
])
def test_search_results_respect_the_filters(app, atlas, text, filters):
    at = app(basemap="none")
    for key, value in filters.items():
        at.multiselect(key=key).set_value(value)
    at.text_input(key="q").input(text).run()
    shown = set(listed(at, "results")) | set(listed(at, "results_more"))
    assert shown == _expected_results(atlas, text, DEFAULT_LAYERS, **filters)
    labels = layer_labels(at)
    counts = {lid: int(re.search(r"\((\d+)\)$", labels[lid]).group(1)) for lid in DEFAULT_LAYERS}
    thematic = sum(counts[lid] for lid in DEFAULT_LAYERS if lid not in ("city", "districts"))
    assert len({s for s in shown if not s.startswith("dist_")}) == thematic  # results = what the counts say
    assert f"（{len(shown)}）" in " ".join(c.value for c in at.caption)


def test_search_skips_hidden_layers(app):
    at = app(basemap="none")
    set_layer(at, "parks", False)
    at.text_input(key="q").input("云谷").run()
    shown = listed(at, "results")
    assert shown and not [k for k in shown if k.startswith("park_")]


# ------------------------------------------------------------------------------------------------ layers parameter


@pytest.mark.parametrize(("value", "layers", "url"), [
    ("foo", list(DEFAULT_LAYERS), None),
    ("parks,foo", ["parks"], "parks"),
    ("foo,bar", list(DEFAULT_LAYERS), None),
])
def test_unknown_layers_are_dropped_and_the_rest_kept(app, value, layers, url):
    at = app(layers=value, basemap="none")
    assert [lid for lid in shown_layers(at) if lid in DEFAULT_LAYERS + ("city",)] == layers
    assert query(at).get("layers") == url
    (warning,) = at.warning
    assert "layers=" + ",".join(v for v in value.split(",") if v not in ("parks",)) in plain(warning.value)


def test_empty_layers_still_means_no_layer(app):
    at = app(layers="", basemap="none")
    assert shown_layers(at) == [] and not any(t.value for t in at.toggle)
    assert query(at)["layers"] == "" and not at.warning


# ------------------------------------------------------------------------------------------------ languages


def test_english_shows_no_chinese_unit_and_chinese_no_english_note(app, atlas):
    _lid, row = atlas.feature("ev_ai_hackathon_first_stop")
    assert any(f["unit"] == "支" and f["unit_en"] for f in row["facts"])  # a zh unit with its English form
    en = app(sel="ev_ai_hackathon_first_stop", lang="en", basemap="none")
    for line in fact_lines(en):
        value = line.split("**: ", 1)[1].split(" · ")[0]
        assert not CJK.search(value), line
    zh = app(sel="ev_ai_hackathon_first_stop", basemap="none")
    values = [line.split("**: ", 1)[1].split(" · ")[0] for line in fact_lines(zh)]
    assert any(v.endswith("支") for v in values) and not any("(count)" in v for v in values)
    location = panel_text(zh).split("位置精度")[1].split("相关要素")[0]
    assert row["location_note_en"] not in location and not re.search(r"[A-Za-z]{4,}", location)


@pytest.fixture
def contract_dir(tmp_path):
    """The mini atlas written in the session's data contracts: unit/unit_en/target, location_note_zh/_en and
    outlet_note_zh/_en."""
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    facts = [{"attribute": "planned_area", "label_zh": "规划面积", "label_en": "Planned area", "value": 26,
              "unit": "万方", "unit_en": "10,000 m² (wan fang)", "unit_gloss_zh": "万平方米", "as_of": "2026",
              "qualifier": "at least", "target": True, "source": "s004",
              "quote_zh": "目标至少26万方"}]
    edit_feature(data, "parks.geojson", "park_zijingang", facts=facts, location_note=...,
                 location_note_zh="中文位置说明。", location_note_en="English location note.")
    sources = read_json(data / "sources.json")
    for source in sources:
        source.pop("outlet_note", None)
        source["outlet"] = None
        source["outlet_note_zh"], source["outlet_note_en"] = "中文媒体说明", "English outlet note"
    write_json(data / "sources.json", sources)
    return data


@pytest.mark.parametrize(("lang", "value", "note", "outlet", "absent"), [
    ("zh", "至少26万平方米（目标）", "中文位置说明。", "未署媒体（中文媒体说明）", "English"),
    ("en", "at least 260,000 m² (target)", "English location note.", "Outlet not named (English outlet note)",
     "中文"),
])
def test_contract_fields_in_each_language(app, contract_dir, lang, value, note, outlet, absent):
    at = app(contract_dir, sel="park_zijingang", lang=lang, basemap="none")
    assert not at.error, [e.value for e in at.error]
    (line,) = fact_lines(at)
    assert line.split("**: ", 1)[1].split(" · ")[0] == value
    text = panel_text(at)
    assert note in text and absent not in text.split("位置" if lang == "zh" else "Location")[-1]
    popover = block(at, "facts_src_s004")
    assert outlet in "\n".join(plain(m.value) for m in nodes(popover, "markdown"))


# ------------------------------------------------------------------------------------------------ error messages


def test_errors_name_files_relative_to_the_data_directory(app, tmp_path):
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    (data / "companies.geojson").write_text("{ not json", encoding="utf-8")
    fc = json.loads((data / "parks.geojson").read_text(encoding="utf-8"))
    fc["features"][0]["properties"]["kind"] = "moon_base"
    (data / "parks.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    at = app(data)
    messages = [plain(e.value) for e in at.error]
    assert any("companies.geojson:" in m for m in messages) and any("parks.geojson:" in m for m in messages)
    for message in messages:
        assert str(tmp_path) not in message and "/atlas/" not in message, message


def test_missing_directory_is_named_without_its_path(app, tmp_path):
    at = app(tmp_path / "nowhere")
    (message,) = [plain(e.value) for e in at.error]
    assert "nowhere: data directory not found" in message and str(tmp_path) not in message


def test_event_fields_show_date_place_and_participants(app, tmp_path):
    """Events (contract: date_start/date_end, place, participants) read the same way in the panel."""
    data = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, data)
    edit_feature(data, "parks.geojson", "park_yungu_center", date_start="2025-07", date_end="2025-08",
                 place="park_zijingang", participants=["inst_zju", "no_such_id"])
    at = app(data, sel="park_yungu_center", lang="en", basemap="none")
    assert "**When**: Jul–Aug 2025 (a period)" in panel_text(at)  # at its resolution
    assert list(listed(at, "rel_place")) == ["park_zijingang"] and list(listed(at, "rel_participants")) == ["inst_zju"]


# ------------------------------------------------------------------------------------------------ built once per view


def test_a_selection_seen_before_computes_nothing(app, monkeypatch):
    """The panel of a feature is built once per (data version, feature, language, period, radius) and shared: a
    second visitor selecting it (or a rerun) asks no spatial query, timeline or fact formatting again; another
    radius asks only the nearby query."""
    import ui.panel_model as model
    import ui.timeline as timeline_ui

    calls = Counter()

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    for name in ("related", "inside", "nearby", "facts_in_period"):
        monkeypatch.setattr(model, name, counting(name, getattr(model, name)))
    monkeypatch.setattr(timeline_ui, "feature_timeline", counting("timeline", timeline_ui.feature_timeline))
    for cached in (model.selected, model.feature_view, model.facts_view, model.lists_view, model.nearby_view,
                   timeline_ui.timeline_view):
        cached.clear()
    first = app(sel="park_zijingang", lang="en", basemap="none")
    once = dict(calls)
    assert once == {"related": 1, "inside": 1, "nearby": 1, "facts_in_period": 1, "timeline": 1}
    second = app(sel="park_zijingang", lang="en", basemap="none")  # another visitor, the same view
    second.run()  # and a rerun
    assert dict(calls) == once
    assert panel_text(second) == panel_text(first)
    second.slider(key="nearby_km").set_value(5.0).run()
    assert calls["nearby"] == 2 and {k: v for k, v in calls.items() if k != "nearby"} == \
        {k: v for k, v in once.items() if k != "nearby"}
