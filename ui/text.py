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
