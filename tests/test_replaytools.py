"""Our archive opened the way archivists open it: in pywb and in ReplayWeb.page, the real tools
started the real way (tests/replaytools.py says where they come from; ``.ci/replaytools``
installs them, and CI runs these tests).

One demo-sized crawl (``python -m archive demo``: every demo spider against the fixture web)
is made per module, and then:

* pywb: ``wb-manager init`` + ``wb-manager add`` of the crawl's WARCs (pywb's own indexer),
  ``wayback`` on 127.0.0.1: every article is served as its archived HTML, byte for byte, at
  its capture time (``TIMESTAMPid_/URL``) and as the latest capture (``id_/URL``) -- never
  the crawl's JSON metadata record about it;
* pywb again, from our WACZ (``wb-manager add --unpack-wacz``): the same;
* ReplayWeb.page (``ui.js`` / ``sw.js`` of the npm package, served with our WACZ by a small
  127.0.0.1 server) in headless Debian chromium: a Newsweek Japan article and a Shift_JIS
  asyura post render with their text intact; the screenshots are kept under
  ``tests/artifacts/replaytools/`` (ignored by git).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests import replaytools
from tests.conftest import ROOT

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
