"""CDXJ index of WARC files, in the format pywb and cdxj-indexer read and write.

One line per record::

    <SURT key> <14-digit timestamp> <JSON>

    com,example)/news/1 20240102030405 {"url": "https://example.com/news/1", "mime": "text/html",
        "status": "200", "digest": "3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "length": "812",
        "offset": "1043", "filename": "crawl-00001.warc.gz"}

More: docs/modules.md, ``archive/warc/indexer.py``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from archive.warc.reader import RecordAt, Records

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

log = logging.getLogger(__name__)

#: record types indexed by default (pywb's and cdxj-indexer's defaults)
DEFAULT_TYPES = ("response", "revisit", "resource", "metadata")
#: records of these types with this Content-Type are left out by default, as they do
_NOTES = ("resource", "metadata")
_MIME_END = re.compile(r"[;\s]")
_NO_PAYLOAD_DIGEST = ("warcinfo", "revisit")


@functools.lru_cache(maxsize=1)
def _surt_fn() -> Callable[[str], str]:
    import surt  # imported late: surt pulls in tldextract, not needed for `--help`

    return surt.surt


def surt_key(url: str) -> str:
    """The CDXJ key of ``url``: pywb's canonical SURT form (``surt.surt``)."""
    fn = _surt_fn()  # a missing surt package must fail loudly, not degrade the keys
    try:
        return fn(url)
    except Exception:  # surt rejects few inputs; cdxj-indexer falls back to the URL too
        return url


def _mime(record: ArcWarcRecord) -> str | None:
    if record.rec_type == "revisit":
        return "warc/revisit"
    if record.rec_type in ("response", "request"):
        value = record.http_headers.get_header("Content-Type") if record.http_headers else None
    else:
        value = record.rec_headers.get_header("Content-Type")
    if value is None:
        return None
    return _MIME_END.split(value, 1)[0].strip()


def _digest(record: ArcWarcRecord) -> str | None:
    value = record.rec_headers.get_header("WARC-Payload-Digest")
    if not value and record.rec_type not in _NO_PAYLOAD_DIGEST:
        sha1 = hashlib.sha1()
        stream = record.raw_stream
        pos = stream.tell()
        for chunk in iter(lambda: stream.read(65536), b""):
            sha1.update(chunk)
        stream.seek(pos)
        value = "sha1:" + base64.b32encode(sha1.digest()).decode("ascii")
    if value and value.startswith("sha1:"):
        value = value[len("sha1:"):]
    return value or None


class CDXJIndexer:
    """Makes CDXJ lines for WARC files; see the module docstring for the format."""

    def __init__(self, all_records: bool = False) -> None:
        self.all_records = all_records
        #: per file name that did not read to its end: (why, how many records were read)
        self.problems: dict[str, tuple[str, int]] = {}

    def wants(self, record: ArcWarcRecord) -> bool:
        """Whether ``record`` gets an index line."""
        rec_type = record.rec_type
        if rec_type == "warcinfo" or not record.rec_headers.get_header("WARC-Target-URI"):
            return False
        if self.all_records:
            return True
        if rec_type not in DEFAULT_TYPES:
            return False
        return not (rec_type in _NOTES and record.rec_headers.get_header("Content-Type")
                    == "application/warc-fields")

    def line(self, entry: RecordAt, filename: str) -> str | None:
        """The CDXJ line (with its newline) for one record, or None if it is not indexed."""
        offset, length, record = entry
        if not self.wants(record):
            return None
        status = None
        if record.rec_type in ("response", "revisit") and record.http_headers:
            status = record.http_headers.get_statuscode()
        return cdxj_line(
            record.rec_headers.get_header("WARC-Target-URI"),
            record.rec_headers.get_header("WARC-Date"),
            mime=_mime(record),
            status=status,
            digest=_digest(record),
            length=length,
            offset=offset,
            filename=filename,
        )

    def lines_for(self, warc: str | os.PathLike[str] | IO[bytes],
                  filename: str | None = None) -> list[str]:
        """Unsorted CDXJ lines of one WARC (a path, or a binary stream plus its ``filename``).

        A truncated or damaged tail stops the file with a logged warning; the reason is kept
        in ``self.problems[filename]`` with the number of records read before it.
        """
        if filename is None:
            if not isinstance(warc, (str, os.PathLike)):
                raise ValueError("filename is required when indexing a stream")
            filename = os.path.basename(os.fspath(warc))
        records = Records(warc, name=filename)
        lines = [line for entry in records if (line := self.line(entry, filename))]
        if records.problem:
            self.problems[filename] = (records.problem, records.count)
        return lines

    def index(self, warcs: Iterable[str | os.PathLike[str]]) -> list[str]:
        """Sorted, de-duplicated CDXJ lines of all ``warcs`` together."""
        lines: list[str] = []
        for warc in warcs:
            lines.extend(self.lines_for(warc))
        return sort_lines(lines)


def cdxj_line(
    url: str,
    warc_date: str,
    *,
    mime: str | None,
    status: str | None,
    digest: str | None,
    length: int,
    offset: int,
    filename: str,
) -> str | None:
    """One CDXJ line (with its newline); None (and a warning) for a malformed WARC-Date.

    The one formatter of index lines: :class:`CDXJIndexer` (reading WARCs) and
    :class:`archive.warc.writer.WarcWriter` (indexing records as it writes them) both use it.
    """
    from warcio.timeutils import iso_date_to_timestamp

    try:
        timestamp = iso_date_to_timestamp(warc_date)
    except Exception:
        log.warning("%s: record at offset %d has a bad WARC-Date %r, not indexed",
                    filename, offset, warc_date)
        return None
    fields: dict[str, str] = {"url": url}
    if mime is not None:
        fields["mime"] = mime
    if status is not None:
        fields["status"] = status
    if digest and digest.startswith("sha1:"):
        digest = digest[len("sha1:"):]
    if digest:
        fields["digest"] = digest
    fields["length"] = str(length)
    fields["offset"] = str(offset)
    fields["filename"] = filename
    return f"{surt_key(url)} {timestamp} {json.dumps(fields)}\n"


def write_index_lines(warc_path: str | os.PathLike[str], lines: Iterable[str]) -> Path:
    """Write ``lines`` (one file's index entries) sorted as ``<warc>.cdxj`` beside it,
    atomically; what :func:`write_index_for` writes, without reading the WARC again."""
    warc = Path(warc_path)
    out = warc.with_name(warc.name + ".cdxj")
    atomic_write(out, sort_lines(lines))
    return out


def sort_lines(lines: Iterable[str]) -> list[str]:
    """``LC_ALL=C sort -u`` of CDXJ lines: byte order of their UTF-8 form, no duplicates."""
    return sorted(set(lines), key=lambda s: s.encode("utf-8"))


def atomic_write(path: Path, lines: Iterable[str]) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            out.writelines(lines)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_index_for(warc_path: str | os.PathLike[str]) -> Path:
    """Write the sorted CDXJ index of a closed WARC beside it as ``<warc>.cdxj``.

    ``crawl-00001.warc.gz`` gets ``crawl-00001.warc.gz.cdxj``, written to a temporary name
    in the same directory and renamed into place, so a reader never sees half an index.
    Default record selection (see the module docstring). Returns the index path.
    Refuses a ``.open`` file: its name in the index would be wrong once it is renamed.
    """
    warc = Path(warc_path)
    if warc.name.endswith(".open"):
        raise ValueError(f"{warc} is still open; index it after it is closed and renamed")
    out = warc.with_name(warc.name + ".cdxj")
    atomic_write(out, CDXJIndexer().index([warc]))
    return out
