"""`python -m archive run`: the cron entry point (issue: scheduled incremental runs)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from fixtureweb import FixtureWeb
from tests.conftest import BUNDLED_WEB, ROOT, TEST_SETTINGS

SITE = "https://news.example"


def archive_run(web, out, *extra, wait=True):
    cmd = [sys.executable, "-m", "archive", "run", "--out", str(out), *extra]
    for key, value in TEST_SETTINGS.items():
        cmd += ["-s", f"{key}={value}"]
    env = {**os.environ, **web.env()}
    if wait:
        return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_run_twice_second_run_finds_nothing_new(web, tmp_path):
    out = tmp_path / "root"
    first = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/", "-a", "depth=3")
    assert first.returncode == 0, first.stdout + first.stderr
    assert ": ok (1 ok, 0 degraded, 0 failed)" in first.stdout
    assert "4 new, 0 changed, 0 unchanged, 0 incomplete, 0 failed" in first.stdout
    summary = json.loads((out / "runs" / "last-run.json").read_text())
    assert summary["ok"] and summary["spiders"][0]["finish_reason"] == "finished"
    assert summary["status"] == "ok" and summary["exit_code"] == 0
    assert summary["spiders"][0]["articles"] == {
        "new": 4, "changed": 0, "unchanged": 0, "incomplete": 0, "failed": 0, "seen": 4}
    assert (out / "logs" / "run.log").read_text().count("run finished: ok") == 1
    second = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/", "-a", "depth=3")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 new, 0 changed, 4 unchanged, 0 incomplete, 0 failed" in second.stdout
    assert len(list((out / "runs").glob("run-*.json"))) >= 1
    assert not list((out / "warc").glob("*.open"))


def test_an_unknown_spider_is_refused_before_anything_runs(web, tmp_path):
    out = tmp_path / "root"
    before = len(web.requests)
    run = archive_run(web, out, "--spiders", "urls,nosuchspider", "-a",
                      f"urls:urls={SITE}/2024/05/port-visit.html", "-a", "urls:depth=0")
    assert run.returncode == 2
    assert run.stderr.splitlines()[0] == (
        "archive run: unknown spider 'nosuchspider' "
        "(known: asyura, newsweekjapan, rt, ruvr, urls)")
    assert "Traceback" not in run.stderr
    assert len(web.requests) == before
    assert not (out / "runs").exists()


def test_overlapping_runs_second_exits_clearly(tmp_path):
    out = tmp_path / "root"
    with FixtureWeb(roots=[BUNDLED_WEB]) as held:
        with held.hold(f"{SITE}/") as gate:  # the first run is mid-crawl until released
            first = archive_run(held, out, "--spiders", "urls", "-a", f"urls={SITE}/",
                                "-a", "depth=3", wait=False)
            assert gate.wait_arrived(120)
            second = archive_run(held, out, "--spiders", "urls", "-a", f"urls={SITE}/")
        first.communicate(timeout=120)
    assert second.returncode == 75
    assert "in use by another run" in second.stderr
    assert first.returncode == 0
    runs = list((out / "runs").glob("run-*.json"))
    assert len(runs) == 1


def test_dry_run_changes_nothing(web, tmp_path):
    out = tmp_path / "root"
    before = len(web.requests)
    run = archive_run(web, out, "--spiders", "urls,rt", "--dry-run", "-a", "urls:depth=0",
                      "-a", f"urls:urls={SITE}/")
    assert run.returncode == 0, run.stderr
    assert "would run:" in run.stdout and "scrapy crawl urls" in run.stdout
    assert "-a depth=0" in run.stdout.splitlines()[2]
    assert not out.exists()
    assert len(web.requests) == before


# ---- the cases of "honest runs": each fails on the first round's code ----------------------

ARTICLE = f"{SITE}/2024/05/energy-deal.html"


def last_run(out) -> dict:
    return json.loads((out / "runs" / "last-run.json").read_text())


def override(tmp_path, relpath: str, html: str):
    """A fixture root that answers one page differently (first root wins)."""
    root = tmp_path / "override"
    path = root / "news.example" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, "utf-8")
    (root / "news.example" / "_host.json").write_text(
        (BUNDLED_WEB / "news.example" / "_host.json").read_text()
        if (BUNDLED_WEB / "news.example" / "_host.json").exists() else "{}")
    return root


def test_typo_in_a_spider_name_starts_nothing(web, tmp_path):
    out = tmp_path / "root"
    before = len(web.requests)
    run = archive_run(web, out, "--spiders", "asyra,rt")
    assert run.returncode == 2
    assert run.stderr.startswith("archive run: unknown spider 'asyra' (known: asyura, ")
    assert "Traceback" not in run.stderr and len(web.requests) == before
    dry = archive_run(web, out, "--spiders", "asyra,rt", "--dry-run")
    assert dry.returncode == 2 and "unknown spider 'asyra'" in dry.stderr
    assert len(web.requests) == before


def test_bad_setting_starts_nothing(web, tmp_path):
    out = tmp_path / "root"
    before = len(web.requests)
    run = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/",
                      "-s", "WARC_MAX_SIZE=abc", "-s", "WARC_VERSION=2.0")
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.splitlines() == [
        "archive run: WARC_MAX_SIZE must be an integer >= 1024, not 'abc'",
        "archive run: WARC_VERSION must be one of 1.1, 1.0, not '2.0'",
        "archive run: nothing was started"]
    assert len(web.requests) == before and not (out / "warc").exists()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("chattr") is None,
                    reason="needs root and chattr (an immutable folder)")
def test_texts_that_could_not_be_written_are_redone_by_the_next_run(web, tmp_path):
    out = tmp_path / "root"
    host_dir = out / "text" / "news.example"
    host_dir.mkdir(parents=True)
    subprocess.run(["chattr", "+i", str(host_dir)], check=True)
    try:
        first = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/",
                            "-a", "depth=1")
    finally:
        subprocess.run(["chattr", "-i", str(host_dir)], check=True)
    assert first.returncode == 1, first.stdout + first.stderr
    summary = last_run(out)
    failed = [f for f in summary["spiders"][0]["failed_urls"] if f["stage"] == "write"]
    assert {f["url"] for f in failed} == {
        f"{SITE}/2024/05/{name}.html" for name in ("ceasefire-talks", "energy-deal",
                                                    "island-dispute")}
    assert summary["spiders"][0]["articles"]["failed"] == 3
    assert "failed (write): https://news.example/2024/05/" in first.stdout
    assert not (out / "articles.jsonl").exists() or not (out / "articles.jsonl").read_text()
    before = len(web.requests)
    second = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/", "-a", "depth=1")
    assert second.returncode == 0, second.stdout + second.stderr
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert {r["url"] for r in rows} == {f["url"] for f in failed}
    for row in rows:
        assert (out / row["text_path"]).read_text().strip()
    # redone from the archive: not one of them fetched again
    fetched = {r.url for r in web.requests[before:]}
    assert not fetched & {f["url"] for f in failed}
    assert last_run(out)["spiders"][0]["articles"]["new"] == 3


def test_a_changed_article_is_counted_as_changed(tmp_path):
    out = tmp_path / "root"
    args = ("--spiders", "urls", "-a", f"urls={ARTICLE}", "-a", "depth=0",
            "-s", "INCREMENTAL_RECHECK_DAYS=0")
    with FixtureWeb(roots=[BUNDLED_WEB]) as web:
        assert archive_run(web, out, *args).returncode == 0
    html = (BUNDLED_WEB / "news.example" / "2024" / "05" / "energy-deal.html").read_text()
    edited = html.replace("fifteen-year", "twenty-year", 1)
    assert edited != html
    with FixtureWeb(roots=[override(tmp_path, "2024/05/energy-deal.html", edited),
                           BUNDLED_WEB]) as web:
        second = archive_run(web, out, *args)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 new, 1 changed, 0 unchanged" in second.stdout
    assert last_run(out)["spiders"][0]["articles"]["changed"] == 1


def test_incomplete_multipage_articles_are_counted_apart(web, tmp_path):
    out = tmp_path / "root"
    run = archive_run(web, out, "--spiders", "newsweekjapan")
    assert run.returncode == 0, run.stdout + run.stderr
    counts = last_run(out)["spiders"][0]["articles"]
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    incomplete = [r for r in rows if r.get("meta", {}).get("complete") is False]
    assert incomplete and counts["incomplete"] == len(incomplete)
    assert counts["new"] == len(rows) - len(incomplete)


def test_a_source_that_goes_quiet_makes_the_run_degraded(tmp_path):
    out = tmp_path / "root"
    args = ("--spiders", "urls", "-a", f"urls={SITE}/", "-a", "depth=1")
    with FixtureWeb(roots=[BUNDLED_WEB]) as web:
        assert archive_run(web, out, *args).returncode == 0
    redesigned = "<html><body><main><div id='app'></div></main></body></html>"
    with FixtureWeb(roots=[override(tmp_path, "index.html", redesigned), BUNDLED_WEB]) as web:
        second = archive_run(web, out, *args)
    assert second.returncode == 3, second.stdout + second.stderr
    assert ": degraded (0 ok, 1 degraded, 0 failed)" in second.stdout
    assert "no articles this run; the run of " in second.stdout
    assert last_run(out)["status"] == "degraded"


def test_a_start_url_that_fails_makes_the_run_degraded(web, tmp_path):
    out = tmp_path / "root"
    run = archive_run(web, out, "--spiders", "urls", "-a",
                      f"urls={SITE}/missing.html,{ARTICLE}", "-a", "depth=0")
    assert run.returncode == 3, run.stdout + run.stderr
    assert f"start URL failed: {SITE}/missing.html (HTTP 404)" in run.stdout
    assert last_run(out)["spiders"][0]["start_failed"][0]["url"] == f"{SITE}/missing.html"


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_the_whole_run(tmp_path, signum, code):
    out = tmp_path / "root"
    with FixtureWeb(roots=[BUNDLED_WEB]) as web:
        with web.hold(f"{SITE}/2024/05/") as gate:  # urls is mid-crawl until released
            run = archive_run(web, out, "--spiders", "urls,rt", "-a", f"urls:urls={SITE}/",
                              wait=False)
            assert gate.wait_arrived(120)
            run.send_signal(signum)
            # the crawl stops while its requests are held: it must not need them answered
        stdout, stderr = run.communicate(timeout=120)
        fetched = [r.url for r in web.requests]
    assert run.returncode == code, stdout + stderr
    summary = last_run(out)
    assert summary["status"] == "interrupted" and summary["not_run"] == ["rt"]
    assert [s["status"] for s in summary["spiders"]] == ["interrupted"]
    assert not [u for u in fetched if "rt.com" in u]
    assert not list((out / "warc").glob("*.open"))  # the crawl closed its files
    assert ": interrupted" in stdout


def test_run_file(tmp_path, web):
    out = tmp_path / "root"
    config = tmp_path / "run.toml"
    config.write_text(
        'output = "root"\nspiders = ["urls"]\n[settings]\n'
        + "".join(f'{k} = "{v}"\n' for k, v in TEST_SETTINGS.items())
        + f'[spider.urls]\nurls = "{ARTICLE}"\ndepth = 0\n', "utf-8")
    cmd = [sys.executable, "-m", "archive", "run", "--config", str(config)]
    run = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **web.env()}, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 new, 0 changed" in run.stdout and (out / "articles.jsonl").exists()
    config.write_text('spiders = ["urls"]\nouptut = "x"\n', "utf-8")
    bad = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (f"archive run: {config}: unknown key(s) ouptut "
                                  "(known: output, settings, spider, spiders, timeout, wait)")
