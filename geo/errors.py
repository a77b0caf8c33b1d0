"""Exceptions raised by the atlas core.

Every error that comes from bad input is a :class:`LayerError` (a ``ValueError``),
so the UI can show it as a message and let anything else surface.
"""

from __future__ import annotations


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
