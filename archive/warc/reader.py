"""Reading WARC and ARC files: the one API the tools read records through.

* :class:`Records` -- every record of one file, in order, as ``(offset, length, record)``;
* :func:`record_at` -- the one record that starts at an offset;
* :class:`MemberStream` -- the bytes themselves, gzip member by member (``check``, ``--repair``).

warcio (:mod:`archive.warc.records`, :mod:`archive.warc.pointer`) is the reference reader and
the default. ``fast=True`` asks for FastWARC (:mod:`archive.warc.fastread`): used where it reads
a file exactly as warcio would, else warcio reads it; its records are the subset of warcio's
that replay uses. :func:`fast_enabled` says whether FastWARC is installed and not turned off
(``NEWSARCHIVE_WARC_READER=warcio``). More: docs/warc.md, "Reading WARC files".
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from archive.warc import fastread
from archive.warc.check.framing import MemberStream
from archive.warc.pointer import record_at as warcio_record_at
from archive.warc.records import RecordAt, WarcRecords, unwrap_target_uri

__all__ = ["MemberStream", "RecordAt", "Records", "fast_enabled", "record_at",
           "unwrap_target_uri"]

log = logging.getLogger(__name__)

#: ``want_body(rec_type, rec_headers)``: whether a fast scan keeps a record's content
WantBody = Callable[[str | None, Any], bool]


def fast_enabled() -> bool:
    """Whether FastWARC is installed and not turned off by ``NEWSARCHIVE_WARC_READER``."""
    return fastread.enabled()


class Records:
    """The records of one file (path or binary stream) as :class:`RecordAt` tuples.

    By warcio (:class:`~archive.warc.records.WarcRecords`: a truncated or damaged tail ends
    the iteration with ``problem`` set, wget's ``<...>`` target URIs unwrapped). With
    ``fast=True`` and FastWARC enabled, a file is first scanned whole by FastWARC, keeping the
    content of the records ``want_body`` names (all when None); any doubt (see
    :mod:`archive.warc.fastread`) and warcio reads it instead, as if ``fast`` were off.
    After iterating: ``problem`` (None when every record was read whole), ``good_end``,
    ``count``, and ``reader`` (``"fastwarc"`` or ``"warcio"``).
    """

    def __init__(self, source: str | os.PathLike[str] | IO[bytes], name: str | None = None, *,
                 fast: bool = False, want_body: WantBody | None = None) -> None:
        self.source = source
        self.name = name
        self.fast = fast
        self.want_body = want_body
        self.reader: str | None = None
        self._warcio: WarcRecords | None = None
        self._fast_count = 0
        self._fast_end = 0

    @property
    def problem(self) -> str | None:
        """What was wrong with the file (warcio's reading), or None."""
        return self._warcio.problem if self._warcio is not None else None

    @property
    def good_end(self) -> int:
        """The offset just past the last complete record read."""
        return self._warcio.good_end if self._warcio is not None else self._fast_end

    @property
    def count(self) -> int:
        """How many records were read."""
        return self._warcio.count if self._warcio is not None else self._fast_count

    def __iter__(self) -> Iterator[RecordAt]:
        found = self._fast_scan()
        if found is not None:
            self.reader, self._warcio = "fastwarc", None
            self._fast_count = len(found)
            self._fast_end = found[-1].offset + found[-1].length if found else 0
            yield from found
            return
        self.reader = "warcio"
        self._warcio = WarcRecords(self.source, self.name)
        yield from self._warcio

    def _fast_scan(self) -> list[RecordAt] | None:
        """The whole file read by FastWARC, or None when warcio must read it."""
        if not self.fast or not isinstance(self.source, (str, os.PathLike)) \
                or not fast_enabled():
            return None
        try:
            return fastread.scan(self.source, self.want_body)
        except (fastread.FallBack, OSError) as exc:
            log.debug("%s: read with warcio (%s)", self.source, exc)
            return None


@contextmanager
def record_at(path: str | os.PathLike[str], offset: int, *, fast: bool = False,
              arc2warc: bool = False) -> Iterator[Any]:
    """The record that starts at ``offset`` of ``path``, valid inside the ``with`` block.

    By warcio (:func:`archive.warc.pointer.record_at`: ValueError when no record starts
    there; ``arc2warc``: an ARC record gets WARC headers, as :class:`Records` reads them);
    with ``fast=True`` and FastWARC enabled, by FastWARC where it reads that record as warcio
    does (its content kept), else by warcio.
    """
    record = None
    if fast and fast_enabled():
        try:
            record = fastread.record_at(path, offset)
        except fastread.FallBack:
            record = None
    if record is not None:
        yield record
        return
    with warcio_record_at(path, offset, arc2warc) as record:
        yield record
