"""geo.errors.relative_paths: messages shown to visitors name files relative to the data directory."""

from __future__ import annotations

import pytest

from geo.errors import relative_paths


@pytest.mark.parametrize(("message", "base", "shown"), [
    ("/srv/atlas/data/parks.geojson: p1: unknown kind", "/srv/atlas/data", "parks.geojson: p1: unknown kind"),
    ("/srv/atlas/data/parks.geojson: cannot read: '/srv/atlas/data/parks.geojson' not recognized",
     "/srv/atlas/data/", "parks.geojson: cannot read: 'parks.geojson' not recognized"),
    ("/srv/atlas/data/uploads/x.csv: bad", "/srv/atlas/data", "uploads/x.csv: bad"),
    ("/srv/atlas/data: data directory not found", "/srv/atlas/data", "data: data directory not found"),
    ("cannot open /usr/lib/gdal/thing.so", "/srv/atlas/data", "cannot open thing.so"),
    ("1/2 of 3 at http://localhost/x and ./rel/path", "/srv", "1/2 of 3 at http://localhost/x and ./rel/path"),
    ("parks.geojson: fine", "/srv/atlas/data", "parks.geojson: fine"),
])
def test_relative_paths(message, base, shown):
    assert relative_paths(message, base) == shown
