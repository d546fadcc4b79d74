"""Rendered downloads on disk, one folder per snapshot hash, keyed by everything else that shapes the bytes.

A published version changes only by a redaction (依法隐去), so the PDF a resident downloads is
made once and read from disk afterwards: a 4,000-line month costs seconds of CPU to render and
nothing to serve again.  A redaction deletes its version's folder (``drop_cached``): the files
made before it still hold the withdrawn text.  Bump RENDERER_VERSION whenever a renderer's
output changes; old entries are then simply never read again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from infra.settings import get_settings

log = logging.getLogger(__name__)

RENDERER_VERSION = "2026-11-30.1"
_HASH = re.compile(r"[0-9a-f]{64}")


def _folder(snapshot_hash: str) -> Path:
    # The hash names the folder; anything else is hashed first, so it never becomes a path of its own.
    name = snapshot_hash if _HASH.fullmatch(snapshot_hash) else hashlib.sha256(snapshot_hash.encode()).hexdigest()
    return get_settings().cache_dir / name


def cached_render(snapshot_hash: str, parts: tuple[str, ...], produce: Callable[[], bytes]) -> bytes:
    """The bytes stored for ``snapshot_hash`` under ``parts`` (plus RENDERER_VERSION), produced the first time."""
    key = hashlib.sha256("|".join((RENDERER_VERSION, *parts)).encode()).hexdigest()
    path = _folder(snapshot_hash) / key
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


def drop_cached(snapshot_hash: str) -> None:
    """Delete every file rendered from one snapshot (after a redaction).

    Entries of the earlier layout (``cache_dir/ab/<key>``, not findable by hash) go too: they may
    hold the withdrawn text and are never read again anyway. Only files named like such a key are
    deleted there, and a folder only once empty: the cache directory may be shared with other files.
    """
    shutil.rmtree(_folder(snapshot_hash), ignore_errors=True)
    for legacy in get_settings().cache_dir.glob("??"):
        if not (legacy.is_dir() and re.fullmatch(r"[0-9a-f]{2}", legacy.name)):
            continue
        for entry in legacy.iterdir():
            if _HASH.fullmatch(entry.name) and entry.is_file():
                entry.unlink(missing_ok=True)
        try:
            legacy.rmdir()
        except OSError:  # something else still lives there
            pass
