"""No request leaves localhost: the app serves Leaflet itself and the no-tiles basemap fetches nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

# Every URL a document refers to for loading something (scripts, styles, icons, images, frames, media).
_URLS_JS = """() => Array.from(document.querySelectorAll(
        'script[src], link[href], img[src], iframe[src], source[src], video[src], audio[src], embed[src], '
        + 'object[data]'))
    .filter(el => !(el.tagName === 'LINK' && /^(canonical|alternate)$/i.test(el.rel)))
    .map(el => el.src || el.href || el.data)
    .filter(u => typeof u === 'string' && u)"""


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("localhost", "127.0.0.1")


def test_full_load_and_interaction_stay_on_localhost(app, hooks, guard):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    app.map_frame()
    app.wait_for_count(hooks.feature("dist_xihu"), 1)
    app.set_layer("city", True)
    app.search("云谷", pick="中国云谷")
    app.wait_for_selected("park_china_cloud_valley")
    app.mouse_on("dist_xihu", click=True)
    app.wait_for_selected("dist_xihu")
    app.page.wait_for_timeout(500)
    guard.assert_clean()
    # Chromium fetches some resources lazily or not at all (a favicon, say): also audit every URL the documents
    # point at, in the page and in each frame.
    for frame in app.page.frames:
        foreign = [u for u in frame.evaluate(_URLS_JS) if not is_local(u)]
        assert not foreign, f"{frame.url} points off localhost: {foreign}"
    # the guard saw the traffic: the page, the component iframe and the vendored Leaflet, all local
    paths = {urlsplit(u).path for u in guard.requests}
    assert "/" in paths
    assert any(p.endswith("/leaflet.js") for p in paths), sorted(paths)[:20]
    assert any("streamlit_folium" in p for p in paths)
    hosts = {urlsplit(u).hostname for u in guard.requests if urlsplit(u).scheme in ("http", "https")}
    assert hosts <= {"localhost", "127.0.0.1"}, hosts


def test_guard_blocks_and_reports_a_foreign_request(page, guard):
    """The guard itself: a request to another host is aborted and listed (then cleared so the test passes)."""
    page.set_content("<img src='https://tile.openstreetmap.org/1/0/0.png'>")
    page.wait_for_timeout(300)
    assert guard.problems() == ["https://tile.openstreetmap.org/1/0/0.png"]
    try:
        guard.assert_clean()
    except AssertionError as exc:
        assert "tile.openstreetmap.org" in str(exc)
    else:
        raise AssertionError("assert_clean() passed with a foreign request")
    guard.blocked.clear()
