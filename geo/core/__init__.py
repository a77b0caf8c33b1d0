"""The atlas core: schema, coordinate systems, filters and search, the spatial engine, precision, time."""
