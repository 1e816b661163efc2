"""The reading commands and the reading room's pages, on real crawls of the fixture web.

One output root holds a crawl of news.example, a crawl of an asyura post (Shift_JIS, Japanese)
and a second crawl of news.example in which one article was edited, so it has two versions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtureweb import FixtureWeb
from tests.conftest import BUNDLED_WEB, ROOT, run_crawl

SITE = "https://news.example"
EDITED = f"{SITE}/2024/05/energy-deal.html"
POST = "http://www.asyura2.com/13/warb12/msg/111.html"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reading") / "root"
    override = out.parent / "override"
    with FixtureWeb(roots=[BUNDLED_WEB]) as web:
        assert run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "1"}).returncode == 0
        assert run_crawl(web, "asyura", out, args={"urls": POST, "follow_citations": "0",
                                                    "follow_followups": "0"}).returncode == 0
    page = (BUNDLED_WEB / "news.example" / "2024" / "05" / "energy-deal.html").read_text()
    edited = page.replace("fifteen-year", "twenty-year", 1).replace(
        "in the spring of 2026", "in the autumn of 2026", 1)
    assert edited != page
    (override / "news.example" / "2024" / "05").mkdir(parents=True)
    (override / "news.example" / "2024" / "05" / "energy-deal.html").write_text(edited)
    with FixtureWeb(roots=[override, BUNDLED_WEB]) as web:
        again = run_crawl(web, "urls", out, args={"urls": EDITED, "depth": "0"},
                          settings={"INCREMENTAL_RECHECK_DAYS": "0"})
        assert again.returncode == 0, again.stderr[-2000:]
    return out


def archive(root: Path, *argv: str, json_out: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "archive", *argv, "--root", str(root)]
    if json_out:
        cmd.append("--json")
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_crawls_keep_the_index_up_to_date(root):
    assert (root / "corpus.sqlite3").exists()
    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:  # no sync here: the crawls' own
        assert corpus.count() == len((root / "articles.jsonl").read_text().splitlines())


def test_list(root):
    run = archive(root, "list")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 4 and all(len(line) <= 100 for line in lines)
    assert "2024-05-16" in lines[0] and "2013-11-03" in lines[-1]  # newest publication first
    assert any("v2/2" in line and "LNG" in line for line in lines)
    data = json.loads(archive(root, "list", "--site", "asyura", json_out=True).stdout)
    assert [d["url"] for d in data] == [POST]
    since = json.loads(archive(root, "list", "--since", "2024-05-15", json_out=True).stdout)
    assert {d["published"][:10] for d in since} == {"2024-05-15", "2024-05-16"}
    assert archive(root, "list", "--since", "May").returncode == 2


def test_search_japanese_and_english(root):
    run = archive(root, "search", "日露")
    assert run.returncode == 0 and "日露2+2" in run.stdout and "[日露]" in run.stdout
    hits = json.loads(archive(root, "search", '"supply agreement" OR ceasefire',
                              json_out=True).stdout)
    assert {h["url"] for h in hits} >= {f"{SITE}/2024/05/ceasefire-talks.html", EDITED}
    assert all("[" in h["snippet"] + h["title_marked"] for h in hits)
    assert json.loads(archive(root, "search", "日露", "--site", "rt", json_out=True).stdout) \
        == []


def test_show_text_meta_html_and_diff(root):
    text = archive(root, "show", EDITED)
    assert text.returncode == 0
    assert "version 2 of 2" in text.stdout and "twenty-year" in text.stdout
    assert ".warc.gz @ " in text.stdout
    first = archive(root, "show", EDITED, "--at", "2000-01-01")
    assert first.returncode == 1 and "first captured" in first.stderr
    meta = json.loads(archive(root, "show", EDITED, "--meta").stdout)
    assert meta["version"] == 2 and len(meta["versions"]) == 2
    html = subprocess.run([sys.executable, "-m", "archive", "show", POST, "--html", "--root",
                           str(root)], cwd=ROOT, capture_output=True, timeout=120)
    # the payload as the server sent it: Shift_JIS bytes
    assert html.returncode == 0 and "日露2+2".encode("cp932") in html.stdout
    assert b"charset=Shift_JIS" in html.stdout
    changed = archive(root, "show", EDITED, "--diff")
    assert changed.returncode == 0
    assert "[-fifteen-]{+twenty+}" in changed.stdout and "[-spring-]{+autumn+}" in changed.stdout
    assert "+2 -2 in 2 places" in changed.stdout
    missing = archive(root, "show", "https://nowhere.example/")
    assert missing.returncode == 1 and missing.stderr.startswith("archive show: no article at")


def test_changes(root):
    run = archive(root, "changes")
    assert run.returncode == 0
    assert "LNG" in run.stdout and "+2 -2 in 2 places" in run.stdout
    [row] = json.loads(archive(root, "changes", json_out=True).stdout)
    assert row["url"] == EDITED and row["change"] == {"added": 2, "removed": 2, "changes": 2}


def test_reindex(root):
    run = archive(root, "reindex")
    assert run.returncode == 0 and "indexed 5 article versions from 1 file(s)" in run.stdout


# ---- the reading room's pages (Flask's test client; the browser tests: test_reading_room.py)

@pytest.fixture(scope="module")
def client(root):
    from archive.webapp import create_app

    app = create_app(root)
    app.testing = True
    return app.test_client()


def article_id(root: Path, url: str, version: int = 0) -> int:
    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:
        versions = corpus.versions(url)
    return versions[version - 1]["id"] if version else versions[-1]["id"]


def test_search_page(client):
    page = client.get("/", query_string={"q": "日露"}).get_data(as_text=True)
    assert "<mark>日露</mark>" in page and "/article/" in page
    assert "result" in page and "no date" not in page


def test_article_page_provenance_and_record(client, root):
    aid = article_id(root, EDITED)
    page = client.get(f"/article/{aid}").get_data(as_text=True)
    for fact in ("twenty-year", "Provenance", "payload digest", "v1", "v2", "+2 -2 in 2 places"):
        assert fact in page, fact
    record = client.get(f"/record/{aid}")
    from archive.store.corpus import Corpus

    with Corpus(root) as corpus:
        row = corpus.get(aid)
    with (root / "warc" / row["warc_filename"]).open("rb") as fh:
        fh.seek(row["warc_offset"])
        assert record.data == fh.read(row["warc_length"])
    assert record.headers["Content-Type"] == "application/warc"


def test_diff_and_changes_pages(client, root):
    aid = article_id(root, EDITED)
    page = client.get(f"/diff/{aid}").get_data(as_text=True)
    assert "<del>fifteen</del><ins>twenty</ins>" in page
    assert EDITED in client.get("/changes").get_data(as_text=True) or \
        "LNG" in client.get("/changes").get_data(as_text=True)


def test_health_page_names_each_source(client):
    page = client.get("/health").get_data(as_text=True)
    assert "urls" in page and "asyura" in page and "went quiet" not in page


def test_as_archived_view_stays_in_the_archive(client, root):
    aid = article_id(root, POST)
    page = client.get(f"/archived/{aid}").get_data(as_text=True)
    frame = page.split('src="', 2)[1].split('"')[0]
    assert frame.startswith("/replay/")
    replayed = client.get(frame)
    assert replayed.status_code == 200
    csp = replayed.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp
    body = replayed.get_data(as_text=True)
    assert "日露2+2" in body  # decoded from Shift_JIS, served as UTF-8
    assert "<script" not in body.lower()
    import re

    refs = re.findall(r'(?:src|href)="([^"#]+)"', body)
    assert refs and all(r.startswith("/replay/") for r in refs), refs
    assert client.get("/replay/20200101000000/https://never.example/x").status_code == 404


def test_text_files_have_sidecars_that_replay_reproduces(root, tmp_path):
    rows = [json.loads(line) for line in (root / "articles.jsonl").read_text().splitlines()]
    for row in rows:
        sidecar = json.loads((root / row["text_path"]).with_suffix(".json").read_text())
        assert sidecar["url"] == row["url"] and sidecar["title"] == row["title"]
        assert sidecar["published"] == row["published"] and sidecar["site"] == row["site"]
        assert sidecar["archived"]["record_id"] == row["warc"]["record_id"]
        assert sidecar["archived"]["offset"] == row["warc"]["offset"]
        assert sidecar["format"] == "newsarchive text sidecar 1"
    out = tmp_path / "replayed"
    run = subprocess.run([sys.executable, "-m", "archive", "replay", str(root / "warc"),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    for row in rows:
        sidecar = (root / row["text_path"]).with_suffix(".json")
        assert (out / row["text_path"]).with_suffix(".json").read_bytes() == \
            sidecar.read_bytes(), row["text_path"]
    # the replay's own output root is indexed too
    from archive.store.corpus import Corpus

    with Corpus(out) as corpus:
        assert corpus.count() == len(rows)


def test_an_sqlite_without_trigrams_is_refused_with_what_to_do(monkeypatch, tmp_path):
    import sqlite3

    from archive.store import corpus

    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(corpus.CorpusError, match=r"SQLite 3.31.1 is older than 3.34.*pip install"):
        corpus.Corpus(tmp_path)
