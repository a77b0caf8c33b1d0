"""ui/heap.py: the first atlas loaded in a process freezes what the process holds and raises the collector's
thresholds, once; what is made later is still collected. Each case runs in a fresh interpreter (this one's
collector was settled by whichever test loaded an atlas first)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys, weakref
from geo.io.atlas import data_version
from ui import data, heap
before = {"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}
data.load(sys.argv[1], data_version(sys.argv[1]))
first = {"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}
data.load(sys.argv[2], data_version(sys.argv[2]))  # another atlas: not frozen again
second = {"frozen": gc.get_freeze_count(), "again": heap.settle()}
class Node: pass
a, b = Node(), Node(); a.other, b.other = b, a  # a cycle made after the freeze
dead = weakref.ref(a); del a, b
gc.collect()
print(json.dumps({"before": before, "first": first, "second": second, "cycle_freed": dead() is None}))
"""


def test_the_first_load_freezes_once_and_later_garbage_is_collected(tmp_path):
    other = tmp_path / "data"
    shutil.copytree(ROOT / "data", other, ignore=shutil.ignore_patterns("__pycache__"))
    out = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "data"), str(other)], cwd=ROOT, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got["before"]["frozen"] == 0
    assert got["before"]["threshold"][0] < 20_000  # Python's default (700)
    assert got["first"]["frozen"] > 100_000  # the libraries and the atlas: out of the collector's sight
    assert tuple(got["first"]["threshold"]) == (20_000, 20, 20)
    assert got["second"]["again"] is False
    # nothing more frozen (a frozen object freed by reference counting leaves the count)
    assert got["second"]["frozen"] <= got["first"]["frozen"]
    assert got["cycle_freed"]
