"""A bounded, thread-safe least-recently-used map: the in-process caches of results that never change
for a given key (verified records, board views).  Streamlit serves sessions from threads, so every
access holds the lock; values are computed outside it and two threads may compute the same one."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``entries`` values and, if given, ``max_weight`` in total (the oldest go first;
    the newest value stays even when it alone weighs more)."""

    def __init__(self, entries: int, max_weight: int | None = None) -> None:
        self.entries = entries
        self.max_weight = max_weight
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: K, value: V, weight: int = 1) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._weight -= old[1]
            self._items[key] = (value, weight)
            self._weight += weight
            while len(self._items) > self.entries or (
                self.max_weight is not None and self._weight > self.max_weight and len(self._items) > 1
            ):
                self._weight -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0
