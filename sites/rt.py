"""rt.com (RT English): URL patterns, start points, listings and extraction rules (four eras).

Over 400 lines on purpose: one site, one module (URLs, listings, three eras, fallback).

More: docs/modules.md, ``sites/rt.py``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

from sites import register
from sites.base import SiteExtraction, SiteRules, clean_ws, first_text, json_ld, select
from sites.dates import normalise_datetime
from sites.urls import strip_tracking

HOSTS: tuple[str, ...] = ("www.rt.com", "rt.com")
UTC = "+00:00"
#: names RT gives itself as "author": the publisher, not a byline
PUBLISHER_NAMES = frozenset({"rt", "russia today", "rt international", "rt news", "rt.com"})

# -- URLs ------------------------------------------------------------------------------------

#: first path segments that are never article sections
NON_ARTICLE_SECTIONS = frozenset(
    "in-vision in-motion trends tags listing rss search static files document on-air schedule "
    "where-to-watch applications about-us podcasts u login sitemap sitemaps".split()
)
#: sections of the old (~2013) ``/<section>/<slug>-<n>/`` URLs
OLD_SECTIONS = frozenset(
    "news usa uk russia politics business sport op-edge op-ed art-and-culture sci-tech "
    "viral".split()
)
_NEW_ARTICLE = re.compile(r"^/(?P<section>[a-z0-9-]+)/(?P<id>\d+)-[^/]+/?$")
_OLD_ARTICLE = re.compile(r"^/(?P<section>[a-z0-9-]+)/(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)+)/?$")
_LISTING_MORE = re.compile(r"^/listing/[^/]+/prepare/[^/]+/\d+/(?P<page>\d+)/?$")
_SECTION_LISTING = re.compile(r"^/(?P<section>[a-z0-9-]+)/?$")


def is_rt_host(url: str) -> bool:
    """Is the URL on www.rt.com or rt.com (not arabic.rt.com, russian.rt.com, on.rt.com...)?"""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in HOSTS


def is_article_url(url: str) -> bool:
    """An RT English article: ``/<section>/<id>-<slug>/`` (2014-) or an old
    ``/<section>/<slug>-<n>/`` (~2013); never ``/in-vision/``, ``/in-motion/`` galleries,
    AMP copies, trends, tags or other-language hosts."""
    if not is_rt_host(url):
        return False
    path = urlsplit(url).path
    m = _NEW_ARTICLE.match(path)
    if m:
        return m["section"] not in NON_ARTICLE_SECTIONS
    m = _OLD_ARTICLE.match(path)
    return bool(m) and m["section"] in OLD_SECTIONS and re.search(r"-\d+/?$", path) is not None


def is_listing_page_url(url: str) -> bool:
    """A "More" fragment of a listing: ``/listing/<query>/prepare/<template>/<size>/<page>``."""
    return is_rt_host(url) and bool(_LISTING_MORE.match(urlsplit(url).path))


def section_url(section: str) -> str:
    """``news`` -> ``https://www.rt.com/news/``."""
    return f"https://www.rt.com/{section.strip('/')}/"


