"""ui.i18n.distance: the one way the page writes a distance (panel, hover tooltips, upload panel and join table)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ui.i18n import distance


@pytest.mark.parametrize(("metres", "zh", "en"), [
    (0, "0 米", "0 m"),
    (249.6, "250 米", "250 m"),
    (999.4, "999 米", "999 m"),
    (999.6, "1 公里", "1 km"),  # rounds up into kilometres, never "1000 米"
    (1234, "1.2 公里", "1.2 km"),  # the example: one rule everywhere
    (2000, "2 公里", "2 km"),  # no ".0"
    (5600, "5.6 公里", "5.6 km"),
    (99_960, "100 公里", "100 km"),
    (1_234_000, "1,234 公里", "1,234 km"),
    (np.float64(1234), "1.2 公里", "1.2 km"),  # numbers from a frame
])
def test_distance_rule(metres, zh, en):
    assert distance(metres, "zh") == zh
    assert distance(metres, "en") == en


@pytest.mark.parametrize("value", [None, math.nan, -1, math.inf, "12", True])
def test_what_is_not_a_distance_is_written_as_nothing(value):
    assert distance(value, "zh") == "" and distance(value, "en") == ""
