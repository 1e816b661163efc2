"""What is in a set of WARC files, per host and per HTTP status.

More: docs/modules.md, ``archive/warc/stats.py``.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from os import PathLike
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive.warc.reader import Records
from archive.warc.targeturi import page_url

if TYPE_CHECKING:
    from warcio.recordloader import ArcWarcRecord

log = logging.getLogger(__name__)

NONE = "-"


@dataclass
class Group:
    """Counters of one host, one status, or the total."""

    records: int = 0
    payload_bytes: int = 0
    record_bytes: int = 0
    articles: int = 0
    first_date: str | None = None
    last_date: str | None = None
    _first: datetime | None = field(default=None, repr=False)
    _last: datetime | None = field(default=None, repr=False)

    def add(self, payload_bytes: int, record_bytes: int, date: str | None) -> None:
        """Count one record."""
        self.records += 1
        self.payload_bytes += payload_bytes
        self.record_bytes += record_bytes
        when = _parse_date(date)
        if when is None:
            return
        if self._first is None or when < self._first:
            self._first, self.first_date = when, date
        if self._last is None or when > self._last:
            self._last, self.last_date = when, date

    def as_dict(self) -> dict[str, object]:
        """The public counters (no parsed dates)."""
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class WarcStats:
    """Statistics over WARC files; feed files with :meth:`add_file`, then read the groups."""

    hosts: dict[str, Group] = field(default_factory=dict)
    statuses: dict[str, Group] = field(default_factory=dict)
    total: Group = field(default_factory=Group)
    types: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    # response record id -> (host, status), to put articles under their response
    _responses: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    # article metadata whose response was not seen yet: (refers-to id, own host)
    _pending: list[tuple[str | None, str]] = field(default_factory=list, repr=False)

    def add_file(self, path: str | PathLike[str], name: str | None = None) -> None:
        """Count every record of one WARC (a truncated tail is warned about and skipped);
        ``name`` is what to call it (default: the path)."""
        name = name or str(path)
        records = Records(path, name=name)
        for _offset, length, record in records:
            self._add_record(record, length)
        self.files.append(name)
        if records.problem:
            self.problems[name] = records.problem

    def _add_record(self, record: ArcWarcRecord, length: int) -> None:
        headers = record.rec_headers
        host = host_of(headers.get_header("WARC-Target-URI"))
        status = NONE
        if record.rec_type in ("response", "revisit") and record.http_headers:
            status = record.http_headers.get_statuscode() or NONE
        stream = record.raw_stream  # the spooled payload, positioned at its start
        start = stream.tell()
        payload_bytes = stream.seek(0, os.SEEK_END) - start
        stream.seek(start)
        date = headers.get_header("WARC-Date")
        for group in (self.hosts.setdefault(host, Group()),
                      self.statuses.setdefault(status, Group()), self.total):
            group.add(payload_bytes, length, date)
        self.types[record.rec_type] += 1
        if record.rec_type == "response":
            record_id = headers.get_header("WARC-Record-ID")
            if record_id:
                self._responses[record_id] = (host, status)
        elif record.rec_type == "metadata" and _is_article(record):
            self._pending.append((headers.get_header("WARC-Refers-To"), host))

    def finish(self) -> None:
        """Attribute the articles to their responses' host and status (call once, at the end).

        Done at the end so that metadata written before its response, or in another file of
        the same set, is still matched.
        """
        for refers_to, own_host in self._pending:
            host, status = self._responses.get(refers_to or "", (own_host, NONE))
            for group in (self.hosts.setdefault(host, Group()),
                          self.statuses.setdefault(status, Group()), self.total):
                group.articles += 1
        self._pending.clear()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: files, problems, total (with types), hosts, statuses."""
        total = self.total.as_dict()
        total["types"] = dict(sorted(self.types.items()))
        return {
            "files": list(self.files),
            "problems": dict(self.problems),
            "total": total,
            "hosts": {k: g.as_dict() for k, g in sorted(self.hosts.items())},
            "statuses": {k: g.as_dict() for k, g in sorted(self.statuses.items())},
        }


def collect(paths: Iterable[str | PathLike[str]]) -> WarcStats:
    """Statistics of all ``paths`` together."""
    stats = WarcStats()
    for path in paths:
        stats.add_file(path)
    stats.finish()
    return stats


def host_of(uri: str | None) -> str:
    """Lower-case host name of a target URI (``dns:NAME`` gives NAME; a record about a page,
    ``urn:newsarchive:<kind>:URL``, the page's host), ``-`` when none."""
    if not uri:
        return NONE
    uri = page_url(uri)
    if uri[:4].lower() == "dns:":
        return uri[4:].strip().lower() or NONE
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        host = None
    return host or NONE


def _is_article(record: ArcWarcRecord) -> bool:
    content_type = (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip()
    if content_type.lower() != "application/json":
        return False
    try:
        data = json.loads(record.raw_stream.read())
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and data.get("article") is True


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    from warcio.timeutils import iso_date_to_datetime

    try:
        return iso_date_to_datetime(value)
    except (ValueError, IndexError):
        return None


_COLUMNS = ("records", "payload_bytes", "record_bytes", "articles", "first_date", "last_date")
_TITLES = ("records", "payload B", "record B", "articles", "first WARC-Date", "last WARC-Date")


def format_table(stats: WarcStats) -> str:
    """The human-readable report: a table per host, a table per status, the totals."""
    parts = [_table("host", stats.hosts, stats.total),
             _table("status", stats.statuses, stats.total)]
    types = ", ".join(f"{t} {n}" for t, n in sorted(stats.types.items()))
    parts.append(f"{len(stats.files)} file(s); record types: {types or 'none'}")
    for name, problem in stats.problems.items():
        parts.append(f"warning: {name}: {problem}")
    return "\n\n".join(parts) + "\n"


def _table(title: str, groups: dict[str, Group], total: Group) -> str:
    rows = [(title, *_TITLES)]
    for key, group in sorted(groups.items()):
        rows.append((key, *_cells(group)))
    rows.append(("TOTAL", *_cells(total)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) if i < 4 else c.ljust(w)
                  for i, (c, w) in enumerate(zip(row[1:], widths[1:], strict=True))]
        lines.append("  ".join(cells).rstrip())
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cells(group: Group) -> tuple[str, ...]:
    values = group.as_dict()
    return tuple(NONE if values[c] is None else str(values[c]) for c in _COLUMNS)
