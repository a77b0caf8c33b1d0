"""A list of features as one element: an ``st.pills`` whose options are feature ids, shown by their labels, drawn
by ui/layout.py's CSS as a column of buttons. Choosing one selects the feature (the map fits to it) and the list
forgets the choice, so the same feature can be chosen again. The side panel's lists and the search results use it."""

from __future__ import annotations

import streamlit as st

from ui import session


def feature_list(key: str, label: str, items: tuple[tuple[str, str], ...], name: str) -> None:
    """``items``: (feature id, its label: markdown-escaped and distinct, ui.text.distinct). ``label`` is shown above
    the list; when "", ``name`` labels it for screen readers only."""
    labels = dict(items)
    st.pills(label or name or "-", list(labels), format_func=labels.__getitem__, key=key, on_change=_chosen,
             args=(key,), label_visibility="visible" if label else "collapsed", width="stretch")


def _chosen(key: str) -> None:
    """on_change of a list: select the chosen feature, then clear the list's choice."""
    feature_id = st.session_state.get(key)
    st.session_state[key] = None
    if feature_id:
        session.select(feature_id)
