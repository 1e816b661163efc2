"""ARC files under ``check``: the format before WARC, checked record by record.

An ARC file (the Internet Archive's format, 1996-2009) is a version block (``filedesc://``)
then records of one header line, ``<length>`` bytes and a line feed; ``.arc.gz`` has one
gzip member per record. warcio, pywb and cdxj-indexer read it, so ``check`` does too: the
file is one warning, broken framing, fields and gzip are errors. The layout and the rules
are in docs/checking.md, "ARC files".
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from archive.warc.check.framing import CHUNK
from archive.warc.check.report import WARNING, RecordInfo, show

if TYPE_CHECKING:
    from archive.warc.check.walker import Walker

#: an ARC header line longer than this is not one
MAX_LINE = 1 << 16
_DATE = re.compile(rb"\d{14}")
_LENGTH = re.compile(rb"\d+")
#: fields of a record's header line by ARC version
_FIELDS = {1: 5, 2: 10}
#: where the date is, counted from the end of the line (the URL may hold spaces)
_DATE_FROM_END = {1: -3, 2: -8}


class ArcWalker:
    """Checks the records of one ARC file, on the stream and report of a WARC walker."""

    def __init__(self, walker: Walker) -> None:
        self.w = walker
        self.s = walker.s
        assert self.s is not None
        self.version = 1

    def walk(self) -> None:
        """Check every record; fill the walker's report."""
        w, s = self.w, self.s
        assert s is not None
        w.report.format = "ARC"
        w.problem(0, "ARC file (the format before WARC): read record by record as warcio reads "
                  "it, but it has no record ids, digests or request records to check",
                  "file", severity=WARNING)
        first = True
        while True:
            s.cross_at = s.pos
            head = s.peek(1)
            if not head:
                break
            if head in (b"\n", b"\r"):  # blank lines between records
                s.read(1)
                continue
            resync = self.record(s.pos, first)
            first = False
            if resync is False:
                continue
            if resync is None:
                break
            s.seek(max(int(resync), s.pos))

    def _member_end(self, start: int) -> int | None:
        """Where the gzip member holding ``start`` ends (None: a plain file, or the end)."""
        s = self.s
        assert s is not None
        if not s.gzipped:
            return None
        s.seek(start)
        while s.read(CHUNK):
            pass
        return s.pos if s.at_member_end() else None

    def _fail(self, rec: RecordInfo, message: str, kind: str = "framing") -> int | None:
        """The record cannot be framed: report, drop it up to the next gzip member (plain
        files: up to the end, nothing after it can be told apart)."""
        self.w.problem(rec.offset, message, kind, rec)
        nxt = self._member_end(rec.d_start)
        self.w.drop(rec, nxt, message)
        return nxt

    def record(self, start: int, first: bool) -> int | None | bool:
        """Check the record at decompressed offset ``start``; False when it was whole,
        otherwise where to go on (None: nowhere)."""
        w, s = self.w, self.s
        assert s is not None
        offset, member_start = s.member_of(start)
        rec = RecordInfo(file=w.name, offset=offset, d_start=start)
        rec.aligned = not s.gzipped or member_start
        if s.gzipped and not member_start and offset not in w.multi_noted:
            w.multi_noted.add(offset)
            w.problem(offset, "gzip member holds more than one record (write one gzip member "
                      "per record)", "gzip")
        line = s.readline(MAX_LINE)
        if not line.endswith(b"\n"):
            status, _c0, _c1, detail = s.end_status()
            if len(line) >= MAX_LINE:
                why = f"not an ARC header line: longer than {MAX_LINE} bytes"
            elif status in ("truncated", "corrupt"):
                why = f"record truncated inside its header line: {detail}"
            else:
                why = "record truncated: the data ends inside the ARC header line"
            return self._fail(rec, why, "gzip" if status in ("truncated", "corrupt")
                              else "framing")
        fields = line.rstrip(b"\r\n").split(b" ")
        if first and not line.startswith(b"filedesc://"):  # pragma: no cover - sniffed
            return self._fail(rec, f"not an ARC file: it starts with {show(line)}", "file")
        if not first and line.startswith(b"filedesc://"):
            return self._fail(rec, "a second version block (filedesc://) inside the file")
        need = 5 if first else _FIELDS[self.version]
        if len(fields) < need:
            return self._fail(rec, f"malformed ARC header line {show(line, 60)}: "
                              f"{len(fields)} fields, version {self.version} has {need}")
        url = b" ".join(fields[: len(fields) - need + 1]).decode("utf-8", "replace")
        rec.target = url
        rec.rec_type = "filedesc" if first else "response"
        w.report.records.append(rec)
        if len(fields) > need:
            w.problem(rec.offset, f"URL {url!r} contains a space: ARC header fields are "
                      "separated by spaces, so its line does not parse (warcio guesses)",
                      "header", rec)
        date = fields[-3] if first else fields[_DATE_FROM_END[self.version]]
        if not _DATE.fullmatch(date) or not _real_date(date):
            w.problem(rec.offset, f"malformed ARC date {show(date, 30)}: must be 14 digits, "
                      "YYYYMMDDhhmmss", "header", rec)
        rec.date = date.decode("ascii", "replace")
        length_text = fields[-1]
        if not _LENGTH.fullmatch(length_text):
            return self._fail(rec, f"malformed ARC length {show(length_text, 30)}: must be a "
                              "non-negative number of bytes")
        length = int(length_text)
        got = 0
        head = b""
        while got < length:
            data = s.read(min(CHUNK, length - got))
            if not data:
                break
            if got < 16:
                head += data[: 16 - got]
            got += len(data)
        if got < length:
            status, _c0, _c1, detail = s.end_status()
            if status in ("truncated", "corrupt"):
                msg = f"record truncated: {detail}; {got} of its {length} bytes present"
                kind = "gzip"
            elif status == "ok":
                msg = (f"ARC length {length} too long: the record is {got} bytes (its gzip "
                       "member ends there)")
                kind = "framing"
            else:
                msg = (f"record truncated: the file ends {length - got} bytes early ({got} of "
                       f"the {length} bytes its header line gives)")
                kind = "framing"
            w.problem(rec.offset, msg, kind, rec)
            w.drop(rec, s.pos if s.gzipped and status == "ok" else None, msg)
            return s.pos if s.gzipped and status == "ok" else None
        if first:
            self.version = 2 if head.startswith(b"2 ") else 1
        after = s.peek(1)
        if after == b"\n":
            s.read(1)
        elif after:
            return self._fail(rec, f"ARC length {length} does not match the data: expected a "
                              f"line feed after the record, found {show(s.peek(16))}")
        rec.d_end = s.pos
        if s.gzipped:
            while s.peek(1) in (b"\n", b"\r"):  # blank lines still inside this member
                s.read(1)
            if s.at_member_end():
                status, _c0, c1, detail = s.end_status()
                if status != "ok":
                    w.problem(rec.offset, f"record complete but {detail}", "gzip", rec)
                    w.drop(rec, s.pos, "gzip member damaged")
                    return s.pos
                rec.c_end = c1
                rec.d_end = s.pos
            else:
                rec.aligned = False
        else:
            rec.c_end = rec.d_end
        rec.complete = True
        w.events.append((rec.offset, rec.d_start, len(w.events), "rec"))
        return False


def _real_date(digits: bytes) -> bool:
    try:
        datetime.strptime(digits.decode("ascii"), "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True
