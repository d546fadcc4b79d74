"""``python -m board serve``: the public site's files over HTTP (residents' phones and kiosks)."""

from __future__ import annotations

from pathlib import Path

from board.errors import BoardError
from infra.settings import get_settings
from infra.static_server import serve


def cmd_serve(args) -> int:
    root = Path(args.dir) if args.dir else get_settings().public_dir
    if not (root / "index.html").is_file():
        raise BoardError(f"{root} 里还没有公开网页：请先运行 python -m board export html -o {root}", field="目录")

    def ready(port: int) -> None:
        print(f"公开栏网页：http://{args.host}:{port}/ （目录 {root}，按 Ctrl+C 停止）", flush=True)

    try:
        serve(root, host=args.host, port=args.port, workers=args.workers, ready=ready)
    except OSError as error:
        raise BoardError(f"无法在 {args.host}:{args.port} 上提供网页：{error.strerror}", field="端口") from None
    return 0


def register(sub) -> None:
    p = sub.add_parser("serve", help="提供公开栏静态网页（手机和大屏访问；默认 127.0.0.1:8502）")
    p.add_argument("--dir", help="网页目录（默认 SANWU_PUBLIC_DIR，即 data/public）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（对外提供时用 0.0.0.0）")
    p.add_argument("--port", type=int, default=8502)
    p.add_argument("--workers", type=int, default=1, help="工作进程数（一般等于 CPU 核数）")
    p.set_defaults(func=cmd_serve)
