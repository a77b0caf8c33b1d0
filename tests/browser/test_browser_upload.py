"""Upload in a real browser: a GBK CSV through the sidebar's file input -> the layer's toggle with its count, the
join table under the map, the export download; a bad file -> the message, and the page keeps working.

The uploaded points are drawn on the map (their own group layer, window.atlasUploadPoints) and each can be clicked
to select it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

UPLOADS = Path(__file__).resolve().parents[1] / "data" / "upload"


def upload(app, name: str) -> None:
    app.page.locator(".st-key-upload_box input[type=file]").set_input_files(str(UPLOADS / name))
    app.wait_idle()


def test_upload_gbk_csv_shows_toggle_join_table_and_exports(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    upload(app, "sites_gbk.csv")
    toggle = app.sidebar.locator(".st-key-upload_show")
    toggle.wait_for(timeout=30_000)
    assert "sites_gbk.csv (3)" in toggle.inner_text()
    assert toggle.locator("input").is_checked()
    grid = app.page.locator(".st-key-upload_table")
    rows = [list(r.values()) for r in app.dataframe_rows(grid)]  # (a selection column may shift the headers)
    assert len(rows) == 3, rows
    for row, (fid, name, district) in zip(rows, [("up_1", "示例企业甲", "西湖区"), ("up_2", "示例园区乙", "西湖区"),
                                                  ("up_3", "示例项目丙", "滨江区")], strict=True):
        assert {fid, name, district} <= set(row), row  # GBK decoded, joined to its district
    assert not [cell for row in rows for cell in row if cell in ("None", "nan")]  # no nearest: an empty cell

    app.wait_for_feature("up_2")  # hovering an uploaded point: its precision is unknown, and the tooltip says so
    app.mouse_on("up_2")
    tip = app.map_frame().locator(".leaflet-tooltip.atlas-tip").filter(has_text="示例园区乙")
    tip.wait_for(timeout=10_000)
    assert "位置精度未知" in tip.inner_text() and "±" not in tip.inner_text()

    for fid, name in [("up_1", "示例企业甲"), ("up_3", "示例项目丙")]:  # drawn on the map, and clickable
        app.wait_for_feature(fid)
        app.mouse_on(fid, click=True)
        app.wait_for_selected(fid)
        assert name in app.selected_panel_text()

    button = app.page.locator(".st-key-upload_download button")
    with app.page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("upload-sites-gbk_joined_")
    assert download.suggested_filename.endswith("_wgs84.geojson")
    got = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert [f["properties"]["district_zh"] for f in got["features"]] == ["西湖区", "西湖区", "滨江区"]
    assert [f["properties"]["名称"] for f in got["features"]] == ["示例企业甲", "示例园区乙", "示例项目丙"]


def test_upload_csv_export_opens_in_excel_encoding(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    upload(app, "sites.xlsx")
    app.page.locator(".st-key-upload_show").wait_for(timeout=30_000)
    box = app.page.locator(".st-key-upload_export_format input")
    box.click()
    box.fill("CSV")
    box.press("Enter")
    app.wait_idle()
    with app.page.expect_download() as info:
        app.page.locator(".st-key-upload_download button").click()
    content = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith("_wgs84.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str)
    assert table["名称"].tolist()[:3] == ["示例企业甲", "示例园区乙", "示例项目丙"]
    assert {"lon_wgs84", "lat_wgs84", "district_adcode"} <= set(table.columns)


def test_bad_upload_shows_the_message_and_the_page_keeps_working(app, hooks):
    app.open(**{hooks.basemap_param: hooks.no_tiles})
    upload(app, "swapped.csv")
    alert = app.sidebar.locator('[data-testid="stAlert"]').filter(has_text="swapped.csv")
    alert.wait_for(timeout=30_000)
    assert "经纬度似乎颠倒了" in alert.inner_text()
    assert app.page.locator(".st-key-upload_show").count() == 0
    app.set_layer("companies", False)  # the rest of the page still reacts
    assert not app.layer_on("companies")
    app.page.locator(".st-key-upload_remove button").click()
    app.wait_idle()
    assert app.sidebar.locator('[data-testid="stAlert"]').filter(has_text="swapped.csv").count() == 0
