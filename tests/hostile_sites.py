"""Fixture sites generated in tmp for the fault, crash and safety tests, and helpers to read
what a crawl left behind (WARC records, rows, stats, the check command).

Sites (each a host directory under a root given to :class:`fixtureweb.FixtureWeb`):

* :func:`build_fault_site`: ``faults.example`` (one page per fault, good articles between
  them, a sitemap with a billion-laughs DTD, a feed with XXE entities), ``ratelimit.example``
  (a 429 with ``Retry-After``), ``charsets.example`` (Shift_JIS, EUC-JP and cp1251 pages
  with wrong or missing charset declarations);
* :func:`build_crash_site`: ``crash.example``, articles of incompressible text, so WARC files
  rotate often and writes take a while.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parents[1]

JA = ("日本とロシアの首脳会談は北方領土問題と平和条約交渉を中心に行われた。"
      "両国の外相は経済協力の拡大についても意見を交わした。")
RU = ("Переговоры России и Японии о мирном договоре продолжились в Москве. "
      "Министры обсудили экономическое сотрудничество и Курильские острова.")


def article_html(title: str, paragraphs: Iterable[str], *, lang: str = "en",
                 charset: str | None = "utf-8", extra: str = "") -> str:
    """An article page that the generic extraction accepts (og:type article)."""
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title>'
            f'<meta property="og:type" content="article"><meta property="og:title" '
            f'content="{title}"></head><body><nav><a href="/">home</a></nav><article>'
            f"<h1>{title}</h1>{body}{extra}</article></body></html>")


def english(title: str, n: int = 8) -> str:
    return article_html(title, [f"{title}: paragraph {i}, with enough words to be read as an "
                                "article about the talks, the energy deal and the islands."
                                for i in range(n)])


def entity_bomb(levels: int = 9) -> str:
    """The DTD entity declarations of a billion-laughs document (``&lol9;`` = 10**9 lols)."""
    decls = ['<!ENTITY lol "lol">']
    for i in range(1, levels + 1):
        inner = f"&lol{i - 1};" if i > 1 else "&lol;"
        decls.append(f'<!ENTITY lol{i} "{inner * 10}">')
    return "".join(decls)


@dataclass
class Site:
    """A generated site: its root directory and facts the tests check against."""

    root: Path
    bodies: dict[str, bytes] = field(default_factory=dict)  #: URL -> bytes served
    good: list[str] = field(default_factory=list)  #: URLs that must become articles
    secret: str = ""  #: marker in a local file the XXE entity names
    start: list[str] = field(default_factory=list)


class _Host:
    def __init__(self, root: Path, host: str, site: Site) -> None:
        self.dir = root / host
        self.dir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.site = site
        (self.dir / "_host.json").write_text(json.dumps({"robots": "allow-all"}))

    def page(self, name: str, body: bytes | str | None, meta: dict[str, Any] | None = None,
             good: bool = False) -> str:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if body is not None:
            data = body if isinstance(body, bytes) else body.encode("utf-8")
            path.write_bytes(data)
            self.site.bodies[f"https://{self.host}/{name}"] = data
        if meta is not None:
            (self.dir / f"{name}.meta.json").write_text(json.dumps(meta))
        url = f"https://{self.host}/{name}"
        if good:
            self.site.good.append(url)
        return url

    def index(self, links: Iterable[str]) -> str:
        html = "<html><body>" + "".join(f'<a href="{u}">{u}</a> ' for u in links) + \
            "</body></html>"
        (self.dir / "index.html").write_text(html)
        return f"https://{self.host}/"


#: fault page -> what it is (the tests are table-driven from this)
FAULT_PAGES = {
    "reset.html": "connection reset mid-body",
    "truncated.html": "Content-Length longer than the body, clean close",
    "stall.html": "headers and half the body, then silence past DOWNLOAD_TIMEOUT",
    "stall-head.html": "silence before the status line, past DOWNLOAD_TIMEOUT",
    "drip.html": "slow drip within the timeout",
    "burst.html": "503 twice, then 200",
    "badgzip.html": "Content-Encoding: gzip, body not gzip",
    "bomb.html": "gzip bomb: 32 KB inflating past DOWNLOAD_MAXSIZE",
    "binary.html": "random bytes labelled text/html",
    "huge.html": "Content-Length over DOWNLOAD_MAXSIZE",
    "huge-chunked.html": "chunked body growing over DOWNLOAD_MAXSIZE",
    "garbage.html": "bytes that are not HTTP",
    "empty-reply.html": "connection closed without a byte",
    "empty.html": "200 with an empty body",
    "malformed.html": "unclosed and misnested tags, stray end tags",
    "deep.html": "100 000 nested elements",
    "hugeattr.html": "a 1.5 MB attribute value and 3 000 attributes",
    "laughs.html": "billion-laughs DTD inside an HTML page",
}
MAXSIZE = 2 * 1024 * 1024
TIMEOUT = 8


def build_fault_site(root: Path, secret_file: Path) -> Site:
    """The fault, rate-limit and charset hosts under ``root``; see the module docstring."""
    site = Site(root)
    rnd = random.Random(7)
    h = _Host(root, "faults.example", site)
    links = []
    for i in range(4):
        links.append(h.page(f"good-{i}.html", english(f"Good story {i}"), good=True))
    long_story = english("Long story", 60)
    h.page("reset.html", long_story, {"fault": "reset_mid_body"})
    h.page("truncated.html", long_story, {"fault": "truncate"})
    h.page("stall.html", long_story, {"fault": {"name": "stall", "stall_ms": 60000}})
    h.page("stall-head.html", None, {"fault": {"name": "stall", "before_headers": True,
                                               "stall_ms": 60000}})
    h.page("drip.html", english("Drip story"), {"fault": {"name": "drip", "chunk": 500,
                                                          "interval_ms": 40}}, good=True)
    h.page("burst.html", english("Burst story"), {"fault": {"name": "flaky", "failures": 2,
                                                            "status": 503}}, good=True)
    h.page("badgzip.html", b"\x1f\x8b\x08\x00" + bytes(rnd.randrange(256) for _ in range(3000)),
           {"headers": {"Content-Encoding": "gzip", "Content-Type": "text/html"}})
    bomb = gzip.compress(b"<html><body><p>" + b"A" * (40 * 1024 * 1024), compresslevel=9)
    h.page("bomb.html", bomb, {"headers": {"Content-Encoding": "gzip",
                                           "Content-Type": "text/html"}})
    h.page("binary.html", bytes(rnd.randrange(256) for _ in range(20000)),
           {"headers": {"Content-Type": "text/html; charset=utf-8"}})
    filler = "<p>" + "filler text " * (MAXSIZE // 10) + "</p>"
    h.page("huge.html", article_html("Huge", ["x"], extra=filler))
    h.page("huge-chunked.html", article_html("Huge chunked", ["x"], extra=filler),
           {"chunked": True, "chunk_size": 65536})
    h.page("garbage.html", None, {"fault": "garbage"})
    h.page("empty-reply.html", None, {"fault": "empty_reply"})
    h.page("empty.html", b"")
    malformed = ("<html><head><title>Malformed story</title><meta property=og:type "
                 "content=article><body><div><article><h1>Malformed story</h1>"
                 + "".join(f"<p>Malformed paragraph {i} keeps its words even though "
                           f"<b>tags <i>are not closed</b> properly</div></span><p>"
                           for i in range(12))
                 + "<table><p>inside a table</table></article>")
    h.page("malformed.html", malformed, good=True)
    h.page("deep.html", "<html><body>" + "<div>" * 100_000 + "deep text " * 50
           + "</div>" * 100_000 + "</body></html>")
    attrs = " ".join(f'data-a{i}="{i}"' for i in range(3000))
    h.page("hugeattr.html", article_html("Huge attribute story",
                                         [f"Paragraph {i} of a page with absurd attributes, "
                                          "long enough to be an article." for i in range(8)],
                                         extra=f'<p title="{"a" * 1_500_000}" {attrs}>x</p>'),
           good=True)
    h.page("laughs.html", f"<!DOCTYPE html [{entity_bomb()}]>"
           + article_html("Laughing story", [f"Paragraph {i} &lol9; of a page with an entity "
                                             "bomb in its doctype, still an article." for i in
                                             range(8)])[len("<!DOCTYPE html>"):], good=True)
    routes = {
        "/loop-a": {"status": 302, "headers": {"Location": "/loop-b"}},
        "/loop-b": {"status": 302, "headers": {"Location": "/loop-a"}},
        **{f"/chain-{i}": {"status": 301, "headers": {"Location": f"/chain-{i + 1}"}}
           for i in range(15)},
        "/chain-15": {"file": "good-0.html"},
    }
    (h.dir / "_routes.json").write_text(json.dumps(routes))
    links += [f"https://faults.example/{name}" for name in FAULT_PAGES]
    links += ["https://faults.example/loop-a", "https://faults.example/chain-0"]
    # only in the sitemap (after a billion-laughs DTD) and in the feed (after XXE entities)
    site.good.append(h.page("sitemap-only.html", english("Sitemap only story")))
    site.good.append(h.page("feed-only.html", english("Feed only story")))
    h.page("sitemap.xml", (
        f'<?xml version="1.0"?>\n<!DOCTYPE urlset [{entity_bomb()}]>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://faults.example/good-1.html?x=&lol9;</loc></url>"
        "<url><loc>https://faults.example/sitemap-only.html</loc></url></urlset>\n"))
    site.secret = f"SECRET-{rnd.getrandbits(64):016x}"
    secret_file.write_text(site.secret + "\n")
    write_xxe_feed(root, secret_file, "http://faults.example/evil.dtd")
    start = [h.index(links)]

    r = _Host(root, "ratelimit.example", site)
    r.page("limited.html", english("Rate limited story"),
           {"fault": {"name": "flaky", "failures": 1, "status": 429,
                      "headers": {"Retry-After": "1"}}}, good=True)
    start.append(r.index(["https://ratelimit.example/limited.html"]))

    c = _Host(root, "charsets.example", site)
    ja = [f"{JA}（{i}）" for i in range(6)]
    ru = [f"{RU} ({i})" for i in range(6)]
    pages = {
        "sjis-none.html": (article_html("日露首脳会談", ja, lang="ja", charset=None)
                           .encode("shift_jis"), None),
        "sjis-wrong-http.html": (article_html("日露首脳会談 二", ja, lang="ja", charset=None)
                                 .encode("shift_jis"),
                                 {"headers": {"Content-Type": "text/html; charset=utf-8"}}),
        "eucjp-none.html": (article_html("日露外相会談", ja, lang="ja", charset=None)
                            .encode("euc_jp"), None),
        "eucjp-wrong-meta.html": (article_html("日露外相会談 二", ja, lang="ja", charset="utf-8")
                                  .encode("euc_jp"), None),
        "eucjp-wrong-http.html": (article_html("日露外相会談 三", ja, lang="ja", charset=None)
                                  .encode("euc_jp"),
                                  {"headers": {"Content-Type": "text/html; charset=iso-8859-1"}}),
        "cp1251-none.html": (article_html("Россия и Япония", ru, lang="ru", charset=None)
                             .encode("cp1251"), None),
        "cp1251-wrong-meta.html": (article_html("Россия и Япония два", ru, lang="ru",
                                                charset="iso-8859-1").encode("cp1251"), None),
        "cp1251-wrong-http.html": (article_html("Россия и Япония три", ru, lang="ru",
                                                charset=None).encode("cp1251"),
                                   {"headers": {"Content-Type": "text/html; charset=utf-8"}}),
    }
    for name, (body, meta) in pages.items():
        c.page(name, body, meta, good=True)
    start.append(c.index([f"https://charsets.example/{n}" for n in pages]))
    site.start = start
    return site


def xxe_feed(secret_file: Path, remote_url: str) -> str:
    """An RSS feed whose DTD names a local file and a remote URL as external entities."""
    return ('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://'
            f'{secret_file}"><!ENTITY remote SYSTEM "{remote_url}">'
            f'<!ENTITY % pe SYSTEM "file://{secret_file}"> %pe;]>\n'
            '<rss version="2.0"><channel><title>&xxe;</title>'
            "<item><title>&remote;</title><link>https://faults.example/feed-only.html</link>"
            "<description>&xxe;</description></item></channel></rss>\n")


def write_xxe_feed(root: Path, secret_file: Path, remote_url: str) -> None:
    """(Re)write ``faults.example/feed.xml`` (the remote URL may name the running fixture
    web, which is only known once it runs)."""
    (root / "faults.example" / "feed.xml").write_text(xxe_feed(secret_file, remote_url))


def build_crash_site(root: Path, n: int = 30, kb: int = 24, seed: int = 3) -> Site:
    """``crash.example``: an index linking ``n`` articles of ~``kb`` KB of random words (gzip
    cannot shrink them much, so records are big and files rotate), every third one gzipped,
    every fourth one chunked."""
    site = Site(root)
    rnd = random.Random(seed)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9)))
             for _ in range(4000)]
    h = _Host(root, "crash.example", site)
    links = []
    for i in range(n):
        paras, size = [], 0
        while size < kb * 1024:
            para = " ".join(rnd.choice(words) for _ in range(50)) + "."
            paras.append(para)
            size += len(para)
        meta: dict[str, Any] = {}
        if i % 3 == 0:
            meta["gzip"] = True
        if i % 4 == 0:
            meta["chunked"] = True
        links.append(h.page(f"story-{i}.html", article_html(f"Crash story {i}", paras),
                            meta or None, good=True))
    site.start = [h.index(links)]
    return site


# -- reading what a crawl left -----------------------------------------------------------------


def records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every record of the given WARC files: type, uri, WARC headers, http headers, payload."""
    out = []
    for path in paths:
        with path.open("rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                payload = rec.raw_stream.read()  # before the offset: that reads to the end
                out.append({
                    "file": path.name, "offset": it.get_record_offset(),
                    "type": rec.rec_type,
                    "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                    "id": rec.rec_headers.get_header("WARC-Record-ID"),
                    "headers": rec.rec_headers, "http": rec.http_headers,
                    "status": int(rec.http_headers.get_statuscode())
                    if rec.http_headers and rec.rec_type in ("response", "revisit") else None,
                    "payload": payload,
                })
    return out


def warc_files(out: Path, open_too: bool = False) -> list[Path]:
    """WARC files under ``out/warc`` (``.open`` ones too if asked), sorted."""
    found = [p for p in (out / "warc").glob("*") if p.name.endswith((".warc.gz", ".warc"))]
    if open_too:
        found += list((out / "warc").glob("*.open"))
    return sorted(found)


def rows(out: Path) -> list[dict[str, Any]]:
    """The rows of articles.jsonl (every line must be whole JSON)."""
    path = out / "articles.jsonl"
    if not path.exists():
        return []
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), "articles.jsonl ends with a partial line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]


