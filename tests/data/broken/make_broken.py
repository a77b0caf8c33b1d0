"""Regenerate tests/data/broken/<case>/: each a copy of tests/data/mini/ with exactly one defect.

Run from the repository root: ``.venv/bin/python tests/data/broken/make_broken.py``.
The expected validator output for every case is spelled out in tests/geo/validate/test_checks.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "mini"


def _feature(atlas: dict, file: str, fid: str) -> dict:
    for feat in atlas[file]["features"]:
        if feat["properties"]["id"] == fid:
            return feat
    raise KeyError(fid)


def props(file: str, fid: str, **changes):
    def mutate(atlas):
        p = _feature(atlas, file, fid)["properties"]
        for key, value in changes.items():
            if value is ...:
                del p[key]
            else:
                p[key] = value
    return mutate


def geometry(file: str, fid: str, geom):
    def mutate(atlas):
        _feature(atlas, file, fid)["geometry"] = geom
    return mutate


def fact(file: str, fid: str, n: int, **changes):
    def mutate(atlas):
        f = _feature(atlas, file, fid)["properties"]["facts"][n]
        for key, value in changes.items():
            if value is ...:
                del f[key]
            else:
                f[key] = value
    return mutate


def copy_fact(src_file: str, src_id: str, n: int, dest_file: str, dest_id: str, **changes):
    """Append a copy of fact n of src_id to dest_id's facts, with changes."""
    def mutate(atlas):
        f = dict(_feature(atlas, src_file, src_id)["properties"]["facts"][n], **changes)
        _feature(atlas, dest_file, dest_id)["properties"]["facts"].append(f)
    return mutate


def add_tag(file: str, fid: str, tag: str):
    def mutate(atlas):
        _feature(atlas, file, fid)["properties"]["tags"].append(tag)
    return mutate


def as_list(file: str):
    def mutate(atlas):
        atlas[file] = atlas[file]["features"]
    return mutate


BOWTIE = {"type": "Polygon", "coordinates": [[[120.17, 30.33], [120.20, 30.36], [120.20, 30.33], [120.17, 30.36],
                                              [120.17, 30.33]]]}

