"""crawler.preflight and the `scrapy crawl` command: mistakes refused before anything is fetched.

Each case was seen on the first round's code: a typo in a spider name ran the other spiders
anyway, bad setting values archived nothing and exited 0 or ended in an asyncio traceback, a
start URL with a typo gave a traceback and exit 0, unwritable output folders gave long
tracebacks. Now each is one line on stderr, exit status 2, and no request.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.project import get_project_settings

from crawler.preflight import (
    check_crawl,
    check_output_root,
    check_spider_arguments,
    known_arguments,
    load_spider,
)
from tests.conftest import ROOT, TEST_SETTINGS, run_crawl

SITE = "https://news.example"


@pytest.fixture(scope="module")
def settings():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def problems_with(settings, tmp_path, spider="urls", args=None, **overrides):
    s = settings.copy()
    s.setdict({"OUTPUT_DIR": str(tmp_path / "out"), **overrides}, priority="cmdline")
    return check_crawl(s, spider, args if args is not None else {"urls": f"{SITE}/"},
                       list(overrides))


def test_a_good_crawl_has_no_problems(settings, tmp_path):
    assert problems_with(settings, tmp_path) == []
    for spider in ("asyura", "rt", "ruvr", "newsweekjapan"):  # no arguments: their defaults
        assert problems_with(settings, tmp_path, spider, {}) == [], spider


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"WARC_MAX_SIZE": "abc"}, "WARC_MAX_SIZE must be an integer >= 1024, not 'abc'"),
    ({"EXTRACTION_WORKERS": "abc"},
     "EXTRACTION_WORKERS must be 'auto' or an integer from 0 to 256, not 'abc'"),
    ({"EXTRACTION_WORKERS": "-1"},
     "EXTRACTION_WORKERS must be 'auto' or an integer from 0 to 256, not '-1'"),
    ({"WARC_VERSION": "2.0"}, "WARC_VERSION must be one of 1.1, 1.0, not '2.0'"),
    ({"DOWNLOAD_DELAY": "abc"}, "DOWNLOAD_DELAY must be a number >= 0, not 'abc'"),
    ({"CONCURRENT_REQUESTS": "0"}, "CONCURRENT_REQUESTS must be an integer >= 1, not '0'"),
    ({"WARC_GZIP_LEVEL": "11"}, "WARC_GZIP_LEVEL must be an integer from 0 to 9, not '11'"),
    ({"ROBOTSTXT_OBEY": "maybe"}, "ROBOTSTXT_OBEY must be True or False (1/0), not 'maybe'"),
    ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
    ({"WARC_MAXSIZE": "5"}, "unknown setting WARC_MAXSIZE (did you mean WARC_MAX_SIZE?)"),
    ({"WARC_REPLAY": "/nonexistent/*.warc.gz"}, "WARC_REPLAY: no such file"),
])
def test_bad_settings_are_refused(settings, tmp_path, overrides, expected):
    found = problems_with(settings, tmp_path, **overrides)
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize(("spider", "args", "expected"), [
    ("urls", {"urls": "https//news.example/"},
     "spider urls: urls: 'https//news.example/' is not an http(s) URL (nor a file)"),
    ("urls", {"urls": f"{SITE}/", "depth": "two"}, "spider urls: depth must be an integer"),
    ("urls", {"urls": f"{SITE}/", "follow": "all"},
     "spider urls: follow must be one of host, domain, none, not 'all'"),
    ("urls", {"urls": f"{SITE}/", "allow": "("}, "spider urls: allow: not a regular expression"),
    ("urls", {}, "spider urls: give -a urls=..., -a sitemap=... or -a feed=..."),
    ("rt", {"sectons": "news"}, "spider rt: unknown argument sectons (it accepts: feeds, "),
    ("rt", {"listing_pages": "x"}, "spider rt: listing_pages must be an integer, not 'x'"),
    ("asyura", {"board": "zz12"}, "spider asyura: board 'zz12': give it as"),
    ("asyura", {"since": "2013-13-01"}, "spider asyura: since must be YYYY-MM-DD"),
    ("ruvr", {"from": "2013-11"}, "spider ruvr: from must be a 1-14 digit timestamp"),
    ("newsweekjapan", {"max_pages": "0"}, "spider newsweekjapan: max_pages must be >= 1"),
    ("asyra", {}, "unknown spider 'asyra' (known: asyura, newsweekjapan, rt, ruvr, urls)"),
])
def test_bad_spider_arguments_are_refused(settings, tmp_path, spider, args, expected):
    found = problems_with(settings, tmp_path, spider, args)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_known_arguments_come_from_the_spiders_signatures(settings):
    assert known_arguments(load_spider(settings, "ruvr")) >= {
        "urls", "max_pages", "match", "prefix", "cdx_limit", "from", "to"}
    assert "name" not in known_arguments(load_spider(settings, "rt"))
    # scrapyd passes _job: Scrapy's own arguments pass
    assert check_spider_arguments(load_spider(settings, "rt"), {"_job": "x"}) == []


def test_output_root_must_be_writable(tmp_path):
    assert check_output_root(tmp_path / "a" / "b") == []
    assert (tmp_path / "a" / "b").is_dir()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert check_output_root(blocker / "out")[0].startswith(f"output root {blocker / 'out'}")
    assert check_output_root(blocker) == [f"output root {blocker}: not a directory"]
    # a dry run creates nothing
    assert check_output_root(tmp_path / "c" / "d", create=False) == []
    assert not (tmp_path / "c").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="chattr +i needs root")
def test_an_immutable_text_folder_is_refused(tmp_path):
    text = tmp_path / "root" / "text"
    text.mkdir(parents=True)
    subprocess.run(["chattr", "+i", str(text)], check=True)
    try:
        assert check_output_root(tmp_path / "root") == [
            f"output folder {text} is not writable"]
    finally:
        subprocess.run(["chattr", "-i", str(text)], check=True)


def scrapy_crawl(web, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **web.env()}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", *argv], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("argv", "first_line"), [
    (["asyra"], "scrapy crawl: unknown spider 'asyra' (known: asyura, newsweekjapan, rt, "
                "ruvr, urls)"),
    (["urls", "-a", "urls=https//news.example/"],
     "scrapy crawl: spider urls: urls: 'https//news.example/' is not an http(s) URL "
     "(nor a file)"),
    (["urls", "-a", f"urls={SITE}/", "-s", "WARC_MAX_SIZE=abc"],
     "scrapy crawl: WARC_MAX_SIZE must be an integer >= 1024, not 'abc'"),
    (["urls", "-a", f"urls={SITE}/", "-s", "DOWNLOAD_DELAY=abc"],
     "scrapy crawl: DOWNLOAD_DELAY must be a number >= 0, not 'abc'"),
    (["urls", "-a", f"urls={SITE}/", "-s", "OUTPUT_DIR=/proc/newsarchive"],
     "scrapy crawl: output root /proc/newsarchive: cannot create it:"),
])
def test_scrapy_crawl_refuses_in_one_line(web, argv, first_line):
    before = len(web.requests)
    run = scrapy_crawl(web, *argv)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(first_line), run.stderr
    assert len(web.requests) == before


def test_scrapy_crawl_exit_status_says_a_start_url_failed(web, tmp_path):
    run = run_crawl(web, "urls", tmp_path / "out",
                    args={"urls": f"{SITE}/missing.html,{SITE}/2024/05/port-visit.html",
                          "depth": "0"})
    assert run.returncode == 3, run.stderr[-2000:]
    ok = run_crawl(web, "urls", tmp_path / "out2",
                   args={"urls": f"{SITE}/2024/05/port-visit.html", "depth": "0"})
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_no_traceback_reaches_the_user_of_archive_commands(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    warc = sorted(Path(ROOT, "tests", "warcs").rglob("*.warc.gz"))[0]
    for argv in (["index", "-o", str(blocker / "x.cdxj"), str(warc)],
                 ["replay", str(warc), "--out", str(blocker / "out")],
                 ["run", "--spiders", "urls", "-a", f"urls={SITE}/",
                  "--out", str(blocker / "root")]):
        run = subprocess.run([sys.executable, "-m", "archive", *argv], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode in (1, 2), (argv, run.stderr)
        assert "Traceback" not in run.stderr, (argv, run.stderr)
        assert 1 <= len(run.stderr.strip().splitlines()) <= 2, (argv, run.stderr)


def test_test_settings_pass_the_checks(settings, tmp_path):
    assert problems_with(settings, tmp_path, **TEST_SETTINGS) == []
