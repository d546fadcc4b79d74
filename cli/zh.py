"""Click in Simplified Chinese: help pages, usage errors and the value types every command uses.

Click writes its own texts in English ("Usage:", "Missing option", "No such command"); these
classes replace every one a user can see, and the value types refuse what would otherwise
fail deep inside a command (text that is not UTF-8, numbers no database column holds).
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from typing import cast

import click

PROG = "python -m board"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 110}
_SHOWN = 40  # characters of a refused value echoed back in a message


def shown(value) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


class ZhOption(click.Option):
    """An option whose help marks required ones as 必填."""

    def get_help_extra(self, ctx):
        extra = super().get_help_extra(ctx)
        if "required" in extra:
            extra["required"] = "必填"
        return extra


def _width(text: str) -> int:
    """Columns a text takes on a terminal: CJK characters are two wide."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, breaking between CJK characters and between ASCII words."""
    lines, line = [], ""
    for token in re.findall(r"[!-~]+|\s+|.", text):
        if _width(line + token) > width and line.strip():
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ZhFormatter(click.HelpFormatter):
    """Click's help layout, with Chinese headings and columns measured as a terminal shows CJK."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        for line in _wrap(text, max(self.width - self.current_indent, 20)):
            self.write(f"{indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max(_width(first) for first, _ in rows), col_max)
        text_width = max(self.width - first_width - col_spacing - self.current_indent, 20)
        hang = " " * (self.current_indent + first_width + col_spacing)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if _width(first) <= first_width:
                self.write(" " * (first_width - _width(first) + col_spacing))
            else:
                self.write("\n" + hang)
            self.write(f"\n{hang}".join(_wrap(second, text_width)) + "\n")


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class _Zh(click.Command):
    """Help pages and parsing of a command, in Chinese."""

    context_class = ZhContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def format_arguments(self, ctx, formatter) -> None:
        rows = [p.get_help_record(ctx) for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(help for _, help in rows):
            with formatter.section("参数"):
                formatter.write_dl(rows)

    def format_options(self, ctx, formatter) -> None:
        rows = [p.get_help_record(ctx) for p in self.get_params(ctx) if not isinstance(p, click.Argument)]
        rows = [row for row in rows if row is not None]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    def parse_args(self, ctx, args):
        # Let click collect extra arguments instead of failing in English, then refuse them here.
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as error:
            # The option parser raises without a context; the message needs it to name the command.
            error.ctx = error.ctx or ctx
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed:
            raise click.UsageError(f"多余的参数：{shown(' '.join(rest))}", ctx)
        return rest


class ZhCommand(_Zh, click.Command):
    pass


class ZhGroup(_Zh, click.Group):
    """A group that lists its commands in the order they were added and names a missing one in Chinese."""

    subcommand_metavar = "命令 [参数]..."

    def __init__(self, *args, **kwargs):
        kwargs.update(invoke_without_command=True, no_args_is_help=False, subcommand_metavar=self.subcommand_metavar)
        super().__init__(*args, **kwargs)
        inner = self.callback

        def require_command(*cb_args, **cb_kwargs):
            ctx = click.get_current_context()
            if ctx.invoked_subcommand is None:
                raise click.UsageError(f"缺少命令，可选：{'、'.join(self.commands)}", ctx)
            return inner(*cb_args, **cb_kwargs) if inner else None

        self.callback = require_command

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        rows = [(name, command.short_help or command.help or "") for name, command in self.commands.items()]
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


def command(group: click.Group | None, name: str, help: str, **kwargs):
    """``@group.command`` with a Chinese help page; ``help`` is also the line in the group's list.

    Without a group the command stands alone, for ``cli.main`` to add.
    """
    return (group.command if group else click.command)(name, cls=ZhCommand, help=help, short_help=help, **kwargs)


def subgroup(group: click.Group | None, name: str, help: str) -> ZhGroup:
    made = (group.group if group else click.group)(name, cls=ZhGroup, help=help, short_help=help)(lambda: None)
    return cast(ZhGroup, made)  # click types group() as returning a plain Group whatever ``cls`` is


def option(*decls: str, metavar: str | None = None, **kwargs):
    """An option with a Chinese metavar (click would print TEXT or INTEGER); flags need none."""
    if not kwargs.get("is_flag"):
        kwargs.setdefault("type", TEXT)
        if metavar is None:
            raise TypeError(f"option {decls} needs a metavar")
    return click.option(*decls, cls=ZhOption, metavar=metavar, **kwargs)


def argument(name: str, metavar: str, help: str, **kwargs):
    kwargs.setdefault("type", TEXT)
    return click.argument(name, metavar=metavar, help=help, **kwargs)


class Text(click.ParamType):
    """Any text that can be stored and printed: UTF-8, without NUL."""

    name = "text"

    def convert(self, value, param, ctx):
        value = str(value)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("含有无法识别的字符（不是 UTF-8 编码的文字）", param, ctx)
        if "\x00" in value:
            self.fail("含有不能使用的控制字符", param, ctx)
        return value


TEXT = Text()


class Integer(click.ParamType):
    """A whole number between ``low`` and ``high`` (database ids fit in 32 bits)."""

    name = "integer"

    def __init__(self, low: int = 1, high: int = 2**31 - 1):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        try:
            number = value if isinstance(value, int) else int(str(value).strip())
        except ValueError:
            self.fail(f"“{shown(value)}”不是整数", param, ctx)
        if not self.low <= number <= self.high:
            self.fail(f"“{shown(value)}”应在 {self.low} 到 {self.high} 之间", param, ctx)
        return number


ID = Integer()


class Seconds(click.ParamType):
    """A positive number of seconds up to ``high``."""

    name = "seconds"

    def __init__(self, high: float):
        self.high = high

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except ValueError:
            self.fail(f"“{shown(value)}”不是数字", param, ctx)
        if not math.isfinite(number) or not 0 < number <= self.high:
            self.fail(f"“{shown(value)}”应大于 0 且不超过 {self.high:g}", param, ctx)
        return number


class OneOf(click.ParamType):
    """One of a fixed list of words."""

    name = "choice"

    def __init__(self, choices):
        self.choices = tuple(choices)

    def get_metavar(self, param, ctx) -> str:
        return "[" + "|".join(self.choices) + "]"

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        self.fail(f"“{shown(value)}”不在可选范围内，可选：{'、'.join(self.choices)}", param, ctx)


def _hint(param) -> str:
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return param.human_readable_name


def usage_error_text(error: click.UsageError) -> str:
    """The Chinese sentence for a usage error raised by click or by these classes."""
    if isinstance(error, click.NoSuchCommand):
        names = "、".join(error.possibilities or ())
        return f"没有这个命令：{shown(error.command_name)}" + (f"。可用的命令：{names}" if names else "")
    if isinstance(error, click.MissingParameter):
        return f"缺少参数 {_hint(error.param)}"
    if isinstance(error, click.NoSuchOption):
        text = f"没有这个选项：{shown(error.option_name)}"
        if error.possibilities:
            text += f"（是不是要写 {'、'.join(error.possibilities)}？）"
        return text
    if isinstance(error, click.BadOptionUsage):
        params = error.ctx.command.params if error.ctx else []
        flag = any(error.option_name in p.opts and getattr(p, "is_flag", False) for p in params)
        return f"选项 {error.option_name} 不需要取值" if flag else f"选项 {error.option_name} 后面缺少取值"
    if isinstance(error, click.BadParameter):
        return f"{_hint(error.param)} 取值无效：{error.message}"
    return error.message


def show_usage_error(error: click.UsageError) -> None:
    if error.ctx is not None:
        print(error.ctx.get_usage(), file=sys.stderr)
    print(f"参数有误：{usage_error_text(error)}", file=sys.stderr)
    if error.ctx is not None:
        print(f"（用 {error.ctx.command_path} --help 查看说明）", file=sys.stderr)
