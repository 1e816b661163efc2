"""The reading room in a real browser: Debian's chromium driven by its chromedriver (selenium).

``archive serve`` is started the real way (a subprocess on 127.0.0.1) over the output root of
``tests/test_reading.py``'s crawls; chromium's network log proves that nothing was asked of
any host but 127.0.0.1. Screenshots are kept in ``tests/artifacts/reading-room/``. The tests
are skipped, saying why, where chromium or chromedriver is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import ROOT
from tests.test_reading import EDITED, POST, root  # noqa: F401 - the module fixture

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = ROOT / "tests" / "artifacts" / "reading-room"

if not (CHROMIUM and DRIVER) and os.environ.get("CI"):
    raise RuntimeError("CI: chromium and chromedriver must be installed (.ci/replaytools)")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver "
    "(apt-get install chromium chromium-driver; .ci/run installs them)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def room(root) -> Iterator[str]:  # noqa: F811 - the fixture imported above
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--root", str(root),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, line + proc.stderr.read()
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="reading-room-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 "--window-size=1280,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver) -> list[str]:
    """Every URL the browser asked for since the last call (its DevTools network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def only_loopback(urls: list[str]) -> list[str]:
    """The network URLs that went anywhere but 127.0.0.1 (the browser's own chrome:// pages
    and data: URLs never leave it)."""
    return [u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss", "ftp")
            and urlsplit(u).hostname != "127.0.0.1"]


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait_for(driver, css: str, timeout: float = 30):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def test_search_finds_a_japanese_phrase(room, browser):
    from selenium.webdriver.common.by import By

    requested_urls(browser)
    browser.get(room + "/")
    box = wait_for(browser, "input[name=q]")
    box.send_keys("日露2+2")
    browser.find_element(By.CSS_SELECTOR, "form.search button").click()
    wait_for(browser, "ol.results li.result")
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".result a.title")]
    assert any("日露2+2" in t for t in titles), titles
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".result mark")]
    assert "日露2+2" in marks
    shot(browser, "search-japanese")
    assert only_loopback(requested_urls(browser)) == []


def test_diff_page_shows_the_edit_between_two_crawls(room, browser, root):  # noqa: F811
    from selenium.webdriver.common.by import By

    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:
        latest = corpus.versions(EDITED)[-1]
    browser.get(f"{room}/article/{latest['id']}")
    wait_for(browser, "ol.versions")
    browser.find_element(By.CSS_SELECTOR, "ol.versions a.diff").click()
    wait_for(browser, "div.diff")
    removed = [d.text for d in browser.find_elements(By.CSS_SELECTOR, "div.diff del")]
    added = [i.text for i in browser.find_elements(By.CSS_SELECTOR, "div.diff ins")]
    assert removed == ["fifteen", "spring"] and added == ["twenty", "autumn"]
    color = browser.find_element(By.CSS_SELECTOR, "div.diff ins").value_of_css_property(
        "background-color")
    assert color == "rgba(204, 255, 216, 1)"  # the room's stylesheet is applied
    shot(browser, "diff")


def test_as_archived_view_loads_nothing_from_the_live_web(room, browser, root):  # noqa: F811
    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:
        post = corpus.versions(POST)[-1]
    requested_urls(browser)
    browser.get(f"{room}/archived/{post['id']}")
    frame = wait_for(browser, "iframe.archived")
    browser.switch_to.frame(frame)
    try:
        element = wait_for(browser, "body")
        body = element.text
        assert "日露2+2" in body and "雪国の翻訳者" in body  # the archived Shift_JIS page
        # the page's own stylesheet (asyura.css, archived as a page requisite, Shift_JIS with
        # an @charset rule), served from the archive and applied
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(browser, 30).until(
            lambda d: element.value_of_css_property("background-color")
            == "rgba(253, 246, 227, 1)")
    finally:
        browser.switch_to.default_content()
    time.sleep(0.5)  # let the frame's subresources be asked for (they all are, or fail)
    shot(browser, "as-archived-asyura")
    urls = requested_urls(browser)
    assert any("/replay/" in u for u in urls)
    assert only_loopback(urls) == [], only_loopback(urls)


def test_record_link_downloads_the_exact_record(room, root):  # noqa: F811
    import urllib.request

    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:
        row = corpus.versions(EDITED)[-1]
    with urllib.request.urlopen(f"{room}/record/{row['id']}", timeout=30) as answer:
        data = answer.read()
    with (Path(root) / "warc" / row["warc_filename"]).open("rb") as fh:
        fh.seek(row["warc_offset"])
        assert data == fh.read(row["warc_length"])
    assert quote(row["warc_filename"].split(".warc")[0]) in answer.headers[
        "Content-Disposition"] or row["warc_filename"].split(".warc")[0] in answer.headers[
        "Content-Disposition"]


def test_serve_refuses_a_root_without_articles(tmp_path):
    run = subprocess.run([sys.executable, "-m", "archive", "serve", "--root", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ})
    assert run.returncode == 1
    assert run.stderr.strip() == f"archive serve: no articles under {tmp_path} " \
                                 "(no articles.jsonl)"
