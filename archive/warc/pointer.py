"""Follow a record pointer (file name + offset) back to the record it names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator


@contextmanager
def record_at(path: str | Path, offset: int) -> Iterator[Any]:
    """Open ``path``, seek to ``offset`` and yield the warcio record that starts there.

    Raises ValueError when no record starts at that offset. The record's streams are valid
    inside the ``with`` block only.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh)))
        except StopIteration:
            raise ValueError(f"{path}: no record at offset {offset}") from None
        except Exception as exc:  # warcio raises ArchiveLoadFailed and friends
            raise ValueError(f"{path}: no record at offset {offset}: {exc}") from exc
        yield record


def find_warc(root: str | Path, filename: str) -> Path:
    """The WARC named ``filename`` under ``root`` (``root/warc/`` first, then anywhere below)."""
    root = Path(root)
    direct = root / "warc" / filename
    if direct.exists():
        return direct
    for candidate in root.rglob(filename):
        return candidate
    raise FileNotFoundError(f"{filename} not found under {root}")
