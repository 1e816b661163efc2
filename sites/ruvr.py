"""Voice of Russia, Japanese service (ロシアの声, ``japanese.ruvr.ru``, 2011–2014), read through
the Wayback Machine (the host is dead; see :mod:`crawler.spiders.ruvr`): CDX discovery rules
and extraction rules.

**The markup these rules read is a design, not an observation.** No real HTML of the site is
available to the project (``shared/sites/README.md`` §3.3 is "recalled, unverified"), so the
fixture pages under ``fixtureweb/web/web.archive.org`` are synthetic period markup and these
rules were written for them (``fixtureweb/web/web.archive.org/SOURCES.md``). Check both
against the first real captures and adjust the selectors; the structure (eras, date and
canonical URL handling) should carry over.

More: docs/modules.md, ``sites/ruvr.py``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml.etree import _Element

from sites import register
from sites.base import SiteExtraction, SiteRules, block_text, canonical_url, clean_ws, first_text
from sites.urls import split_arg
from sites.wayback import cdx_query_url, normalise_original, original_url, parse_wayback_url

HOSTS = ("japanese.ruvr.ru",)
SITE_NAME_SUFFIX = re.compile(r"\s*(?:[:|\-–—]\s*)?ロシアの声\s*$")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2}))?")
_URL_DATE = re.compile(r"/(\d{4})_(\d{2})_(\d{2})/|/(\d{4})/(\d{2})/(\d{2})/\d+\.html")
_LIST_SPLIT = re.compile(r"\s*[,、，]\s*")

# -- crawl: discovery through the Wayback CDX API (what ``scrapy crawl ruvr`` asks) ----------

HOST = HOSTS[0]
ARTICLE_URL = re.compile(
    r"^https?://japanese\.ruvr\.ru(?::80)?/(?:\d{4}_\d\d_\d\d/\d+/?|\d{4}/\d\d/\d\d/\d+\.html)$"
)
#: the default CDX query: the whole host over the site's life
DEFAULT_PREFIX = f"{HOST}/"
DEFAULT_FROM = "2011"
DEFAULT_TO = "2014"
CDX_PAGE_SIZE = 5000
HTML_MIMETYPES = frozenset({"text/html", "application/xhtml+xml"})
#: a Wayback timestamp, 1-14 digits (``from`` / ``to``)
TIMESTAMP = re.compile(r"^\d{1,14}$")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


def split_urls(value: str | list[str] | None) -> list[str]:
    """``-a urls=`` as a list, like :func:`sites.urls.split_arg` but a comma inside a
    URL (``fl=timestamp,original``) does not split it: a piece that does not start with a
    scheme is glued back to the URL before it."""
    out: list[str] = []
    for piece in split_arg(value):
        if out and not SCHEME.match(piece):
            out[-1] += "," + piece
        else:
            out.append(piece)
    return out


def is_article_url(url: str) -> bool:
    """Is ``url`` (an original URL) a japanese.ruvr.ru article?"""
    return bool(ARTICLE_URL.match(url))


def default_cdx_query(prefix: str = DEFAULT_PREFIX, date_from: str | None = None,
                      date_to: str | None = None, limit: int = CDX_PAGE_SIZE) -> str:
    """The CDX query of a crawl given no ``urls``: one prefix query, HTML 200s, one row per
    URL, with resume keys."""
    return cdx_query_url(
        prefix,
        matchType="prefix",
        **{"from": date_from or DEFAULT_FROM, "to": date_to or DEFAULT_TO},
        filter=["statuscode:200", "mimetype:text/html"],
        collapse="urlkey",
        showResumeKey="true",
        limit=limit,
    )


def url_key(row: dict[str, str]) -> str:
    """The identity of a CDX row's URL: its ``urlkey`` (SURT), else the original URL without
    scheme, ``www.``, default port and trailing slash."""
    if row.get("urlkey"):
        return row["urlkey"]
    parts = urlsplit(normalise_original(row.get("original", "")))
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def skip_reason(row: dict[str, str]) -> str | None:
    """Why a CDX row is not fetched (``revisit``, ``status``, ``mimetype``, ``not-article``,
    ``malformed``), or None to fetch it. Duplicates are decided by the spider."""
    original, timestamp = row.get("original"), row.get("timestamp")
    if not original or not timestamp or not TIMESTAMP.match(timestamp):
        return "malformed"
    mimetype = row.get("mimetype")
    if mimetype == "warc/revisit":
        return "revisit"
    status = row.get("statuscode")
    if status is not None and status != "200":
        return "status"
    if mimetype is not None and mimetype.split(";")[0].strip().lower() not in HTML_MIMETYPES:
        return "mimetype"
    if not is_article_url(original):
        return "not-article"
    return None


def historical_redirects(chain: list[str], final: str) -> list[str]:
    """Original URLs that redirected at crawl time, from the archive URLs of a redirect chain
    (a hop whose original URL differs from the next hop's was an archived 3xx; a hop to the
    same original URL is the archive's redirect to the nearest capture)."""
    originals = [normalise_original(original_url(u)) for u in [*chain, final]]
    return [originals[i] for i in range(len(chain)) if originals[i] != originals[i + 1]]


def with_json_output(query_url: str) -> str:
    """A CDX query URL with ``output=json`` (added when missing)."""
    parts = urlsplit(query_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(k == "output" for k, _ in query):
        return query_url
    query.append(("output", "json"))
    return urlunsplit(parts._replace(query=urlencode(query)))


# -- dates ------------------------------------------------------------------------------------

#: Moscow switched to permanent UTC+4 at 2011-03-27 02:00 local time...
MSK_PERMANENT_SUMMER = datetime(2011, 3, 27, 2, 0)
#: ...and back to UTC+3 at 2014-10-26 02:00 local time (01:00–02:00 that night happened
#: twice; it is read as the first, UTC+4, occurrence).
MSK_BACK_TO_WINTER = datetime(2014, 10, 26, 2, 0)


def _last_sunday(year: int, month: int) -> datetime:
    day = datetime(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def moscow_offset(local: datetime) -> str:
    """The UTC offset of Moscow time at the naive local time ``local`` (``+03:00``/``+04:00``).

    Until 2011-03-27 the pre-2011 rule applies: summer time (UTC+4) from the last Sunday of
    March 02:00 to the last Sunday of October 03:00, UTC+3 otherwise.
    """
    if local >= MSK_BACK_TO_WINTER:
        return "+03:00"
    if local >= MSK_PERMANENT_SUMMER:
        return "+04:00"
    start = _last_sunday(local.year, 3).replace(hour=2)
    end = _last_sunday(local.year, 10).replace(hour=3)
    return "+04:00" if start <= local < end else "+03:00"


def parse_vor_date(raw: str | None) -> str | None:
    """``2.11.2013, 16:07`` (Moscow time) -> ``2013-11-02T16:07:00+04:00``; a date with no time
    gives ``YYYY-MM-DD``; None when nothing parses."""
    m = _DOTTED.search(raw or "")
    if not m:
        return None
    day, month, year, hour, minute = m.groups()
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        local = datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError:
        return None
    return local.isoformat(timespec="seconds") + moscow_offset(local)


def original_of(url: str) -> str:
    """The original URL of a Wayback capture URL (normalised), or ``url`` itself."""
    capture = parse_wayback_url(url)
    return normalise_original(capture.original) if capture else url


def url_date(url: str) -> str | None:
    """Publication date from an article URL (``/2013_11_02/...`` or ``/2011/02/07/<id>.html``),
    Wayback URLs included; None when the URL has none."""
    m = _URL_DATE.search(original_of(url))
    if not m:
        return None
    year, month, day = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return None


def _label_value(tree: _Element, selector: str) -> str | None:
    """Text of a ``ラベル: 値`` line without its label."""
    text = first_text(tree, (selector,))
    if not text:
        return None
    return clean_ws(re.sub(r"^[^:：]{1,8}[:：]\s*", "", text)) or None


# -- known chrome (text) ------------------------------------------------------------------
#: The Voice of Russia's chrome as text: a line or heading starting with one of these is not
#: article text, wherever it sits (``pipelines/extract/sitechrome.py``). No real page was
#: seen (README §3.3 recalls a radio player, language selector, share buttons, related and
#: most-read blocks, a programme footer): these are the synthetic fixtures' strings, kinds
#: as recalled there.
CHROME_STRINGS: tuple[str, ...] = (
    "ラジオを聴く", "生放送を聴く", "ただいま放送中", "言語を選択", "この記事を聴く",
    "あわせて読む", "関連ニュース", "関連記事", "最も読まれた記事", "最新ニュース", "番組表",
    "今日の番組", "印刷用ページ", "メールで送る", "共有する", "コメントを書くには",
    "ロシアの声をフォローする", "記事を転載する場合は", "転載の際はリンクを", "写真:",
    "©",  # the footer's copyright line (README §3.3: "a large footer")
)
#: whole lines that are chrome
CHROME_LINES: tuple[str, ...] = ()
# -- end of known chrome ---------------------------------------------------------------------


class Ruvr2012(SiteRules):
    """japanese.ruvr.ru article pages, 2012–2014 layout (see the module docstring)."""

    name = "ruvr"
    era = "2012"
    hosts = HOSTS
    language = "ja"
    marker = "div.article-body"
    body: ClassVar[tuple[str, ...]] = ("div.article-body",)
    noise: ClassVar[tuple[str, ...]] = (
        "div.article-audio",
        "div.inline-photo",
        "div.read-also",
        "div.share",
        "div.banner",
        "script",
        "noscript",
        "iframe",
    )
    title_selectors: ClassVar[tuple[str, ...]] = (
        "h1.article-title", "meta[property='og:title']", "h1", "title",
    )
    author_selectors: ClassVar[tuple[str, ...]] = ("p.article-byline span.author",)
    date_selectors: ClassVar[tuple[str, ...]] = ("p.article-byline span.date",)
    special_selector: ClassVar[str] = "p.article-special a"
    tags_selector: ClassVar[str] = "p.article-tags"

    def title(self, tree: _Element) -> str | None:
        title = first_text(tree, self.title_selectors)
        if not title:
            return None
        return SITE_NAME_SUFFIX.sub("", title) or None

    def published(self, url: str, tree: _Element) -> str | None:
        raw = first_text(tree, self.date_selectors, prefer_attr=("datetime", "content"))
        return parse_vor_date(raw) or url_date(url)

    def canonical_url(self, url: str, tree: _Element) -> str | None:
        if parse_wayback_url(url) is not None:
            return original_of(url)
        return canonical_url(url, tree)

    def site_meta(self, tree: _Element) -> dict[str, object]:
        """``special`` (特集) and ``tags`` (タグ), when the page lists them."""
        meta: dict[str, object] = {}
        special = first_text(tree, (self.special_selector,))
        if special:
            meta["special"] = special
        tags = _label_value(tree, self.tags_selector)
        if tags:
            meta["tags"] = [t for t in _LIST_SPLIT.split(tags) if t]
        return meta

    def extract(self, url: str, tree: _Element) -> SiteExtraction | None:
        if not self.is_article(url, tree):
            return None
        found = SiteExtraction(
            text="",
            title=self.title(tree),
            author=self.author(tree),
            published=self.published(url, tree),
            canonical_url=self.canonical_url(url, tree),
            language=self.language,
            meta=self.site_meta(tree),
        )
        self.remove_noise(tree)
        found.text = "\n".join(block_text(el) for el in self.body_elements(tree)).strip()
        return found


class Ruvr2011(Ruvr2012):
    """japanese.ruvr.ru article pages, 2011 layout (see the module docstring)."""

    era = "2011"
    marker = "div.news_text"
    body: ClassVar[tuple[str, ...]] = ("div.news_text",)
    noise: ClassVar[tuple[str, ...]] = (
        "div.news_photo",
        "div.news_related",
        "div.news_share",
        "script",
        "noscript",
        "iframe",
    )
    title_selectors: ClassVar[tuple[str, ...]] = ("h1.news_title", "h1", "title")
    author_selectors: ClassVar[tuple[str, ...]] = ("div.news_author",)
    date_selectors: ClassVar[tuple[str, ...]] = ("div.news_date",)
    special_selector: ClassVar[str] = "div.news_special a"
    tags_selector: ClassVar[str] = "div.news_tags"


class RuvrFallback(Ruvr2012):
    """Any other page of the site: an article URL (``/YYYY_MM_DD/<id>/``,
    ``/YYYY/MM/DD/<id>.html``) whose markup no era knows (it drifted from the guessed
    selectors) is an article read by the extractor's fallback (trafilatura without the
    site's chrome); other pages are not articles."""

    era = "fallback"
    marker = None
    body: ClassVar[tuple[str, ...]] = ()

    def is_article(self, url: str, tree: _Element) -> bool:
        return url_date(url) is not None


register(Ruvr2012, Ruvr2011, RuvrFallback)
