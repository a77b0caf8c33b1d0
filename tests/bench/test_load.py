"""bench/load.py's pieces that do not need a server: the Cookie header it sends back, the ratios it reports."""

from __future__ import annotations

import pytest

from bench.load import ratios
from devtools.visitor import cookie_header


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
