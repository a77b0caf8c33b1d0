"""layers.escape: the one function every string passes before it reaches the map."""

from __future__ import annotations

import html

import pytest

from layers.escape import escape, escape_properties

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>window.__xss=1</script>",
    "`${window.__xss=1}`",
    "back\\slash\\",
    "\"'><svg onload=alert(1)>",
    "{{7*7}} & friends",
    "中国云谷 China Cloud Valley",
]
DANGEROUS = ("<", ">", "`", "$", "\\", '"', "'")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_leaves_no_active_character_and_round_trips(payload):
    out = escape(payload)
    assert not any(ch in out for ch in DANGEROUS), out
    assert html.unescape(out) == payload  # text survives: the browser shows exactly the original


@pytest.mark.parametrize(("value", "expected"), [
    ("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"), ("<b>", "&lt;b&gt;"), ("a&b", "a&amp;b"),
    ('"', "&quot;"), ("'", "&#x27;"), (None, ""), (42, "42"), ("plain 文字", "plain 文字"),
])
def test_escape_values(value, expected):
    assert escape(value) == expected


def test_escape_properties_escapes_strings_lists_and_keys_and_keeps_numbers():
    props = {"name": "<b>x</b>", "aliases": ["`a`", 3], "n": 1.5, "flag": True, "none": None, "<k>": "v"}
    out = escape_properties(props)
    assert out["name"] == "&lt;b&gt;x&lt;/b&gt;"
    assert out["aliases"] == ["&#96;a&#96;", 3]
    assert out["n"] == 1.5 and out["flag"] is True and out["none"] is None
    assert out["&lt;k&gt;"] == "v"
