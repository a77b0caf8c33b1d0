"""Python-side measurements with streamlit.testing.v1.AppTest: the atlas page and the explore() peer.

For one data directory (``ATLAS_DATA_DIR``) and one app: the first run (cold: reading and validating the data),
then warm reruns of the default view (median), the bytes of the map component's arguments (what Streamlit
sends the browser for the map: script, header, dynamic feature groups), and filter changes: each run selects
a new district (never seen before, so nothing is served from a filter cache), timed, with the map component's
key compared before and after (same key = the map is not remounted and keeps its view).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bench.browser import median

ROOT = Path(__file__).resolve().parents[1]
ATLAS_APP = ROOT / "streamlit_app.py"
EXPLORE_APP = ROOT / "bench" / "explore_app.py"
# Districts selected one after another for the filter-change runs (central ones first: they hold most points).
FILTER_DISTRICTS = ("330106", "330108", "330110", "330105", "330102", "330109", "330113")


def _map_component(at):
    comps = [e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")]
    if len(comps) != 1:
        raise RuntimeError(f"expected one st_folium component, found {len(comps)}")
    return comps[0].proto


def page_bytes(at) -> int:
    """Serialised size of every element and block of the page as AppTest holds it: what the run sends."""
    total, stack = 0, [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += proto.ByteSize()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
    return total


def _run(at) -> float:
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.message for e in at.exception]}")
    return elapsed


def measure_app(app: Path, data_dir: Path, *, repeat: int = 5, filter_changes: int = 5,
                timeout: float = 900) -> dict:
    """Timings (s) and bytes of one app on one data directory, in this process."""
    from streamlit.testing.v1 import AppTest

    previous = os.environ.get("ATLAS_DATA_DIR")
    os.environ["ATLAS_DATA_DIR"] = str(Path(data_dir).resolve())
    try:
        at = AppTest.from_file(str(app), default_timeout=timeout)
        cold = _run(at)
        warm = [_run(at) for _ in range(repeat)]
        proto = _map_component(at)
        args = json.loads(proto.json_args)
        key = args.get("key")
        sizes = {k: len(json.dumps(v, ensure_ascii=False).encode()) for k, v in args.items()}
        changes, kept = [], []
        for adcode in FILTER_DISTRICTS[:filter_changes]:
            at.multiselect(key="districts").set_value([adcode])
            changes.append(_run(at))
            kept.append(json.loads(_map_component(at).json_args).get("key") == key)
        at.multiselect(key="districts").set_value([])
        _run(at)
        return {
            "cold_run_s": cold, "rerun_s": median(warm), "reruns_s": warm,
            "map_bytes": len(proto.json_args.encode()), "map_bytes_by_arg": sizes, "page_bytes": page_bytes(at),
            "filter_change_s": median(changes), "filter_changes_s": changes,
            "filter_keeps_map": all(kept), "filter_kept": kept,
        }
    finally:
        if previous is None:
            os.environ.pop("ATLAS_DATA_DIR", None)
        else:
            os.environ["ATLAS_DATA_DIR"] = previous


def export_timing(data_dir: Path, repeat: int = 3) -> dict:
    """geo.io.export.to_geojson of the companies layer (full properties): median time and size."""
    from geo.io.atlas import load_atlas
    from geo.io.export import to_geojson

    gdf = load_atlas(data_dir).layers["companies"]
    times, size = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        text = to_geojson(gdf)
        times.append(time.perf_counter() - t)
        size = len(text.encode())
    return {"features": len(gdf), "export_s": median(times), "export_bytes": size}
