"""``python -m archive export-wacz``: WACZ 1.1.1 packages, checked with py-wacz's own
validator (``wacz validate``)."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archive.cli.export_wacz import export_wacz
from archive.warc.indexer import CDXJIndexer
from archive.warc.wacz import resource_name
from archive.warc.writer import WarcWriter, http_head
from tests.conftest import ROOT, run_crawl

FOREIGN = ROOT / "tests" / "warcs" / "foreign"
SITE = "https://news.example"


def wacz_validate(path: Path) -> tuple[int, str]:
    """py-wacz's validator on ``path`` (``wacz validate -f``): (exit status, what it printed)."""
    pytest.importorskip("wacz", reason="the wacz package (py-wacz) is not installed")
    from wacz.main import main as wacz_main

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        code = wacz_main(["validate", "-f", str(path)])
    return code, said.getvalue()


def export_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", "export-wacz", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def pages_of(zf: zipfile.ZipFile) -> list[dict]:
    lines = zf.read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [json.loads(line) for line in lines[1:]]
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    if any("text" in page for page in pages):
        header["hasText"] = True
    assert json.loads(lines[0]) == header
    return pages


def index_of(zf: zipfile.ZipFile) -> str:
    """The CDXJ index in a package, as py-wacz lays it out: ``indexes/index.cdx.gz`` (gzip
    blocks, stored) found through ``indexes/index.idx`` (deflated)."""
    assert zf.getinfo("indexes/index.cdx.gz").compress_type == zipfile.ZIP_STORED
    assert zf.getinfo("indexes/index.idx").compress_type == zipfile.ZIP_DEFLATED
    assert not [n for n in zf.namelist() if n.endswith(".cdxj")]
    data = zf.read("indexes/index.cdx.gz")
    head, *blocks = zf.read("indexes/index.idx").decode().splitlines()
    assert head == '!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}'
    text = ""
    for block in blocks:
        where = json.loads(block.split(" ", 2)[2])
        member = data[where["offset"]:where["offset"] + where["length"]]
        assert where["digest"] == "sha256:" + hashlib.sha256(member).hexdigest()
        part = gzip.decompress(member).decode()
        assert part.startswith(block.split(" {", 1)[0] + " ")
        text += part
    assert text == gzip.decompress(data).decode()
    return text


@pytest.fixture(scope="module")
def crawl(web, tmp_path_factory):
    out = tmp_path_factory.mktemp("wacz-crawl")
    run = run_crawl(web, "urls", out, args={"urls": f"{SITE}/", "depth": "3"},
                    settings={"WARC_MAX_SIZE": "8000"})
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def test_a_crawl_exports_to_a_valid_wacz(crawl, tmp_path):
    out = tmp_path / "crawl.wacz"
    proc = export_cli(str(crawl.out / "warc"), "-o", str(out), "--title", "News example")
    assert proc.returncode == 0, proc.stderr
    code, said = wacz_validate(out)
    assert code == 0, said
    assert "Validation succeeded" in said
    warcs = sorted(p for p in (crawl.out / "warc").iterdir() if p.name.endswith(".warc.gz"))
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert sorted(n for n in names if n.startswith("archive/")) == \
            sorted(f"archive/{p.name}" for p in warcs)
        for name in names:
            info = zf.getinfo(name)
            if name.startswith("archive/"):
                assert info.compress_type == zipfile.ZIP_STORED, name
                assert zf.read(name) == (crawl.out / "warc" / name[8:]).read_bytes()
        # the index is archive.warc.indexer's (the article summaries under their urn: keys), and
        # names files as they sit under archive/
        index = index_of(zf)
        assert index == "".join(CDXJIndexer().index(warcs))
        assert index.count("\nurn:newsarchive:article:") == len(crawl.articles)
        for line in index.splitlines():
            assert f"archive/{json.loads(line.split(' ', 2)[2])['filename']}" in names
        package = json.loads(zf.read("datapackage.json"))
        assert package["profile"] == "data-package" and package["wacz_version"] == "1.1.1"
        assert package["title"] == "News example" and package["created"].endswith("Z")
        listed = {r["path"]: r for r in package["resources"]}
        assert sorted(listed) == sorted(n for n in names if not n.startswith("datapackage"))
        for path, res in listed.items():
            data = zf.read(path)
            assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert res["bytes"] == len(data)
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest == {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(
            zf.read("datapackage.json")).hexdigest()}
        pages = pages_of(zf)
    # one page per HTML 200 response; articles titled as the crawl titled them
    html_200 = [r for r in crawl.records() if r["type"] == "response" and r["status"] == "200"
                and "html" in (r["http"].get_header("Content-Type") or "")]
    assert sorted(p["url"] for p in pages) == sorted(r["uri"] for r in html_200)
    titles = {p["url"]: p.get("title") for p in pages}
    texts = {p["url"]: p.get("text") for p in pages}
    for row in crawl.articles:
        assert titles[row["url"]] == row["title"]
        assert texts[row["url"]] == row["text"]  # for ReplayWeb.page's full-text search
    assert titles[f"{SITE}/"] == "Latest news | The Example Tribune"  # from <title>
    assert texts[f"{SITE}/"] is None
    assert all(p["ts"].endswith("Z") and p["id"] for p in pages)
    assert len({p["id"] for p in pages}) == len(pages)


