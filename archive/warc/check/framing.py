"""The bytes of a WARC file as the checker reads them: plain, or gzip members one by one.

:class:`MemberStream` inflates a ``.warc.gz`` itself (RFC 1952 headers parsed, CRC32 and ISIZE
checked), remembering where each member starts and ends, so that a read never crosses a member
end unnoticed and every problem has a stored offset. The checker walks records on it;
``check --repair`` re-reads the records of a file gzipped as one stream through it.
"""

from __future__ import annotations

import bisect
import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
#: how much is read (and inflated) at a time
CHUNK = 1 << 16
#: a WARC record header larger than 256 KiB is treated as garbage
MAX_HEADER = 1 << 18


class MemberStream:
    """Decompressed view of a WARC file that knows where each gzip member starts and ends.

    Reads never cross the end of a gzip member (except at ``cross_at``, the start of the
    record being read), so a record that runs past its member shows up as a short read whose
    cause ``end_status`` tells: member ended cleanly ("ok"), "truncated" (EOF inside the
    member) or "corrupt" (zlib error). For plain files, offsets are file offsets.
    """

    def __init__(self, fh: BinaryIO, gzipped: bool, size: int) -> None:
        self.fh = fh
        self.gzipped = gzipped
        self.size = size
        self.pos = 0
        self.cross_at = 0
        self._buf = bytearray()
        self._bstart = 0
        self._done = False
        self._d: zlib._Decompress | None = None  # type: ignore[name-defined]
        self._cpos = 0
        self._cbuf = b""
        self._mstart_c = 0
        self._crc = 0
        self._isize = 0
        self._starts: list[tuple[int, int]] = []  # (d_start, c_start), sorted
        self._ends: list[int] = []  # sorted d offsets where a member ends
        self.end_info: dict[int, tuple[str, int, int, str]] = {}  # d -> status, c0, c1, detail
        self.skipped: dict[int, int] = {}  # c_start -> length of non-gzip bytes
        self.damaged: dict[int, tuple[int, str]] = {}  # c_start -> (d_end, detail)

    # -- producing data

    @property
    def _bend(self) -> int:
        return self._bstart + len(self._buf)

    def _peek_c(self, n: int) -> bytes:
        if len(self._cbuf) < n:
            self.fh.seek(self._cpos + len(self._cbuf))
            self._cbuf += self.fh.read(max(n - len(self._cbuf), CHUNK))
        return self._cbuf[:n]

    def _plausible_member(self, c: int) -> bool:
        self.fh.seek(c)
        data = self.fh.read(CHUNK)
        try:
            out = zlib.decompressobj(31).decompress(data, 8)
        except zlib.error:
            return False
        return out.startswith(b"WARC/") if len(out) >= 5 else b"WARC/".startswith(out)

    def _find_member(self, start: int) -> int | None:
        pos = start
        while pos < self.size:
            self.fh.seek(pos)
            chunk = self.fh.read(CHUNK + 2)
            if len(chunk) < 3:
                return None
            i = chunk.find(GZIP_MAGIC)
            while i != -1:
                if self._plausible_member(pos + i):
                    return pos + i
                i = chunk.find(GZIP_MAGIC, i + 1)
            pos += max(1, len(chunk) - 2)
        return None

    def _finish_member(self, status: str, detail: str) -> None:
        d = self._bend
        if d not in self.end_info:
            bisect.insort(self._ends, d)
        self.end_info[d] = (status, self._mstart_c, self._cpos, detail)
        if status != "ok":
            self.damaged[self._mstart_c] = (d, detail)
        self._d = None

    def _header_length(self) -> int | str:
        """Length of the gzip member header at _cpos (RFC 1952), "truncated" if the file ends
        inside it, or a reason why it is not a valid header."""
        head = self._peek_c(10)
        if len(head) < 10:
            return "truncated"
        if head[2] != 8:
            return f"unknown gzip compression method {head[2]}"
        flags = head[3]
        if flags & 0xE0:
            return f"reserved gzip header flags set ({flags:#x})"
        n = 10
        if flags & 4:  # FEXTRA
            extra = self._peek_c(n + 2)
            if len(extra) < n + 2:
                return "truncated"
            n += 2 + int.from_bytes(extra[n:n + 2], "little")
        for flag in (8, 16):  # FNAME, FCOMMENT: zero-terminated
            if flags & flag:
                data = self._peek_c(n + MAX_HEADER)
                end = data.find(b"\0", n)
                if end == -1:
                    return "truncated" if len(data) < n + MAX_HEADER else "gzip header too long"
                n = end + 1
        if flags & 2:  # FHCRC
            n += 2
        return n if len(self._peek_c(n)) == n else "truncated"

    def _start_member(self) -> bool:
        head = self._peek_c(3)
        if not head:
            self._done = True
            return False
        if head != GZIP_MAGIC:
            nxt = self._find_member(self._cpos + 1)
            stop = self.size if nxt is None else nxt
            self.skipped[self._cpos] = stop - self._cpos
            self._cbuf = b""
            self._cpos = stop
            if nxt is None:
                self._done = True
                return False
        self._mstart_c = self._cpos
        entry = (self._bend, self._cpos)
        i = bisect.bisect_left(self._starts, entry)
        if i == len(self._starts) or self._starts[i] != entry:
            self._starts.insert(i, entry)
        hlen = self._header_length()
        if hlen == "truncated":
            self._cpos, self._cbuf = self.size, b""
            self._finish_member("truncated", f"gzip member at offset {self._mstart_c} is "
                                "truncated (end of file inside its gzip header)")
            self._done = True
            return True
        if isinstance(hlen, str):
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"{hlen}")
            self._resync()
            return True
        self._cpos += hlen
        self._cbuf = self._cbuf[hlen:]
        self._d = zlib.decompressobj(-zlib.MAX_WBITS)
        self._crc = 0
        self._isize = 0
        return True

    def _resync(self) -> None:
        """After a corrupt member: continue at the next plausible member, if any."""
        nxt = self._find_member(self._mstart_c + 1)
        self._d = None
        self._cbuf = b""
        if nxt is None:
            if self._mstart_c + 1 < self.size:
                self._cpos = self.size
            self._done = True
        else:
            self._cpos = nxt

    def _end_of_deflate(self) -> None:
        """The deflate stream ended: check the 8-byte gzip trailer (CRC32, ISIZE)."""
        trailer = self._peek_c(8)
        if len(trailer) < 8:
            self._cpos += len(trailer)
            self._cbuf = b""
            self._finish_member("truncated", f"gzip member at offset {self._mstart_c} is "
                                f"truncated (end of file inside its 8-byte gzip trailer)")
            self._done = True
            return
        self._cpos += 8
        self._cbuf = self._cbuf[8:]
        crc = int.from_bytes(trailer[:4], "little")
        isize = int.from_bytes(trailer[4:], "little")
        if crc != self._crc:
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"CRC32 mismatch (trailer {crc:08x}, data {self._crc:08x})")
        elif isize != self._isize & 0xFFFFFFFF:
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} is corrupt: "
                                f"ISIZE {isize} but {self._isize} bytes inflated")
        else:
            self._finish_member("ok", "")

    def _produce(self) -> bool:
        """Decompress/read some more; False when nothing more will ever come."""
        if self._done:
            return False
        if not self.gzipped:
            self.fh.seek(self._bend)
            data = self.fh.read(CHUNK)
            if not data:
                self._done = True
                return False
            self._buf += data
            return True
        if self._d is None:
            return self._start_member()
        data = self._cbuf
        if not data:
            self.fh.seek(self._cpos)
            data = self.fh.read(CHUNK)
        if not data:
            self._finish_member(
                "truncated",
                f"gzip member at offset {self._mstart_c} is truncated (end of file after "
                f"{self._cpos - self._mstart_c} compressed bytes, before the gzip trailer)")
            self._done = True
            return True
        try:
            out = self._d.decompress(data, CHUNK)
        except zlib.error as exc:
            self._finish_member(
                "corrupt", f"gzip member at offset {self._mstart_c} is corrupt: {exc}")
            self._resync()
            return True
        eof = self._d.eof
        leftover = self._d.unused_data if eof else self._d.unconsumed_tail
        consumed = len(data) - len(leftover)
        self._cpos += consumed
        self._cbuf = leftover
        self._buf += out
        self._crc = zlib.crc32(out, self._crc)
        self._isize += len(out)
        if eof:
            self._d = None
            self._end_of_deflate()
        elif not out and not consumed:  # pragma: no cover - zlib always progresses
            self._finish_member("corrupt", f"gzip member at offset {self._mstart_c} stalls")
            self._done = True
        return True

    # -- reading

    def _next_end(self, d: int) -> int | None:
        i = bisect.bisect_right(self._ends, d)
        return self._ends[i] if i < len(self._ends) else None

    def _avail(self) -> int:
        """Bytes readable at pos without crossing a member end (0: stop here)."""
        while True:
            bend = self._bend
            if self.pos < bend:
                end = self._next_end(self.pos)
                return (bend if end is None else min(end, bend)) - self.pos
            if self.pos in self.end_info and self.pos != self.cross_at:
                return 0
            if not self._produce():
                return 0

    def _prune(self) -> None:
        keep_from = self.pos - 4 * CHUNK
        if keep_from - self._bstart > 4 * CHUNK:
            del self._buf[: keep_from - self._bstart]
            self._bstart = keep_from

    def read(self, n: int) -> bytes:
        """Up to n bytes, stopping early at a member end or EOF."""
        out = bytearray()
        while len(out) < n:
            avail = self._avail()
            if not avail:
                break
            i = self.pos - self._bstart
            take = min(avail, n - len(out))
            out += self._buf[i:i + take]
            self.pos += take
        self._prune()
        return bytes(out)

    def readline(self, limit: int) -> bytes:
        """One line including its LF, or less at a member end, EOF or after limit bytes."""
        out = bytearray()
        while len(out) < limit:
            avail = self._avail()
            if not avail:
                break
            i = self.pos - self._bstart
            seg = self._buf[i:i + min(avail, limit - len(out))]
            j = seg.find(b"\n")
            if j != -1:
                seg = seg[:j + 1]
            out += seg
            self.pos += len(seg)
            if j != -1:
                break
        self._prune()
        return bytes(out)

    def peek(self, n: int) -> bytes:
        """Like read, without consuming."""
        pos = self.pos
        data = self.read(n)
        self.seek(pos)
        return data

    def seek(self, d: int) -> None:
        """Go to decompressed offset d (re-inflating from the member start if needed)."""
        if self._bstart <= d <= self._bend:
            self.pos = d
            return
        if not self.gzipped:
            self._buf = bytearray()
            self._bstart = self.pos = d
            self._done = False
            return
        i = bisect.bisect_right(self._starts, (d, self.size + 1)) - 1
        d0, c0 = self._starts[max(i, 0)] if self._starts else (0, 0)
        self._d = None
        self._cpos, self._cbuf = c0, b""
        self._buf = bytearray()
        self._bstart = self.pos = d0
        self._done = False
        while self.pos < d:
            self.cross_at = self.pos
            avail = self._avail()
            if not avail:
                break
            self.pos += min(avail, d - self.pos)
            self._prune()

    # -- where are we

    def end_status(self) -> tuple[str, int, int, str]:
        """Why a read stopped at pos: ("ok"|"truncated"|"corrupt", c_start, c_end, detail) at
        a member end, or ("eof", size, size, "") at the end of a plain file."""
        return self.end_info.get(self.pos, ("eof", self.size, self.size, ""))

    def at_member_end(self) -> bool:
        """True when pos is the end of a gzip member."""
        return self.pos in self.end_info

    def member_of(self, d: int) -> tuple[int, bool]:
        """(stored offset of the member holding decompressed offset d, d is the member start)."""
        if not self.gzipped:
            return d, True
        i = bisect.bisect_right(self._starts, (d, self.size + 1)) - 1
        if i < 0:
            return 0, d == 0
        d0, c0 = self._starts[i]
        return c0, d0 == d

    def stored_offset(self, d: int | None) -> int:
        """Best stored-file offset for decompressed offset d (None: end of file)."""
        if d is None:
            return self.size
        if not self.gzipped:
            return d
        if d in self.end_info:
            return self.end_info[d][2]
        return self.member_of(d)[0]
