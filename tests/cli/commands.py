"""The command tree of ``python -m board``, for tests that visit every command."""

from __future__ import annotations

import click

from cli.main import root


def command_paths(group: click.Group = root, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every group and command, as the words that name it (the root is ``()``)."""
    paths = [path]
    for name, command in group.commands.items():
        paths += command_paths(command, (*path, name)) if isinstance(command, click.Group) else [(*path, name)]
    return paths


def leaf_paths() -> list[tuple[str, ...]]:
    return [path for path in command_paths() if not isinstance(lookup(path), click.Group)]


def lookup(path: tuple[str, ...]) -> click.Command:
    command = root
    for name in path:
        command = command.commands[name]
    return command
