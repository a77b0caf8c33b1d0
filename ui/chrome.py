"""Streamlit's own widget words in the interface language.

Streamlit writes a few strings of its widgets' chrome in English only ("Upload", "20MB per file" in the file
uploader, "Press Enter to apply" under a text box, "No results" in a multiselect's list) and has no setting for
them. In the Chinese interface a
small stylesheet hides those English words (``visibility: hidden``: not drawn, not in the page's text) and
draws the Chinese ones in their place (``::after``). Our own labels and placeholders are set through the
widgets' parameters; the multiselects get no "Select all / Select n matches" action (``select_all=False``), so
Enter picks the highlighted option. No data goes into this CSS. The page's own stylesheet element carries it
(ui/layout.py ``frame``): no element of its own.
"""

from __future__ import annotations

# CSS selector of the element holding Streamlit's English words -> the Chinese shown instead.
# (selector, words, font size of the words: the element's own size is set to 0 to take the English's room away)
CHROME_ZH: tuple[tuple[str, str, str], ...] = (
    ('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p', "上传", "1rem"),
    ('[data-testid="stFileUploaderDropzoneInstructions"] span', "单个文件不超过 {mb}MB", "0.875rem"),
    ('[data-testid="InputInstructions"] > span:first-child', "按回车键确认", "0.75rem"),
    # a multiselect's empty list ("No results"): the one option-row whose text is not an option's label
    ('[data-testid="stMultiSelectDropdown"] [role="option"] > span:not([data-item-hl])', "没有匹配的选项",
     "0.875rem"),
)


def css(lang: str, max_upload_mb: int) -> str:
    """The stylesheet that puts ``lang``'s words in place of Streamlit's English ones ("" for English)."""
    if lang != "zh":
        return ""
    rules = []
    for selector, text, size in CHROME_ZH:
        words = text.format(mb=int(max_upload_mb)).replace("\\", "").replace('"', "")
        rules.append(f"{selector} {{ visibility: hidden; font-size: 0 !important; }}")
        rules.append(f'{selector}::after {{ content: "{words}"; visibility: visible; font-size: {size}; }}')
    return "<style>\n" + "\n".join(rules) + "\n</style>"


