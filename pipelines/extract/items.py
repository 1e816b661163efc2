"""Items that flow from spiders to the pipelines.

A spider yields one :class:`PageItem` per HTML page it fetched (listing or article: the spider
need not know). The extraction pipeline decides whether the page is an article and fills
:attr:`PageItem.article`; the text pipeline writes the outputs. Replay builds the same items
from WARC records, so both paths share everything after the spider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PagePart:
    """One more page of a multi-page article (page 2, 3, ... in order)."""

    url: str
    html: str = field(repr=False)
    warc: dict[str, Any] | None = None
    status: str = "ok"  #: ``ok``, ``missing`` (4xx/5xx or not fetched) or ``paywalled``


@dataclass
class PageItem:
    """An HTML page as archived: decoded once, with the pointer to its WARC record."""

    url: str  #: final URL of the response (after redirects)
    #: body decoded with Scrapy's rules (BOM, HTTP charset, <meta>, detection); left out of
    #: the item's repr, so that no log line ever carries a whole page
    html: str = field(repr=False)
    status: int = 200
    encoding: str | None = None
    warc: dict[str, Any] | None = None  #: RecordPointer.to_dict() of the response record
    site: str | None = None  #: name of the site rules to use (None: choose by URL)
    meta: dict[str, Any] = field(default_factory=dict)  #: spider-specific facts, copied out
    parts: list[PagePart] = field(default_factory=list)  #: pages 2..n of a multi-page article
    article: dict[str, Any] | None = field(default=None, repr=False)  #: set by extraction
    extraction: dict[str, Any] = field(default_factory=dict)  #: method, reason, timings
