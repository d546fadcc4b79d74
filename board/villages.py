"""Townships, villages and their default 收支类别."""

from __future__ import annotations

from sqlmodel import Session, col, select

from board.errors import BoardError
from board.privacy import text_problems
from board.public_record import TRANSFER_CATEGORY
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
        problems = text_problems(name or code)
        if problems:
            raise BoardError("乡镇/街道名称" + "；".join(problems), field="乡镇/街道")
        township = Township(code=code, name=name or code)
        session.add(township)
        session.flush()
        for direction, names in DEFAULT_CATEGORIES.items():
            for order, category in enumerate(names):
                session.add(
                    LedgerCategory(township_id=township.id, direction=direction, name=category, sort_order=order)
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
    for value, label, limit in (
        (code, "代码", 32),
        (name, "名称", 100),
        (hotline, "监督电话", 50),
        (board_address, "公开栏地址", 200),
    ):
        if len(value or "") > limit:
            problems.append(f"{label}不能超过 {limit} 个字")
        # Name, hotline and address are shown on every public output.
        problems += [f"{label}{p}" for p in text_problems(value or "", contact=label == "监督电话")]
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
        .order_by(col(LedgerCategory.sort_order))
    ).all()
    return [*(list(rows) or DEFAULT_CATEGORIES[direction]), TRANSFER_CATEGORY]


def _parse_direction(value: str) -> Direction:
    mapping = {"in": Direction.income, "收入": Direction.income, "out": Direction.expense, "支出": Direction.expense}
    if value not in mapping:
        raise BoardError(f"收支方向“{value}”无法识别，请写 收入 或 支出", field="收支")
    return mapping[value]


def add_category(session: Session, *, township_code: str, direction: str, name: str) -> LedgerCategory:
    """Add a 收支类别 to a township's chart (e.g. the 2023 chart's 上级补助收入)."""
    township = get_township(session, township_code)
    kind = _parse_direction(direction)
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise BoardError("类别名称不能为空，且不超过 50 个字", field="类别")
    exists = session.exec(
        select(LedgerCategory).where(
            LedgerCategory.township_id == township.id, LedgerCategory.direction == kind, LedgerCategory.name == name
        )
    ).first()
    if exists:
        raise BoardError(f"类别“{name}”已存在", field="类别")
    count = len(session.exec(select(LedgerCategory).where(LedgerCategory.township_id == township.id)).all())
    category = LedgerCategory(township_id=township.id, direction=kind, name=name, sort_order=count)
    session.add(category)
    session.flush()
    return category


def remove_category(session: Session, *, township_code: str, direction: str, name: str) -> None:
    """Remove a category from the chart; entries already using it keep their text."""
    township = get_township(session, township_code)
    category = session.exec(
        select(LedgerCategory).where(
            LedgerCategory.township_id == township.id,
            LedgerCategory.direction == _parse_direction(direction),
            LedgerCategory.name == (name or "").strip(),
        )
    ).first()
    if category is None:
        raise BoardError(f"类别“{name}”不存在", field="类别")
    session.delete(category)


def township_categories(session: Session, township_code: str) -> dict[str, list[str]]:
    township = get_township(session, township_code)
    rows = session.exec(
        select(LedgerCategory).where(LedgerCategory.township_id == township.id).order_by(col(LedgerCategory.sort_order))
    ).all()
    return {
        "收入": [c.name for c in rows if c.direction == Direction.income],
        "支出": [c.name for c in rows if c.direction == Direction.expense],
    }
