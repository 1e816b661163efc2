"""What ``python -m archive check`` found: problems, records, dropped stretches, per file.

:class:`Problem` is one thing wrong (file, stored offset, record id, message, kind, severity:
``error`` fails the check, ``warning`` only ``--strict``; docs/checking.md says which is which).
:class:`RecordInfo` is what the cross-file checks and the repairer need of one record,
:class:`Dropped` a stretch a repair would drop, :class:`FileReport` all of one file.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


def show(data: bytes, n: int = 24) -> str:
    """The first ``n`` bytes of ``data`` as a Python literal, for messages (``...`` if cut)."""
    return repr(bytes(data[:n])) + ("..." if len(data) > n else "")


@dataclass
class Problem:
    """One thing wrong with one file: where (file, byte offset, record id) and what."""

    file: str
    offset: int | None
    record_id: str | None
    message: str
    kind: str = "framing"
    record_type: str | None = None
    #: ``error`` (damaged, or against the WARC standard: fails the check) or ``warning``
    #: (legal but notable: reported, fails only ``check --strict``); see docs/warc.md
    severity: str = ERROR

    def __post_init__(self) -> None:
        if self.offset is not None and self.offset < 0:  # never print a negative offset
            self.offset = None

    @property
    def is_error(self) -> bool:
        """Whether this problem fails the check (warnings fail only ``--strict``)."""
        return self.severity == ERROR

    def format(self) -> str:
        """``file: offset N: <record id>: message`` (``-`` when there is no record id), with
        ``warning: `` before the message of a warning."""
        offset = "-" if self.offset is None else str(self.offset)
        level = "" if self.is_error else f"{self.severity}: "
        return f"{self.file}: offset {offset}: {self.record_id or '-'}: {level}{self.message}"

    def to_json(self) -> str:
        """The problem as one JSON object on one line."""
        return json.dumps({
            "file": self.file, "offset": self.offset, "record_id": self.record_id,
            "record_type": self.record_type, "kind": self.kind, "message": self.message,
            "severity": self.severity,
        }, sort_keys=True)


@dataclass
class RecordInfo:
    """What the cross-file checks and the repairer need to know about one record."""

    file: str
    offset: int  # offset in the stored file (gzip member start for .warc.gz)
    d_start: int  # offset in the decompressed stream
    d_end: int = 0  # decompressed offset just after the record's trailing CRLFCRLF
    c_end: int | None = None  # stored offset just after the record (end of its gzip member)
    aligned: bool = True  # the record is exactly one gzip member (always true for plain files)
    complete: bool = False  # header, block and trailer all present and framed correctly
    record_id: str | None = None
    rec_type: str | None = None
    target: str | None = None
    date: str | None = None
    payload_digest: tuple[str, bytes] | None = None
    concurrent_to: list[str] = field(default_factory=list)
    refers_to: str | None = None
    refers_to_target: str | None = None
    refers_to_date: str | None = None
    profile: str | None = None
    warcinfo_id: str | None = None


@dataclass
class Dropped:
    """A stretch of a file that is not a complete record (what a repair would drop)."""

    offset: int
    length: int
    reason: str
    record_id: str | None = None
    rec_type: str | None = None


@dataclass
class FileReport:
    """Everything learned about one file."""

    path: str
    size: int = 0
    gzipped: bool = False
    version: str | None = None
    records: list[RecordInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    incomplete_tail: bool = False
    unclosed: bool = False
    readable: bool = True
    #: ``ARC`` for an ARC file (read record by record, see check/arc.py), else None
    format: str | None = None
    #: the WACZ package the file was taken from (extracted: it cannot be repaired in place)
    package: str | None = None
    #: the file on disk when it is not ``path`` (a WACZ member, extracted)
    source: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that fail the check."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported as warnings."""
        return [p for p in self.problems if not p.is_error]

    def failed(self, strict: bool = False) -> bool:
        """Whether this file fails the check (with ``strict``, warnings fail it too)."""
        return bool(self.problems if strict else self.errors)

    @property
    def complete_records(self) -> list[RecordInfo]:
        """Records that are structurally whole (what a repair keeps)."""
        return [r for r in self.records if r.complete]

    def type_counts(self) -> Counter[str]:
        """How many records of each WARC-Type (``?`` for records without a readable type)."""
        return Counter(r.rec_type or "?" for r in self.records)

    def summary(self) -> str:
        """One line: record count, types counted, format."""
        counts = self.type_counts()
        types = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        fmt = "gzip" if self.gzipped else "uncompressed"
        errors, warnings = len(self.errors), len(self.warnings)
        status = f"{errors} error(s)" if errors else "OK"
        if warnings:
            status += f", {warnings} warning(s)"
        version = f", {self.format or self.version}" if self.format or self.version else ""
        return (f"{self.path}: {status}: {len(self.records)} records ({types or 'none'})"
                f"{version}, {fmt}, {self.size} bytes")
