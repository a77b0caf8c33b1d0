"""The server process's garbage collector, set for what it holds: a large heap that lives as long as the process
(Streamlit, pandas, geopandas, shapely, folium and the rest, the atlas and its spatial index) and many small
objects per run that die young.

Streamlit's full collection after every run is off (``runner.postScriptGC``, .streamlit/config.toml), but Python's
own collector still runs a full collection whenever enough objects have survived, and each one walks every object
the process holds: 150–200 ms on the shipped data, more with larger data, about once per 50 first pages of a burst;
its younger collections came every 700 allocations. ``settle`` runs once per process, right after the first atlas is
loaded (ui/data.py ``load``): it moves every object alive then to the permanent generation (``gc.freeze``: full
collections skip them) and lets the youngest generation grow to YOUNG_THRESHOLD allocations before a collection, so
most of a run's objects are freed by reference counting before the collector looks at them. Timed with
``gc.callbacks`` over four bursts of 50 visitors (a first page and a district filter each): the collector's time
fell from 1.16 s to 0.23 s (README "Serving a crowd", fourth pass).

What a freeze costs: objects frozen are never examined again, so a reference cycle among them is never freed. Only
what is alive at the first load is frozen (imports, the first data version, the sessions open at that moment), once
per process: a later data version is not frozen, and the process keeps at most that first version's cycles.
"""

from __future__ import annotations

import gc
import threading

YOUNG_THRESHOLD = 20_000  # allocations (net of deallocations) between collections of the youngest generation
OLDER_THRESHOLDS = (20, 20)  # collections of a generation between collections of the next (Python's: 10, 10)

_lock = threading.Lock()
_settled = False


def settle() -> bool:
    """Freeze what the process holds now and set the thresholds: the first call only (True when it did)."""
    global _settled
    with _lock:
        if _settled:
            return False
        gc.freeze()
        gc.set_threshold(YOUNG_THRESHOLD, *OLDER_THRESHOLDS)
        _settled = True
        return True
