"""End to end: personal numbers, however written, are refused on input and never reach a public output.

A generated corpus (tests/privacy_corpus.py) is put into every text field: through the save
functions (refused naming row and field), straight into the tables as legacy data would be
(refused at submit and at publish, naming row and field), and into a snapshot built with the
checks bypassed (every output still masks it).  The 24 demo months are scanned in every output.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime

import phonenumbers
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import Session, select

from board.auth import add_user, get_user
from board.digest import build_digest
from board.entry import save_beneficiaries, save_section
from board.errors import BoardError
from board.privacy import find_pii, normalise
from board.public import published_periods, published_snapshot
from board.records import load_records, require_period
from board.sections import BENEFICIARY_COLUMNS, SECTIONS
from board.snapshot import build_content, canonical_json
from board.villages import add_village, ensure_township, get_village
from board.workflow import amend_period, publish_period, submit_period
from exports.downloads import ledger_csv, snapshot_json, snapshot_xlsx
from exports.pdf import render_pdf
from exports.site import export_site, render_month_page
from exports.wechat.grids import add_grid
from infra.db import unit_of_work
from models import AffairItem, Beneficiary, PeriodStatus, PublishedPeriod, Role, Township
from tests.board_view.conftest import board_text, open_board  # noqa: F401 (fixture)
from tests.helpers import DEMO_END, as_raw, as_record, published_hashes, without_hashes
from tests.privacy_corpus import formatted_cases
from views.board_view import build_board

BASE = "https://sanwu.example.cn"
TEXT_COLUMNS = [(key, label, c) for key, (_, label, columns) in SECTIONS.items() for c in columns if c.kind == "text"]
PEOPLE_TEXT = [c for c in BENEFICIARY_COLUMNS if c.kind == "text" and c.name not in ("id_number", "phone")]


def corpus(count: int, seed: int) -> list[tuple[str, str]]:
    """(number, text) pairs cycling through IDs, old IDs, mobiles and cards in every format."""
    kinds = [
        formatted_cases(kind, count, seed + i)
        for i, kind in enumerate(("身份证号", "身份证号15", "手机号", "银行卡号"))
    ]
    return [(number, text) for group in zip(*kinds) for _, number, text in group][:count]


def _fits(text: str, number: str, limit: int) -> str:
    return text if len(text) <= limit else number


# ---- saving -----------------------------------------------------------------------------------

VALID_ROWS = {
    "ledger": {
        "entry_date": "2026-10-03",
        "voucher_no": "记001",
        "summary": "门面租金",
        "category": "经营收入",
        "direction": "收入",
        "amount_fen": "1,800.00",
        "account": "银行存款",
        "counterparty": "",
        "handler": "",
    },
    "assets": {
        "name": "办公电脑",
        "category": "设备",
        "quantity": "1",
        "original_value_fen": "5000",
        "location": "村部",
        "status": "在用",
    },
    "debts": {"kind": "应收", "counterparty": "某公司", "amount_fen": "100", "note": ""},
    "resources": {"kind": "耕地", "name": "东片", "area": "10亩", "holder": "张三", "annual_fee_fen": "1000"},
    "party": {"category": "三会一课", "item_date": "2026-10-08", "title": "支委会", "description": "研究工作"},
    "affairs": {"category": "其他", "item_date": "2026-10-08", "title": "会议", "description": "内容"},
    "services": {
        "name": "低保申请",
        "materials": "户口簿",
        "location": "便民服务中心",
        "time_limit": "5个工作日",
        "contact": "0523-88886600 转 8001",
    },
}


@pytest.fixture
def clerk_village(engine):
    with unit_of_work(engine) as session:
        add_village(session, code="V1", name="测试村", township_code="T1", hotline="0523-1234567")
        add_user(session, username="clerk", password="password1", role=Role.clerk, village_codes=("V1",))
        session.commit()
    return engine


def _save(engine, section: str, rows: list[dict]) -> None:
    with unit_of_work(engine) as session:
        save_section(
            session,
            village=get_village(session, "V1"),
            period="2026-10",
            user=get_user(session, "clerk"),
            section=section,
            rows=rows,
        )
        session.commit()


def test_every_text_field_refuses_personal_numbers_when_saved(clerk_village):
    cases = iter(corpus(len(TEXT_COLUMNS) + len(PEOPLE_TEXT), seed=21))
    for key, label, column in TEXT_COLUMNS:
        number, text = next(cases)
        row = {**VALID_ROWS[key], column.name: _fits(text, number, column.max_len)}
        with pytest.raises(BoardError) as info:
            _save(clerk_village, key, [VALID_ROWS[key], row])
        assert (2, f"{label}·{column.label}") in {(p.row, p.field) for p in info.value.problems}, (
            key,
            column.name,
            text,
        )
    for column in PEOPLE_TEXT:
        number, text = next(cases)
        person = {
            "name": "张三",
            "group_name": "第1组",
            "amount_fen": "100",
            column.name: _fits(text, number, column.max_len),
        }
        with pytest.raises(BoardError) as info:
            _save(clerk_village, "affairs", [{**VALID_ROWS["affairs"], "beneficiaries": [person]}])
        assert (1, f"村务第1项名单·{column.label}") in {(p.row, p.field) for p in info.value.problems}
    for key in VALID_ROWS:
        _save(clerk_village, key, [VALID_ROWS[key]])  # the valid rows themselves save


def test_recipient_columns_are_validated_and_normalised(clerk_village):
    _save(clerk_village, "affairs", [VALID_ROWS["affairs"]])
    with unit_of_work(clerk_village) as session:
        village, user = get_village(session, "V1"), get_user(session, "clerk")
        affair_id = session.exec(select(AffairItem.id)).one()
        bad = [
            {"name": "甲", "id_number": "11010519490231002X"},  # Feb 31
            {"name": "乙", "id_number": "110105194913010027"},  # month 13
            {"name": "丙", "id_number": "990105194912310021"},  # no such province
            {"name": "丁", "phone": "00000000000"},
            {"name": "戊", "phone": "05278888000"},
        ]
        with pytest.raises(BoardError) as info:
            save_beneficiaries(session, village=village, period="2026-10", user=user, affair_id=affair_id, rows=bad)
        assert [(p.row, p.field) for p in info.value.problems] == [
            (1, "名单·身份证号"),
            (2, "名单·身份证号"),
            (3, "名单·身份证号"),
            (4, "名单·手机号"),
            (5, "名单·手机号"),
        ]
        good = [
            {"name": "甲", "id_number": "110105 19491231 002x", "phone": "138 1234 5678"},
            {"name": "乙", "phone": "138-1234-5678"},
            {"name": "丙", "phone": "+8613812345678"},
        ]
        save_beneficiaries(session, village=village, period="2026-10", user=user, affair_id=affair_id, rows=good)
        session.commit()
        stored = session.exec(select(Beneficiary.id_number, Beneficiary.phone).order_by(Beneficiary.id)).all()
    assert [tuple(r) for r in stored] == [
        ("11010519491231002X", "13812345678"),
        ("", "13812345678"),
        ("", "13812345678"),
    ]


def test_village_township_grid_and_user_texts_are_checked(engine):
    with unit_of_work(engine) as session:
        with pytest.raises(BoardError, match="身份证号"):
            add_village(session, code="V9", name="测试村 11010519491231002X")
        with pytest.raises(BoardError, match="个人手机号"):
            add_village(session, code="V9", name="测试村", hotline="138 1234 5678")
        with pytest.raises(BoardError, match="控制字符"):
            add_village(session, code="V9", name="测试\u202e村")
        with pytest.raises(BoardError, match="乡镇"):
            ensure_township(session, code="T9", name="青禾镇 138-1234-5678")
        village = add_village(session, code="V9", name="测试村", hotline="0523-8888 6612 转 801")
        with pytest.raises(BoardError, match="显示名称"):
            add_user(
                session,
                username="c9",
                password="password1",
                role=Role.clerk,
                village_codes=("V9",),
                display_name="文书 138 1234 5678",
            )
        with pytest.raises(BoardError) as info:
            add_grid(
                session,
                village=village,
                name="第1网格 13812345678",
                channel="manual",
                worker="赵 一三八一二三四五六七八",
            )
        assert {p.field for p in info.value.problems} == {"网格名称", "网格员"}


# ---- submit and publish refuse legacy data ---------------------------------------------------


def _inject(session: Session, records, cases) -> set[tuple[int, str]]:
    """Every text field of row 1 of every section (and village, township, note) gets a corpus text."""
    expected = set()
    for key, label, column in TEXT_COLUMNS:
        rows = getattr(records, key)
        if not rows:
            continue
        _, text = next(cases)
        setattr(rows[0], column.name, text)
        session.add(rows[0])
        expected.add((1, f"{label}·{column.label}"))
    people = records.beneficiaries[records.affairs[0].id]
    for column in PEOPLE_TEXT:
        _, text = next(cases)
        setattr(people[0], column.name, text)
        session.add(people[0])
        expected.add((1, f"村务第1项名单·{column.label}"))
    village = records.village
    for name, label in (("name", "名称"), ("hotline", "监督电话"), ("board_address", "公开栏地址")):
        setattr(village, name, village.name + next(cases)[1] if name == "name" else next(cases)[1])
        expected.add((0, f"村/社区·{label}"))
    session.add(village)
    township = session.get(Township, village.township_id)
    township.name = next(cases)[1]
    session.add(township)
    expected.add((0, "村/社区·所属乡镇"))
    records.period.amendment_reason = "更正：" + next(cases)[1]
    session.add(records.period)
    expected.add((0, "月份·更正说明"))
    return expected


def test_submit_and_publish_refuse_injected_numbers_naming_row_and_field(demo_engine):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        amend_period(session, village=village, period=DEMO_END, user=get_user(session, "wenshu"), reason="补录")
        records = load_records(session, village, require_period(session, village, DEMO_END))
        expected = _inject(session, records, iter(corpus(80, seed=22)))
        session.commit()
    before = _published_count(demo_engine)
    with unit_of_work(demo_engine) as session:
        with pytest.raises(BoardError) as info:
            submit_period(
                session, village=get_village(session, "DEMO"), period=DEMO_END, user=get_user(session, "wenshu")
            )
    assert expected <= {(p.row, p.field) for p in info.value.problems}
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        row = require_period(session, village, DEMO_END)
        row.status = PeriodStatus.approved  # as if approved before the check existed
        session.add(row)
        session.commit()
    with unit_of_work(demo_engine) as session:
        with pytest.raises(BoardError) as info:
            publish_period(
                session, village=get_village(session, "DEMO"), period=DEMO_END, user=get_user(session, "jiandu")
            )
    assert expected <= {(p.row, p.field) for p in info.value.problems}
    assert _published_count(demo_engine) == before


def _published_count(engine) -> int:
    with unit_of_work(engine) as session:
        return len(session.exec(select(PublishedPeriod.id)).all())


# ---- every public output ---------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None
    )


def _view_text(view) -> str:
    return json.dumps([view.title, view.footer, *[repr(s) for s in view.sections]], ensure_ascii=False)


def _html_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S))


def public_outputs(raw: dict, *, pdf: bool = True) -> dict[str, str]:
    """Every public rendering of one snapshot document, as text (the PDF, ~1.5 s with extraction, if ``pdf``)."""
    snapshot = as_record(raw)
    board = build_board(snapshot, [snapshot.period])
    outputs = {
        "snapshot JSON": json.dumps(raw, ensure_ascii=False),
        "board view": _view_text(board),
        "kiosk view": _view_text(build_board(snapshot, [snapshot.period], kiosk=True)),
        "static HTML": _html_text(render_month_page(snapshot)),
        "xlsx": _xlsx_text(snapshot_xlsx(snapshot)),
        "CSV": ledger_csv(snapshot).decode("utf-8-sig"),
        "JSON download": snapshot_json(snapshot).decode("utf-8"),
        "digest": build_digest(snapshot, base_url=BASE),
        "short digest": build_digest(snapshot, base_url=BASE, short=True),
    }
    if pdf:
        outputs["PDF"] = _pdf_text(render_pdf(snapshot, base_url=BASE))
    return outputs


def _digit_stream(text: str) -> str:
    return re.sub(r"[^0-9X]", "", normalise(text)[0].upper())


def assert_no_number(
    outputs: dict[str, str], numbers: list[str], *, hashes: set[str] = frozenset(), referee: bool = True
) -> None:
    """No detectable number, none of ``numbers`` in any spelling, and (``referee``) no mobile phonenumbers finds.

    ``hashes``: the published hashes, shown as 核验码 on purpose (see ``without_hashes``)."""
    for name, shown in outputs.items():
        text = without_hashes(shown, hashes)
        assert find_pii(text) == [], (name, find_pii(text)[:3])
        digits = _digit_stream(text)
        leaked = [n for n in numbers if n.upper() in digits]
        assert leaked == [], (name, leaked)
        if referee:
            found = [
                m.raw_string
                for m in phonenumbers.PhoneNumberMatcher(text, "CN")
                if phonenumbers.national_significant_number(m.number) in numbers
            ]
            assert found == [], (name, found)


def test_masking_holds_in_every_output_when_the_checks_are_bypassed(demo_engine):
    """Defence in depth: a snapshot built from unchecked text is still masked in every output."""
    cases = corpus(80, seed=23)
    with Session(demo_engine) as session:
        village = get_village(session, "DEMO")
        records = load_records(session, village, require_period(session, village, DEMO_END))
        _inject(session, records, iter(cases))
        people = records.beneficiaries[records.affairs[0].id]
        people[0].id_number, people[0].phone = "110105 19491231 002X", "138-1234-5678"
        content = build_content(
            session,
            records,
            version=2,
            published_at=datetime.now(UTC),
            published_by="wenshu",
            amendment_reason=records.period.amendment_reason,
        )
        session.rollback()
    snapshot = {**json.loads(canonical_json(content)), "hash": "0" * 64, "short_hash": "0" * 12}
    numbers = [n for n, _ in cases] + ["11010519491231002X", "13812345678"]
    assert_no_number(public_outputs(snapshot), numbers)


def test_no_output_of_the_demo_months_carries_a_personal_number(demo_engine, demo_url, tmp_path):
    with unit_of_work(demo_engine) as session:
        village = get_village(session, "DEMO")
        snapshots = [as_raw(published_snapshot(session, village, p)) for p in published_periods(session, village)]
        people = session.exec(select(Beneficiary.id_number, Beneficiary.phone)).all()
        hashes = published_hashes(session)
    numbers = sorted({n for row in people for n in row if n})
    assert len(snapshots) == 24 and numbers
    for i, snapshot in enumerate(snapshots):
        # PDFs of every fourth month and the amended one (rendering and extracting all 24 takes ~40 s);
        # phonenumbers only on the texts residents read first: it is slow on whole documents.
        outputs = public_outputs(snapshot, pdf=i % 4 == 0 or snapshot["period"] == "2026-06")
        assert_no_number({k: outputs.pop(k) for k in ("digest", "short digest", "board view")}, numbers, hashes=hashes)
        assert_no_number(outputs, numbers, hashes=hashes, referee=False)
    site = export_site(demo_engine, tmp_path / "site", village_codes=["DEMO"])
    pages = list((tmp_path / "site").rglob("*.html"))
    # 24 months, each version of them (2026-06 has two), the indexes, the kiosk and the 404 page.
    assert len(site.pages) == 49 and len(pages) == 53
    texts = {str(p): _html_text(p.read_text(encoding="utf-8")) for p in pages}
    assert_no_number(texts, numbers, hashes=hashes, referee=False)


def test_board_page_shows_no_personal_number(open_board, demo_engine):  # noqa: F811 (the imported fixture)
    with unit_of_work(demo_engine) as session:
        numbers = sorted(
            {n for row in session.exec(select(Beneficiary.id_number, Beneficiary.phone)).all() for n in row if n}
        )
        hashes = published_hashes(session)
    for period in (DEMO_END, "2026-06"):
        at = open_board(village="DEMO", period=period)
        assert not at.exception
        assert_no_number({period: board_text(at)}, numbers, hashes=hashes)
