"""Checks a period must pass before it can be submitted or published.

Pure functions over a period's records: they return every problem at once, each
naming the section, the row and the field, in Chinese.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from board.balance import ACCOUNT_LABELS, balance_identity
from board.errors import Problem
from board.money import ceiling_problem, format_yuan
from board.periods import period_bounds, period_label, shift_period
from board.privacy import normalise_id_number, normalise_mobile, text_problems
from board.public_record import TRANSFER_CATEGORY
from board.records import PeriodRecords, account_totals, find_period, transfer_totals
from board.sections import BENEFICIARY_COLUMNS, SECTIONS
from board.snapshot import latest_snapshot, load_snapshot
from models import (
    Account,
    AccountBalance,
    Beneficiary,
    LedgerEntry,
    Period,
    PeriodStatus,
    PublishedPeriod,
    Township,
    row_id,
)


def check_amount(amount: int | None, row: int, field: str, *, allow_zero: bool = False) -> list[Problem]:
    if amount is None:
        return []
    if amount < 0 or (amount == 0 and not allow_zero):
        return [Problem(row, field, "金额必须大于 0")]
    too_big = ceiling_problem(amount)
    return [Problem(row, field, too_big)] if too_big else []


def check_balances(records: PeriodRecords) -> list[Problem]:
    """月初 + 收入 − 支出 = the real month-end balance (statement / cash count) for every account; 内部转账 must leave one account as it enters the other."""
    problems = []
    moved_in, moved_out = transfer_totals(records)
    if moved_in != moved_out:
        problems.append(
            Problem(
                0,
                f"收支明细·{TRANSFER_CATEGORY}",
                f"内部转账转入 {format_yuan(moved_in)} 与转出 {format_yuan(moved_out)} 不相等，"
                "提现或存现应在现金和银行存款两边各记一笔",
            )
        )
    balances = [
        {"account": b.account, "opening_fen": b.opening_fen, "statement_fen": b.statement_fen} for b in records.balances
    ]
    ledger = [
        {
            "account": x.account,
            "direction": x.direction,
            "amount_fen": x.amount_fen,
            "summary": x.summary,
            "category": x.category,
        }
        for x in records.ledger
    ]
    problems += [
        Problem(0, f"{row['label']}·月末实有余额", row["message"])
        for row in balance_identity(balances, ledger)
        if row["message"]
    ]
    return problems


def _text_problems(
    row: int, section: str, fields: dict[str, str | None], *, contact: set[str] | frozenset[str] = frozenset()
) -> list[Problem]:
    return [
        Problem(row, f"{section}·{name}", message)
        for name, text in fields.items()
        for message in text_problems(text or "", contact=name in contact)
    ]


def check_personal_data(records: PeriodRecords, *, township_name: str = "") -> list[Problem]:
    """Every text that becomes public may carry no personal number and no invisible control.

    No field is exempt: the village's 监督电话 and a service's 联系电话 must be a landline or a
    service number; a recipient's 身份证号/手机号 columns are checked by ``check_beneficiary``.
    """
    village = records.village
    problems = _text_problems(
        0,
        "村/社区",
        {
            "名称": village.name,
            "所属乡镇": township_name,
            "监督电话": village.hotline,
            "公开栏地址": village.board_address,
        },
        contact={"监督电话"},
    )
    problems += _text_problems(0, "月份", {"更正说明": records.period.amendment_reason})
    for key, (_, label, columns) in SECTIONS.items():
        texts = [c for c in columns if c.kind == "text"]
        for i, row in enumerate(getattr(records, key), start=1):
            problems += _text_problems(
                i,
                label,
                {c.label: getattr(row, c.name) for c in texts},
                contact={"联系电话"} if key == "services" else set(),
            )
    people = [c for c in BENEFICIARY_COLUMNS if c.kind == "text" and c.name not in ("id_number", "phone")]
    for i, item in enumerate(records.affairs, start=1):
        for j, person in enumerate(records.beneficiaries.get(row_id(item), []), start=1):
            problems += _text_problems(j, f"村务第{i}项名单", {c.label: getattr(person, c.name) for c in people})
    return problems


def check_beneficiary(person: Beneficiary, row: int, section: str) -> list[Problem]:
    """A recipient's 身份证号 and 手机号: a real ID (known province, real birth date) and an 11-digit mobile."""
    problems = []
    for column, normaliser in (("id_number", normalise_id_number), ("phone", normalise_mobile)):
        value = (getattr(person, column) or "").strip()
        if value:
            try:
                normaliser(value)
            except ValueError as exc:
                label = next(c.label for c in BENEFICIARY_COLUMNS if c.name == column)
                problems.append(Problem(row, f"{section}·{label}", str(exc)))
    return problems


