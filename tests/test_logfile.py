"""Crawl logs: quiet at the default level, never a page's content, pruned by count and age.

On the first round's code every non-article page's full HTML went to the terminal and to
``logs/`` (Scrapy's default level, DEBUG, prints each dropped item whole), and ``logs/`` grew
without end.
"""

from __future__ import annotations

import os
import time

from crawler.extensions.logfile import prune_logs
from crawler.logformatter import QuietLogFormatter, describe_item
from pipelines.extract.items import PageItem
from tests.conftest import run_crawl

SITE = "https://news.example"
#: text that is in the fixture pages' HTML and must never be in a log
PAGE_MARKERS = ("<html", "<body", "Sign up for our newsletter", "class=\"teaser\"")


def test_default_level_logs_no_page_content(web, tmp_path):
    out = tmp_path / "out"
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "2"},
                    settings={"LOG_LEVEL": None})  # the project's default level
    assert run.returncode == 0, run.stderr[-2000:]
    [log] = (out / "logs").glob("urls-*.log")
    for text in (run.stderr, log.read_text("utf-8")):
        assert not [m for m in PAGE_MARKERS if m in text]
        assert "DEBUG" not in text
    # a dozen pages: a few kilobytes of log, not the pages
    assert log.stat().st_size < 20_000, log.stat().st_size


def test_debug_level_names_items_without_their_content(web, tmp_path):
    out = tmp_path / "out"
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "1"},
                    settings={"LOG_LEVEL": "DEBUG"})
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Dropped: not an article" in run.stderr and f"<{SITE}/>" in run.stderr
    assert not [m for m in PAGE_MARKERS if m in run.stderr]


def test_formatter_and_item_repr_leave_the_html_out():
    item = PageItem(url=f"{SITE}/a", html="<html><body>" + "x" * 5000 + "</body></html>")
    assert "<html" not in repr(item)
    from scrapy.exceptions import DropItem

    result = QuietLogFormatter().dropped(item, DropItem("why", log_level="DEBUG"), None, None)
    message = result["msg"] % result["args"]
    assert message == f"Dropped: why <{SITE}/a>"
    row = {"url": f"{SITE}/b", "title": "A title", "text": "long text " * 500}
    assert describe_item(row) == f"<{SITE}/b> 'A title'"


def test_prune_keeps_the_newest_and_drops_the_old(tmp_path):
    now = time.time()
    names = [f"urls-2026010{i}T000000Z.log" for i in range(1, 7)]
    for age, name in enumerate(reversed(names)):  # names[-1] newest
        path = tmp_path / name
        path.write_text("x")
        os.utime(path, (now - age * 86400, now - age * 86400))
    (tmp_path / "run.log").write_text("rotated on its own")
    (tmp_path / "notes.log").write_text("not a crawl log")
    deleted = prune_logs(tmp_path, keep=4, max_age_days=0)
    assert sorted(p.name for p in deleted) == names[:2]
    deleted = prune_logs(tmp_path, keep=None, max_age_days=2.5)
    assert sorted(p.name for p in deleted) == names[2:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[3:], "run.log", "notes.log"])


def test_a_crawl_prunes_old_logs(web, tmp_path):
    out = tmp_path / "out"
    logs = out / "logs"
    logs.mkdir(parents=True)
    old = now = time.time()
    for i in range(5):
        path = logs / f"urls-2020010{i}T000000Z.log"
        path.write_text("old")
        old = now - (10 + i) * 86400
        os.utime(path, (old, old))
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/2024/05/port-visit.html",
                                            "depth": "0"},
                    settings={"LOGFILE_KEEP": "3", "LOGFILE_MAX_AGE_DAYS": "12"})
    assert run.returncode == 0, run.stderr[-2000:]
    kept = sorted(p.name for p in logs.glob("urls-*.log"))
    # the crawl's own log, and the newest old ones within 12 days and the count of 3
    assert len(kept) == 3 and kept[:2] == ["urls-20200100T000000Z.log",
                                          "urls-20200101T000000Z.log"]
    assert "old crawl log(s) deleted" in run.stderr
