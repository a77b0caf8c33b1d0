"""One simulated visitor of the app, speaking Streamlit's own websocket protocol (dev-only: the load test
bench/load.py and the faults test tests/browser/test_browser_faults.py share it).

A visitor GETs the page (keeping the balancer's sticky cookie), opens ``/_stcore/stream`` with the ``streamlit``
subprotocol, sends a ``BackMsg.rerun_script`` and reads ForwardMsgs until ``script_finished``; then one interaction
(a district filter, a plain rerun, or a selection on the map). Localhost only; every wait has a timeout.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass

from layers.published import urls

DISTRICT_WIDGET_KEY = "districts"
FIRST_PAGE_TIMEOUT_S = 240.0
INTERACTION_TIMEOUT_S = 180.0


@dataclass
class Visit:
    first_ok: bool = False
    first_s: float | None = None
    interaction_ok: bool = False
    interaction_s: float | None = None
    select_ok: bool = False
    select_s: float | None = None
    bytes: int = 0
    deltas: int = 0  # elements and blocks sent for the first page (each one a websocket message, a wake-up)
    error: str = ""


BROWSER_CONNECTIONS = 6  # parallel requests per host, as Chromium makes over HTTP/1.1
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # Chromium's Accept-Encoding


async def http_get(host: str, port: int, path: str, timeout_s: float,
                   headers: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], int]:
    """A plain HTTP/1.1 GET: (status, headers: every value of each (lower-case) name, bytes received)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
    extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}Connection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout_s)
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers, len(raw)


def cookie_header(set_cookies: list[str]) -> str:
    """The Cookie header a browser sends back for these Set-Cookie values: every cookie's name=value (the last
    value of a name wins), so the balancer's sticky cookie is kept whatever else the page sets."""
    jar: dict[str, str] = {}
    for value in set_cookies:
        pair = value.split(";", 1)[0].strip()
        name, eq, val = pair.partition("=")
        if eq and name.strip():
            jar[name.strip()] = val.strip()
    return "; ".join(f"{name}={val}" for name, val in jar.items())


