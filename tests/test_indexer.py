"""CDXJ indexing (archive/warc/indexer.py) and the record iterator (archive/warc/records.py).

The sample WARCs are written here, record by record, with warcio's WARCWriter (or as raw
bytes where warcio would not write what other tools write), and each record's offset and
stored length is noted as it is written: the expected CDXJ lines are built from those notes
and from literal keys, dates, mimes and statuses, never from the indexer's own code.
tests/test_stats.py and tests/test_indexer_interop.py load the builders from this file.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc import indexer
from archive.warc.indexer import CDXJIndexer, sort_lines, write_index_for
from archive.warc.records import WarcRecords, unwrap_target_uri

ARTICLE_URN = "urn:newsarchive:article:"
PYTHON = "/work/venv/bin/python" if Path("/work/venv/bin/python").exists() else sys.executable
REPO = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- builders


def b32sha1(data: bytes) -> str:
    return base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


@dataclass
class Written:
    """One record as written: where it is and what an index line must say about it."""

    offset: int
    length: int
    rec_type: str
    record_id: str
    uri: str | None
    date: str
    payload: bytes


@dataclass
class Sample:
    """A WARC being written one record at a time, noting offsets."""

    path: Path
    version: str = "1.1"
    gz: bool = True
    records: list[Written] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.buf = io.BytesIO()
        self.writer = WARCWriter(self.buf, gzip=self.gz, warc_version=self.version)

    def _note(self, start: int, rec_type: str, headers: StatusAndHeaders,
              payload: bytes) -> Written:
        end = self.buf.tell()
        # uncompressed: the two CRLFs after a record are not part of its stored length
        length = end - start if self.gz else end - start - 4
        w = Written(start, length, rec_type, headers.get_header("WARC-Record-ID"),
                    headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"),
                    payload)
        self.records.append(w)
        return w

    def warcinfo(self, date: str) -> Written:
        rec = self.writer.create_warcinfo_record(self.path.name, {"software": "tests"})
        rec.rec_headers.replace_header("WARC-Date", date)
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "warcinfo", rec.rec_headers, b"software: tests\r\n")

    def response(self, uri: str, date: str, status: str = "200 OK",
                 headers: list[tuple[str, str]] | None = None, body: bytes = b"<html></html>",
                 **extra: str) -> Written:
        http = StatusAndHeaders(status, headers if headers is not None else
                                [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        rec = self.writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": "192.0.2.1", **extra})
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "response", rec.rec_headers, body)

    def request(self, uri: str, date: str, concurrent_to: str, method: str = "GET",
                body: bytes = b"", headers: list[tuple[str, str]] | None = None) -> Written:
        path = "/" + uri.split("/", 3)[3] if uri.count("/") >= 3 else "/"
        http = StatusAndHeaders(f"{method} {path} HTTP/1.1",
                                headers or [("Host", uri.split("/")[2]), ("Accept", "*/*")],
                                protocol="HTTP/1.1", is_http_request=True)
        rec = self.writer.create_warc_record(
            uri, "request", payload=io.BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to})
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "request", rec.rec_headers, body)

    def metadata(self, uri: str, date: str, refers_to: str, data: dict) -> Written:
        body = json.dumps(data).encode()
        rec = self.writer.create_warc_record(
            uri, "metadata", payload=io.BytesIO(body), length=len(body),
            warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": refers_to})
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "metadata", rec.rec_headers, body)

    def resource(self, uri: str, date: str, content_type: str, body: bytes) -> Written:
        rec = self.writer.create_warc_record(
            uri, "resource", payload=io.BytesIO(body), length=len(body),
            warc_content_type=content_type, warc_headers_dict={"WARC-Date": date})
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "resource", rec.rec_headers, body)

    def revisit(self, uri: str, date: str, digest: str, refers_to: Written,
                status: str = "200 OK", headers: list[tuple[str, str]] | None = None,
                profile_not_modified: bool = False) -> Written:
        http = StatusAndHeaders(status, headers or [("Content-Type", "text/html")],
                                protocol="HTTP/1.1")
        rec = self.writer.create_revisit_record(
            uri, digest, refers_to.uri, refers_to.date, http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": refers_to.record_id})
        if profile_not_modified:
            rec.rec_headers.replace_header(
                "WARC-Profile",
                "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
                if self.version == "1.1" else
                "http://netpreserve.org/warc/1.0/revisit/server-not-modified")
        start = self.buf.tell()
        self.writer.write_record(rec)
        return self._note(start, "revisit", rec.rec_headers, b"")

    def raw(self, headers: list[tuple[str, str]], http_head: bytes, payload: bytes,
            content_length: int | None = None) -> Written:
        """A record written byte by byte (wget's angle brackets, a missing payload digest,
        a wrong Content-Length)."""
        block = http_head + payload
        head = f"WARC/{self.version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
        length = len(block) if content_length is None else content_length
        head += f"Content-Length: {length}\r\n\r\n"
        data = head.encode() + block + b"\r\n\r\n"
        if self.gz:
            comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
            data = comp.compress(data) + comp.flush()
        start = self.buf.tell()
        self.buf.write(data)
        parsed = StatusAndHeaders("", headers)
        return self._note(start, parsed.get_header("WARC-Type"), parsed, payload)

    def save(self) -> Path:
        self.path.write_bytes(self.buf.getvalue())
        return self.path


def news_warc(directory: Path, version: str = "1.1", gz: bool = True,
              name: str | None = None) -> Sample:
    """Our crawler's kind of file: pairs, an article's metadata, revisits, resources."""
    micro = version == "1.1"

    def d(s: str) -> str:  # 1.1 dates carry microseconds
        return s.replace("Z", ".123456Z") if micro else s

    ext = ".warc.gz" if gz else ".warc"
    s = Sample(directory / (name or f"news-{version}{ext}"), version=version, gz=gz)
    s.warcinfo(d("2024-03-05T10:20:00Z"))
    r1 = s.response("http://example.com/news/1", d("2024-03-05T10:20:30Z"),
                    body=b"<html><p>Story one</p></html>")
    s.request("http://example.com/news/1", d("2024-03-05T10:20:30Z"), r1.record_id)
    # the crawl's article summaries go under a URI of their own (archive/warc/targeturi.py)
    s.metadata(ARTICLE_URN + "http://example.com/news/1", d("2024-03-05T10:20:31Z"),
               r1.record_id, {"article": True, "title": "Story one"})
    r2 = s.response("https://www.Example.org:443/a?b=2&a=1", d("2024-03-05T10:21:00Z"),
                    "404 Not Found", [("Content-Type", "text/plain")], b"gone")
    s.request("https://www.Example.org:443/a?b=2&a=1", d("2024-03-05T10:21:00Z"), r2.record_id)
    s.metadata(ARTICLE_URN + "https://www.Example.org:443/a?b=2&a=1", d("2024-03-05T10:21:01Z"),
               r2.record_id, {"article": False})
    s.revisit("http://example.com/news/1-amp", d("2024-03-05T10:22:00Z"),
              "sha1:" + b32sha1(r1.payload), r1)
    s.revisit("http://example.com/news/1", d("2024-03-06T08:00:00Z"),
              "sha1:" + b32sha1(r1.payload), r1, status="304 Not Modified",
              headers=[("ETag", '"abc"')], profile_not_modified=True)
    s.resource("http://example.com/screenshot.png", d("2024-03-05T10:23:00Z"), "image/png",
               b"\x89PNG\r\n\x1a\nfake")
    s.resource("http://example.com/", d("2024-03-05T10:23:30Z"), "application/warc-fields",
               b"note: about the site\r\n")
    chunked = b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    s.response("http://example.com/chunked", d("2024-03-05T10:24:00Z"),
               headers=[("Transfer-Encoding", "chunked")], body=chunked)
    # written raw: a response without WARC-Payload-Digest, the indexer must compute it
    http_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=ISO-8859-1\r\n\r\n"
    s.raw([("WARC-Type", "response"),
           ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000001>"),
           ("WARC-Date", d("2024-03-05T10:25:00Z")),
           ("WARC-Target-URI", "http://example.com/nodigest"),
           ("Content-Type", "application/http; msgtype=response")],
          http_head, b"<p>caf\xe9</p>")
    s.save()
    return s


def heritrix_warc(directory: Path) -> Sample:
    """Heritrix-style WARC/1.0: a dns: response, a redirect."""
    s = Sample(directory / "heritrix-20240301-00001.warc.gz", version="1.0")
    s.warcinfo("2024-03-01T00:00:00Z")
    s.raw([("WARC-Type", "response"),
           ("WARC-Target-URI", "dns:example.net"),
           ("WARC-Date", "2024-03-01T00:00:01Z"),
           ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-000000000002>"),
           ("Content-Type", "text/dns"),
           ("WARC-IP-Address", "192.0.2.53")],
          b"", b"20240301000001\nexample.net.\t300\tIN\tA\t192.0.2.7\n")
    r = s.response("http://example.net/", "2024-03-01T00:00:02Z", "301 Moved Permanently",
                   [("Location", "https://example.net/"), ("Content-Type", "text/html")],
                   b"moved")
    s.request("http://example.net/", "2024-03-01T00:00:02Z", r.record_id)
    s.save()
    return s


def wget_warc(directory: Path) -> Sample:
    """wget --warc-file: WARC/1.0, request before response, URIs in angle brackets."""
    s = Sample(directory / "wget.warc.gz", version="1.0")
    s.raw([("WARC-Type", "warcinfo"),
           ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-0000000000a0>"),
           ("WARC-Date", "2024-02-01T12:00:00Z"),
           ("WARC-Filename", "wget.warc.gz"),
           ("Content-Type", "application/warc-fields")], b"", b"software: Wget/1.21\r\n")
    req_id = "<urn:uuid:00000000-0000-4000-8000-0000000000a1>"
    s.raw([("WARC-Type", "request"),
           ("WARC-Target-URI", "<http://example.com/wget?x=a%20b>"),
           ("Content-Type", "application/http;msgtype=request"),
           ("WARC-Date", "2024-02-01T12:00:01Z"),
           ("WARC-Record-ID", req_id)],
          b"GET /wget?x=a%20b HTTP/1.1\r\nHost: example.com\r\n\r\n", b"")
    body = b"<html>wget</html>"
    s.raw([("WARC-Type", "response"),
           ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-0000000000a2>"),
           ("WARC-Warcinfo-ID", "<urn:uuid:00000000-0000-4000-8000-0000000000a0>"),
           ("WARC-Concurrent-To", req_id),
           ("WARC-Target-URI", "<http://example.com/wget?x=a%20b>"),
           ("WARC-Date", "2024-02-01T12:00:01Z"),
           ("WARC-IP-Address", "192.0.2.1"),
           ("WARC-Block-Digest", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
           ("WARC-Payload-Digest", "sha1:" + b32sha1(body)),
           ("Content-Type", "application/http;msgtype=response")],
          b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n", body)
    s.raw([("WARC-Type", "resource"),
           ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-0000000000a3>"),
           ("WARC-Target-URI", "<metadata://gnu.org/software/wget/warc/wget_arguments.txt>"),
           ("WARC-Date", "2024-02-01T12:00:02Z"),
           ("Content-Type", "text/plain")], b"", b'"--warc-file=wget" "http://example.com/"')
    s.save()
    return s


def truncated_copy(sample: Sample, name: str, cut_into_last: int = 30) -> Path:
    """A copy of ``sample`` whose last record lost all but ``cut_into_last`` bytes."""
    data = sample.path.read_bytes()
    last = sample.records[-1]
    out = sample.path.with_name(name)
    out.write_bytes(data[: last.offset + cut_into_last])
    return out


def all_samples(directory: Path) -> dict[str, Sample]:
    """Every sample file, by name (the truncated one is a path beside them)."""
    samples = [news_warc(directory, "1.1"), news_warc(directory, "1.0"),
               news_warc(directory, "1.1", gz=False), heritrix_warc(directory),
               wget_warc(directory)]
    return {s.path.name: s for s in samples}


# ----------------------------------------------------------------------------- expectations


def line(key: str, ts: str, w: Written, filename: str, mime: str | None = None,
         status: str | None = None, digest: str | None = "payload", url: str | None = None):
    fields: dict[str, str] = {"url": url or w.uri}
    if mime is not None:
        fields["mime"] = mime
    if status is not None:
        fields["status"] = status
    if digest == "payload":
        digest = b32sha1(w.payload)
    if digest is not None:
        fields["digest"] = digest
    fields.update(length=str(w.length), offset=str(w.offset), filename=filename)
    return f"{key} {ts} {json.dumps(fields)}\n"


def expected_news(s: Sample, all_records: bool = False) -> list[str]:
    """The index of news_warc(), literal except for offsets, lengths and digests."""
    r = s.records
    f = s.path.name
    r1_digest = b32sha1(r[1].payload)
    lines = [
        line("com,example)/news/1", "20240305102030", r[1], f, "text/html", "200"),
        line("org,example)/a?a=1&b=2", "20240305102100", r[4], f, "text/plain", "404"),
        line("com,example)/news/1-amp", "20240305102200", r[7], f, "warc/revisit", "200",
             r1_digest),
        line("com,example)/news/1", "20240306080000", r[8], f, "warc/revisit", "304",
             r1_digest),
        line("com,example)/screenshot.png", "20240305102300", r[9], f, "image/png"),
        line("com,example)/chunked", "20240305102400", r[11], f, None, "200"),
        line("com,example)/nodigest", "20240305102500", r[12], f, "text/html", "200"),
        # indexed as pywb and cdxj-indexer index them, under keys no page has
        line(ARTICLE_URN + "http://example.com/news/1", "20240305102031", r[3], f,
             "application/json"),
        line(ARTICLE_URN + "https://www.example.org:443/a?a=1&b=2", "20240305102101", r[6], f,
             "application/json"),
    ]
    if all_records:
        lines += [
            line("com,example)/news/1", "20240305102030", r[2], f),
            line("org,example)/a?a=1&b=2", "20240305102100", r[5], f),
            line("com,example)/", "20240305102330", r[10], f, "application/warc-fields"),
        ]
    return sorted(lines, key=str.encode)


def expected_wget(s: Sample, all_records: bool = False) -> list[str]:
    r = s.records
    f = s.path.name
    url = "http://example.com/wget?x=a%20b"
    lines = [
        line("com,example)/wget?x=a%20b", "20240201120001", r[2], f, "text/html", "200",
             url=url),
        line("org,gnu)/software/wget/warc/wget_arguments.txt", "20240201120002", r[3], f,
             "text/plain", url="metadata://gnu.org/software/wget/warc/wget_arguments.txt"),
    ]
    if all_records:
        lines.append(line("com,example)/wget?x=a%20b", "20240201120001", r[1], f, url=url))
    return sorted(lines, key=str.encode)


def expected_heritrix(s: Sample) -> list[str]:
    r = s.records
    f = s.path.name
    return sorted([
        line("dns:example.net", "20240301000001", r[1], f),
        line("net,example)/", "20240301000002", r[2], f, "text/html", "301"),
    ], key=str.encode)


@pytest.fixture
def samples(tmp_path: Path) -> dict[str, Sample]:
    return all_samples(tmp_path)


def read_back(path: Path, offset: int) -> tuple[str, int]:
    """Record id and stored length of the record at ``offset``, read by warcio from there."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        it = ArchiveIterator(fh)
        rec = next(it)
        rec_id = rec.rec_headers.get_header("WARC-Record-ID")
        return rec_id, it.get_record_length()


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", ["news-1.1.warc.gz", "news-1.0.warc.gz", "news-1.1.warc"])
@pytest.mark.parametrize("all_records", [False, True])
def test_news_index_exact(samples, name, all_records):
    s = samples[name]
    got = CDXJIndexer(all_records=all_records).index([s.path])
    assert got == expected_news(s, all_records)


