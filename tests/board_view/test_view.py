"""The board's view model and charts: pure functions of a published snapshot."""

from __future__ import annotations

import copy
import json

import pytest

from board.errors import BoardError
from board.money import format_wan, format_yuan
from board.public import published_periods, published_snapshot
from board.villages import get_village
from infra.db import get_engine, unit_of_work
from tests.helpers import DEMO_END, as_raw, as_record
from views.board_view import (
    DEFAULT_ROTATE_SECONDS,
    KIOSK_TABLE_ROWS,
    MORE_ON_PHONE,
    Chart,
    Table,
    Text,
    build_board,
    compare_sentences,
    kiosk_slide_index,
    kiosk_slides,
    load_board,
    markdown_escape,
    parse_board_params,
    public_villages,
    transfer_note,
)
from views.charts import PLOTLY_CONFIG, expense_category_caption, largest_expenses_chart
from views.public_tables import TRANSFER_MARK

AMENDED = "2026-06"


@pytest.fixture(scope="module")
def snapshots(demo_template):
    engine = get_engine(f"sqlite:///{demo_template}")
    with unit_of_work(engine) as session:
        village = get_village(session, "DEMO")
        periods = published_periods(session, village)
        return {p: published_snapshot(session, village, p) for p in (DEMO_END, AMENDED)}, periods


def test_params_defaults_and_clamping():
    params = parse_board_params({"village": " DEMO ", "kiosk": "1", "rotate": "2", "slide": "x"})
    assert (params.village, params.period, params.kiosk, params.rotate, params.slide) == ("DEMO", None, True, 5, None)
    assert parse_board_params({}).rotate == DEFAULT_ROTATE_SECONDS
    assert parse_board_params({"rotate": "-3"}).rotate == DEFAULT_ROTATE_SECONDS
    assert parse_board_params({"rotate": "99999", "kiosk": "0"}).rotate == 600
    assert not parse_board_params({"kiosk": "0"}).kiosk


def test_markdown_escape_neutralises_links_and_emphasis():
    assert markdown_escape("[点我](javascript:alert(1)) **粗**") == (r"\[点我\]\(javascript\:alert\(1\)\) \*\*粗\*\*")
    assert markdown_escape("1,234.50元") == r"1,234\.50元"


def test_board_sections_and_headline(snapshots):
    by_period, periods = snapshots
    view = build_board(by_period[DEMO_END], periods)
    keys = [s.key for s in view.sections]
    assert keys[:6] == ["balance", "income_expense", "spending", "trend", "assets", "debts"]
    assert {"affairs", "party", "services"} <= set(keys)
    assert view.closing_fen == by_period[DEMO_END].finance.totals.closing_fen
    assert view.periods[0] == DEMO_END and len(view.periods) == 24
    assert view.short_hash in view.footer and "监督电话 0523-8888 6612" in view.footer
    assert all(isinstance(b, Chart) and b.caption for s in view.sections for b in s.blocks if isinstance(b, Chart))


def test_amended_month_leads_with_the_correction(snapshots):
    by_period, periods = snapshots
    view = build_board(by_period[AMENDED], periods)
    first = view.sections[0]
    assert first.key == "amendment"
    assert "第2版" in first.blocks[0].text and "签到表人数 41 人" in first.blocks[0].text
    assert "已更正" in view.footer


def test_subsidy_table_has_no_id_or_phone_column(snapshots):
    by_period, periods = snapshots
    view = build_board(by_period[DEMO_END], periods)
    subsidy = next(s for s in view.sections if s.key.startswith("subsidy_"))
    table = next(b for b in subsidy.blocks if isinstance(b, Table))
    assert table.columns == ("姓名", "组别", "金额", "备注")
    text = json.dumps(
        [s.blocks for s in view.sections if not any(isinstance(b, Chart) for b in s.blocks)],
        default=str,
        ensure_ascii=False,
    )
    for person in by_period[DEMO_END].affairs[0].beneficiaries:
        assert person.id_number not in text and person.phone not in text


