"""The WARC-Target-URI of the records the crawl writes *about* a page:
``urn:newsarchive:<kind>:<page URL>``.

Replay tools index every record that has a target URI and is not ``application/warc-fields``:
pywb's ``wb-manager add``, cdxj-indexer (and so py-wacz's WACZ index) and therefore
ReplayWeb.page. A ``metadata`` record whose target URI is the page's own URL is a capture of
that URL to them, and pywb served the crawl's JSON article summary instead of the page for
the latest capture (``id_/URL``) of every article, and for some at their own timestamp.

More: docs/modules.md, ``archive/warc/targeturi.py``.
"""

from __future__ import annotations

PREFIX = "urn:newsarchive:"
#: kind of the article summary records (pipelines/crawl/textoutput.py)
ARTICLE = "article"


def about(kind: str, url: str) -> str:
    """The target URI of a record of ``kind`` about the page ``url``."""
    if not kind or ":" in kind:
        raise ValueError(f"bad record kind {kind!r}")
    return f"{PREFIX}{kind}:{url}"


def page_url(target_uri: str) -> str:
    """The page a target URI is about: the URL inside ``urn:newsarchive:<kind>:``, else the
    target URI itself."""
    if target_uri.startswith(PREFIX):
        kind, sep, url = target_uri[len(PREFIX):].partition(":")
        if kind and sep and url:
            return url
    return target_uri
