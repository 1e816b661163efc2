"""Replay's first pass: every record of every file read once into an in-memory map.

The map holds responses and revisits by record id, by URL and by (URL, payload digest), the
crawl's metadata records by the response they describe, each file's topic filter, and the next
page of every page whose site paginates; files are ordered by their first record's WARC-Date.
How replay uses it: docs/replay.md ("How a record becomes a row").
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.cli.replay.progress import Progress
from archive.cli.replay.summary import Summary
from archive.warc.reader import Records, record_at
from crawler.pages import http_status, page_item, pagination, site_paginates
from pipelines.extract.items import PageItem

log = logging.getLogger(__name__)

#: a metadata record bigger than this is not a crawl's article summary
MAX_METADATA_BYTES = 16 * 1024 * 1024


@dataclass
class ScannedRecord:
    """A response or revisit record: where it is and what it says about itself."""

    file: int  #: index into the list of files
    offset: int
    length: int
    kind: str  #: ``response`` or ``revisit``
    url: str
    record_id: str
    date: str
    status: int | None
    digest: str | None
    refers_to: str | None = None
    refers_to_uri: str | None = None


@dataclass
class CrawlFacts:
    """What the crawl's metadata record says about a response: spider meta and parts."""

    metadata_record_id: str
    meta: dict[str, Any]
    parts: list[dict[str, Any]]
    #: the text file's name the crawl gave (only ever used when it is one of the names the
    #: replay computes for the page: a foreign record cannot name a path of its own)
    text_path: str | None = None


def page_at(path: str | os.PathLike[str], offset: int, url: str, site: str | None
            ) -> PageItem | None:
    """The page item of the response record at ``offset`` of ``path`` (None: not HTML), read
    by FastWARC where it reads that record as warcio does, else by warcio."""
    with record_at(path, offset, fast=True, arc2warc=True) as record:
        return page_item(record, url, site=site)


def wants_body(rec_type: str | None, headers: Any) -> bool:
    """Which records' content the fast scan keeps: warcinfo and metadata records (the
    responses of multi-page sites are read again one by one, see :meth:`ArchiveMap.scan`)."""
    return rec_type in ("warcinfo", "metadata")


