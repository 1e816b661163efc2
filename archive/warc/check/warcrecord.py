"""One WARC record under ``check``: its framing, header fields and digests.

The record must start with ``WARC/<version>``, end its header with an empty line, hold exactly
Content-Length bytes of block, then ``\\r\\n\\r\\n``, within one gzip member. A mismatch is
diagnosed by where the next record really starts; a damaged record is dropped up to there
(docs/checking.md, "Framing"). Field rules are :mod:`archive.warc.check.fields`', digests
:mod:`archive.warc.check.digests`'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.warc.check.digests import BlockHashes, Digest, parse_digest
from archive.warc.check.fields import content_length, field_problems, read_fields
from archive.warc.check.framing import CHUNK, MAX_HEADER
from archive.warc.check.report import RecordInfo, show

if TYPE_CHECKING:
    from archive.warc.check.walker import Walker


class WarcRecordChecker:
    """Checks WARC records one at a time, on the stream and report of a file's walker."""

    def __init__(self, walker: Walker) -> None:
        self.w = walker
        self.s = walker.s
        self._values: dict[str, list[str]] = {}
        #: old draft versions already noted in this file
        self.versions_noted: set[str] = set()

    def misframed(self, rec: RecordInfo, cl: int, block_start: int, got: int,
                  found: bytes) -> int | None:
        """The bytes after the header do not fit Content-Length. Report the most precise
        diagnosis and return where the next record starts (None: end of file).

        ``got`` is how many bytes after the header were present before the data stopped (or
        cl + 4 when they were all there but did not end in CRLFCRLF), ``found`` their tail.
        """
        s = self.s
        assert s is not None
        need = cl + 4
        if got < need:
            status, c0, _c1, detail = s.end_status()
            here = s.pos
            if status in ("truncated", "corrupt"):
                prefix = "record truncated: " if status == "truncated" else ""
                self.w.problem(rec.offset, f"{prefix}{detail}; {got} of the {need} bytes after the "
                             f"header present (Content-Length {cl})", "gzip", rec)
                return here
            if status == "ok":
                if found.endswith(b"\r\n\r\n") and got - 4 < cl:
                    msg = f"Content-Length {cl} too long: the block is {got - 4} bytes"
                else:
                    msg = (f"Content-Length {cl} runs past the end of the record's data "
                           f"({got} bytes after the header, ending {show(found[-8:])})")
                self.w.problem(rec.offset, f"{msg} (gzip member at offset {c0} ends there)",
                             rec=rec)
                return here
        nxt, before = self.w.scan(block_start)
        if nxt is not None and before == b"\r\n\r\n" and nxt - 4 - block_start != cl:
            actual = nxt - 4 - block_start
            how = "too long" if actual < cl else "too short"
            self.w.problem(rec.offset, f"Content-Length {cl} {how}: the block is {actual} bytes "
                         "(where the next record starts)", rec=rec)
        elif nxt is None and got < need:
            self.w.problem(rec.offset, f"record truncated: the file ends {need - got} bytes early "
                         f"({got} of the {need} bytes Content-Length {cl} calls for, block "
                         "plus closing \\r\\n\\r\\n)", rec=rec)
        else:
            self.w.problem(rec.offset, f"Content-Length {cl} does not match the data: expected "
                         f"\\r\\n\\r\\n after the block, found {show(found)}", rec=rec)
        return nxt

    def header_fail(self, rec: RecordInfo, message: str, kind: str = "framing",
                    garbage: bytes | None = None) -> int | None:
        """The record header is unusable: report, drop up to the next record start."""
        nxt, _ = self.w.scan(rec.d_start + 1)
        s = self.s
        assert s is not None
        if garbage is not None and nxt is None and rec.d_start > 0:
            length = s.size - rec.offset if rec.aligned else None
            size = f"{length} bytes" if length is not None else "data"
            message = f"garbage after the last record: {size} starting {show(garbage)}"
        elif garbage is not None and not rec.aligned:
            message = f"{message} (inside the gzip member, after its first record)"
        self.w.problem(rec.offset, message, kind, rec)
        self.w.drop(rec, nxt, message)
        return nxt

    def record(self, start: int) -> int | None | bool:
        """Check the record at decompressed offset start. False: it was whole, carry on;
        otherwise the offset to resume at (None: nothing more)."""
        s = self.s
        assert s is not None
        report = self.w.report
        first = s.readline(MAX_HEADER)
        offset, member_start = s.member_of(start)
        rec = RecordInfo(file=self.w.name, offset=offset, d_start=start)
        rec.aligned = not s.gzipped or member_start
        if not first.startswith(b"WARC/"):
            if not first.endswith(b"\n") and s.at_member_end() and s.end_status()[0] != "ok":
                status, _c0, _c1, detail = s.end_status()
                prefix = "record truncated: " if status == "truncated" else ""
                return self.header_fail(rec, f"{prefix}{detail}", "gzip")
            if start == 0:
                what = "not a WARC file: it " + ("inflates to" if s.gzipped else "starts with")
                return self.header_fail(rec, f"{what} {show(first)}", "file")
            return self.header_fail(
                rec, f"not a WARC record: expected WARC/1.x at the record start, found "
                f"{show(first)}", garbage=first)
        if s.gzipped and not member_start and offset not in self.w.multi_noted:
            self.w.multi_noted.add(offset)
            self.w.problem(offset, "gzip member holds more than one record (write one gzip "
                         "member per record)", "gzip")
        version = first.rstrip(b"\r\n").decode("utf-8", "replace")
        crlf_ok = first.endswith(b"\r\n") and not first.endswith(b"\r\r\n")
        crcr = first.endswith(b"\r\r\n")
        lines: list[bytes] = []
        total = len(first)
        while True:
            line = s.readline(MAX_HEADER - total + 1)
            total += len(line)
            if not line.endswith(b"\n"):
                status, _c0, _c1, detail = s.end_status()
                if total > MAX_HEADER:
                    why = f"record header longer than {MAX_HEADER} bytes"
                elif status == "eof":
                    why = "record truncated: the file ends inside the record header"
                elif status == "ok":
                    why = "the gzip member ends inside the record header"
                elif status == "truncated":
                    why = f"record truncated inside the record header: {detail}"
                else:
                    why = f"{detail} (inside the record header)"
                self._fields(rec, version, lines, quiet=True)
                return self.header_fail(rec, why, "gzip" if status in ("truncated", "corrupt")
                                        else "framing")
            # a CR CR LF line end (a text-mode copy turned each LF into CR LF) still ends
            # the line, so that the rest of the record is checked and named for what it is
            if line in (b"\r\n", b"\n", b"\r\r\n"):
                crlf_ok = crlf_ok and line == b"\r\n"
                crcr = crcr or line == b"\r\r\n"
                break
            crlf_ok = crlf_ok and line.endswith(b"\r\n") and not line.endswith(b"\r\r\n")
            crcr = crcr or line.endswith(b"\r\r\n")
            lines.append(line)
        report.records.append(rec)
        if report.version is None:
            report.version = version
        cl = self._fields(rec, version, lines)
        if crcr:
            self.w.problem(rec.offset, "header lines end in CR CR LF (\\r\\r\\n), not CRLF: "
                         "the file went through a text-mode line-end conversion, which also "
                         "changes the blocks' lengths", "header", rec)
        elif not crlf_ok:
            self.w.problem(rec.offset, "header lines must end in CRLF", "header", rec)
        if cl is None:
            resync, _ = self.w.scan(s.pos)
            self.w.drop(rec, resync, "no usable Content-Length")
            return resync
        return self._block(rec, cl)

    def _fields(self, rec: RecordInfo, version: str, lines: list[bytes],
                quiet: bool = False) -> int | None:
        """Fill rec from the header lines; report field problems (unless ``quiet``); return
        the Content-Length."""
        values, bad_lines = read_fields(rec, lines)
        self._values = values
        if not quiet:
            for message, severity in field_problems(rec, version, values, bad_lines,
                                                    self.versions_noted):
                self.w.problem(rec.offset, message, "header", rec, severity)
        return content_length(values)

    def _digest(self, rec: RecordInfo, name: str) -> Digest | None:
        value = self._values.get(name.lower(), [None])[0]
        if value is None:
            return None
        try:
            algo, raw, enc = parse_digest(value)
        except ValueError as exc:
            self.w.problem(rec.offset, f"{name}: {exc}", "digest", rec)
            return None
        return algo, raw, enc, value

    def _block(self, rec: RecordInfo, cl: int) -> int | None | bool:
        s = self.s
        assert s is not None
        block_digest = self._digest(rec, "WARC-Block-Digest")
        payload_digest = self._digest(rec, "WARC-Payload-Digest")
        if payload_digest:
            rec.payload_digest = (payload_digest[0], payload_digest[1])
        ctype = (self._values.get("content-type", [""])[0] or "").lower()
        http = rec.rec_type in ("response", "request", "revisit") and (
            ctype.startswith("application/http")
            or (not ctype and (rec.target or "").startswith(("http:", "https:"))))
        check_payload = (payload_digest is not None and rec.rec_type != "revisit"
                         and "warc-segment-number" not in self._values)
        hashes = BlockHashes(block_digest[0] if block_digest else None,
                              payload_digest[0] if check_payload and payload_digest else None,
                              http)
        block_start = s.pos
        got = 0
        tail = b""
        while got < cl:
            data = s.read(min(CHUNK, cl - got))
            if not data:
                break
            hashes.feed(data)
            got += len(data)
            tail = (tail + data)[-8:]
        trailer = s.read(4) if got == cl else b""
        got += len(trailer)
        tail = (tail + trailer)[-8:]
        if got < cl + 4:
            nxt = self.misframed(rec, cl, block_start, got, tail)
            self.w.drop(rec, nxt, "incomplete record")
            return nxt
        if trailer != b"\r\n\r\n":
            nxt = self.misframed(rec, cl, block_start, got, trailer)
            self.w.drop(rec, nxt, "Content-Length does not match the data")
            return nxt
        after = s.peek(5)
        if after and not after.startswith(b"WARC/") and not b"WARC/".startswith(after):
            # Something other than a record follows: a too-short Content-Length if a record
            # (or the member end) follows a CRLFCRLF further on, else garbage after this one.
            nxt, before = self.w.scan(block_start)
            if nxt is not None and before == b"\r\n\r\n" and nxt - 4 - block_start > cl:
                self.w.problem(rec.offset, f"Content-Length {cl} too short: the block is "
                             f"{nxt - 4 - block_start} bytes (where the next record starts)",
                             rec=rec)
                self.w.drop(rec, nxt, "Content-Length does not match the data")
                return nxt
            s.seek(block_start + cl + 4)
        rec.d_end = block_start + cl + 4
        if s.gzipped:
            if s.at_member_end():
                status, _c0, c1, detail = s.end_status()
                if status != "ok":
                    self.w.problem(rec.offset, f"record complete but {detail}", "gzip", rec)
                    self.w.drop(rec, s.pos, "gzip member damaged")
                    return s.pos
                rec.c_end = c1
            else:
                rec.aligned = False
        else:
            rec.c_end = rec.d_end
        rec.complete = True
        self.w.events.append((rec.offset, rec.d_start, len(self.w.events), "rec"))
        hashes.finish()
        for message in hashes.mismatches(block_digest, payload_digest if check_payload else None):
            self.w.problem(rec.offset, message, "digest", rec)
        return False
