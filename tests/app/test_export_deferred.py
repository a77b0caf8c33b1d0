"""The export file is built when the download button is clicked, never with the page: a run registers no file
with Streamlit's media file manager, and the click serves the same bytes as the export builder."""

from __future__ import annotations

import json

import pytest

from geo.io.read import atlas_hash
from tests.common import REAL_DATA_DIR
from ui.state import View
from ui.table import export_file

NO_FILTER = View().filter_key


@pytest.mark.parametrize("params", [{}, {"layers": "parks", "districts": "330106"}, {"lang": "en"}])
def test_a_run_registers_no_file_and_the_click_serves_the_export(app, media, downloads, params):
    at = app(basemap="none", **params)
    manager = media[-1]
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("export_download")]
    assert button.proto.deferred_file_id and not button.proto.url
    assert not manager._file_metadata, "a run stored a file in the media file manager"
    at.selectbox(key="export_format").set_value("csv").run()  # another format: still nothing stored per run
    assert not media[-1]._file_metadata
    name, content = downloads(at, "export_download")
    lines = content.decode("utf-8-sig").splitlines()
    assert name.endswith(".csv") and lines[0].startswith("id,layer,") and len(lines) > 2


def test_the_deferred_file_is_the_export_builders_bytes(app, downloads):
    at = app(basemap="none", layers="parks")
    name, content = downloads(at, "export_download")
    directory = str(REAL_DATA_DIR)
    assert name.endswith(".geojson")
    assert content == export_file(directory, atlas_hash(directory), ("parks",), NO_FILTER, "wgs84", "geojson")
    ids = [f["properties"]["id"] for f in json.loads(content)["features"]]
    assert "park_zijingang" in ids and all(i.startswith("park_") for i in ids)
