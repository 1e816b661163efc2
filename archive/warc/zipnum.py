"""A sorted CDXJ index in compressed blocks (ZipNum), the form py-wacz puts in a WACZ.

Two files, exactly as cdxj-indexer's ``CompressedWriter`` writes them for py-wacz:

* ``index.cdx.gz``: the CDXJ lines in blocks of ``block_lines`` lines (py-wacz: 1024), each
  block one gzip member; the members one after the other (so ``gzip.open`` reads the whole
  index, as pywb's ``wb-manager add --unpack-wacz`` does);
* ``index.idx``: a ``!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}``
  line, then per block the key and timestamp of its first line and where the block is::

      com,example)/ 20240501000000 {"offset": 0, "length": 812, "digest": "sha256:..."}

More: docs/modules.md, ``archive/warc/zipnum.py``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence

#: lines per block: py-wacz's ``DEFAULT_NUM_LINES``
BLOCK_LINES = 1024
FORMAT = "cdxj-gzip-1.0"


def compress_index(lines: Sequence[str], data_name: str = "index.cdx.gz",
                   block_lines: int = BLOCK_LINES) -> tuple[bytes, bytes]:
    """``(index.cdx.gz bytes, index.idx bytes)`` for sorted CDXJ ``lines`` (each ending in a
    newline); ``data_name`` is the compressed file's name, as the ``.idx`` names it."""
    if block_lines < 1:
        raise ValueError("block_lines must be at least 1")
    data = bytearray()
    meta = json.dumps({"format": FORMAT, "filename": data_name})
    idx = [f"!meta 0 {meta}\n"]
    for start in range(0, len(lines), block_lines):
        block = lines[start:start + block_lines]
        comp = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
        member = comp.compress("".join(block).encode("utf-8")) + comp.flush()
        prefix = block[0].split("{", 1)[0].strip()
        entry = {"offset": len(data), "length": len(member),
                 "digest": "sha256:" + hashlib.sha256(member).hexdigest()}
        idx.append(f"{prefix} {json.dumps(entry)}\n")
        data += member
    return bytes(data), "".join(idx).encode("utf-8")
