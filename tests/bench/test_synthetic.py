"""bench.synthetic: deterministic, inside Hangzhou's districts, a valid atlas loaded by geo.io.atlas."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from bench.synthetic import main, synthetic_features, write_atlas
from geo.errors import LayerError
from geo.io.atlas import load_atlas
from geo.validate.checks import validate_dir
from tests.common import MINI_DIR, REAL_DATA_DIR

N = 300


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory):
    return write_atlas(tmp_path_factory.mktemp("syn"), N, seed=7)


def test_same_seed_same_bytes_other_seed_other_points(tmp_path):
    a = write_atlas(tmp_path / "a", 200, seed=1)
    b = write_atlas(tmp_path / "b", 200, seed=1)
    c = write_atlas(tmp_path / "c", 200, seed=2)
    assert _digest(a / "companies.geojson") == _digest(b / "companies.geojson")
    assert _digest(a / "companies.geojson") != _digest(c / "companies.geojson")


def test_points_fall_inside_the_district_of_their_adcode(atlas_dir):
    districts = {f["properties"]["adcode"]: shape(f["geometry"])
                 for f in json.loads((REAL_DATA_DIR / "districts.geojson").read_text())["features"]}
    features = json.loads((atlas_dir / "companies.geojson").read_text())["features"]
    assert len(features) == N
    for f in features:
        lon, lat = f["geometry"]["coordinates"]
        assert shapely.contains_xy(districts[f["properties"]["adcode"]], lon, lat), f["properties"]["id"]
        assert round(lon, 6) == lon and round(lat, 6) == lat


def test_more_points_in_the_central_districts():
    counts: dict[str, int] = {}
    for f in synthetic_features(2000, seed=3):
        counts[f["properties"]["adcode"]] = counts.get(f["properties"]["adcode"], 0) + 1
    assert counts["330106"] > 5 * counts.get("330127", 0)


def test_output_validates_and_loads_through_geo_io(atlas_dir):
    errors = [str(p) for p in validate_dir(atlas_dir) if p.severity == "error"]
    assert errors == []
    atlas = load_atlas(atlas_dir)
    companies = atlas.layers["companies"]
    assert len(companies) == N
    assert companies["synthetic"].all()
    assert set(companies["location_basis"]) == {"district_only"}
    assert all(isinstance(tags, list) and tags for tags in companies["tags"])
    assert len(atlas.layers["districts"]) == len(load_atlas(REAL_DATA_DIR).layers["districts"])


@pytest.mark.parametrize("mode, expected", [("replace", N), ("extend", N + 4)])
def test_replace_or_extend_the_companies_layer(tmp_path, mode, expected):
    out = write_atlas(tmp_path / mode, N, seed=7, mode=mode, source=MINI_DIR)
    ids = [f["properties"]["id"] for f in json.loads((out / "companies.geojson").read_text())["features"]]
    assert len(ids) == expected and len(set(ids)) == expected
    assert ("co_alibaba_cloud" in ids) == (mode == "extend")
    assert all(i.startswith(("co_syn_", "fund_syn_")) for i in ids if "syn" in i)


def test_precision_is_the_district_scale_not_invented():
    props = [f["properties"] for f in synthetic_features(100, seed=5)]
    assert min(p["location_precision_m"] for p in props) >= 1000  # a district, not a street address
    assert all(p["facts"] == [] and "synthetic" in p["name_en"].lower() for p in props)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n": -1}, ValueError, "non-negative"),
    ({"n": 10, "mode": "merge"}, ValueError, "mode must be 'replace' or 'extend'"),
])
def test_bad_arguments(tmp_path, kwargs, error, match):
    n = kwargs.pop("n")
    with pytest.raises(error, match=match):
        write_atlas(tmp_path / "x", n, **kwargs)


def test_source_without_districts_names_the_file(tmp_path):
    (tmp_path / "src").mkdir()
    with pytest.raises(LayerError, match=r"districts\.geojson: file not found"):
        write_atlas(tmp_path / "out", 5, source=tmp_path / "src")


def test_refuses_to_overwrite_its_source(tmp_path):
    src = write_atlas(tmp_path / "src", 0, source=MINI_DIR)
    with pytest.raises(ValueError, match="refusing to overwrite"):
        write_atlas(src, 5, source=src)


def test_cli_writes_the_atlas(tmp_path, capsys):
    assert main(["25", str(tmp_path / "cli"), "--seed", "9"]) == 0
    assert "wrote 25 synthetic companies" in capsys.readouterr().out
    fc = json.loads((tmp_path / "cli" / "companies.geojson").read_text())
    assert len(fc["features"]) == 25
    assert np.isfinite([f["geometry"]["coordinates"] for f in fc["features"]]).all()
