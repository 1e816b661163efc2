"""Our archive opened the way archivists open it: in pywb and in ReplayWeb.page, the real tools
started the real way (tests/replaytools.py says where they come from; ``.ci/replaytools``
installs them, and CI runs these tests).

More: docs/modules.md, ``tests/test_replaytools.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests import replaytools
from tests.chromium import Chromium
from tests.conftest import ROOT
from tests.staticsite import StaticSite

ARTIFACTS = ROOT / "tests" / "artifacts" / "replaytools"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The output folder of one ``python -m archive demo`` run."""
    out = tmp_path_factory.mktemp("replaytools") / "demo"
    proc = subprocess.run([sys.executable, "-m", "archive", "demo", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return out


def articles(out: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) >= 10  # every demo site's articles
    return rows


def archived(out: Path, row: dict[str, Any]) -> tuple[str, bytes]:
    """(HTTP Content-Type, payload) of the response record an article row points at."""
    warc = row["warc"]
    with open(out / "warc" / warc["filename"], "rb") as fh:
        fh.seek(warc["offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Record-ID") == warc["record_id"]
        return record.http_headers.get_header("Content-Type"), record.content_stream().read()


def timestamp(row: dict[str, Any]) -> str:
    """The 14-digit capture timestamp of an article's response (its WARC-Date)."""
    return "".join(c for c in row["warc"]["warc_date"] if c.isdigit())[:14]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def assert_every_article_served(base: str, coll: str, out: Path) -> None:
    """Every article requested at its timestamp and as latest, in ``id_`` mode (the archived
    bytes, unchanged), is answered with the archived page: status, Content-Type and bytes."""
    wrong, rows = [], articles(out)
    for row in rows:
        ctype, payload = archived(out, row)
        url = row["warc"]["target_uri"]
        for path in (f"{timestamp(row)}id_/{url}", f"id_/{url}"):
            status, got_type, body = fetch(f"{base}/{coll}/{path}")
            if (status, got_type, body) != (200, ctype, payload):
                wrong.append(f"{path}: {status} {got_type} ({len(body)} bytes; archived: "
                             f"{ctype}, {len(payload)} bytes)")
    assert not wrong, (f"{len(wrong)} of {2 * len(rows)} answers are not the archived page:\n"
                       + "\n".join(wrong))


@pytest.fixture(scope="module")
def pywb(demo, tmp_path_factory):
    """pywb's wayback over two collections made the real way: ``crawl`` (``wb-manager add``
    of the WARCs) and ``wacz`` (``wb-manager add --unpack-wacz`` of our export)."""
    replaytools.need(replaytools.pywb_python(), "pywb")
    root = tmp_path_factory.mktemp("pywb")
    warcs = sorted((demo / "warc").glob("*.warc.gz"))
    wacz = root / "demo.wacz"
    proc = subprocess.run([sys.executable, "-m", "archive", "export-wacz", str(demo / "warc"),
                           "-o", str(wacz)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    said = {}
    for coll, add in (("crawl", warcs), ("wacz", ["--unpack-wacz", wacz])):
        res = replaytools.wb_manager(root, "init", coll)
        assert res.returncode == 0, res.stderr
        res = replaytools.wb_manager(root, "add", coll, *add)
        assert res.returncode == 0, res.stderr
        said[coll] = res.stdout + res.stderr
    with replaytools.wayback(root) as base:
        yield base, root, said


def test_pywb_serves_every_article_as_its_archived_html(demo, pywb):
    base, _root, _said = pywb
    assert_every_article_served(base, "crawl", demo)


def test_pywb_imports_our_wacz_and_serves_every_article(demo, pywb):
    base, root, said = pywb
    assert "does not contain any indices" not in said["wacz"]
    index = root / "collections" / "wacz" / "indexes" / "index.cdxj"
    assert index.is_file(), said["wacz"]
    assert_every_article_served(base, "wacz", demo)


# -- ReplayWeb.page in headless chromium ----------------------------------------------------

#: the page the test opens: ReplayWeb.page's embed, as its embedding guide has it (ui.js on the
#: page, sw.js under replay/), showing one archived page of the WACZ at one capture time
EMBED = """<!doctype html>
<html><head><meta charset="utf-8"><title>replay</title><script src="/ui.js"></script></head>
<body style="margin:0">
<replay-web-page style="display:block;height:1550px" source="/archive.wacz" url="{url}"
  ts="{ts}" replayBase="/replay/" embed="replayonly"></replay-web-page>
</body></html>
"""

#: the archived page's frame, wherever ReplayWeb.page nests it (shadow roots, iframes): its
#: address, content type and text, and the computed value of a style property of the first
#: element a selector finds in it; or null while it is not there yet
FIND_FRAME = r"""((selector, property) => {
  function find(root) {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) { const f = find(el.shadowRoot); if (f) return f; }
      if (el.tagName !== 'IFRAME') continue;
      let doc = null;
      try { doc = el.contentDocument; } catch (e) { continue; }
      if (!doc) continue;
      if (/\/\d{14}mp_\//.test(el.src) && doc.body) {
        const styled = doc.querySelector(selector);
        return {src: el.src, contentType: doc.contentType, text: doc.body.innerText,
                style: styled ? doc.defaultView.getComputedStyle(styled)[property] : null};
      }
      const f = find(doc); if (f) return f;
    }
    return null;
  }
  return find(document);
})(%s, %s)"""


def missed_by_the_service_worker(site: StaticSite, since: int) -> bool:
    """Whether the embed's frame (``/replay/?source=...``) reached the web server, which means
    that ReplayWeb.page's service worker was not active yet when the frame was requested.

    On a browser's first visit this can happen; the frame then shows the server's answer (a
    404 on most servers, a directory listing here) and ReplayWeb.page does not always reload
    it (its open issue #412, "404 when first registering service worker"). A person reloads
    the page; so does the test, once, and only then."""
    return any(path.startswith("/replay/?") for _m, path, _r, _s in site.requests[since:])


def squeeze(text: str) -> str:
    """``text`` without any whitespace (line breaks and spacing differ between the extracted
    text and a rendering; the characters must not)."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def replay_site(demo, tmp_path_factory):
    """ReplayWeb.page's static files and our WACZ of the demo crawl, served on 127.0.0.1."""
    rwp = replaytools.replaywebpage()
    replaytools.need(rwp, "ReplayWeb.page (npm pack replaywebpage)")
    replaytools.need(replaytools.chromium(), "Debian's chromium")
    root = tmp_path_factory.mktemp("replaywebpage")
    (root / "replay").mkdir()
    # the app at the root (index.html, ui.js, sw.js), and the embed's service worker under
    # replay/ (its default replayBase)
    for name in ("index.html", "ui.js", "sw.js"):
        shutil.copy(rwp / name, root / name)
    shutil.copy(rwp / "sw.js", root / "replay" / "sw.js")
    proc = subprocess.run([sys.executable, "-m", "archive", "export-wacz", str(demo / "warc"),
                           "-o", str(root / "archive.wacz")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    with StaticSite(root) as site:
        yield site


#: what only the fixture web's stylesheets give a page (the crawl archives them as page
#: requisites): Newsweek Japan's common.css colours the headline, asyura.css (Shift_JIS, with
#: an @charset rule) the page's background
NWJ_STYLE = (".entryDetailHeadline h1", "color", "rgb(176, 22, 43)")
ASYURA_STYLE = ("body", "backgroundColor", "rgb(253, 246, 227)")


@pytest.mark.parametrize("name, url, style", [
    ("newsweekjapan", "https://www.newsweekjapan.jp/stories/world/2024/02/sakhalin-lng.php",
     NWJ_STYLE),
    # Shift_JIS, said only in the page's <meta> (the HTTP header says text/html)
    ("asyura-111", "http://www.asyura2.com/13/warb12/msg/111.html", ASYURA_STYLE),
    # Shift_JIS, said in the HTTP header
    ("asyura-112", "http://www.asyura2.com/13/warb12/msg/112.html", ASYURA_STYLE),
])
def test_replaywebpage_renders_the_archived_page_with_its_text_and_style(
        demo, replay_site, name, url, style):
    row = next(r for r in articles(demo) if r["warc"]["target_uri"] == url)
    page = f"{name}.html"
    (replay_site.root / page).write_text(EMBED.format(url=url, ts=timestamp(row)), "utf-8")
    title = squeeze(row["title"])
    selector, prop, expected = style
    find_frame = FIND_FRAME % (json.dumps(selector), json.dumps(prop))
    # the article's text as the crawl extracted it, paragraph by paragraph (the first five:
    # a multi-page article's later paragraphs are on its next page)
    paragraphs = [squeeze(p) for p in row["text"].splitlines() if squeeze(p)][:5]
    with Chromium(replaytools.chromium()) as browser:
        since = len(replay_site.requests)
        browser.navigate(f"{replay_site.base}/{page}")
        frame, reloaded, deadline = None, False, time.monotonic() + 120
        while time.monotonic() < deadline:
            if not reloaded and missed_by_the_service_worker(replay_site, since):
                browser.reload()
                reloaded = True
            frame = browser.evaluate(find_frame)
            # done when the page has arrived whole: title, text and style (a long page is
            # still being parsed when its title shows)
            if frame and frame["style"] == expected and all(
                    p in squeeze(frame["text"]) for p in [title, *paragraphs]):
                break
            time.sleep(0.25)
        shot = browser.screenshot(ARTIFACTS / f"replaywebpage-{name}.png")
    assert frame is not None, f"no replayed page within 120 s (screenshot: {shot})"
    assert f"{timestamp(row)}mp_/{url}" in frame["src"]
    assert frame["contentType"] == "text/html"
    shown = squeeze(frame["text"])
    assert title in shown, f"title not shown (screenshot: {shot}): {frame['text'][:500]}"
    missing = [p for p in paragraphs if p not in shown]
    assert not missing, f"not shown (screenshot: {shot}): {missing}"
    assert "\ufffd" not in frame["text"]  # no undecodable bytes
    # the archived stylesheet is applied
    assert frame["style"] == expected, f"{selector} {prop}: {frame['style']} (screenshot: {shot})"
    # the package was read the way ReplayWeb.page reads a WACZ over HTTP: by ranges
    assert any(path == "/archive.wacz" and status == 206
               for _m, path, _r, status in replay_site.requests)


#: every text node under the app, through its shadow roots (the search results are there)
ALL_TEXT = r"""(() => {
  const parts = [];
  function walk(root) {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) walk(el.shadowRoot);
    }
    for (const node of root.childNodes) collect(node);
  }
  function collect(node) {
    if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
    if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE)
      return;
    if (node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return;
    for (const child of node.childNodes) collect(child);
  }
  walk(document);
  return parts.join(' ');
})()"""


def word_only_in(row: dict[str, Any], rows: list[dict[str, Any]], pages: list[str]) -> str:
    """A word of ``row``'s text found in no other article's text and in no page's title or
    URL: the search can find the article by it only through pages.jsonl's ``text``."""
    elsewhere = " ".join([r["text"] for r in rows if r is not row] + pages).lower()
    for word in row["text"].split():
        if word.isascii() and word.isalpha() and len(word) >= 6 \
                and word.lower() not in elsewhere:
            return word
    raise AssertionError(f"no word only in {row['url']}")


def test_replaywebpage_finds_an_article_by_a_word_of_its_text(demo, replay_site):
    """ReplayWeb.page's own app, opened on our WACZ with a search: the one article whose text
    (not its title, not its URL) has the word is listed, and no other page."""
    import zipfile

    rows = articles(demo)
    with zipfile.ZipFile(replay_site.root / "archive.wacz") as zf:
        lines = zf.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]
    pages = [f"{p['url']} {p.get('title', '')}" for p in map(json.loads, lines)]
    row = next(r for r in rows if r["url"].startswith("https://www.rt.com/uk/"))
    word = word_only_in(row, rows, pages)
    others = [r["url"] for r in rows if r is not row]
    with Chromium(replaytools.chromium()) as browser:
        browser.navigate(f"{replay_site.base}/?source=archive.wacz#view=pages&query={word}")
        shown, deadline = "", time.monotonic() + 120
        while time.monotonic() < deadline:
            shown = browser.evaluate(ALL_TEXT) or ""
            # (waits out the moment the unfiltered list may be on screen)
            if row["url"] in shown and not any(url in shown for url in others):
                break
            time.sleep(0.25)
        shot = browser.screenshot(ARTIFACTS / "replaywebpage-search.png")
    assert row["url"] in shown, f"{word!r} did not find {row['url']} (screenshot: {shot})"
    assert not [url for url in others if url in shown], f"screenshot: {shot}"
