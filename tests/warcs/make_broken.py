"""Build the clean test WARCs with warcio and derive the broken fixtures in ``broken/``.

Run ``/work/venv/bin/python tests/warcs/make_broken.py`` to regenerate ``tests/warcs/broken``
(the output is deterministic: fixed record ids and dates, gzip mtime 0). The test-suite
imports the builders from here (``clean_records``, ``pack``, ``wget_style``) and checks that
the committed fixtures are exactly what this script writes.

Every fixture is the clean WARC with one thing broken; ``tests/test_checker.py`` holds the
table of what the checker must say about each, and at which offset.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import zlib
from collections.abc import Callable

from warcio.warcwriter import WARCWriter

HERE = os.path.dirname(os.path.abspath(__file__))
BROKEN = os.path.join(HERE, "broken")

HTML_HOME = (b"<!doctype html><html><head><title>Example news</title></head><body>"
             b"<h1>Today</h1><p>Nothing happened, at length.</p></body></html>\n")
HTML_A = b"<!doctype html><html><body><article><p>Story A.</p></article></body></html>\n"


def rid(n: int) -> str:
    """A fixed, well-formed record id."""
    return f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"


def date(n: int, version: str) -> str:
    """A fixed WARC-Date; WARC/1.1 dates carry microseconds as warcio writes them."""
    return f"2024-05-01T12:00:{n:02d}" + (".123456Z" if version == "1.1" else "Z")


def _http_response(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    head = (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n{extra}\r\n")
    return head.encode() + body


def _http_request(path: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: example.com\r\nUser-Agent: newsarchive-test\r\n"
            "Accept: */*\r\n\r\n").encode()


def _b16(algo: str, data: bytes) -> str:
    return f"{algo}:{hashlib.new(algo, data).hexdigest()}"


def _write(record: object, version: str) -> bytes:
    buf = io.BytesIO()
    WARCWriter(buf, gzip=False, warc_version=version).write_record(record)
    return buf.getvalue()


def clean_records(version: str = "1.1") -> list[bytes]:
    """The clean WARC as a list of uncompressed records, written by warcio.

    0 warcinfo; 1 response http://example.com/ and 2 its request; 3 metadata about 1;
    4 response http://example.com/a (sha256, base16 digests) and 5 its request;
    6 identical-payload-digest revisit of 1 and 7 its request; 8 server-not-modified revisit
    of 4 without WARC-Refers-To and 9 its request.
    """
    w = WARCWriter(io.BytesIO(), gzip=False, warc_version=version)
    out: list[bytes] = []

    info = w.create_warcinfo_record("test.warc.gz", {
        "software": "newsarchive-test (warcio)", "format": f"WARC File Format {version}",
        "robots": "obey"})
    info.rec_headers.replace_header("WARC-Record-ID", rid(1))
    info.rec_headers.replace_header("WARC-Date", date(0, version))
    out.append(_write(info, version))

    def pair(n: int, uri: str, path: str, http: bytes, extra: dict[str, str] | None = None
             ) -> tuple[bytes, bytes]:
        headers = {"WARC-Record-ID": rid(n), "WARC-Date": date(n, version),
                   "WARC-IP-Address": "192.0.2.7", **(extra or {})}
        resp = w.create_warc_record(uri, "response", payload=io.BytesIO(http), length=len(http),
                                    warc_headers_dict=headers)
        req_http = _http_request(path)
        req = w.create_warc_record(uri, "request", payload=io.BytesIO(req_http),
                                   length=len(req_http),
                                   warc_headers_dict={"WARC-Record-ID": rid(n + 1),
                                                      "WARC-Date": date(n, version),
                                                      "WARC-Concurrent-To": rid(n)})
        return _write(resp, version), _write(req, version)

    home = _http_response(HTML_HOME)
    out.extend(pair(10, "http://example.com/", "/", home))

    meta_body = b"outlink: http://example.com/a L a/@href\r\nfetchTimeMs: 12\r\n"
    meta = w.create_warc_record("http://example.com/", "metadata", payload=io.BytesIO(meta_body),
                                length=len(meta_body), warc_content_type="application/warc-fields",
                                warc_headers_dict={"WARC-Record-ID": rid(20),
                                                   "WARC-Date": date(10, version),
                                                   "WARC-Concurrent-To": rid(10),
                                                   "WARC-Refers-To": rid(10)})
    out.append(_write(meta, version))

    a_http = _http_response(HTML_A)
    a_body = HTML_A
    out.extend(pair(30, "http://example.com/a", "/a", a_http, {
        "WARC-Block-Digest": _b16("sha256", a_http),
        "WARC-Payload-Digest": _b16("sha256", a_body)}))

    home_digest = "sha1:" + base64.b32encode(hashlib.sha1(HTML_HOME).digest()).decode()
    revisit_http = _http_response(HTML_HOME)[: -len(HTML_HOME)]
    revisit = w.create_revisit_record(
        "http://example.com/", home_digest, "http://example.com/", date(10, version),
        warc_headers_dict={"WARC-Record-ID": rid(40), "WARC-Date": date(40, version),
                           "WARC-Refers-To": rid(10), "WARC-IP-Address": "192.0.2.7"},
        http_headers=_status_headers(revisit_http))
    req = w.create_warc_record("http://example.com/", "request",
                               payload=io.BytesIO(_http_request("/")),
                               length=len(_http_request("/")),
                               warc_headers_dict={"WARC-Record-ID": rid(41),
                                                  "WARC-Date": date(40, version),
                                                  "WARC-Concurrent-To": rid(40)})
    out.extend([_write(revisit, version), _write(req, version)])

    nm_http = b"HTTP/1.1 304 Not Modified\r\nETag: \"a1\"\r\n\r\n"
    profile = (f"http://netpreserve.org/warc/{version}/revisit/server-not-modified")
    nm = w.create_warc_record("http://example.com/a", "revisit", warc_headers_dict={
        "WARC-Record-ID": rid(50), "WARC-Date": date(50, version), "WARC-Profile": profile,
        "WARC-Refers-To-Target-URI": "http://example.com/a",
        "WARC-Refers-To-Date": date(30, version), "WARC-IP-Address": "192.0.2.7"},
        http_headers=_status_headers(nm_http))
    req = w.create_warc_record("http://example.com/a", "request",
                               payload=io.BytesIO(_http_request("/a")),
                               length=len(_http_request("/a")),
                               warc_headers_dict={"WARC-Record-ID": rid(51),
                                                  "WARC-Date": date(50, version),
                                                  "WARC-Concurrent-To": rid(50)})
    out.extend([_write(nm, version), _write(req, version)])
    return out


def _status_headers(http: bytes) -> object:
    from warcio.statusandheaders import StatusAndHeadersParser

    return StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"]).parse(io.BytesIO(http))


def gzip_member(data: bytes) -> bytes:
    """One gzip member, as warcio writes it (level 9, mtime 0)."""
    c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return c.compress(data) + c.flush()


def pack(records: list[bytes], gz: bool = True) -> bytes:
    """A WARC file from uncompressed records: one gzip member per record, or plain."""
    return b"".join(gzip_member(r) for r in records) if gz else b"".join(records)


def offsets(records: list[bytes], gz: bool = True) -> list[int]:
    """Where each record starts in pack(records, gz)."""
    out, pos = [], 0
    for r in records:
        out.append(pos)
        pos += len(gzip_member(r)) if gz else len(r)
    return out


def set_header(record: bytes, name: str, value: str | None, fix_length: bool = False) -> bytes:
    """Replace (or with None remove) a WARC header field of an uncompressed record; add it at
    the end of the header if absent."""
    head, sep, rest = record.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    key = name.lower().encode() + b":"
    new = [ln for ln in lines if not ln.lower().startswith(key)]
    if value is not None:
        at = next((i for i, ln in enumerate(lines) if ln.lower().startswith(key)), len(new))
        new.insert(min(at, len(new)), f"{name}: {value}".encode())
    out = b"\r\n".join(new) + sep + rest
    return out


def set_first_line(record: bytes, line: str) -> bytes:
    """Replace the ``WARC/1.x`` line."""
    return line.encode() + record[record.index(b"\r\n"):]


def header(record: bytes, name: str) -> str:
    """A header field's value."""
    for ln in record.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if ln.lower().startswith(name.lower().encode() + b":"):
            return ln.split(b":", 1)[1].strip().decode()
    raise KeyError(name)