def test_wget_and_heritrix_exact(samples):
    w, h = samples["wget.warc.gz"], samples["heritrix-20240301-00001.warc.gz"]
    assert CDXJIndexer().index([w.path]) == expected_wget(w)
    assert CDXJIndexer(all_records=True).index([w.path]) == expected_wget(w, True)
    assert CDXJIndexer().index([h.path]) == expected_heritrix(h)


def test_offsets_read_back_with_warcio(samples):
    for s in samples.values():
        by_offset = {w.offset: w for w in s.records}
        for text in CDXJIndexer(all_records=True).index([s.path]):
            fields = json.loads(text.split(" ", 2)[2])
            offset, length = int(fields["offset"]), int(fields["length"])
            rec_id, stored = read_back(s.path, offset)
            assert rec_id == by_offset[offset].record_id
            assert stored == length
            if s.path.name.endswith(".gz"):  # a whole gzip member, decompressible alone
                member = s.path.read_bytes()[offset:offset + length]
                assert gzip.decompress(member).startswith(b"WARC/")


def test_digest_has_no_prefix_and_revisit_points_at_original(samples):
    lines = CDXJIndexer().index([samples["news-1.1.warc.gz"].path])
    parsed = [json.loads(x.split(" ", 2)[2]) for x in lines]
    assert all(not p["digest"].startswith("sha1:") for p in parsed)
    revisits = [p for p in parsed if p.get("mime") == "warc/revisit"]
    originals = {p["digest"] for p in parsed if p.get("mime") != "warc/revisit"}
    assert revisits and all(p["digest"] in originals for p in revisits)


