"""data/apply_attributes.py: merging authored district/city attributes into the built GeoJSON files."""

from __future__ import annotations

import importlib.util
import json

import pytest

from geo.errors import DanglingReferenceError, LayerError, SchemaError
from tests.common import REAL_DATA_DIR, copy_mini, read_json, write_json

_spec = importlib.util.spec_from_file_location("apply_attributes", REAL_DATA_DIR / "apply_attributes.py")
aa = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(aa)

FACT = {"attribute": "national_key_labs", "label_zh": "全国重点实验室", "label_en": "National key labs", "value": 25,
        "unit": "家", "unit_en": "count", "as_of": "2026-01", "target": False, "qualifier": None, "source": "s000",
        "quote_zh": "分别达到25家、72家"}


def _atlas(tmp_path, districts=None, city=None):
    data = copy_mini(tmp_path / "atlas")
    (data / "attributes").mkdir()
    write_json(data / "attributes" / "districts.json", districts if districts is not None else {
        "dist_xihu": {"aliases": ["西湖區"], "tags": ["ai", "research"], "description_zh": "中文说明。",
                      "description_en": "English text.", "facts": [FACT], "source_ids": ["s000"]}})
    write_json(data / "attributes" / "city.json", city if city is not None else {
        "city_hangzhou": {"tags": ["ai"], "facts": [{**FACT, "value": 33, "source": "s002"}]}})
    return data


def _feature(path, fid):
    return next(f for f in read_json(path)["features"] if f["properties"]["id"] == fid)


def test_apply_merges_and_keeps_geometry_and_location(tmp_path):
    data = _atlas(tmp_path)
    before = _feature(data / "districts.geojson", "dist_xihu")
    changed = aa.apply_all(data)
    assert sorted(p.name for p in changed) == ["city.geojson", "districts.geojson"]
    after = _feature(data / "districts.geojson", "dist_xihu")
    assert after["geometry"] == before["geometry"]
    for key in ("location_precision_m", "location_basis", "adcode", "name_zh"):
        assert after["properties"][key] == before["properties"][key]
    assert after["properties"]["description_en"] == "English text."
    assert "西湖區" in after["properties"]["aliases"]
    assert {"ai", "research"} <= set(after["properties"]["tags"])
    assert FACT in after["properties"]["facts"]
    city = _feature(data / "city.geojson", "city_hangzhou")["properties"]
    assert [f["value"] for f in city["facts"] if f["attribute"] == "national_key_labs"] == [33]


def test_apply_is_idempotent_and_check_mode_reports(tmp_path):
    data = _atlas(tmp_path)
    assert aa.main(["--data-dir", str(data), "--check"]) == 1
    assert aa.main(["--data-dir", str(data)]) == 0
    first = (data / "districts.geojson").read_text(encoding="utf-8")
    assert aa.apply_all(data) == []
    assert (data / "districts.geojson").read_text(encoding="utf-8") == first
    assert aa.main(["--data-dir", str(data), "--check"]) == 0


def test_authored_fact_replaces_same_attribute_and_source_only():
    props = {"id": "dist_xihu", "name_zh": "西湖区", "aliases": ["西湖区", "Xihu"], "tags": ["ai"], "facts": [
        {**FACT, "value": 1}, {**FACT, "source": "s003", "value": 2}, {**FACT, "attribute": "other", "value": 3}]}
    merged = aa.merge_feature(props, {"aliases": ["西湖區", "Xihu"], "tags": ["ai", "data"], "facts": [FACT]})
    assert merged["aliases"] == ["Xihu", "西湖區"]  # no duplicates, the name itself is not an alias
    assert merged["tags"] == ["ai", "data"]
    assert [(f["attribute"], f["source"], f["value"]) for f in merged["facts"]] == [
        ("national_key_labs", "s003", 2), ("other", "s000", 3), ("national_key_labs", "s000", 25)]
    assert props["facts"][0]["value"] == 1  # input untouched


def test_dumps_round_trips_the_builder_style(tmp_path):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a", "name_zh": "西湖"},
         "geometry": {"type": "Point", "coordinates": [120.1, 30.2]}}]}
    text = aa.dumps_compact(fc)
    assert json.loads(text) == fc
    assert '"geometry": {"type":"Point","coordinates":[120.1,30.2]}' in text
    assert "西湖" in text and text.endswith("}\n")


@pytest.mark.parametrize(("attrs", "error", "match"), [
    ({"dist_xihu": {"colour": "red"}}, SchemaError, r"dist_xihu: unknown keys \['colour'\]"),
    ({"dist_xihu": {"tags": ["ai", "space_lasers"]}}, SchemaError, r"unknown tags \['space_lasers'\]"),
    ({"dist_xihu": {"aliases": "西湖"}}, SchemaError, r"'aliases' must be a list of non-empty strings"),
    ({"dist_xihu": {"description_zh": " "}}, SchemaError, r"'description_zh' must be a non-empty string"),
    ({"dist_xihu": {"facts": [{k: v for k, v in FACT.items() if k != "as_of"}]}}, SchemaError,
     r"fact 0 is missing \['as_of'\]"),
    ({"dist_xihu": {"facts": [{**FACT, "unit": ""}]}}, SchemaError, r"numeric value has no unit"),
    ({"dist_xihu": {"facts": [{**FACT, "qualifier": "roughly"}]}}, SchemaError, r"qualifier 'roughly' not allowed"),
    ({"dist_xihu": {"facts": [{**FACT, "value": [1]}]}}, SchemaError, r"value must be a number or a string"),
    ({"dist_xihu": {"facts": [FACT, FACT]}}, SchemaError, r"duplicate attribute 'national_key_labs'"),
    ({"dist_nowhere": {"tags": ["ai"]}}, DanglingReferenceError, r"districts.geojson: dist_nowhere: .*not in the file"),
    (["dist_xihu"], SchemaError, r"must be a JSON object keyed by feature id"),
])
def test_bad_attributes_raise_naming_file_feature_and_reason(tmp_path, attrs, error, match):
    data = _atlas(tmp_path, districts=attrs)
    before = (data / "districts.geojson").read_bytes()
    with pytest.raises(error, match=match):
        aa.apply_all(data)
    assert (data / "districts.geojson").read_bytes() == before


@pytest.mark.parametrize(("setup", "error", "match"), [
    (lambda d: (d / "districts.geojson").unlink(), LayerError, r"districts.geojson: layer file not found"),
    (lambda d: (d / "attributes" / "districts.json").write_text("{", encoding="utf-8"), SchemaError,
     r"districts.json: invalid JSON at line 1"),
    (lambda d: (d / "districts.geojson").write_text('{"type": "Feature"}', encoding="utf-8"), SchemaError,
     r"not a GeoJSON FeatureCollection"),
])
def test_broken_files_raise(tmp_path, setup, error, match):
    data = _atlas(tmp_path)
    setup(data)
    with pytest.raises(error, match=match):
        aa.apply_all(data)
    assert aa.main(["--data-dir", str(data)]) == 2