class ArchiveMap:
    """What the first pass learns of a set of WARC files (see the module docstring)."""

    def __init__(self, files: list[Path], site: str | None, summary: Summary,
                 progress: Progress) -> None:
        self.files = files
        self.site = site
        self.summary = summary
        self.progress = progress
        self.captures: list[ScannedRecord] = []
        self.by_id: dict[str, ScannedRecord] = {}
        self.by_url: dict[str, list[ScannedRecord]] = {}
        self.by_url_digest: dict[tuple[str, str], ScannedRecord] = {}
        self.facts: dict[str, CrawlFacts] = {}
        self.next_of: dict[str, str] = {}
        self.continuations: set[str] = set()
        #: the crawl's topic filter (warcinfo ``topic-filter``) by file index
        self.topic_filter: dict[int, list[str]] = {}
        #: file names, each to the index of its first file
        self.names: dict[str, int] = {}
        for i, path in enumerate(self.files):
            self.names.setdefault(path.name, i)
        #: files in the order they are read and their rows written (see scan())
        self.order: list[int] = list(range(len(self.files)))
        #: each file's place in :attr:`order`
        self.rank: dict[int, int] = {i: i for i in self.order}

    def _records(self) -> Iterator[tuple[int, int, int, Any]]:
        """``(file index, offset, length, record)`` of every file, files in ``self.order``;
        progress in bytes read; unreadable files and damaged records go into the summary."""
        sizes = []
        for path in self.files:
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                sizes.append(0)
        total, before = sum(sizes), 0
        self.progress.start()
        for i in self.order:
            path = self.files[i]
            records = Records(path, fast=True, want_body=wants_body)
            try:
                for offset, length, record in records:
                    self.progress.show("reading", before + offset + length, total, "MB")
                    yield i, offset, length, record
            except OSError as exc:
                self.summary.problems.append(f"{path}: {exc.strerror or exc}")
            if records.problem:
                self.summary.problems.append(f"{path.name}: {records.problem}")
            before += sizes[i]
        self.progress.show("reading", total, total, "MB", force=True)

    def scan(self) -> None:
        """First pass: the in-memory map of the archive (see the module docstring)."""
        first_date: dict[int, str] = {}
        for i, offset, length, record in self._records():
            self.summary.records += 1
            if i not in first_date:
                first_date[i] = record.rec_headers.get_header("WARC-Date") or ""
            rec_type = record.rec_type
            if rec_type in ("response", "revisit"):
                self._add_capture(i, offset, length, record)
            elif rec_type == "metadata":
                self._add_metadata(record)
            elif rec_type == "warcinfo" and i not in self.topic_filter:
                self._add_warcinfo(i, record)
        for url, nxt in self.next_of.items():
            if nxt != url and nxt in self.by_url:
                self.continuations.add(nxt)
        # outputs follow the files' chronology (their first record's date), as the crawls
        # that wrote them did: text versions of a URL are numbered in that order
        self.order = sorted(range(len(self.files)), key=lambda i: (
            first_date.get(i, ""), self.files[i].name, str(self.files[i])))
        self.rank = {i: rank for rank, i in enumerate(self.order)}

    def _add_capture(self, i: int, offset: int, length: int, record: Any) -> None:
        headers = record.rec_headers
        cap = ScannedRecord(
            file=i,
            offset=offset,
            length=length,
            kind=record.rec_type,
            url=headers.get_header("WARC-Target-URI") or "",
            record_id=headers.get_header("WARC-Record-ID") or "",
            date=headers.get_header("WARC-Date") or "",
            status=http_status(record),
            digest=headers.get_header("WARC-Payload-Digest"),
            refers_to=headers.get_header("WARC-Refers-To"),
            refers_to_uri=(headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<>")
            or None,
        )
        self.captures.append(cap)
        if cap.record_id:
            self.by_id.setdefault(cap.record_id, cap)
        if cap.kind != "response":
            return
        self.by_url.setdefault(cap.url, []).append(cap)
        if cap.digest:
            self.by_url_digest.setdefault((cap.url, cap.digest), cap)
        if cap.status == 200 and site_paginates(cap.url, self.site):
            try:
                if getattr(record, "body_dropped", False):
                    # the fast scan keeps no response bodies (a whole file's would be held in
                    # memory at once): this one is read again, alone
                    item = page_at(self.files[i], offset, cap.url, self.site)
                else:
                    item = page_item(record, cap.url, site=self.site)
                if item is None:
                    return
                nxt, continuation = pagination(item.url, item.html, self.site)
            except Exception:  # noqa: BLE001 - reported when the page itself is replayed
                return
            if nxt:
                self.next_of.setdefault(item.url, nxt)
            if continuation:
                self.continuations.add(item.url)

    def _add_warcinfo(self, i: int, record: Any) -> None:
        """Remember the crawl's topic filter, written by newsarchive as ``topic-filter: [...]``."""
        block = record.raw_stream.read(MAX_METADATA_BYTES)
        for line in block.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() != "topic-filter":
                continue
            try:
                words = json.loads(value)
            except ValueError:
                return
            if isinstance(words, list) and all(isinstance(w, str) for w in words):
                self.topic_filter[i] = [w for w in words if w]
            return

    def _add_metadata(self, record: Any) -> None:
        headers = record.rec_headers
        refers = headers.get_header("WARC-Refers-To")
        ctype = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
        if not refers or ctype != "application/json":
            return
        block = record.raw_stream.read(MAX_METADATA_BYTES + 1)
        if len(block) > MAX_METADATA_BYTES:
            return
        try:
            data = json.loads(block)
        except ValueError:
            return
        if not isinstance(data, dict) or not ("meta" in data or "parts" in data):
            return
        meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
        parts = [p for p in (data.get("parts") or []) if isinstance(p, dict) and p.get("url")]
        self.facts.setdefault(refers, CrawlFacts(
            metadata_record_id=headers.get_header("WARC-Record-ID") or "",
            meta=meta,
            parts=parts,
            text_path=data["text_path"] if isinstance(data.get("text_path"), str) else None,
        ))
        self.continuations.update(p["url"] for p in parts)

    # -- lookups --------------------------------------------------------------------------

    def original_of(self, revisit: ScannedRecord) -> ScannedRecord | None:
        """The response a revisit stands for, or None when it is not in the files read."""
        if revisit.refers_to:
            found = self.by_id.get(revisit.refers_to)
            if found is not None and found.kind == "response":
                return found
        if revisit.digest:
            return self.by_url_digest.get((revisit.refers_to_uri or revisit.url, revisit.digest))
        return None

    def nearest_ok_response(self, url: str, near: ScannedRecord) -> ScannedRecord | None:
        """The archived ``200`` response of ``url`` closest to ``near`` in the archive."""
        found = [c for c in self.by_url.get(url, []) if c.status == 200]
        if not found:
            return None
        return min(found, key=lambda c: (abs(self.rank[c.file] - self.rank[near.file]),
                                         abs(c.offset - near.offset)))
