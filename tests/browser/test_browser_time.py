"""The period slider in a real browser: moving it with the keyboard changes the events the map holds, the
layer's count and the URL; the period survives a reload from that URL."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data"

# Event ids among every point the map holds (on the map or inside a group marker).
_EVENTS_JS = """() => (window.atlasPoints ? window.atlasPoints.atlasMarkers : [])
    .map(m => m.feature.properties).filter(p => p.layer === 'events').map(p => p.id).sort()"""


def events_in(first: str, last: str) -> list[str]:
    """Ids of the events of data/events.geojson whose dates (read at their resolution) overlap first..last."""
    from geo.core.timeline import event_interval, overlaps, period

    features = json.loads((DATA / "events.geojson").read_text(encoding="utf-8"))["features"]
    span = period(first, last)
    return sorted(f["properties"]["id"] for f in features if overlaps(event_interval(f["properties"]), span))


def map_events(app, n: int) -> list[str]:
    """The events on the map once it holds ``n`` of them (the map's groups update after the rerun)."""
    frame = app.map_frame()
    frame.wait_for_function(f"() => ({_EVENTS_JS})().length === {n}", timeout=30_000)
    return frame.evaluate(_EVENTS_JS)


def test_moving_the_period_changes_the_events_on_the_map_and_the_url(app):
    app.open(basemap="none")
    every = events_in("2003-01", "2030-12")
    assert map_events(app, len(every)) == every
    upper = app.sidebar.locator('.st-key-period input[type="range"]').last  # the "— end" thumb
    upper.scroll_into_view_if_needed()
    upper.focus()
    upper.press("Home")  # the upper end down to the lower one: the period is the span's first month
    app.page.wait_for_function("() => location.search.includes('period=')", timeout=30_000)
    app.wait_idle()
    query = parse_qs(urlsplit(app.page.url).query)
    first, last = query["period"][0].split("/")
    assert first == "2003-01" and last < "2030-12"
    wanted = events_in(first, last)
    assert len(wanted) < len(every)
    assert map_events(app, len(wanted)) == wanted
    assert app.layer_toggle("events").inner_text().strip().endswith(f"({len(wanted)})")

    app.page.goto(app.page.url, wait_until="domcontentloaded")  # the URL reproduces the view (a new session)
    app.wait_idle()
    assert map_events(app, len(wanted)) == wanted
    assert parse_qs(urlsplit(app.page.url).query)["period"][0] == f"{first}/{last}"


def test_a_period_preset_sets_the_slider_the_map_and_the_url(app):
    app.open(basemap="none")
    every = events_in("2003-01", "2030-12")
    assert map_events(app, len(every)) == every
    pill = app.sidebar.locator(".st-key-period_preset button").filter(has_text="2025年").first
    pill.scroll_into_view_if_needed()
    pill.click()
    app.page.wait_for_function("() => location.search.includes('period=2025-01%2F2025-12') || "
                               "location.search.includes('period=2025-01/2025-12')", timeout=30_000)
    app.wait_idle()
    wanted = events_in("2025-01", "2025-12")
    assert map_events(app, len(wanted)) == wanted
    thumbs = app.sidebar.locator('.st-key-period input[type="range"]')
    assert "2025年1月" in thumbs.first.get_attribute("aria-valuetext")
    assert "2025年12月" in thumbs.last.get_attribute("aria-valuetext")
