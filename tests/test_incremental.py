"""Incremental runs into one output root: skips, conditional re-checks, revisits, versions,
resume after SIGKILL, and the crawl lock (issues: archive dedup, scheduled incremental runs)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fixtureweb import FixtureWeb
from tests.conftest import BUNDLED_WEB, ROOT, TEST_SETTINGS, run_crawl

SITE = "https://news.example"
ARTICLES = {f"{SITE}/2024/05/{n}.html" for n in
            ("ceasefire-talks", "energy-deal", "island-dispute", "port-visit")}
ARGS = {"urls": f"{SITE}/", "depth": "3"}


def fetched(run) -> list[str]:
    return [r.url for r in run.requests if r.method != "CONNECT"]


def responses_by_uri(run) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for rec in run.records():
        if rec["type"] in ("response", "revisit"):
            out.setdefault(rec["uri"], []).append(rec)
    return out


def test_second_run_fetches_no_article_and_writes_no_text(web, tmp_path):
    out = tmp_path / "root"
    first = run_crawl(web, "urls", out, args=ARGS)
    assert first.returncode == 0, first.stderr[-2000:]
    assert {a["url"] for a in first.articles} == ARTICLES
    second = run_crawl(web, "urls", out, args=ARGS)
    assert second.returncode == 0, second.stderr[-2000:]
    assert not ARTICLES & set(fetched(second))
    assert f"{SITE}/" in fetched(second)  # listings are always fetched
    assert len(second.articles) == len(ARTICLES)  # no new rows
    assert second.stats_value("incremental/skipped") == str(len(ARTICLES))
    assert len(list((out / "text").rglob("*.txt"))) == len(ARTICLES)


def test_recheck_is_conditional_and_304_becomes_a_revisit(web, tmp_path):
    out = tmp_path / "root"
    assert run_crawl(web, "urls", out, args=ARGS).returncode == 0
    second = run_crawl(web, "urls", out, args=ARGS,
                       settings={"INCREMENTAL_RECHECK_DAYS": "0"})
    assert second.returncode == 0, second.stderr[-2000:]
    article_requests = [r for r in second.requests if r.url in ARTICLES]
    assert len(article_requests) == len(ARTICLES)
    assert all(r.conditional and r.status == 304 for r in article_requests)
    revisits = [r for r in second.records() if r["type"] == "revisit"]
    not_modified = [r for r in revisits
                    if r["headers"].get_header("WARC-Profile").endswith("/server-not-modified")]
    assert {r["uri"] for r in not_modified} == ARTICLES
    # unchanged listings were fetched in full (always) and deduplicated by payload digest
    assert {r["uri"] for r in revisits if r not in not_modified} >= {f"{SITE}/",
                                                                      f"{SITE}/page/2/"}
    originals = {r["id"]: r for r in second.records() if r["type"] == "response"}
    for rev in revisits:
        assert originals[rev["headers"].get_header("WARC-Refers-To")]["uri"] == rev["uri"]
    assert len(second.articles) == len(ARTICLES)


def test_identical_payload_becomes_a_revisit_and_a_changed_article_a_new_version(
        tmp_path):
    out = tmp_path / "root"
    upper = tmp_path / "upper" / "news.example" / "2024" / "05"
    upper.mkdir(parents=True)
    src = BUNDLED_WEB / "news.example" / "2024" / "05"
    # ceasefire-talks: same bytes, but no validators -> a full 200 with the same payload
    shutil.copy(src / "ceasefire-talks.html", upper)
    (upper / "ceasefire-talks.html.meta.json").write_text(
        '{"etag": false, "last_modified": false}')
    with FixtureWeb(roots=[tmp_path / "upper", BUNDLED_WEB]) as web:
        assert run_crawl(web, "urls", out, args=ARGS).returncode == 0
        # energy-deal changes: new paragraph
        changed = (src / "energy-deal.html").read_text("utf-8").replace(
            "<p>The first cargoes", "<p>Officials said a second agreement was under "
            "discussion.</p>\n<p>The first cargoes")
        (upper / "energy-deal.html").write_text(changed, "utf-8")
        (upper / "energy-deal.html.meta.json").write_text('{"gzip": true}')
        second = run_crawl(web, "urls", out, args=ARGS,
                           settings={"INCREMENTAL_RECHECK_DAYS": "0"})
    assert second.returncode == 0, second.stderr[-2000:]
    by_uri = responses_by_uri(second)
    same = by_uri[f"{SITE}/2024/05/ceasefire-talks.html"]
    assert [r["type"] for r in same] == ["response", "revisit"]
    assert same[1]["headers"].get_header("WARC-Profile").endswith("/identical-payload-digest")
    assert same[1]["headers"].get_header("WARC-Refers-To") == same[0]["id"]
    new = by_uri[f"{SITE}/2024/05/energy-deal.html"]
    assert [r["type"] for r in new] == ["response", "response"]
    rows = second.articles
    assert len(rows) == len(ARTICLES) + 1
    v2 = rows[-1]
    assert v2["url"] == f"{SITE}/2024/05/energy-deal.html" and v2["version"] == 2
    assert "second agreement" in v2["text"]
    assert v2["text_path"].endswith(".v2.txt")
    assert (out / v2["previous_version"]["text_path"]).exists()
    assert v2["warc"]["record_id"] == new[1]["id"]


def _popen_crawl(web, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "urls", "-a", f"urls={SITE}/",
           "-a", "depth=3"]
    for key, value in {**TEST_SETTINGS, "OUTPUT_DIR": str(out),
                       "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, **web.env()}
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("kill_after", [3, 7, 11])
def test_sigkill_then_normal_run_completes_without_duplicates(tmp_path, kill_after):
    out = tmp_path / "root"
    with FixtureWeb(roots=[BUNDLED_WEB], delay_ms=150) as slow:
        proc = _popen_crawl(slow, out)
        deadline = time.monotonic() + 60
        while len([r for r in slow.requests if r.method != "CONNECT"]) < kill_after:
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with FixtureWeb(roots=[BUNDLED_WEB]) as web:
        after = run_crawl(web, "urls", out, args=ARGS)
    assert after.returncode == 0, after.stderr[-3000:]
    warc_dir = out / "warc"
    assert not list(warc_dir.glob("*.open"))
    assert {a["url"] for a in after.articles} == ARTICLES
    assert len(after.articles) == len(ARTICLES)
    # no article archived twice as a full response
    by_uri = responses_by_uri(after)
    for url in ARTICLES:
        assert [r["type"] for r in by_uri[url]].count("response") == 1, url
    check = subprocess.run([sys.executable, "-m", "archive", "check", str(warc_dir)],
                           cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # every row points at a record that exists
    ids = {r["id"] for r in after.records()}
    assert all(a["warc"]["record_id"] in ids for a in after.articles)


def test_records_a_dead_crawl_never_recorded_are_not_fetched_again(web, tmp_path):
    """The capture's writer thread commits a batch's state rows after the batch's records: a
    crawl killed between the two leaves records the crawl state never heard of (seen in the
    SIGKILL test above on a loaded machine). Recovery records them, so the next run takes
    those pages from the archive instead of archiving them twice."""
    out = tmp_path / "root"
    first = run_crawl(web, "urls", out, args=ARGS)
    assert first.returncode == 0, first.stderr[-2000:]
    # what such a kill leaves: the file still .open, no state rows for its records, the run
    # unfinished, and no outputs of its pages (they wait for their rows)
    for path in (out / "warc").glob("*.warc.gz"):
        path.rename(path.with_name(path.name + ".open"))
    for path in (out / "warc").glob("*.cdxj"):
        path.unlink()
    db = sqlite3.connect(out / "state.sqlite3")
    with db:
        db.execute("DELETE FROM urls")
        db.execute("DELETE FROM digests")
        db.execute("UPDATE runs SET finished = NULL, finish_reason = NULL")
    db.close()
    (out / "articles.jsonl").write_text("", encoding="utf-8")
    shutil.rmtree(out / "text")
    (out / "corpus.sqlite3").unlink(missing_ok=True)

    after = run_crawl(web, "urls", out, args=ARGS)
    assert after.returncode == 0, after.stderr[-3000:]
    assert not ARTICLES & set(fetched(after))  # taken from the archive
    assert "never recorded in the crawl state are recorded now" in after.stderr
    assert {a["url"] for a in after.articles} == ARTICLES
    assert len(after.articles) == len(ARTICLES)
    by_uri = responses_by_uri(after)
    for url in ARTICLES:
        assert [r["type"] for r in by_uri[url]] == ["response"], url
    check = subprocess.run([sys.executable, "-m", "archive", "check", str(out / "warc")],
                           cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_second_crawl_on_the_same_root_refuses_to_start(web, tmp_path):
    out = tmp_path / "root"
    with FixtureWeb(roots=[BUNDLED_WEB]) as held:
        # the first crawl's start page is held until the second crawl has been refused, so
        # the first is still running however fast or slow the machine is
        with held.hold(f"{SITE}/") as gate:
            first = _popen_crawl(held, out)
            assert gate.wait_arrived(120), "the first crawl never asked for its start page"
            second = run_crawl(web, "urls", out, args=ARGS)
        first.wait(timeout=120)
    assert second.returncode != 0
    assert "is in use by another run" in second.stderr
    assert first.returncode == 0
    assert not second.requests
