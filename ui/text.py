"""Text from the data shown through Streamlit's markdown (headings, captions, button labels) stays text."""

from __future__ import annotations

import re

# Markdown, GFM, Streamlit directives (:red[...], :material/...:, emoji shortcodes) and math ($).
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")


def md(value: object) -> str:
    """Backslash-escape every character markdown (or Streamlit's extensions) could interpret."""
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    return _SPECIAL.sub(r"\\\1", text)


def distinct(items: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """(id, markdown label) pairs with labels made unique ("name \\(2\\)"): a pills or radio option is sent to the
    browser and read back by its label, so two equal labels would select the same id."""
    seen: dict[str, int] = {}
    out = []
    for key, label in items:
        n = seen[label] = seen.get(label, 0) + 1
        out.append((key, label if n == 1 else f"{label} \\({n}\\)"))
    return tuple(out)


def no_icon(label: str) -> str:
    """A pills label Streamlit need not search for a leading icon: it checks the label's first word (up to the
    first space) for a Material icon or an emoji, and a word that is not ASCII is matched against its emoji regex
    (~50 µs an option, every run: "区县 (13)", "2024年"). An empty first word (a leading space, not shown: the
    label is markdown) skips both."""
    return " " + label
