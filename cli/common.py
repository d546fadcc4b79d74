"""What every command shares: the database from ``--db``, output files, passwords and Chinese error lines."""

from __future__ import annotations

import errno
import getpass
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from board.errors import BoardError
from infra.db import get_engine, migrate, require_database_file

_OS_ERRORS = {
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EEXIST: "已经存在同名的文件或目录",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读的文件系统，不能写入",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接循环",
}


@dataclass(frozen=True)
class Globals:
    """The root group's options, handed to every command as ``ctx.obj``."""

    db: str | None

    def engine(self, *, create: bool = False) -> Engine:
        """The engine for ``--db`` (or the settings), migrated to the newest schema.

        A SQLite file that does not exist is refused unless ``create``: only the commands that set
        up a database (init-db, seed-demo, village add, user add) may start a new one.
        """
        if not create:
            require_database_file(self.db)
        engine = get_engine(self.db)
        migrate(engine)
        return engine


def os_error_text(error: OSError, doing: str = "读写文件") -> str:
    code = error.errno if error.errno is not None else -1  # -1: no errno, never a key
    reason = _OS_ERRORS.get(code, f"系统错误 {errno.errorcode.get(code, error.errno)}")
    where = f"“{error.filename}”" if error.filename is not None else ""
    return f"无法{doing}{where}：{reason}（请检查路径是否存在、能否写入）"


def write_output(path: Path, data: bytes) -> None:
    """Write an output file, or refuse in Chinese naming the path and the reason."""
    try:
        path.write_bytes(data)
    except OSError as error:
        raise BoardError(os_error_text(error, "写入"), field="输出文件") from None


def read_secret(prompt: str = "密码：") -> str:
    """A password without echo on a terminal, else one line of standard input ("" when there is none)."""
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def print_problems(error: BoardError) -> None:
    print("操作未完成，发现以下问题：", file=sys.stderr)
    for problem in error.problems:
        print(f"  - {problem}", file=sys.stderr)