def test_lines_are_byte_sorted_across_files(samples, tmp_path):
    paths = [s.path for s in samples.values()]
    merged = CDXJIndexer().index(reversed(paths))
    assert merged == sorted(merged, key=str.encode)
    assert len(merged) == len(set(merged))
    keys = [(x.split(" ")[0], x.split(" ")[1]) for x in merged]
    assert keys == sorted(keys)  # (key, timestamp) order, as pywb's binary search needs
    # same as LC_ALL=C sort of the same lines
    if shutil.which("sort"):
        unsorted = tmp_path / "unsorted.cdxj"
        unsorted.write_text("".join(reversed(merged)), encoding="utf-8")
        out = subprocess.run(["sort", str(unsorted)], capture_output=True, check=True,
                             env={**os.environ, "LC_ALL": "C"}).stdout.decode()
        assert out == "".join(merged)
    # the same file twice gives each line once
    once = CDXJIndexer().index(paths)
    assert CDXJIndexer().index(paths + paths) == once == merged


def test_sort_lines_byte_order():
    a = 'com,example)/a 20240101000000 {"url": "x"}\n'
    b = 'com,example)/a-b 20240101000000 {"url": "y"}\n'
    c = 'com,example)/a 20231231235959 {"url": "z"}\n'
    assert sort_lines([b, a, c, a]) == [c, a, b]


