"""``python -m board serve``: the public site's files over HTTP (residents' phones and kiosks)."""

from __future__ import annotations

from pathlib import Path

import click

from board.errors import BoardError
from cli.common import Globals
from cli.zh import Integer, command, option
from infra.settings import get_settings
from infra.static_server import serve


@command(None, "serve", help="提供公开栏静态网页（手机和大屏访问；默认 127.0.0.1:8502）")
@option("--dir", "directory", metavar="目录", help="网页目录（默认为设置 SANWU_PUBLIC_DIR 所指的目录）")
@option("--host", default="127.0.0.1", metavar="地址", help="监听地址（对外提供时用 0.0.0.0）")
@option("--port", type=Integer(1, 65535), default=8502, metavar="端口", help="端口（默认 8502）")
@option("--workers", type=Integer(1, 64), default=1, metavar="个数", help="工作进程数（一般等于处理器核数）")
@click.pass_obj
def cmd_serve(g: Globals, directory: str | None, host: str, port: int, workers: int) -> int:
    root = Path(directory) if directory else get_settings().public_dir
    if not (root / "index.html").is_file():
        raise BoardError(f"{root} 里还没有公开网页：请先运行 python -m board export html -o {root}", field="目录")

    def ready(bound: int) -> None:
        print(f"公开栏网页：http://{host}:{bound}/ （目录 {root}，按 Ctrl+C 停止）", flush=True)

    try:
        serve(root, host=host, port=port, workers=workers, ready=ready)
    except OSError as error:
        raise BoardError(f"无法在 {host}:{port} 上提供网页：{error.strerror}", field="端口") from None
    return 0