def dedup_key(url: str) -> str:
    """Key that treats http/https, ``rt.com``/``www.rt.com`` and a missing trailing slash as
    one page (call after :func:`sites.urls.strip_tracking`)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "rt.com":
        host = "www.rt.com"
    path = parts.path or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


# -- crawl: start points, listings (what ``scrapy crawl rt`` asks) ---------------------------

ROOT = "https://www.rt.com"
#: section listings read when the spider is given no ``urls``
DEFAULT_SECTIONS = ("news", "russia")
#: the RSS feeds read by default
FEED_URLS = (f"{ROOT}/rss/", f"{ROOT}/rss/news/")
#: read with ``-a sitemaps=1``: its ``Sitemap:`` lines lead to the sitemaps
ROBOTS_URL = f"{ROOT}/robots.txt"
#: listing cards' title links, (selector, attribute) (sites/README.md 2.2); sidebars such as
#: "Top stories" use other containers
CARD_LINKS: tuple[tuple[str, str], ...] = (
    ("li.listCard-rows__item a.link.link_hover", "href"),
    ("li.listCard-rows__item .list-card__content--title a", "href"),
)
#: the "More" button of a listing and of each fragment, (selector, attribute)
MORE_LINKS: tuple[tuple[str, str], ...] = (
    (".listing__button a", "href"),
    (".listing__button a", "data-href"),
    ("a[href*='/listing/']", "href"),
)


def _attr_links(url: str, tree: _Element, rules: tuple[tuple[str, str], ...]) -> list[str]:
    """The attribute values the rules select, made absolute, selector by selector."""
    return [urljoin(url, el.get(attr)) for selector, attr in rules
            for el in select(tree, selector) if el.get(attr) is not None]


def listing_card_links(url: str, tree: _Element) -> list[str]:
    """The article links of a section listing or "More" fragment (its cards' title links),
    absolute, in page order per selector; not yet filtered nor de-duplicated."""
    return _attr_links(url, tree, CARD_LINKS)


def listing_more_links(url: str, tree: _Element) -> list[str]:
    """The "More" links of a listing (its next fragment), absolute and tracking-free; the
    spider keeps those that :func:`is_listing_page_url` accepts."""
    return [strip_tracking(u) for u in _attr_links(url, tree, MORE_LINKS)]


# -- leak markers: more strings that must never reach an article's text ------------------

#: Checked by bench/quality.py and tests/test_sites.py together with ``CHROME_STRINGS`` (a
#: string leaks when it is in our text but not in the expected text); unlike those, they are
#: not removed by the extractor: they are too short or too common to cut a line by (fixtures).
LEAK_MARKERS: tuple[str, ...] = (
    "You can share this story", "Read more", "READ MORE", "Published time",
)


# -- extraction ------------------------------------------------------------------------------

# -- known chrome (text) ------------------------------------------------------------------
#: RT's chrome as text: a line or heading starting with one of these is not article text,
#: wherever it sits (``pipelines/extract/sitechrome.py``). Where each was seen:
CHROME_STRINGS: tuple[str, ...] = (
    "You can share this story on social media",  # 2022 share bar: rt_564427.html (README §2.4)
    "Share this story",  # 2016/2013 share bars (fixtures, after README §2.4)
    "Follow RT on",  # Telegram banner: rt_564427.html (README §2.4)
    "Trends:",  # article__tags-trends: rt_564427.html (README §2.4)
    "Trending:",  # the same, 2013 layout (fixture, synthetic)
    "Tags:",  # 2013 tag line (fixture, synthetic)
    "READ MORE:",  # read-more / read-also cards: rt_564427.html, 2013 fixture
    "Published time:",  # 2016 and 2013 date line: rt_338045.html (README §2.3)
    "Edited time:",  # the same, edited pages (README §2.3)
    "Get short URL",  # article__short-url: rt_338045.html (README §2.4)
    "Posting rules",  # hypercomments: rt_338045.html (README §2.4)
    "Add comment",  # comment block (2013 fixture, synthetic)
    "Top stories",  # sidebar: rt_564427.html (README §2.4)
    "RT Features",  # the same
    "Most read",  # right column (2013 fixture, synthetic)
    "Related news",  # the same
    "Where to watch",  # footer (fixtures)
    "QUESTION MORE",  # header slogan (fixtures)
)
#: whole lines that are chrome
CHROME_LINES: tuple[str, ...] = (
    "Read more",  # the 2022 read-more card's label: rt_564427.html
)
# -- end of known chrome ---------------------------------------------------------------------

#: removed before the body is read (selectors apply to the whole page; see sites/README.md 2.4)
NOISE: tuple[str, ...] = (
    ".read-more", ".read-more-big", ".rtcode", ".twitter-tweet", ".instagram-media",
    ".addthis_sharing_toolbox", ".article__share", ".article__tags-trends",
    ".tolstoycomments-feed", ".hypercomments", "[id^='taboola']", ".media__footer",
    ".article__short-url", ".article__google-news", ".article__google-news-mobile",
    ".social-banner", ".social-container", ".subscribe-layout", ".promo-buttons",
    "[id^='div-gpt-ad']", "[id^='adfox']", "iframe", "script", "style", "noscript",
)


def _ld_article(tree: _Element) -> dict[str, Any] | None:
    for obj in json_ld(tree):
        types = obj.get("@type")
        types = set(types) if isinstance(types, list) else {types}
        if types & {"NewsArticle", "Article", "ReportageNewsArticle", "OpinionNewsArticle"}:
            return obj
    return None


def _person_author(tree: _Element) -> str | None:
    """A person named as author (JSON-LD ``Person`` or a non-RT meta author), else None."""
    ld = _ld_article(tree)
    if ld:
        authors = ld.get("author")
        names = [
            clean_ws(str(a.get("name", "")))
            for a in (authors if isinstance(authors, list) else [authors])
            if isinstance(a, dict) and a.get("@type") == "Person" and a.get("name")
        ]
        if names:
            return "; ".join(names)
    meta = first_text(tree, ("meta[name='article:author']", "meta[property='article:author']",
                             "meta[name='author']"))
    if meta and meta.strip().lower() not in PUBLISHER_NAMES and not meta.startswith("http"):
        return meta
    return None


class RTRules(SiteRules):
    """What every RT era shares; the eras below set markers, dates and body details."""

    name = "rt"
    hosts = HOSTS
    language = "en"
    timezone = UTC
    body = ("div.article__summary", "div.article__text")
    noise = NOISE
    title_selectors = ("h1.article__heading", "meta[property='og:title']", "title")
    author_fallback = False
    section_selectors: ClassVar[tuple[str, ...]] = (
        "meta[name='article:section']",
        "div.article__breadcrumbs a.breadcrumbs__links:last-child",
    )
    short_url_selectors: ClassVar[tuple[str, ...]] = (
        "a.short-url__link",
        ".social-container[data-shorturl]",
    )
    tag_selectors: ClassVar[tuple[str, ...]] = ("a.tags-trends__link",)

    def author(self, tree: _Element) -> str | None:
        return _person_author(tree)

    def body_elements(self, tree: _Element) -> list[_Element]:
        """The standfirst and the text, or nothing when the text container is not there (a
        standfirst alone is not the article: the extractor falls back to trafilatura). A
        standfirst whose container is gone is found by its text (:meth:`lead`)."""
        found = super().body_elements(tree)
        if self.body[-1:] != ("div.article__text",):
            return found
        text = [el for el in found if "article__text" in (el.get("class") or "").split()]
        if not text:
            return []
        if len(found) == len(text):  # no summary container: the standfirst by its text
            lead = self._lead_element(tree)
            if lead is not None and not any(a in text for a in lead.iterancestors()):
                return [lead, *text]
        return found

    def _lead_element(self, tree: _Element) -> _Element | None:
        summary = select(tree, "div.article__summary")
        if summary:
            return summary[0]
        want = self._description(tree)
        if len(want) < 40:
            return None
        body = tree.find("body")
        for el in (body if body is not None else tree).iter():
            if isinstance(el.tag, str) and el.tag not in ("script", "style", "meta") \
                    and clean_ws(el.text_content()) == want:
                return el  # the outermost element whose whole text is the description
        return None

    @staticmethod
    def _description(tree: _Element) -> str:
        return clean_ws(first_text(tree, ("meta[property='og:description']",
                                          "meta[name='description']")) or "")

    def lead(self, tree: _Element) -> str | None:
        """The standfirst: ``div.article__summary``, else the element (or the loose text)
        printing the page's ``og:description`` (RT's standfirst is its description)."""
        el = self._lead_element(tree)
        if el is not None:
            return clean_ws(el.text_content())
        want = self._description(tree)
        body = tree.find("body")
        for node in (body if body is not None else tree).iter():
            if isinstance(node.tag, str) and len(want) >= 40 and want in (
                    clean_ws(node.text or ""), clean_ws(node.tail or "")):
                return want
        return None

    def modified(self, tree: _Element) -> str | None:
        """Last edit time, or None."""
        return None

    def site_meta(self, url: str, tree: _Element) -> dict[str, Any]:
        """RT facts for ``site_meta``: era, section, modified, short URL, tags/trends."""
        meta: dict[str, Any] = {"era": self.era}
        section = first_text(tree, self.section_selectors)
        if section:
            meta["section"] = section
        modified = self.modified(tree)
        if modified:
            meta["modified"] = modified
        for selector in self.short_url_selectors:
            found = tree.cssselect(selector)
            if found:
                value = found[0].get("href") or found[0].get("data-shorturl")
                if value:
                    meta["short_url"] = value.strip()
                    break
        tags = [clean_ws(a.text_content()) for s in self.tag_selectors for a in tree.cssselect(s)]
        if tags:
            meta["tags"] = [t for t in tags if t]
        return meta

    def extract(self, url: str, tree: _Element) -> SiteExtraction | None:
        if not self.is_article(url, tree):
            return None
        meta = self.site_meta(url, tree)  # before noise removal: trends and short URL are noise
        found = super().extract(url, tree)
        if found is not None:
            found.meta = meta
            # a standfirst printed as loose text (its container unwrapped): no element holds it
            lead = self.lead(tree) if found.text else None
            if lead and lead not in found.text:
                found.text = f"{lead}\n{found.text}"
        return found


class RT2022(RTRules):
    """2019-2022+ layout: ``span.date.date_article-header``, JSON-LD NewsArticle."""

    era = "2022"
    marker = "span.date_article-header"

    def published(self, url: str, tree: _Element) -> str | None:
        ld = _ld_article(tree) or {}
        raw = ld.get("datePublished") or first_text(tree, ("meta[name='published_time_telegram']",))
        if not raw:
            spans = tree.cssselect("span.date_article-header")
            raw = clean_ws(spans[0].text or "") if spans else None
        return normalise_datetime(str(raw), self.timezone) if raw else None

    def modified(self, tree: _Element) -> str | None:
        raw = (_ld_article(tree) or {}).get("dateModified")
        return normalise_datetime(str(raw), self.timezone) if raw else None


class RT2016(RTRules):
    """2015-2018 layout: ``time.date.date_article-header`` "Published time: ..."."""

    era = "2016"
    marker = "time.date_article-header"

    def _time(self, tree: _Element, label: str) -> str | None:
        for el in tree.cssselect("div.article time.date_article-header"):
            text = clean_ws(el.text_content())
            if text.lower().startswith(label):
                return normalise_datetime(text, self.timezone)
        return None

    def published(self, url: str, tree: _Element) -> str | None:
        found = self._time(tree, "published")
        if found:
            return found
        times = tree.cssselect("div.article time.date_article-header")
        if not times:
            return None
        return normalise_datetime(clean_ws(times[0].text_content()), self.timezone)

    def modified(self, tree: _Element) -> str | None:
        return self._time(tree, "edited")


class RT2013(RTRules):
    """The pre-2015 rt.com layout (synthetic model; see the module docstring)."""

    era = "2013"
    marker = "div.cont-wp div.article-text"
    body = ("div.cont-wp div.article-text",)
    noise = NOISE + (
        ".article-img", ".read-also", ".social-wrap", ".short-url", ".comments-block",
    )
    title_selectors = ("div.cont-wp h1", "meta[property='og:title']", "title")
    section_selectors = ("div.cont-wp div.breadcrumbs a:last-child",)
    short_url_selectors = ("div.cont-wp div.short-url a",)
    tag_selectors = ("div.cont-wp p.tags a",)

    def _time(self, tree: _Element, label: str) -> str | None:
        for el in tree.cssselect("div.cont-wp p.time"):
            # "Published time: ... <br/> Edited time: ..." may share one <p>
            for line in re.split(r"(?=(?:Published|Edited) time:)", clean_ws(el.text_content())):
                if line.lower().startswith(label):
                    return normalise_datetime(line, self.timezone)
        return None

    def published(self, url: str, tree: _Element) -> str | None:
        return self._time(tree, "published")

    def modified(self, tree: _Element) -> str | None:
        return self._time(tree, "edited")


class RTFallback(RTRules):
    """Any other rt.com page: listings are not articles; unknown article layouts fall back."""

    era = "fallback"
    marker = None

    def is_article(self, url: str, tree: _Element) -> bool:
        if tree.cssselect("div.article__text"):
            return True
        og_type = (first_text(tree, ("meta[property='og:type']",)) or "").lower()
        return og_type == "article" or _ld_article(tree) is not None

    def published(self, url: str, tree: _Element) -> str | None:
        raw = (_ld_article(tree) or {}).get("datePublished") or first_text(
            tree,
            ("meta[name='published_time_telegram']", "meta[property='article:published_time']",
             "time[datetime]"),
            prefer_attr=("content", "datetime"),
        )
        return normalise_datetime(str(raw), self.timezone) if raw else None


register(RT2022, RT2016, RT2013, RTFallback)
