"""Fixtures of the page tests: the app under streamlit.testing.v1.AppTest on a chosen data directory and URL."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.io import load_atlas
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
    """The shipped atlas (data/), loaded through geo.io."""
    return load_atlas(REAL_DATA_DIR)
