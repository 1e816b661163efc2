"""Spider runs against an archive: ``scrapy crawl <spider> -s WARC_REPLAY=...`` (issue: archive
tooling and offline replay) and the replay index behind it (:mod:`archive.warc.replayindex`)."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from archive.warc.indexer import write_index_for
from archive.warc.inputs import expand_spec
from archive.warc.pointer import record_at
from archive.warc.replayindex import ReplayIndex
from archive.warc.writer import WarcWriter, http_head, sha1_digest
from crawler.middlewares.warcreplay import WarcReplayMiddleware, downloaded_response
from crawler.responses import response_from_record
from tests.conftest import ROOT, run_crawl

SITE = "https://news.example"
MISSING = SITE + "/2024/05/not-archived.html"
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z
DAY = 86400.0


# -- small hand-made archives ------------------------------------------------------------------


def _response_head(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    return http_head(f"HTTP/1.1 {status}", [*headers, ("Content-Length", str(len(body)))])


def _exchange(writer: WarcWriter, url: str, body: bytes, *, status: str = "200 OK",
              method: str = "GET", timestamp: float = T0,
              headers: list[tuple[str, str]] | None = None) -> dict:
    headers = headers if headers is not None else [("Content-Type", "text/html")]
    path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
    host = url.split("/")[2]
    return writer.write_exchange(
        url=url, response_head=_response_head(status, headers, body), body=body,
        request_head=http_head(f"{method} /{path} HTTP/1.1", [("Host", host)]),
        timestamp=timestamp, ip_address="127.0.0.1",
    ).to_dict()


@pytest.fixture
def archive_dir(tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    """One WARC: three captures of a page, a revisit of it, a POST, an http->https redirect."""
    warc_dir = tmp_path / "warc"
    ptrs: dict[str, dict] = {}
    with WarcWriter(warc_dir, prefix="t", hostname="test") as writer:
        ptrs["v1"] = _exchange(writer, "http://news.example/a?x=1&y=2", b"<p>one</p>",
                               timestamp=T0)
        ptrs["v2"] = _exchange(writer, "http://news.example/a?x=1&y=2", b"<p>two</p>",
                               timestamp=T0 + DAY)
        ptrs["root"] = _exchange(writer, "http://news.example/", b"<p>home</p>")
        ptrs["post"] = _exchange(writer, "http://news.example/form", b"posted", method="POST")
        ptrs["get"] = _exchange(writer, "http://news.example/form", b"form page",
                                timestamp=T0 - DAY)
        ptrs["http"] = _exchange(writer, "http://secure.example/", b"", status="301 Moved",
                                 headers=[("Location", "https://secure.example/")],
                                 timestamp=T0 + 2 * DAY)
        ptrs["https"] = _exchange(writer, "https://secure.example/", b"<p>secure</p>",
                                  timestamp=T0)
        ptrs["revisit"] = writer.write_revisit(
            url="http://news.example/a?x=1&y=2",
            response_head=_response_head("200 OK", [("Content-Type", "text/html"),
                                                    ("X-Visit", "3")], b"<p>one</p>"),
            payload_digest=ptrs["v1"]["payload_digest"], profile="identical-payload-digest",
            refers_to=ptrs["v1"]["record_id"], refers_to_uri=ptrs["v1"]["target_uri"],
            refers_to_date=ptrs["v1"]["warc_date"],
            request_head=http_head("GET /a?x=1&y=2 HTTP/1.1", [("Host", "news.example")]),
            timestamp=T0 + 3 * DAY,
        ).to_dict()
        ptrs["lost"] = writer.write_revisit(
            url="http://news.example/lost",
            response_head=_response_head("200 OK", [("Content-Type", "text/html")], b"x"),
            payload_digest=sha1_digest(b"never archived"), profile="identical-payload-digest",
            refers_to="<urn:uuid:00000000-0000-0000-0000-000000000000>",
            refers_to_uri="http://news.example/lost", refers_to_date="2020-01-01T00:00:00Z",
            request_head=http_head("GET /lost HTTP/1.1", [("Host", "news.example")]),
        ).to_dict()
    return warc_dir, ptrs


def _both_ways(warc_dir: Path, pick: str = "last") -> list[ReplayIndex]:
    """The same archive indexed in memory (no .cdxj) and from a .cdxj written beside it."""
    built = ReplayIndex.from_spec(warc_dir, pick=pick)
    for warc in warc_dir.glob("*.warc.gz"):
        write_index_for(warc)
    loaded = ReplayIndex.from_spec(warc_dir, pick=pick)
    for cdxj in warc_dir.glob("*.cdxj"):
        cdxj.unlink()
    assert built.built and not loaded.built
    return [built, loaded]


def test_index_is_built_in_memory_when_no_cdxj_is_beside_the_warc(archive_dir):
    warc_dir, ptrs = archive_dir
    assert not list(warc_dir.glob("*.cdxj"))
    index = ReplayIndex.from_spec(warc_dir)
    assert index.built == index.files and len(index.files) == 1
    # 9 response/revisit records, the lost revisit included; request/warcinfo are not served
    assert len(index) == 9
    got = index.fetch("http://news.example/")
    assert got is not None and got.body == b"<p>home</p>" and got.pointer == ptrs["root"]


def test_a_cdxj_beside_the_warc_is_used(archive_dir):
    warc_dir, ptrs = archive_dir
    cdxj = write_index_for(next(warc_dir.glob("*.warc.gz")))
    index = ReplayIndex.from_spec(warc_dir)
    assert not index.built and len(index) == 9
    # the index really comes from the file: a line removed from it is no longer found
    lines = cdxj.read_text().splitlines(keepends=True)
    cdxj.write_text("".join(line for line in lines if not line.startswith("example,news)/ ")))
    assert ReplayIndex.from_spec(warc_dir).fetch("http://news.example/") is None


def test_urls_match_by_surt_as_pywb_does(archive_dir):
    warc_dir, ptrs = archive_dir
    for index in _both_ways(warc_dir):
        for url in ("http://news.example", "http://news.example/", "HTTP://NEWS.EXAMPLE:80/",
                    "http://www.news.example/"):
            got = index.fetch(url)
            assert got is not None and got.pointer["record_id"] == ptrs["root"]["record_id"], url
        for url in ("http://news.example/a?y=2&x=1", "http://news.example/a?x=1&y=2"):
            assert index.lookup(url) is not None, url
        assert index.fetch("http://news.example/a?x=2") is None
        assert index.fetch("http://news.example/other") is None


def test_pick_last_and_first(archive_dir):
    warc_dir, ptrs = archive_dir
    url = "http://news.example/a?x=1&y=2"
    for index in _both_ways(warc_dir, pick="first"):
        got = index.fetch(url)
        assert got.body == b"<p>one</p>" and got.pointer == ptrs["v1"]
    for index in _both_ways(warc_dir, pick="last"):
        assert index.lookup(url).timestamp == "20231117221320"  # the revisit, latest
    with pytest.raises(ValueError):
        ReplayIndex(pick="middle")


def test_revisits_are_served_with_the_original_payload(archive_dir):
    warc_dir, ptrs = archive_dir
    for index in _both_ways(warc_dir):
        got = index.fetch("http://news.example/a?x=1&y=2")
        assert got is not None
        assert got.body == b"<p>one</p>"  # the original's payload ...
        assert ("X-Visit", "3") in got.headers  # ... under the revisit's own HTTP head
        assert got.pointer == ptrs["revisit"] and got.pointer["warc_type"] == "revisit"
        assert got.original == ptrs["v1"]
        # a revisit whose original is not in the archive is not served
        assert index.fetch("http://news.example/lost") is None
        assert index.unresolved_revisits == 1


def test_methods_are_matched(archive_dir):
    warc_dir, ptrs = archive_dir
    for index in _both_ways(warc_dir):
        assert index.fetch("http://news.example/form", "POST").pointer == ptrs["post"]
        # the GET capture is older than the POST one, but only it answers a GET
        assert index.fetch("http://news.example/form").pointer == ptrs["get"]
        assert index.fetch("http://news.example/", "POST") is None


def test_the_requests_own_scheme_is_preferred(archive_dir):
    warc_dir, ptrs = archive_dir
    for index in _both_ways(warc_dir):
        # the http capture is later, but it redirects to https: serving it there would loop
        assert index.fetch("https://secure.example/").pointer == ptrs["https"]
        assert index.fetch("http://secure.example/").status == 301


def test_spec_files_directories_globs_and_open_files(archive_dir, tmp_path):
    warc_dir, _ = archive_dir
    warc = next(warc_dir.glob("*.warc.gz"))
    leftover = warc_dir / "t-dead.warc.gz.open"
    leftover.write_bytes(warc.read_bytes())
    assert expand_spec(str(warc_dir)) == [warc]  # .open skipped in a directory ...
    assert expand_spec(str(leftover)) == [leftover]  # ... used when named
    assert expand_spec(str(warc_dir / "*.warc.gz")) == [warc]
    assert expand_spec(f"{warc},{warc_dir}") == [warc]  # each file once
    with pytest.raises(FileNotFoundError):
        expand_spec(str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError):
        expand_spec(str(tmp_path / "*.warc.gz"))


def test_middleware_miss_is_counted_and_ignored(archive_dir, caplog):
    warc_dir, ptrs = archive_dir
    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc_dir)})
    crawler.stats.open_spider()
    mw = WarcReplayMiddleware.from_crawler(crawler)
    request = Request("http://news.example/nothing-here")
    with pytest.raises(IgnoreRequest):
        mw.process_request(request)
    assert "WARC_REPLAY miss: GET http://news.example/nothing-here" in caplog.text
    assert crawler.stats.get_value("warc_replay/miss") == 1
    request = Request("http://news.example/")
    response = mw.process_request(request)
    assert isinstance(response, HtmlResponse) and response.body == b"<p>home</p>"
    assert "warc-replay" in response.flags and request.meta["warc"] == ptrs["root"]
    assert crawler.stats.get_value("warc_replay/hit") == 1


FOREIGN = Path(__file__).resolve().parent / "warcs" / "foreign"


def _served(warc: Path, url: str) -> HtmlResponse:
    """What the spider gets for ``url`` from ``warc``: the replay middleware's response after
    the project's compression middleware, as in a crawl."""
    from crawler.middlewares.compression import SafeHttpCompressionMiddleware

    crawler = get_crawler(settings_dict={"WARC_REPLAY": str(warc)})
    crawler.stats.open_spider()
    request = Request(url)
    response = WarcReplayMiddleware.from_crawler(crawler).process_request(request)
    return SafeHttpCompressionMiddleware.from_crawler(crawler).process_response(
        request, response)


