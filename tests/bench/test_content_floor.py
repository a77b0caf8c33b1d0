"""bench/content_floor.py and its skeleton page: the summary's ratios, and (with servers) that the skeleton sends
what the atlas's first page sends, so that its cost stays the floor of the atlas's content."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.content_floor import PANEL_PARTS, PARTS, pages, summary

ROOT = Path(__file__).resolve().parents[2]


def test_summary_is_medians_and_ratios_to_the_bare_page():
    rows = {"bare": [{"cpu_first_s": 0.01, "cpu_interaction_s": 0.005, "first_p95_s": 0.3},
                     {"cpu_first_s": 0.03, "cpu_interaction_s": 0.007, "first_p95_s": 0.5},
                     {"cpu_first_s": 0.02, "cpu_interaction_s": 0.006, "first_p95_s": 0.4}],
            "atlas": [{"cpu_first_s": 0.05, "cpu_interaction_s": 0.012, "first_p95_s": 0.8},
                      {"cpu_first_s": 0.04, "cpu_interaction_s": 0.018, "first_p95_s": 1.2},
                      {"cpu_first_s": 0.09, "cpu_interaction_s": 0.0, "first_p95_s": 1.0}]}
    got = summary(rows)
    assert got["bare"]["cpu_first_s"] == 0.02 and got["bare"]["cpu_first_s_x"] == 1.0
    assert got["atlas"]["cpu_first_s"] == 0.05 and got["atlas"]["cpu_first_s_x"] == pytest.approx(2.5)
    assert got["atlas"]["cpu_interaction_s_x"] == pytest.approx(2.0)
    assert got["atlas"]["first_p95_s_x"] == pytest.approx(2.5)


def test_summary_leaves_out_a_ratio_to_zero():
    rows = {"bare": [{"cpu_first_s": 0.01, "cpu_interaction_s": 0.0, "first_p95_s": 0.3}],
            "skeleton": [{"cpu_first_s": 0.02, "cpu_interaction_s": 0.01, "first_p95_s": 0.6}]}
    got = summary(rows)["skeleton"]
    assert "cpu_interaction_s_x" not in got and got["cpu_first_s_x"] == pytest.approx(2.0)


def test_every_part_of_the_skeleton_is_measured_alone_and_all_together():
    names = pages()
    assert {"bare", "atlas", "skeleton", "skeleton_map_only"} <= set(names)
    for part in PARTS + PANEL_PARTS:
        assert names[f"skeleton_without_{part}"] == ("bench/skeleton_app.py", part)
    assert set(names["skeleton_map_only"][1].split(",")) == set(PARTS)


def _first_page(port: int) -> tuple[float, int]:
    """(elements and blocks, bytes) of one visitor's first page."""
    from devtools.visitor import first_page

    v = first_page("127.0.0.1", port)
    assert v.visit.first_ok, v.visit.error
    return v.visit.deltas, v.visit.bytes


@pytest.mark.browser  # servers, not a browser: with the tests that start servers
def test_the_skeleton_sends_what_the_atlas_first_page_sends(tmp_path):
    """Its element count and bytes within 15% and 25% of the atlas's (a changed page needs a changed skeleton), and
    leaving its parts out leaves out elements and bytes."""
    from serve.launcher import AppServer

    with AppServer(ROOT / "data", tmp_path / "atlas.log") as atlas:
        atlas_elements, atlas_bytes = _first_page(atlas.port)
    with AppServer(ROOT / "data", tmp_path / "skeleton.log", script="bench/skeleton_app.py") as skeleton:
        elements, size = _first_page(skeleton.port)
    assert abs(elements - atlas_elements) <= 0.15 * atlas_elements, (elements, atlas_elements)
    assert abs(size - atlas_bytes) <= 0.25 * atlas_bytes, (size, atlas_bytes)
    with AppServer(ROOT / "data", tmp_path / "min.log", script="bench/skeleton_app.py",
                   env={"SKELETON_WITHOUT": ",".join(PARTS)}) as bare:
        min_elements, min_size = _first_page(bare.port)
    assert min_elements < elements / 4 and min_size < size / 10, (min_elements, min_size)
