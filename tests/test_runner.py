"""`python -m archive run`: the cron entry point (issue: scheduled incremental runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

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
    assert "1 ok, 0 failed" in first.stdout and "4 new articles" in first.stdout
    summary = json.loads((out / "runs" / "last-run.json").read_text())
    assert summary["ok"] and summary["spiders"][0]["finish_reason"] == "finished"
    assert (out / "logs" / "run.log").read_text().count("run finished: ok") == 1
    second = archive_run(web, out, "--spiders", "urls", "-a", f"urls={SITE}/", "-a", "depth=3")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 new articles" in second.stdout and "4 skipped as archived" in second.stdout
    assert len(list((out / "runs").glob("run-*.json"))) >= 1
    assert not list((out / "warc").glob("*.open"))


def test_a_failing_spider_makes_the_run_fail(web, tmp_path):
    out = tmp_path / "root"
    run = archive_run(web, out, "--spiders", "urls,nosuchspider", "-a",
                      f"urls:urls={SITE}/2024/05/port-visit.html", "-a", "urls:depth=0")
    assert run.returncode == 1
    summary = json.loads((out / "runs" / "last-run.json").read_text())
    assert summary["failed"] == ["nosuchspider"]
    assert [s["status"] for s in summary["spiders"]] == ["ok", "failed"]
    assert "nosuchspider" in run.stdout and "failed" in run.stdout


def test_overlapping_runs_second_exits_clearly(tmp_path):
    out = tmp_path / "root"
    with FixtureWeb(roots=[BUNDLED_WEB], delay_ms=250) as slow:
        first = archive_run(slow, out, "--spiders", "urls", "-a", f"urls={SITE}/",
                            "-a", "depth=3", wait=False)
        deadline = time.monotonic() + 30
        while not slow.requests:
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.05)
        second = archive_run(slow, out, "--spiders", "urls", "-a", f"urls={SITE}/")
        first.communicate(timeout=120)
    assert second.returncode == 75
    assert "in use by another run" in second.stderr
    assert first.returncode == 0
    runs = list((out / "runs").glob("run-*.json"))
    assert len(runs) == 1


def test_dry_run_changes_nothing(web, tmp_path):
    out = tmp_path / "root"
    before = len(web.requests)
    run = archive_run(web, out, "--spiders", "urls,rt", "--dry-run", "-a", "urls:depth=0")
    assert run.returncode == 0
    assert "would run:" in run.stdout and "scrapy crawl urls" in run.stdout
    assert "-a depth=0" in run.stdout.splitlines()[2]
    assert not out.exists()
    assert len(web.requests) == before
