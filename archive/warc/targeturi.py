"""The WARC-Target-URI of the records the crawl writes *about* a page:
``urn:newsarchive:<kind>:<page URL>``.

Replay tools index every record that has a target URI and is not ``application/warc-fields``:
pywb's ``wb-manager add``, cdxj-indexer (and so py-wacz's WACZ index) and therefore
ReplayWeb.page. A ``metadata`` record whose target URI is the page's own URL is a capture of
that URL to them, and pywb served the crawl's JSON article summary instead of the page for
the latest capture (``id_/URL``) of every article, and for some at their own timestamp.

Browsertrix-crawler writes its records about a page under ``urn:pageinfo:<URL>`` and
``urn:text:<URL>``, brozzler (through warcprox) under ``screenshot:<URL>``: a URI no page
has, so no lookup of a page can find them. Ours follow the same form in a namespace of their
own::

    urn:newsarchive:article:https://example.com/story

(``metadata``, ``application/json``: the article summary of pipelines/crawl/textoutput.py). The
record still says which page it is about: WARC-Refers-To names the response record, the
JSON's ``url`` is the page URL, and :func:`page_url` takes the prefix off again. Records
written before, under the page URL itself, are read as before.

The crawl's fetch-error records (``application/warc-fields``, no response to refer to) keep
the URL that was asked for, as Heritrix's metadata records do: every indexer leaves
``application/warc-fields`` records out.
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
