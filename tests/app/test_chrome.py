"""ui/chrome: Streamlit's own English widget words replaced in the Chinese interface; multiselects without the
bulk "Select n matches" action (Enter picks the typed option). The browser test checks what is drawn."""

from __future__ import annotations

import re

import pytest

from ui.chrome import CHROME_ZH, css


def test_the_chinese_stylesheet_replaces_each_english_string():
    style = css("zh", 20)
    for selector, _words, _size in CHROME_ZH:
        assert f"{selector} {{ visibility: hidden; font-size: 0 !important; }}" in style
    contents = re.findall(r'content: "([^"]*)"', style)
    assert contents == ["上传", "单个文件不超过 20MB", "按回车键确认", "没有匹配的选项"]
    assert not [c for c in contents if re.search(r"[A-Za-z]{3,}", c)]


def test_english_keeps_streamlits_words():
    assert css("en", 20) == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_filters_have_no_select_all_action(app, lang):
    at = app(lang=lang, basemap="none")
    for key in ("districts", "kinds", "tags"):
        assert at.multiselect(key=key).proto.select_all == 0, key
    html = " ".join(h.proto.body for h in at.get("html"))
    assert ("按回车键确认" in html) == (lang == "zh")