def test_a_request_record_that_begins_with_a_status_line_counts_as_get():
    """wabac.js writes request records whose first line is a status line: the method is
    unknown, so the capture answers GET (not a method called "HTTP/1.1")."""
    index = ReplayIndex.from_spec(FOREIGN / "wabac-style.warc")
    url = "https://kiroku.example/2023/03/port-strike.html"
    capture = index.lookup(url, "GET")
    assert capture is not None and index.method_of(capture) == "GET"
    assert index.lookup(url, "HTTP/1.1") is None
    assert b"Port cranes idle" in _served(FOREIGN / "wabac-style.warc", url).body


@pytest.mark.parametrize("name, url", [
    ("clueweb-style.warc.gz", "http://bunko.example/news/2009/01/fishing-talks.html"),
    ("wabac-style.warc", "https://kiroku.example/2023/03/fishing-talks.html"),
])
def test_a_body_stored_decoded_under_content_encoding_is_served_as_stored(name, url):
    response = _served(FOREIGN / name, url)
    assert isinstance(response, HtmlResponse) and "stored-decoded" in response.flags
    assert b"Content-Encoding" not in response.headers
    assert "北方領土の漁業協定" in response.text


def test_middleware_is_off_without_the_setting_and_fails_loudly_on_a_bad_one(tmp_path):
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        WarcReplayMiddleware.from_crawler(get_crawler())
    with pytest.raises(FileNotFoundError):  # never a silent live crawl
        WarcReplayMiddleware.from_crawler(
            get_crawler(settings_dict={"WARC_REPLAY": str(tmp_path / "nope")}))
    with pytest.raises(ValueError):
        WarcReplayMiddleware.from_crawler(
            get_crawler(settings_dict={"WARC_REPLAY": str(tmp_path), "WARC_REPLAY_PICK": "x"}))


