"""Copy the front-end files the map needs from node_modules/ into static/vendor/ (served at /app/static/vendor/).

Run by scripts/setup.sh after ``npm ci``. The list of files lives in layers/assets.py (one place).
static/vendor/ is generated: gitignored, never committed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from layers.assets import VENDOR_DIRS, VENDOR_FILES  # noqa: E402

NODE_MODULES = ROOT / "node_modules"
DEST = ROOT / "static" / "vendor"


def main() -> int:
    missing = [src for src in (*VENDOR_FILES.values(), *VENDOR_DIRS.values()) if not (NODE_MODULES / src).exists()]
    if missing:
        print(f"vendor_assets: missing in node_modules/ (run npm ci): {', '.join(missing)}", file=sys.stderr)
        return 1
    for dst, src in VENDOR_FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / src, target)
    for dst, src in VENDOR_DIRS.items():
        shutil.copytree(NODE_MODULES / src, DEST / dst, dirs_exist_ok=True)
    n = sum(1 for p in DEST.rglob("*") if p.is_file())
    print(f"vendor_assets: {n} files in {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
