"""Driving the app in a real browser (dev-only: the browser tests, bench/ and scripts/screenshot.py share it):
Debian's Chromium and its arguments, the network guard that keeps every request on localhost, the app's test
hooks (docs/UI_HOOKS.md) and :class:`AppPage`, a Playwright page on one app server with the waits and look-ups
the tests share. Servers are started by serve.launcher (the one launcher).
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from layers.definitions import DEFAULT_LAYERS
from serve.launcher import AppServer

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# Hosts of raster tile services the app may offer; only the coordinate test lets them through (as empty 204s).
TILE_HOST = re.compile(r"(^|\.)(autonavi\.com|amap\.com|openstreetmap\.org|openstreetmap\.fr|cartocdn\.com|"
                       r"tianditu\.gov\.cn|geoq\.cn|bdimg\.com|map\.baidu\.com|arcgisonline\.com)$")
APP_IDLE_TIMEOUT_MS = 60_000
MAP_TIMEOUT_MS = 60_000

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
}"""

def ensure_chromium() -> str:
    """Debian's Chromium; if it is missing, install it the way ``make test`` does (scripts/setup.sh --dev)."""
    if not CHROMIUM.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh"), "--dev"], cwd=ROOT, check=False)
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing and scripts/setup.sh --dev did not install it "
                           "(apt-get install chromium)")
    return str(CHROMIUM)

