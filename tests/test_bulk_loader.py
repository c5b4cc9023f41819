"""The loading thread of a first build (``kg.store.embedded._Loader``): a failed load stops the
build at its next file, and abandoning a load (a failed build, Ctrl-C) ends the thread, with
the new database closed, before the load files are removed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from kg.store.embedded import BulkFiles, EmbeddedStore, _Loader


def _loading_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kg-bulk-load"]


def test_bulk_loader_failure_is_raised_at_the_next_file(tmp_path: Path) -> None:
    def refused(ladybug, path):
        raise OSError(28, "No space left on device")

    loader = _Loader(tmp_path / "new.lbdb", refused)
    loader.begin()
    assert loader._done.wait(30)
    with pytest.raises(OSError, match="No space left"):
        loader.put("Paper", tmp_path / "Paper-0000.parquet")
    with pytest.raises(OSError, match="No space left"):
        loader.finish()
    loader.stop()
    assert not _loading_threads()


def test_bulk_loader_stopped_after_ctrl_c_ends_its_thread_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the build waits for the load, then the cleanup: the thread has ended (and
    closed the new database) when ``stop`` returns, not merely been given up on."""
    import ladybug

    execute = ladybug.Connection.execute

    def slow(self, query, *args, **kwargs):
        if isinstance(query, str) and query.startswith("COPY "):
            time.sleep(1.5)  # (a COPY under way; not one the interrupt can cut short)
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(ladybug.Connection, "execute", slow)
    with EmbeddedStore(tmp_path / "g.lbdb", writable=True) as store:
        files = BulkFiles.create(store.path)
        assert files is not None
        files.loader = loader = _Loader(files.dir / "new.lbdb", store._open_fresh)
        files.add_papers([{"id": "p1", "title": "A paper", "abstract": "Text.", "hash": "h", "extractor": "x"}])
        files.add_entities([{"key": "k", "name": "K", "type": "method", "aliases": [], "keys": ["k"]}])
        # Ctrl-C lands while the build waits for the load: the first wait raises it, with the
        # load under way (its COPY sleeps 1.5 s). (A real SIGINT from a timer thread raced the
        # build under a loaded machine: it could land before or after the wait.)
        wait, interrupted = loader._done.wait, []

        def ctrl_c(timeout=None):
            if not interrupted:
                time.sleep(0.3)
                interrupted.append(not loader._done.is_set())  # (the load still runs)
                raise KeyboardInterrupt
            return wait(timeout)

        monkeypatch.setattr(loader._done, "wait", ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            files.finished()
            loader.finish()
        assert interrupted == [True]
        files.close()
        assert loader._done.is_set() and not _loading_threads()
        assert loader._conn is None and loader._db is None
        assert not files.dir.exists()


def test_bulk_files_take_no_rows_of_nodes_after_links(tmp_path: Path) -> None:
    """Nodes after the first link would be loaded after it: refused, unless there are none."""
    files = BulkFiles(tmp_path)
    files.add_papers([{"id": "p1", "title": "A paper", "abstract": "Text."}])
    files.add_entities([{"key": "k", "name": "K", "type": "method", "aliases": [], "keys": ["k"]}])
    files.add_links([{"paper": "p1", "entity": "k", "role": "uses", "count": 1, "evidence": "Text."}])
    files.add_entities([])
    with pytest.raises(RuntimeError, match="after the links"):
        files.add_papers([{"id": "p2", "title": "Another", "abstract": "More."}])
    files.close()
