"""Exceptions raised by the atlas core.

Every error that comes from bad input is a :class:`LayerError` (a ``ValueError``),
so the UI can show it as a message and let anything else surface.
"""

from __future__ import annotations

import re
from pathlib import PurePath


class LayerError(ValueError):
    """A layer file or one of its features cannot be used.

    ``path`` names the file, ``feature_id`` the feature (when one is at fault).
    """

    def __init__(self, message: str, *, path: str | None = None, feature_id: str | None = None):
        self.path = path
        self.feature_id = feature_id
        where = ": ".join(p for p in (path, feature_id) if p)
        super().__init__(f"{where}: {message}" if where else message)


class UnsupportedFormatError(LayerError):
    """The file's extension has no reader; the message lists the supported ones."""


class SchemaError(LayerError):
    """A feature's properties do not follow the atlas schema."""


class GeometryError(LayerError):
    """A geometry is missing, empty, invalid or outside Hangzhou."""


class DanglingReferenceError(LayerError):
    """A feature refers to a source or parent that does not exist."""


class CRSError(ValueError):
    """An unknown coordinate system was asked for."""


_ABSOLUTE_PATH = re.compile(r"(?<![\w.~/-])/(?:[^\s'\":,;/]+/)*[^\s'\":,;/]+")


def relative_paths(message: str, base: str | PurePath) -> str:
    """``message`` with absolute paths made relative to the data directory ``base`` ("parks.geojson",
    "sub/x.csv"), so no server path reaches a visitor; any other absolute path is cut to its file name."""
    root = str(PurePath(base))
    text = message.replace(root.rstrip("/") + "/", "") if root not in ("", "/") else message

    def shorten(match: re.Match) -> str:
        path = match.group(0)
        return PurePath(path).name or path

    return _ABSOLUTE_PATH.sub(shorten, text)
