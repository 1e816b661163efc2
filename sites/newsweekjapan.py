"""Newsweek Japan (ニューズウィーク日本版, www.newsweekjapan.jp): extraction rules and URL helpers.

Layouts (eras), chosen by markup, newest first:

* ``2024``: the current Movable Type templates, seen in the real 2024 column page
  (``/reizei/2024/01/no-thank-you.php``): headline ``div.entryDetailHeadline > h1``, date
  ``div.entryDetailData > div.date`` (``2024年01月31日（水）15時00分``, JST), body
  ``div.entryDetailBodyCopy``, column author ``div.entryAuthor p`` (minus ``span.blogName``).
* ``worldvoice``: WorldVoice contributor posts, body ``div.wv-entry-body`` (title ``h3``).
* ``2017``: the older templates (headline ``h3``; WEBアステイオン and old pages with
  ``div.entryDetailBodyBlock``). It has no marker, so every other page of the site (listings,
  tag pages, the soft-404 page) gets these rules and is declared "not an article" for lack of a
  body container.

Multi-page articles: page n ≥ 2 is ``<base>_<n>.php`` and ``<base>_1.php`` is an alias of page 1.
:func:`article_base` canonicalises any of them to the page-1 URL; :func:`next_page_url` reads
``li.next a`` (never an href containing ``$``: the template prints ``no-thank-you_$i.php`` for
the numbered links) and falls back to the page numbers of ``ul.indexNavi``. The spider
(``crawler/spiders/newsweekjapan.py``) fetches the pages and hands them to the extractor as
parts of one item.
"""

from __future__ import annotations

import copy
import re
from typing import ClassVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml.etree import _Element

from sites import register
from sites.base import SiteExtraction, SiteRules, clean_ws, drop, first_text

HOST = "www.newsweekjapan.jp"
HOSTS = (HOST, "newsweekjapan.jp")

#: the soft-404 page's message (served instead of a missing article)
SOFT_404_TEXT = "お探しのページが見つかりませんでした"

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
        from sites.dates import normalise_datetime

        return normalise_datetime(clean_ws(raw), cls.timezone) if raw and raw.strip() else None

    def canonical_url(self, url: str, tree: _Element) -> str | None:
        for el in tree.cssselect("link[rel='canonical'], meta[property='og:url']"):
            value = (el.get("href") or el.get("content") or "").strip()
            if value and "$" not in value:
                absolute = urljoin(url, value)
                if urlsplit(absolute).scheme in ("http", "https"):
                    return article_base(absolute)
        from sites.wayback import original_url

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
