"""Scale-out: k Streamlit replicas behind HAProxy (Debian's package), ``make serve`` / ``python -m serve``.

Each replica is a ``streamlit run`` (serve.launcher) bound to 127.0.0.1 on its own port; HAProxy listens on the
public address and port and

- keeps each visitor on one replica with a cookie (ATLAS_REPLICA): Streamlit holds a session's state (widgets,
  selection, the messages the browser has cached) in the memory of the process that ran it, so every request and
  the websocket of one tab must reach the same process;
- passes the websocket (``/_stcore/stream``) through: after the HTTP upgrade the connection is a tunnel
  (``timeout tunnel``);
- checks every replica with ``GET /_stcore/health`` every ``check_inter_ms``; after ``fall`` failures a replica
  is out, after ``rise`` successes it is back; a visitor whose replica is out is sent to a live one
  (``option redispatch``) and its page reconnects there with a new session;
- serves the page and its static assets (the app's /app/static/vendor/ Leaflet, Streamlit's bundle) from the
  replicas, nothing from a CDN, and keeps the static files in its own memory cache (``cache static_files``): a
  first-time visitor's browser asks for about 170 of them (Streamlit's frontend loads a file per kind of element,
  the map its plugins), which cost a replica most of what such a visitor cost it (``python -m bench.load
  --static``: 0.30 s of CPU per first page with them, 0.02 s without); from the cache they cost the replicas
  nothing. Only GETs of ``/static/`` (Streamlit's bundle, content-hashed), ``/app/static/`` (the vendored
  Leaflet and the published map layers, content-named) and ``/component/`` (the map component's frontend) are
  kept, per Accept-Encoding (``process-vary``), for ``STATIC_CACHE_S``.

:func:`haproxy_config` writes the configuration; replicas on other machines are just more ``server`` lines
(README "Deployment").
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from serve.launcher import LOCALHOST, AppServer, free_port, healthy, terminate

HAPROXY_CANDIDATES = ("/usr/sbin/haproxy", "/usr/bin/haproxy")
COOKIE = "ATLAS_REPLICA"
STATIC_PATHS = ("/static/", "/app/static/", "/component/")  # what the balancer's cache keeps (nothing else)
STATIC_CACHE_S = 3600  # s a static file stays in the balancer's cache (its content changes only with a deployment)
STATIC_CACHE_MB = 256  # the cache's memory: Streamlit's bundle is about 20 MB, a published 100k layer 1.3 MB


def haproxy_binary() -> str:
    """Debian's haproxy; a clear error naming the set-up command when it is missing."""
    found = shutil.which("haproxy") or next((p for p in HAPROXY_CANDIDATES if Path(p).exists()), None)
    if not found:
        raise FileNotFoundError("haproxy is not installed: run `bash scripts/setup.sh --serve` "
                                "(or apt-get install haproxy)")
    return found


def haproxy_config(bind: str, port: int, servers: Sequence[tuple[str, str, int]], stats_socket: Path, *,
                   check_inter_ms: int = 2000, fall: int = 2, rise: int = 2) -> str:
    """The HAProxy configuration: ``servers`` are (name, host, port) of the replicas (any host)."""
    lines = [
        "global",
        "    maxconn 4096",
        f"    stats socket {stats_socket} mode 600 level admin",
        "",
        "defaults",
        "    mode http",
        "    option http-server-close",
        "    option redispatch              # a visitor whose replica is down goes to a live one",
        "    retries 2",
        "    timeout connect 3s",
        "    timeout client 60s",
        "    timeout server 300s            # a first page can queue behind a burst of visitors",
        "    timeout tunnel 1h              # an upgraded websocket (/_stcore/stream) is a tunnel",
        "    timeout client-fin 5s",
        "",
        "cache static_files",
        f"    total-max-size {STATIC_CACHE_MB}",
        "    max-object-size 16777216       # bytes: the largest file kept",
        f"    max-age {STATIC_CACHE_S}",
        "    process-vary on                # a gzipped and a plain copy, per Accept-Encoding",
        "",
        "frontend atlas",
        f"    bind {bind}:{port}",
        "    default_backend replicas",
        "",
        "backend replicas",
        "    balance leastconn              # websockets are long-lived: count open connections",
        f"    cookie {COOKIE} insert indirect nocache httponly   # sticky: a session lives in one process",
        "    option httpchk",
        "    http-check send meth GET uri /_stcore/health",
        "    http-check expect string ok",
        f"    default-server check inter {check_inter_ms}ms fall {fall} rise {rise}",
        "    acl reading method GET HEAD",
        f"    acl static_path path_beg {' '.join(STATIC_PATHS)}",
        "    http-request set-var(txn.static) bool(true) if reading static_path",
        "    http-request cache-use static_files if { var(txn.static) -m bool }",
        "    http-response cache-store static_files if { var(txn.static) -m bool } { status 200 }",
    ]
    lines += [f"    server {name} {host}:{p} cookie {name}" for name, host, p in servers]
    return "\n".join(lines) + "\n"


