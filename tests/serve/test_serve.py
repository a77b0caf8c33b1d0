"""serve/: the launcher's command line and the HAProxy configuration (checked by Debian's haproxy itself).

The processes themselves run in tests/browser/ (every browser test starts its server through serve.launcher;
test_browser_faults.py runs the balancer)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from serve import balancer
from serve.balancer import COOKIE, Cluster, haproxy_binary, haproxy_config
from serve.launcher import LOCALHOST, PRODUCTION, AppServer, free_port

ROOT = Path(__file__).resolve().parents[2]


def option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(f"--{name}") + 1]


def test_free_port_can_be_bound_and_is_not_one_in_use():
    port = free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as s:
        s.bind((LOCALHOST, port))  # raises if the port were taken
        s.listen()
        assert free_port() != port  # a port someone listens on is never offered


def test_server_binds_localhost_with_production_settings(tmp_path):
    server = AppServer(tmp_path, tmp_path / "x.log", port=8599)
    cmd = server.command()
    assert option(cmd, "server.address") == "127.0.0.1"
    assert option(cmd, "server.port") == "8599"
    assert option(cmd, "server.fileWatcherType") == "none"
    assert option(cmd, "server.runOnSave") == "false"
    assert option(cmd, "runner.postScriptGC") == "false"
    assert server.app_url(basemap="none") == "http://localhost:8599/?basemap=none"


def test_one_setting_can_be_overridden(tmp_path):
    cmd = AppServer(None, tmp_path / "x.log", settings={"server.fileWatcherType": "auto"}).command()
    assert option(cmd, "server.fileWatcherType") == "auto"
    assert option(cmd, "server.runOnSave") == PRODUCTION["server.runOnSave"]


def test_launcher_and_config_toml_agree():
    """make run (.streamlit/config.toml) and every server serve/ starts (tests, bench, replicas) run with the same
    production settings: no file watcher, no run-on-save, no full GC after each run, no usage statistics."""
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    for name, value in PRODUCTION.items():
        section, key = name.split(".")
        assert str(config[section][key]).lower() == value, name


def test_a_server_that_cannot_start_says_why(tmp_path):
    server = AppServer(tmp_path, tmp_path / "x.log", script="no_such_app.py", start_timeout_s=30)
    with pytest.raises(RuntimeError, match="streamlit exited"):
        server.start()


SERVERS = [("r0", "127.0.0.1", 8511), ("r1", "127.0.0.1", 8512), ("far", "10.0.0.7", 8511)]


def test_config_sticks_checks_and_tunnels(tmp_path):
    text = haproxy_config("127.0.0.1", 8501, SERVERS, tmp_path / "s.sock", check_inter_ms=700, fall=3, rise=4)
    assert "bind 127.0.0.1:8501" in text
    assert f"cookie {COOKIE} insert indirect nocache" in text
    assert "http-check send meth GET uri /_stcore/health" in text
    assert "default-server check inter 700ms fall 3 rise 4" in text
    assert "option redispatch" in text and "timeout tunnel" in text
    for name, host, port in SERVERS:
        assert f"server {name} {host}:{port} cookie {name}" in text


def test_haproxy_accepts_the_config(tmp_path):
    """Debian's haproxy (scripts/setup.sh --dev installs it) checks the generated file: missing haproxy fails."""
    cfg = tmp_path / "haproxy.cfg"
    cfg.write_text(haproxy_config("127.0.0.1", free_port(), SERVERS, tmp_path / "s.sock"), encoding="utf-8")
    result = subprocess.run([haproxy_binary(), "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_haproxy_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(balancer.shutil, "which", lambda name: None)
    monkeypatch.setattr(balancer, "HAPROXY_CANDIDATES", (str(tmp_path / "nothing"),))
    with pytest.raises(FileNotFoundError, match=r"haproxy is not installed: run `bash scripts/setup.sh --serve`"):
        Cluster(1, Path("data"), tmp_path).start()


def test_cluster_needs_a_replica(tmp_path):
    with pytest.raises(ValueError, match="at least one replica"):
        Cluster(0, Path("data"), tmp_path)


def _get(url: str, **headers: str) -> tuple[dict[str, str], bytes]:
    import gzip
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        body = response.read()
        head = {k.lower(): v for k, v in response.headers.items()}
    return head, gzip.decompress(body) if head.get("content-encoding") == "gzip" else body


def test_the_balancer_keeps_static_files_and_nothing_else(tmp_path):
    """A static file's second GET comes from HAProxy's cache (it adds Age), plain and gzipped alike, the same
    bytes as the replica's; the page itself and the health check always reach a replica."""
    import re

    with Cluster(1, ROOT / "data", tmp_path) as cluster:
        page_head, page = _get(cluster.url + "/")
        bundle = "/" + re.search(r'src="\.?/?(static/js/[^"]+\.js)"', page.decode()).group(1)
        paths = [bundle, "/app/static/vendor/leaflet/leaflet.js"]
        for path in paths:
            first_head, first = _get(cluster.url + path, **{"Accept-Encoding": "identity"})
            assert "age" not in first_head and len(first) > 1000
            for encoding in ("identity", "gzip"):  # the gzipped copy is kept apart where the replica varies it
                _get(cluster.url + path, **{"Accept-Encoding": encoding})
                again_head, again = _get(cluster.url + path, **{"Accept-Encoding": encoding})
                assert "age" in again_head and again == first, (path, encoding, again_head)
                if encoding == "identity":  # never a gzipped copy to a client that did not ask for one
                    assert again_head.get("content-encoding") != "gzip"
        assert "age" not in _get(cluster.url + "/")[0] and "age" not in page_head
        assert "age" not in _get(cluster.url + "/_stcore/health")[0]
