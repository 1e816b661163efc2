"""Newsweek Japan (ニューズウィーク日本版, www.newsweekjapan.jp): URL rules, start points, listings
and extraction rules.

Over 400 lines on purpose: one site, one module (URLs, listings, pagination, eras).

More: docs/modules.md, ``sites/newsweekjapan.py``.
"""

from __future__ import annotations

import copy
import re
from typing import ClassVar
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from lxml.etree import _Element

from sites import register
from sites.base import SiteExtraction, SiteRules, clean_ws, drop, first_text
from sites.dates import normalise_datetime
from sites.urls import strip_tracking
from sites.wayback import original_url

HOST = "www.newsweekjapan.jp"
HOSTS = (HOST, "newsweekjapan.jp")

#: the soft-404 page's message (served instead of a missing article)
SOFT_404_TEXT = "お探しのページが見つかりませんでした"

# -- known chrome (text) ------------------------------------------------------------------
#: Newsweek Japan's chrome as text: a line or heading starting with one of these is not
#: article text, wherever it sits (``pipelines/extract/sitechrome.py``). Seen in the real
#: 2024 column page (``../shared/sites/html/newsweekjapan``, README §4.4-4.5) unless marked:
CHROME_STRINGS: tuple[str, ...] = (
    "【関連記事】",  # related-link-elm
    "次のページ",  # nextPageTitle, indexNavi
    "前のページ",  # indexNavi on pages >= 2 (fixtures)
    "この筆者のコラム",  # NewsPanel
    "記事一覧へ",  # NewsPanel
    "今、あなたにオススメ",  # btm-contents (Taboola)
    "関連ワード",  # related-words
    "ニュース速報",  # latestheadlineslist heading
    "注目のキーワード",  # contentHead keyWord
    "サイト内検索",  # navi
    "お得な定期購読",  # navi / sidebar (fixtures)
    "人気ランキング",  # sideRankingPanel (anchor seen; panel recalled)
    "メールマガジン",  # sidebar (fixtures)
    "会員限定",  # paywall gate (fixtures, after the paywall script seen)
    "会員登録",  # the same
    "申し訳ありません。お探しのページ",  # soft 404: a text capture (README §4.5)
    "会社概要",  # footer (fixtures)
    "Copyright",  # footer (fixtures)
)
#: whole lines that are chrome
CHROME_LINES: tuple[str, ...] = (
    "プロフィール",  # profileWrap heading
    "MAGAZINE",  # sidebar heading (recalled, README §4.5)
    "WorldVoice",  # wv-popular-posts heading
    "コラム",  # contentPanelTitle label
)
#: a short line ending with one of these is chrome
CHROME_ENDS: tuple[str, ...] = (
    "好評発売中",  # div#magazine-info, the new-issue ad inside the body (README §4.5; fixtures)
)
# -- end of known chrome ---------------------------------------------------------------------

#: removed before the body is read (inside the body or around it)
NOISE = (
    ".entryPagenate",
    ".related-link-elm",
    ".related-link-elm-lastpage",
    "#magazine-info",
    ".ad-teads-nw-box",
    ".indexNavi",
    ".nextPageTitle",
    "#NewsPanel",
    "#profileWrap",
    "#btm-contents",
    ".comment-box",
    "#latestheadlineslist",
    "#wv-popular-posts",
    "#related-words",
    ".wv-pager",
    # right sidebar: 人気ランキング, MAGAZINE, メールマガジン, banners
    "#sideRankingPanel",
    "#sideMagazine",
    "#sideMailMagazine",
    "#rightWrap",
    # the logged-out gate of member-only pages (its teaser stays; see is_paywalled)
    ".paywall-gate",
    "script",
    "style",
    "noscript",
    "iframe",
)

#: ``<base>_<n>.php``; listing pages ``index_<n>.php`` are not article pages
_PAGE = re.compile(r"^(?P<base>.*/(?!index_\d+\.php$)[^/]*?)_(?P<n>\d+)\.php$")
_ROLE = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


# -- URLs -----------------------------------------------------------------------------------