class Cluster:
    """k replicas of the app on 127.0.0.1 and HAProxy in front of them on ``address:port``."""

    def __init__(self, replicas: int, data_dir: Path, run_dir: Path, *, address: str = LOCALHOST,
                 port: int | None = None, replica_ports: Sequence[int] | None = None,
                 settings: Mapping[str, str] | None = None, script: str = "streamlit_app.py",
                 check_inter_ms: int = 2000, fall: int = 2, rise: int = 2):
        if replicas < 1:
            raise ValueError("at least one replica")
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.address = address
        self.port = port or free_port()
        self.check_inter_ms, self.fall, self.rise = check_inter_ms, fall, rise
        ports = list(replica_ports or [])
        # One cookie secret for all replicas (in the environment, not on a command line): the XSRF cookie one replica
        # signs stays valid on another after a failover (uploads are POSTs checked against it). Random per cluster.
        env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
        self.replicas = {
            f"r{i}": AppServer(data_dir, self.run_dir / f"r{i}.log", port=ports[i] if i < len(ports) else None,
                               settings=settings, script=script, env=env)
            for i in range(replicas)
        }
        self.config_path = self.run_dir / "haproxy.cfg"
        self.stats_socket = self.run_dir / "haproxy.sock"
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    def app_url(self, **params: str) -> str:
        """Like AppServer.app_url: the page through the balancer (tests/browser's AppPage works on both)."""
        from urllib.parse import urlencode

        return f"{self.url}/" + (f"?{urlencode(params)}" if params else "")

    def config(self) -> str:
        servers = [(name, LOCALHOST, r.port) for name, r in self.replicas.items()]
        return haproxy_config(self.address, self.port, servers, self.stats_socket,
                              check_inter_ms=self.check_inter_ms, fall=self.fall, rise=self.rise)

    def pids(self) -> list[int]:
        return [r.pid for r in self.replicas.values() if r.running()]

    def start(self, timeout_s: float = 60) -> Cluster:
        binary = haproxy_binary()
        try:
            for replica in self.replicas.values():
                replica.start()
            self.config_path.write_text(self.config(), encoding="utf-8")
            subprocess.run([binary, "-c", "-q", "-f", str(self.config_path)], check=True)
            self._log = open(self.run_dir / "haproxy.log", "ab")  # noqa: SIM115 - closed in stop()
            self.proc = subprocess.Popen([binary, "-db", "-f", str(self.config_path)], stdout=self._log,
                                         stderr=subprocess.STDOUT)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"haproxy exited with {self.proc.returncode}: see {self.run_dir}/haproxy.log")
                if healthy(f"{self.url}/_stcore/health") and all(
                        s["status"] == "UP" for s in self.stats().values()):
                    return self
                time.sleep(0.2)
            raise RuntimeError(f"the balancer did not report every replica UP within {timeout_s:.0f} s")
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            terminate(self.proc)
        if self._log is not None:
            self._log.close()
            self._log = None
        for replica in self.replicas.values():
            replica.stop()

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- HAProxy's runtime API (the stats socket)

    def command(self, cmd: str) -> str:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.stats_socket))
            s.sendall(cmd.encode() + b"\n")
            chunks = []
            while chunk := s.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def _stat_rows(self) -> list[dict[str, str]]:
        text = self.command("show stat").lstrip("# ")
        rows = [line.split(",") for line in text.splitlines() if line.strip()]
        return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    def stats(self) -> dict[str, dict[str, str]]:
        """Per replica: HAProxy's ``show stat`` row (status UP/DOWN, stot sessions, hrsp_5xx, …)."""
        return {r["svname"]: r for r in self._stat_rows() if r.get("pxname") == "replicas"
                and r.get("svname") in self.replicas}

    def frontend_5xx(self) -> int:
        """5xx responses the balancer has sent to visitors so far."""
        return sum(int(r.get("hrsp_5xx") or 0) for r in self._stat_rows() if r.get("svname") == "FRONTEND")

    def wait_status(self, name: str, status: str, timeout_s: float) -> float:
        """Seconds until HAProxy reports replica ``name`` as ``status`` (UP / DOWN); raises after ``timeout_s``."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout_s:
            if self.stats()[name]["status"].split()[0] == status:
                return time.monotonic() - t0
            time.sleep(0.05)
        raise TimeoutError(f"replica {name} not {status} after {timeout_s:.0f} s: {self.stats()[name]['status']}")
