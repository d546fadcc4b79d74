"""Townships, villages and their default 收支类别."""

from __future__ import annotations

from sqlmodel import Session, select

from board.errors import BoardError
from models import Direction, LedgerCategory, Township, Village

DEFAULT_CATEGORIES = {
    Direction.income: ["经营收入", "发包及上交收入", "投资收益", "补助收入", "其他收入"],
    Direction.expense: ["经营支出", "管理费用", "公益支出", "其他支出"],
}


def get_village(session: Session, code: str) -> Village:
    village = session.exec(select(Village).where(Village.code == (code or "").strip())).first()
    if village is None:
        raise BoardError(f"没有代码为“{code}”的村/社区", field="村/社区代码")
    return village


def get_township(session: Session, code: str) -> Township:
    township = session.exec(select(Township).where(Township.code == code)).first()
    if township is None:
        raise BoardError(f"没有代码为“{code}”的乡镇/街道", field="乡镇/街道代码")
    return township


def ensure_township(session: Session, *, code: str, name: str | None = None) -> Township:
    township = session.exec(select(Township).where(Township.code == code)).first()
    if township is None:
        township = Township(code=code, name=name or code)
        session.add(township)
        session.flush()
        for direction, names in DEFAULT_CATEGORIES.items():
            for order, category in enumerate(names):
                session.add(
                    LedgerCategory(
                        township_id=township.id, direction=direction, name=category, sort_order=order
                    )
                )
    return township


def add_village(
    session: Session,
    *,
    code: str,
    name: str,
    township_code: str | None = None,
    hotline: str = "",
    board_address: str = "",
    is_demo: bool = False,
) -> Village:
    code, name = (code or "").strip(), (name or "").strip()
    problems = []
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        problems.append("代码只能由字母、数字、- 和 _ 组成")
    if not name:
        problems.append("名称不能为空")
    if code and session.exec(select(Village).where(Village.code == code)).first():
        problems.append(f"代码“{code}”已被使用")
    if problems:
        raise BoardError("；".join(problems), field="村/社区")
    township = ensure_township(session, code=township_code) if township_code else None
    village = Village(
        code=code,
        name=name,
        township_id=township.id if township else None,
        hotline=hotline.strip(),
        board_address=board_address.strip(),
        is_demo=is_demo,
    )
    session.add(village)
    session.flush()
    return village


def categories_for(session: Session, village: Village, direction: Direction) -> list[str]:
    rows = session.exec(
        select(LedgerCategory.name)
        .where(LedgerCategory.township_id == village.township_id, LedgerCategory.direction == direction)
        .order_by(LedgerCategory.sort_order)
    ).all()
    return list(rows) or DEFAULT_CATEGORIES[direction]
