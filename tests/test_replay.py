"""``python -m archive replay``: re-extraction of WARCs into the crawl's own outputs (issue:
archive tooling and offline replay).

The central property: replaying a crawl's WARCs gives byte-identical text files and equal
``articles.jsonl`` rows, for the generic spider (files rotated, so metadata records and
responses sit in different files) and for Newsweek Japan's multi-page articles (parts
restored from the metadata records). Then WARCs written by other tools: a fresh wget crawl
of the fixture site, the committed wget / Heritrix-style / warcio files.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cli.replay import Progress, replay
from archive.warc.pointer import record_at
from archive.warc.records import WarcRecords
from archive.warc.writer import WarcWriter, http_head
from tests.conftest import ROOT, load_expected, run_crawl

FOREIGN = ROOT / "tests" / "warcs" / "foreign"
sys.path.insert(0, str(FOREIGN))
import make_foreign  # noqa: E402

SITE = "https://news.example"
NWJ = "https://www.newsweekjapan.jp"


def replay_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", "replay", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def rows_of(out: Path) -> list[dict]:
    path = out / "articles.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def by_record(rows: list[dict]) -> dict[str, dict]:
    keyed = {row["warc"]["record_id"]: row for row in rows}
    assert len(keyed) == len(rows)
    return keyed


def text_files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted((out / "text").rglob("*"))
            if p.is_file()}


def assert_same_outputs(crawl_out: Path, replay_out: Path) -> None:
    """Byte-identical text files, equal rows (as JSON objects; order differs: completion order
    in a crawl, WARC order in a replay)."""
    crawled, replayed = text_files(crawl_out), text_files(replay_out)
    assert crawled, "the crawl wrote no text"
    assert sorted(replayed) == sorted(crawled)
    for name, data in crawled.items():
        assert replayed[name] == data, name
    assert by_record(rows_of(replay_out)) == by_record(rows_of(crawl_out))


def strip_metadata(src: Path, dst: Path) -> None:
    """Copy a .warc.gz without its metadata records (whole gzip members, byte for byte)."""
    data = src.read_bytes()
    with dst.open("wb") as out:
        for offset, length, record in WarcRecords(src):
            if record.rec_type != "metadata":
                out.write(data[offset:offset + length])


# -- a crawl of the generic spider, files rotated --------------------------------------------


@pytest.fixture(scope="module")
def news_crawl(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("news-crawl")
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "3"},
                    settings={"WARC_MAX_SIZE": "6000"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert len([f for f in run.warc_files if f.name.endswith(".warc.gz")]) >= 3
    assert len(run.articles) == 4
    return run


def test_replay_of_a_crawl_is_byte_identical(news_crawl, tmp_path):
    out = tmp_path / "replayed"
    proc = replay_cli(str(news_crawl.out / "warc"), "--out", str(out), "--jobs", "2",
                      "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert_same_outputs(news_crawl.out, out)
    first = proc.stdout.splitlines()[0]
    assert "4 articles" in first and "0 errors" in first and "7 HTML pages" in first
    assert "pages/s" in first
    assert "\r" not in proc.stderr  # no progress bar without a terminal
    # every row comes with the id of the crawl's metadata record about it
    assert all(row["metadata_record_id"] for row in rows_of(out))


def test_two_replays_write_identical_files_whatever_the_worker_count(news_crawl, tmp_path):
    files = sorted((news_crawl.out / "warc").glob("*.warc.gz"))
    one = replay(files, tmp_path / "one", jobs=1)
    two = replay(list(reversed(files)), tmp_path / "two", jobs=2)
    assert one.articles == two.articles == 4
    assert (tmp_path / "one" / "articles.jsonl").read_bytes() == \
        (tmp_path / "two" / "articles.jsonl").read_bytes()
    rows = rows_of(tmp_path / "one")
    order = [(row["warc"]["filename"], row["warc"]["offset"]) for row in rows]
    assert order == sorted(order)
    assert text_files(tmp_path / "one") == text_files(tmp_path / "two")


def test_a_worker_dying_on_one_page_costs_only_that_pages_text(news_crawl, tmp_path,
                                                               monkeypatch):
    """Pages go to the workers in batches; when a worker dies, every page of the batches that
    were in the pool is tried once more on its own: only the page that kills its worker each
    time ends as an error, the others are written as a one-job replay writes them."""
    import archive.cli.replay.pool as pool_module

    files = sorted((news_crawl.out / "warc").glob("*.warc.gz"))
    reference = replay(files, tmp_path / "one", jobs=1)
    rows = rows_of(tmp_path / "one")
    victim = rows[1]["url"]
    real_work = pool_module._work

    def dying_work(path, offset, url, site, parts):  # noqa: ANN001, ANN202 - test double
        if url == victim:
            os._exit(3)  # as a worker killed mid-page
        return real_work(path, offset, url, site, parts)

    # the pool forks its workers from this process after the patch: they run dying_work
    monkeypatch.setattr(pool_module, "_work", dying_work)
    monkeypatch.setattr(pool_module, "BATCH", 3)
    summary = replay(files, tmp_path / "two", jobs=2)
    assert summary.errors == 1 and summary.articles == reference.articles - 1
    assert [r for r in rows if r["url"] != victim] == rows_of(tmp_path / "two")


@pytest.mark.parametrize("fixture", ["news_crawl", "nwj_crawl"])
def test_fastwarc_and_warcio_replays_are_identical(fixture, request, tmp_path, monkeypatch):
    """The fast reader (archive.warc.fastread) changes nothing: the same bytes with warcio only,
    multi-page articles (whose pages the scan reads again one by one) included."""
    crawl = request.getfixturevalue(fixture)
    files = sorted((crawl.out / "warc").glob("*.warc.gz"))
    fast = replay(files, tmp_path / "fast", jobs=2)
    monkeypatch.setenv("NEWSARCHIVE_WARC_READER", "warcio")
    slow = replay(files, tmp_path / "warcio", jobs=2)
    assert fast.articles == slow.articles > 0
    assert fast.to_dict() | {"seconds": 0, "pages_per_second": 0} == \
        slow.to_dict() | {"seconds": 0, "pages_per_second": 0}
    assert (tmp_path / "fast" / "articles.jsonl").read_bytes() == \
        (tmp_path / "warcio" / "articles.jsonl").read_bytes()
    assert text_files(tmp_path / "fast") == text_files(tmp_path / "warcio")


def test_replay_counts_what_it_skips(news_crawl, tmp_path):
    summary = replay([news_crawl.out / "warc"], tmp_path / "out", jobs=1)
    responses = [r for r in news_crawl.records() if r["type"] == "response"]
    assert summary.records == len(news_crawl.records())
    assert summary.responses == len(responses)
    assert summary.skipped_status == sum(1 for r in responses if r["status"] != "200")
    # robots.txt and the PDF are 200 but not HTML
    assert summary.skipped_not_html == 2
    assert summary.html_pages == summary.articles + summary.not_articles == 7
    assert summary.errors == 0 and summary.revisits == 0


def test_replay_refuses_to_overwrite_articles_jsonl(news_crawl, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "articles.jsonl").write_text("keep me\n")
    proc = replay_cli(str(news_crawl.out / "warc"), "--out", str(out), "--jobs", "1")
    assert proc.returncode == 2 and "--overwrite" in proc.stderr
    assert (out / "articles.jsonl").read_text() == "keep me\n"
    proc = replay_cli(str(news_crawl.out / "warc"), "--out", str(out), "--jobs", "1",
                      "--overwrite", "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(rows_of(out)) == 4
    summary = json.loads(proc.stdout)
    assert summary["articles"] == 4 and summary["errors"] == 0 and summary["problems"] == []
    assert summary["pages_per_second"] > 0


def test_topic_filter(news_crawl, tmp_path):
    summary = replay([news_crawl.out / "warc"], tmp_path / "out", jobs=1, match=["LNG"])
    assert summary.articles == 1 and summary.skipped_topic == 3
    assert [row["url"] for row in rows_of(tmp_path / "out")] == [
        f"{SITE}/2024/05/energy-deal.html"]


def test_a_topic_filtered_crawl_replays_identically(web, tmp_path):
    """The crawl's -a match=... is recorded in warcinfo (topic-filter) and applied again, so the
    off-topic articles, which have no metadata record, stay without outputs."""
    crawl_out = tmp_path / "crawl"
    run = run_crawl(web, "urls", crawl_out, args={"urls": f"{SITE}/", "depth": "3",
                                                  "match": "LNG,Helsinki"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(run.articles) == 2
    summary = replay([crawl_out / "warc"], tmp_path / "out", jobs=1)
    assert summary.skipped_topic == 2
    assert_same_outputs(crawl_out, tmp_path / "out")


def test_incremental_crawls_replay_into_the_same_text_versions(tmp_path):
    """Three crawls into one root, the articles re-checked each time: a changed text becomes
    version 2 (``.v2.txt``), a page whose bytes changed but not its text writes nothing, an
    unchanged page is a revisit. Replaying the three crawls' WARCs numbers the same versions."""
    from fixtureweb import FixtureWeb
    from tests.conftest import BUNDLED_WEB

    top = tmp_path / "web"
    page = top / "news.example" / "2024" / "05" / "energy-deal.html"
    page.parent.mkdir(parents=True)
    original = (BUNDLED_WEB / "news.example" / "2024" / "05" / "energy-deal.html").read_text(
        "utf-8")
    changed = original.replace("during mild winters.", "during mild winters, officials said.")
    assert changed != original
    crawl_out = tmp_path / "crawl"
    with FixtureWeb(roots=[top, BUNDLED_WEB]) as web:
        for n, html in enumerate([original, changed, changed.replace("</body>",
                                                                      "<!-- v3 --></body>")]):
            page.write_text(html, "utf-8")
            os.utime(page, (1_700_000_000 + n * 100, 1_700_000_000 + n * 100))
            run = run_crawl(web, "urls", crawl_out, args={
                "urls": f"{SITE}/2024/05/energy-deal.html,{SITE}/2024/05/port-visit.html",
                "depth": "0"}, settings={"INCREMENTAL_RECHECK_DAYS": "0"})
            assert run.returncode == 0, run.stderr[-3000:]
    versions = [row.get("version", 1) for row in rows_of(crawl_out)
                if row["url"].endswith("energy-deal.html")]
    assert versions == [1, 2]
    summary = replay([crawl_out / "warc"], tmp_path / "out", jobs=2)
    assert summary.skipped_unchanged == 1 and summary.revisits > 0
    assert_same_outputs(crawl_out, tmp_path / "out")
    assert any(name.endswith(".v2.txt") for name in text_files(tmp_path / "out"))


