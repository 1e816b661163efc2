"""Make the WARCs "written by other tools" that ``archive replay`` must read.

More: docs/modules.md, ``tests/warcs/foreign/make_foreign.py``.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
WGET = shutil.which("wget")

HERITRIX = HERE / "heritrix-style.warc.gz"
WARCIO_REVISIT = HERE / "warcio-revisit.warc"
WGET_NEWS = HERE / "wget-news.warc.gz"
CLUEWEB = HERE / "clueweb-style.warc.gz"
WABAC = HERE / "wabac-style.warc"

# -- pages ------------------------------------------------------------------------------------

SJIS_TITLE = "北方領土の漁業協定、交渉が再開"
SJIS_PARAGRAPHS = [
    "日本とロシアの両政府は、北方領土周辺の水域での漁業協定をめぐる交渉を来月再開すると発表した。",
    "昨年の交渉は操業の条件と入漁料の額をめぐって折り合わず、漁業者の間では先行きへの不安が広がっていた。",
    "根室の漁業協同組合の組合長は「今年こそ安心して海に出られるようにしてほしい」と語った。",
    "外務省の担当者によると、今回の協議では安全操業の手続きを簡素化する案も話し合われる見通しだという。",
]
SJIS_PAGE = (
    "<!DOCTYPE html>\n<html lang=\"ja\"><head>\n"
    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">\n"
    f"<title>{SJIS_TITLE} | 海外ニュース</title>\n"
    "<meta property=\"og:type\" content=\"article\">\n"
    f"<meta property=\"og:title\" content=\"{SJIS_TITLE}\">\n"
    "<meta property=\"article:published_time\" content=\"2023-03-02T10:15:00+09:00\">\n"
    "</head><body>\n"
    "<div class=\"menu\"><a href=\"/\">トップ</a> <a href=\"/world/\">国際</a></div>\n"
    f"<article><h1>{SJIS_TITLE}</h1>\n"
    + "".join(f"<p>{p}</p>\n" for p in SJIS_PARAGRAPHS)
    + "</article>\n<div class=\"footer\">Copyright 海外ニュース</div>\n</body></html>\n"
)

UTF8_TITLE = "Port cranes idle as dockworkers strike for a second week"
UTF8_PARAGRAPHS = [
    "Container ships queued outside the harbour on Thursday as a strike by dockworkers entered "
    "its second week, with no talks scheduled between the union and the port operator.",
    "The union is asking for a pay rise in line with inflation and for limits on night shifts, "
    "which members say have doubled since the terminal was automated last year.",
    "Shipping companies have begun diverting vessels to ports further south, adding days to "
    "delivery times for retailers who were already struggling with low stock before the holiday "
    "season.",
    "A spokesperson for the operator said the company remained open to mediation but would not "
    "reopen an agreement signed only eighteen months ago.",
]
UTF8_PAGE = (
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    f"<title>{UTF8_TITLE} - Harbour Times</title>\n"
    "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@type\": \"NewsArticle\", \"datePublished\": \"2023-03-01T08:00:00Z\", "
    "\"author\": {\"@type\": \"Person\", \"name\": \"Maria Lind\"}}</script>\n"
    "</head><body>\n<nav><a href=\"/\">Home</a> <a href=\"/business/\">Business</a></nav>\n"
    f"<article><h1>{UTF8_TITLE}</h1>\n"
    + "".join(f"<p>{p}</p>\n" for p in UTF8_PARAGRAPHS)
    + "</article>\n<footer>Harbour Times</footer>\n</body></html>\n"
)

LISTING_PAGE = (
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>World - Harbour Times</title>"
    "</head><body><h1>World</h1><ul>"
    "<li><a href=\"/world/2023/03/fishing-talks.html\">Fishing talks resume</a></li>"
    "<li><a href=\"/business/2023/03/port-strike.html\">Port strike</a></li>"
    "</ul></body></html>\n"
)

HERITRIX_HOST = "kaigai.example"
HERITRIX_SJIS_URL = f"http://{HERITRIX_HOST}/world/2023/03/fishing-talks.html"
HERITRIX_UTF8_URL = f"http://{HERITRIX_HOST}/business/2023/03/port-strike.html"
HERITRIX_LISTING_URL = f"http://{HERITRIX_HOST}/world/"
HERITRIX_404_URL = f"http://{HERITRIX_HOST}/world/2023/03/gone.html"
HERITRIX_IMAGE_URL = f"http://{HERITRIX_HOST}/img/logo.png"

REVISIT_HOST = "harbour.example"
REVISIT_A_URL = f"https://{REVISIT_HOST}/business/2023/03/port-strike.html"
REVISIT_B_URL = f"https://{REVISIT_HOST}/world/2023/03/fishing-talks.html"
REVISIT_ALIAS_URL = f"https://{REVISIT_HOST}/business/2023/03/port-strike.html?ref=home"
REVISIT_ORPHAN_URL = f"https://{REVISIT_HOST}/world/2023/02/older-story.html"

# -- helpers ----------------------------------------------------------------------------------


def rid(n: int) -> str:
    """A fixed, well-formed record id."""
    return f"<urn:uuid:f0000000-0000-4000-8000-{n:012d}>"


def chunked(body: bytes, size: int = 400) -> bytes:
    """HTTP/1.1 chunk framing of ``body``, as it crossed the wire."""
    out = bytearray()
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return bytes(out + b"0\r\n\r\n")


def gzipped(body: bytes) -> bytes:
    """gzip with mtime 0, so the file is the same on every run."""
    return gzip.compress(body, mtime=0)


def _response(writer: WARCWriter, url: str, n: int, date: str, status: str,
              headers: list[tuple[str, str]], payload: bytes,
              extra: dict[str, str] | None = None) -> object:
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    warc_headers = {"WARC-Record-ID": rid(n), "WARC-Date": date, **(extra or {})}
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(payload), http_headers=http,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)
    return record


def _request(writer: WARCWriter, url: str, n: int, date: str, concurrent_to: str,
             user_agent: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    http = StatusAndHeaders(f"GET {path} HTTP/1.1", [
        ("User-Agent", user_agent), ("Connection", "close"), ("Referer", f"http://{parts.netloc}/"),
        ("Host", parts.netloc),
    ], protocol="HTTP/1.1", is_http_request=True)
    record = writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""), http_headers=http,
        warc_headers_dict={"WARC-Record-ID": rid(n), "WARC-Date": date,
                           "WARC-Concurrent-To": concurrent_to},
    )
    writer.write_record(record)


# -- Heritrix-style WARC/1.0 ------------------------------------------------------------------

HERITRIX_UA = "Mozilla/5.0 (compatible; heritrix/3.4.0 +http://crawler.example/about)"


def heritrix_bytes() -> bytes:
    """The Heritrix-style WARC/1.0 file (see the module docstring)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True, warc_version="1.0")
    info = (
        "software: Heritrix/3.4.0-20220727 http://crawler.archive.org\r\n"
        "ip: 192.0.2.10\r\n"
        "hostname: crawler01.example\r\n"
        "format: WARC File Format 1.0\r\n"
        "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
        "operator: Test Operator\r\n"
        "isPartOf: kaigai-weekly\r\n"
        "description: weekly crawl of kaigai.example\r\n"
        "robots: obey\r\n"
        f"http-header-user-agent: {HERITRIX_UA}\r\n"
        "http-header-from: archive@crawler.example\r\n"
    ).encode()
    warcinfo = writer.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(info),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": rid(1), "WARC-Date": "2023-03-02T01:00:00Z",
                           "WARC-Filename": HERITRIX.name},
    )
    writer.write_record(warcinfo)
    dns = writer.create_warc_record(
        f"dns:{HERITRIX_HOST}", "response",
        payload=io.BytesIO(f"20230302010001\n{HERITRIX_HOST}.\t300\tIN\tA\t192.0.2.80\n".encode()),
        warc_content_type="text/dns",
        warc_headers_dict={"WARC-Record-ID": rid(2), "WARC-Date": "2023-03-02T01:00:01Z",
                           "WARC-IP-Address": "192.0.2.53"},
    )
    writer.write_record(dns)

    pages = [
        (HERITRIX_LISTING_URL, "200 OK",
         [("Content-Type", "text/html; charset=UTF-8"),
          ("Content-Length", str(len(LISTING_PAGE.encode())))],
         LISTING_PAGE.encode()),
        # Shift_JIS only in <meta>, gzip, chunk framing kept as on the wire
        (HERITRIX_SJIS_URL, "200 OK",
         [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
          ("Transfer-Encoding", "chunked"), ("Vary", "Accept-Encoding")],
         chunked(gzipped(SJIS_PAGE.encode("shift_jis")))),
        (HERITRIX_UTF8_URL, "200 OK",
         [("Content-Type", "text/html; charset=UTF-8"), ("Transfer-Encoding", "chunked")],
         chunked(UTF8_PAGE.encode())),
        (HERITRIX_404_URL, "404 Not Found",
         [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", "48")],
         b"<html><body><h1>404 Not Found</h1></body></html>"),
        (HERITRIX_IMAGE_URL, "200 OK",
         [("Content-Type", "image/png"), ("Content-Length", "8")],
         b"\x89PNG\r\n\x1a\n"),
    ]
    n = 10
    for i, (url, status, headers, payload) in enumerate(pages):
        date = f"2023-03-02T01:00:{10 + i:02d}Z"
        _response(writer, url, n, date, status,
                  [("Date", "Thu, 02 Mar 2023 01:00:10 GMT"), ("Server", "nginx")] + headers,
                  payload, extra={"WARC-IP-Address": "192.0.2.80"})
        _request(writer, url, n + 1, date, rid(n), HERITRIX_UA)
        fields = (f"via: {HERITRIX_LISTING_URL}\r\nhopsFromSeed: L\r\n"
                  f"fetchTimeMs: 42\r\noutlink: {HERITRIX_LISTING_URL} L a/@href\r\n")
        meta = writer.create_warc_record(
            url, "metadata", payload=io.BytesIO(fields.encode()),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": rid(n + 2), "WARC-Date": date,
                               "WARC-Concurrent-To": rid(n)},
        )
        writer.write_record(meta)
        n += 3
    return buf.getvalue()


