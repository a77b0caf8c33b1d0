"""Regenerate tests/data/xss/: a copy of tests/data/mini/ plus park_xss_probe, whose text carries script payloads.

    .venv/bin/python tests/data/xss/make_xss.py

The probe is a test invention (see tests/data/README.md); its one fact cites s000 only because a source is
required. Run again after tests/data/mini/ changes, then `python -m geo.validate tests/data/xss`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "mini"

P_IMG = "<img src=x onerror=window.__xss=1>"
P_SCRIPT = "<script>window.__xss=1</script>"
P_TPL = "${window.__xss=1}"
P_ALERT = "\"'><svg onload=alert(1)>"

PROBE = {
    "type": "Feature",
    "properties": {
        "id": "park_xss_probe",
        "layer": "parks",
        "kind": "industrial_park",
        "name_zh": P_IMG + "注入测试园",
        "name_en": P_SCRIPT + " Injection probe park",
        "aliases": ["`back`tick`", P_TPL, "back\\slash\\", P_ALERT, "{{7*7}}"],
        "adcode": "330106",
        "parent": "park_zijingang",
        "tags": ["ai"],
        "description_zh": "描述 " + P_IMG + P_SCRIPT + " `反引号` " + P_TPL + " 反斜杠\\ " + P_ALERT,
        "description_en": "Description " + P_SCRIPT + P_IMG + " `backtick` " + P_TPL + " backslash\\n\\ " + P_ALERT,
        "facts": [{
            "attribute": "probe_value", "label_zh": P_IMG + "探针`" + P_TPL, "label_en": P_SCRIPT + "Probe\\",
            "value": P_IMG + P_TPL, "unit": None, "unit_en": "", "as_of": "2025", "target": False, "qualifier": None,
            "source": "s000", "quote_zh": P_ALERT,
        }],
        "location_precision_m": 2000,
        "location_basis": "schematic",
        "location_note_zh": "位置说明 " + P_IMG + P_TPL,
        "location_note_en": "Location note " + P_SCRIPT + P_ALERT,
    },
    "geometry": {"type": "Point", "coordinates": [120.08, 30.31]},
}


def main() -> None:
    for path in MINI.iterdir():
        if path.suffix in (".geojson", ".json"):
            shutil.copy2(path, HERE / path.name)
    parks = HERE / "parks.geojson"
    collection = json.loads(parks.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["id"] != PROBE["properties"]["id"]]
    collection["features"].append(PROBE)
    parks.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
