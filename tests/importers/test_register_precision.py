"""A register's year-month dates, imported and published: shown 2012年6月 on paper, kept as 2012-06 in the record."""

from __future__ import annotations

from board.auth import add_user
from board.entry import save_section
from board.importers import import_file, preview_import
from board.public import published_snapshot
from board.villages import add_village
from board.workflow import approve_period, publish_period, submit_period
from exports.pdf import render_pdf_document
from infra.db import unit_of_work
from models import Role
from tests.exports.test_pdf import page_texts
from tests.importers.gallery import LAYOUTS, PERIOD

ASSETS = next(layout for layout in LAYOUTS if layout.name == "assets_xlsx")


def test_imported_register_dates_keep_their_precision_when_published(demo_engine):
    with unit_of_work(demo_engine) as session:
        # A real administrator: the demo's admin is confined to the demo village.
        admin = add_user(session, username="guanli", password="a-strong-pass", role=Role.admin)
        village = add_village(session, code="REG", name="登记村", township_code="DEMO-T")
        preview = preview_import("assets", ASSETS.data(), ASSETS.filename, period=PERIOD)
        import_file(session, village=village, period=PERIOD, user=admin, preview=preview)
        # The village's first public month starts from an entered opening.
        opening = [{"account": "bank", "opening_fen": 0, "closing_fen": 0}]
        save_section(session, village=village, period=PERIOD, user=admin, section="balances", rows=opening)
        # The committee's review is a supervisor's own step, never an administrator's.
        supervisor = add_user(
            session, username="jiandu-reg", password="a-strong-pass", role=Role.supervisor, village_codes=("REG",)
        )
        submit_period(session, village=village, period=PERIOD, user=admin)
        approve_period(session, village=village, period=PERIOD, user=supervisor)
        publish_period(session, village=village, period=PERIOD, user=admin)
        snapshot = published_snapshot(session, village, PERIOD)
        session.commit()

    items = snapshot.finance.assets.items
    assert [a.acquired_on for a in items] == ["2012-06", "2015", "2019-03", "2021-07-15"]
    text = "\n".join(page_texts(render_pdf_document(snapshot).data))
    assert "2012年6月" in text and "2015年" in text and "2019年3月" in text and "2021-07-15" in text
