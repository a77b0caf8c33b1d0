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
def downloads(monkeypatch):
    """Record the in-memory media storage AppTest creates, to read what a download button serves."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)

    def read(at: AppTest, key: str | None = None) -> tuple[str, bytes]:
        """(file name, bytes) of the page's one download button, or of the one whose key ends with ``key``."""
        (button,) = [b for b in at.get("download_button") if key is None or b.proto.id.endswith(key)]
        file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
        media = stores[-1].get_file(file_id)
        return media.filename, media.content

    return read
