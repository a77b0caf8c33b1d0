"""Large exports are built when the download is clicked, small ones eagerly; both give the same file."""

from __future__ import annotations

import json

from geo.io import atlas_hash
from tests.common import REAL_DATA_DIR
from ui.state import View
from ui.table import EXPORT_EAGER_MAX, export_data

NO_FILTER = View().filter_key


def test_small_export_is_eager_and_large_is_deferred_with_the_same_bytes():
    directory = str(REAL_DATA_DIR)
    content_hash = atlas_hash(directory)
    eager = export_data(directory, content_hash, ("parks",), NO_FILTER, "wgs84", EXPORT_EAGER_MAX)
    deferred = export_data(directory, content_hash, ("parks",), NO_FILTER, "wgs84", EXPORT_EAGER_MAX + 1)
    assert isinstance(eager, bytes)
    assert callable(deferred)
    assert deferred() == eager
    ids = [f["properties"]["id"] for f in json.loads(eager)["features"]]
    assert "park_zijingang" in ids and all(i.startswith("park_") for i in ids)
