"""Streamlit page pieces of the atlas: state, data, sidebar, map, side panel, table (streamlit_app.py composes)."""
