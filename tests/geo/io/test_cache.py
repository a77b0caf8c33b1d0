"""geo.io.cache: the columnar (GeoParquet) cache of loaded atlases, keyed by content hash."""

from __future__ import annotations

import numpy as np
import pytest

import geo.validate.checks
from geo.io import cache as io_cache
from geo.io.atlas import clear_cache, load_atlas
from tests.common import MINI_DIR, REAL_DATA_DIR, ROOT


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(path))
    clear_cache()
    yield path
    clear_cache()


def _same_values(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype \
            and a.tolist() == b.tolist()
    return type(a) is type(b) and a == b or (a != a and b != b)  # NaN equals NaN here


@pytest.mark.parametrize("directory", [MINI_DIR, REAL_DATA_DIR])
def test_a_restarted_process_gets_the_same_atlas_from_the_cache_without_validating(cache, directory, monkeypatch):
    direct, problems = load_atlas(directory, strict=False)
    assert list(cache.glob(f"{io_cache.FORMAT}-{direct.hash}/*.parquet"))
    clear_cache()  # as a new process

    def no_validation(_path):
        raise AssertionError("validated again although the cache holds this content")

    monkeypatch.setattr(geo.validate.checks, "validate_dir", no_validation)
    cached, cached_problems = load_atlas(directory, strict=False)
    assert cached is not direct and cached_problems == problems and cached.hash == direct.hash
    assert list(cached.layers) == list(direct.layers)
    for lid, gdf in direct.layers.items():
        other = cached.layers[lid]
        assert list(other.columns) == list(gdf.columns) and (other.dtypes == gdf.dtypes).all(), lid
        assert other.crs == gdf.crs and other.geometry.geom_equals_exact(gdf.geometry, 0).all()
        for column in gdf.columns.drop(gdf.geometry.name):
            assert all(_same_values(x, y) for x, y in zip(gdf[column], other[column], strict=True)), (lid, column)
    assert cached.feature("park_yunqi_town")[1]["aliases"] == direct.feature("park_yunqi_town")[1]["aliases"]


def test_problems_are_cached_with_the_layers(cache):
    from tests.common import BROKEN_DIR

    first = load_atlas(BROKEN_DIR / "missing_field", strict=False)
    clear_cache()
    atlas, problems = load_atlas(BROKEN_DIR / "missing_field", strict=False)
    assert problems == first[1] and "institutions" not in atlas.layers


def test_a_damaged_entry_is_ignored(cache):
    atlas, _ = load_atlas(MINI_DIR, strict=False)
    entry = cache / f"{io_cache.FORMAT}-{atlas.hash}"
    (entry / "parks.parquet").write_bytes(b"PAR1 not really")
    assert io_cache.read(atlas.hash) is None
    clear_cache()
    again, problems = load_atlas(MINI_DIR, strict=False)
    assert problems == () and again.layers["parks"].equals(atlas.layers["parks"])


def test_cache_off_or_unwritable_loads_without_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", "off")
    assert io_cache.cache_dir() is None
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocker / "cache"))  # cannot be created under a file
    assert io_cache.cache_dir() is None
    clear_cache()
    atlas, problems = load_atlas(MINI_DIR, strict=False)
    assert problems == () and len(atlas) == 23


def test_default_location_is_git_ignored_and_outside_the_data(monkeypatch):
    import subprocess

    monkeypatch.delenv("ATLAS_CACHE_DIR", raising=False)
    where = io_cache.cache_dir()
    assert where is not None and REAL_DATA_DIR not in where.parents
    if ROOT in where.parents:
        ignored = subprocess.run(["git", "check-ignore", "-q", str(where / "v-x" / "parks.parquet")], cwd=ROOT,
                                 check=False)
        assert ignored.returncode == 0


def test_only_the_newest_entries_are_kept(cache, mini_copy):
    from tests.common import edit_feature

    for i in range(io_cache.KEEP + 2):
        edit_feature(mini_copy, "parks.geojson", "park_yunqi_town", name_en=f"Yunqi {i}")
        load_atlas(mini_copy, strict=False)
    assert len(list(cache.glob(f"{io_cache.FORMAT}-*"))) == io_cache.KEEP
