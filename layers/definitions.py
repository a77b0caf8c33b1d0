"""What each atlas layer sends to the browser: the displayed properties and the tooltip fields.

Only these short fields reach the map (ids, names, kind, a flag for approximate positions); descriptions,
facts and sources stay on the server for the side panel and the export.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.core.schema import LAYERS, UPLOAD_LAYER

# Properties of every display feature, built by layers.render.display_collection.
# ``prec``: location precision in metres (None when unknown); ``prec_text``: it as the page writes distances ("" when
# unknown); ``spot``: the name of the place whose position the feature stands at
# (itself, its parent, district or the city); ``foot``: that place's id when it is an area (its footprint is the
# feature's uncertainty), else "".
DISPLAY_COLUMNS: tuple[str, ...] = ("id", "layer", "kind", "name", "name_alt", "kind_label", "approx", "prec",
                                    "prec_text", "spot", "foot")


@dataclass(frozen=True)
class LayerDef:
    """One layer's map form: which display properties it has and which of them the tooltip shows."""

    layer: str
    tooltip_fields: tuple[str, ...] = ("name", "name_alt", "kind_label")
    columns: tuple[str, ...] = DISPLAY_COLUMNS
    interactive: bool = True

    def __post_init__(self):
        if self.layer not in LAYERS and self.layer != UPLOAD_LAYER:
            raise ValueError(f"unknown layer {self.layer!r}; layers are {', '.join(LAYERS)}, {UPLOAD_LAYER}")
        if not self.tooltip_fields:
            raise ValueError(f"layer {self.layer!r}: tooltip_fields is empty")
        missing = [f for f in self.tooltip_fields if f not in self.columns]
        if missing:
            raise ValueError(f"layer {self.layer!r}: tooltip field {missing[0]!r} is not a display column "
                             f"({', '.join(self.columns)})")
        for required in ("id", "layer"):
            if required not in self.columns:
                raise ValueError(f"layer {self.layer!r}: display columns must include {required!r}")


LAYER_DEFS: dict[str, LayerDef] = {
    "city": LayerDef("city", tooltip_fields=("name",)),
    "districts": LayerDef("districts", tooltip_fields=("name", "name_alt")),
    "plans": LayerDef("plans"),
    "parks": LayerDef("parks"),
    "institutions": LayerDef("institutions"),
    "companies": LayerDef("companies"),
    "events": LayerDef("events"),
    UPLOAD_LAYER: LayerDef(UPLOAD_LAYER, tooltip_fields=("name", "kind_label")),
}
# Layers shown when the URL says nothing (the city outline is the districts' union: off by default).
DEFAULT_LAYERS: tuple[str, ...] = ("districts", "plans", "parks", "institutions", "companies", "events")
