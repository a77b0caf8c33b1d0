"""layers.assets: every script and stylesheet of the map is served by the app itself (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import folium.plugins
import pytest

from geo.io.atlas import load_atlas
from layers import assets
from layers.basemaps import basemap_group
from layers.render import base_map, display_collection, highlight_group, legend_group, overlay_group
from tests.common import MINI_DIR, ROOT
from ui.data import display_text
from ui.i18n import layer_label

CDN = re.compile(r"cdn\.jsdelivr|cdnjs\.cloudflare|unpkg\.com|code\.jquery\.com|bootstrapcdn|fonts\.googleapis")
ASSET_URL = re.compile(r"""(?:<script[^>]*\bsrc|<link[^>]*\bhref)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
CSS_URL = re.compile(r"url\(([^)]+)\)")


@pytest.fixture(scope="module")
def full_html() -> str:
    atlas = load_atlas(MINI_DIR)
    m = base_map()
    basemap_group("none").add_to(m)
    for lid, gdf in atlas.layers.items():
        overlay_group(lid, display_collection(gdf, lid, display_text(lid, "zh")), layer_label(lid, "zh")).add_to(m)
    highlight_group(display_collection(atlas.layers["parks"].iloc[[0]], "parks", display_text("parks", "zh"))).add_to(m)
    legend_group([("园区", [("数据中心", "#4f46e5", "dot")])]).add_to(m)
    return m.get_root().render()


def test_every_script_and_stylesheet_is_local(full_html):
    urls = ASSET_URL.findall(full_html)
    assert urls, "no script/link found: the test would prove nothing"
    assert all(u.startswith(assets.STATIC_URL + "/") for u in urls), urls
    assert not re.search(r"""(?:src|href)\s*=\s*["']https?://""", full_html)
    assert not CDN.search(full_html)


@pytest.mark.parametrize("dropped", ["jquery", "bootstrap", "awesome", "font-awesome", "fontawesome", "glyphicons"])
def test_unneeded_libraries_are_gone(full_html, dropped):
    assert dropped not in full_html.lower()


def test_class_level_defaults_point_at_static():
    assets.use_local_assets()
    for cls in (folium.Map, folium.plugins.MeasureControl):
        for _, url in (*cls.default_js, *cls.default_css):
            assert url.startswith("/app/static/vendor/")


def test_asset_urls_map_to_vendored_files():
    vendored = {f"{assets.STATIC_URL}/{dst}" for dst in assets.VENDOR_FILES}
    assert set(assets.asset_urls()) <= vendored


@pytest.mark.skipif(not (ROOT / "node_modules" / "leaflet").is_dir(), reason="npm ci has not run")
@pytest.mark.parametrize("dst", sorted(assets.VENDOR_FILES))
def test_vendor_sources_exist_and_stylesheets_reference_only_local_files(dst):
    src = ROOT / "node_modules" / assets.VENDOR_FILES[dst]
    assert src.is_file()
    if dst.endswith(".css"):
        refs = [r.strip("'\" ") for r in CSS_URL.findall(src.read_text(encoding="utf-8"))]
        for ref in refs:
            assert not ref.startswith(("http:", "https:", "//")), ref
            if not ref.startswith(("#", "data:")):
                dir_dst = str(Path(dst).parent / Path(ref).parent)
                assert dir_dst in assets.VENDOR_DIRS, f"{ref} of {dst} is not vendored"


def test_package_json_pins_leaflet_and_the_measure_plugin():
    import json

    deps = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert deps["leaflet"] == "1.9.4"
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in deps.values()), deps
