"""archive.warc.writer.WarcWriter: records, digests, pointers, rotation, .open handling."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc.pointer import record_at
from archive.warc.writer import WarcWriter, http_head, sha1_digest, warc_date

WARCIO = Path(sys.executable).parent / "warcio"
RESP = http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=Shift_JIS"),
                                     (b"X-Raw", b"\x82\xa0 latin-1 bytes"),
                                     ("Content-Length", "5")])
REQ = http_head("GET /a HTTP/1.1", [("Host", "example.test")])


def read_all(path: Path):
    with path.open("rb") as fh:
        out = []
        for rec in ArchiveIterator(fh):
            out.append((rec.rec_type, rec.rec_headers, rec.http_headers, rec.raw_stream.read()))
        return out


def test_exchange_records_digests_and_pointer(tmp_path):
    w = WarcWriter(tmp_path, prefix="t", warcinfo={"software": "test/1", "isPartOf": "x"})
    ptr = w.write_exchange(url="http://example.test/a", response_head=RESP, body=b"hello",
                           request_head=REQ, ip_address="127.0.0.1", timestamp=1700000000.5)
    assert w.current_path is not None
    assert Path(str(w.current_path) + ".open").exists() and not w.current_path.exists()
    w.close()
    path = tmp_path / ptr.filename
    assert path.exists() and not list(tmp_path.glob("*.open"))
    recs = read_all(path)
    assert [r[0] for r in recs] == ["warcinfo", "response", "request"]
    _, headers, http, payload = recs[1]
    assert payload == b"hello"
    assert headers.get_header("WARC-Payload-Digest") == sha1_digest(b"hello")
    assert headers.get_header("WARC-Block-Digest") == sha1_digest(RESP + b"hello")
    assert headers.get_header("WARC-Date") == "2023-11-14T22:13:20.500000Z"
    assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
    # header bytes kept exactly (not re-encoded as UTF-8)
    raw = gzip.decompress(path.read_bytes())
    assert b"X-Raw: \x82\xa0 latin-1 bytes\r\n" in raw
    assert recs[2][1].get_header("WARC-Concurrent-To") == ptr.record_id
    with record_at(path, ptr.offset) as rec:
        assert rec.rec_headers.get_header("WARC-Record-ID") == ptr.record_id
    assert "software: test/1" in recs[0][3].decode()
    assert "isPartOf: x" in recs[0][3].decode()
    proc = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_one_gzip_member_per_record(tmp_path):
    with WarcWriter(tmp_path) as w:
        p1 = w.write_exchange(url="http://e/1", response_head=RESP, body=b"x" * 100,
                              request_head=REQ)
        p2 = w.write_metadata("http://e/1", [("k", "v")], refers_to=p1.record_id)
    data = (tmp_path / p1.filename).read_bytes()
    # every pointer starts a gzip member that decompresses alone to one WARC record
    for ptr in (p1, p2):
        member = data[ptr.offset:ptr.offset + ptr.length]
        text = gzip.decompress(member)
        assert text.startswith(b"WARC/1.1\r\n") and text.endswith(b"\r\n\r\n")
        assert text.count(b"WARC/1.1\r\n") == 1


def test_revisit_keeps_its_http_head(tmp_path):
    with WarcWriter(tmp_path) as w:
        orig = w.write_exchange(url="http://e/1", response_head=RESP, body=b"hello",
                                request_head=REQ)
        rev = w.write_revisit(url="http://e/1", response_head=RESP,
                              payload_digest=orig.payload_digest,
                              profile="identical-payload-digest", refers_to=orig.record_id,
                              refers_to_uri="http://e/1", refers_to_date=orig.warc_date,
                              request_head=REQ)
    recs = read_all(tmp_path / rev.filename)
    revisit = [r for r in recs if r[0] == "revisit"][0]
    assert revisit[2].get_statuscode() == "200"
    assert revisit[1].get_header("WARC-Profile") == (
        "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest")
    assert revisit[1].get_header("WARC-Refers-To") == orig.record_id
    assert revisit[1].get_header("WARC-Payload-Digest") == orig.payload_digest
    assert revisit[1].get_header("Content-Length") == str(len(RESP))


def test_rotation_never_splits_a_pair(tmp_path):
    closed: list[Path] = []
    w = WarcWriter(tmp_path, max_size=2000, on_close=closed.append)
    for i in range(20):
        w.write_exchange(url=f"http://e/{i}", response_head=RESP, body=b"y" * 300,
                         request_head=REQ)
    w.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 3 and closed == sorted(closed, key=lambda p: p.name) == files
    total = 0
    for f in files:
        types = [r[0] for r in read_all(f)]
        assert types[0] == "warcinfo"
        assert types[1:] == ["response", "request"] * ((len(types) - 1) // 2)
        total += types.count("response")
    assert total == 20


def test_warc_1_0_and_plain_files(tmp_path):
    with WarcWriter(tmp_path, warc_version="1.0", gzip=False) as w:
        ptr = w.write_exchange(url="http://e/", response_head=RESP, body=b"z",
                               request_head=REQ, timestamp=1700000000.9)
    path = tmp_path / ptr.filename
    assert path.name.endswith(".warc")
    assert path.read_bytes().startswith(b"WARC/1.0\r\n")
    recs = read_all(path)
    assert recs[1][1].get_header("WARC-Date") == "2023-11-14T22:13:20Z"
    assert warc_date(0, "WARC/1.0") == "1970-01-01T00:00:00Z"


def test_bad_version_is_refused(tmp_path):
    with pytest.raises(ValueError):
        WarcWriter(tmp_path, warc_version="2.0")


def test_index_made_while_writing_equals_reading_the_file(tmp_path):
    from archive.warc.indexer import CDXJIndexer

    w = WarcWriter(tmp_path, index=True, max_size=3000)
    pointers = []
    for i in range(6):
        head = http_head("HTTP/1.1 404 Not Found" if i == 2 else "HTTP/1.1 200 OK",
                         [("Content-Type", " text/html ;charset=x" if i % 2 else "image/png")])
        pointers.append(w.write_exchange(url=f"http://e/{i}?q=é", response_head=head,
                                         body=b"z" * 700 * i, request_head=REQ,
                                         truncated="length" if i == 3 else None))
    w.write_revisit(url="http://e/1?q=é", response_head=RESP,
                    payload_digest=pointers[1].payload_digest,
                    profile="identical-payload-digest", refers_to=pointers[1].record_id,
                    refers_to_uri="http://e/1?q=é", refers_to_date=pointers[1].warc_date,
                    request_head=REQ)
    w.write_metadata("http://e/1", [("k", "v")])  # warc-fields: not indexed
    w.write_metadata("urn:newsarchive:article:http://e/1", b'{"article": true}',
                     refers_to=pointers[1].record_id, content_type="application/json")
    w.close()
    assert len(w.closed_files) > 1
    for path in w.closed_files:
        made = path.with_name(path.name + ".cdxj").read_text("utf-8").splitlines(True)
        assert made == CDXJIndexer().index([path])
    lines = "".join(p.with_name(p.name + ".cdxj").read_text() for p in w.closed_files)
    assert '"mime": "warc/revisit"' in lines and '"status": "404"' in lines
    assert lines.count("\n") == 8
    assert lines.count('"mime": "application/json"') == 1


def _members(tmp_path: Path, engine: str, level: int) -> tuple[WarcWriter, list[bytes]]:
    """Write one exchange and one metadata record; return the writer and each record's
    decompressed bytes, read from the member its pointer names."""
    body = "<p>北方領土 talks</p>".encode() * 2000
    out = tmp_path / engine / str(level)
    with WarcWriter(out, gzip_engine=engine, gzip_level=level) as w:
        p1 = w.write_exchange(url="http://e/1", response_head=RESP, body=body, request_head=REQ,
                              timestamp=1700000000)
        p2 = w.write_metadata("http://e/1", [("k", "v")], refers_to=p1.record_id,
                              timestamp=1700000000)
    data = (out / p1.filename).read_bytes()
    return w, [gzip.decompress(data[p.offset:p.offset + p.length]) for p in (p1, p2)]


def _without_ids(record: bytes) -> bytes:
    """A record with its WARC-Record-ID and WARC-Refers-To values blanked (new per write)."""
    import re

    return re.sub(rb"(WARC-Record-ID|WARC-Refers-To|WARC-Concurrent-To): <[^>]+>", rb"\1: -",
                  record)


@pytest.mark.parametrize("level", [1, 3, 6, 9])
def test_isal_and_zlib_members_hold_the_same_records(tmp_path, level):
    isal_writer, isal_records = _members(tmp_path, "isal", level)
    zlib_writer, zlib_records = _members(tmp_path, "zlib", level)
    assert isal_writer.gzip_engine == "isal" and zlib_writer.gzip_engine == "zlib"
    assert [_without_ids(r) for r in isal_records] == [_without_ids(r) for r in zlib_records]
    # and warcio reads the ISA-L file as it reads the zlib one, digests checked
    for path in (tmp_path / "isal" / str(level)).glob("*.warc.gz"):
        proc = subprocess.run([str(WARCIO), "check", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout


def test_isal_level_is_the_nearest_in_size():
    from archive.warc.writer import isal_level

    assert [isal_level(n) for n in range(10)] == [None, 1, 1, 2, 2, 2, 3, 3, 3, 3]


def test_level_0_is_zlib_stored_blocks_whatever_the_engine(tmp_path):
    writer, records = _members(tmp_path, "isal", 0)
    assert writer.gzip_engine == "zlib"
    assert records[0].startswith(b"WARC/1.1\r\n")


def test_without_isal_the_writer_falls_back_to_zlib(tmp_path, monkeypatch, caplog):
    import archive.warc.writer

    monkeypatch.setattr(archive.warc.writer, "_isal_zlib", lambda: None)
    writer, records = _members(tmp_path, "isal", 3)
    assert writer.gzip_engine == "zlib"
    assert "isal package is not installed" in caplog.text
    assert records[1].startswith(b"WARC/1.1\r\nWARC-Type: metadata")


def test_unknown_gzip_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="gzip engine"):
        WarcWriter(tmp_path, gzip_engine="brotli")
