"""warcio's reading of one WARC file, record by record, with each record's place in the file.

    for offset, length, record in WarcRecords("crawl.warc.gz"):
        ...

The warcio half of :class:`archive.warc.reader.Records` (the reference reader). ``offset`` and
``length`` are the record's place in the file as stored (the gzip member in a ``.warc.gz``), as
warcio, cdxj-indexer and pywb count them; ``record`` is warcio's ``ArcWarcRecord``, its content
spooled (valid until the next record is asked for). wget's ``<...>`` target URIs are
unwrapped; a truncated tail ends the iteration with a logged warning, ``problem`` and
``good_end`` telling what happened. docs/warc.md, "Reading WARC files", has the details.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

log = logging.getLogger(__name__)

#: records up to this size stay in memory while handed out; bigger ones spill to a temp file
SPOOL_MAX = 1024 * 1024
_READ = 64 * 1024


class RecordAt(NamedTuple):
    """One record and where it is stored in its file."""

    offset: int
    length: int
    record: ArcWarcRecord


def unwrap_target_uri(uri: str | None) -> str | None:
    """``<http://x/>`` (wget 1.19+) -> ``http://x/``; anything else unchanged."""
    if uri is not None and len(uri) >= 2 and uri.startswith("<") and uri.endswith(">"):
        return uri[1:-1]
    return uri


class WarcRecords:
    """The records of one WARC file (path or binary stream), as :class:`RecordAt` tuples.

    After iterating, ``problem`` is None when every record was read whole, otherwise a short
    description of what was wrong (several joined by ``; ``); ``good_end`` is the offset just
    past the last complete record that was yielded; ``count`` how many were yielded.

    In a ``.warc.gz``, a record shorter than its Content-Length whose gzip member is followed
    by more members (a damaged record, not a tail) is skipped with a warning and reading goes
    on with the next member; anywhere else a short record ends the iteration.
    """

    def __init__(self, source: str | os.PathLike[str] | IO[bytes], name: str | None = None):
        self.source = source
        if name is None:
            name = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "<stream>"
        self.name = name
        self.problems: list[str] = []
        self.good_end = 0
        self.count = 0

    @property
    def problem(self) -> str | None:
        """All problems met, joined by ``; ``, or None."""
        return "; ".join(self.problems) or None

    def __iter__(self) -> Iterator[RecordAt]:
        if isinstance(self.source, (str, os.PathLike)):
            with open(self.source, "rb") as fh:
                yield from self._iterate(fh)
        else:
            yield from self._iterate(self.source)

    def _iterate(self, fh: IO[bytes]) -> Iterator[RecordAt]:
        from warcio.archiveiterator import ArchiveIterator

        self.problems = []
        self.count = 0
        try:
            self.good_end = fh.tell()
        except (OSError, AttributeError):
            self.good_end = 0
        head = _sniff(fh)
        if head == b"":
            self._stop("empty file: not a WARC file")
            return
        if head is not None:
            self._stop(f"not a WARC file (it starts with {head[:20]!r})")
            return
        it = ArchiveIterator(fh, arc2warc=True)
        spool: IO[bytes] | None = None
        try:
            while True:
                if spool is not None:
                    spool.close()
                    spool = None
                try:
                    record = next(it)
                    offset_guess = it.offset
                    spool, remaining = _buffer(record)
                    offset, length = it.get_record_offset(), it.get_record_length()
                    spool.seek(0)
                    record.raw_stream = spool
                except StopIteration:
                    break
                except Exception as exc:  # warcio raises a zoo of types on damaged input
                    self._stop(f"unreadable record after offset {self.good_end}: "
                               f"{type(exc).__name__}: {_first_line(exc)}")
                    return
                if length < 0 or offset < self.good_end:
                    # warcio's offsets run backwards when several records share one gzip
                    # member (the whole file gzipped at once): no record has an offset
                    self._stop(f"several records share the gzip member at offset {offset}: "
                               "records cannot be told apart by offset (write one gzip member "
                               "per record; `warcio recompress` rewrites such a file)")
                    return
                if remaining > 0:
                    where = f"record at offset {offset_guess} is {remaining} bytes short"
                    if it.reader.decompressor is not None and _more_after(fh, offset + length):
                        self._warn(f"{where} of its Content-Length (damaged), skipped")
                        continue
                    self._stop(f"truncated {where} of its Content-Length")
                    return
                uri = record.rec_headers.get_header("WARC-Target-URI")
                fixed = unwrap_target_uri(uri)
                if fixed != uri:
                    record.rec_headers.replace_header("WARC-Target-URI", fixed)
                self.good_end = offset + length
                self.count += 1
                yield RecordAt(offset, length, record)
        finally:
            if spool is not None:
                spool.close()
            it.close()
        self._check_tail(fh)

    def _check_tail(self, fh: IO[bytes]) -> None:
        """Warn about bytes after the last record that are not blank lines (a lost record)."""
        try:
            fh.seek(self.good_end)
        except (OSError, AttributeError, ValueError):
            return
        extra = 0
        while True:
            chunk = fh.read(_READ)
            if not chunk:
                break
            if extra or chunk.strip(b"\r\n"):
                extra += len(chunk)
        if extra:
            self._stop(f"{extra} bytes after offset {self.good_end} are not a complete record "
                       "(truncated tail)")

    def _stop(self, problem: str) -> None:
        self.problems.append(problem)
        log.warning("%s: %s; stopped after %d records", self.name, problem, self.count)

    def _warn(self, problem: str) -> None:
        self.problems.append(problem)
        log.warning("%s: %s", self.name, problem)