class Visitor:
    """One browser tab's worth of protocol: the page, the websocket, a first run, then one interaction: a filter
    change (``interaction="district"``, the atlas) or a plain rerun with the same widget states (``"rerun"``,
    what a widget change costs on the bare page, which has no widget)."""

    def __init__(self, host: str, port: int, index: int, interaction: str = "district",
                 static: tuple[str, ...] = ()):
        self.host, self.port, self.index = host, port, index
        self.static = static  # static files a first-time browser fetches (bench/load_probe.py record_static)
        self.interaction = interaction
        self.visit = Visit()
        self.ws = None
        self.widget_id: str | None = None
        self.options: list[str] = []
        self.district = ""  # the district this visitor picked
        self.map_id: str | None = None  # the map component's widget id and the fragment it is drawn in
        self.map_fragment = ""
        self.query = ""
        self.cached: list[str] = []
        self.scripts: list[str] = []  # static map scripts the map component loads (layers/published.py)
        self.fetched: set[str] = set()  # ... of which this visitor's browser has a copy (fetched once)

    async def open(self) -> None:
        """GET /, connect the websocket, run the script once; fills ``visit.first_*``."""
        from websockets.asyncio.client import connect

        t0 = time.perf_counter()
        try:
            status, headers, size = await http_get(self.host, self.port, "/", FIRST_PAGE_TIMEOUT_S)
            self.visit.bytes += size
            if status != 200:
                raise RuntimeError(f"GET / answered {status}")
            cookie = cookie_header(headers.get("set-cookie", []))
            if self.static:
                await self._fetch_static(cookie, FIRST_PAGE_TIMEOUT_S)
            self.ws = await connect(
                f"ws://{self.host}:{self.port}/_stcore/stream", subprotocols=["streamlit"],
                additional_headers={"Cookie": cookie} if cookie else None, compression=None, proxy=None,
                max_size=None, ping_interval=None, open_timeout=FIRST_PAGE_TIMEOUT_S)
            await self._run(self._rerun(), FIRST_PAGE_TIMEOUT_S - (time.perf_counter() - t0))
            await self._fetch_scripts(FIRST_PAGE_TIMEOUT_S)
            self.visit.first_ok = True
            self.visit.first_s = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - any failure is this visitor's "not served", reported by kind
            self.visit.error = f"first page: {type(exc).__name__}: {exc}"[:300]

    async def interact(self) -> None:
        """Pick one district in the filter; served when the run finished and the URL carries it."""
        if not self.visit.first_ok:
            return
        t0 = time.perf_counter()
        try:
            if self.interaction == "rerun":
                await self._run(self._rerun(plain=True), INTERACTION_TIMEOUT_S)
                self.visit.interaction_ok = True
                self.visit.interaction_s = time.perf_counter() - t0
                return
            if not (self.widget_id and self.options):
                raise RuntimeError("the first page had no district filter")
            option = self.options[self.index % len(self.options)]
            await self._run(self._rerun(option), INTERACTION_TIMEOUT_S)
            self.district = option
            if "districts=" not in self.query:
                raise RuntimeError(f"the URL does not carry the district: ?{self.query}")
            self.visit.interaction_ok = True
            self.visit.interaction_s = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - reported as this visitor's failed interaction
            self.visit.error = f"interaction: {type(exc).__name__}: {exc}"[:300]

    async def select(self, feature_id: str) -> None:
        """Click ``feature_id`` on the map, as the map component reports it (its value), keeping the district
        picked before; served when the run finished and the URL carries the selection. On a page that draws
        the map in a fragment, only that fragment reruns."""
        if not self.visit.interaction_ok:
            return
        t0 = time.perf_counter()
        try:
            if not self.map_id:
                raise RuntimeError("the first page had no map component")
            await self._run(self._rerun(self.district, select=feature_id), INTERACTION_TIMEOUT_S)
            if f"sel={feature_id}" not in self.query:
                raise RuntimeError(f"the URL does not carry the selection: ?{self.query}")
            self.visit.select_ok = True
            self.visit.select_s = time.perf_counter() - t0
        except Exception as exc:  # noqa: BLE001 - reported as this visitor's failed selection
            self.visit.error = f"selection: {type(exc).__name__}: {exc}"[:300]

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 10)
            except (TimeoutError, OSError):
                pass

    def _rerun(self, district: str | None = None, plain: bool = False, select: str = "") -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = ""
        state.widget_states.SetInParent()
        if district is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self.widget_id
            widget.string_array_value.data.append(district)
        if select:
            clicked = {"type": "Feature", "properties": {"id": select}, "geometry": None}
            widget = state.widget_states.widgets.add()
            widget.id = self.map_id
            widget.json_value = json.dumps({"last_active_drawing": clicked, "last_object_clicked": None})
            state.fragment_id = self.map_fragment
        if district is not None or plain:
            state.cached_message_hashes.extend(self.cached)
        return msg.SerializeToString()

    async def _run(self, payload: bytes, timeout_s: float) -> None:
        await self.ws.send(payload)
        await asyncio.wait_for(self._until_finished(), max(timeout_s, 1))
        if self.visit.first_ok:
            await self._fetch_scripts(timeout_s)

    async def _fetch_static(self, cookie: str, timeout_s: float) -> None:
        """GET ``static`` as a first-time browser does: BROWSER_CONNECTIONS at a time, gzip accepted, the sticky
        cookie sent (part of the first page's time, bytes and server CPU)."""
        headers = {"Accept-Encoding": BROWSER_ENCODINGS, **({"Cookie": cookie} if cookie else {})}
        await self._get_all(self.static, timeout_s, headers, BROWSER_CONNECTIONS)

    async def _fetch_scripts(self, timeout_s: float) -> None:
        """GET the static map scripts the map's arguments load, as the map's frame does (synchronously, one after
        another, each once: later runs find them in the browser's cache); part of the first page's (or
        interaction's) time and of the server's CPU."""
        await self._get_all(self.scripts, timeout_s)

    async def _get_all(self, paths, timeout_s: float, headers: dict[str, str] | None = None,
                       connections: int = 1) -> None:
        """GET each of ``paths`` this visitor's browser has no copy of yet, ``connections`` at a time; counts the
        bytes, and a status other than 200 fails the visit."""
        gate = asyncio.Semaphore(connections)
        todo = [p for p in dict.fromkeys(paths) if p not in self.fetched]

        async def one(path: str) -> None:
            async with gate:
                status, _headers, size = await http_get(self.host, self.port, path, timeout_s, headers)
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            self.visit.bytes += size
            self.fetched.add(path)

        await asyncio.gather(*(one(path) for path in todo))

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            data = await self.ws.recv()
            self.visit.bytes += len(data)
            msg = ForwardMsg.FromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and not self.visit.first_ok:
                self.visit.deltas += 1
            if msg.metadata.cacheable and msg.hash:
                self.cached.append(msg.hash)
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "multiselect" and element.multiselect.id.endswith(f"-{DISTRICT_WIDGET_KEY}"):
                    self.widget_id = element.multiselect.id
                    self.options = list(element.multiselect.options)
                elif what == "component_instance" and "st_folium" in element.component_instance.component_name:
                    self.map_id = element.component_instance.id
                    self.map_fragment = msg.delta.fragment_id
                    args = json.loads(element.component_instance.json_args or "{}")
                    self.scripts = urls(args.get("feature_group") or "")
                elif what == "exception":
                    raise RuntimeError(f"the page shows an exception: {element.exception.message[:200]}")
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                raise RuntimeError("script compilation error")
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status in ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"):
                    return
                if status != "FINISHED_EARLY_FOR_RERUN":
                    raise RuntimeError(status)


def first_page(host: str, port: int, static: tuple[str, ...] = ()) -> Visitor:
    """One visitor's first page (opened, then closed), run to the end in a thread of its own: a Playwright page in
    the caller's thread may hold that thread's event loop (the tests)."""
    from concurrent.futures import ThreadPoolExecutor

    async def visit() -> Visitor:
        v = Visitor(host, port, 0, static=static)
        await v.open()
        await v.close()
        return v

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, visit()).result()
