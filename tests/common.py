"""Paths and helpers shared by the test suite: ``from tests.common import MINI_DIR, copy_mini``.

The mini atlas (tests/data/mini/) is a small valid data directory with real Hangzhou place names,
approximate coordinates and schematic district boxes; tests/data/README.md describes every fixture.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = ROOT / "tests"
TEST_DATA_DIR = TESTS_DIR / "data"
MINI_DIR = TEST_DATA_DIR / "mini"
BROKEN_DIR = TEST_DATA_DIR / "broken"
ARTICLES_DIR = TEST_DATA_DIR / "articles"  # stand-in article texts for the verbatim quote check (mini's quotes)
REAL_DATA_DIR = ROOT / "data"  # the shipped atlas (may be incomplete while it is being written)

# Feature ids of the mini atlas, by layer (handy for parametrizing).
MINI_IDS: dict[str, tuple[str, ...]] = {
    "city": ("city_hangzhou",),
    "districts": ("dist_xihu", "dist_gongshu", "dist_shangcheng", "dist_binjiang"),
    "plans": ("plan_grand_canal_axis", "plan_netvalley_core", "plan_chengxi_corridor"),
    "parks": ("park_zijingang", "park_china_cloud_valley", "park_yungu_center", "park_yunqi_town",
              "park_hanggang_cloud_dc"),
    "institutions": ("inst_zju", "inst_westlake_univ", "inst_ucas_hias"),
    "companies": ("co_alibaba_cloud", "co_deeprobotics", "fund_runmiao", "fund_hanggang_qizhen"),
    "events": ("ev_cloud_valley_launch", "ev_qizhen_fund_founded", "ev_runmiao_fund_launch"),
}


def copy_mini(dest: Path) -> Path:
    """Copy the mini atlas into ``dest`` (created) and return it, for tests that edit files."""
    shutil.copytree(MINI_DIR, dest, dirs_exist_ok=True)
    return dest


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(path: Path, data) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def edit_feature(data_dir: Path, layer_file: str, feature_id: str, **props) -> None:
    """Set properties of one feature in ``data_dir/layer_file`` in place (a key set to ... is deleted)."""
    path = Path(data_dir) / layer_file
    fc = read_json(path)
    for feature in fc["features"]:
        if feature["properties"].get("id") == feature_id:
            for key, value in props.items():
                if value is ...:
                    feature["properties"].pop(key, None)
                else:
                    feature["properties"][key] = value
            break
    else:
        raise KeyError(f"{feature_id} not in {path}")
    write_json(path, fc)


# ------------------------------------------------------------------- reading an AppTest page (tests/app)


def block(at, key: str):
    """The container, popover or expander of an AppTest run whose ``key=`` is ``key`` (None when absent)."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if getattr(proto, "id", "").endswith(f"-{key}") and getattr(node, "children", None) is not None:
            found.append(node)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found[0] if found else None


def nodes(node, kind: str | None = None) -> list:
    """Every element below ``node`` (depth first), or those of one ``type`` ("markdown", "button", ...)."""
    out = []
    for child in getattr(node, "children", {}).values():
        if kind is None or getattr(child, "type", None) == kind:
            out.append(child)
        out.extend(nodes(child, kind))
    return out


def plain(value: str) -> str:
    """Markdown as shown: backslash escapes removed."""
    import re

    return re.sub(r"\\(.)", r"\1", value)


def panel_text(at, key: str = "side_panel") -> str:
    """Every markdown, caption, button label and list option inside the container ``key``, unescaped, one per
    line."""
    parts = []
    for child in nodes(block(at, key)):
        kind = getattr(child, "type", None)
        if kind in ("markdown", "caption"):
            parts.append(plain(child.value))
        elif kind in ("button", "expander"):
            parts.append(plain(child.label))
        elif kind == "popover":
            parts.append(child.proto.popover.label)
        elif kind == "button_group":  # a list of features (ui/panel.py): its label, then one line per option
            shown = child.proto.label_visibility.value != 2  # LabelVisibility COLLAPSED: a screen-reader name
            parts.extend(([plain(child.proto.label)] if shown else []) + [plain(o) for o in child.options])
    return "\n".join(parts)


def layer_labels(at) -> dict[str, str]:
    """layer id -> its label in the sidebar's layer pills ("园区与平台 (23)", as shown: markdown, so without the
    leading space of ui.text.no_icon), for the layers that have a pill."""
    from geo.core.schema import LAYERS

    pills = at.pills(key="layers")
    return {lid: label.strip() for lid in LAYERS if (label := pills.format_func(lid)) in pills.options}


def shown_layers(at) -> list[str]:
    """The layers the pills show as on, in LAYERS order."""
    from geo.core.schema import LAYERS

    on = set(at.pills(key="layers").value or ())
    return [lid for lid in LAYERS if lid in on]


def set_layer(at, layer: str, on: bool):
    """Switch one layer's pill on or off (run the page after)."""
    pills = at.pills(key="layers")
    return pills.select(layer) if on else pills.unselect(layer)


def listed(at, prefix: str) -> dict[str, str]:
    """feature id -> label as shown, of every option of the side panel's lists (``st.pills``, ui/panel.py) whose key
    starts with ``prefix`` (``nearby``, ``inside``, ``rel_children``, ``tl_``…), in page order. The options are
    ids; their labels are the dict whose ``__getitem__`` is the pills' format_func."""
    out: dict[str, str] = {}
    for pills in at.pills:
        if pills.key and pills.key.startswith(prefix):
            out.update({fid: plain(label) for fid, label in pills.format_func.__self__.items()})
    return out


def choose(at, feature_id: str, prefix: str = ""):
    """Click ``feature_id`` in the side panel list (key starting with ``prefix``) that offers it, and run."""
    for pills in at.pills:
        if pills.key and pills.key.startswith(prefix) and feature_id in pills.format_func.__self__:
            return pills.set_value(feature_id).run()
    raise AssertionError(f"no list {prefix}* offers {feature_id}")
