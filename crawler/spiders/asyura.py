"""``scrapy crawl asyura``: asyura2.com (阿修羅♪) boards, posts, follow-ups and cited sources.

Arguments (besides ``urls``, ``max_pages`` and ``match`` of every spider): ``board``
[``senkyo,warb`` when no ``urls``; board codes are read at their current generation from the
site top], ``since`` / ``until`` (JST days), ``pages`` (index pages per board),
``follow_citations`` [1] (cited sources, from the Wayback Machine when the origin is gone),
``follow_followups`` [1] (``Re:`` posts). Board index pages are paged only through the links
they show; only :data:`sites.asyura.FOLLOW_URL` URLs are followed, on the ``www.`` host.

What the site is (boards and their generations, URL patterns, index rows, posts, comments,
citations) is :mod:`sites.asyura`'s; the full reference of arguments, stats and row ``meta``
is docs/sources.md ("asyura").
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.spiders.args import SpiderArgumentError, day_arg, flag_arg, int_arg, word_list
from crawler.spiders.base import ArchiveSpider, is_html
from crawler.waybackslots import configure_settings, request_meta
from sites.asyura import (
    DEFAULT_BOARDS,
    FOLLOW_URL,
    INDEX_URL,
    MSG_URL,
    SITE_TOP,
    board_index_url,
    canonical_asyura,
    index_page_number,
    is_asyura,
    is_board_code,
    newest_known,
    next_index_url,
    parse_index,
    parse_post,
    top_page_generations,
)
from sites.base import parse_html
from sites.wayback import raw_capture_url

logger = logging.getLogger(__name__)

#: HTTP statuses that mean "the origin no longer has it": try the Wayback Machine
GONE_STATUSES = frozenset({404, 410})
_NETWORK_ERRORS = (DNSLookupError, ConnectError, TCPTimedOutError, TimeoutError, ConnectionLost)


class AsyuraSpider(ArchiveSpider):
    """asyura2.com boards and posts; see the module docstring."""

    name = "asyura"
    site = "asyura"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Spider settings, then the Wayback Machine's download slots and Retry-After handling
        (cited pages whose origin is gone are fetched from the archive at its rate limits)."""
        super().update_settings(settings)
        configure_settings(settings)

    def __init__(
        self,
        *args: Any,
        board: str | None = None,
        since: str | None = None,
        until: str | None = None,
        pages: str | int | None = None,
        follow_citations: str | int = "1",
        follow_followups: str | int = "1",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        specs = word_list(board, "board") if board else (
            [] if self.start_urls_arg else list(DEFAULT_BOARDS))
        #: board codes whose current generation is read from the site top
        self.board_codes = [s for s in specs if is_board_code(s)]
        try:
            self.boards = [board_index_url(s) for s in specs if s not in self.board_codes]
        except ValueError as exc:
            raise SpiderArgumentError(str(exc)) from None
        self.since = day_arg(since, "since")
        self.until = day_arg(until, "until")
        if self.since and self.until and self.since > self.until:
            raise SpiderArgumentError(f"since ({since}) is after until ({until})")
        self.pages = int_arg(pages, "pages", minimum=1)
        self.follow_citations = flag_arg(follow_citations, "follow_citations", True)
        self.follow_followups = flag_arg(follow_followups, "follow_followups", True)

    # -- start -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.board_codes:
            yield scrapy.Request(SITE_TOP, callback=self.parse_top, errback=self.top_failed)
        for url in self.boards:
            yield scrapy.Request(url, callback=self.parse_index)
        for url in self.start_urls_arg:
            yield self.request_for(url)

    def request_for(self, url: str, **kwargs: Any) -> scrapy.Request:
        """Route a start URL: board index, message page, or anything else (a cited page)."""
        url = canonical_asyura(url)
        if INDEX_URL.match(url):
            return scrapy.Request(url, callback=self.parse_index, **kwargs)
        if MSG_URL.match(url):
            return scrapy.Request(url, callback=self.parse_post, **kwargs)
        return scrapy.Request(url, callback=self.parse_other, **kwargs)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Default callback: route by URL."""
        if INDEX_URL.match(canonical_asyura(response.url)):
            yield from self.parse_index(response)
        elif MSG_URL.match(canonical_asyura(response.url)):
            yield from self.parse_post(response)
        else:
            yield from self.parse_other(response)

    # -- date range ------------------------------------------------------------------------

    def in_range(self, day: date | None) -> bool:
        """Is a post of this (JST) day inside ``since``..``until``? Unknown days are."""
        if day is None:
            return True
        if self.since and day < self.since:
            return False
        return not (self.until and day > self.until)

    # -- callbacks -------------------------------------------------------------------------

    def parse_top(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """The site's top page: the current generation of each board code asked for."""
        found = top_page_generations(response.url, parse_html(response.text), self.board_codes) \
            if isinstance(response, TextResponse) else {}
        yield from self._board_requests(
            found,
            f"the site top ({response.url}) links no such board")

    def top_failed(self, failure: Failure) -> Iterator[Any]:
        """The site top could not be fetched: the newest known generations."""
        yield from self._board_requests({}, f"the site top could not be fetched "
                                            f"({failure.getErrorMessage()})")

    def _board_requests(self, found: dict[str, str], why: str) -> Iterator[scrapy.Request]:
        for code in self.board_codes:
            url = found.get(code)
            if url is None:
                url = newest_known(code)
                self.crawler.stats.inc_value("asyura/board_fallback")
                logger.warning("%s: board %s read at its newest known generation: %s", why,
                               code, url or "none known")
            if url is not None:
                yield scrapy.Request(url, callback=self.parse_index,
                                     meta={"start_request": True})

    def parse_index(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A board index page: its message rows (within the date range), then the next page."""
        if not is_html(response):
            return
        page = index_page_number(response.url) or 1
        item = self.page_item(response, kind="index", page=page)
        if item is not None:
            yield item
        assert isinstance(response, TextResponse)
        tree = parse_html(response.text)
        rows = parse_index(response.url, tree)
        older = False
        for row in rows:
            day = row.date.date() if row.date else None
            if day is not None and self.since and day < self.since:
                older = True
            if not self.in_range(day):
                continue
            if FOLLOW_URL.match(row.url):
                yield scrapy.Request(row.url, callback=self.parse_post)
        if older:
            logger.info("index %s reaches before %s: paging stops", response.url, self.since)
            return
        if self.pages is not None and page >= self.pages:
            return
        nxt = next_index_url(response.url, tree)
        if nxt and FOLLOW_URL.match(nxt):
            yield scrapy.Request(nxt, callback=self.parse_index)

    def parse_post(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A message page: the post (with its comments, follow-ups, citations), then the
        follow-up posts and the cited sources."""
        if not is_html(response):
            return
        assert isinstance(response, TextResponse)
        post = parse_post(response.url, parse_html(response.text))
        if post is None:
            item = self.page_item(response)
            if item is not None:
                yield item
            return
        day = date.fromisoformat(post.published[:10]) if post.published else None
        if not self.in_range(day):
            logger.info("post %s (%s) is outside the date range: not extracted",
                        response.url, post.published)
            return
        meta = post.meta()
        if meta["parent"] is None:
            meta["parent"] = response.meta.get("parent")
        item = self.page_item(response, **meta)
        if item is not None:
            yield item
        if self.follow_followups:
            for followup in post.followups:
                if FOLLOW_URL.match(followup.url):
                    yield scrapy.Request(followup.url, callback=self.parse_post,
                                         meta={"parent": post.url})
        if self.follow_citations:
            for cited in post.cites:
                yield self.cited_request(cited, post.url)

    def parse_other(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A start URL that is no asyura board or message page: archived and extracted by the
        rules of its own host."""
        item = self.page_item(response)
        if item is not None:
            if not is_asyura(response.url):
                item.site = None
            yield item

    # -- cited sources ---------------------------------------------------------------------

    def cited_request(self, original: str, cited_by: str) -> scrapy.Request:
        """The request for a cited original (Wayback fallback in :meth:`cited_failed`)."""
        return scrapy.Request(
            original,
            callback=self.parse_cited,
            errback=self.cited_failed,
            meta={"cited_by": cited_by, "original_url": original, "via": "origin"},
        )

    def parse_cited(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A cited document (from its origin or the Wayback Machine)."""
        item = self.page_item(
            response,
            cited_by=response.meta["cited_by"],
            original_url=response.meta["original_url"],
            via=response.meta["via"],
        )
        if item is not None:
            item.site = None  # the rules of the original's host (RT, ruvr...) take over
            yield item

    def cited_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """The origin failed: if it is gone, ask the Wayback Machine for a raw capture."""
        request = failure.request
        original = request.meta["original_url"]
        if failure.check(HttpError):
            status = failure.value.response.status
            gone = status in GONE_STATUSES or status >= 500
            why = f"HTTP {status}"
        else:
            gone = bool(failure.check(*_NETWORK_ERRORS))
            why = failure.type.__name__ if failure.type else "error"
        if request.meta.get("via") == "wayback" or not gone:
            logger.warning("cited %s not archived (%s, via %s)", original, why,
                           request.meta.get("via"))
            return
        logger.info("cited %s is gone (%s): trying the Wayback Machine", original, why)
        yield scrapy.Request(
            raw_capture_url(original),
            callback=self.parse_cited,
            errback=self.cited_failed,
            meta={
                "cited_by": request.meta["cited_by"],
                "original_url": original,
                "via": "wayback",
                **request_meta(raw_capture_url(original)),
            },
        )