def record(fields: list[tuple[str, str]], block: bytes, version: str = "WARC/1.0") -> bytes:
    """A hand-made record: the fields given, then WARC-Block-Digest and Content-Length."""
    fields = [*fields, ("WARC-Block-Digest", _b32("sha1", block)),
              ("Content-Length", str(len(block)))]
    head = f"{version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n"
    return head.encode() + block + b"\r\n\r\n"


def heritrix_style_records() -> list[bytes]:
    """Records as Heritrix 3 writes them (WARC/1.0): warcinfo, a ``dns:`` response (no
    request), an http response with its request and metadata (both WARC-Concurrent-To the
    response), and an identical-payload-digest revisit found by digest and URI only."""
    ids = [f"<urn:uuid:33333333-4444-4555-8666-00000000000{i}>" for i in range(7)]
    when, later = "2024-05-03T10:00:00Z", "2024-05-04T10:00:00Z"
    body = b"<html>heritrix</html>"
    http = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
    req = b"GET / HTTP/1.0\r\nUser-Agent: Mozilla/5.0 (compatible; heritrix/3.4.0)\r\n\r\n"
    meta = b"via: dns:example.com\r\nhopsFromSeed: P\r\nfetchTimeMs: 35\r\n"
    info = (b"software: Heritrix/3.4.0 http://crawler.archive.org\r\nformat: WARC File Format "
            b"1.0\r\nconformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft"
            b".pdf\r\nisPartOf: test-job\r\n")
    revisit_head = http[: -len(body)]
    digest = _b32("sha1", body)
    return [
        record([("WARC-Type", "warcinfo"), ("WARC-Date", when),
                ("WARC-Filename", "WEB-20240503100000000-00000-1~h~8443.warc"),
                ("WARC-Record-ID", ids[0]), ("Content-Type", "application/warc-fields")], info),
        record([("WARC-Type", "response"), ("WARC-Target-URI", "dns:example.com"),
                ("WARC-Date", when), ("WARC-IP-Address", "192.0.2.53"),
                ("WARC-Record-ID", ids[1]), ("Content-Type", "text/dns")],
               b"20240503100000\nexample.com.\t3600\tIN\tA\t192.0.2.9\n"),
        record([("WARC-Type", "response"), ("WARC-Target-URI", "http://example.com/"),
                ("WARC-Date", when), ("WARC-Payload-Digest", digest),
                ("WARC-IP-Address", "192.0.2.9"), ("WARC-Record-ID", ids[2]),
                ("Content-Type", "application/http; msgtype=response")], http),
        record([("WARC-Type", "request"), ("WARC-Target-URI", "http://example.com/"),
                ("WARC-Date", when), ("WARC-Concurrent-To", ids[2]), ("WARC-Record-ID", ids[3]),
                ("Content-Type", "application/http; msgtype=request")], req),
        record([("WARC-Type", "metadata"), ("WARC-Target-URI", "http://example.com/"),
                ("WARC-Date", when), ("WARC-Concurrent-To", ids[2]), ("WARC-Record-ID", ids[4]),
                ("Content-Type", "application/warc-fields")], meta),
        record([("WARC-Type", "revisit"), ("WARC-Target-URI", "http://example.com/"),
                ("WARC-Date", later), ("WARC-Payload-Digest", digest),
                ("WARC-IP-Address", "192.0.2.9"),
                ("WARC-Profile",
                 "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
                ("WARC-Truncated", "length"), ("WARC-Record-ID", ids[5]),
                ("Content-Type", "application/http; msgtype=response")], revisit_head),
        record([("WARC-Type", "request"), ("WARC-Target-URI", "http://example.com/"),
                ("WARC-Date", later), ("WARC-Concurrent-To", ids[5]), ("WARC-Record-ID", ids[6]),
                ("Content-Type", "application/http; msgtype=request")], req),
    ]


def wget_style(dechunked_digest: bool = False) -> bytes:
    """wget_style_records() packed one gzip member per record."""
    return pack(wget_style_records(dechunked_digest))


def wget_style_records(dechunked_digest: bool = False) -> list[bytes]:
    """A WARC as ``wget --warc-file`` writes it: WARC/1.0, ``<...>`` target URIs, wget's
    warcinfo, request before response with the response's WARC-Concurrent-To naming the
    request, a chunked response stored with its ``Transfer-Encoding: chunked`` header, and a
    wget log resource record. The payload digest is over the stored chunked body (what wget
    does), or with dechunked_digest over the de-chunked body (the WARC 1.1 text's reading)."""

    info_id, req_id, resp_id, log_id = (f"<urn:uuid:11111111-2222-4333-8444-00000000000{i}>"
                                        for i in range(1, 5))
    when = "2024-05-02T08:30:00Z"
    info = (b"software: Wget/1.21.4 (linux-gnu)\r\nformat: WARC File Format 1.0\r\n"
            b"conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
            b"robots: classic\r\nwget-arguments: \"--warc-file=site\" \"http://example.com/\"\r\n")
    req_block = _http_request("/")
    pieces = [b"<p>chunked one and two.\r\n", b"</p><p>three</p>\n"]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
    body = b"".join(pieces)
    resp_block = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                  b"\r\n" + chunks)
    payload_digest = _b32("sha1", body if dechunked_digest else chunks)
    log = b"Opening WARC file 'site.warc.gz'.\n\n--2024-05-02 08:30:00--  http://example.com/\n"
    records = [
        record([("WARC-Type", "warcinfo"), ("Content-Type", "application/warc-fields"),
                ("WARC-Date", when), ("WARC-Record-ID", info_id),
                ("WARC-Filename", "site.warc.gz")], info),
        record([("WARC-Type", "request"), ("WARC-Target-URI", "<http://example.com/>"),
                ("Content-Type", "application/http;msgtype=request"), ("WARC-Date", when),
                ("WARC-Record-ID", req_id), ("WARC-IP-Address", "192.0.2.8"),
                ("WARC-Warcinfo-ID", info_id)], req_block),
        record([("WARC-Type", "response"), ("WARC-Record-ID", resp_id),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", req_id),
                ("WARC-Target-URI", "<http://example.com/>"), ("WARC-Date", when),
                ("WARC-IP-Address", "192.0.2.8"), ("WARC-Payload-Digest", payload_digest),
                ("Content-Type", "application/http;msgtype=response")], resp_block),
        record([("WARC-Type", "resource"), ("WARC-Record-ID", log_id),
                ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", info_id),
                ("WARC-Target-URI", "<metadata://gnu.org/software/wget/warc/wget.log>"),
                ("WARC-Date", when), ("Content-Type", "text/plain")], log),
    ]
    return records