def test_truncated_tail_indexes_complete_records(samples, tmp_path, caplog):
    s = samples["news-1.1.warc.gz"]
    cut = truncated_copy(s, "cut.warc.gz")
    idx = CDXJIndexer()
    with caplog.at_level(logging.WARNING, logger="archive.warc.records"):
        got = idx.lines_for(cut)
    want = [x.replace(s.path.name, "cut.warc.gz") for x in expected_news(s)
            if '"url": "http://example.com/nodigest"' not in x]
    assert sort_lines(got) == want
    assert "cut.warc.gz" in idx.problems
    assert any("cut.warc.gz" in r.getMessage() for r in caplog.records)


def test_truncated_uncompressed(samples):
    s = samples["news-1.1.warc"]
    cut = truncated_copy(s, "cut.warc", cut_into_last=200)
    records = WarcRecords(cut)
    ids = [r.rec_headers.get_header("WARC-Record-ID") for _, _, r in records]
    assert ids == [w.record_id for w in s.records[:-1]]
    assert records.problem and "truncated" in records.problem


@pytest.mark.parametrize("keep", [0, 5, 60])
def test_truncated_in_first_record_and_garbage(tmp_path, keep):
    s = news_warc(tmp_path)
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(s.path.read_bytes()[:keep])
    records = WarcRecords(broken)
    assert list(records) == []
    assert records.problem  # an empty file is no WARC either
    assert ("empty file" in records.problem) == (keep == 0)
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"<html>this is no WARC, nor an ARC file</html>\r\n\r\n")
    records = WarcRecords(junk)
    assert list(records) == [] and records.problem


