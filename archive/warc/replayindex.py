"""Look up archived HTTP responses by URL and method, for replaying a crawl from WARC files.

:class:`ReplayIndex` is what ``scrapy crawl <spider> -s WARC_REPLAY=...`` (see
:mod:`crawler.middlewares.warcreplay`) serves responses from, and it knows nothing of Scrapy:

    index = ReplayIndex.from_spec("data/warc")           # files, directories, globs, WACZ
    archived = index.fetch("https://news.example/")      # None when not archived
    archived.status, archived.headers, archived.body     # body as stored (still gzip if it was)
    archived.pointer                                     # RecordPointer dict of the record

More: docs/modules.md, ``archive/warc/replayindex.py``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.warc.indexer import CDXJIndexer, surt_key
from archive.warc.inputs import expand_spec
from archive.warc.reader import Records, record_at
from archive.warc.writer import RecordPointer

log = logging.getLogger(__name__)

PICKS = ("first", "last")
OPEN_SUFFIX = ".open"
_REVISIT_MIME = "warc/revisit"
#: an HTTP method: a token of letters (RFC 9110), not a protocol version
_METHOD = re.compile(r"[A-Z][A-Z-]*")


@dataclass
class IndexedRecord:
    """One indexed response or revisit record."""

    key: str  #: SURT key
    timestamp: str  #: 14-digit WARC-Date
    url: str  #: WARC-Target-URI
    path: Path  #: the WARC file
    offset: int
    length: int
    status: str | None = None
    mime: str | None = None
    digest: str | None = None  #: payload digest without ``sha1:``
    method: str | None = None  #: HTTP method, None until known
    order: tuple[int, int] = (0, 0)  #: (file rank, offset): tie-break after the timestamp

    @property
    def is_revisit(self) -> bool:
        """A revisit record (its payload lives in another record)."""
        return self.mime == _REVISIT_MIME

    @property
    def sort_key(self) -> tuple[str, tuple[int, int]]:
        """Chronological order: timestamp, then file rank and offset."""
        return (self.timestamp, self.order)


@dataclass
class ArchivedResponse:
    """An archived HTTP response, as stored: what a replay hands to the HTTP client side."""

    url: str  #: WARC-Target-URI of the looked-up record
    status: int
    protocol: str | None  #: ``HTTP/1.1``
    headers: list[tuple[str, str]]  #: HTTP headers as recorded, in order
    body: bytes  #: entity body as stored: content-encoded, possibly chunk-framed (other tools)
    pointer: dict[str, Any]  #: RecordPointer.to_dict() of the looked-up record
    ip_address: str | None = None
    truncated: str | None = None  #: WARC-Truncated of the record that held the payload
    original: dict[str, Any] | None = None  #: pointer of a revisit's original record
    capture: IndexedRecord | None = field(default=None, repr=False)


def _pointer(record: Any, capture: IndexedRecord) -> dict[str, Any]:
    headers = record.rec_headers
    return RecordPointer(
        filename=capture.path.name,
        offset=capture.offset,
        length=capture.length,
        record_id=headers.get_header("WARC-Record-ID") or "",
        warc_type=record.rec_type,
        target_uri=headers.get_header("WARC-Target-URI") or capture.url,
        warc_date=headers.get_header("WARC-Date") or "",
        payload_digest=headers.get_header("WARC-Payload-Digest"),
    ).to_dict()


def _strip_sha1(digest: str | None) -> str | None:
    if digest and digest.lower().startswith("sha1:"):
        return digest[5:]
    return digest or None


def _request_method(record: Any) -> str | None:
    """The method of a warcio ``request`` record (its request line's first word), or None
    when the record has none: wabac.js writes some request records that begin with a status
    line (``HTTP/1.1 200 OK``) instead, and their capture counts as ``GET``, its URL being
    the WARC-Target-URI."""
    http = record.http_headers
    if http is None:
        return None
    method = (http.protocol or "").strip().upper()
    if not _METHOD.fullmatch(method) or method.startswith("HTTP/"):
        return None
    return method


class ReplayIndex:
    """Captures of a set of WARC files, looked up by URL and method. See the module docstring."""

    def __init__(self, pick: str = "last") -> None:
        if pick not in PICKS:
            raise ValueError(f"pick must be one of {', '.join(PICKS)}, not {pick!r}")
        self.pick = pick
        self.files: list[Path] = []
        #: WARCs that had no usable .cdxj beside them and were indexed in memory
        self.built: list[Path] = []
        #: what the reader met in files indexed in memory (a truncated tail, not a WARC...)
        self.problems: list[str] = []
        self.unresolved_revisits = 0
        self._by_key: dict[str, list[IndexedRecord]] = defaultdict(list)
        self._by_digest: dict[str, list[IndexedRecord]] = defaultdict(list)
        self._seen: set[tuple[Path, int]] = set()
        self._real: dict[Path, Path] = {}  # WARC path -> resolved path, for de-duplication

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def from_spec(
        cls, spec: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], pick: str = "last"
    ) -> ReplayIndex:
        """An index of the WARCs named by ``spec`` (see :func:`archive.warc.inputs.expand_spec`)."""
        index = cls(pick=pick)
        for path in expand_spec(spec):
            index.add_warc(path)
        return index

    def add_warc(self, path: str | os.PathLike[str]) -> None:
        """Add one WARC: from the ``.cdxj`` beside it, else indexed in memory."""
        warc = Path(path)
        rank = len(self.files)
        self.files.append(warc)
        cdxj = warc.with_name(warc.name + ".cdxj")
        if cdxj.is_file() and not warc.name.endswith(OPEN_SUFFIX):
            try:
                captures = list(self._read_cdxj(cdxj, warc, rank))
            except (OSError, ValueError) as exc:
                log.warning("WARC_REPLAY: cannot use %s (%s); indexing %s in memory",
                            cdxj, exc, warc.name)
            else:
                for capture in captures:
                    self._add(capture)
                return
        self._build(warc, rank)

    def _read_cdxj(self, cdxj: Path, warc: Path, rank: int) -> Iterator[IndexedRecord]:
        with open(cdxj, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith(("!", " CDX")):
                    continue
                try:
                    key, timestamp, blob = line.split(" ", 2)
                    fields = json.loads(blob)
                    offset, length = int(fields["offset"]), int(fields["length"])
                except (ValueError, KeyError) as exc:
                    raise ValueError(f"line {lineno} is not a CDXJ line") from exc
                filename = fields.get("filename") or warc.name
                target = warc if filename == warc.name else warc.with_name(filename)
                if not target.is_file():
                    log.warning("WARC_REPLAY: %s line %d names %s, which is not there",
                                cdxj, lineno, filename)
                    continue
                method = fields.get("method")
                yield IndexedRecord(
                    key=key, timestamp=timestamp, url=fields.get("url", ""), path=target,
                    offset=offset, length=length, status=fields.get("status"),
                    mime=fields.get("mime"), digest=_strip_sha1(fields.get("digest")),
                    method=method.upper() if method else None, order=(rank, offset),
                )

    def _build(self, warc: Path, rank: int) -> None:
        indexer = CDXJIndexer()
        records = Records(warc, name=warc.name)
        methods: dict[str, str] = {}  # response record id -> method of its request
        ids: dict[int, str] = {}  # capture offset -> record id
        captures: list[IndexedRecord] = []
        for entry in records:
            record = entry.record
            if record.rec_type == "request":
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                method = _request_method(record)
                if concurrent and method:
                    methods[concurrent] = method
                continue
            line = indexer.line(entry, warc.name)
            if line is None:
                continue
            key, timestamp, blob = line.rstrip("\n").split(" ", 2)
            fields = json.loads(blob)
            ids[entry.offset] = record.rec_headers.get_header("WARC-Record-ID") or ""
            captures.append(IndexedRecord(
                key=key, timestamp=timestamp, url=fields["url"], path=warc,
                offset=entry.offset, length=entry.length, status=fields.get("status"),
                mime=fields.get("mime"), digest=_strip_sha1(fields.get("digest")),
                order=(rank, entry.offset),
            ))
        for capture in captures:
            capture.method = methods.get(ids[capture.offset], "GET")
            self._add(capture)
        self.built.append(warc)
        if records.problem:
            self.problems.append(f"{warc.name}: {records.problem}")
        log.info("WARC_REPLAY: %s has no .cdxj beside it; indexed %d captures in memory",
                 warc.name, len(captures))

    def _add(self, capture: IndexedRecord) -> None:
        if capture.status is None and not capture.is_revisit:
            return  # resource/metadata/request lines: not HTTP responses
        real = self._real.get(capture.path)
        if real is None:
            real = self._real[capture.path] = capture.path.resolve()
        where = (real, capture.offset)
        if where in self._seen:
            return
        self._seen.add(where)
        self._by_key[capture.key].append(capture)
        if capture.digest and not capture.is_revisit:
            self._by_digest[capture.digest].append(capture)

    # -- lookup ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    @property
    def url_count(self) -> int:
        """How many distinct SURT keys have captures."""
        return len(self._by_key)

    def captures(self, url: str) -> list[IndexedRecord]:
        """Every capture whose key is ``url``'s SURT key, oldest first."""
        return sorted(self._by_key.get(surt_key(url), ()), key=lambda c: c.sort_key)

    def lookup(self, url: str, method: str = "GET") -> IndexedRecord | None:
        """The capture that answers ``method url``, chosen by :attr:`pick`, or None."""
        method = method.upper()
        candidates = [c for c in self.captures(url) if self.method_of(c) == method]
        scheme = urlsplit(url).scheme.lower()
        same_scheme = [c for c in candidates if urlsplit(c.url).scheme.lower() == scheme]
        candidates = same_scheme or candidates
        if not candidates:
            return None
        return candidates[-1] if self.pick == "last" else candidates[0]

    def method_of(self, capture: IndexedRecord) -> str:
        """The HTTP method of ``capture`` (read once from its request record; GET if unknown)."""
        if capture.method is None:
            capture.method = self._read_method(capture) or "GET"
        return capture.method

    def _read_method(self, capture: IndexedRecord) -> str | None:
        try:
            with record_at(capture.path, capture.offset) as record:
                record_id = record.rec_headers.get_header("WARC-Record-ID")
            with record_at(capture.path, capture.offset + capture.length) as following:
                if (following.rec_type == "request" and following.rec_headers.get_header(
                        "WARC-Concurrent-To") == record_id):
                    return _request_method(following)
        except (OSError, ValueError):
            return None
        return None

    def fetch(self, url: str, method: str = "GET") -> ArchivedResponse | None:
        """The archived response for ``method url`` (revisits resolved), or None."""
        capture = self.lookup(url, method)
        if capture is None:
            return None
        return self.load(capture)

    def load(self, capture: IndexedRecord) -> ArchivedResponse | None:
        """Read a capture's record (and a revisit's original); None if it cannot be served."""
        with record_at(capture.path, capture.offset) as record:
            if record.rec_type not in ("response", "revisit"):
                log.warning("WARC_REPLAY: %s@%d is a %s record, not a response",
                            capture.path.name, capture.offset, record.rec_type)
                return None
            pointer = _pointer(record, capture)
            head = record.http_headers
            status, protocol, headers = self._head(head)
            ip = record.rec_headers.get_header("WARC-IP-Address")
            if record.rec_type == "response":
                if status is None:
                    return None
                return ArchivedResponse(
                    url=pointer["target_uri"], status=status, protocol=protocol,
                    headers=headers, body=record.raw_stream.read(), pointer=pointer,
                    ip_address=ip, truncated=record.rec_headers.get_header("WARC-Truncated"),
                    capture=capture,
                )
            refers = {
                "id": record.rec_headers.get_header("WARC-Refers-To"),
                "uri": record.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Refers-To-Date"),
                "digest": _strip_sha1(record.rec_headers.get_header("WARC-Payload-Digest"))
                or capture.digest,
            }
        original = self._original(capture, refers)
        if original is None:
            self.unresolved_revisits += 1
            log.warning("WARC_REPLAY: original of revisit %s (%s) not found in the archive",
                        pointer["record_id"], capture.url)
            return None
        with record_at(original.path, original.offset) as orig:
            o_status, o_protocol, o_headers = self._head(orig.http_headers)
            if o_status is None:
                return None
            if status is None or status == 304:
                status, protocol, headers = o_status, o_protocol, o_headers
            return ArchivedResponse(
                url=pointer["target_uri"], status=status, protocol=protocol, headers=headers,
                body=orig.raw_stream.read(), pointer=pointer, ip_address=ip,
                truncated=orig.rec_headers.get_header("WARC-Truncated"),
                original=_pointer(orig, original), capture=capture,
            )

    @staticmethod
    def _head(http: Any) -> tuple[int | None, str | None, list[tuple[str, str]]]:
        if http is None:
            return None, None, []
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            return None, None, []
        return status, http.protocol or None, list(http.headers)

    def _original(self, revisit: IndexedRecord, refers: dict[str, str | None]
                  ) -> IndexedRecord | None:
        digest = refers["digest"]
        if not digest:
            return None
        uri = refers["uri"] or revisit.url
        same_url = [c for c in self._by_key.get(surt_key(uri), ())
                    if not c.is_revisit and c.digest == digest]
        candidates = same_url or [c for c in self._by_digest.get(digest, ())
                                  if c.path != revisit.path or c.offset != revisit.offset]
        if not candidates:
            return None
        if refers["date"]:
            from warcio.timeutils import iso_date_to_timestamp

            try:
                stamp = iso_date_to_timestamp(refers["date"])
            except Exception:  # noqa: BLE001 - a bad date only loses the preference
                stamp = None
            dated = [c for c in candidates if c.timestamp == stamp]
            candidates = dated or candidates
        candidates = sorted(candidates, key=lambda c: c.sort_key)
        if refers["id"]:
            for capture in reversed(candidates):
                try:
                    with record_at(capture.path, capture.offset) as rec:
                        if rec.rec_headers.get_header("WARC-Record-ID") == refers["id"]:
                            return capture
                except (OSError, ValueError):
                    continue
        # no WARC-Refers-To, or its record is not here: the latest original before the
        # revisit, else the latest of all (same digest means the same payload bytes)
        before = [c for c in candidates if c.sort_key <= revisit.sort_key]
        return (before or candidates)[-1]
