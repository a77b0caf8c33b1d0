"""ui.data: the data's freshness check is shared by the runs of one second, and an edit shows after it."""

from __future__ import annotations

import shutil

from tests.common import MINI_DIR
from ui import data


def test_an_edit_shows_once_the_checked_version_is_older_than_the_freshness_window(tmp_path, monkeypatch):
    directory = tmp_path / "atlas"
    shutil.copytree(MINI_DIR, directory)
    clock = [1000.0]
    monkeypatch.setattr(data.time, "monotonic", lambda: clock[0])
    before = data.current_hash(str(directory))
    parks = directory / "parks.geojson"
    parks.write_text(parks.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    clock[0] += data.FRESHNESS_S / 2
    assert data.current_hash(str(directory)) == before  # within the window: the check is not repeated
    clock[0] += data.FRESHNESS_S
    assert data.current_hash(str(directory)) != before  # after it: the edit is seen


def test_a_missing_directory_has_no_version(tmp_path):
    assert data.current_hash(str(tmp_path / "nowhere")) == ""


def test_the_data_directory_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    assert data.data_dir() == str(tmp_path.resolve())
    monkeypatch.delenv("ATLAS_DATA_DIR")
    assert data.data_dir() == str((data.ROOT / "data").resolve())

