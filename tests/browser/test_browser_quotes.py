"""Quotes (issue 15): each fact's own words from the article (原文) in the article popover, in both languages.

The English view shows the Chinese quote as printed under the fact's English label, with the article's outlet
and dates, and what was derived from the quote (a resolved date) in English.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"
EVENT = "ev_hangzhou_ai_plan_2025"  # s002 (Traditional script), a relative date ("今年6月") with a note


def _props(layer_file: str, feature_id: str) -> dict:
    for feature in json.loads((DATA / layer_file).read_text(encoding="utf-8"))["features"]:
        if feature["properties"]["id"] == feature_id:
            return feature["properties"]
    raise KeyError(feature_id)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_article_popover_shows_each_quote_with_outlet_and_date(app, hooks, lang):
    props = _props("districts.geojson", "dist_xihu")
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.lang_param: lang, hooks.select_param: "dist_xihu"})
    app.wait_for_selected("dist_xihu")
    article = app.popover("facts_src_s000")
    heading = "原文" if lang == "zh" else "Original wording (原文, Chinese as printed)"
    assert heading in article
    published = "2026年1—2月" if lang == "zh" else "Jan–Feb 2026"  # the publication window as months, one format
    assert (published in article) and (("未署媒体" if lang == "zh" else "Outlet not named") in article)
    assert "2026-01-01" not in article and "s000" not in article  # no ISO range, no internal id
    for fact in (f for f in props["facts"] if f["source"] == "s000"):
        label = fact[f"label_{lang}"]
        assert f"{label}: 「{fact['quote_zh']}」" in article, (label, fact["quote_zh"])
    if lang == "en":  # the Chinese labels stay out of the English view; the quotes are Chinese by nature
        assert props["facts"][0]["label_zh"] not in article.replace(props["facts"][0]["quote_zh"], "")
    assert not app.scrolls_sideways(".st-key-side_panel")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_traditional_quote_and_its_resolved_date(app, hooks, lang):
    props = _props("events.geojson", EVENT)
    date = props["facts"][0]
    app.open(**{hooks.basemap_param: hooks.no_tiles, hooks.lang_param: lang, hooks.select_param: EVENT})
    app.wait_for_selected(EVENT)
    article = app.popover("facts_src_s002")
    assert f"「{date['quote_zh']}」" in article  # Traditional, as printed
    assert date[f"derived_{lang}"] in article
    other = "derived_en" if lang == "zh" else "derived_zh"
    assert date[other] not in article