def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class NetworkGuard:
    """Routes every request of a browser context: localhost passes, anything else is aborted and recorded.

    With ``allow_tiles`` set, requests to known tile hosts are answered with an empty 204 instead
    (recorded in ``tiles``, not in ``blocked``): for the basemap tests only.
    """

    def __init__(self, allow_tiles: bool = False):
        self.allow_tiles = allow_tiles
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.tiles: list[str] = []

    def is_tile(self, url: str) -> bool:
        return self.allow_tiles and bool(TILE_HOST.search(urlsplit(url).hostname or ""))

    def handle(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if is_local(url):
            route.continue_()
        elif self.is_tile(url):
            self.tiles.append(url)
            route.fulfill(status=204, body=b"")
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def on_request(self, request) -> None:
        # Belt and braces: requests that bypass routing (e.g. from service workers) are still seen here.
        url = request.url
        if not is_local(url) and not self.is_tile(url) and url not in self.blocked:
            self.blocked.append(url)

    def problems(self) -> list[str]:
        return sorted(set(self.blocked))

    def assert_clean(self) -> None:
        bad = self.problems()
        assert not bad, f"{len(bad)} request(s) left localhost:\n" + "\n".join(bad[:50])


class DialogTrap:
    """Any alert/confirm/prompt is a failure: it means a script ran."""

    def __init__(self):
        self.dialogs: list[str] = []

    def handle(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@dataclass(frozen=True)
class Hooks:
    """What the browser tests rely on in the app; one place to change if the app's hooks change."""

    basemap_param: str = "basemap"
    no_tiles: str = "none"
    amap: str = "amap_road"
    osm: str = "osm"
    select_param: str = "sel"
    layers_param: str = "layers"
    tags_param: str = "tags"
    lang_param: str = "lang"
    feature_prefix: str = "atlas-f-"
    layer_prefix: str = "atlas-layer-"
    selected_prefix: str = "atlas-sel-"
    default_layers: tuple[str, ...] = DEFAULT_LAYERS

    def feature(self, feature_id: str) -> str:
        """CSS selector of one drawn feature."""
        return f".{self.feature_prefix}{feature_id}"

    def layer(self, layer: str) -> str:
        """CSS selector of every drawn feature of one layer."""
        return f".{self.layer_prefix}{layer}"

    def selected(self, feature_id: str) -> str:
        return f".{self.selected_prefix}{feature_id}"

    @property
    def any_feature(self) -> str:
        return f"[class*='{self.feature_prefix}']"


HOOKS = Hooks()

def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Playwright: wait until Streamlit has run the script and no rerun is pending (twice, a beat apart: a
    component value that triggers a rerun lands a moment after the first run ends)."""
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)
    page.wait_for_timeout(400)
    page.wait_for_function(IDLE_JS, timeout=timeout_ms)


def script_runs(page) -> list:
    """The ``BackMsg.rerun_script`` messages ``page`` sends on its websocket from now on (a list that fills as
    they are sent): each one is a script run it asks the server for (the bench's and the tests' count of them)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    runs: list = []

    def on_frame(payload) -> None:
        if isinstance(payload, bytes):
            msg = BackMsg.FromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                runs.append(msg)

    page.on("websocket", lambda ws: ws.on("framesent", on_frame))
    return runs

# --------------------------------------------------------------------------- app helpers

# In the map frame: a point of the element matching `sel` where that element is the topmost one, nearest to
# the centre of its bounding box (so the click reaches it and not a park or a plan drawn above it).
_FREE_POINT_JS = """(sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const W = document.documentElement.clientWidth, H = document.documentElement.clientHeight;
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    const pts = [];
    for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
        const x = r.left + r.width * i / 40, y = r.top + r.height * j / 40;
        if (x > 5 && y > 5 && x < W - 5 && y < H - 5) pts.push([x, y]);
    }
    pts.sort((a, b) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(b[0] - cx, b[1] - cy));
    for (const [x, y] of pts) {
        const hit = document.elementFromPoint(x, y);
        if (hit === el) return {x, y};
    }
    return null;
}"""


# In the map frame: where the point marker of ``fid`` is: not a grouped point ("none": an area, or not drawn),
# drawn on its own ("alone"), inside a group marker (the group icon's centre in frame pixels), or outside the view.
_WHERE_JS = """(fid) => {
    let m = null;  // the atlas's point groups, or the visitor's uploaded layer's
    for (const g of [window.atlasPoints, window.atlasUploadPoints]) {
        if (g && !m) m = g.atlasMarkers.find(m => m.feature.properties.id === fid);
    }
    if (!m) return {state: 'none'};
    const ll = m.getLatLng();
    if (!window.map.getBounds().pad(-0.05).contains(ll)) return {state: 'outside', lat: ll.lat, lng: ll.lng};
    if (m._map) return {state: 'alone'};
    let parent = m.__parent;
    while (parent && !parent._icon) parent = parent.__parent;
    if (!parent) return {state: 'hidden', lat: ll.lat, lng: ll.lng};
    const icon = parent._icon, r = icon.getBoundingClientRect();
    let free = null;  // a point of the icon where the icon itself is topmost (another group's icon may overlap)
    const spots = [[.5, .5], [.35, .5], [.65, .5], [.5, .35], [.5, .65], [.3, .3], [.7, .7], [.3, .7], [.7, .3]];
    for (const [fx, fy] of spots) {
        const x = r.left + r.width * fx, y = r.top + r.height * fy, hit = document.elementFromPoint(x, y);
        if (hit && icon.contains(hit)) { free = [x, y]; break; }
    }
    return {state: 'grouped', free, lat: ll.lat, lng: ll.lng, n: parent.getChildCount()};
}"""


# In the map frame: pan the map (no animation, no zoom: a fan stays open) so the element is in the middle.
_CENTRE_ON_JS = """(sel) => {
    const r = document.querySelector(sel).getBoundingClientRect(), size = window.map.getSize();
    window.map.panBy([r.left + r.width / 2 - size.x / 2, r.top + r.height / 2 - size.y / 2], {animate: false});
}"""


_GRID_JS = """(grid) => {
    const headers = {};
    grid.querySelectorAll('th[role=columnheader]').forEach(th => {
        headers[String(Number(th.getAttribute('aria-colindex')) - 1)] = th.textContent;
    });
    const cells = [];
    grid.querySelectorAll('[data-testid^="glide-cell-"]').forEach(td => {
        const m = td.dataset.testid.match(/^glide-cell-(\\d+)-(\\d+)$/);
        if (m) cells.push([[Number(m[1]), Number(m[2])], td.textContent]);
    });
    return [headers, cells];
}"""


class AppPage:
    """A Playwright page on one app server, with the waits and look-ups the browser tests share."""

    def __init__(self, page, server: AppServer):
        self.page = page
        self.server = server

    def open(self, **params: str) -> AppPage:
        self.page.goto(self.server.app_url(**params), wait_until="domcontentloaded")
        self.wait_idle()
        return self

    def wait_idle(self, timeout_ms: int = APP_IDLE_TIMEOUT_MS) -> None:
        """Wait until Streamlit has run the script and no rerun is pending (twice, a beat apart:
        a component value that triggers a rerun lands a moment after the first run ends)."""
        wait_idle(self.page, timeout_ms)

    def map_frame(self, timeout_ms: int = MAP_TIMEOUT_MS):
        """The streamlit-folium component's frame (a Playwright Frame), once its Leaflet map exists.

        Looks the iframe up again while waiting: Streamlit may replace it (a remount) during a rerun.
        """
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + timeout_ms / 1000
        state = "no map iframe"
        while time.monotonic() < deadline:
            handle = self.page.query_selector(MAP_IFRAME)
            frame = handle.content_frame() if handle else None
            if frame is None:
                self.page.wait_for_timeout(200)
                continue
            try:
                frame.wait_for_function("() => !!(window.map && window.map._loaded)", timeout=3_000)
                return frame
            except PlaywrightError:  # a timeout of this slice, or the frame went away: look again
                try:
                    state = frame.evaluate("() => `url=${location.href} map=${typeof window.map}`")
                except PlaywrightError as exc:
                    state = f"frame gone ({exc.message[:80]})"
        raise AssertionError(f"the Leaflet map did not load within {timeout_ms} ms: {state}")

    def map_locator(self):
        """frame_locator for the map iframe (clicks and text queries)."""
        return self.page.frame_locator(MAP_IFRAME)

    def count(self, selector: str) -> int:
        return self.map_frame().evaluate("(sel) => document.querySelectorAll(sel).length", selector)

    def wait_for_count(self, selector: str, n: int, timeout_ms: int = 30_000) -> None:
        """Wait until exactly ``n`` elements of the map match ``selector``; fail naming the count reached."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        frame = self.map_frame()
        try:
            frame.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length === n", arg=[selector, n], timeout=timeout_ms
            )
        except PlaywrightTimeout:
            got = frame.evaluate("(sel) => document.querySelectorAll(sel).length", selector)
            raise AssertionError(f"expected {n} map elements matching {selector!r}, found {got}") from None

    def wait_for_selected(self, feature_id: str, timeout_ms: int = 30_000) -> None:
        """Wait until the map outlines ``feature_id`` as the selection and the script is idle."""
        self.map_frame().wait_for_selector(HOOKS.selected(feature_id), state="attached", timeout=timeout_ms)
        self.wait_idle()

    # ---- widgets (labels in docs/UI_HOOKS.md; the interface language is Chinese by default)

    @property
    def sidebar(self):
        return self.page.locator('[data-testid="stSidebar"]')

    def layer_toggle(self, layer: str):
        """The sidebar's pill of one layer (the ``layers`` pills; its label is the layer's Chinese name and count)."""
        from geo.core.schema import LAYERS

        label = re.compile("^" + re.escape(LAYERS[layer][1]) + r" \(\d+\)$")
        return self.sidebar.locator(".st-key-layers button").filter(has_text=label).first

    def layer_on(self, layer: str) -> bool:
        """Whether the layer's pill is on (a pressed toggle button: ``aria-pressed="true"``)."""
        return self.layer_toggle(layer).get_attribute("aria-pressed") == "true"

    def layer_counts(self) -> dict[str, int]:
        """The layer pills' labels as {layer name: count} ("园区与平台 (30)" -> {"园区与平台": 30})."""
        labels = self.sidebar.locator(".st-key-layers button").all_inner_texts()
        return {label.rsplit(" (", 1)[0].strip(): int(label.rsplit("(", 1)[1].strip().rstrip(")"))
                for label in labels if "(" in label}

    def set_layer(self, layer: str, on: bool) -> None:
        """Switch a layer on or off through its pill and wait for the rerun."""
        pill = self.layer_toggle(layer)
        if self.layer_on(layer) != on:
            pill.click()
            self.page.wait_for_function(
                "([el, on]) => (el.getAttribute('aria-pressed') === 'true') === on",
                arg=[pill.element_handle(), on], timeout=10_000,
            )
        self.wait_idle()

    def choose(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox labelled ``label``."""
        select = self.page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
        select.locator('input[role=combobox]').click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.wait_idle()

    def search(self, text: str, pick: str) -> None:
        """Type ``text`` into the search box, then click the result (an option of the pills ``results``) whose
        label starts with ``pick``."""
        box = self.sidebar.locator('[data-testid="stTextInput"] input').first
        box.fill(text)
        box.press("Enter")
        self.wait_idle()
        self.result_options().filter(has_text=re.compile("^" + re.escape(pick) + r"\s*·")).first.click()
        self.wait_idle()

    def result_options(self):
        """The search results' buttons (pills ``results``, then ``results_more`` in its expander), in list order:
        each labelled "name · layer"."""
        return self.sidebar.locator(":is(.st-key-results, .st-key-results_more) button")

    def main_text(self) -> str:
        """Visible text of the page outside the sidebar (the map iframe excluded)."""
        return self.page.locator('[data-testid="stMain"]').inner_text()

    def selected_panel_text(self) -> str:
        """Text of the side panel (details of the selected feature, or the overview when none is selected)."""
        return self.page.locator(".st-key-side_panel").inner_text()

    def dataframe_rows(self, grid) -> list[dict[str, str]]:
        """Rows of an st.dataframe (a canvas grid): read from its accessible table while wheeling through it.

        Only the columns the grid has rendered (those in view) are returned, keyed by header text.
        """
        grid.scroll_into_view_if_needed()
        total = int(grid.locator("table[role=grid]").get_attribute("aria-rowcount")) - 1
        rows: dict[int, dict[str, str]] = {}
        grid.hover()
        for _ in range(50):
            headers, cells = grid.evaluate(_GRID_JS)
            for (col, row), text in cells:
                rows.setdefault(row, {})[headers.get(str(col), str(col))] = text
            if len(rows) >= total:
                break
            self.page.mouse.wheel(0, 200)
            self.page.wait_for_timeout(150)
        assert len(rows) == total, f"read {len(rows)} of {total} rows of the table"
        return [rows[i] for i in sorted(rows)]

    # The side panel's lists of features (docs/UI_HOOKS.md): one st.pills each, keyed ``rel_<relation>[_<layer>]``,
    # ``inside[_<layer>]``, ``nearby``, ``tl_<n>`` (+ ``_more`` behind 另外 n 个); options are the features' labels.
    PANEL_LIST = '.st-key-side_panel [class*="st-key-{prefix}"] [data-testid="stButtonGroup"] button'

    def panel_list(self, prefix: str = ""):
        """The option buttons of the side panel's lists whose key starts with ``prefix`` (all of them by default)."""
        return self.page.locator(self.PANEL_LIST.format(prefix=prefix))

    def pick_in_panel(self, text: str, prefix: str = "") -> None:
        """Click the first visible option whose label contains ``text`` in the panel's lists (key ``prefix``…): it
        selects that feature."""
        option = self.panel_list(prefix).filter(has_text=text).filter(visible=True).first
        option.scroll_into_view_if_needed()
        option.click()

    def popover(self, key: str) -> str:
        """Open the popover with ``key=`` (e.g. ``facts_src_s003``), return its text and close it again."""
        self.page.locator(f".st-key-{key} button").first.click()
        body = self.page.locator('[data-testid="stPopoverBody"]').last
        body.wait_for(state="visible")
        text = body.inner_text()
        self.page.keyboard.press("Escape")
        body.wait_for(state="hidden")
        return text

    def scrolls_sideways(self, selector: str) -> bool:
        """Whether the element or anything inside it is wider than its box (a horizontal scrollbar)."""
        return self.page.locator(selector).first.evaluate(
            "el => [el, ...el.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1 && "
            "['auto', 'scroll'].includes(getComputedStyle(e).overflowX))")

    def expand(self, container, title: str) -> str:
        """Open the expander titled ``title`` inside ``container`` and return its text."""
        exp = container.locator('[data-testid="stExpander"]').filter(has_text=title).first
        details = exp.locator('[data-testid="stExpanderDetails"]')
        if not details.is_visible():
            exp.locator("summary").first.click()
            details.wait_for(state="visible")
        return details.inner_text()

    # ---- the Leaflet map

    def wait_for_feature(self, feature_id: str, timeout_ms: int = 30_000) -> None:
        """Wait until the map holds ``feature_id``: drawn as an element, or a point held by a group marker."""
        self.map_frame().wait_for_function(
            "(fid) => !!document.querySelector('.atlas-f-' + fid) || [window.atlasPoints, window.atlasUploadPoints]"
            ".some(g => g && g.atlasMarkers.some(m => m.feature.properties.id === fid))",
            arg=feature_id, timeout=timeout_ms)

    def reveal(self, feature_id: str) -> None:
        """Bring a point's marker into the DOM as a visitor would: pan to it if it is outside the view, and click
        its group marker to fan the group out if it is in one (zooming in a step when a neighbouring group's icon
        covers it). Areas and lone points need nothing."""
        self.page.locator(MAP_IFRAME).scroll_into_view_if_needed()  # clicks go by window coordinates
        frame = self.map_frame()
        centred = False
        for _ in range(8):
            where = frame.evaluate(_WHERE_JS, feature_id)
            if where["state"] in ("none", "alone"):
                return
            if where["state"] == "grouped" and not centred:  # the fan opens around the group: give it room
                frame.evaluate("([lat, lng]) => { window.map.setView([lat, lng], window.map.getZoom(), "
                               "{animate: false}); }", [where["lat"], where["lng"]])
                self.page.wait_for_timeout(400)
                centred = True
                continue
            if where["state"] == "grouped" and where.get("free"):
                box = self.page.locator(MAP_IFRAME).bounding_box()
                self.page.mouse.click(box["x"] + where["free"][0], box["y"] + where["free"][1])
                frame.wait_for_selector(HOOKS.feature(feature_id), state="attached", timeout=10_000)
                self.page.wait_for_timeout(350)  # the fan's animation
                return
            # outside the view, or its group's icon is covered by another: centre on it, one step closer
            step = 0 if where["state"] == "outside" else 1
            frame.evaluate("([lat, lng, step]) => { window.map.setView([lat, lng], window.map.getZoom() + step, "
                           "{animate: false}); }", [where["lat"], where["lng"], step])
            self.page.wait_for_timeout(400)
        raise AssertionError(f"{feature_id}: could not reach its marker ({where})")

    def mouse_on(self, feature_id: str, click: bool = False) -> None:
        """Move the real mouse onto ``feature_id`` on the map (where it is the topmost element; a point in a group
        is fanned out first), and click."""
        self.reveal(feature_id)
        frame = self.map_frame()
        point = frame.evaluate(_FREE_POINT_JS, HOOKS.feature(feature_id))
        if point is None and frame.query_selector(HOOKS.feature(feature_id)):
            # drawn but under a control or outside the frame (a wide fan): pan it to the middle of the map
            frame.evaluate(_CENTRE_ON_JS, HOOKS.feature(feature_id))
            self.page.wait_for_timeout(300)
            point = frame.evaluate(_FREE_POINT_JS, HOOKS.feature(feature_id))
        assert point, f"no visible, uncovered point of {feature_id} on the map"
        box = self.page.locator(MAP_IFRAME).bounding_box()
        x, y = box["x"] + point["x"], box["y"] + point["y"]
        if click:
            self.page.mouse.click(x, y)
        else:
            self.page.mouse.move(x, y)

    def feature_latlngs(self, feature_id: str) -> list[list[float]]:
        """[lat, lng] of every drawn point layer (marker) of ``feature_id`` that Leaflet holds right now."""
        return self.map_frame().evaluate(
            """(fid) => {
                const out = [];
                if (window.atlasPoints) window.atlasPoints.atlasMarkers.forEach(m => {  // held by a group
                    if (!m._map && m.feature.properties.id === fid) {
                        const ll = m.getLatLng(); out.push([ll.lat, ll.lng]);
                    }
                });
                window.map.eachLayer(l => {
                    const cls = (l.options && l.options.className) || '';
                    if (l.feature && l.feature.properties && l.feature.properties.id === fid
                        && cls.split(/\\s+/).includes('atlas-f-' + fid) && typeof l.getLatLng === 'function') {
                        const ll = l.getLatLng(); out.push([ll.lat, ll.lng]);
                    }
                });
                return out;
            }""",
            feature_id,
        )

    def view(self) -> dict[str, float]:
        """The map's center and zoom."""
        return self.map_frame().evaluate(
            "() => { const c = window.map.getCenter(); return {lat: c.lat, lng: c.lng, zoom: window.map.getZoom()}; }"
        )

    def eval_everywhere(self, expression: str) -> dict[str, object]:
        """Evaluate ``expression`` in the page and in every frame: {frame url: value}."""
        return {f"{i}:{f.url}": f.evaluate(expression) for i, f in enumerate(self.page.frames)}
