"""The one error type users can cause, carrying every problem at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem: ``row`` is 1-based in the user's view (0 = the whole record)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "整体"
        return f"{where}「{self.field}」：{self.message}"


class BoardError(Exception):
    """Bad input or a refused action; ``problems`` is a list of (row, field, message_zh)."""

    def __init__(self, problems: list[Problem] | str, field: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(0, field, problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def as_rows(self) -> list[dict[str, object]]:
        return [{"行": p.row or "", "字段": p.field, "问题": p.message} for p in self.problems]


class ConflictError(BoardError):
    """Someone else saved the same month first (optimistic version check failed)."""


class PermissionDenied(BoardError):
    """The user's role or villages do not allow this action."""


INTEGRITY_MESSAGE = "核验失败：本月公开内容与存证不一致，请联系镇经管站"


class IntegrityFailure(BoardError):
    """A stored public version no longer matches its hash or its place in the chain: show no figures."""

    def __init__(self, where: str = "") -> None:
        super().__init__(f"{where}：{INTEGRITY_MESSAGE}" if where else INTEGRITY_MESSAGE, field="核验")
