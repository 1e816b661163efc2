"""Archived HTML pages: from a WARC record to the page item a crawl would have made.

More: docs/modules.md, ``crawler/pages.py``.
"""

from __future__ import annotations

import os
from typing import Any

import sites
from archive.warc.writer import RecordPointer
from pipelines.extract.items import PageItem
from sites.base import SiteRules, clean_ws, parse_html


def pointer_dict(filename: str | os.PathLike[str], offset: int, length: int,
                 record: Any) -> dict[str, Any]:
    """The ``RecordPointer.to_dict()`` of a record read at ``offset``/``length`` of a file.

    ``filename`` may be a path; its base name is used, as the crawl does.
    """
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI") or ""
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    return RecordPointer(
        filename=os.path.basename(os.fspath(filename)),
        offset=offset,
        length=length,
        record_id=headers.get_header("WARC-Record-ID") or "",
        warc_type=record.rec_type,
        target_uri=target,
        warc_date=headers.get_header("WARC-Date") or "",
        payload_digest=headers.get_header("WARC-Payload-Digest"),
    ).to_dict()


def http_status(record: Any) -> int | None:
    """The HTTP status code of a response or revisit record, or None."""
    http = getattr(record, "http_headers", None)
    if http is None:
        return None
    try:
        return int(http.get_statuscode())
    except (TypeError, ValueError):
        return None


def page_item(record: Any, url: str | None = None, *, site: str | None = None
              ) -> PageItem | None:
    """The page item of an HTML response record, exactly as a live crawl built it.

    Returns None for records that are not HTML (or carry no HTTP response); raises on records
    that cannot be parsed (a bad status line, a body that does not decompress).
    """
    # lazy: Scrapy is loaded when a page is first built, so that replay starts without it
    from crawler.responses import build_response
    from crawler.spiders.base import page_item_from_response

    target = url or record.rec_headers.get_header("WARC-Target-URI") or ""
    target = target.strip("<>")
    http = record.http_headers
    if http is None:
        return None
    body = record.raw_stream.read()
    status = http_status(record)
    if status is None:
        raise ValueError(f"bad HTTP status line {http.statusline!r}")
    response = build_response(
        target, status, list(http.headers), body, flags=["warc-replay"],
        protocol=http.protocol or None,
    )
    return page_item_from_response(response, site)


def pagination(url: str, html: str, site: str | None = None) -> tuple[str | None, bool]:
    """``(next page URL or None, is this page a continuation?)`` by the page's site rules."""
    tree = parse_html(html)
    rules = sites.rules_for(url, tree, site)
    if rules is None:
        return None, False
    # only an article has further pages (a paged listing is not a multi-page article)
    nxt = rules.next_page(url, tree) if rules.is_article(url, tree) else None
    hook = getattr(rules, "is_continuation", None)
    continuation = bool(hook(url, tree)) if callable(hook) else False
    return nxt, continuation


def site_paginates(url: str, site: str | None = None) -> bool:
    """Whether the site rules for ``url`` can name a next page or a continuation.

    True when some era of the URL's site overrides ``SiteRules.next_page`` or has an
    ``is_continuation`` method; False for sites without rules, so replay parses only the
    pages that can belong to a multi-page article. (When the rules registry cannot be
    inspected, every page of a site with rules counts.)
    """
    name = site or sites.site_for_url(url)
    if not name:
        return False
    registry = getattr(sites, "_REGISTRY", None)
    if not isinstance(registry, dict):
        return True
    eras = registry.get(name, [])
    return any(
        era.next_page is not SiteRules.next_page or hasattr(era, "is_continuation")
        for era in eras
    )


def html_title(html: str) -> str | None:
    """The page's ``<title>`` text, whitespace collapsed, or None."""

    tree = parse_html(html)
    for el in tree.iter("title"):
        text = clean_ws(el.text_content())
        if text:
            return text
    return None
