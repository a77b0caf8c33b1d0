"""Start ``streamlit run`` on a free 127.0.0.1 port and wait for its health check.

The one place that knows how to launch the app: tests/browser/conftest.py, bench/browser_bench.py, the load test
(bench/load.py), the scale-out (serve/balancer.py, ``make serve``) and the faults test all use it.

    with AppServer(ROOT / "data", Path("app.log")) as server:   # or server = AppServer(...).start(); server.stop()
        page.goto(server.app_url(basemap="none"))   # then devtools.browser.wait_idle(page) in a test

Every server gets the production settings of .streamlit/config.toml plus the ones below on its command line (no file
watcher, no run-on-save, no full GC after each script run, no usage statistics), binds 127.0.0.1 only, and reads its
data from ``data_dir`` (ATLAS_DATA_DIR). ``settings`` overrides single options (e.g.
``{"server.fileWatcherType": "auto"}`` to measure the development settings).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT = ROOT / ".venv" / "bin" / "streamlit"
LOCALHOST = "127.0.0.1"
SERVER_START_TIMEOUT_S = 90
PRODUCTION = {
    "server.headless": "true",
    "server.fileWatcherType": "none",
    "server.runOnSave": "false",
    "runner.postScriptGC": "false",
    "runner.magicEnabled": "false",
    "browser.gatherUsageStats": "false",
}
def free_port(host: str = LOCALHOST) -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def healthy(url: str, timeout_s: float = 2) -> bool:
    """Does ``url`` (…/_stcore/health) answer 200 "ok"?"""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            return r.status == 200 and r.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def terminate(proc: subprocess.Popen, timeout_s: float = 10) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it has not exited within ``timeout_s``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_s)


class AppServer:
    """``streamlit run <script>`` on ``port`` (a free one by default) of 127.0.0.1, data from ``data_dir``."""

    def __init__(self, data_dir: Path | None, log_path: Path, *, script: Path | str = "streamlit_app.py",
                 port: int | None = None, settings: Mapping[str, str] | None = None,
                 env: Mapping[str, str] | None = None, start_timeout_s: float = SERVER_START_TIMEOUT_S):
        self.data_dir = Path(data_dir).resolve() if data_dir is not None else None
        self.log_path = Path(log_path)
        self.script = str(script)
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.health_url = f"http://{LOCALHOST}:{self.port}/_stcore/health"
        self.settings = {**PRODUCTION, **(settings or {})}
        self.env = dict(env or {})
        self.start_timeout_s = start_timeout_s
        self.proc: subprocess.Popen | None = None
        self._log = None

    def command(self) -> list[str]:
        cmd = [str(STREAMLIT), "run", self.script, "--server.address", LOCALHOST, "--server.port", str(self.port)]
        for option, value in self.settings.items():
            cmd += [f"--{option}", str(value)]
        return cmd

    def start(self) -> AppServer:
        """Start the process and return once /_stcore/health says ok (raises with the log's tail otherwise)."""
        env = dict(os.environ, **self.env)
        if self.data_dir is not None:
            env["ATLAS_DATA_DIR"] = str(self.data_dir)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._close_log()
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            if healthy(self.health_url):
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {self.start_timeout_s:.0f}s:\n{self.log_tail()}")

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as a crash would (the faults test); ``start()`` brings it back on the same port."""
        if self.running():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.running():
            terminate(self.proc)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return "(no log)"

    def app_url(self, **params: str) -> str:
        return f"{self.url}/" + (f"?{urlencode(params)}" if params else "")