def run_summary(out: Path) -> dict[str, Any]:
    """The newest runs/<spider>-<time>.json (finish reason and stats)."""
    found = sorted((out / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    assert found, f"no run summary under {out / 'runs'}"
    return json.loads(found[-1].read_text("utf-8"))


def check(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m archive check ARGS``."""
    return subprocess.run([sys.executable, "-m", "archive", "check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def assert_rows_point_to_records(out: Path) -> None:
    """Every row's pointer opens a response record with its id and URL; every text exists."""
    from archive.warc.inputs import find_warc
    from archive.warc.reader import record_at

    for row in rows(out):
        pointer = row["warc"]
        path = find_warc(out, pointer["filename"])
        with record_at(path, pointer["offset"]) as rec:
            assert rec.rec_headers.get_header("WARC-Record-ID") == pointer["record_id"], row["url"]
            assert rec.rec_type in ("response", "revisit")
        assert (out / row["text_path"]).is_file(), row["text_path"]


def stats_in_log(stderr: str) -> dict[str, Any]:
    """Scrapy's final stats dump, parsed from the log (numbers only)."""
    found: dict[str, Any] = {}
    dump = stderr.rpartition("Dumping Scrapy stats:")[2]
    for key, value in re.findall(r"'([^']+)': ([0-9.]+)", dump):
        found[key] = float(value) if "." in value else int(value)
    return found


def record_figure(scenario: str, **facts: Any) -> None:
    """Append one JSON line to ``$NEWSARCHIVE_RELIABILITY_LOG`` (when set): the raw figures
    behind docs/reliability.md (``tests/reliability_table.py`` sums them into its table)."""
    path = os.environ.get("NEWSARCHIVE_RELIABILITY_LOG")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"scenario": scenario, **facts}, sort_keys=True) + "\n")


def hook_env(hook_dir: Path, **values: str) -> dict[str, str]:
    """Environment for tests/crashhooks.py."""
    hook_dir.mkdir(parents=True, exist_ok=True)
    env = {"NEWSARCHIVE_HOOK_DIR": str(hook_dir)}
    env.update({f"NEWSARCHIVE_HOOK_{k.upper()}": v for k, v in values.items()})
    return env


def crawl_command(spider: str, out: Path, args: dict[str, str], settings: dict[str, str],
                  hooked: bool = False) -> list[str]:
    """``python -m scrapy crawl`` (or ``python -m tests.crashhooks crawl``) with -a/-s."""
    from tests.conftest import TEST_SETTINGS

    cmd = [sys.executable, "-m", "tests.crashhooks" if hooked else "scrapy", "crawl", spider]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in {**TEST_SETTINGS, "OUTPUT_DIR": str(out), **settings}.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def crawl_env(web: Any, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **web.env(), **(extra or {})}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env