# -- live crawl, then replays -------------------------------------------------------------------


def _dead_proxy() -> dict[str, str]:
    """Proxy variables pointing at a 127.0.0.1 port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    return {"http_proxy": url, "https_proxy": url, "HTTP_PROXY": url, "HTTPS_PROXY": url}


@pytest.fixture(scope="module")
def live(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("live")
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "3"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.articles) == 4
    return run


@pytest.fixture(scope="module")
def replay(web, live, tmp_path_factory):
    out = tmp_path_factory.mktemp("replay")
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "3"},
                    settings={"WARC_REPLAY": str(live.out / "warc")}, extra_env=_dead_proxy())
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def _stat(run, key: str) -> int | None:
    """An integer from the stats dump (conftest's stats_value keeps a trailing ``}``)."""
    m = re.search(rf"'{re.escape(key)}': (\d+)", run.stderr)
    return int(m.group(1)) if m else None


def _rows(run) -> dict[str, dict]:
    rows = {}
    for row in run.articles:
        row = dict(row)
        row.pop("metadata_record_id")  # a fresh metadata record of each run
        rows[row["url"]] = row
    return rows


def test_replay_items_equal_the_live_items(live, replay):
    live_rows, replay_rows = _rows(live), _rows(replay)
    assert len(replay_rows) == 4
    assert replay_rows == live_rows  # warc pointers and fetched_at included
    for row in replay_rows.values():
        ptr = row["warc"]
        assert (live.out / "warc" / ptr["filename"]).is_file()  # run 1's archive
        with record_at(live.out / "warc" / ptr["filename"], ptr["offset"]) as record:
            assert record.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
            assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]


