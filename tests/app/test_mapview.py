"""ui.mapview: the first run's head start is skipped while the server is busy with another session's script."""

from __future__ import annotations

import threading

from ui.mapview import SCRIPT_THREAD, server_busy


def test_the_server_is_busy_while_another_sessions_script_runs():
    assert not server_busy()
    release = threading.Event()
    other = threading.Thread(target=release.wait, name=SCRIPT_THREAD, daemon=True)
    other.start()
    try:
        assert server_busy()
    finally:
        release.set()
        other.join(5)
    assert not server_busy()