def validate_records(
    records: PeriodRecords, *, other_vouchers: set[str] | frozenset[str] = frozenset(), township_name: str = ""
) -> list[Problem]:
    """Every problem in a period's records; ``other_vouchers`` are the village-year's other 凭证号."""
    first, last = period_bounds(records.period.period)
    problems = check_balances(records)

    def in_period(day: date | None, row: int, field: str) -> list[Problem]:
        if day is None or first <= day <= last:
            return []
        return [Problem(row, field, f"日期 {day} 不在 {records.period.period} 月内")]

    # One voucher (凭证) may carry several lines on the same day; a number reused on another
    # day or in another month of the year is a mistake.
    seen_vouchers: dict[str, tuple[int, object]] = {}
    for i, line in enumerate(records.ledger, start=1):
        problems += check_amount(line.amount_fen, i, "收支明细·金额")
        problems += in_period(line.entry_date, i, "收支明细·日期")
        if not (line.category or "").strip():
            problems.append(Problem(i, "收支明细·科目", "科目（收支类别）不能为空"))
        voucher = (line.voucher_no or "").strip()
        if voucher:
            first_row, first_day = seen_vouchers.setdefault(voucher, (i, line.entry_date))
            if first_row != i and first_day != line.entry_date:
                problems.append(Problem(i, "收支明细·凭证号", f"凭证号“{voucher}”与第{first_row}行重复，但日期不同"))
            elif voucher in other_vouchers:
                problems.append(Problem(i, "收支明细·凭证号", f"凭证号“{voucher}”本年度其他月份已使用"))
    for i, asset in enumerate(records.assets, start=1):
        problems += check_amount(asset.original_value_fen, i, "固定资产·原值", allow_zero=True)
        if asset.quantity is not None and asset.quantity < 0:
            problems.append(Problem(i, "固定资产·数量", "数量不能为负数"))
    for i, debt in enumerate(records.debts, start=1):
        problems += check_amount(debt.amount_fen, i, "债权债务·金额")
    for i, res in enumerate(records.resources, start=1):
        problems += check_amount(res.annual_fee_fen, i, "资源发包·年租金", allow_zero=True)
        if res.contract_start and res.contract_end and res.contract_end < res.contract_start:
            problems.append(Problem(i, "资源发包·合同到期", "合同到期日早于开始日"))
    for i, item in enumerate(records.party, start=1):
        problems += in_period(item.item_date, i, "党务·日期")
        problems += check_amount(item.amount_fen, i, "党务·金额", allow_zero=True)
    for i, affair in enumerate(records.affairs, start=1):
        problems += in_period(affair.item_date, i, "村务·日期")
        problems += check_amount(affair.amount_fen, i, "村务·金额", allow_zero=True)
        for j, b in enumerate(records.beneficiaries.get(row_id(affair), []), start=1):
            section = f"村务第{i}项名单"
            if not (b.name or "").strip():
                problems.append(Problem(j, f"{section}·姓名", "姓名不能为空"))
            problems += check_beneficiary(b, j, section)
            problems += check_amount(b.amount_fen, j, f"{section}·金额", allow_zero=True)
    for i, svc in enumerate(records.services, start=1):
        if not (svc.name or "").strip():
            problems.append(Problem(i, "便民服务·事项", "事项名称不能为空"))
    return problems + check_personal_data(records, township_name=township_name)


def other_vouchers_of_year(session: Session, records: PeriodRecords) -> set[str]:
    year = records.period.period[:4]
    rows = session.exec(
        select(LedgerEntry.voucher_no)
        .join(Period, col(Period.id) == LedgerEntry.period_id)
        .where(
            Period.village_id == records.village.id,
            Period.period.startswith(f"{year}-"),
            Period.id != records.period.id,
            LedgerEntry.voucher_no != "",
        )
    )
    return {v.strip() for v in rows}


