"""The importer gallery: every layout clerks bring imports to the fen without --map."""

from __future__ import annotations

import pytest

from board.importers import preview_import
from tests.importers.gallery import LAYOUTS, PERIOD

BY_NAME = {layout.name: layout for layout in LAYOUTS}


def test_the_gallery_covers_at_least_fifteen_layouts_in_every_format():
    assert len(LAYOUTS) >= 15
    assert {layout.fmt for layout in LAYOUTS} == {"xlsx", "xls", "csv-utf8", "csv-gbk"}


@pytest.mark.parametrize("name", list(BY_NAME))
def test_layout_previews_to_the_fen(name):
    layout = BY_NAME[name]
    preview = preview_import(layout.kind, layout.data(), layout.filename, period=PERIOD)

    assert preview.ok, (preview.missing_fields, preview.problems)
    assert {k: preview.totals.get(k) for k in layout.totals} == layout.totals
    if layout.kind == "ledger":
        assert preview.account == layout.account
        if layout.balances:
            assert preview.balances == layout.balances
        assert layout.layout_words in preview.layout
    first = preview.rows[0]
    shown = {k: getattr(first.get(k), "value", first.get(k)) for k in layout.first_row}
    assert shown == layout.first_row
