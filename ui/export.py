"""The one export picker of the page: format and coordinate system selectboxes and the download button, shared by
the atlas's export (ui/table.py) and the upload's (ui/upload.py). The file is built when the button is clicked
(st.download_button's deferred data: a callable), never with the page: a run serialises no export and registers
no file with Streamlit's media file manager (a file per run and visitor, hashed and later swept), and a filter
change at 100k features costs nothing here. The builders are cached, so a second click is served from memory."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.io.export_files import FORMATS
from ui.i18n import t


def pick(lang: str, prefix: str, format_column, crs_column) -> tuple[str, str]:
    """(format, coordinate system) from the selectboxes ``<prefix>_format`` and ``<prefix>_crs`` (placed in the
    given columns); the systems offered follow the format (GeoPackage, Shapefile and KML are WGS84 only)."""
    fmt = format_column.selectbox(t("export_format", lang), list(FORMATS), key=f"{prefix}_format",
                                  format_func=lambda f: t(f"fmt_{f}", lang))
    systems = list(FORMATS[fmt][2])
    if st.session_state.get(f"{prefix}_crs") not in systems:
        st.session_state[f"{prefix}_crs"] = "wgs84"
    crs = crs_column.selectbox(t("export_crs", lang), systems, key=f"{prefix}_crs",
                               format_func=lambda c: t(f"crs_{c}", lang))
    return fmt, crs


def download(lang: str, key: str, fmt: str, file_name: str, build: Callable[[], bytes], disabled: bool = False) -> None:
    """The download button of a ``fmt`` file named ``file_name``; ``build()`` makes its bytes when it is clicked
    (outside the script run: it must not read st.session_state, its arguments are bound in)."""
    label = f"{t('download', lang)} {t(f'fmt_{fmt}', lang).split('（')[0].split(' (')[0]}"
    st.download_button(label, data=build, key=key, file_name=file_name,
                       mime=FORMATS[fmt][1], on_click="ignore", icon=":material/download:", disabled=disabled)
