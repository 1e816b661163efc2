"""archive.warc.reader: the one reading API picks FastWARC or warcio, and both give one answer.

warcio is the default; ``fast=True`` reads a clean file of ours with FastWARC and hands
anything doubtful (an uncompressed file, a truncated tail) to warcio, whose ``problem`` then
says what is wrong; ``NEWSARCHIVE_WARC_READER=warcio`` turns FastWARC off.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from archive.warc import fastread
from archive.warc.check.framing import MemberStream as CheckMemberStream
from archive.warc.reader import MemberStream, Records, fast_enabled, record_at
from archive.warc.writer import WarcWriter, http_head
from tests.conftest import ROOT

pytest.importorskip("fastwarc")

RESP = http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8")])
REQ = http_head("GET / HTTP/1.1", [("Host", "news.example")])


def _crawl(folder: Path, pages: int = 3) -> tuple[Path, list[int]]:
    """A closed ``.warc.gz`` of ours: warcinfo, then a response and its request per page;
    returns it and the responses' offsets."""
    writer = WarcWriter(folder, prefix="r", warcinfo={"software": "test/1"})
    offsets = []
    for n in range(pages):
        ptr = writer.write_exchange(url=f"http://news.example/{n}", response_head=RESP,
                                    body=f"<p>page {n}</p>".encode(), request_head=REQ,
                                    ip_address="127.0.0.1", timestamp=1700000000 + n)
        offsets.append(ptr.offset)
    writer.close()
    (path,) = folder.glob("*.warc.gz")
    return path, offsets


def facts(record: Any) -> tuple[Any, ...]:
    """What a caller reads of a record, comparable across the two readers."""
    http = record.http_headers
    head = None if http is None else (http.statusline, list(http.headers))
    return (record.rec_type, record.rec_headers.get_header("WARC-Record-ID"),
            record.rec_headers.get_header("WARC-Target-URI"), head, record.raw_stream.read())


def test_warcio_by_default_fastwarc_when_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(fastread.READER_ENV, raising=False)
    path, _offsets = _crawl(tmp_path)
    assert fast_enabled()
    plain = Records(path)
    expected = [(offset, length, facts(record)) for offset, length, record in plain]
    assert plain.reader == "warcio" and plain.problem is None and plain.count == 7
    fast = Records(path, fast=True)
    got = [(offset, length, facts(record)) for offset, length, record in fast]
    assert fast.reader == "fastwarc"
    assert got == expected
    assert (fast.count, fast.good_end, fast.problem) == (7, path.stat().st_size, None)
    assert plain.good_end == fast.good_end


def test_fast_scan_keeps_only_the_content_asked_for(tmp_path, monkeypatch):
    monkeypatch.delenv(fastread.READER_ENV, raising=False)
    path, _offsets = _crawl(tmp_path, pages=1)
    records = Records(path, fast=True, want_body=lambda rec_type, _headers: rec_type == "warcinfo")
    kept = {record.rec_type: record.raw_stream.read() for _o, _l, record in records}
    assert records.reader == "fastwarc"
    assert b"software: test/1" in kept["warcinfo"]
    assert kept["response"] == b"" and kept["request"] == b""


def test_the_environment_turns_fastwarc_off(tmp_path, monkeypatch):
    path, offsets = _crawl(tmp_path, pages=1)
    monkeypatch.setenv(fastread.READER_ENV, "warcio")
    assert not fast_enabled()
    records = Records(path, fast=True)
    assert len(list(records)) == 3 and records.reader == "warcio"
    with record_at(path, offsets[0], fast=True) as record:
        assert type(record).__module__.startswith("warcio")


def test_doubtful_files_go_to_warcio_which_says_what_is_wrong(tmp_path, monkeypatch):
    monkeypatch.delenv(fastread.READER_ENV, raising=False)
    path, offsets = _crawl(tmp_path)
    uncompressed = tmp_path / "plain.warc"
    uncompressed.write_bytes(gzip.decompress(path.read_bytes()))
    records = Records(uncompressed, fast=True)
    assert [r.record.rec_type for r in records][:2] == ["warcinfo", "response"]
    assert records.reader == "warcio" and records.problem is None
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: offsets[-1] + 20])  # the last response cut short
    records = Records(cut, fast=True)
    assert [r.offset for r in records][-1] < offsets[-1]
    assert records.reader == "warcio"
    assert records.problem  # what warcio says of the cut record (its words vary with the bytes)
    assert records.good_end == offsets[-1]


def test_record_at_gives_one_record_by_either_reader(tmp_path, monkeypatch):
    monkeypatch.delenv(fastread.READER_ENV, raising=False)
    path, offsets = _crawl(tmp_path)
    for offset in offsets:
        with record_at(path, offset) as record:
            assert type(record).__module__.startswith("warcio")
            expected = facts(record)
        with record_at(path, offset, fast=True) as record:
            assert isinstance(record, fastread.FastRecord)
            assert facts(record) == expected
    end = path.stat().st_size  # no record there, whatever the bytes before
    with pytest.raises(ValueError, match=f"no record at offset {end}"):
        with record_at(path, end, fast=True):
            pass


def test_member_stream_is_the_checkers(tmp_path):
    """``check --repair`` reads bytes through the reader's MemberStream: the checker's own."""
    assert MemberStream is CheckMemberStream
    path, offsets = _crawl(tmp_path, pages=1)
    with open(path, "rb") as fh:
        stream = MemberStream(fh, True, path.stat().st_size)
        assert stream.read(9) == b"WARC/1.1\r"
        assert stream.member_of(0) == (0, True)


ARC = ROOT.parent / "shared" / "real" / "warcs" / "arc" / "warcio__example.arc"


def test_record_at_reads_an_arc_record_as_records_does_when_asked():
    """Whole files are read with warcio's ``arc2warc``; a record at an offset only when asked
    (``WARC_REPLAY`` and the reading room take ARC records as warcio reads them plainly)."""
    if not ARC.exists():
        pytest.skip("../shared/real/warcs is not there (a checkout without the shared folder)")
    whole = [(offset, facts(record)[2:]) for offset, _length, record in Records(ARC)]
    offset, expected = whole[1]
    assert expected[0] and expected[0].startswith("http")
    with record_at(ARC, offset, arc2warc=True) as record:
        assert facts(record)[2:] == expected
    with record_at(ARC, offset) as record:
        assert record.rec_headers.get_header("WARC-Target-URI") is None
        assert record.rec_headers.get_header("uri") == expected[0]