def test_the_validator_rejects_a_damaged_package(crawl, tmp_path):
    """The check above can fail: a package whose WARC does not match its listed hash, or whose
    resource names are not Frictionless names, is rejected by the same validator."""
    good = tmp_path / "good.wacz"
    export_wacz([crawl.out / "warc"], good)

    def rebuild(name: str, mutate) -> Path:
        target = tmp_path / name
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(target, "w") as dst:
            package = json.loads(src.read("datapackage.json"))
            mutate(package)
            for info in src.infolist():
                if not info.filename.startswith("datapackage"):
                    dst.writestr(info, src.read(info.filename))
            data = json.dumps(package).encode()
            dst.writestr("datapackage.json", data)
            dst.writestr("datapackage-digest.json", json.dumps(
                {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(data).hexdigest()}))
        return target

    def wrong_hash(package):
        package["resources"][0]["hash"] = "sha256:" + "0" * 64

    def raw_name(package):
        package["resources"][0]["name"] = package["resources"][0]["path"]

    for name, mutate in (("hash.wacz", wrong_hash), ("name.wacz", raw_name)):
        code, said = wacz_validate(rebuild(name, mutate))
        assert code == 1 and "invalid" in said, (name, said)


def test_foreign_warcs_package_and_validate(tmp_path):
    out = tmp_path / "foreign.wacz"
    summary = export_wacz([FOREIGN], out, title="Foreign", description="wget, Heritrix, warcio")
    # wget 3, Heritrix-style 2, warcio 8 (revisits included), ClueWeb09- and wabac-style 2 each
    assert summary.warcs == 5 and summary.pages == 3 + 2 + 8 + 2 + 2
    code, said = wacz_validate(out)
    assert code == 0, said
    with zipfile.ZipFile(out) as zf:
        pages = pages_of(zf)
        assert json.loads(zf.read("datapackage.json"))["description"] == \
            "wget, Heritrix, warcio"
    titles = {p["url"]: p.get("title") for p in pages}
    # wget's <...> removed; the Shift_JIS page's title decoded as a crawl would
    assert titles["http://news.example/2024/05/energy-deal.html"].startswith("Japan and partners")
    assert titles["http://kaigai.example/world/2023/03/fishing-talks.html"].startswith(
        "北方領土の漁業協定")
    # bodies stored decoded under Content-Encoding: gzip are titled from the body as stored
    assert titles["http://bunko.example/news/2009/01/fishing-talks.html"].startswith(
        "北方領土の漁業協定")
    assert titles["https://kiroku.example/2023/03/port-strike.html"].startswith("Port cranes")
    # revisits are no pages of their own
    assert not any("ref=home" in u for u in titles)


def test_titles_from_an_articles_jsonl_beside_the_warcs(tmp_path):
    root = tmp_path / "crawl"
    body = b"<html><head><title>Page title</title></head><body><p>Text.</p></body></html>"
    with WarcWriter(root / "warc", prefix="t", hostname="test") as writer:
        ptr = writer.write_exchange(
            url="https://t.example/a.html",
            response_head=http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html"),
                                                        ("Content-Length", str(len(body)))]),
            body=body, request_head=http_head("GET /a.html HTTP/1.1", [("Host", "t.example")]))
    (root / "articles.jsonl").write_text(json.dumps(
        {"url": "https://t.example/a.html", "title": "Article title",
         "warc": ptr.to_dict()}) + "\n", encoding="utf-8")
    out = tmp_path / "t.wacz"
    export_wacz([root / "warc"], out)
    with zipfile.ZipFile(out) as zf:
        assert [p["title"] for p in pages_of(zf)] == ["Article title"]
    (root / "articles.jsonl").unlink()
    export_wacz([root / "warc"], out)
    with zipfile.ZipFile(out) as zf:
        assert [p["title"] for p in pages_of(zf)] == ["Page title"]
    assert wacz_validate(out)[0] == 0


def test_a_summary_under_the_pages_url_stays_out_of_the_index(tmp_path):
    """An article summary written by an older crawl, under the page's own URL, would be served
    in place of the page: the package's index leaves it out (one under its urn: key stays)."""
    body = b"<html><head><title>T</title></head><body><p>Text.</p></body></html>"
    with WarcWriter(tmp_path / "warc", prefix="t", hostname="test") as writer:
        ptr = writer.write_exchange(
            url="https://t.example/a.html",
            response_head=http_head("HTTP/1.1 200 OK", [("Content-Type", "text/html")]),
            body=body, request_head=http_head("GET /a.html HTTP/1.1", [("Host", "t.example")]))
        for target in ("https://t.example/a.html", "urn:newsarchive:article:https://t.example/"
                       "a.html"):
            writer.write_metadata(target, b'{"article": true, "title": "A"}',
                                  refers_to=ptr.record_id, content_type="application/json")
    out = tmp_path / "t.wacz"
    export_wacz([tmp_path / "warc"], out)
    with zipfile.ZipFile(out) as zf:
        urls = [json.loads(line.split(" ", 2)[2])["url"] for line in index_of(zf).splitlines()]
    assert sorted(urls) == ["https://t.example/a.html",
                            "urn:newsarchive:article:https://t.example/a.html"]
    assert sum(1 for line in CDXJIndexer().index(sorted((tmp_path / "warc").glob("*.gz")))
               if '"url": "https://t.example/a.html"' in line) == 2  # archive index keeps it


