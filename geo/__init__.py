"""Pure geospatial core of the atlas: no Streamlit, no folium.

- ``geo.core``: the atlas core (schema, coordinate systems, filters and search, the spatial engine, precision, time).
- ``geo.io``: reading and writing files (the atlas's layers, uploads, exports).
- ``geo.validate``: validation of a data directory (``python -m geo.validate data/``).
- ``geo.errors``: the exceptions every part raises; ``geo.evidence``: the editors' review of quotes
  (``python -m geo.evidence``).
"""
