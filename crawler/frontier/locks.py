"""Locks of an output root shared by several frontier workers.

A plain crawl holds ``crawl.lock`` exclusively (:class:`archive.store.lock.OutputLock`): one crawl
per output root. Workers of a shared frontier may write into one output root together (one
machine running several, or a shared file system), each into its own files, so
:class:`WorkerLock`

More: docs/modules.md, ``crawler/frontier/locks.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from archive.store.lock import LockedError, flock_within

#: ``<prefix>-<stamp>-<serial>-<pid>~<host>.warc[.gz].open`` (archive.warc.writer's file names)
_WRITER = re.compile(r"-(\d+)~(.+?)\.warc(?:\.gz)?\.open$")


def _host() -> str:
    return "".join(c if c.isalnum() or c in "-." else "-" for c in socket.gethostname())


def worker_lock_name(pid: int, host: str) -> str:
    """File name (under ``locks/``) of the lock of the worker ``pid`` on ``host``."""
    return f"crawl-{pid}~{host}.lock"


class WorkerLock:
    """Shared ``crawl.lock`` + this process's own lock; see the module docstring."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.shared_path = self.root / "crawl.lock"
        self.dir = self.root / "locks"
        self.path = self.dir / worker_lock_name(os.getpid(), _host())
        self._shared: int | None = None
        self._own: int | None = None

    def acquire(self, wait: float = 0.0) -> None:
        """Take both locks; LockedError if a plain crawl holds ``crawl.lock`` past ``wait``."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.shared_path, os.O_RDWR | os.O_CREAT, 0o644)
        if not flock_within(fd, fcntl.LOCK_SH, wait):
            os.close(fd)
            raise LockedError(
                f"{self.root} is in use by a crawl without the shared frontier "
                f"({_holder(self.shared_path)}); not starting")
        self._shared = fd
        own = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(own, fcntl.LOCK_EX)  # our own pid: nobody else holds it for long
        os.ftruncate(own, 0)
        os.write(own, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                  "started": time.time()}).encode())
        self._own = own

    def release(self) -> None:
        """Drop both locks and remove this process's lock file."""
        if self._own is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            fcntl.flock(self._own, fcntl.LOCK_UN)
            os.close(self._own)
            self._own = None
        if self._shared is not None:
            fcntl.flock(self._shared, fcntl.LOCK_UN)
            os.close(self._shared)
            self._shared = None

    @contextlib.contextmanager
    def recovering(self) -> Iterator[None]:
        """Hold ``locks/recovery.lock`` (one worker repairs leftovers at a time)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / "recovery.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def writer_is_dead(self, open_file: Path) -> bool:
        """Is the process that wrote this ``.open`` WARC gone (so its file may be repaired)?

        Its lock file missing (it never was a frontier worker, or its lock was cleaned up) or
        free (the kernel dropped it with the process) means dead; a held lock means alive.
        A name that does not say which process wrote it counts as dead, as before.
        """
        if not open_file.exists():
            return False  # repaired meanwhile by another worker
        match = _WRITER.search(open_file.name)
        if match is None:
            return True
        pid, host = int(match.group(1)), match.group(2)
        if pid == os.getpid() and host == _host():
            return False
        lock = self.dir / worker_lock_name(pid, host)
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing drops the probe's lock too
        with contextlib.suppress(OSError):
            lock.unlink()
        return True


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text("utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    return f"pid {info.get('pid')} on {info.get('host')}" if info else "holder unknown"