def test_cli_errors(tmp_path):
    proc = export_cli(str(FOREIGN / "heritrix-style.warc.gz"), "-o", str(tmp_path / "x.zip"))
    assert proc.returncode == 2 and ".wacz" in proc.stderr
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "heritrix-style.warc.gz").write_bytes(
        (FOREIGN / "heritrix-style.warc.gz").read_bytes())
    proc = export_cli(str(FOREIGN / "heritrix-style.warc.gz"), str(twin / "heritrix-style.warc.gz"),
                      "-o", str(tmp_path / "x.wacz"))
    assert proc.returncode == 2 and "two WARCs named" in proc.stderr
    assert not (tmp_path / "x.wacz").exists()
    proc = export_cli(str(tmp_path / "missing.warc.gz"), "-o", str(tmp_path / "x.wacz"))
    assert proc.returncode == 2 and "no such file" in proc.stderr


def test_resource_names_are_frictionless_names():
    taken: set[str] = set()
    assert resource_name("archive/urls-2024-00001-77~Host.Example.warc.gz", taken) == \
        "urls-2024-00001-77-host.example.warc.gz"
    assert resource_name("other/URLS-2024-00001-77~host.example.warc.gz", taken) == \
        "urls-2024-00001-77-host.example.warc.gz-2"
    assert resource_name("pages/pages.jsonl", taken) == "pages.jsonl"


@pytest.mark.parametrize("data", [b"", b"<html>this is no WARC</html>\n"], ids=["empty", "garbage"])
def test_cli_refuses_empty_or_garbage_input_with_one_line(tmp_path, data):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(data)
    out = tmp_path / "x.wacz"
    proc = export_cli(str(bad), "-o", str(out))
    assert proc.returncode == 2 and not out.exists()
    assert proc.stderr.splitlines() == [proc.stderr.strip()] and "bad.warc.gz" in proc.stderr
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    proc = export_cli(str(empty_dir), "-o", str(out))
    assert proc.returncode == 2 and "no WARC files" in proc.stderr and not out.exists()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_our_wacz_is_read_back_by_every_command(tmp_path):
    """check, index, stats and replay take a WACZ as they take its WARCs; the index of the
    package is the one inside it, line for line; WARC_REPLAY serves from it."""
    from archive.warc.replayindex import ReplayIndex

    warcs = [FOREIGN / "heritrix-style.warc.gz", FOREIGN / "wabac-style.warc"]
    package = tmp_path / "foreign.wacz"
    export_wacz(warcs, package)
    check = _cli("check", str(package))
    assert check.returncode == 0, check.stdout
    assert f"{package}#archive/wabac-style.warc: OK" in check.stdout
    index = _cli("index", str(package))
    assert index.returncode == 0, index.stderr
    with zipfile.ZipFile(package) as zf:
        # the package's own index: py-wacz's layout, gzip blocks of CDXJ lines
        packaged = gzip.decompress(zf.read("indexes/index.cdx.gz")).decode("utf-8")
    assert index.stdout == packaged
    stats = _cli("stats", "--json", str(package))
    assert stats.returncode == 0, stats.stderr
    direct = _cli("stats", "--json", *map(str, warcs))
    assert json.loads(stats.stdout)["total"] == json.loads(direct.stdout)["total"]
    replay = _cli("replay", str(package), "--out", str(tmp_path / "out"), "--jobs", "1",
                  "--json")
    assert replay.returncode == 0, replay.stderr
    assert json.loads(replay.stdout)["articles"] == 4
    rows = [json.loads(x) for x in (tmp_path / "out" / "articles.jsonl").read_text().splitlines()]
    assert {r["warc"]["filename"] for r in rows} == {w.name for w in warcs}
    served = ReplayIndex.from_spec(str(package)).fetch(
        "https://kiroku.example/2023/03/port-strike.html")
    assert served is not None and served.status == 200
    assert served.pointer["filename"] == "wabac-style.warc"


def test_a_file_that_is_no_wacz_fails_each_command_with_one_line(tmp_path):
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("datapackage.json", "{}")
        zf.writestr("data/archive/test.txt", "not here")
    for args, code in ((["check"], 1), (["index"], 1), (["stats"], 1),
                       (["replay", "--out", str(tmp_path / "o")], 2)):
        proc = _cli(args[0], str(bad), *args[1:])
        assert proc.returncode == code, (args, proc.stdout, proc.stderr)
        said = proc.stdout if args[0] == "check" else proc.stderr
        assert "no WARC or ARC file under archive/" in said, (args, said)
        assert "Traceback" not in proc.stderr
