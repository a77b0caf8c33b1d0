"""layers.published: large map scripts become static files and a loader; small ones, and unwritable
directories, keep the script inline; the directory stays bounded."""

from __future__ import annotations

import gzip
import os

import pytest

from layers import published
from layers.published import file_name, loader, publish, urls

BIG = "var feature_group_feature_group_3 = L.featureGroup({});\n" + "// padding\n" * 100


def test_a_large_script_is_written_once_gzipped_and_replaced_by_its_loader(tmp_path):
    out = publish(BIG, tmp_path, min_bytes=100)
    path = tmp_path / file_name(BIG)
    assert path.name.endswith(".js.gz") and gzip.decompress(path.read_bytes()).decode("utf-8") == BIG
    assert path.stat().st_size < len(BIG) / 5  # compressed once, at level 9
    assert out == loader(f"{published.URL}/{path.name}")
    assert urls(out) == [f"{published.URL}/{path.name}", published.INFLATE_URL]
    mtime = path.stat().st_mtime_ns
    assert publish(BIG, tmp_path, min_bytes=100) == out and path.stat().st_mtime_ns == mtime  # not rewritten
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("script", ["", "var x = 1;", BIG])
def test_a_script_under_the_threshold_stays_inline(tmp_path, script):
    assert publish(script, tmp_path, min_bytes=len(script) + 1) == script
    assert not list(tmp_path.iterdir())


def test_different_scripts_get_different_files_the_same_bytes_each_time(tmp_path):
    assert file_name(BIG) != file_name(BIG + " ") and file_name(BIG).endswith(".js.gz")
    publish(BIG, tmp_path / "a", min_bytes=100), publish(BIG, tmp_path / "b", min_bytes=100)
    assert (tmp_path / "a" / file_name(BIG)).read_bytes() == (tmp_path / "b" / file_name(BIG)).read_bytes()


def test_a_directory_that_cannot_be_made_keeps_the_script_inline(tmp_path):
    """A read-only deployment: the map still works, with its scripts inline."""
    blocker = tmp_path / "gen"
    blocker.write_text("not a directory")
    assert publish(BIG, blocker, min_bytes=100) == BIG


def test_the_loader_names_its_url_inflates_and_evaluates_in_the_global_scope():
    from layers import assets

    js = loader("/app/static/gen/abc.js.gz")
    assert js.startswith("(0,eval)(") and '"/app/static/gen/abc.js.gz"' in js and "x.status!==200" in js
    assert "fflate.gunzipSync" in js and f'"{published.INFLATE_URL}"' in js
    assert published.INFLATE_URL == f"{assets.STATIC_URL}/fflate/fflate.js"
    assert "fflate/fflate.js" in assets.VENDOR_FILES
    assert urls("a" + js + "b" + loader("/app/static/gen/def.js.gz")) == [
        "/app/static/gen/abc.js.gz", "/app/static/gen/def.js.gz", published.INFLATE_URL]
    assert urls("var x = '/app/static/gen/abc.js.gz';") == []  # only loaders count


def test_the_directory_is_pruned_to_three_quarters_past_its_limit(tmp_path):
    for i in range(10):
        path = tmp_path / f"{i:02d}.js.gz"
        path.write_text("x")
        os.utime(path, ns=(i * 10**9, i * 10**9))
    assert published._prune(tmp_path, max_files=12) == 0
    assert published._prune(tmp_path, max_files=8) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{i:02d}.js.gz" for i in range(4, 10)]  # the newest stay