def test_replay_text_files_are_byte_identical(live, replay):
    def texts(run):
        root = run.out / "text"
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*.txt")}

    assert texts(replay) == texts(live) and len(texts(live)) == 4


def test_replay_touches_no_network_and_archives_nothing(live, replay):
    assert replay.requests == []  # the fixture web saw nothing
    assert _stat(replay, "warc_replay/network_requests") is None
    responses = [r for r in live.records() if r["type"] == "response"]
    # 14 pages, feeds, robots.txt and errors, and the articles' page requisite
    # /static/site.css (a 404), asked for again by the replay and answered from the archive
    assert _stat(replay, "warc_replay/hit") == len(responses) == 15
    assert _stat(replay, "warc_replay/miss") is None
    assert _stat(replay, "warc/responses") is None
    # robots.txt, redirects and errors came from the archive, as live
    for key in ("robotstxt/response_status_count/200", "robotstxt/forbidden",
                "downloader/response_status_count/301", "downloader/response_status_count/302",
                "downloader/response_status_count/404", "httpcompression/response_count",
                "item_scraped_count"):
        assert _stat(replay, key) == _stat(live, key) is not None, key
    # the replay's own WARC holds only its warcinfo and the text pipeline's metadata records
    assert {r["type"] for r in replay.records()} <= {"warcinfo", "metadata"}
    assert "'finish_reason': 'finished'" in replay.stderr


def test_replayed_response_is_still_encoded_until_httpcompression(live):
    index = ReplayIndex.from_spec(live.out / "warc")
    archived = index.fetch(SITE + "/2024/05/port-visit.html")  # gzip, chunked on the wire
    assert archived is not None
    request = Request(SITE + "/2024/05/port-visit.html")
    response = downloaded_response(archived, request)
    assert response.body[:2] == b"\x1f\x8b"
    assert response.headers[b"Content-Encoding"] == b"gzip"
    assert b"Content-Length" not in response.headers  # it was chunked: Scrapy had no length
    assert b"X-Crawler-Transfer-Encoding" not in response.headers
    decoded = HttpCompressionMiddleware.from_crawler(get_crawler()).process_response(
        request, response)
    assert decoded.body == gzip.decompress(archived.body)
    ptr = archived.pointer
    with record_at(live.out / "warc" / ptr["filename"], ptr["offset"]) as record:
        assert decoded.text == response_from_record(record).text


