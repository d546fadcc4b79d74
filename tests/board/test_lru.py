"""The bounded cache behind the verified records and the board views."""

from __future__ import annotations

from board.lru import LRU


def test_the_least_recently_used_goes_first():
    cache: LRU[str, int] = LRU(entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_weight_bounds_the_total_and_the_newest_stays():
    cache: LRU[str, str] = LRU(entries=10, max_weight=100)
    cache.put("a", "x", weight=60)
    cache.put("b", "y", weight=30)
    cache.put("a", "x2", weight=50)  # replaced, not counted twice: 80 in all
    assert (cache.get("a"), cache.get("b")) == ("x2", "y")  # "a" is now the oldest
    cache.put("c", "z", weight=40)  # 120: the oldest goes, 70 left
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, "y", "z")
    cache.put("big", "w", weight=500)  # alone over the limit: everything else goes, it stays
    assert (cache.get("b"), cache.get("c"), cache.get("big")) == (None, None, "w")
    cache.clear()
    assert cache.get("big") is None
