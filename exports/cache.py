"""Rendered downloads on disk, keyed by the snapshot hash and everything else that shapes the bytes.

A published version never changes (a correction is a new version with a new hash), so the
PDF a resident downloads is made once and read from disk afterwards: a 4,000-line month
costs seconds of CPU to render and nothing to serve again.  Bump RENDERER_VERSION whenever
a renderer's output changes; old entries are then simply never read again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable

from infra.settings import get_settings

log = logging.getLogger(__name__)

RENDERER_VERSION = "2026-11-30.1"


def cached_render(parts: tuple[str, ...], produce: Callable[[], bytes]) -> bytes:
    """The bytes stored under ``parts`` (plus RENDERER_VERSION), producing and storing them the first time."""
    key = hashlib.sha256("|".join((RENDERER_VERSION, *parts)).encode()).hexdigest()
    path = get_settings().cache_dir / key[:2] / key
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = produce()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader never sees half a file, two writers never mix.
        partial = path.with_name(f"{key}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError as error:
        log.warning("download cache not writable (%s): serving without it", error.strerror)
    return data
