"""Shared by the bench scripts: run a function several times and keep every duration."""

from __future__ import annotations

import time


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out
