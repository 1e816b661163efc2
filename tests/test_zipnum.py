"""archive/warc/zipnum.py: the compressed CDXJ index of a WACZ, byte for byte what cdxj-indexer's
``CompressedWriter`` (py-wacz's) writes."""

from __future__ import annotations

import gzip
import hashlib
import io
import json

import pytest

from archive.warc.zipnum import compress_index


def sample_lines(n: int) -> list[str]:
    return [f'com,example)/{i:05d} 2024010100{i % 60:04d} {{"url": "http://example.com/'
            f'{i:05d}", "mime": "text/html", "status": "200"}}\n' for i in range(n)]


@pytest.mark.parametrize("n", [1, 1025, 2500])
def test_same_bytes_as_cdxj_indexers_compressed_writer(n):
    """(With a multiple of 1024 lines cdxj-indexer also writes an empty last block, because
    its final flush does not check for one; we do not: see the next test.)"""
    cdxj_indexer = pytest.importorskip("cdxj_indexer.main",
                                       reason="cdxj-indexer (the wacz test extra) not installed")
    lines = sample_lines(n)
    idx, data = io.StringIO(), io.BytesIO()
    writer = cdxj_indexer.CompressedWriter(idx, data, num_lines=1024,
                                           data_out_name="index.cdx.gz", digest_records=True)
    for line in lines:
        writer.write(line)
    writer.flush()
    assert compress_index(lines) == (data.getvalue(), idx.getvalue().encode())


def test_blocks_and_their_index():
    lines = sample_lines(5)
    data, idx = compress_index(lines, "x.cdx.gz", block_lines=2)
    assert gzip.decompress(data).decode() == "".join(lines)  # one stream of members
    head, *entries = idx.decode().splitlines()
    assert head == '!meta 0 {"format": "cdxj-gzip-1.0", "filename": "x.cdx.gz"}'
    assert len(entries) == 3
    end = 0
    for i, entry in enumerate(entries):
        key, ts, fields = entry.split(" ", 2)
        assert (key, ts) == tuple(lines[2 * i].split(" ", 2)[:2])
        where = json.loads(fields)
        assert where["offset"] == end
        member = data[where["offset"]:where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(member).hexdigest()
        assert gzip.decompress(member).decode() == "".join(lines[2 * i:2 * i + 2])
        end += where["length"]
    assert end == len(data)


def test_a_full_last_block_is_the_last():
    data, idx = compress_index(sample_lines(2048))
    assert len(idx.decode().splitlines()) == 1 + 2
    assert gzip.decompress(data).decode() == "".join(sample_lines(2048))


def test_no_lines_and_bad_block_size():
    assert compress_index([]) == (
        b"", b'!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}\n')
    with pytest.raises(ValueError):
        compress_index(sample_lines(1), block_lines=0)