def test_damaged_member_in_the_middle_is_skipped(tmp_path, caplog):
    s = Sample(tmp_path / "damaged.warc.gz")
    s.warcinfo("2024-04-01T00:00:00.000000Z")
    a = s.response("http://example.com/a", "2024-04-01T00:00:01.000000Z")
    bad = s.raw([("WARC-Type", "revisit"),
                 ("WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-0000000000b1>"),
                 ("WARC-Date", "2024-04-01T00:00:02Z"),
                 ("WARC-Target-URI", "http://example.com/b"),
                 ("Content-Type", "application/http; msgtype=response")],
                b"", b"", content_length=44)  # says 44 bytes, has none
    b = s.response("http://example.com/c", "2024-04-01T00:00:03.000000Z", body=b"c")
    s.save()
    records = WarcRecords(s.path)
    with caplog.at_level(logging.WARNING, logger="archive.warc.records"):
        seen = [(o, r.rec_headers.get_header("WARC-Record-ID")) for o, _, r in records]
    assert seen == [(w.offset, w.record_id) for w in s.records if w is not bad]
    # the 4 bytes of the record's closing CRLFs are read as content: 44 - 4 missing
    assert f"offset {bad.offset} is 40 bytes short" in records.problem
    assert "damaged" in records.problem and records.good_end == s.path.stat().st_size
    lines = CDXJIndexer(all_records=True).index([s.path])
    assert [json.loads(x.split(" ", 2)[2])["offset"] for x in lines] == [str(a.offset),
                                                                         str(b.offset)]


