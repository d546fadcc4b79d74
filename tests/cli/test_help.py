"""Every ``--help`` and every usage error of the command line is Chinese."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cli.main import root
from cli.zh import OneOf
from models import Role
from tests.cli.commands import command_paths, lookup

# Words that are not English prose: file formats, products, placeholders and the program's name.
NAMES = {
    *"python board YYYY MM DD PDF ZIP JSON Excel CSV csv xlsx xls txt md docx pdf html Word Markdown".split(),
    *"SQLite PostgreSQL pg_dump UTF ID".split(),
}


def allowed_words() -> set[str]:
    words = set(NAMES) | {role.value for role in Role}
    for path in command_paths():
        words |= {part for name in path for part in name.split("-")}
        for param in lookup(path).params:
            if isinstance(param.type, OneOf):
                words |= set(param.type.choices)
    return words


def english_words(text: str) -> set[str]:
    text = re.sub(r"(?<![\w-])--?[a-z][a-z-]*", " ", text)  # option names
    text = re.sub(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", " ", text)  # environment variables
    text = re.sub(r"\S+/\S+\.db\b", " ", text)  # the default database path
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text))


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "root")
def test_help_is_chinese(path):
    result = CliRunner().invoke(root, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("用法：python -m board") and "选项：" in result.output
    assert english_words(result.output) - allowed_words() == set(), result.output


def test_the_word_check_finds_english():
    assert english_words("用法：Usage: --village 代码 [required] SANWU_PASSWORD") == {"Usage", "required"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "缺少命令，可选：init-db"),
        (["frobnicate"], "没有这个命令：frobnicate"),
        (["period"], "缺少命令，可选：show、submit"),
        (["period", "show", "--period", "2026-10"], "缺少参数 --village"),
        (["period", "show", "--village"], "选项 --village 后面缺少取值"),
        (["period", "show", "--vilage", "X"], "没有这个选项：--vilage（是不是要写 --village？）"),
        (["period", "show", "--json=yes"], "选项 --json 不需要取值"),
        (["period", "show", "--village", "X", "--period", "2026-10", "extra"], "多余的参数：extra"),
        (["import", "nope", "f.xlsx"], "类别 取值无效：“nope”不在可选范围内，可选：ledger"),
        (["import", "ledger", "f.xlsx", "--affair-id", "x1"], "--affair-id 取值无效：“x1”不是整数"),
        (["push", "--timeout", "inf"], "--timeout 取值无效：“inf”应大于 0 且不超过 600"),
        (["export", "pdf", "--period", "2026-10", "-o", "x.pdf"], "缺少参数 --village 或 --township"),
        (["period", "approve", "--village", "X", "--period", "2026-10"], "缺少参数 --by（或 --as-admin）"),
        (
            ["period", "approve", "--village", "X", "--period", "2026-10", "--by", "lisi", "--as-admin"],
            "--by 和 --as-admin 只能给一个",
        ),
    ],
)
def test_usage_errors_exit_2_in_chinese(args, message):
    result = CliRunner().invoke(root, args)
    assert result.exit_code == 2
    assert f"参数有误：{message}" in result.stderr and result.stdout == ""
    assert "用法：python -m board" in result.stderr and "--help 查看说明" in result.stderr
    echoed = result.stderr
    for arg in args:  # what the user typed may be echoed back
        echoed = echoed.replace(arg, "")
    assert english_words(echoed) - allowed_words() == set(), result.stderr
