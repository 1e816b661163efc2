"""The links of an HTML page that the generic spider may follow, extracted fast.

Scrapy's ``LinkExtractor`` costs a few milliseconds per news page (it joins every href with
``urljoin``, collects each link's text, and tests every URL against ~100 extensions one by
one), which made it the largest single cost of a crawl's reactor thread. :func:`page_links`
gives the same URLs the way the generic spider used them (``unique=True``, no link text, no
``restrict_xpaths``): ``<a href>`` and ``<area href>`` in document order, HTML whitespace
stripped, made absolute against the page's base URL (``<base href>`` honoured), made safe by
w3lib's ``safe_url_string`` like Scrapy does, fragments dropped, only http(s), and none
ending in one of the skipped extensions. It reuses the parse Scrapy already made of the
response (``response.selector``).
"""

from __future__ import annotations

import re

from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.response import get_base_url
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from sites.urls import absolute_link, fast_link, url_origin

#: documents a news archive wants even though they are not HTML (archived, never extracted)
DOCUMENT_EXTENSIONS = frozenset({"pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods",
                                 "ppt", "pptx", "odp"})
#: what links are never followed for: media, archives, executables (Scrapy's list minus the
#: documents above)
SKIP_EXTENSIONS = tuple(sorted(e for e in IGNORED_EXTENSIONS if e not in DOCUMENT_EXTENSIONS))
_SKIP_SUFFIXES = tuple("." + e for e in SKIP_EXTENSIONS)


def _path_lower(url: str) -> str:
    """The lower-cased path of an absolute URL without fragment."""
    start = url.find("/", url.find("//") + 2)
    if start == -1:
        return ""
    end = url.find("?", start)
    return (url[start:] if end == -1 else url[start:end]).lower()


#: characters safe_url_string would percent-encode (non-ASCII, controls, space, "<>`{}|\^)
_UNSAFE = re.compile(r'[^\x21-\x7e]|["<>`{}|\\^]')


def page_links(response: TextResponse,
               skip_suffixes: tuple[str, ...] = _SKIP_SUFFIXES) -> list[str]:
    """Absolute http(s) URLs of the page's links, first occurrence order; see the docstring."""
    base = get_base_url(response)
    origin = url_origin(base)
    resolved: dict[str, str | None] = {}
    seen: dict[str, None] = {}
    for element in response.selector.root.iter("a", "area"):  # document order
        raw = element.get("href")
        if raw is None:
            continue
        href = strip_html5_whitespace(raw)
        if href in resolved:
            continue
        target = fast_link(origin, href) or absolute_link(base, href)
        if target is not None and _UNSAFE.search(target):
            try:
                target = safe_url_string(target, encoding=response.encoding)
            except ValueError:
                target = None
        resolved[href] = target
        if target is None or _path_lower(target).endswith(skip_suffixes):
            continue
        seen.setdefault(target, None)
    return list(seen)