# -- warcio, uncompressed, with revisits ----------------------------------------------------


def warcio_revisit_bytes() -> bytes:
    """The uncompressed warcio file with revisits (see the module docstring)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False, warc_version="1.1")
    info = writer.create_warcinfo_record(WARCIO_REVISIT.name, {
        "software": "warcio.js-style test writer (warcio)",
        "format": "WARC File Format 1.1",
    })
    info.rec_headers.replace_header("WARC-Record-ID", rid(100))
    info.rec_headers.replace_header("WARC-Date", "2023-03-05T09:00:00.000000Z")
    writer.write_record(info)
    html_a = UTF8_PAGE.encode()
    html_b = SJIS_PAGE.replace("charset=Shift_JIS", "charset=utf-8").encode()
    headers_a = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html_a)))]
    headers_b = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html_b)))]
    ua = "warcio-test/1.0"
    rec_a = _response(writer, REVISIT_A_URL, 101, "2023-03-05T09:00:01.000000Z", "200 OK",
                      headers_a, html_a)
    _request(writer, REVISIT_A_URL, 111, "2023-03-05T09:00:01.000000Z", rid(101), ua)
    _response(writer, REVISIT_B_URL, 102, "2023-03-05T09:00:02.000000Z", "200 OK",
              headers_b, html_b)
    _request(writer, REVISIT_B_URL, 112, "2023-03-05T09:00:02.000000Z", rid(102), ua)
    digest_a = rec_a.rec_headers.get_header("WARC-Payload-Digest")

    def revisit(url: str, n: int, date: str, refers_uri: str, refers_date: str,
                digest: str) -> None:
        http = StatusAndHeaders("200 OK", headers_a, protocol="HTTP/1.1")
        record = writer.create_revisit_record(url, digest, refers_uri, refers_date,
                                              http_headers=http)
        record.rec_headers.replace_header("WARC-Record-ID", rid(n))
        record.rec_headers.replace_header("WARC-Date", date)
        writer.write_record(record)
        _request(writer, url, n + 10, date, rid(n), ua)

    # the same URL a day later, unchanged: found by Refers-To-Target-URI + digest
    revisit(REVISIT_A_URL, 103, "2023-03-06T09:00:01.000000Z", REVISIT_A_URL,
            "2023-03-05T09:00:01.000000Z", digest_a)
    # another URL serving the same bytes
    revisit(REVISIT_ALIAS_URL, 104, "2023-03-06T09:00:02.000000Z", REVISIT_A_URL,
            "2023-03-05T09:00:01.000000Z", digest_a)
    # original captured in a file that is not here
    revisit(REVISIT_ORPHAN_URL, 105, "2023-03-06T09:00:03.000000Z", REVISIT_ORPHAN_URL,
            "2023-02-20T09:00:00.000000Z", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    return buf.getvalue()


# -- bodies stored decoded under Content-Encoding: ClueWeb09 and wabac.js ---------------------

CLUEWEB_HOST = "bunko.example"
CLUEWEB_UTF8_URL = f"http://{CLUEWEB_HOST}/news/2009/01/port-strike.html"
CLUEWEB_SJIS_URL = f"http://{CLUEWEB_HOST}/news/2009/01/fishing-talks.html"
WABAC_HOST = "kiroku.example"
WABAC_URL = f"https://{WABAC_HOST}/2023/03/port-strike.html"
WABAC_SJIS_URL = f"https://{WABAC_HOST}/2023/03/fishing-talks.html"


def _digest(algo: str, data: bytes, base16: bool = False) -> str:
    import base64
    import hashlib

    raw = hashlib.new(algo, data)
    return f"{algo}:{raw.hexdigest()}" if base16 else f"{algo}:" + base64.b32encode(
        raw.digest()).decode()


def _record(version: str, fields: list[tuple[str, str]], block: bytes) -> bytes:
    """One uncompressed record: the fields as given, then Content-Length."""
    head = f"{version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields)
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def _http(first: str, headers: list[tuple[str, str]], body: bytes = b"") -> bytes:
    return (first + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
            + "\r\n").encode("latin-1") + body


def _gzip_members(records: list[bytes]) -> bytes:
    return b"".join(gzipped(r) for r in records)


def clueweb_bytes() -> bytes:
    """The ClueWeb09-style file (see the module docstring): WARC/0.18, no requests, bodies
    stored decoded under ``Content-Encoding: gzip``."""
    info = (b"software: clueweb-style test writer (newsarchive tests)\r\n"
            b"isPartOf: clueweb-style-en\r\n"
            b"format: WARC file version 0.18\r\n"
            b"conformsTo: http://www.archive.org/documents/WarcFileFormat-0.18.html\r\n")
    records = [_record("WARC/0.18", [
        ("WARC-Type", "warcinfo"), ("WARC-Date", "2009-01-13T18:05:00Z"),
        ("WARC-Record-ID", rid(200)), ("Content-Type", "application/warc-fields")], info)]
    pages = [(CLUEWEB_UTF8_URL, "text/html; charset=utf-8", UTF8_PAGE.encode("utf-8")),
             (CLUEWEB_SJIS_URL, "text/html", SJIS_PAGE.encode("shift_jis"))]
    for i, (url, ctype, body) in enumerate(pages):
        # the server sent gzip; the body kept is the decoded one, the head as the server sent
        # it (its Content-Length is the compressed size)
        sent = len(gzipped(body))
        block = _http("HTTP/1.1 200 OK", [
            ("Date", "Tue, 13 Jan 2009 18:05:10 GMT"), ("Server", "Apache"),
            ("Content-Type", ctype), ("Content-Encoding", "gzip"),
            ("Content-Length", str(sent)), ("Vary", "Accept-Encoding")], body)
        records.append(_record("WARC/0.18", [
            ("WARC-Type", "response"), ("WARC-Target-URI", url),
            ("WARC-Warcinfo-ID", rid(200)), ("WARC-Date", f"2009-01-13T18:05:1{i}Z"),
            ("WARC-Record-ID", rid(201 + i)),
            ("WARC-TREC-ID", f"clueweb-style-en0000-00-{i:05d}"),
            ("Content-Type", "application/http;msgtype=response")], block))
    return _gzip_members(records)


def wabac_bytes() -> bytes:
    """The wabac.js-style file (see the module docstring): decoded bodies under
    ``content-encoding: gzip`` and request records that begin with a status line."""
    info = (b"software: Webrecorder ArchiveWeb.page-style test writer (newsarchive tests)\r\n"
            b"format: WARC File Format 1.1\r\n"
            b"isPartOf: Default Collection\r\n")
    records = [_record("WARC/1.1", [
        ("WARC-Type", "warcinfo"), ("WARC-Record-ID", rid(300)),
        ("WARC-Date", "2023-03-07T10:00:00.000Z"), ("WARC-Filename", WABAC.name),
        ("Content-Type", "application/warc-fields"),
        ("WARC-Block-Digest", _digest("sha256", info, base16=True))], info)]
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/110.0 Safari/537.36"
    pages = [(WABAC_URL, "text/html; charset=utf-8", UTF8_PAGE.encode("utf-8")),
             (WABAC_SJIS_URL, "text/html; charset=utf-8",
              SJIS_PAGE.replace("charset=Shift_JIS", "charset=utf-8").encode("utf-8"))]
    for i, (url, ctype, body) in enumerate(pages):
        date = f"2023-03-07T10:00:0{i + 1}.250Z"
        resp_id, req_id = rid(301 + 2 * i), rid(302 + 2 * i)
        block = _http("HTTP/1.1 200 OK", [
            ("content-type", ctype), ("content-encoding", "gzip"),
            ("date", "Tue, 07 Mar 2023 10:00:01 GMT"), ("vary", "Accept-Encoding")], body)
        records.append(_record("WARC/1.1", [
            ("WARC-Target-URI", url), ("WARC-Date", date), ("WARC-Type", "response"),
            ("WARC-Record-ID", resp_id), ("WARC-Page-ID", "page-0001"),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Payload-Digest", _digest("sha256", body, base16=True)),
            ("WARC-Block-Digest", _digest("sha256", block, base16=True))], block))
        request = _http("HTTP/1.1 200 OK", [  # a status line where the request line belongs
            ("user-agent", ua), ("accept", "text/html,application/xhtml+xml"),
            ("accept-encoding", "gzip, deflate, br"), ("referer", f"https://{WABAC_HOST}/")])
        records.append(_record("WARC/1.1", [
            ("WARC-Target-URI", url), ("WARC-Date", date), ("WARC-Type", "request"),
            ("WARC-Record-ID", req_id), ("WARC-Page-ID", "page-0001"),
            ("WARC-Concurrent-To", resp_id),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Payload-Digest", _digest("sha256", b"", base16=True)),
            ("WARC-Block-Digest", _digest("sha256", request, base16=True))], request))
    return b"".join(records)


# -- wget ---------------------------------------------------------------------------------------


@contextmanager
def _fixture_web() -> Iterator[object]:
    sys.path.insert(0, str(ROOT))
    from fixtureweb import FixtureWeb

    with FixtureWeb(roots=[ROOT / "fixtureweb" / "web"]) as web:
        yield web


def run_wget(web: object, warc_base: str | os.PathLike[str], workdir: str | os.PathLike[str],
             url: str = "http://news.example/", level: int = 2) -> subprocess.CompletedProcess:
    """Run the real wget with ``--warc-file`` through the fixture web (a proxy on 127.0.0.1).

    ``warc_base`` is the WARC name without ``.warc.gz`` (wget adds it).
    """
    assert WGET, "wget is not installed"
    env = {**os.environ, "http_proxy": web.proxy_url, "no_proxy": ""}  # type: ignore[attr-defined]
    env.pop("https_proxy", None)
    cmd = [WGET, f"--warc-file={os.fspath(warc_base)}", "--recursive", f"--level={level}",
           "-e", "robots=off", "--compression=auto", "--no-warc-keep-log", "--no-verbose",
           "--tries=1", "--timeout=20", "-P", os.fspath(workdir), url]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def make_wget(target: Path = WGET_NEWS) -> Path:
    """Crawl the fixture site with wget into ``target``."""
    with _fixture_web() as web, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "wget-news"
        proc = run_wget(web, base, Path(tmp) / "files")
        produced = base.with_name(base.name + ".warc.gz")
        if not produced.exists():
            raise RuntimeError(f"wget wrote no WARC (exit {proc.returncode}): {proc.stderr}")
        shutil.copyfile(produced, target)
    return target


def main() -> None:
    """Write every foreign WARC next to this script."""
    HERITRIX.write_bytes(heritrix_bytes())
    WARCIO_REVISIT.write_bytes(warcio_revisit_bytes())
    CLUEWEB.write_bytes(clueweb_bytes())
    WABAC.write_bytes(wabac_bytes())
    print(f"wrote {HERITRIX.name}, {WARCIO_REVISIT.name}, {CLUEWEB.name}, {WABAC.name}")
    if WGET:
        make_wget()
        print(f"wrote {WGET_NEWS.name}")
    else:
        print("wget not installed: wget-news.warc.gz left as it is")


if __name__ == "__main__":
    main()
