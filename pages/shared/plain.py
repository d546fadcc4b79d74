"""User text on Streamlit pages: the one helper every page uses before text reaches an element
that renders markdown (markdown, caption, info/warning/error/success, titles, labels, tables).

Escaping every markdown character keeps user text plain: no emphasis, no links or autolinks
(``:`` and ``.`` are escaped), no ``:material/…:`` icons or ``:red[…]`` colours, no HTML.
"""

from views.board_view import markdown_escape as md

__all__ = ["md"]
