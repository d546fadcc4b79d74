"""Shared pieces of the ``python -m board export ...`` sub-commands."""

from __future__ import annotations

import argparse


def export_subparsers(sub) -> argparse._SubParsersAction:
    """The sub-parsers of the ``export`` command, created on first use.

    Several feature modules (html, pdf, ...) register under ``export``; argparse refuses a
    second ``add_parser("export")``, so the group is kept on ``sub`` and shared.
    """
    group = getattr(sub, "export_subparsers", None)
    if group is None:
        export = sub.add_parser("export", help="导出公开栏（静态网页、PDF 等）")
        group = export.add_subparsers(dest="export_format", required=True)
        sub.export_subparsers = group
    return group
