"""Tests of the fixture web (fixtureweb/): the loopback forward proxy standing in for the internet.

Everything here talks to 127.0.0.1 only.
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.client
import json
import socket
import ssl
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request

import pytest

from fixtureweb import FixtureStore, FixtureWeb

EXAMPLE = FixtureWeb.default_root() / "example.test"
PYTHON = sys.executable


@pytest.fixture(scope="module")
def web():
    with FixtureWeb() as server:
        yield server


@pytest.fixture
def layered(tmp_path):
    """An extra root on top of the bundled one."""
    top = tmp_path / "top"
    (top / "example.test").mkdir(parents=True)
    (top / "example.test" / "page.html").write_text("<html><title>override</title></html>")
    (top / "example.test" / "_routes.json").write_text(
        json.dumps({"/lookup?b=2&a=1": "news/first-story/"})
    )
    (top / "other.test").mkdir()
    (top / "other.test" / "_host.json").write_text(json.dumps({"robots": "allow-all"}))
    (top / "other.test" / "index.html").write_text("<html><title>other</title></html>")
    (top / "short.test").mkdir()
    (top / "short.test" / "_host.json").write_text(
        json.dumps({"redirect_to": "https://other.test"})
    )
    (top / "norobots.test").mkdir()
    (top / "norobots.test" / "index.html").write_text("<html></html>")
    with FixtureWeb(roots=[top, FixtureWeb.default_root()]) as server:
        yield server


def opener(web: FixtureWeb) -> urllib.request.OpenerDirector:
    proxies = {"http": web.proxy_url, "https": web.proxy_url}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies))


def fetch(web: FixtureWeb, url: str, headers: dict[str, str] | None = None):
    """(status, headers, body) through the proxy, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    op = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": web.proxy_url}), NoRedirect()
    )
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with op.open(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def raw(web: FixtureWeb, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send raw bytes to the server and read until it closes the connection."""
    with socket.create_connection(web.address, timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(data: bytes) -> tuple[str, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body


def tunnel(web: FixtureWeb, host: str = "example.test") -> http.client.HTTPSConnection:
    conn = http.client.HTTPSConnection(
        "127.0.0.1", web.port, context=ssl._create_unverified_context(), timeout=10
    )
    conn.set_tunnel(host, 443)
    return conn


# --------------------------------------------------------------------------- plain proxying


def test_plain_proxy_serves_fixture_file_with_default_headers(web):
    web.clear_log()
    with opener(web).open("http://example.test/page.html?utm_source=rss", timeout=10) as resp:
        body = resp.read()
        headers = resp.headers
        assert resp.status == 200
    assert body == (EXAMPLE / "page.html").read_bytes()
    assert headers["Content-Type"] == "text/html"  # no charset unless a sidecar gives one
    assert headers["ETag"] == '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    assert headers["Last-Modified"] == "Sat, 02 Nov 2013 11:37:00 GMT"  # from the sidecar
    assert headers["X-Fixture-Host"] == "example.test"  # from _host.json
    assert int(headers["Content-Length"]) == len(body)
    (entry,) = web.requests
    assert (entry.method, entry.scheme, entry.host, entry.path, entry.query) == (
        "GET",
        "http",
        "example.test",
        "/page.html",
        "utm_source=rss",
    )
    assert entry.mode == "proxy" and entry.status == 200 and entry.bytes_sent > len(body)
    assert entry.file == str((EXAMPLE / "page.html").resolve())
    assert entry.url == "http://example.test/page.html?utm_source=rss"


def test_index_files_percent_encoded_names_and_meta_only_charset(web):
    status, headers, body = fetch(web, "http://example.test/")
    assert status == 200 and body == (EXAMPLE / "index.html").read_bytes()
    status, _, body = fetch(web, "http://example.test/news/first-story/")
    assert status == 200 and b"First story" in body
    status, _, body = fetch(web, "http://example.test/news/first-story")  # dir without slash
    assert status == 200 and b"First story" in body
    status, headers, body = fetch(web, "http://example.test/tagsearch/%E3%83%AD%E3%82%B7%E3%82%A2")
    assert status == 200 and body == (EXAMPLE / "tagsearch" / "ロシア").read_bytes()
    assert headers["Content-Type"] == "text/html"
    status, headers, body = fetch(web, "http://example.test/sjis.html")
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert "ロシア".encode("shift_jis") in body and b"charset=Shift_JIS" in body
    status, headers, body = fetch(web, "http://example.test/cdx/news.json")
    assert headers["Content-Type"] == "application/json"
    status, headers, body = fetch(web, "http://example.test/robots.txt")
    assert status == 200 and headers["Content-Type"] == "text/plain"
    assert body == (EXAMPLE / "robots.txt").read_bytes()


def test_https_through_connect_with_keepalive(web):
    web.clear_log()
    conn = tunnel(web)
    try:
        conn.request("GET", "/page.html")
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.read() == (EXAMPLE / "page.html").read_bytes()
        conn.request("GET", "/news/first-story/")  # same tunnel, same TLS session
        resp = conn.getresponse()
        assert resp.status == 200 and b"First story" in resp.read()
        der = conn.sock.getpeercert(binary_form=True)
    finally:
        conn.close()

    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "example.test" in sans.get_values_for_type(x509.DNSName)

    log = web.requests
    assert [r.method for r in log] == ["CONNECT", "GET", "GET"]
    assert log[0].host == "example.test" and log[0].path == "443" and log[0].mode == "connect"
    assert [r.url for r in log[1:]] == [
        "https://example.test/page.html",
        "https://example.test/news/first-story/",
    ]
    assert all(r.mode == "tunnel" and r.scheme == "https" for r in log[1:])
    assert web.urls() == [r.url for r in log[1:]]


def test_direct_origin_form_and_direct_tls(web):
    web.clear_log()
    req = urllib.request.Request(
        f"http://127.0.0.1:{web.port}/page.html", headers={"Host": "example.test"}
    )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(req, timeout=10) as resp:
        assert resp.status == 200
        assert resp.read() == (EXAMPLE / "page.html").read_bytes()
    conn = http.client.HTTPSConnection(
        "127.0.0.1", web.port, context=ssl._create_unverified_context(), timeout=10
    )
    conn.request("GET", "/robots.txt", headers={"Host": "example.test"})
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == (EXAMPLE / "robots.txt").read_bytes()
    conn.close()
    assert [(r.mode, r.url) for r in web.requests] == [
        ("direct", "http://example.test/page.html"),
        ("direct", "https://example.test/robots.txt"),
    ]


# --------------------------------------------------------------------------- redirects, routes


def test_redirects(web):
    status, headers, _ = fetch(web, "http://example.test/old-page.html")
    assert status == 301 and headers["Location"] == "http://example.test/page.html"
    with opener(web).open("http://example.test/old-page.html", timeout=10) as resp:
        assert resp.url == "http://example.test/page.html"
        assert resp.read() == (EXAMPLE / "page.html").read_bytes()
    status, headers, body = fetch(web, "http://example.test/go?to=page")  # route redirect
    assert status == 302 and headers["Location"] == "/page.html" and body == b""


def test_query_routes_ignore_parameter_order_and_encoding(web):
    expected = (EXAMPLE / "cdx" / "news.json").read_bytes()
    for query in (
        "url=example.test/news/&matchType=prefix&output=json",
        "output=json&matchType=prefix&url=example.test%2Fnews%2F",
        "matchType=prefix&url=example.test/news/&output=json",
    ):
        status, headers, body = fetch(web, f"http://example.test/cdx/search/cdx?{query}")
        assert status == 200 and body == expected, query
        assert headers["Content-Type"] == "application/json"
    # a different query does not match the route, and /cdx/search/cdx is no file
    status, _, _ = fetch(web, "http://example.test/cdx/search/cdx?url=other&output=json")
    assert status == 404
    # route keys may be percent-encoded; status and inline body from the route
    status, _, body = fetch(web, "http://example.test/search?page=2&q=%E3%83%AD%E3%82%B7%E3%82%A2")
    assert status == 404 and body == b"no more results\n"


# --------------------------------------------------------------------------- framing on the wire


def test_gzip_on_the_wire(web):
    page = (EXAMPLE / "gzipped.html").read_bytes()
    request = (
        b"GET http://example.test/gzipped.html HTTP/1.1\r\nHost: example.test\r\n"
        b"Accept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n"
    )
    status, headers, body = split_response(raw(web, request))
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body) < len(page)
    assert gzip.decompress(body) == page
    # a client that does not accept gzip gets identity
    request = request.replace(b"gzip, deflate", b"identity")
    status, headers, body = split_response(raw(web, request))
    assert "content-encoding" not in headers and body == page


def test_chunked_on_the_wire_and_http10_fallback(web):
    page = (EXAMPLE / "chunked.html").read_bytes()
    request = b"GET http://example.test/chunked.html HTTP/1.1\r\nHost: example.test\r\n"
    status, headers, body = split_response(raw(web, request + b"Connection: close\r\n\r\n"))
    assert status.startswith("HTTP/1.1 200")
    assert headers["transfer-encoding"] == "chunked" and "content-length" not in headers
    sizes, data, rest = [], b"", body
    while True:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        sizes.append(size)
        if size == 0:
            assert rest == b"\r\n"
            break
        data += rest[:size]
        assert rest[size : size + 2] == b"\r\n"
        rest = rest[size + 2 :]
    assert data == page
    assert len(sizes) > 3 and set(sizes[:-2]) == {100} and sizes[-1] == 0  # chunk_size 100
    # HTTP/1.0 cannot do chunked: close-delimited body instead
    status, headers, body = split_response(
        raw(web, b"GET http://example.test/chunked.html HTTP/1.0\r\n\r\n")
    )
    assert "transfer-encoding" not in headers and headers["connection"] == "close"
    assert body == page


def test_keepalive_http10_and_head(web):
    page = (EXAMPLE / "page.html").read_bytes()
    with socket.create_connection(web.address, timeout=5) as sock:
        f = sock.makefile("rb")
        for version, extra in ((b"HTTP/1.1", b""), (b"HTTP/1.0", b"Connection: keep-alive\r\n")):
            sock.sendall(
                b"HEAD http://example.test/page.html " + version + b"\r\n" + extra + b"\r\n"
            )
            resp = http.client.HTTPResponse(sock, method="HEAD")
            resp.begin()
            assert resp.status == 200 and int(resp.getheader("Content-Length")) == len(page)
            assert resp.read() == b""
            sock.sendall(
                b"GET http://example.test/page.html " + version + b"\r\n" + extra + b"\r\n"
            )
            resp = http.client.HTTPResponse(sock, method="GET")
            resp.begin()
            assert resp.read() == page and not resp.will_close
        f.close()
    # HTTP/1.0 without keep-alive: the server closes after the response
    data = raw(web, b"GET http://example.test/page.html HTTP/1.0\r\n\r\n")
    status, headers, body = split_response(data)
    assert headers["connection"] == "close" and body == page


# --------------------------------------------------------------------------- conditional requests


def test_conditional_requests_get_304(web):
    web.clear_log()
    url = "http://example.test/page.html"
    status, headers, _ = fetch(web, url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    status, headers, body = fetch(web, url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    status, _, _ = fetch(web, url, {"If-None-Match": f'"nope", W/{etag}'})
    assert status == 304
    status, _, body = fetch(web, url, {"If-None-Match": '"something-else"'})
    assert status == 200 and body
    status, _, _ = fetch(web, url, {"If-Modified-Since": last_modified})
    assert status == 304
    later = email.utils.formatdate(time.time(), usegmt=True)
    status, _, _ = fetch(web, url, {"If-Modified-Since": later})
    assert status == 304
    status, _, body = fetch(web, url, {"If-Modified-Since": "Fri, 01 Nov 2013 00:00:00 GMT"})
    assert status == 200 and body
    # If-None-Match wins over If-Modified-Since
    status, _, _ = fetch(web, url, {"If-None-Match": '"x"', "If-Modified-Since": last_modified})
    assert status == 200
    assert [r.conditional for r in web.requests] == [False] + [True] * 7
    assert [r.status for r in web.requests] == [200, 304, 304, 200, 304, 304, 200, 200]


# --------------------------------------------------------------------------- errors


def test_404_500_and_502(web, caplog):
    web.clear_log()
    for path in ("/nope.html", "/news/", "/page.html.meta.json", "/_routes.json", "/_host.json"):
        status, headers, body = fetch(web, "http://example.test" + path)
        assert status == 404, path
        assert body == b"404 Not Found\n"
    status, _, body = fetch(web, "http://example.test/broken.html")  # sidecar without a file
    assert status == 500 and body == b"500 Internal Server Error\n"
    with caplog.at_level("WARNING", logger="fixtureweb"):
        status, headers, body = fetch(web, "http://unknown.invalid/x")
    assert status == 502 and b"unknown.invalid" in body
    assert headers["Content-Type"].startswith("text/plain")
    assert "unknown.invalid" in caplog.text
    conn = tunnel(web, "unknown.invalid")
    conn.request("GET", "/")
    resp = conn.getresponse()
    assert resp.status == 502 and b"unknown.invalid" in resp.read()
    conn.close()
    status, _, _ = split_response(raw(web, b"CONNECT no:port:x HTTP/1.1\r\n\r\n"))
    assert status.startswith("HTTP/1.1 400")
    unknown = [r for r in web.requests if r.host == "unknown.invalid"]
    assert [(r.method, r.status) for r in unknown] == [("GET", 502), ("CONNECT", 200), ("GET", 502)]
    assert all(r.note == "unknown host" for r in unknown)


def test_path_traversal_is_refused(web, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    root = tmp_path / "root"
    (root / "trap.test").mkdir(parents=True)
    (root / "trap.test" / "index.html").write_text("ok")
    (root / "trap.test" / "link.txt").symlink_to(outside)
    (root / "trap.test" / "dirlink").symlink_to(tmp_path)
    targets = [
        "/../example.test/page.html",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/a/../../secret.txt",
        "/..",
        "/link.txt",
        "/dirlink/secret.txt",
        "/index.html%00.txt",
        "/%5c..%5csecret.txt",
    ]
    with FixtureWeb(roots=[root]) as trap:
        for host, target in [("trap.test", t) for t in targets] + [("..", "/secret.txt")]:
            data = raw(
                trap, f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            )
            status, _, body = split_response(data)
            assert status.split()[1] in ("404", "502"), (host, target, status)
            assert b"secret" not in body
        status, _, body = split_response(
            raw(trap, b"GET / HTTP/1.1\r\nHost: trap.test\r\nConnection: close\r\n\r\n")
        )
        assert status.split()[1] == "200" and body == b"ok"


def test_path_segments_reject_dot_dot_before_touching_the_disk():
    assert FixtureStore._segments("/a/./b//c/") == ["a", "b", "c"]
    assert FixtureStore._segments("/tagsearch/%E3%83%AD%E3%82%B7%E3%82%A2") == [
        "tagsearch",
        "ロシア",
    ]
    for bad in ("/..", "/a/../b", "/%2e%2e/x", "/a%2f..%2fb", "/x%00y", "/a%5c..%5cb"):
        assert FixtureStore._segments(bad) is None, bad


# --------------------------------------------------------------------------- layering, host options


def test_layered_roots_and_host_options(layered):
    status, _, body = fetch(layered, "http://example.test/page.html")
    assert status == 200 and b"override" in body  # upper root wins
    status, _, body = fetch(layered, "http://example.test/news/first-story/")
    assert status == 200 and b"First story" in body  # falls through to the bundled root
    status, _, body = fetch(layered, "http://example.test/lookup?a=1&b=2")
    assert status == 200 and b"First story" in body  # upper route -> lower file
    status, _, _ = fetch(
        layered,
        "http://example.test/cdx/search/cdx?output=json&url=example.test/news/&matchType=prefix",
    )
    assert status == 200  # lower routes still apply
    status, headers, body = fetch(layered, "http://other.test/robots.txt")
    assert status == 200 and body == b"User-agent: *\nDisallow:\n"  # robots: allow-all
    status, _, _ = fetch(layered, "http://norobots.test/robots.txt")
    assert status == 404
    status, headers, _ = fetch(layered, "http://short.test/a/b?c=d")
    assert status == 301 and headers["Location"] == "https://other.test/a/b?c=d"


def test_server_delay_and_sidecar_edits_are_live(tmp_path):
    (tmp_path / "slow.test").mkdir()
    page = tmp_path / "slow.test" / "index.html"
    page.write_text("one")
    with FixtureWeb(roots=[tmp_path], delay_ms=100) as slow:
        start = time.monotonic()
        assert fetch(slow, "http://slow.test/")[2] == b"one"
        assert time.monotonic() - start >= 0.1
        page.write_text("two, longer")
        (tmp_path / "slow.test" / "index.html.meta.json").write_text(
            json.dumps({"headers": {"Content-Type": "text/html; charset=Shift_JIS"}})
        )
        status, headers, body = fetch(slow, "http://slow.test/")
        assert body == b"two, longer" and headers["Content-Type"] == "text/html; charset=Shift_JIS"


# --------------------------------------------------------------------------- faults


def test_fault_reset_mid_body(web):
    page = (EXAMPLE / "faults" / "reset.html").read_bytes()
    with socket.create_connection(web.address, timeout=5) as sock:
        sock.sendall(b"GET http://example.test/faults/reset.html HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        with pytest.raises(ConnectionResetError):
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break  # a clean close would fail the pytest.raises
                data += chunk
    status, headers, body = split_response(data)
    assert int(headers["content-length"]) == len(page) and 0 < len(body) < len(page)
    assert web.requests[-1].note == "fault:reset_mid_body"


def test_fault_truncate(web):
    page = (EXAMPLE / "faults" / "truncated.html").read_bytes()
    data = raw(web, b"GET http://example.test/faults/truncated.html HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, body = split_response(data)
    assert status.startswith("HTTP/1.1 200")
    assert int(headers["content-length"]) == len(page) and body == page[:100]


# --------------------------------------------------------------------------- log, CLI, env


def test_log_file_and_env(tmp_path):
    log_path = tmp_path / "requests.jsonl"
    with FixtureWeb(log_path=log_path) as server:
        fetch(server, "http://example.test/page.html")
        fetch(server, "http://example.test/missing")
        env = server.env({"PATH": "/usr/bin", "NO_PROXY": "example.test"})
        assert env["PATH"] == "/usr/bin"
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            assert env[name] == server.proxy_url
        assert env["no_proxy"] == env["NO_PROXY"] == ""
        assert server.proxy_url.startswith("http://127.0.0.1:")
        assert len(server.requests) == 2
        server.clear_log()
        assert server.requests == []
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert [(d["url"], d["status"]) for d in lines] == [
        ("http://example.test/page.html", 200),
        ("http://example.test/missing", 404),
    ]
    assert {"time", "method", "scheme", "host", "path", "query", "headers", "bytes_sent"} <= set(
        lines[0]
    )


def test_cli_prints_proxy_url_and_logs(tmp_path):
    log_path = tmp_path / "cli.jsonl"
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "fixtureweb",
            "--root",
            str(FixtureWeb.default_root()),
            "--log",
            str(log_path),
            "--delay-ms",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:"), first
        op = urllib.request.build_opener(urllib.request.ProxyHandler({"http": first}))
        with op.open("http://example.test/robots.txt", timeout=10) as resp:
            assert resp.read() == (EXAMPLE / "robots.txt").read_bytes()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    (line,) = log_path.read_text().splitlines()
    assert json.loads(line)["url"] == "http://example.test/robots.txt"


# --------------------------------------------------------------------------- a real Scrapy crawl


SPIDER = """
import scrapy

class FixtureSpider(scrapy.Spider):
    name = "fixture"
    start_urls = ["http://example.test/", "https://example.test/page.html",
                  "https://example.test/gzipped.html", "http://example.test/chunked.html",
                  "http://example.test/old-page.html"]
    custom_settings = {"ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False}

    def parse(self, response):
        yield {"url": response.url, "status": response.status,
               "title": response.css("title::text").get()}
"""


def test_real_scrapy_crawl_through_the_proxy(web, tmp_path):
    web.clear_log()
    (tmp_path / "spider.py").write_text(textwrap.dedent(SPIDER))
    env = web.env()
    for name in ("SCRAPY_SETTINGS_MODULE", "SCRAPY_PROJECT", "SCRAPY_PYTHON_SHELL"):
        env.pop(name, None)
    proc = subprocess.run(
        [PYTHON, "-m", "scrapy", "runspider", "spider.py", "-o", "out.jsonl"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = {
        d["url"]: d for d in map(json.loads, (tmp_path / "out.jsonl").read_text().splitlines())
    }
    assert items["http://example.test/"]["title"] == "Example Test News"
    assert items["https://example.test/page.html"]["title"] == "Fixture article"
    assert items["https://example.test/gzipped.html"]["title"] == "Gzipped page"
    assert items["http://example.test/chunked.html"]["title"] == "Chunked page"
    assert items["http://example.test/page.html"]["title"] == "Fixture article"  # redirected

    log = web.requests
    fetched = {(r.url, r.mode) for r in log if r.method == "GET"}
    assert ("http://example.test/", "proxy") in fetched
    assert ("https://example.test/page.html", "tunnel") in fetched
    # Scrapy fetches robots.txt once per netloc, whichever scheme comes first
    assert {u for u, _ in fetched} & {
        "http://example.test/robots.txt",
        "https://example.test/robots.txt",
    }
    assert any(r.method == "CONNECT" and r.host == "example.test" for r in log)
    gz = next(r for r in log if r.url == "https://example.test/gzipped.html")
    assert "gzip" in gz.headers.get("Accept-Encoding", "")
    assert all(r.host == "example.test" for r in log)
