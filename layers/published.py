"""The atlas's large map scripts as static files, fetched by the browser instead of sent in every visitor's
websocket messages.

A layer's script (its display GeoJSON and the code that draws it, ``layers/prerendered.py``) is the same for every
visitor with the same view, yet st_folium sends it inside the component's arguments: each visitor's first page, and
every rerun that changes any group (a selection, a filter), made the server serialise, hash and send it again
(267 KB on the shipped data's first page, megabytes at 100k companies). ``publish`` writes such a script once, gzipped,
under ``static/gen/<sha256>.js.gz`` (Streamlit serves ``static/`` at ``/app/static/``, as it serves the vendored
Leaflet) and returns a one-line loader that takes its place in the component's ``feature_group``: it fetches the
file, inflates it and evaluates it where the script itself would have been evaluated.

Gzipped once, not per request: Streamlit gzips a ``.js`` under ``/app/static/`` on every request that accepts gzip
(every browser), which for a 1.3 MB layer cost 54 ms of CPU per first-time visitor, twice what the rest of its first
page cost. A ``.gz`` file is served as ``application/gzip``, which no server compresses again, and the browser does
not inflate it by itself (no Content-Encoding): the loader inflates it with fflate (npm, vendored as
``static/vendor/fflate/fflate.js``), which it loads once per page, only when a page has a published layer.

The loader is synchronous on purpose: st_folium ``eval``s the groups and then wires its click handler to every
layer on the map, so each group must exist when its ``eval`` returns (``loader`` says how its names are found).
Files are content-addressed, so a URL never changes meaning: the browser's cache (ETag / Last-Modified from the
static server) serves a repeat visit and a rerun without a download, and replicas sharing the directory write the
same bytes under the same name (atomically).

Only the atlas's own layers are published: they are public data. A visitor's upload stays in its session and is
never written to disk (``ui/upload.py``), so its scripts stay inline. Scripts under ``MIN_BYTES`` stay inline too: a
request costs more than the bytes. When the directory cannot be written the script stays inline (the map works as
before). The directory keeps at most ``MAX_FILES`` scripts: past that the oldest by modification time are removed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

from layers.assets import STATIC_URL

ROOT = Path(__file__).resolve().parents[1]
DIRECTORY = ROOT / "static" / "gen"  # served by Streamlit at /app/static/gen/ (server.enableStaticServing)
URL = "/app/static/gen"
# Smaller scripts stay in the component's arguments: a static GET costs the server ~1.5 ms of CPU whatever its size
# (about what 200 KB cost to hash, encode and send inline); ATLAS_PUBLISH_MIN_BYTES overrides it (tests: 1).
MIN_BYTES = int(os.environ.get("ATLAS_PUBLISH_MIN_BYTES") or 200_000)
MAX_FILES = 4_000  # past this many files, the oldest quarter is removed (a view's files are rewritten on demand)

INFLATE_URL = f"{STATIC_URL}/fflate/fflate.js"  # layers.assets VENDOR_FILES: fflate's UMD build (gunzipSync)

_log = logging.getLogger(__name__)
_lock = threading.Lock()


def loader(url: str) -> str:
    """The JS that stands for a published script: fetch ``url`` synchronously (its bytes as they are: a gzip file),
    inflate it with fflate (fetched and evaluated first if the page has no ``window.fflate`` yet) and evaluate it in
    the frame's global scope (an indirect ``eval``), where the base map's ``map_div`` lives: st_folium's own
    ``eval`` runs in strict code, where a nested direct ``eval`` would keep the script's ``var``s to itself; as
    globals, the ``feature_group_feature_group_<i>`` that st_folium adds to the map next is found. A failed request
    throws, naming the URL."""
    return ("(0,eval)((function(u,l){function get(p,bin){var x=new XMLHttpRequest();x.open('GET',p,false);"
            "if(bin){x.overrideMimeType('text/plain; charset=x-user-defined');}x.send();"
            "if(x.status!==200){throw new Error('atlas: '+p+' answered '+x.status);}return x.responseText;}"
            "if(!window.fflate){(0,eval)(get(l));}var s=get(u,1),b=new Uint8Array(s.length);"
            "for(var i=0;i<s.length;i++){b[i]=s.charCodeAt(i)&255;}"
            "return new TextDecoder().decode(fflate.gunzipSync(b));})"
            f"({json.dumps(url)},{json.dumps(INFLATE_URL)}));\n")


def file_name(script: str) -> str:
    return hashlib.sha256(script.encode("utf-8")).hexdigest()[:32] + ".js.gz"


def publish(script: str, directory: Path | None = None, url: str = URL, min_bytes: int | None = None) -> str:
    """``script`` as a loader of its static file (written once), or ``script`` itself when it is small or the
    directory cannot be written."""
    if len(script) < (MIN_BYTES if min_bytes is None else min_bytes):
        return script
    directory = DIRECTORY if directory is None else directory
    name = file_name(script)
    path = directory / name
    try:
        if not path.exists():
            _write(directory, path, script)
    except OSError as exc:  # a read-only deployment: the map still works, with the script inline
        _log.warning("map scripts stay inline: cannot write %s (%s)", directory, exc)
        return script
    return loader(f"{url}/{name}")


def _write(directory: Path, path: Path, script: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    data = gzip.compress(script.encode("utf-8"), compresslevel=9, mtime=0)  # the same bytes on every replica
    with tempfile.NamedTemporaryFile("wb", dir=directory, suffix=".tmp", delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)  # atomic: a request never reads half a file
    _prune(directory)


def _prune(directory: Path, max_files: int = MAX_FILES) -> int:
    """Remove the oldest files beyond ``max_files`` (down to three quarters of it); returns how many."""
    with _lock:
        files = list(directory.glob("*.js.gz"))
        if len(files) <= max_files:
            return 0
        files.sort(key=lambda p: p.stat().st_mtime)
        doomed = files[: len(files) - max_files * 3 // 4]
        for p in doomed:
            p.unlink(missing_ok=True)
        return len(doomed)


def urls(feature_group: str) -> list[str]:
    """The static URLs a component's ``feature_group`` loads (what a browser fetches for it): each published
    script's, then the inflater's when there is any."""
    found = re.findall(r"\(\"(" + re.escape(URL) + r"/[0-9a-f]+\.js\.gz)\",", feature_group)
    return [*found, INFLATE_URL] if found else []
