"""Fixtures shared by the whole suite; plain helpers and paths live in tests/common.py."""

from __future__ import annotations

import pytest

from tests.common import MINI_DIR, copy_mini


@pytest.fixture(scope="session")
def mini_dir():
    """Path of the read-only mini atlas (tests/data/mini)."""
    return MINI_DIR


@pytest.fixture(scope="session")
def mini_atlas():
    """The mini atlas loaded through geo.io.atlas.load_atlas (shared; do not mutate its frames)."""
    from geo.io.atlas import load_atlas

    return load_atlas(MINI_DIR)


@pytest.fixture
def mini_copy(tmp_path):
    """A writable copy of the mini atlas in a temporary directory."""
    return copy_mini(tmp_path / "atlas")
