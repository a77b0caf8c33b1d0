"""Large exports are built when the download is clicked, small ones eagerly; both give the same file."""

from __future__ import annotations

import json

from geo.io.read import atlas_hash
from tests.common import REAL_DATA_DIR
from ui.export import EAGER_MAX, eager_or_deferred
from ui.state import View
from ui.table import export_file

NO_FILTER = View().filter_key


def test_small_export_is_eager_and_large_is_deferred_with_the_same_bytes():
    directory = str(REAL_DATA_DIR)
    content_hash = atlas_hash(directory)
    built = []

    def build() -> bytes:
        built.append(1)
        return export_file(directory, content_hash, ("parks",), NO_FILTER, "wgs84", "geojson")

    eager = eager_or_deferred(build, EAGER_MAX)
    assert built == [1]
    deferred = eager_or_deferred(build, EAGER_MAX + 1)
    assert built == [1]  # not built until clicked
    assert isinstance(eager, bytes)
    assert callable(deferred)
    assert deferred() == eager
    ids = [f["properties"]["id"] for f in json.loads(eager)["features"]]
    assert "park_zijingang" in ids and all(i.startswith("park_") for i in ids)