# case directory -> mutation of {file name: parsed JSON}, or (file, raw text transformation) for unparsable files
CASES = {
    "missing_field": props("institutions.geojson", "inst_zju", name_en=...),
    "wrong_type": props("institutions.geojson", "inst_westlake_univ", location_precision_m="1500"),
    "bad_id": props("plans.geojson", "plan_grand_canal_axis", id="Plan-Canal"),
    "duplicate_id": props("institutions.geojson", "inst_westlake_univ", id="inst_zju"),
    "duplicate_id_across_layers": props("companies.geojson", "co_deeprobotics", id="park_yunqi_town"),
    "wrong_layer": props("companies.geojson", "co_deeprobotics", layer="parks"),
    "bad_kind": props("parks.geojson", "park_yunqi_town", kind="town"),
    "unknown_tag": add_tag("institutions.geojson", "inst_zju", "quantum"),
    "bad_location_basis": props("parks.geojson", "park_hanggang_cloud_dc", location_basis="guess"),
    "zero_precision": props("institutions.geojson", "inst_ucas_hias", location_precision_m=0),
    "bad_adcode": props("companies.geojson", "fund_hanggang_qizhen", adcode="330199"),
    "unknown_parent": props("parks.geojson", "park_yungu_center", parent="park_nowhere"),
    "unknown_source": fact("companies.geojson", "fund_runmiao", 0, source="s999"),
    "fact_missing_field": fact("parks.geojson", "park_zijingang", 0, as_of=...),
    "numeric_fact_without_unit": fact("districts.geojson", "dist_xihu", 0, unit=""),
    "bad_qualifier": fact("districts.geojson", "dist_xihu", 0, qualifier="over"),
    "missing_geometry": geometry("institutions.geojson", "inst_westlake_univ", None),
    "empty_geometry": geometry("parks.geojson", "park_yunqi_town", {"type": "Point", "coordinates": []}),
    "self_intersecting_polygon": geometry("plans.geojson", "plan_netvalley_core", BOWTIE),
    "outside_hangzhou": geometry("institutions.geojson", "inst_westlake_univ",
                                 {"type": "Point", "coordinates": [116.31, 39.99]}),
    "swapped_lat_lon": geometry("parks.geojson", "park_hanggang_cloud_dc",
                                {"type": "Point", "coordinates": [30.355, 120.19]}),
    "district_not_polygon": geometry("districts.geojson", "dist_binjiang",
                                     {"type": "Point", "coordinates": [120.21, 30.17]}),
    "child_outside_parent": geometry("parks.geojson", "park_china_cloud_valley",
                                     {"type": "Point", "coordinates": [120.10, 30.20]}),
    "not_feature_collection": as_list("companies.geojson"),
    "bad_json": ("institutions.geojson", lambda text: text.replace('"layer": "institutions",', '"layer": ,', 1)),
    "sources_missing": ("sources.json", None),
    # issue 11: units, goals, paired notes, parent precision, duplicate figures, events
    "unit_en_missing": fact("districts.geojson", "dist_xihu", 0, unit_en=...),
    "target_as_qualifier": fact("companies.geojson", "fund_runmiao", 0, qualifier="target"),
    "target_not_boolean": fact("parks.geojson", "park_zijingang", 0, target="yes"),
    "location_note_pair_incomplete": props("institutions.geojson", "inst_ucas_hias", location_note_en=...),
    "parent_precision_too_small": props("companies.geojson", "co_alibaba_cloud", location_precision_m=3000),
    "duplicate_figure_dates": copy_fact("parks.geojson", "park_zijingang", 0, "parks.geojson",
                                        "park_china_cloud_valley", as_of="2025", restates="park_zijingang"),
    "event_bad_date": props("events.geojson", "ev_cloud_valley_launch", date_start="2024-13"),
    "event_period_without_end": props("events.geojson", "ev_runmiao_fund_launch", date_end=None),
    "event_unknown_place": props("events.geojson", "ev_cloud_valley_launch", place="park_nowhere"),
    "event_unknown_participant": props("events.geojson", "ev_qizhen_fund_founded",
                                       participants=["fund_hanggang_qizhen", "co_nobody"]),
    "event_precision_too_small": props("events.geojson", "ev_qizhen_fund_founded", location_precision_m=3000),
    # issue 15: quotes
    "quote_missing": fact("districts.geojson", "dist_xihu", 0, quote_zh=...),
    "quote_too_long": fact("districts.geojson", "dist_xihu", 0,
                           quote_zh="2025年人工智能产业营收超1300亿元，居杭州市第一，对杭州市营收贡献比重超30%"),
    "quote_value_missing": fact("districts.geojson", "dist_xihu", 0, value=1500),
    "quote_qualifier_mismatch": fact("districts.geojson", "dist_xihu", 0, qualifier="about"),
    "quote_target_mismatch": fact("companies.geojson", "fund_runmiao", 0, target=True),
    "quote_not_verbatim": fact("companies.geojson", "fund_runmiao", 0, quote_zh="首期规模20亿元的润苗基金"),
    "date_finer_than_quote": fact("parks.geojson", "park_china_cloud_valley", 0, value="2024-10-08"),
    "event_date_finer_than_quote": props("events.geojson", "ev_cloud_valley_launch", date_start="2024-10-08",
                                         date_resolution="day"),
    "relative_date_without_note": fact("events.geojson", "ev_qizhen_fund_founded", 0, derived_zh=..., derived_en=...),
    "duplicate_quote": fact("parks.geojson", "park_china_cloud_valley", 0, restates=...),
    "city_only_off_point": geometry("companies.geojson", "fund_runmiao",
                                    {"type": "Point", "coordinates": [120.17, 30.28]}),
}


def write(directory: Path, atlas: dict) -> None:
    for name, data in atlas.items():
        (directory / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    for old in HERE.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    for case, mutation in CASES.items():
        target = HERE / case
        shutil.copytree(MINI, target)
        if isinstance(mutation, tuple):
            name, transform = mutation
            if transform is None:
                (target / name).unlink()
            else:
                text = (target / name).read_text(encoding="utf-8")
                changed = transform(text)
                assert changed != text, case
                (target / name).write_text(changed, encoding="utf-8")
            continue
        atlas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(target.glob("*.geojson"))}
        mutation(atlas)
        write(target, atlas)
    print(f"wrote {len(CASES)} cases to {HERE}")


if __name__ == "__main__":
    main()