def iter_records(source: str | os.PathLike[str] | IO[bytes]) -> Iterator[RecordAt]:
    """Shorthand for ``iter(WarcRecords(source))`` when the caller needs no ``problem``."""
    return iter(WarcRecords(source))


def _more_after(fh: IO[bytes], end: int) -> bool:
    """Whether the file has bytes after offset ``end`` (False when it cannot tell)."""
    try:
        pos = fh.tell()
        size = fh.seek(0, os.SEEK_END)
        fh.seek(pos)
    except (OSError, AttributeError, ValueError):
        return False
    return size > end


def _buffer(record: ArcWarcRecord) -> tuple[IO[bytes], int]:
    """Read the record's remaining raw content into a spool (the caller swaps it in).

    Returns the spool and how many bytes the record's Content-Length promised but the file
    did not have (0 for a complete record).
    """
    raw = record.raw_stream
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)
    try:
        while True:
            chunk = raw.read(_READ)
            if not chunk:
                break
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    return spool, getattr(raw, "limit", 0) or 0


_MAGIC_WARC = b"WARC/"
_MAGIC_ARC = b"filedesc://"


def _sniff(fh: IO[bytes]) -> bytes | None:
    """The first bytes of the (decompressed) file, when they show it is not a WARC/ARC
    (``b""`` for an empty file).

    Returns None when the file looks like a WARC or ARC, is too short to tell, or cannot be
    peeked at (not seekable); warcio would otherwise take any line of five words for an ARC
    header and make a record of it.
    """
    try:
        pos = fh.tell()
        start = fh.read(4096)
        fh.seek(pos)
    except (OSError, AttributeError, ValueError):
        return None
    if not start and pos == 0:
        return b""  # an empty file
    if start[:2] == b"\x1f\x8b":
        try:
            start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(start, 64)
        except zlib.error:
            return None  # let warcio report the damage
    start = start.lstrip(b"\r\n")
    if len(start) < len(_MAGIC_ARC) and (_MAGIC_WARC.startswith(start[:5])
                                        or _MAGIC_ARC.startswith(start)):
        return None  # too short to tell: a truncated start, reported as such later
    if start.startswith(_MAGIC_WARC) or start.startswith(_MAGIC_ARC):
        return None
    return start


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""

