"""An exclusive lock on an output root, so two runs never write the same files.

``OutputLock(root, name)`` takes ``fcntl.flock`` on ``<root>/<name>`` and writes the holder's
pid, host and start time into it. The kernel drops a flock when its process dies, however it
dies, so a lock left by a killed process is never stale: the next taker simply gets it (and
the file still names the dead holder, which :meth:`OutputLock.holder` reports).

Two names are used: ``crawl.lock`` by every ``scrapy crawl`` process (one crawl per root at a
time) and ``run.lock`` by ``python -m archive run`` (one scheduled run per root at a time; its
crawls then take ``crawl.lock`` one after another).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path
from typing import Any


class LockedError(RuntimeError):
    """Another live process holds the lock."""


#: how often a lock held by another process is tried again while waiting for it
RETRY_SECONDS = 0.2


def flock_within(fd: int, operation: int, wait: float) -> bool:
    """``fcntl.flock(fd, operation)`` (``LOCK_EX`` or ``LOCK_SH``), tried every
    :data:`RETRY_SECONDS` for up to ``wait`` seconds; False if another process still holds
    the lock then (``fd`` stays open: the caller closes it or tries again)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, operation | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(RETRY_SECONDS)


class OutputLock:
    """Exclusive, crash-safe lock file; see the module docstring."""

    def __init__(self, root: str | os.PathLike[str], name: str = "crawl.lock") -> None:
        self.path = Path(root) / name
        self._fd: int | None = None

    def holder(self) -> dict[str, Any]:
        """What the lock file says about its (last) holder."""
        try:
            return json.loads(self.path.read_text("utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to ``wait`` seconds; raise LockedError if it stays held."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not flock_within(fd, fcntl.LOCK_EX, wait):
            os.close(fd)
            info = self.holder()
            since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(info.get("started", 0)))
            raise LockedError(
                f"{self.path.parent} is in use by another run (pid {info.get('pid')} "
                f"on {info.get('host')}, since {since}); not starting")
        previous = self.holder()
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "started": time.time()}).encode())
        os.fsync(fd)
        self._fd = fd
        self.previous = previous

    def release(self) -> None:
        """Drop the lock (also dropped by the kernel when the process exits)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
