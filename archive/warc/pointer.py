"""warcio's reading of the one record at an offset (a record pointer's file and offset).

The warcio half of :func:`archive.warc.reader.record_at`, which the tools call; the file a
pointer names is found by :func:`archive.warc.inputs.find_warc`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator


@contextmanager
def record_at(path: str | Path, offset: int, arc2warc: bool = False) -> Iterator[Any]:
    """Open ``path``, seek to ``offset`` and yield the warcio record that starts there (an ARC
    record with WARC headers made up by warcio when ``arc2warc``, as whole files are read).

    Raises ValueError when no record starts at that offset. The record's streams are valid
    inside the ``with`` block only.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh, arc2warc=arc2warc)))
        except StopIteration:
            raise ValueError(f"{path}: no record at offset {offset}") from None
        except Exception as exc:  # warcio raises ArchiveLoadFailed and friends
            raise ValueError(f"{path}: no record at offset {offset}: {exc}") from exc
        yield record
