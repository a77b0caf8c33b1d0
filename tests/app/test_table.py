"""ui/table and the panel's nearby list: what a visitor reads names features, never by internal id, and a
distance is only given when it is one."""

from __future__ import annotations

import re

import pytest

from geo.core.precision import is_approximate
from geo.core.spatial import nearby
from tests.common import listed
from ui.i18n import name

ID = re.compile(r"^[a-z]+_[a-z0-9_]+$")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_starts_with_names_and_shows_no_ids(app, atlas, lang):
    at = app(lang=lang, basemap="none")
    frame = at.dataframe(key="table").value
    ids = at.session_state["_table_ids"]
    assert len(ids) == len(frame) > 100
    assert frame.columns[0] == ("名称" if lang == "zh" else "Name") and "id" not in frame.columns
    assert frame.iloc[:, 0].tolist() == [name(atlas.feature(fid)[1], lang) for fid in ids]
    cells = [str(v) for v in frame.to_numpy().ravel()]
    assert not [c for c in cells if ID.match(c) and c in atlas], "an internal id is shown in the table"


SAME_POINT = "park_yungu_center"  # stands at its parent's point, with companies placed there too


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_nearby_says_same_placeholder_not_zero_metres(app, atlas, lang):
    at = app(sel=SAME_POINT, lang=lang, basemap="none")
    found = nearby(atlas, SAME_POINT, 3.0)
    zero = [fid for fid, d in zip(found["id"], found["distance_m"], strict=True) if d < 0.5]
    assert zero, "the case this test was written for: features at the same point"
    labels = listed(at, "nearby")
    assert labels
    assert not [lab for lab in labels.values() if re.search(r"· 0 (米|m)$", lab)]
    placeholder = "同一代表位置" if lang == "zh" else "same placeholder position"
    row = atlas.feature(SAME_POINT)[1]
    for fid in zero:
        if fid in labels and (is_approximate(row.get("location_basis"), row.get("location_precision_m"))):
            assert labels[fid].split(" · ")[-1].startswith(placeholder), labels[fid]