def validate_period(session: Session, records: PeriodRecords, *, publishing: bool = False) -> list[Problem]:
    """Every problem; ``publishing`` also holds the month to the order of publication (``check_carry_forward``)."""
    township = session.get(Township, records.village.township_id) if records.village.township_id else None
    problems = validate_records(
        records,
        other_vouchers=other_vouchers_of_year(session, records),
        township_name=township.name if township else "",
    )
    return check_carry_forward(session, records, publishing=publishing) + problems


def published_accounts(session: Session, village_id: int, period: str) -> dict[str, tuple[int, int]] | None:
    """Opening and closing per account of a month's newest public version: {"cash": (opening, closing)}."""
    snapshot = latest_snapshot(session, village_id, period)
    if snapshot is None:
        return None
    return {Account(a.account).value: (a.opening_fen, a.closing_fen) for a in load_snapshot(snapshot).finance.accounts}


def entered_balances(session: Session, period: Period) -> dict[str, tuple[int, int]]:
    """Opening and closing per account as entered for a month (0 where no row), without loading its ledger."""
    rows = session.exec(select(AccountBalance).where(AccountBalance.period_id == period.id))
    return {account: (0, 0) for account in ACCOUNT_LABELS} | {
        b.account.value: (b.opening_fen, b.closing_fen) for b in rows
    }


def check_carry_forward(session: Session, records: PeriodRecords, *, publishing: bool = False) -> list[Problem]:
    """月初余额 must equal last month's 月末余额.

    While a month is reviewed, last month's figures are the ones under review (a correction on its way)
    or else the public ones; a month out of order may be reviewed. Publishing compares with what is
    public only, and refuses a month whose last month is not public (``check_publish_order``).
    """
    village, period = records.village, records.period.period
    last_month = shift_period(period, -1)
    previous = find_period(session, village, last_month)
    pending = previous is not None and previous.status in (PeriodStatus.submitted, PeriodStatus.approved)
    if pending and previous is not None and not publishing:
        closings = {account: closing for account, (_, closing) in entered_balances(session, previous).items()}
        source = "上月待公开的月末余额"
    else:
        published = published_accounts(session, row_id(village), last_month)
        if published is None:
            return check_publish_order(session, records) if publishing else []
        closings = {account: closing for account, (_, closing) in published.items()}
        source = "上月公开的月末余额"
    hint = ""
    if publishing and previous is not None and previous.status != PeriodStatus.published:
        hint = f"；{period_label(last_month)}的更正还没有公开，请先公开它（随它更正的月份会一起公开）"
    problems = []
    for account, t in account_totals(records).items():
        if account in closings and t["opening_fen"] != closings[account]:
            problems.append(
                Problem(
                    0,
                    f"{ACCOUNT_LABELS[account]}·月初余额",
                    f"月初余额 {format_yuan(t['opening_fen'])} 与{source} {format_yuan(closings[account])} 不一致{hint}",
                )
            )
    return problems


def check_publish_order(session: Session, records: PeriodRecords) -> list[Problem]:
    """A month whose last month is not public goes public only as the village's first month, opening entered.

    Otherwise the opening would have nothing to follow on from and could leave a gap in the public
    balances. A correction of a month already public (older data published out of order) is not held back.
    """
    village, period = records.village, records.period.period
    if latest_snapshot(session, row_id(village), period) is not None:
        return []
    first = session.exec(select(func.min(PublishedPeriod.period)).where(PublishedPeriod.village_id == village.id)).one()
    if first is None:
        if records.balances:
            return []
        return [
            Problem(
                0,
                f"{SECTIONS['balances'][1]}·月初余额",
                f"{period_label(period)}是本村第一个公开的月份，请先填写各账户的月初余额（没有余额填 0），以后各月从这里接续",
            )
        ]
    if period < first:
        return [
            Problem(
                0,
                "月份",
                f"本村从{period_label(first)}开始公开，{period_label(period)}在它之前，不能再公开（月初余额会接不上）",
            )
        ]
    last_month = shift_period(period, -1)
    return [
        Problem(
            0,
            "月份",
            f"请先公开 {period_label(last_month)}：各月须按顺序公开，本月的月初余额要接上月公开的月末余额",
        )
    ]