def _b32(algo: str, data: bytes) -> str:
    return f"{algo}:{base64.b32encode(hashlib.new(algo, data).digest()).decode()}"


def _flip_body(record: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and old in record
    return record.replace(old, new, 1)


def fixtures() -> dict[str, bytes]:
    """Every broken fixture: relative path under broken/ -> file bytes."""
    r11 = clean_records("1.1")
    r10 = clean_records("1.0")
    gz = pack(r11)
    plain = pack(r11, gz=False)
    out: dict[str, bytes] = {}

    def one(name: str, index: int, change: Callable[[bytes], bytes], gzipped: bool = True,
            base: list[bytes] | None = None) -> None:
        recs = list(base or r11)
        recs[index] = change(recs[index])
        out[name] = pack(recs, gzipped)

    def cl(delta: int) -> Callable[[bytes], bytes]:
        return lambda r: set_header(r, "Content-Length", str(int(header(r, "Content-Length"))
                                                            + delta))

    # tails
    out["truncated-last-member.warc.gz"] = gz[:-30]
    out["truncated-gzip-trailer.warc.gz"] = gz[:-4]
    out["truncated-record.warc"] = plain[:-40]
    out["truncated-header.warc"] = plain[: offsets(r11, False)[-1] + 60]
    out["garbage-after-last.warc.gz"] = gz + b"GARBAGE\n" * 4
    out["garbage-after-last.warc"] = plain + b"GARBAGE\n" * 4
    unclosed = r11[:6]
    out["unclosed/crawl-00001.warc.gz.open"] = pack(unclosed)[:-25]
    # not WARC at all
    out["not-gzip.warc.gz"] = b"<html><body>not a warc</body></html>\n"
    out["not-warc.warc.gz"] = gzip_member(b"<html><body>not a warc</body></html>\n")
    out["empty.warc"] = b""
    # framing
    one("cl-too-long.warc.gz", 4, cl(10))
    one("cl-too-short.warc.gz", 4, cl(-10))
    one("cl-too-long.warc", 4, cl(10), gzipped=False)
    one("cl-too-short.warc", 4, cl(-10), gzipped=False)
    out["multi-record-member.warc.gz"] = gzip_member(plain)
    members = [gzip_member(r) for r in r11]
    out["garbage-between-members.warc.gz"] = b"".join(members[:4]) + b"JUNK" * 5 + b"".join(
        members[4:])
    crc = bytearray(members[3])
    crc[-8] ^= 0xFF
    out["crc-error.warc.gz"] = b"".join(members[:3]) + bytes(crc) + b"".join(members[4:])
    # header fields
    one("missing-record-id.warc.gz", 3, lambda r: set_header(r, "WARC-Record-ID", None))
    one("missing-date.warc.gz", 3, lambda r: set_header(r, "WARC-Date", None))
    one("missing-type.warc.gz", 0, lambda r: set_header(r, "WARC-Type", None))
    one("missing-content-length.warc.gz", 3, lambda r: set_header(r, "Content-Length", None))
    one("bad-date.warc.gz", 3, lambda r: set_header(r, "WARC-Date", "2024-05-01 12:00:10"))
    one("bad-date-calendar.warc.gz", 3,
        lambda r: set_header(r, "WARC-Date", "2024-02-30T12:00:10Z"))
    one("bad-date-fraction-1.0.warc.gz", 3,
        lambda r: set_header(r, "WARC-Date", "2024-05-01T12:00:10.5Z"), base=r10)
    one("bad-record-id.warc.gz", 3,
        lambda r: set_header(r, "WARC-Record-ID", "urn:uuid:00000000-0000-4000-8000-000000000020"))
    one("unknown-version.warc.gz", 3, lambda r: set_first_line(r, "WARC/2.0"))
    one("lf-header.warc", 3, lambda r: r.replace(b"\r\n", b"\n", 3), gzipped=False)
    one("duplicate-record-id.warc.gz", 5, lambda r: set_header(r, "WARC-Record-ID", rid(11)))
    one("malformed-digest.warc.gz", 1,
        lambda r: set_header(r, "WARC-Payload-Digest", "sha1:not-base32!"))
    # digests
    one("payload-digest-mismatch.warc.gz", 1,
        lambda r: set_header(r, "WARC-Payload-Digest", _b32("sha1", b"something else")))
    one("block-digest-mismatch.warc.gz", 1,
        lambda r: set_header(r, "WARC-Block-Digest", _b32("sha1", b"something else")))
    one("body-altered.warc.gz", 1, lambda r: _flip_body(r, b"Nothing happened",
                                                         b"Nothing HAPPENED"))
    one("sha256-base16-mismatch.warc.gz", 4, lambda r: _flip_body(r, b"Story A.", b"Story B."))
    # references
    out["response-without-request.warc.gz"] = pack(r11[:5] + r11[6:])
    out["request-without-response.warc.gz"] = pack(r11[:4] + r11[5:])
    one("metadata-refers-to-nothing.warc.gz", 3, lambda r: set_header(r, "WARC-Refers-To",
                                                                       rid(99)))
    one("revisit-original-missing.warc.gz", 6, lambda r: set_header(r, "WARC-Refers-To",
                                                                     rid(98)))
    one("revisit-digest-original-missing.warc.gz", 6, lambda r: set_header(
        set_header(r, "WARC-Refers-To", None), "WARC-Payload-Digest",
        _b32("sha1", b"never archived")))
    one("revisit-not-modified-missing.warc.gz", 8,
        lambda r: set_header(r, "WARC-Refers-To-Date", date(59, "1.1")))
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the fixtures under tests/warcs/broken (or the directory given)."""
    args = sys.argv[1:] if argv is None else argv
    target = args[0] if args else BROKEN
    for rel, data in sorted(fixtures().items()):
        path = os.path.join(target, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(data)
    print(f"wrote {len(fixtures())} fixtures to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
