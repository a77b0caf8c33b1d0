"""Validation of the data directory: schema, ids, references, geometry, facts and their quotes."""
