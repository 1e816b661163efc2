"""``scrapy crawl urls``: the generic spider, fed by URL lists, sitemaps or feeds.

More: docs/modules.md, ``crawler/spiders/urls.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.links import page_links
from crawler.middlewares.redo import META_REDO
from crawler.spiders.args import (
    SpiderArgumentError,
    choice_arg,
    int_arg,
    regex_arg,
    url_list,
)
from crawler.spiders.base import ArchiveSpider, is_html
from sites.urls import host_of, strip_tracking

#: how many (source host, link) follow decisions the spider remembers: the links every page
#: repeats (navigation, related stories) are decided once; an article's own links are met a
#: few times at most, so a larger cache only grows with the site (at 100,000: ~14 MB on a
#: 50,000-page crawl, 50,000 entries; docs/benchmarks.md "Scale")
FOLLOW_CACHE = 20_000
#: how many requested URLs the spider remembers (past that, Scrapy's duplicate filter decides)
REQUESTED_MEMORY = 100_000


def _domain(host: str) -> str:
    return ".".join(host.split(".")[-2:])


class RequestedBefore:
    """Which URLs a spider has requested, and from how few hops (``URLS_SKIP_REQUESTED``).

    :meth:`first_time` is False for a URL already requested from as few hops or fewer: a
    request Scrapy's duplicate filter would drop, so the spider need not build it. A URL met
    again from fewer hops is requested again, as a plain spider would (a depth limit may
    have dropped the first request). Remembers the last :data:`REQUESTED_MEMORY` URLs; past that,
    Scrapy's filter decides as before. Switched off, every URL is a first time."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._hops: dict[str, int] = {}
        self.skipped = 0

    @classmethod
    def from_settings(cls, settings: Any) -> RequestedBefore:
        """As ``URLS_SKIP_REQUESTED`` says (default on)."""
        return cls(settings.getbool("URLS_SKIP_REQUESTED", True))

    def first_time(self, url: str, hops: int) -> bool:
        """Whether to request ``url`` found ``hops`` hops from the start (and remember it)."""
        if not self.enabled:
            return True
        earlier = self._hops.get(url)
        if earlier is not None and earlier <= hops:
            self.skipped += 1
            return False
        if len(self._hops) >= REQUESTED_MEMORY:
            self._hops.clear()
        self._hops[url] = hops
        return True

    def report(self, stats: Any) -> None:
        """The stat ``urls/links_requested_before``: links not requested again."""
        stats.set_value("urls/links_requested_before", self.skipped)


class UrlsSpider(ArchiveSpider):
    """Generic spider; see the module docstring."""

    name = "urls"

    def __init__(
        self,
        *args: Any,
        sitemap: str | None = None,
        feed: str | None = None,
        depth: str | int = 1,
        follow: str = "host",
        allow: str | None = None,
        deny: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sitemaps = url_list(sitemap, "sitemap")
        self.feeds = url_list(feed, "feed")
        self.depth = int_arg(depth, "depth", 1, minimum=0)
        self.follow = choice_arg(follow, "follow", ("host", "domain", "none"), "host")
        self.allow = regex_arg(allow, "allow")
        self.deny = regex_arg(deny, "deny")
        self._follow_cache: dict[tuple[str, str], str | None] = {}
        self._requested: RequestedBefore | None = None  # made on first use (settings)
        if not (self.start_urls_arg or self.sitemaps or self.feeds):
            raise SpiderArgumentError("give -a urls=..., -a sitemap=... or -a feed=...")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls_arg:
            yield scrapy.Request(url, callback=self.parse, meta={"hops": 0})
        for url in self.sitemaps + self.feeds:
            yield scrapy.Request(url, callback=self.parse_listing_xml)

    def request_for(self, url: str, **kwargs: Any) -> scrapy.Request:
        meta = dict(kwargs.pop("meta", {}))
        meta.setdefault("hops", 0)
        return scrapy.Request(url, callback=self.parse, meta=meta, **kwargs)

    def may_follow(self, source: str, target: str) -> bool:
        """The link-following rule: scheme, host/domain scope, allow and deny."""
        if not target.startswith(("http://", "https://")):
            return False
        if self.follow == "none":
            return False
        src, dst = host_of(source), host_of(target)
        if self.follow == "host" and src != dst:
            return False
        if self.follow == "domain" and _domain(src) != _domain(dst):
            return False
        if self.allow and not self.allow.search(target):
            return False
        return not (self.deny and self.deny.search(target))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        listed = self.follow_feed_or_sitemap(response)
        if listed is not None:
            yield from listed
            return
        if not is_html(response):
            return  # archived by the capture middleware; nothing to extract
        item = self.page_item(response)
        if item is not None:
            yield item
        hops = response.meta.get("hops", 0)
        if hops >= self.depth or response.meta.get(META_REDO):
            return  # a page redone from the archive had its links followed when fetched
        source = response.url
        next_hops = hops + 1
        if self._requested is None:
            self._requested = RequestedBefore.from_settings(self.settings)
        requested = self._requested
        for link in page_links(response):
            url = self._followable(source, link)
            if url is not None and requested.first_time(url, next_hops):
                yield scrapy.Request(url, callback=self.parse, meta={"hops": next_hops})

    def closed(self, reason: str) -> None:
        if self.crawler.stats is not None and self._requested is not None:
            self._requested.report(self.crawler.stats)

    def _followable(self, source: str, link: str) -> str | None:
        """The URL to request for ``link`` found on ``source``, or None. Navigation and
        related-story links come back on every page: the answer is remembered per (source
        host, link), which decides it, for the last :data:`FOLLOW_CACHE` links."""
        key = (host_of(source), link)
        try:
            return self._follow_cache[key]
        except KeyError:
            pass
        url = strip_tracking(link)
        answer = url if self.may_follow(source, url) else None
        if len(self._follow_cache) >= FOLLOW_CACHE:
            self._follow_cache.clear()
        self._follow_cache[key] = answer
        return answer