def test_compare_sentences_in_plain_words(snapshots):
    snapshot = as_raw(snapshots[0][DEMO_END])
    previous = snapshot["previous"]
    totals = snapshot["finance"]["totals"]
    previous["closing_fen"] = totals["closing_fen"] - 6_800_000
    previous["income_fen"] = totals["income_fen"]
    sentences = compare_sentences(as_record(snapshot))
    assert sentences[0] == "月末账上的钱比上月多了6.8万元。"
    assert sentences[1] == "本月收入和上月一样。"
    snapshot["previous"] = None
    assert compare_sentences(as_record(snapshot)) == ["上个月没有公开数据，无法和上月比较。"]


def test_captions_name_the_biggest_item(snapshots):
    snapshot = as_raw(snapshots[0][DEMO_END])
    top = snapshot["finance"]["largest_expenses"][0]
    top.update(summary="排涝沟渠清淤工程", amount_fen=6_800_000, major=True)
    snapshot["finance"]["major_payments"] = [top]
    chart = largest_expenses_chart(as_record(snapshot))
    assert chart.caption == "本月支出最多的一笔是排涝沟渠清淤工程，6.8万元；5万元以上的支出共1笔（图中标★）。"
    category = snapshot["finance"]["expense_by_category"][0]
    assert expense_category_caption(as_record(snapshot)).startswith(
        f"本月花钱最多的类别是{category['category']}，{format_wan(category['amount_fen'])}"
    )


def test_chart_labels_escape_user_text(snapshots):
    snapshot = as_raw(snapshots[0][DEMO_END])
    snapshot["finance"]["largest_expenses"][0]["summary"] = "<a href='x'>链接</a>"
    spec = largest_expenses_chart(as_record(snapshot), kiosk=True).figure.to_plotly_json()
    labels = spec["layout"]["yaxis"]["ticktext"]
    assert not any("<a " in label for label in labels)
    assert any("&lt;a href='x'&gt;链接&lt;/a&gt;" in label for label in labels)
    assert PLOTLY_CONFIG["displayModeBar"] is False


