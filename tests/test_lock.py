"""archive.store.lock: a lock held by another holder is waited for up to a deadline, then
refused with a one-line LockedError naming the holder; one that is free is taken."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from archive.store.lock import LockedError, OutputLock, flock_within


def test_flock_within_waits_up_to_its_deadline(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    holder = os.open(path, os.O_RDWR | os.O_CREAT)
    other = os.open(path, os.O_RDWR)  # another open file: flock sees another holder
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        start = time.monotonic()
        assert not flock_within(other, fcntl.LOCK_SH, 0.3)
        assert time.monotonic() - start >= 0.3
        assert not flock_within(other, fcntl.LOCK_EX, 0)
        fcntl.flock(holder, fcntl.LOCK_UN)
        assert flock_within(other, fcntl.LOCK_EX, 0)
    finally:
        os.close(holder)
        os.close(other)


def test_a_second_output_lock_is_refused_and_names_the_holder(tmp_path: Path) -> None:
    with OutputLock(tmp_path):
        with pytest.raises(LockedError) as refused:
            OutputLock(tmp_path).acquire(wait=0.2)
        message = str(refused.value)
        assert f"pid {os.getpid()}" in message and "\n" not in message
    with OutputLock(tmp_path) as again:  # released: taken at once
        assert again.previous["pid"] == os.getpid()
