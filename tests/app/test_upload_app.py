"""The upload feature in the page (AppTest): upload -> toggle with count, join table, side panel, export; bad files
give a message in the interface language and the rest of the page keeps working; remove clears everything."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pyogrio
import pytest
from streamlit.testing.v1 import AppTest

from tests.common import REAL_DATA_DIR, ROOT, TEST_DATA_DIR

APP = str(ROOT / "streamlit_app.py")
UPLOADS = TEST_DATA_DIR / "upload"


@pytest.fixture
def app(monkeypatch):
    def make(lang="zh") -> AppTest:
        monkeypatch.setenv("ATLAS_DATA_DIR", str(REAL_DATA_DIR))
        monkeypatch.delenv("TIANDITU_KEY", raising=False)
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["basemap"] = "none"
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        return at

    return make


def upload(at: AppTest, name: str, key: str = "upload_file_0") -> AppTest:
    at.file_uploader(key=key).set_value((name, (UPLOADS / name).read_bytes(), "application/octet-stream")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def join_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe(key="upload_table").value


def toggles(at: AppTest) -> list[str]:
    return [t.label for t in at.toggle]


def test_gbk_csv_appears_with_its_count_and_joins_to_districts(app):
    at = upload(app(), "sites_gbk.csv")
    assert "sites\\_gbk\\.csv (3)" in toggles(at)
    assert at.toggle(key="upload_show").value is True
    table = join_table(at)
    assert table["id"].tolist() == ["up_1", "up_2", "up_3"]
    assert table["中文名"].tolist() == ["示例企业甲", "示例园区乙", "示例项目丙"]
    assert table["所在区县"].tolist() == ["西湖区", "西湖区", "滨江区"]
    assert not at.error
    assert "读取为" in " ".join(c.value for c in at.caption) and "gb18030" in " ".join(c.value for c in at.caption)


def test_choosing_gcj02_moves_the_border_point_into_the_right_district(app):
    at = upload(app(), "border_gcj02.csv")
    assert join_table(at)["所在区县"].tolist() == ["西湖区"]  # "auto": the file name says gcj02
    assert any("GCJ" in w.value and "border" in w.value for w in at.warning)
    at.selectbox(key="upload_crs").set_value("wgs84").run()
    assert join_table(at)["所在区县"].tolist() == ["上城区"]  # read as WGS84: the wrong side of the border
    assert any("您选择了 WGS84" in w.value for w in at.warning)
    at.selectbox(key="upload_crs").set_value("gcj02").run()
    assert join_table(at)["所在区县"].tolist() == ["西湖区"]


def test_radius_changes_the_nearest_feature(app):
    at = upload(app("en"), "sites_gcj02.csv")
    at.selectbox(key="upload_crs").set_value("gcj02").run()
    near = join_table(at)
    within = near.loc[near["id"] == "up_2", "Distance"].iloc[0]  # written as everywhere: "250 m", "1.2 km"
    assert within.endswith(" m") and float(within.removesuffix(" m")) < 1000
    at.slider(key="upload_radius_km").set_value(0.1).run()
    after = join_table(at).loc[lambda f: f["id"] == "up_2"]
    assert after["Distance"].iloc[0] == "" and after["Nearest atlas feature"].iloc[0] == ""  # never "None"


@pytest.mark.parametrize(("name", "lang", "expected"), [
    ("swapped.csv", "zh", "swapped\\.csv · 经纬度似乎颠倒了：请把 纬度 选为经度列、经度 选为纬度列"),
    ("not_numeric.csv", "zh", "not\\_numeric\\.csv · 第 3 行 · 经度（经度 列）的值 \\'东经120度\\' 不是数字"),
    ("not_numeric.csv", "en", "not\\_numeric\\.csv · row 3 · longitude \\(经度\\) \\'东经120度\\' is not a number"),
    ("zip_slip.zip", "en", "zip\\_slip\\.zip · zip entry \\.\\./\\.\\./"),
    ("bad_extension.txt", "zh", "bad\\_extension\\.txt · 不支持的文件类型 \\.txt"),
    ("xxe.kml", "en", "xxe\\.kml · the KML declares a DOCTYPE or entity"),
])
def test_bad_file_message_in_the_interface_language_and_the_page_keeps_working(app, name, lang, expected):
    at = app(lang)
    before = toggles(at)
    upload(at, name)
    assert len(at.error) == 1 and expected in at.error[0].value
    assert toggles(at) == before  # no uploaded layer, the atlas layers untouched
    assert not [d for d in at.get("download_button") if d.proto.id.endswith("upload_download")]
    assert at.dataframe(key="table").value.shape[0] > 0


def test_outside_hangzhou_warns_but_loads(app):
    at = upload(app(), "outside_hangzhou.csv")
    assert "2 个要素中有 2 个位于杭州市范围之外" in at.warning[0].value
    assert "outside\\_hangzhou\\.csv (2)" in toggles(at)


def test_columns_can_be_chosen_when_not_found(app):
    at = upload(app(), "sites_custom_columns.csv")
    assert "未找到经纬度列" in at.error[0].value
    assert at.selectbox(key="upload_lon").options == ["自动识别", "名称", "E", "N"]
    at.selectbox(key="upload_lon").set_value("E")
    at.selectbox(key="upload_lat").set_value("N").run()
    assert not at.error
    assert len(join_table(at)) == 4


def test_selecting_an_uploaded_feature_shows_its_panel_with_text_only(app):
    at = upload(app(), "payload_columns.csv")
    at.session_state["sel"] = "up_1"
    at.run()
    assert not at.exception
    (props,) = [d.value for d in at.dataframe if "属性名" in d.value.columns]
    assert "<script>alert('xss')</script>" in props["属性名"].tolist()
    assert "<script>alert('xss')</script>" in props["数值"].tolist()  # shown literally in a cell
    assert any(h.value == "示例" for h in at.subheader)
    assert any(m.value.startswith("**所在区县**: 西湖区") for m in at.markdown)
    # the file gives no precision: the panel says so (no made-up "±0 米")
    assert any("位置精度未知" in m.value for m in at.markdown) and not any("±" in m.value for m in at.markdown)
    near = [b for b in at.button if b.key and b.key.startswith("upload_near_")]
    assert near, "an atlas feature lies within 1 km of the test point"
    near[0].click().run()
    assert at.session_state["sel"] == near[0].key.removeprefix("upload_near_")


def test_upload_export_with_join_columns(app, downloads):
    at = upload(app(), "sites.xlsx")
    name, content = downloads(at, "upload_download")
    assert name.startswith("upload-sites_joined_") and name.endswith("_wgs84.geojson")
    at.selectbox(key="upload_export_format").set_value("csv").run()
    name, content = downloads(at, "upload_download")
    assert name.endswith("_wgs84.csv") and content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str)
    assert {"upload_id", "name", "经度", "district_adcode", "park_id", "nearest_id", "nearest_m", "lon_wgs84"} \
        <= set(table.columns)
    assert table["district_zh"].tolist()[:3] == ["西湖区", "西湖区", "滨江区"]
    at.selectbox(key="upload_export_format").set_value("shp").run()
    assert at.selectbox(key="upload_export_crs").options == ["WGS84（RFC 7946，默认）"]
    name, content = downloads(at, "upload_download")
    assert name.endswith(".shp.zip")
    assert {n.rsplit(".", 1)[1] for n in zipfile.ZipFile(io.BytesIO(content)).namelist()} >= {"shp", "dbf", "cpg"}


def test_remove_clears_the_upload_and_an_uploaded_selection(app):
    at = upload(app(), "sites_utf8.csv")
    at.session_state["sel"] = "up_2"
    at.run()
    at.button(key="upload_remove").click().run()
    assert not at.exception
    assert [f.key for f in at.file_uploader] == ["upload_file_1"]
    assert not any(label.startswith("sites") for label in toggles(at))
    assert at.session_state["sel"] == ""
    assert not [d for d in at.dataframe if d.key == "upload_table"]
    upload(at, "sites.geojson", key="upload_file_1")
    assert "sites\\.geojson (4)" in toggles(at)


@pytest.mark.parametrize("fmt", ["gpkg", "kml", "csv"])
def test_atlas_export_in_other_formats_holds_the_same_features(app, downloads, fmt, tmp_path):
    at = app()
    at.selectbox(key="export_scope").set_value("parks").run()
    _name, geojson = downloads(at, "export_download")
    import json

    wanted = sorted(f["id"] for f in json.loads(geojson)["features"])
    at.selectbox(key="export_format").set_value(fmt).run()
    name, content = downloads(at, "export_download")
    assert name.startswith("hangzhou-atlas_parks_") and name.endswith(f"_wgs84.{fmt}")
    path = tmp_path / name
    path.write_bytes(content)
    back = pyogrio.read_dataframe(path)
    ids = back["id2"] if fmt == "kml" else back["id"]
    assert sorted(ids) == wanted


def test_uploaded_layer_is_drawn_escaped_filtered_and_selectable_on_the_map(app):
    import json
    import re

    at = upload(app(), "payload_columns.csv")
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["feature_group"]
    payloads = [json.loads(m) for m in re.findall(r'L\.atlasPoints\((\{.*?\}), \{"animate"', script)]
    uploaded = [f for p in payloads for layer in p["layers"] for f in layer["features"]
                if f["properties"]["layer"] == "upload"]
    assert [f["properties"]["id"] for f in uploaded] == ["up_1"]
    assert '"registry": "atlasUploadPoints"' in script
    assert "<script>" not in script  # the file's text reaches the map escaped
    # its own colour, and the style classes the browser tests and docs name
    style = next(p["styles"] for p in payloads if any(f["properties"]["layer"] == "upload"
                                                      for layer in p["layers"] for f in layer["features"]))
    (mine,) = [s for s in style if s["className"].startswith("atlas-f-up_1 atlas-layer-upload")]
    # the file gives no precision: drawn in its colour as a position not known exactly (hollow, dashed)
    assert mine["color"] == "#d6336c" and "atlas-approx" in mine["className"] and mine["dashArray"]
    (props,) = [f["properties"] for f in uploaded]
    assert props["prec"] is None and props["prec_text"] == ""  # the tooltip says "位置精度未知"
    # a district filter that excludes it takes it off the map
    at.multiselect(key="districts").set_value(["330105"]).run()
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "atlas-f-up_1" not in script
    # hiding the layer too
    at.multiselect(key="districts").set_value([]).run()
    at.toggle(key="upload_show").set_value(False).run()
    assert "atlas-f-up_1" not in json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    # selected from the join table: outlined and fitted
    at.toggle(key="upload_show").set_value(True).run()
    at.session_state["sel"] = "up_1"
    at.session_state["_pan_to"] = "up_1"
    at.run()
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "atlas-sel-up_1" in script and "fitBounds" in script


CORPUS = UPLOADS / "corpus"


def upload_corpus(at: AppTest, name: str) -> AppTest:
    at.file_uploader(key="upload_file_0").set_value((name, (CORPUS / name).read_bytes(), "application/octet-stream"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_workbook_sheets_are_named_and_chosen(app):
    at = upload_corpus(app("en"), "gen_two_data_sheets.xlsx")
    assert "gen\\_two\\_data\\_sheets\\.xlsx (3)" in toggles(at)
    assert any("read sheet 杭州" in w.value for w in at.warning)
    sheet = at.selectbox(key="upload_sheet")
    assert sheet.options == ["Detect: 杭州", "杭州", "宁波"]
    sheet.set_value("宁波").run()
    assert "gen\\_two\\_data\\_sheets\\.xlsx (1)" in toggles(at)


def test_no_sheet_with_coordinates_offers_the_sheets_and_the_columns(app):
    at = upload_corpus(app(), "gen_sheets_without_coordinates.xlsx")
    assert "没有工作表带经纬度列" in at.error[0].value
    assert not [t for t in toggles(at) if "gen\\_sheets" in t]
    at.selectbox(key="upload_sheet").set_value("名单").run()
    at.selectbox(key="upload_lon").set_value("东").run()
    at.selectbox(key="upload_lat").set_value("北").run()
    assert "gen\\_sheets\\_without\\_coordinates\\.xlsx (3)" in toggles(at) and not at.error


def test_detect_says_which_system_the_columns_name(app):
    at = upload_corpus(app("en"), "gen_bd09_columns.csv")
    crs = at.selectbox(key="upload_crs")
    assert crs.value == "auto" and crs.options[0] == "Detect: BD-09"
    assert join_table(at)["District"].tolist() == ["Xihu District", "Xihu District", "Binjiang District"]


def _refusals():
    from tests.geo.io.test_upload_corpus import REFUSALS

    return [(name, options) for name, options, _expect in REFUSALS
            if not name.startswith("pyogrio:") and not options]


@pytest.mark.parametrize(("name", "options"), _refusals())
def test_every_refused_corpus_file_is_a_message_never_a_traceback(app, name, options):
    at = upload_corpus(app(), name)
    assert not at.exception
    assert len(at.error) == 1 and "无法读取上传的文件" in at.error[0].value
    shown = at.error[0].value.replace("\\", "")
    assert name in shown and "Traceback" not in shown and "pyogrio_" not in shown


def test_an_upload_with_its_own_precision_keeps_it_on_the_map_and_in_the_panel(app):
    import json
    import re

    at = app()
    content = "名称,lon,lat,精度\n有精度的点,120.13,30.27,250\n没有精度的点,120.14,30.28,\n".encode()
    at.file_uploader(key="upload_file_0").set_value(("precision.csv", content, "text/csv")).run()
    assert not at.exception
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    (payload,) = [json.loads(m) for m in re.findall(r'L\.atlasPoints\((\{.*?\}), \{"animate"', script)
                  if '"layer":"upload"' in m]
    props = {f["properties"]["id"]: f["properties"] for layer in payload["layers"] for f in layer["features"]}
    assert (props["up_1"]["prec"], props["up_1"]["prec_text"], props["up_1"]["approx"]) == (250.0, "250 米", False)
    assert (props["up_2"]["prec"], props["up_2"]["prec_text"], props["up_2"]["approx"]) == (None, "", True)
    at.session_state["sel"] = "up_1"
    at.run()
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "atlas-sel-up_1" in script and "atlas-unc-up_1" in script  # the circle of its 250 m
    assert any("位置精度: ±250 米" in m.value for m in at.markdown)
    at.session_state["sel"] = "up_2"
    at.run()
    script = json.loads(at.get("component_instance")[0].proto.json_args)["feature_group"]
    assert "atlas-sel-up_2" in script and "atlas-unc-up_2" not in script  # no made-up circle
    assert any("位置精度未知" in m.value for m in at.markdown)
