"""Advisory file locks that keep readers and writers of one embedded graph apart.

LadybugDB lets a read-only open read a database while another process writes it, so a
reader could see a build half-written, or a write-ahead log in the middle of being
written (which it reports as corruption). Two ``flock`` files next to the database fix
that between kg processes:

- ``PATH.kg-writer.lock``: held exclusively by a writable open for its whole life, so a
  second ``kg build`` fails at once, before it reads or extracts anything;
- ``PATH.kg-data.lock``: readers hold it shared while they are open; a writer holds it
  exclusively only while it writes (``Store.write``, ``kg query --write``), waiting a
  little for readers that are still open.

The kernel drops a lock when its process dies, so a killed build never leaves a stale one.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

__all__ = ["FileLock", "writer_lock_path", "data_lock_path", "process_lock"]

# One FileLock per lock file in this process: flock is per open file, so two opens in one
# process would lock each other out. ``kg build`` takes the writer lock before it reads
# its input and its store takes it again when it opens.
_PROCESS_LOCKS: dict[Path, "FileLock"] = {}


def writer_lock_path(db: Path) -> Path:
    """The lock a writable open holds for its whole life (beside the real file, symlinks resolved)."""
    db = db.resolve()
    return db.with_name(db.name + ".kg-writer.lock")


def data_lock_path(db: Path) -> Path:
    """The lock readers share and a writer takes while it writes (beside the real file)."""
    db = db.resolve()
    return db.with_name(db.name + ".kg-data.lock")


def process_lock(path: Path) -> FileLock:
    """The one ``FileLock`` of this process on ``path`` (re-entrant across its users)."""
    key = path.resolve()
    if key not in _PROCESS_LOCKS:
        _PROCESS_LOCKS[key] = FileLock(path)
    return _PROCESS_LOCKS[key]


class FileLock:
    """One ``flock`` on ``path`` (created when missing); re-entrant within one object."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0

    def acquire(self, *, shared: bool = False, timeout: float = 0.0) -> bool:
        """Take the lock; False when another process holds it (after ``timeout`` seconds).

        Raises ``OSError`` when the lock file cannot be created (a read-only directory).
        """
        if self._fd is not None:
            self._depth += 1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, mode)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)
        if not shared:  # who holds it, for the message another process gives
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd, self._depth = fd, 1
        return True

    def release(self) -> None:
        """Drop the lock (the outermost release of a re-entrant hold)."""
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth > 0:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def holder(self) -> str:
        """The pid the lock file names, or ''."""
        try:
            return self.path.read_text().strip()
        except OSError:
            return ""
