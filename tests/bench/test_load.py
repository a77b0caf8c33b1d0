"""bench/load.py's pieces: the Cookie header it sends back, the ratios it reports, and (with a server and Chromium)
the static files its visitors fetch like a first-time browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import ratios
from devtools.visitor import cookie_header

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("set_cookies", "expected"), [
    ([], ""),
    (["ATLAS_REPLICA=r1; path=/; HttpOnly"], "ATLAS_REPLICA=r1"),
    # Streamlit's own cookie first, the balancer's sticky one second: both are sent back
    (["_streamlit_xsrf=2|ab|cd|1; expires=Fri, 01 Jan 2027 00:00:00 GMT; Path=/",
      "ATLAS_REPLICA=r0; path=/; HttpOnly"], "_streamlit_xsrf=2|ab|cd|1; ATLAS_REPLICA=r0"),
    (["a=1", "a=2; Path=/"], "a=2"),  # the last value of a name wins, as in a browser
    (["no-equals-sign; Path=/", "b=; Path=/"], "b="),
])
def test_every_set_cookie_is_sent_back(set_cookies, expected):
    assert cookie_header(set_cookies) == expected


def test_ratios_to_the_bare_page():
    atlas = {"first_p50_s": 2.0, "first_p95_s": 3.0, "interaction_p95_s": None, "cpu_first_s": 0.1,
             "cpu_interaction_s": 0.06, "cpu_select_s": 0.03}
    bare = {"first_p50_s": 1.0, "first_p95_s": 2.0, "interaction_p95_s": 1.0, "cpu_first_s": 0.05,
            "cpu_interaction_s": 0.02}
    assert ratios(atlas, bare) == {"first_p50_s": 2.0, "first_p95_s": 1.5, "interaction_p95_s": None,
                                   "cpu_first_s": 2.0, "cpu_interaction_s": 3.0, "cpu_select_s": 1.5}
    assert ratios(atlas, {**bare, "cpu_interaction_s": 0.0})["cpu_select_s"] is None  # no division by zero


@pytest.mark.browser
def test_a_visitor_fetches_what_a_first_time_browser_fetches(tmp_path):
    """bench.load --static: the static files a real Chromium page fetched (recorded in a child process) are what
    each visitor GETs, gzip accepted, before its websocket: Streamlit's frontend, the component's, the map's."""
    from bench.load_probe import record_static
    from devtools.visitor import first_page
    from serve.launcher import AppServer

    with AppServer(ROOT / "data", tmp_path / "app.log") as server:
        paths = record_static(f"http://127.0.0.1:{server.port}/")
        for prefix in ("/static/js/", "/component/streamlit_folium", "/app/static/vendor/leaflet/leaflet.js"):
            assert any(p.startswith(prefix) for p in paths), (prefix, paths[:5])
        assert len(paths) == len(set(paths))

        plain, browser_like = first_page("127.0.0.1", server.port), first_page("127.0.0.1", server.port, tuple(paths))
    assert plain.visit.first_ok and browser_like.visit.first_ok, browser_like.visit.error
    assert browser_like.visit.bytes > plain.visit.bytes + 1_000_000  # Streamlit's bundle alone is megabytes
    assert browser_like.fetched >= {p for p in paths if p.startswith("/app/static/")}
    assert set(browser_like.scripts) <= set(paths)  # the page's own map scripts were among the browser's files