# -- multi-page articles: Newsweek Japan -----------------------------------------------------


@pytest.fixture(scope="module")
def nwj_crawl(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("nwj-crawl")
    run = run_crawl(web, "newsweekjapan", out)
    assert run.returncode == 0, run.stderr[-3000:]
    assert any(len(row.get("parts", [])) >= 2 for row in run.articles)
    return run


def test_multi_page_articles_replay_identically(nwj_crawl, tmp_path):
    out = tmp_path / "out"
    summary = replay([nwj_crawl.out / "warc"], out, jobs=2)
    assert_same_outputs(nwj_crawl.out, out)
    parts = sum(len(row.get("parts", [])) for row in nwj_crawl.articles)
    fetched_parts = sum(1 for row in nwj_crawl.articles for p in row.get("parts", [])
                        if p["warc"] and p["status"] != "missing")
    assert summary.continuations >= fetched_parts > 0 and parts > fetched_parts
    # page 2, 3... never became articles of their own
    urls = {row["url"] for row in rows_of(out)}
    assert not any(u.endswith(("_2.php", "_3.php", "_4.php")) for u in urls)


def test_a_generic_crawl_of_a_multi_page_article_replays_identically(web, tmp_path):
    """The generic spider does not stitch pages: page 2 got a row of its own, and replay keeps
    it so (its metadata record says the crawl made it an article) instead of joining it."""
    crawl_out = tmp_path / "crawl"
    run = run_crawl(web, "urls", crawl_out, args={
        "urls": f"{NWJ}/stories/world/2024/02/northern-territories.php", "depth": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    urls = {row["url"] for row in run.articles}
    assert f"{NWJ}/stories/world/2024/02/northern-territories_2.php" in urls
    replay([crawl_out / "warc"], tmp_path / "out", jobs=1)
    assert_same_outputs(crawl_out, tmp_path / "out")
    # page 2's canonical URL and title are page 1's: each page still keeps its own text file
    for out in (crawl_out, tmp_path / "out"):
        rows = rows_of(out)
        assert len({row["text_path"] for row in rows}) == len(rows)
        for row in rows:
            path = out / row["text_path"]
            assert path.read_text(encoding="utf-8") == row["text"] + "\n", row["url"]
            assert json.loads(path.with_suffix(".json").read_text("utf-8"))["url"] == row["url"]


def without_offset(pointer: dict) -> dict:
    return {k: v for k, v in pointer.items() if k != "offset"}


def test_multi_page_articles_are_stitched_by_site_rules_without_metadata(nwj_crawl, tmp_path):
    warcs = tmp_path / "warc"
    warcs.mkdir()
    for path in (nwj_crawl.out / "warc").glob("*.warc.gz"):
        strip_metadata(path, warcs / path.name)
    out = tmp_path / "out"
    summary = replay([warcs], out, jobs=1)
    assert summary.articles == len(nwj_crawl.articles)
    replayed = {row["url"]: row for row in rows_of(out)}
    checked = 0
    for row in nwj_crawl.articles:
        again = replayed[row["url"]]
        assert "metadata_record_id" not in again and "meta" not in again
        statuses = [p["status"] for p in row.get("parts", [])]
        # the site rules alone cannot tell a paywalled page from a readable one, and stop at
        # the first page that is not archived: compare the articles whose pages are all there
        if set(statuses) <= {"ok"}:
            assert again["text"] == row["text"], row["url"]
            # the same records; offsets are those of the stripped copies replay read (a
            # metadata record the crawl wrote before a part shifts it)
            assert [(p["url"], without_offset(p["warc"])) for p in again.get("parts", [])] == \
                [(p["url"], without_offset(p["warc"])) for p in row.get("parts", [])]
            checked += bool(statuses)
    assert checked >= 2  # at least two real multi-page articles were stitched


# -- WARCs written by other tools --------------------------------------------------------------


def expected_news_texts() -> dict[str, str]:
    return {case["url"].replace("https://", "http://"): case["text"]
            for case in load_expected("news.example")}


def check_wget_replay(warc: Path, out: Path) -> None:
    summary = replay([warc], out, jobs=2)
    assert summary.errors == 0
    rows = rows_of(out)
    expected = expected_news_texts()
    assert sorted(row["url"] for row in rows) == sorted(expected)
    for row in rows:
        assert row["text"] == expected[row["url"]], row["url"]
        assert (out / row["text_path"]).read_text("utf-8") == row["text"] + "\n"
        ptr = row["warc"]
        assert ptr["target_uri"] == row["url"]  # wget's <...> removed
        with record_at(warc, ptr["offset"]) as record:
            assert record.rec_headers.get_header("WARC-Record-ID") == ptr["record_id"]
            assert record.rec_type == "response"


@pytest.mark.skipif(make_foreign.WGET is None, reason="wget is not installed")
def test_a_fresh_wget_crawl_replays_into_the_expected_texts(web, tmp_path):
    base = tmp_path / "wget-news"
    proc = make_foreign.run_wget(web, base, tmp_path / "files")
    warc = tmp_path / "wget-news.warc.gz"
    assert warc.exists(), proc.stderr
    # what makes wget's files foreign: <...> URIs, chunk framing and gzip kept in payloads
    raw = gzip.decompress(warc.read_bytes())
    assert b"WARC-Target-URI: <http://news.example/>" in raw
    assert b"Transfer-Encoding: chunked" in raw and b"Content-Encoding: gzip" in raw
    check_wget_replay(warc, tmp_path / "out")


def test_the_committed_wget_warc(tmp_path):
    check_wget_replay(FOREIGN / "wget-news.warc.gz", tmp_path / "out")


def test_heritrix_style_warc_1_0(tmp_path):
    out = tmp_path / "out"
    summary = replay([FOREIGN / "heritrix-style.warc.gz"], out, jobs=1)
    rows = {row["url"]: row for row in rows_of(out)}
    assert sorted(rows) == sorted([make_foreign.HERITRIX_SJIS_URL,
                                   make_foreign.HERITRIX_UTF8_URL])
    sjis = rows[make_foreign.HERITRIX_SJIS_URL]
    # Shift_JIS known only from <meta>, gzip inside chunk framing: decoded as a crawl would
    assert sjis["title"] == make_foreign.SJIS_TITLE
    assert all(p in sjis["text"] for p in make_foreign.SJIS_PARAGRAPHS)
    assert sjis["published"] == "2023-03-02T10:15:00+09:00"
    utf8 = rows[make_foreign.HERITRIX_UTF8_URL]
    assert utf8["text"].splitlines()[-4:] == make_foreign.UTF8_PARAGRAPHS
    assert utf8["warc"]["warc_date"] == "2023-03-02T01:00:12Z"
    assert summary.not_articles == 1  # the listing
    assert summary.skipped_not_html == 1  # the PNG
    assert summary.skipped_status == 2  # the 404 and the dns: record
    assert summary.errors == 0


def test_uncompressed_warcio_file_with_revisits(tmp_path):
    out = tmp_path / "out"
    summary = replay([FOREIGN / "warcio-revisit.warc"], out, jobs=1)
    rows = rows_of(out)
    # one row per original; the revisits (same URL, another URL with the same payload, and
    # one whose original is elsewhere) make none
    assert sorted(row["url"] for row in rows) == sorted([make_foreign.REVISIT_A_URL,
                                                         make_foreign.REVISIT_B_URL])
    assert summary.revisits == 3 and summary.revisits_unresolved == 1
    row = next(r for r in rows if r["url"] == make_foreign.REVISIT_A_URL)
    assert row["warc"]["filename"] == "warcio-revisit.warc"
    with record_at(FOREIGN / "warcio-revisit.warc", row["warc"]["offset"]) as record:
        assert record.rec_headers.get_header("WARC-Record-ID") == row["warc"]["record_id"]


@pytest.mark.parametrize("name, urls", [
    ("clueweb-style.warc.gz", [make_foreign.CLUEWEB_UTF8_URL, make_foreign.CLUEWEB_SJIS_URL]),
    ("wabac-style.warc", [make_foreign.WABAC_URL, make_foreign.WABAC_SJIS_URL]),
])
def test_bodies_stored_decoded_under_content_encoding_gzip(tmp_path, name, urls):
    """ClueWeb09 and wabac.js keep the server's ``Content-Encoding: gzip`` over a body they
    stored decoded: the body is taken as stored (as warcio and pywb do), not lost."""
    out = tmp_path / "out"
    proc = replay_cli(str(FOREIGN / name), "--out", str(out), "--jobs", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["errors"] == 0 and summary["articles"] == 2, summary
    rows = {row["url"]: row for row in rows_of(out)}
    assert sorted(rows) == sorted(urls)
    english, japanese = rows[urls[0]], rows[urls[1]]
    assert english["title"] == make_foreign.UTF8_TITLE
    assert english["text"].splitlines()[-4:] == make_foreign.UTF8_PARAGRAPHS
    assert japanese["title"] == make_foreign.SJIS_TITLE  # Shift_JIS known from <meta> only
    assert all(p in japanese["text"] for p in make_foreign.SJIS_PARAGRAPHS)


def test_stored_decoded_is_told_from_damage():
    from scrapy.http import Headers

    from crawler.responses import build_response, stored_decoded

    html = b"<html><body><p>plain</p></body></html>"
    gz = Headers({"Content-Encoding": "gzip", "Content-Type": "text/html"})
    assert stored_decoded(gz, html)
    assert not stored_decoded(gz, gzip.compress(html))  # really gzip
    assert not stored_decoded(gz, b"\x1f\x8bnot really gzip")  # gzip, damaged
    assert not stored_decoded(Headers({"Content-Type": "text/html"}), html)
    assert stored_decoded(Headers({"Content-Encoding": "br"}), html)
    assert not stored_decoded(Headers({"Content-Encoding": "identity"}), html)
    response = build_response("http://x.example/", 200, [("Content-Encoding", "gzip"),
                                                         ("Content-Type", "text/html")], html)
    assert response.body == html and b"Content-Encoding" not in response.headers
    assert "stored-decoded" in response.flags
    with pytest.raises(OSError):  # damaged gzip still fails (BadGzipFile), as in the crawl
        build_response("http://x.example/", 200, [("Content-Encoding", "gzip")],
                       b"\x1f\x8bnot really gzip")


def test_all_foreign_files_together_in_parallel(tmp_path):
    summary = replay([FOREIGN], tmp_path / "out", jobs=2)
    assert summary.files == 5 and summary.articles == 12 and summary.errors == 0


def test_committed_hand_built_files_are_what_the_script_writes():
    assert (FOREIGN / "heritrix-style.warc.gz").read_bytes() == make_foreign.heritrix_bytes()
    assert (FOREIGN / "warcio-revisit.warc").read_bytes() == make_foreign.warcio_revisit_bytes()
    assert (FOREIGN / "clueweb-style.warc.gz").read_bytes() == make_foreign.clueweb_bytes()
    assert (FOREIGN / "wabac-style.warc").read_bytes() == make_foreign.wabac_bytes()
    with gzip.open(FOREIGN / "heritrix-style.warc.gz", "rb") as fh:
        head = fh.read(2000)
    assert head.startswith(b"WARC/1.0\r\n") and b"software: Heritrix/3" in head
    assert b"application/http; msgtype=response" in gzip.decompress(
        (FOREIGN / "heritrix-style.warc.gz").read_bytes())


# -- damaged input ------------------------------------------------------------------------------


def _page(title: str) -> bytes:
    words = " ".join(f"{title.lower()} word{i}" for i in range(120))
    return (f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
            f"<meta property='og:type' content='article'></head><body><article><h1>{title}</h1>"
            f"<p>{words}.</p></article></body></html>").encode()


def test_records_that_do_not_parse_are_counted_and_the_rest_replayed(tmp_path):
    warcs = tmp_path / "warc"
    with WarcWriter(warcs, prefix="damaged", hostname="test") as writer:
        for name, headers, body in [
            ("good", [("Content-Type", "text/html")], _page("Good")),
            ("bad-gzip", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
             b"\x1f\x8bnot really gzip"),
            ("also-good", [("Content-Type", "text/html; charset=utf-8")], _page("Also good")),
        ]:
            head = http_head("HTTP/1.1 200 OK", headers + [("Content-Length", str(len(body)))])
            writer.write_exchange(
                url=f"https://damaged.example/{name}.html", response_head=head, body=body,
                request_head=http_head(f"GET /{name}.html HTTP/1.1",
                                       [("Host", "damaged.example")]))
    [path] = writer.closed_files
    # a torn tail: half of one more record
    tail = io.BytesIO()
    with WarcWriter(tmp_path / "extra", prefix="x", hostname="test") as other:
        other.write_metadata("https://damaged.example/x", [("a", "b")])
    extra = next((tmp_path / "extra").glob("*.warc.gz")).read_bytes()
    tail.write(extra[: len(extra) // 2])
    with path.open("ab") as fh:
        fh.write(tail.getvalue())
    out = tmp_path / "out"
    proc = replay_cli(str(path), "--out", str(out), "--jobs", "1")
    assert proc.returncode == 1, proc.stderr
    assert "1 errors" in proc.stdout and "2 articles" in proc.stdout
    assert "bad-gzip.html" in proc.stderr
    assert "problem:" in proc.stdout and "truncated" in proc.stdout
    assert sorted(r["url"] for r in rows_of(out)) == [
        "https://damaged.example/also-good.html", "https://damaged.example/good.html"]


# -- progress ---------------------------------------------------------------------------------


def test_progress_bar_draws_on_a_terminal_only():
    stream = io.StringIO()
    bar = Progress(True, stream=stream)
    bar.start()
    bar.show("extracting", 5, 10, "pages", force=True)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rextracting") and "50%" in text and "5/10 pages" in text
    assert text.endswith("\n")
    quiet = io.StringIO()
    Progress(False, stream=quiet).show("x", 1, 2, "pages", force=True)
    assert quiet.getvalue() == ""


def test_replay_cli_help_and_missing_files(tmp_path):
    proc = replay_cli("--help")
    assert proc.returncode == 0 and "--jobs" in proc.stdout and "--no-progress" in proc.stdout
    proc = replay_cli(str(tmp_path / "nope.warc.gz"), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = replay_cli(str(empty), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2 and "no WARC files" in proc.stderr
    shutil.rmtree(empty)