def article_base(url: str) -> str:
    """The canonical page-1 URL of an article page: ``https://www.newsweekjapan.jp``, ``_n.php``
    (``_1.php`` included) mapped to ``.php``, fragment dropped. Other hosts keep their host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in HOSTS:
        parts = parts._replace(scheme="https", netloc=HOST)
    path = parts.path
    m = _PAGE.match(path)
    if m:
        path = m.group("base") + ".php"
    return urlunsplit(parts._replace(path=path, fragment=""))


def page_number(url: str) -> int:
    """1 for ``x.php`` and ``x_1.php``, n for ``x_n.php``."""
    m = _PAGE.match(urlsplit(url).path)
    return int(m.group("n")) if m else 1


def page_url(base: str, n: int) -> str:
    """URL of page ``n`` of the article whose page-1 URL is ``base``."""
    if n <= 1:
        return base
    parts = urlsplit(base)
    path = parts.path[: -len(".php")] if parts.path.endswith(".php") else parts.path
    return urlunsplit(parts._replace(path=f"{path}_{n}.php", query="", fragment=""))


def announced_pages(tree: _Element) -> int:
    """The highest page number the pager (``ul.indexNavi``) shows; 1 without a pager."""
    highest = 1
    for li in tree.cssselect("ul.indexNavi li"):
        if "next" in (li.get("class") or "").split() or "prev" in (li.get("class") or "").split():
            continue
        text = clean_ws(li.text_content())
        if text.isdigit():
            highest = max(highest, int(text))
    return highest


def next_page_url(url: str, tree: _Element) -> str | None:
    """URL of the page after ``url``: ``li.next a`` (hrefs with ``$`` ignored), else page n+1
    when the pager announces it. Always an article page URL of the same article."""
    base = article_base(url)
    current = page_number(url)
    for a in tree.cssselect("ul.indexNavi li.next a[href]"):
        href = (a.get("href") or "").strip()
        if not href or "$" in href:
            continue
        target = urljoin(url, href)
        if article_base(target) == base and page_number(target) > current:
            return page_url(base, page_number(target))
    if current < announced_pages(tree):
        return page_url(base, current + 1)
    return None


# -- crawl: start points, URL classes, listings (what ``scrapy crawl newsweekjapan`` asks) ----

ROOT = f"https://{HOST}"
#: the RSS feed read when the spider is given no ``urls``
FEED_URL = f"{ROOT}/story/rss.xml"
#: listings read when the spider is given no ``urls``
DEFAULT_LISTINGS = (f"{ROOT}/stories/world/",)
#: tag pages read when the spider is given no ``urls``
DEFAULT_TAGS = ("ロシア", "北方領土")
#: sent on feed requests only: the feed URL answers HTML to non-browser user agents
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
ARTICLE_PATH = re.compile(
    r"^/(?:stories/[a-z_]+|headlines/[a-z_]+|worldvoice/[A-Za-z0-9_.-]+|[a-z][a-z0-9_]*)"
    r"/\d{4}/\d{2}/[^/]+\.php$"
)
LISTING_PAGE = re.compile(r"/index_(\d+)\.php$")
EXCLUDED_PATHS = ("/category_admin/", "/magazine/", "/special/")
#: regions of a listing page whose links are not the listing (sidebars, bottom widgets)
LISTING_NOISE = NOISE + ("#head", "#naviWrap", "#categoryNaviWrap", "#contentHead", "#footer")
#: the pager of a listing (numbered links may carry the ``$i`` bug: skipped)
LISTING_PAGER = "ul.indexNavi a[href], li.next a[href]"


def is_site_url(url: str) -> bool:
    """Is the URL on www.newsweekjapan.jp or newsweekjapan.jp (http or https)?"""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in HOSTS


def is_article_url(url: str) -> bool:
    """Does the URL look like an article page (story, column, WorldVoice, headline)?"""
    if not is_site_url(url) or "$" in url:
        return False
    path = urlsplit(url).path
    if any(path.startswith(p) for p in EXCLUDED_PATHS):
        return False
    return bool(ARTICLE_PATH.match(path))


def is_feed_url(url: str) -> bool:
    """Feed URLs by their look (``.xml``, ``.rss``)."""
    return urlsplit(url).path.endswith((".xml", ".rss"))


def clean_href(base: str, href: str) -> str | None:
    """An absolute, tracking-free URL for a link, or None for hrefs never to follow
    (``$`` template bugs, javascript:, mailto:, fragments)."""
    href = (href or "").strip().replace("\\", "")
    if not href or "$" in href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urljoin(base, href)
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    return strip_tracking(absolute)


def tag_url(tag: str) -> str:
    """``/tagsearch/<tag>`` with the tag percent-encoded as UTF-8."""
    return f"{ROOT}/tagsearch/{quote(tag.strip(), safe='')}"


def listing_region(tree: _Element) -> _Element:
    """A copy of the listing's ``#content`` (the whole page without it), sidebars and
    widgets (:data:`LISTING_NOISE`) removed."""
    tree = copy.deepcopy(tree)
    for selector in LISTING_NOISE:
        for el in tree.cssselect(selector):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
    found = tree.cssselect("#content")
    return found[0] if found else tree


def listing_links(url: str, tree: _Element) -> tuple[list[str], int]:
    """(the article URLs a listing or tag page links in its region, in page order; how many
    hrefs holding ``$`` were skipped)."""
    articles: list[str] = []
    dollars = 0
    for a in listing_region(tree).iter("a"):
        raw = a.get("href") or ""
        if "$" in raw:
            dollars += 1
            continue
        target = clean_href(url, raw)
        if target is not None and is_article_url(target):
            articles.append(target)
    return articles, dollars


def same_listing(current: str, target: str) -> bool:
    """Are both URLs pages of one listing (the same directory)?"""
    def directory(url: str) -> str:
        return urlsplit(url).path.rsplit("/", 1)[0]

    return directory(current) == directory(target)


def listing_next_pages(url: str, tree: _Element, page: int, last: int) -> list[tuple[str, int]]:
    """(URL, n) of the ``index_<n>.php`` pages of this listing that its pager links, with
    ``page < n <= last``, in page order."""
    found: list[tuple[str, int]] = []
    for a in tree.cssselect(LISTING_PAGER):
        target = clean_href(url, a.get("href") or "")
        if target is None or not is_site_url(target):
            continue
        m = LISTING_PAGE.search(urlsplit(target).path)
        if m and same_listing(url, target):
            n = int(m.group(1))
            if page < n <= last:
                found.append((target, n))
    return found


# -- leak markers: more strings that must never reach an article's text ------------------

#: Checked by bench/quality.py and tests/test_sites.py together with ``CHROME_STRINGS`` (a
#: string leaks when it is in our text but not in the expected text); unlike those, they are
#: not removed by the extractor: they are too short or too common to cut a line by (fixtures).
LEAK_MARKERS: tuple[str, ...] = (
    "MAGAZINE", "プロフィール", "申し訳ありません", "shareTool", "googletag", "好評発売中",
)


# -- page states ----------------------------------------------------------------------------


def is_soft_404(tree: _Element) -> bool:
    """The "page not found" page the site serves for missing articles (status may be 200)."""
    if tree.cssselect(".entryDetailBodyCopy, .entryDetailBodyBlock, .wv-entry-body"):
        return False
    body = tree.find("body")
    text = clean_ws((body if body is not None else tree).text_content())
    return SOFT_404_TEXT in text


def is_paywalled(tree: _Element) -> bool:
    """A member-only page as a logged-out reader gets it: a ``.paywall`` element and the login
    gate (``.paywall-gate``) or the ``mode-logout`` body class."""
    if not tree.cssselect(".paywall"):
        return False
    body = tree.find("body")
    logged_out = body is not None and "mode-logout" in (body.get("class") or "").split()
    return logged_out or bool(tree.cssselect(".paywall-gate"))


# -- rules ----------------------------------------------------------------------------------


class _NewsweekJapan(SiteRules):
    """What every era shares."""

    name: ClassVar[str] = "newsweekjapan"
    hosts: ClassVar[tuple[str, ...]] = HOSTS
    language: ClassVar[str | None] = "ja"
    timezone: ClassVar[str | None] = "+09:00"
    body: ClassVar[tuple[str, ...]] = (
        "div.entryDetailBodyCopy",
        "div.entryDetailBodyBlock",
        "div.wv-entry-body",
    )
    noise: ClassVar[tuple[str, ...]] = NOISE
    author_selectors: ClassVar[tuple[str, ...]] = (
        "meta[property='cXenseParse:author']",
        "meta[name='cXenseParse:author']",
        "div.entryDetailData div.author",
        "div.author",
    )
    date_selectors: ClassVar[tuple[str, ...]] = (
        "div.entryDetailData div.date",
        "div.entryDetailHeadline div.date",
        "meta[property='article:published_time']",
        "time.entry-date[datetime]",
        "time[datetime]",
    )

    def is_article(self, url: str, tree: _Element) -> bool:
        return not is_soft_404(tree) and super().is_article(url, tree)

    def author(self, tree: _Element) -> str | None:
        # columns: the blog header names the columnist; the blog's title sits in a span
        for el in tree.cssselect("div.entryAuthor p, div.entryAuthor"):
            el = copy.deepcopy(el)
            for span in el.cssselect("span.blogName"):
                drop(span)
            text = clean_ws(el.text_content())
            if text:
                return text
        found = first_text(tree, self.author_selectors)
        return (_ROLE.sub("", found) or None) if found else None

    def published(self, url: str, tree: _Element) -> str | None:
        # the date text comes first: some articles lack article:published_time (ABOT's notes)
        for selector in self.date_selectors:
            for el in tree.cssselect(selector):
                raw = el.get("content") or el.get("datetime") or el.text_content()
                value = self._normalise(raw)
                if value:
                    return value
        return None

    @classmethod
    def _normalise(cls, raw: str | None) -> str | None:

        return normalise_datetime(clean_ws(raw), cls.timezone) if raw and raw.strip() else None

    def canonical_url(self, url: str, tree: _Element) -> str | None:
        for el in tree.cssselect("link[rel='canonical'], meta[property='og:url']"):
            value = (el.get("href") or el.get("content") or "").strip()
            if value and "$" not in value:
                absolute = urljoin(url, value)
                if urlsplit(absolute).scheme in ("http", "https"):
                    return article_base(absolute)

        return article_base(original_url(url))

    def next_page(self, url: str, tree: _Element) -> str | None:
        return next_page_url(url, tree)

    def is_continuation(self, url: str, tree: _Element) -> bool:
        """Page 2, 3... of an article (``_n.php`` with n ≥ 2, or a pager whose current page
        is not 1): ``archive replay`` attaches such pages to their page 1. Listings (paged
        too) are never continuations."""
        if not self.is_article(url, tree):
            return False
        if page_number(url) > 1:
            return True
        for el in tree.cssselect("ul.indexNavi span.current_page"):
            text = clean_ws(el.text_content())
            if text.isdigit():
                return int(text) > 1
        return False

    def extract(self, url: str, tree: _Element) -> SiteExtraction | None:
        found = super().extract(url, tree)
        if found is not None:
            found.meta = {"era": self.era}
        return found


class NewsweekJapan2024(_NewsweekJapan):
    """The current layout: ``h1`` headline (real 2024 page)."""

    era: ClassVar[str] = "2024"
    marker: ClassVar[str | None] = "div.entryDetailHeadline h1"
    title_selectors: ClassVar[tuple[str, ...]] = (
        "div.entryDetailHeadline h1",
        "meta[property='og:title']",
        "title",
    )


class NewsweekJapanWorldVoice(_NewsweekJapan):
    """WorldVoice contributor posts (``div.wv-entry-body``, ``h3`` title)."""

    era: ClassVar[str] = "worldvoice"
    marker: ClassVar[str | None] = "div.wv-entry-body"
    title_selectors: ClassVar[tuple[str, ...]] = (
        "h3.wv-entry-title",
        ".wv-entry-header h3",
        "meta[property='og:title']",
        "title",
    )


class NewsweekJapan2017(_NewsweekJapan):
    """The older layout (``h3`` headline; ``entryDetailBodyBlock``) and every other page."""

    era: ClassVar[str] = "2017"
    marker: ClassVar[str | None] = None
    title_selectors: ClassVar[tuple[str, ...]] = (
        "div.entryDetailHeadline h3",
        "div.entryDetailHeadline h1",
        "meta[property='og:title']",
        "title",
    )


register(NewsweekJapan2024, NewsweekJapanWorldVoice, NewsweekJapan2017)