def test_a_request_not_in_the_archive_is_one_counted_miss(web, live, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "miss",
                    args={"urls": f"{SITE}/,{MISSING}", "depth": "3"},
                    settings={"WARC_REPLAY": str(live.out / "warc")}, extra_env=_dead_proxy())
    assert run.returncode == 0, run.stderr[-3000:]
    assert "'finish_reason': 'finished'" in run.stderr
    assert run.requests == []
    assert _stat(run, "warc_replay/miss") == 1
    assert _stat(run, "warc_replay/hit") == 15
    assert run.stderr.count("WARC_REPLAY miss: ") == 1
    assert f"WARC_REPLAY miss: GET {MISSING}" in run.stderr
    assert _stat(run, "retry/count") is None  # IgnoreRequest is never retried
    assert _rows(run) == _rows(live)  # everything else is still produced
    assert json.dumps(_rows(run), sort_keys=True) == json.dumps(_rows(live), sort_keys=True)


def test_replay_into_the_replayed_crawls_own_root_reprocesses_every_page(web, live, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(live.out, root)  # its crawl state knows every article: a live run would
    run = run_crawl(web, "urls", root,  # skip them (incremental); a replay must not
                    args={"urls": f"{SITE}/", "depth": "3"},
                    settings={"WARC_REPLAY": str(root / "warc")}, extra_env=_dead_proxy())
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.requests == []
    assert _stat(run, "warc_replay/hit") == 15 and _stat(run, "warc_replay/miss") is None
    assert _stat(run, "incremental/skipped") is None and _stat(run, "incremental/resumed") is None
    assert _stat(run, "extraction/articles") == 4


FOREIGN = Path(__file__).parent / "warcs" / "foreign"


@pytest.mark.skipif(not (FOREIGN / "wget-news.warc.gz").exists(), reason="no foreign WARCs")
def test_other_tools_warcs_replay(tmp_path):
    # wget keeps the chunk framing and Transfer-Encoding: the response comes out de-chunked
    index = ReplayIndex.from_spec(FOREIGN / "wget-news.warc.gz")
    url = "http://news.example/2024/05/island-dispute.html"
    archived = index.fetch(url)
    assert ("Transfer-Encoding", "chunked") in [(n.title(), v) for n, v in archived.headers]
    response = downloaded_response(archived, Request(url))
    assert response.body.startswith(b"<!DOCTYPE html>")
    assert b"Content-Length" not in response.headers
    # warcio's revisits (another URL, same payload) resolve to their originals
    index = ReplayIndex.from_spec(FOREIGN / "warcio-revisit.warc")
    archived = index.fetch("https://harbour.example/business/2023/03/port-strike.html?ref=home")
    assert archived.pointer["warc_type"] == "revisit" and archived.original is not None
    assert archived.body.startswith(b"<!DOCTYPE html>")


# -- offline means offline: a replay in a network namespace with only loopback ------------------

#: imported by every Python started with this folder on PYTHONPATH: logs each name lookup and
#: each outgoing connection, so the test sees what the crawl would have sent to the network
_NETWATCH = '''
import socket, sys

def _note(what):
    sys.stderr.write("NETWATCH %s\\n" % (what,))
    sys.stderr.flush()

_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    _note("getaddrinfo %r" % (host,))
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo

_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _note("connect %r" % (address,))
    return _connect(self, address)
def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _note("connect %r" % (address,))
    return _connect_ex(self, address)
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
'''


def _unshare_reason() -> str | None:
    """Why a network namespace cannot be made here, or None when it can."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    try:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True,
                               timeout=30)
    except OSError as exc:
        return f"unshare -n cannot run: {exc}"
    if probe.returncode != 0:
        return f"unshare -n is not permitted here (needs root): {probe.stderr.strip()}"
    return None


def _article(title: str) -> bytes:
    words = " ".join(f"{title.lower()} sentence {i} about the harbour strike." for i in range(60))
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
            "<meta property='og:type' content='article'></head><body><article>"
            f"<h1>{title}</h1><p>{words}</p></article></body></html>").encode()


def test_a_replay_runs_offline_in_a_network_namespace(tmp_path):
    """``unshare -n``: no interface but loopback. The replay resolves no name, connects
    nowhere (the address guard resolves nothing, tldextract downloads no suffix list), serves
    a capture of a host that is local today (refused by name before), and items come out."""
    reason = _unshare_reason()
    if reason is not None:
        pytest.skip(reason)
    pages = {"https://news.example/2024/05/harbour-strike.html": "Harbour strike goes on",
             "http://localhost:8080/2024/05/local-copy.html": "A page archived from localhost"}
    with WarcWriter(tmp_path / "warc", prefix="offline", hostname="test") as writer:
        for url, title in pages.items():
            _exchange(writer, url, _article(title),
                      headers=[("Content-Type", "text/html; charset=utf-8")])
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{u}\n" for u in pages), encoding="utf-8")
    watch = tmp_path / "netwatch"
    watch.mkdir()
    (watch / "sitecustomize.py").write_text(_NETWATCH, encoding="utf-8")
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items()
           if k != "SCRAPY_SETTINGS_MODULE" and not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join([str(watch), str(ROOT), env.get("PYTHONPATH", "")])
    cmd = ["unshare", "-n", sys.executable, "-m", "scrapy", "crawl", "urls",
           "-a", f"urls={urls}", "-a", "depth=0",
           "-s", f"WARC_REPLAY={tmp_path / 'warc'}", "-s", f"OUTPUT_DIR={out}",
           "-s", "EXTRACTION_WORKERS=1", "-s", "LOG_LEVEL=INFO"]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert "NETWATCH" in subprocess.run(  # the watch is live in that interpreter
        ["unshare", "-n", sys.executable, "-c", "import socket; socket.getaddrinfo('x', 80)"],
        env=env, capture_output=True, text=True, timeout=60).stderr
    assert [line for line in log.splitlines() if "NETWATCH" in line] == []
    assert "refused" not in log and "publicsuffix" not in log
    assert "'item_scraped_count': 2" in log
    assert "warc_replay/network_requests" not in log
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()]
    assert sorted(row["url"] for row in rows) == sorted(pages)


def test_scrapy_crawl_replays_other_tools_quirks(web, tmp_path):
    """The real command on the two quirks (bodies stored decoded under Content-Encoding: gzip,
    request records that begin with a status line): every page comes out, nothing dies."""
    urls = tmp_path / "urls.txt"
    urls.write_text("".join(f"{u}\n" for u in (
        "http://bunko.example/news/2009/01/port-strike.html",
        "http://bunko.example/news/2009/01/fishing-talks.html",
        "https://kiroku.example/2023/03/port-strike.html",
        "https://kiroku.example/2023/03/fishing-talks.html")), encoding="utf-8")
    spec = f"{FOREIGN / 'clueweb-style.warc.gz'},{FOREIGN / 'wabac-style.warc'}"
    run = run_crawl(web, "urls", tmp_path / "out", args={"urls": str(urls), "depth": "0"},
                    settings={"WARC_REPLAY": spec}, extra_env=_dead_proxy())
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr and "cannot decode" not in run.stderr
    assert _stat(run, "item_scraped_count") == 4
    assert _stat(run, "warc_replay/hit") == 4  # + robots.txt misses
    assert len(run.articles) == 4


@pytest.mark.parametrize("spec, says", [
    (FOREIGN / "make_foreign.py", "no responses in"),  # not an archive
    (Path(__file__).resolve().parents[1] / "tests" / "warcs" / "broken" / "empty.warc",
     "empty file"),
])
def test_an_archive_with_nothing_to_serve_is_refused_in_one_line(web, tmp_path, spec, says):
    run = run_crawl(web, "urls", tmp_path / "out", args={"urls": "http://example.com/"},
                    settings={"WARC_REPLAY": str(spec)}, extra_env=_dead_proxy())
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(run.stderr.splitlines()) == 1 and says in run.stderr, run.stderr
    assert not run.requests
