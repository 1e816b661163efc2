"""A deterministic loopback news site for the benchmarks, and a check that serving it is cheap.

Over 400 lines on purpose: the synthetic site's page templates and its generator, together.

``generate(directory, pages, seed)`` writes ``pages`` HTML pages of 50-150 KB under
``directory/news.bench.test/`` in the fixture web's layout (one directory per host):

* ``/`` (the home page) links every section index page and a few top stories;
* ``/section/<name>/page-<k>.html`` index pages list about 50 articles each;
* ``/<yyyy>/<mm>/<id>-<slug>.html`` articles (English or Japanese, ``og:type=article`` and a
  JSON-LD ``NewsArticle``) link five related articles.

More: docs/modules.md, ``bench/site.py``.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HOST = "news.bench.test"
START_URL = f"http://{HOST}/"
GENERATOR_VERSION = 4
#: assets and accounts live on other hosts (as on real sites), which no crawler here follows
STATIC = "http://static.bench.test"
ACCOUNT = "http://account.bench.test"
ARTICLES_PER_INDEX = 50
RELATED = 5
SECTIONS = ["world", "politics", "business", "tech", "science", "culture", "sport", "opinion",
            "asia", "europe"]
PAGE_MIN, PAGE_MAX = 50_000, 150_000

_EN_WORDS = (
    "government minister talks agreement border trade energy security summit official report "
    "statement economy market prices inflation growth sanctions pipeline gas oil islands "
    "treaty negotiations delegation visit cooperation fishing waters dispute council vote "
    "election parliament opposition party leader president prime spokesperson ministry "
    "foreign defence exercise military navy coast guard vessel research study scientists data "
    "analysts investors company shares exports imports currency bank policy rate decision "
    "committee proposal plan budget spending tax reform law court ruling judge case evidence "
    "protest crowd police city region province residents community school hospital workers "
    "union strike wages contract deal partners regional global international national local "
    "annual quarterly historic unprecedented significant modest sharp steady gradual recent "
    "previous following meeting conference forum dialogue channel relations ties history "
    "memory anniversary ceremony culture festival museum exhibition season weather storm "
    "earthquake recovery reconstruction aid support response measures emergency infrastructure "
    "railway port airport route shipping cargo supply chain shortage demand production output "
    "technology semiconductor network platform service users privacy regulation competition"
).split()
_EN_GLUE = ("the", "a", "of", "in", "on", "and", "to", "with", "for", "after", "as", "by",
            "said", "says", "will", "would", "has", "had", "was", "were", "is", "are", "that",
            "from", "over", "under", "between", "amid", "despite", "while")
_JA_NOUNS = (
    "政府 外務省 首相 大統領 会談 協議 合意 国境 貿易 エネルギー 安全保障 首脳会談 経済 市場 "
    "物価 制裁 パイプライン 天然ガス 石油 北方領土 平和条約 交渉 代表団 訪問 協力 漁業 水域 "
    "議会 選挙 野党 与党 党首 報道官 防衛省 演習 海上保安庁 艦船 研究者 専門家 企業 株価 輸出 "
    "輸入 為替 日本銀行 政策金利 委員会 予算 税制 改革 裁判所 判決 住民 地域 自治体 学校 病院 "
    "労働者 賃金 鉄道 港湾 空港 物流 半導体 技術 規制 記者会見 声明 関係者 歴史 記念式典 文化"
).split()
_JA_PARTICLES = ("は", "が", "を", "に", "で", "と", "の", "も", "から", "まで", "について",
                 "に関して", "をめぐり")
_JA_ENDINGS = ("と述べた。", "と明らかにした。", "方針を示した。", "見通しだ。", "とみられる。",
               "と強調した。", "を発表した。", "を確認した。", "が焦点となる。", "と報じられた。",
               "に懸念を示した。", "を協議した。")


@dataclass
class SiteInfo:
    """What was generated: where, how many pages, which URLs."""

    root: str  #: the fixture root (``--root`` of the fixture web)
    host: str
    start_url: str
    pages: int
    articles: int
    index_pages: int
    bytes: int
    seed: int
    urls: list[str]

    def summary(self) -> str:
        """One line for the benchmark output."""
        return (f"site: {self.pages} pages ({self.articles} articles, {self.index_pages} index "
                f"pages + home), {self.bytes / 1e6:.1f} MB, mean "
                f"{self.bytes / max(1, self.pages) / 1e3:.0f} KB/page, seed {self.seed}, "
                f"{self.root}")


def _en_sentence(rng: random.Random) -> str:
    n = rng.randint(9, 28)
    words = [rng.choice(_EN_WORDS) if rng.random() < 0.6 else rng.choice(_EN_GLUE)
             for _ in range(n)]
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 98)}%")
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))


def _ja_sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 5)):
        parts.append(rng.choice(_JA_NOUNS) + rng.choice(_JA_PARTICLES))
    if rng.random() < 0.4:
        parts.insert(0, f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日、")
    return "".join(parts) + rng.choice(_JA_NOUNS) + rng.choice(_JA_ENDINGS)


def _paragraphs(rng: random.Random, lang: str, count: int) -> list[str]:
    make = _ja_sentence if lang == "ja" else _en_sentence
    sep = "" if lang == "ja" else " "
    return [sep.join(make(rng) for _ in range(rng.randint(2, 6))) for _ in range(count)]


def _title(rng: random.Random, lang: str) -> str:
    if lang == "ja":
        return (rng.choice(_JA_NOUNS) + rng.choice(_JA_PARTICLES) + rng.choice(_JA_NOUNS)
                + "、" + rng.choice(_JA_NOUNS) + rng.choice(("へ", "か", "で合意", "を協議")))
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(5, 10))]
    return " ".join(words).capitalize()


@dataclass
class _Article:
    ident: int
    path: str
    lang: str
    title: str
    section: str
    date: str


def _layout(n_pages: int, rng: random.Random) -> tuple[list[str], list[_Article]]:
    """Index page paths and articles for a site of ``n_pages`` pages (home included)."""
    n_index = max(1, round((n_pages - 1) / (ARTICLES_PER_INDEX + 1)))
    n_articles = max(0, n_pages - 1 - n_index)
    index_paths = []
    for k in range(n_index):
        section = SECTIONS[k % len(SECTIONS)]
        index_paths.append(f"/section/{section}/page-{k // len(SECTIONS) + 1}.html")
    articles = []
    for i in range(n_articles):
        lang = "ja" if rng.random() < 0.45 else "en"
        title = _title(rng, lang)
        slug = "-".join(w for w in title.lower().split()[:6] if w.isascii()) or "kiji"
        year, month, day = 2014 + i % 11, 1 + (i * 7) % 12, 1 + (i * 13) % 28
        articles.append(_Article(
            ident=100000 + i,
            path=f"/{year}/{month:02d}/{100000 + i}-{slug}.html",
            lang=lang,
            title=title,
            section=SECTIONS[rng.randrange(len(SECTIONS))],
            date=f"{year}-{month:02d}-{day:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
                 ":00+09:00",
        ))
    return index_paths, articles


_CSS_RULES = [".{c} {{ margin: {a}px {b}px; padding: {b}px; color: #{h}; font-size: {f}px; }}",
              ".{c}:hover {{ text-decoration: underline; background: #{h}; }}",
              "@media (max-width: {w}px) {{ .{c} {{ display: none; }} }}"]


def _css(rng: random.Random, n: int) -> str:
    rules = []
    for i in range(n):
        rules.append(rng.choice(_CSS_RULES).format(
            c=f"c{i}-{rng.randint(0, 999)}", a=rng.randint(0, 40), b=rng.randint(0, 40),
            h=f"{rng.randint(0, 0xFFFFFF):06x}", f=rng.randint(10, 32), w=rng.randint(320, 1400)))
    return "\n".join(rules)


def _state_blob(rng: random.Random, size: int, articles: list[_Article]) -> str:
    """An inline JSON state script (like ``__NEXT_DATA__``) of roughly ``size`` bytes."""
    items = []
    total = 0
    while total < size:
        art = articles[rng.randrange(len(articles))] if articles else None
        entry = {
            "id": art.ident if art else rng.randint(1, 10**6),
            "href": art.path if art else "/",
            "headline": art.title if art else "",
            "section": art.section if art else "",
            "image": {"src": f"{STATIC}/img/{rng.getrandbits(64):016x}.jpg", "w": 1200, "h": 675},
            "tracking": {"slot": rng.randint(1, 40), "ab": rng.choice("ABCD"),
                         "token": f"{rng.getrandbits(128):032x}"},
        }
        text = json.dumps(entry, ensure_ascii=False)
        items.append(text)
        total += len(text.encode("utf-8")) + 1
    return '{"props":{"pageProps":{"feed":[' + ",".join(items) + ']}},"buildId":"bench"}'


def _header(rng: random.Random, index_paths: list[str]) -> str:
    nav = "".join(
        f'<li class="nav-item"><a href="{p}">{html.escape(p.split("/")[2].title())}'
        f' {p.rsplit("-", 1)[-1][:-5]}</a></li>'
        for p in index_paths[: min(len(index_paths), 30)]
    )
    return (
        '<header class="site-header"><div class="masthead"><a class="logo" href="/">'
        f'<img src="{STATIC}/logo.svg" alt="Bench News"></a>'
        f'<form class="search" action="{ACCOUNT}/search"><input name="q" placeholder="Search">'
        f'<button>Go</button></form><a class="subscribe" href="{ACCOUNT}/subscribe">Subscribe</a>'
        f'<a class="login" href="{ACCOUNT}/login">Log in</a></div>'
        f'<nav class="main-nav" aria-label="Sections"><ul>{nav}</ul></nav>'
        '<div class="breaking-bar">Breaking: ' + html.escape(_en_sentence(rng)) + "</div>"
        "</header>"
    )


def _ad(rng: random.Random, slot: int) -> str:
    return (
        f'<div class="ad ad-slot-{slot}" data-ad-unit="/1234/news/{slot}" '
        f'id="ad-{rng.getrandbits(32):08x}"><span class="ad-label">Advertisement</span>'
        f'<script>window.adq=window.adq||[];adq.push({{slot:{slot},sizes:[[300,250],[728,90]],'
        f'targeting:{{kw:"{rng.choice(_EN_WORDS)}",pos:{slot}}}}});</script>'
        '<iframe src="about:blank" width="300" height="250" title="ad"></iframe></div>'
    )


def _share_bar(path: str) -> str:
    url = html.escape(START_URL.rstrip("/") + path)
    return (
        '<div class="share-bar"><span>Share</span>'
        f'<a class="share-x" href="https://x.example/intent?url={url}">X</a>'
        f'<a class="share-fb" href="https://facebook.example/share?u={url}">Facebook</a>'
        f'<a class="share-line" href="https://line.example/share?url={url}">LINE</a>'
        f'<a class="share-mail" href="mailto:?subject=News&amp;body={url}">Email</a>'
        '<button class="copy-link">Copy link</button></div>'
    )


def _most_read(rng: random.Random, articles: list[_Article]) -> str:
    picks = rng.sample(articles, min(10, len(articles))) if articles else []
    items = "".join(
        f'<li><span class="rank">{i + 1}</span><a href="{a.path}">{html.escape(a.title)}</a></li>'
        for i, a in enumerate(picks)
    )
    return f'<aside class="most-read"><h2>Most read</h2><ol>{items}</ol></aside>'


def _footer(rng: random.Random, index_paths: list[str]) -> str:
    cols = []
    for title in ("News", "Sections", "Services", "Company", "Legal"):
        links = "".join(
            f'<li><a href="{rng.choice(index_paths)}">{html.escape(rng.choice(_EN_WORDS).title())}'
            "</a></li>" for _ in range(12)
        )
        cols.append(f'<div class="footer-col"><h3>{title}</h3><ul>{links}</ul></div>')
    return (
        '<footer class="site-footer"><div class="newsletter"><h3>Get the morning briefing</h3>'
        f'<form action="{ACCOUNT}/newsletter"><input type="email" name="email">'
        "<button>Sign up</button>"
        "</form></div>" + "".join(cols) +
        '<p class="copyright">&copy; 2024 Bench News Co. All rights reserved. '
        "Reproduction without permission is prohibited.</p></footer>"
    )


def _page(
    rng: random.Random,
    *,
    title: str,
    lang: str,
    head_extra: str,
    main: str,
    index_paths: list[str],
    articles: list[_Article],
    target: int,
) -> bytes:
    parts_before = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} | Bench News</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{head_extra}<style>{_css(rng, rng.randint(60, 140))}</style>"
        f'<script async src="{STATIC}/analytics.js"></script></head><body>'
        f"{_header(rng, index_paths)}{_ad(rng, 1)}<div class=\"layout\">"
    )
    parts_after = (
        f'<div class="sidebar">{_ad(rng, 2)}{_most_read(rng, articles)}{_ad(rng, 3)}</div></div>'
        f"{_footer(rng, index_paths)}"
    )
    body = parts_before + main + parts_after
    size = len(body.encode("utf-8"))
    blob = _state_blob(rng, max(0, target - size - 200), articles)
    return (body + f'<script id="__STATE__" type="application/json">{blob}</script>'
            "</body></html>\n").encode("utf-8")


def _article_html(rng: random.Random, art: _Article, related: list[_Article],
                  index_paths: list[str], articles: list[_Article]) -> bytes:
    paras = _paragraphs(rng, art.lang, rng.randint(6, 22))
    author = rng.choice(("Anna Petrova", "Kenji Watanabe", "Maria Lopez", "山田 太郎",
                         "佐藤 花子", "John Smith"))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": art.title, "datePublished": art.date,
                     "author": [{"@type": "Person", "name": author}]}, ensure_ascii=False)
    url = START_URL.rstrip("/") + art.path
    head = (
        f'<link rel="canonical" href="{url}"><meta property="og:type" content="article">'
        f'<meta property="og:title" content="{html.escape(art.title)}">'
        f'<meta property="og:url" content="{url}">'
        f'<meta property="article:published_time" content="{art.date}">'
        f'<meta name="author" content="{html.escape(author)}">'
        f'<script type="application/ld+json">{ld}</script>'
    )
    body_paras = []
    for i, p in enumerate(paras):
        body_paras.append(f"<p>{html.escape(p)}</p>")
        if i == 3:
            body_paras.append(_ad(rng, 4))
        if i == 6:
            body_paras.append(f'<div class="inline-promo"><a href="{ACCOUNT}/subscribe">'
                              "Subscribe for unlimited access</a></div>")
    rel = "".join(f'<li><a href="{r.path}">{html.escape(r.title)}</a></li>' for r in related)
    main = (
        f'<main class="content"><article class="story"><div class="kicker"><a href="'
        f'{index_paths[0]}">{art.section.title()}</a></div><h1>{html.escape(art.title)}</h1>'
        f'<div class="byline">By <span class="author">{html.escape(author)}</span> '
        f'<time datetime="{art.date}">{art.date[:10]}</time></div>{_share_bar(art.path)}'
        f'<figure><img src="{STATIC}/img/lead.jpg" alt=""><figcaption>'
        f"{html.escape(_en_sentence(rng))}</figcaption></figure>"
        f'<div class="story-body">{"".join(body_paras)}</div>{_share_bar(art.path)}'
        f'<section class="related"><h2>Related</h2><ul>{rel}</ul></section>'
        '<div class="comments-teaser"><a href="#comments">Comments (' +
        str(rng.randint(0, 300)) + ")</a></div></article></main>"
    )
    return _page(rng, title=art.title, lang=art.lang, head_extra=head, main=main,
                 index_paths=index_paths, articles=articles,
                 target=rng.randint(PAGE_MIN + 5_000, PAGE_MAX - 5_000))


def _index_html(rng: random.Random, title: str, listed: list[_Article],
                index_paths: list[str], articles: list[_Article], extra_links: str = "") -> bytes:
    items = "".join(
        f'<li class="teaser"><a href="{a.path}"><h3>{html.escape(a.title)}</h3></a>'
        f'<p class="dek">{html.escape(_en_sentence(rng))}</p>'
        f'<time datetime="{a.date}">{a.date[:10]}</time></li>'
        for a in listed
    )
    main = (f'<main class="content"><h1>{html.escape(title)}</h1>{extra_links}'
            f'<ul class="teasers">{items}</ul></main>')
    return _page(rng, title=title, lang="en", head_extra="", main=main,
                 index_paths=index_paths, articles=articles,
                 target=rng.randint(PAGE_MIN + 5_000, PAGE_MAX - 5_000))


def generate(directory: str | os.PathLike[str], pages: int, seed: int = 1) -> SiteInfo:
    """Write the site (see the module docstring) unless the same one is already there."""
    root = Path(directory)
    stamp = root / ".bench-site.json"
    if stamp.exists():
        data = json.loads(stamp.read_text("utf-8"))
        if (data.get("pages"), data.get("seed"), data.get("version")) == (
                pages, seed, GENERATOR_VERSION):
            return SiteInfo(**data["info"])
    rng = random.Random(seed)
    index_paths, articles = _layout(pages, rng)
    host_dir = root / HOST
    if host_dir.exists():
        import shutil

        shutil.rmtree(host_dir)
    host_dir.mkdir(parents=True)
    (host_dir / "robots.txt").write_text("User-agent: *\nDisallow: /search\n", "utf-8")
    total = 0
    urls = [START_URL]
    per_index = max(1, -(-len(articles) // max(1, len(index_paths))))
    for k, path in enumerate(index_paths):
        listed = articles[k * per_index:(k + 1) * per_index]
        data = _index_html(rng, f"{path.split('/')[2].title()} - page {k + 1}", listed,
                           index_paths, articles)
        target = host_dir / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        total += len(data)
        urls.append(START_URL.rstrip("/") + path)
    index_links = "<ul class=\"sections\">" + "".join(
        f'<li><a href="{p}">{html.escape(p)}</a></li>' for p in index_paths) + "</ul>"
    home = _index_html(rng, "Bench News - home", articles[:20], index_paths, articles,
                       extra_links=index_links)
    (host_dir / "index.html").write_bytes(home)
    total += len(home)
    for i, art in enumerate(articles):
        related = [articles[(i + 1 + rng.randrange(max(1, len(articles) - 1))) % len(articles)]
                   for _ in range(RELATED)] if len(articles) > 1 else []
        data = _article_html(rng, art, related, index_paths, articles)
        target = host_dir / art.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        total += len(data)
        urls.append(START_URL.rstrip("/") + art.path)
    info = SiteInfo(root=str(root.resolve()), host=HOST, start_url=START_URL, pages=len(urls),
                    articles=len(articles), index_pages=len(index_paths), bytes=total,
                    seed=seed, urls=urls)
    stamp.write_text(json.dumps({"pages": pages, "seed": seed, "version": GENERATOR_VERSION,
                                 "info": asdict(info)}), "utf-8")
    return info


# -- serving --------------------------------------------------------------------------------


class Server:
    """``python -m fixtureweb --root DIR --delay-ms N`` as a subprocess (its own process, so its
    CPU time can be read apart from the crawler's)."""

    def __init__(self, root: str | os.PathLike[str], delay_ms: float = 0) -> None:
        self.root = str(root)
        self.delay_ms = delay_ms
        self.proc: subprocess.Popen[str] | None = None
        self.proxy_url = ""

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fixtureweb", "--root", self.root,
             "--delay-ms", str(self.delay_ms)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=str(Path(__file__).resolve().parents[1]),
        )
        assert self.proc.stdout is not None
        self.proxy_url = self.proc.stdout.readline().strip()
        if not self.proxy_url.startswith("http://"):
            raise RuntimeError(f"fixture web did not start: {self.proxy_url!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) of the proxy."""
        hostport = self.proxy_url.split("//", 1)[1].rstrip("/")
        host, port = hostport.rsplit(":", 1)
        return host, int(port)

    def cpu_seconds(self) -> float:
        """User + system CPU seconds the server process has used so far."""
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """Environment with every proxy variable pointing at the server."""
        env = dict(os.environ if base is None else base)
        for name in ("http_proxy", "https_proxy"):
            env[name] = env[name.upper()] = self.proxy_url
        for name in ("no_proxy", "all_proxy"):
            env[name] = env[name.upper()] = ""
        return env


def _fetch_loop(address: tuple[str, int], urls: list[str], results: multiprocessing.Queue,
                ) -> None:
    """Client thread body: one keep-alive connection fetching ``urls`` through the proxy."""
    sock = socket.create_connection(address)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    got = 0
    nbytes = 0
    buf = b""
    for url in urls:
        host = url.split("/")[2]
        sock.sendall(f"GET {url} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            buf += chunk
        head, buf = buf.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        parts = [buf]
        have = len(buf)
        while have < length:
            chunk = sock.recv(262144)
            if not chunk:
                raise ConnectionError("short body")
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        buf = data[length:]
        nbytes += length
        got += 1
    sock.close()
    results.put((got, nbytes))


def _client_process(address: tuple[str, int], urls: list[str], conns: int,
                    results: multiprocessing.Queue) -> None:
    import threading

    threads = [threading.Thread(target=_fetch_loop, args=(address, urls[i::conns], results))
               for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@dataclass
class Throughput:
    """The fixture web alone, under a concurrent client."""

    requests: int
    seconds: float
    server_cpu: float
    megabytes: float

    @property
    def per_second(self) -> float:
        """Pages served per second of wall time."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        """Server CPU milliseconds per page."""
        return 1000 * self.server_cpu / self.requests if self.requests else 0.0


def server_throughput(server: Server, urls: list[str], *, processes: int = 2,
                      connections: int = 32, rounds: int = 1) -> Throughput:
    """Fetch ``urls`` (``rounds`` times) through ``server`` with ``connections`` keep-alive
    connections spread over ``processes`` client processes."""
    work = list(urls) * rounds
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue = ctx.Queue()
    per_proc = max(1, connections // processes)
    cpu0 = server.cpu_seconds()
    started = time.monotonic()
    procs = [ctx.Process(target=_client_process,
                         args=(server.address, work[i::processes], per_proc, results))
             for i in range(processes)]
    for p in procs:
        p.start()
    got = nbytes = 0
    for _ in range(processes * per_proc):
        g, b = results.get(timeout=600)
        got += g
        nbytes += b
    for p in procs:
        p.join()
    seconds = time.monotonic() - started
    return Throughput(got, seconds, server.cpu_seconds() - cpu0, nbytes / 1e6)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.site``: generate, serve or measure the bench site."""
    parser = argparse.ArgumentParser(prog="python -m bench.site", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="HTML pages (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="/tmp/newsarchive-bench/site",
                        help="directory (the fixture root); default %(default)s-<pages>")
    parser.add_argument("--serve", action="store_true", help="serve it until Ctrl-C")
    parser.add_argument("--delay-ms", type=float, default=0.0)
    parser.add_argument("--throughput", action="store_true",
                        help="measure the server alone with a concurrent client")
    parser.add_argument("--rounds", type=int, default=1,
                        help="fetch every page this many times for --throughput")
    args = parser.parse_args(argv)
    out = args.out if args.out != parser.get_default("out") else f"{args.out}-{args.pages}"
    started = time.monotonic()
    info = generate(out, args.pages, args.seed)
    print(info.summary(), f"({time.monotonic() - started:.1f} s)", flush=True)
    if args.throughput:
        with Server(info.root, args.delay_ms) as server:
            result = server_throughput(server, info.urls, rounds=args.rounds)
        print(f"fixture web alone (delay {args.delay_ms:g} ms, 2 client processes, 32 "
              f"keep-alive connections): {result.requests} pages in {result.seconds:.2f} s = "
              f"{result.per_second:.0f} pages/s, {result.megabytes / result.seconds:.0f} MB/s, "
              f"server CPU {result.cpu_ms_per_page:.2f} ms/page")
    if args.serve:
        with Server(info.root, args.delay_ms) as server:
            print(server.proxy_url, flush=True)
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
