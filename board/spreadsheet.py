"""Cells that a spreadsheet program must not evaluate: user text starting like a formula."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: _T) -> _T | str:
    """Keep spreadsheet programs from evaluating user text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
