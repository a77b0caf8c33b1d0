"""Fixtures of the page tests: the app under streamlit.testing.v1.AppTest on a chosen data directory and URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.atlas import load_atlas
from tests.common import REAL_DATA_DIR, ROOT

APP = str(ROOT / "streamlit_app.py")


@pytest.fixture
def app(monkeypatch):
    """make(data_dir, **query) -> an AppTest that has run once with that data directory and URL."""

    def make(data_dir=REAL_DATA_DIR, **query) -> AppTest:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(data_dir))
        monkeypatch.delenv("TIANDITU_KEY", raising=False)
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


@pytest.fixture(scope="module")
def atlas():
    """The shipped atlas (data/), loaded through geo.io.atlas."""
    return load_atlas(REAL_DATA_DIR)


@pytest.fixture
def media(monkeypatch):
    """The media file manager each AppTest run uses (recorded as AppTest creates it): the last one is the page's."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.media_file_manager import MediaFileManager

    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test_module, "MediaFileManager", Recording)
    return managers


@pytest.fixture
def downloads(media):
    """read(at, key=None) -> (file name, bytes) a download button serves when clicked: its data is built on the
    click (ui/export.py: deferred), so this runs the button's deferred builder as Streamlit's media endpoint does."""

    def read(at: AppTest, key: str | None = None) -> tuple[str, bytes]:
        """(file name, bytes) of the page's one download button, or of the one whose key ends with ``key``."""
        (button,) = [b for b in at.get("download_button") if key is None or b.proto.id.endswith(key)]
        manager = media[-1]
        assert button.proto.deferred_file_id and not button.proto.url, "the file was built with the page"
        url = manager.execute_deferred(button.proto.deferred_file_id)
        file = manager.read_file(url.rsplit("/", 1)[-1].split(".")[0])
        return file.filename, file.content

    return read
