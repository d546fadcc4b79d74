"""A published version's downloads are rendered once and then served from the disk cache."""

from __future__ import annotations

from board.public import published_snapshot
from board.villages import get_village
from exports.cache import drop_cached
from exports.downloads import published_file, snapshot_file
from infra.db import get_engine, unit_of_work
from tests.helpers import DEMO_END


def test_second_click_is_served_from_the_cache(demo_url, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SANWU_CACHE_DIR", str(cache))
    engine = get_engine(demo_url)
    first = published_file(engine, "DEMO", DEMO_END, 1, "pdf")
    assert first.startswith(b"%PDF")
    [entry] = [p for p in cache.rglob("*") if p.is_file()]
    assert entry.read_bytes() == first
    entry.write_bytes(b"%PDF-from-the-cache")  # what is served now comes from the disk, not a renderer
    assert published_file(engine, "DEMO", DEMO_END, 1, "pdf") == b"%PDF-from-the-cache"
    # Anything that shapes the bytes is part of the key: another paper size or base URL renders afresh.
    with unit_of_work(engine) as session:
        snapshot = published_snapshot(session, get_village(session, "DEMO"), DEMO_END, version=1)
    assert snapshot_file(snapshot, "pdf", size="A3").data.startswith(b"%PDF-1")
    assert snapshot_file(snapshot, "pdf", base_url="https://gongkai.example.cn").data.startswith(b"%PDF-1")
    assert published_file(engine, "DEMO", DEMO_END, 1, "csv") == published_file(engine, "DEMO", DEMO_END, 1, "csv")
    assert len([p for p in cache.rglob("*") if p.is_file()]) == 4


def test_dropping_a_version_removes_only_cache_entries(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SANWU_CACHE_DIR", str(cache))
    version = cache / ("a" * 64)
    (version / ("1" * 64)).parent.mkdir(parents=True)
    (version / ("1" * 64)).write_bytes(b"pdf")
    legacy = cache / "ab"  # the earlier layout: entries straight under two hex characters
    legacy.mkdir()
    (legacy / ("2" * 64)).write_bytes(b"pdf")
    shared = cache / "cd"  # a folder of the same shape holding something else
    shared.mkdir()
    (shared / ("3" * 64)).write_bytes(b"pdf")
    (shared / "notes.txt").write_text("kept", encoding="utf-8")
    (shared / ("4" * 64)).mkdir()
    other = cache / "other"
    other.mkdir()
    (other / ("5" * 64)).write_bytes(b"kept")

    drop_cached("a" * 64)

    left = sorted(str(p.relative_to(cache)) for p in cache.rglob("*"))
    assert left == ["cd", "cd/" + "4" * 64, "cd/notes.txt", "other", "other/" + "5" * 64]
