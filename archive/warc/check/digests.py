"""WARC digests: parsing ``algo:value`` (base32, base16, base64), hashing blocks as they stream.

:class:`BlockHashes` hashes one record's block, its payload as stored (after the HTTP head of an
``application/http`` block) and, under ``Transfer-Encoding: chunked``, the payload de-chunked:
a payload digest may match either (docs/checking.md, "Digests").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

#: a digest's algorithm as written in WARCs -> hashlib's name
DIGEST_ALGOS = {"sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
                "sha512": "sha512", "sha-512": "sha512", "md5": "md5"}
#: an HTTP head longer than this ends the head (all of it counts as head, none as payload)
MAX_HTTP_HEADER = 1 << 20
#: a parsed digest header: (hashlib name, raw digest, encoding, the header's value)
Digest = tuple[str, bytes, str, str]


def parse_digest(value: str) -> tuple[str, bytes, str]:
    """Parse ``algo:value`` into (hashlib name, raw digest, encoding).

    Encoding is "base32", "base16" or "base64", recognised by length and alphabet.
    Raises ValueError with a readable reason.
    """
    algo, sep, text = value.strip().partition(":")
    if not sep:
        raise ValueError(f"malformed digest {value!r}: expected algorithm:value")
    name = DIGEST_ALGOS.get(algo.lower())
    if name is None:
        raise ValueError(f"unsupported digest algorithm {algo!r} in {value!r}")
    size = hashlib.new(name).digest_size
    text = text.strip()
    if len(text) == 2 * size and re.fullmatch(r"[0-9A-Fa-f]+", text):
        return name, bytes.fromhex(text), "base16"
    b32 = text.upper().rstrip("=")
    if re.fullmatch(r"[A-Z2-7]+", b32) and len(b32) == -(-size * 8 // 5):
        raw = base64.b32decode(b32 + "=" * (-len(b32) % 8))
        return name, raw, "base32"
    try:
        alt = b"-_" if ("-" in text or "_" in text) else None
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=alt, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == size:
        return name, raw, "base64"
    raise ValueError(f"malformed digest value in {value!r}: not base32, base16 or base64 "
                     f"of a {name} digest")


def format_digest(algo: str, raw: bytes, encoding: str = "base32") -> str:
    """``algo:value`` in the given encoding (base32 without padding for sha1, as WARCs use)."""
    if encoding == "base16":
        text = raw.hex()
    elif encoding == "base64":
        text = base64.b64encode(raw).decode()
    else:
        text = base64.b32encode(raw).decode()
    return f"{algo}:{text}"


class Dechunker:
    """Incremental HTTP/1.1 chunked transfer-coding decoder feeding a hash."""

    def __init__(self, sink: hashlib._Hash) -> None:  # type: ignore[name-defined]
        self.sink = sink
        self.state = "size"
        self.line = bytearray()
        self.left = 0
        self.error = False

    def feed(self, data: bytes) -> None:
        i, n = 0, len(data)
        while i < n and not self.error and self.state != "done":
            if self.state in ("size", "crlf", "trailer"):
                j = data.find(b"\n", i)
                part = data[i:] if j == -1 else data[i:j]
                self.line += part
                if len(self.line) > 4096:
                    self.error = True
                    return
                if j == -1:
                    return
                i = j + 1
                line = bytes(self.line).strip()
                self.line.clear()
                if self.state == "crlf":
                    if line:
                        self.error = True
                    self.state = "size"
                elif self.state == "trailer":
                    if not line:
                        self.state = "done"
                else:
                    size_text = line.split(b";", 1)[0].strip()
                    try:
                        self.left = int(size_text, 16)
                    except ValueError:
                        self.error = True
                        return
                    self.state = "data" if self.left else "trailer"
            else:  # data
                take = min(self.left, n - i)
                self.sink.update(data[i:i + take])
                self.left -= take
                i += take
                if not self.left:
                    self.state = "crlf"


class BlockHashes:
    """Hashes of one block as it streams by: block, payload as stored, payload de-chunked."""

    def __init__(self, block_algo: str | None, payload_algo: str | None, http: bool) -> None:
        self.block = hashlib.new(block_algo) if block_algo else None
        self.payload_algo = payload_algo
        self.payload = hashlib.new(payload_algo) if payload_algo else None
        self.dechunked: hashlib._Hash | None = None  # type: ignore[name-defined]
        self._dechunker: Dechunker | None = None
        self.http = http
        self._hdr: bytearray | None = bytearray() if http else None
        self._searched = 0
        self.http_headers: bytes | None = None
        self.chunked = False

    def _payload(self, data: bytes) -> None:
        if self.payload is not None and data:
            self.payload.update(data)
        if self._dechunker is not None and data:
            self._dechunker.feed(data)

    def _headers_done(self, head: bytes, body: bytes) -> None:
        self.http_headers = head
        self._hdr = None
        for line in head.split(b"\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"transfer-encoding" and b"chunked" in value.lower():
                self.chunked = True
        if self.chunked and self.payload_algo:
            self.dechunked = hashlib.new(self.payload_algo)
            self._dechunker = Dechunker(self.dechunked)
        self._payload(body)

    def feed(self, data: bytes) -> None:
        """Add the next piece of the block."""
        if self.block is not None:
            self.block.update(data)
        if self._hdr is None:
            self._payload(data)
            return
        self._hdr += data
        start = max(0, self._searched - 3)
        ends = [(i, 4) for i in [self._hdr.find(b"\r\n\r\n", start)] if i != -1]
        ends += [(i, 2) for i in [self._hdr.find(b"\n\n", start)] if i != -1]
        if ends:
            i, k = min(ends)
            buf = bytes(self._hdr)
            self._headers_done(buf[:i + k], buf[i + k:])
        elif len(self._hdr) > MAX_HTTP_HEADER:
            self._headers_done(bytes(self._hdr), b"")
        else:
            self._searched = len(self._hdr)

    def finish(self) -> None:
        """End of block: HTTP headers never terminated count as all-header, empty payload."""
        if self._hdr is not None:
            self._headers_done(bytes(self._hdr), b"")

    def mismatches(self, block_digest: Digest | None, payload_digest: Digest | None
                   ) -> list[str]:
        """Messages for the given digests that the hashes do not match (after :meth:`finish`;
        ``payload_digest`` None: not checked)."""
        found = []
        if block_digest and self.block is not None:
            algo, raw, enc, value = block_digest
            got = self.block.digest()
            if got != raw:
                found.append(f"WARC-Block-Digest mismatch: header {value}, computed "
                             f"{format_digest(algo, got, enc)}")
        if payload_digest and self.payload is not None:
            algo, raw, enc, value = payload_digest
            stored = self.payload.digest()
            dechunked = self.dechunked.digest() if self.dechunked is not None else None
            if raw not in (stored, dechunked):
                msg = (f"WARC-Payload-Digest mismatch: header {value}, computed "
                       f"{format_digest(algo, stored, enc)}")
                if dechunked is not None:
                    msg += (f" over the stored chunked body, {format_digest(algo, dechunked, enc)}"
                            " de-chunked")
                found.append(msg)
        return found