def test_record_streams_stay_readable(samples):
    s = samples["news-1.1.warc.gz"]
    seen = {}
    for offset, _length, record in WarcRecords(s.path):
        seen[offset] = record.content_stream().read()
    assert seen[s.records[1].offset] == b"<html><p>Story one</p></html>"
    assert seen[s.records[11].offset] == b"hello world"  # de-chunked by warcio
    assert json.loads(seen[s.records[3].offset]) == {"article": True, "title": "Story one"}


def test_unwrap_target_uri():
    assert unwrap_target_uri("<http://a/>") == "http://a/"
    assert unwrap_target_uri("http://a/<b>") == "http://a/<b>"
    assert unwrap_target_uri(None) is None
    assert unwrap_target_uri("<") == "<"


def test_write_index_for(samples):
    s = samples["news-1.1.warc.gz"]
    out = write_index_for(s.path)
    assert out == s.path.with_name("news-1.1.warc.gz.cdxj")
    assert out.read_text(encoding="utf-8") == "".join(expected_news(s))
    assert [p.name for p in out.parent.iterdir() if ".tmp" in p.name] == []
    with pytest.raises(ValueError):
        write_index_for(s.path.with_name("x.warc.gz.open"))


def test_surt_key_matches_pywb_canonical_form():
    assert indexer.surt_key("https://www.Example.org:443/a?b=2&a=1") == "org,example)/a?a=1&b=2"
    assert indexer.surt_key("dns:example.net") == "dns:example.net"
    assert indexer.surt_key("http://example.com/caf%C3%A9") == "com,example)/caf%c3%a9"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "archive", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def test_cli_index(samples, tmp_path):
    news, wget = samples["news-1.1.warc.gz"], samples["wget.warc.gz"]
    res = run_cli("index", str(news.path), str(wget.path))
    assert res.returncode == 0, res.stderr
    assert res.stdout == "".join(sort_lines(expected_news(news) + expected_wget(wget)))

    out = tmp_path / "all.cdxj"
    res = run_cli("index", str(news.path), "-o", str(out), "--all-records")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""
    assert out.read_text(encoding="utf-8") == "".join(expected_news(news, True))


def test_cli_index_truncated_and_bad_files(samples, tmp_path):
    s = samples["news-1.0.warc.gz"]
    cut = truncated_copy(s, "cut.warc.gz")
    res = run_cli("index", str(cut))
    # stopped half-way: the complete records are indexed, and the exit status says it (as
    # replay's does for the same file)
    assert res.returncode == 1
    assert "cut.warc.gz" in res.stderr and "truncated" in res.stderr
    assert len(res.stdout.splitlines()) == len(expected_news(s)) - 1
    assert len(res.stderr.splitlines()) == 1

    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"not a warc at all\r\n")
    res = run_cli("index", str(junk))
    assert res.returncode == 1 and res.stdout == ""
    res = run_cli("index", str(tmp_path / "missing.warc.gz"))
    assert res.returncode == 1 and "missing.warc.gz" in res.stderr