def test_kiosk_slides_fit_and_rotate(snapshots):
    by_period, periods = snapshots
    view = build_board(by_period[DEMO_END], periods, kiosk=True)
    slides = kiosk_slides(view)
    for slide in slides:
        for table in (b for b in slide.blocks if isinstance(b, Table)):
            assert len(table.rows) <= KIOSK_TABLE_ROWS and table.kiosk
    services = [s for s in slides if s.key.startswith("services_")]
    assert len(services) >= -(-32 // KIOSK_TABLE_ROWS) and services[0].title.endswith(f"（1/{len(services)}）")
    shown = [row[0] for s in services for b in s.blocks if isinstance(b, Table) for row in b.rows]
    assert shown == [x.name for x in by_period[DEMO_END].services]
    assert not any(s.key.startswith("ledger") for s in slides)
    assert [kiosk_slide_index(len(slides), 15, t) for t in (0, 14.9, 15, 15 * len(slides))] == [0, 0, 1, 0]
    assert kiosk_slide_index(len(slides), 15, 1000.0, pinned=len(slides) + 2) == 2


def test_load_board_errors_are_friendly(demo_engine):
    with pytest.raises(BoardError, match="没有代码为“NOPE”的村/社区"):
        load_board(demo_engine, "NOPE")
    with pytest.raises(BoardError, match="2030-01 还没有公开"):
        load_board(demo_engine, "DEMO", "2030-01")
    with pytest.raises(BoardError, match="格式不对"):
        load_board(demo_engine, "DEMO", "2026-13")
    assert public_villages(demo_engine) == [("DEMO", "青禾镇幸福社区（演示数据）")]


def _kiosk_cells(slides, prefix):
    return [
        cell
        for s in slides
        if s.key.startswith(prefix)
        for b in s.blocks
        if isinstance(b, Table)
        for row in b.rows
        for cell in row
    ]


def test_kiosk_cuts_long_cells_and_pages_by_wrapped_lines(snapshots):
    """A row of long text wraps to several lines on the big screen: fewer such rows fit one slide."""
    by_period, periods = snapshots
    snapshot = as_raw(by_period[DEMO_END])
    for service in snapshot["services"]:
        service["materials"] = "身份证、户口本、" * 75  # 600 characters
    subsidy = next(a for a in snapshot["affairs"] if a["beneficiary_count"])
    subsidy["description"] = "很长的说明。" * 800
    other = next(a for a in snapshot["affairs"] if not a["beneficiary_count"])
    other["description"] = "很长的描述内容。" * 600
    slides = kiosk_slides(build_board(as_record(snapshot), periods, kiosk=True))
    materials = [
        row[1]
        for s in slides
        if s.key.startswith("services_")
        for b in s.blocks
        if isinstance(b, Table)
        for row in b.rows
    ]
    assert len(materials) == len(snapshot["services"])
    assert all(m.endswith(MORE_ON_PHONE) and len(m) <= 60 for m in materials)
    services = [s for s in slides if s.key.startswith("services_")]
    # Three-line rows: at most a third of the one-line rows fit a slide.
    assert all(len(b.rows) <= KIOSK_TABLE_ROWS // 3 for s in services for b in s.blocks if isinstance(b, Table))
    assert len(services) >= -(-len(snapshot["services"]) // (KIOSK_TABLE_ROWS // 3))
    description = next(c for c in _kiosk_cells(slides, "affairs_") if c.startswith("很长的描述内容"))
    assert description.endswith(MORE_ON_PHONE) and len(description) <= 60
    texts = [b.text for s in slides if s.key.startswith("subsidy_") for b in s.blocks if isinstance(b, Text)]
    assert texts and all(len(t) <= 200 and t.endswith(MORE_ON_PHONE) for t in texts)
    # The phone view keeps every character.
    phone = build_board(as_record(snapshot), periods)
    assert any(
        other["description"] in row for s in phone.sections for b in s.blocks if isinstance(b, Table) for row in b.rows
    )


def test_ledger_marks_transfers_and_totals_leave_them_out(snapshots):
    by_period, periods = snapshots
    snapshot = as_raw(by_period[DEMO_END])
    finance = snapshot["finance"]
    transfers = [x for x in finance["ledger"] if x["transfer"]]
    assert transfers and finance["transfers"]["count"] == len(transfers)
    view = build_board(as_record(snapshot), periods)
    ledger = next(b for s in view.sections if s.key == "ledger" for b in s.blocks if isinstance(b, Table))
    summaries = [row[2] for row in ledger.rows]
    for x in transfers:
        assert x["summary"] + TRANSFER_MARK in summaries
    totals = {row[4]: row[5] for row in ledger.rows if row[2] == "本月合计"}
    assert totals == {
        "收入": format_yuan(finance["totals"]["income_fen"]),
        "支出": format_yuan(finance["totals"]["expense_fen"]),
    }
    everything_in = sum(x["amount_fen"] for x in finance["ledger"] if x["direction"] == "in")
    assert format_yuan(everything_in) != totals["收入"]
    assert (
        ledger.rows[-1][2]
        == f"内部转账（现金⇄银行存款，不计入收支）：{format_yuan(finance['transfers']['amount_fen'])}"
    )
    without = copy.deepcopy(snapshot)
    without["finance"]["transfers"] = {"count": 0, "amount_fen": 0}
    assert transfer_note(as_record(without).finance) is None


def test_largest_expense_labels_fit_a_phone(snapshots):
    snapshot = as_raw(snapshots[0][DEMO_END])
    top = snapshot["finance"]["largest_expenses"][0]
    top.update(summary="排涝沟渠清淤及泵站维修工程结算款", amount_fen=12_345_678, major=True)
    spec = largest_expenses_chart(as_record(snapshot)).figure.to_plotly_json()
    bar = spec["data"][0]
    assert not any("5万元以上" in t for t in bar["text"])
    labels = spec["layout"]["yaxis"]["ticktext"]
    major = labels[-1]  # the largest payment is drawn last (top bar)
    assert major.startswith("★排涝沟渠清淤及泵<br>站维修工程结算款<br>") and major.endswith(
        f"<br>（{top['date'][5:]}）"
    )
    assert all(label.split("<br>")[-1].startswith("（") for label in labels)
    # The axis reaches far enough that "12.35万元" fits past the longest bar in ~200 px of plot.
    low, high = spec["layout"]["xaxis"]["range"]
    assert low == 0 and high >= max(bar["x"]) * 1.5
