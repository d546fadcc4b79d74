"""Importing clerks' spreadsheets: read → preview (nothing saved) → commit (all or nothing).

``preview_import`` is pure (bytes in, preview out); ``commit_import`` saves through
board.entry in the caller's unit of work.
"""

from board.importers.columns import KIND_LABELS, KINDS, ImportField
from board.importers.commit import (
    commit_import,
    earlier_months,
    import_file,
    known_categories,
    remember_mapping,
    remembered_mapping,
)
from board.importers.preview import TOTAL_LABELS, ImportPreview, preview_import, totals_text
from board.importers.reading import MAX_BYTES, MAX_ROWS

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "MAX_BYTES",
    "MAX_ROWS",
    "TOTAL_LABELS",
    "ImportField",
    "ImportPreview",
    "commit_import",
    "earlier_months",
    "import_file",
    "known_categories",
    "preview_import",
    "remember_mapping",
    "remembered_mapping",
    "totals_text",
]
