"""The residents' board and the published month's downloads: everything read from published records."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.engine import Engine

from board.public import published_periods
from board.villages import get_village
from exports.downloads import Download, published_downloads, published_file
from infra.db import unit_of_work
from services.policy import load_public_explainers
from views.board_view import BoardView, load_board, public_villages
from views.policy_view import kiosk_sections


def board_villages(engine: Engine) -> list[tuple[str, str]]:
    """(code, name) of the villages with at least one published month."""
    return public_villages(engine)


def published_months(engine: Engine, village_code: str) -> list[str]:
    """The village's published months, newest first."""
    with unit_of_work(engine) as session:
        return published_periods(session, get_village(session, village_code))


def phone_board(engine: Engine, village_code: str, period: str | None) -> tuple[BoardView, list[dict]]:
    """A published month for a phone, and the village's 政策问答."""
    return load_board(engine, village_code, period), load_public_explainers(engine, village_code)


def kiosk_board(engine: Engine, village_code: str, period: str | None, *, today: date) -> BoardView:
    """The big screen's month with the open 政策问答 as extra slides."""
    month = load_board(engine, village_code, period, kiosk=True)
    policies = kiosk_sections(load_public_explainers(engine, village_code), today)
    return replace(month, sections=month.sections + tuple(policies))


def month_file(engine: Engine, village_code: str, period: str, version: int, kind: str) -> bytes:
    """One download of a published version, made when someone asks for it."""
    return published_file(engine, village_code, period, version, kind)


def month_downloads(engine: Engine, village_code: str, period: str, *, size: str) -> list[Download]:
    """The newest version's downloads for the staff page (PDF in ``size``)."""
    with unit_of_work(engine) as session:
        return published_downloads(session, village_code, period, size=size)
