"""layers.basemaps: the offered basemaps, their coordinate systems and the Tianditu key rule."""

from __future__ import annotations

import pytest

from layers.basemaps import BASEMAPS, DEFAULT_BASEMAP, available, basemap_group, valid_key

KEY = "0123456789abcdef0123456789abcdef"


def tile_urls(group) -> list[str]:
    return [child.tiles for child in group._children.values()]


def test_the_default_basemap_is_offered_without_a_key():
    assert DEFAULT_BASEMAP in available(None)


@pytest.mark.parametrize("basemap", list(BASEMAPS))
def test_each_basemap_says_the_system_its_tiles_are_drawn_in(basemap):
    """Overlays are converted to a basemap's system: Amap's (autonavi) tiles are GCJ-02, every other provider's
    WGS84, and the offline basemap has none to match (WGS84, the stored system)."""
    urls = tile_urls(basemap_group(basemap, KEY))
    chinese_offset = any("autonavi.com" in u or "amap.com" in u for u in urls)
    assert BASEMAPS[basemap].system == ("gcj02" if chinese_offset else "wgs84"), urls


@pytest.mark.parametrize(("key", "tianditu"), [(None, False), ("", False), ("bad key!", False), (KEY, True)])
def test_tianditu_only_with_a_key(key, tianditu):
    offered = available(key)
    assert ("tianditu_road" in offered) is tianditu
    assert {"amap_road", "amap_satellite", "osm", "positron", "none"} <= set(offered)


@pytest.mark.parametrize(("key", "ok"), [(KEY, True), ("abc", False), ("k" * 65, False), ("a'b\"<c>1234", False)])
def test_valid_key(key, ok):
    assert (valid_key(key) is not None) is ok


def test_no_tiles_basemap_has_no_tile_layer():
    assert tile_urls(basemap_group("none")) == []


def test_tianditu_key_goes_into_the_tile_urls():
    urls = tile_urls(basemap_group("tianditu_road", KEY))
    assert len(urls) == 2 and all(u.endswith(f"tk={KEY}") for u in urls)


@pytest.mark.parametrize("basemap", ["amap_road", "amap_satellite", "osm", "positron"])
def test_tile_urls_are_templates(basemap):
    urls = tile_urls(basemap_group(basemap))
    assert urls and all("{z}" in u and "{x}" in u and "{y}" in u for u in urls)
