"""Feeds, sitemaps and robots.txt, read without Scrapy: the one parser every spider uses.

:func:`xml_root` parses a document safely (gzip allowed; entities never expanded nor loaded);
:func:`root_kind` names its root (``rss``, ``rdf``, ``feed``, ``urlset``, ``sitemapindex``);
:func:`sitemap_urls` / :func:`sitemap_entries` read a sitemap's ``<loc>`` (with ``lastmod``);
:func:`feed_urls` / :func:`feed_items` read the items of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom
feed; :func:`robots_sitemaps` the ``Sitemap:`` lines of a robots.txt.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from lxml import etree

MAX_XML_BYTES = 50 * 1024 * 1024
_XML_PARSER_ARGS = {
    "recover": True,
    "resolve_entities": False,  # no entity expansion: billion laughs and XXE are inert
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
}
#: where a DOCTYPE with an internal subset is looked for (it precedes the root element)
_DOCTYPE_SCAN = 1 << 20
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.S | re.I)
#: root elements of feeds
FEED_KINDS = ("rss", "rdf", "feed")


def xml_root(body: bytes) -> etree._Element | None:
    """Parse an XML document safely (gzip-compressed allowed); None if it is not XML."""
    return xml_root_checked(body)[0]


def xml_root_checked(body: bytes) -> tuple[etree._Element | None, bool]:
    """(root or None, whether the document declared entities in a DTD internal subset).

    Entities are never expanded nor loaded (no billion laughs, no XXE: see
    ``_XML_PARSER_ARGS``). A document that declares them has its internal subset dropped
    before parsing, so that libxml2's amplification guard does not stop the parse half way
    and the rest of a sitemap or feed is still read; references to the dropped entities are
    left out of the text.
    """
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
                body = fh.read(MAX_XML_BYTES + 1)
        except (OSError, EOFError):
            return None, False
        if len(body) > MAX_XML_BYTES:
            return None, False
    if not body.lstrip()[:1] == b"<":
        return None, False
    declared = b"<!ENTITY" in body[:_DOCTYPE_SCAN]
    if declared:
        body = _INTERNAL_SUBSET.sub(b"", body[:_DOCTYPE_SCAN], count=1) + body[_DOCTYPE_SCAN:]
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_XML_PARSER_ARGS))
    except etree.XMLSyntaxError:
        return None, declared
    return root, declared


def local_name(tag: Any) -> str:
    """Lower-case local name of an element tag ('' for comments and processing instructions)."""
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def root_kind(root: etree._Element) -> str:
    """The root element's local name: ``rss``, ``rdf``, ``feed``, ``urlset``, ``sitemapindex``..."""
    return local_name(root.tag)


def sitemap_urls(root: etree._Element) -> tuple[str, list[str]]:
    """(``urlset`` | ``sitemapindex`` | '', the <loc> URLs)."""
    kind = local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return "", []
    locs = [
        (el.text or "").strip()
        for el in root.iter()
        if local_name(el.tag) == "loc" and (el.text or "").strip()
    ]
    return kind, locs


def sitemap_entries(root: etree._Element) -> tuple[str, list[dict[str, str]]]:
    """(``urlset`` | ``sitemapindex`` | '', entries with ``loc`` and ``lastmod`` if given)."""
    kind = local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return "", []
    entries = []
    for el in root:
        fields = {local_name(c.tag): (c.text or "").strip() for c in el if isinstance(c.tag, str)}
        if fields.get("loc"):
            entries.append(fields)
    return kind, entries


_Children = list[tuple[str, str, etree._Element]]


def _rss_items(root: etree._Element) -> Iterator[tuple[etree._Element, _Children]]:
    """Every ``<item>`` of an RSS / RDF feed with its children as (local name, stripped text,
    element): what :func:`feed_urls` and :func:`feed_items` choose from."""
    for item in root.iter():
        if local_name(item.tag) == "item":
            yield item, [(local_name(c.tag), (c.text or "").strip(), c) for c in item]


def feed_urls(root: etree._Element, base: str) -> list[str]:
    """Item URLs of an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom feed, in feed order: an item's
    ``<link>``, else its permalink ``<guid>``, else its ``rdf:about``."""
    kind = local_name(root.tag)
    urls: list[str] = []
    if kind in ("rss", "rdf"):
        for item, children in _rss_items(root):
            link = guid = None
            for name, text, child in children:
                if name == "link" and text:
                    link = text
                elif name == "guid" and child.get("isPermaLink", "true") != "false":
                    guid = text or None
            about = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
            url = link or (guid if guid and guid.startswith("http") else None) or about
            if url:
                urls.append(urljoin(base, url))
    elif kind == "feed":
        for entry in root.iter():
            if local_name(entry.tag) != "entry":
                continue
            for child in entry:
                if local_name(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    if child.get("href"):
                        urls.append(urljoin(base, child.get("href")))
                        break
    return urls


def feed_items(root: etree._Element, base: str) -> list[dict[str, str]]:
    """Items of an RSS 2.0 / RDF feed: ``url`` (the ``<guid>`` when it is a permalink URL,
    else ``<link>``), ``link``, ``guid``, ``pubDate`` (raw) - in feed order."""
    items: list[dict[str, str]] = []
    for _item, children in _rss_items(root):
        fields: dict[str, str] = {}
        for name, text, child in children:
            if name == "guid":
                if child.get("isPermaLink", "true").lower() != "false" and text.startswith(
                    ("http://", "https://")
                ):
                    fields["guid"] = text
            elif name in ("link", "pubdate") and text:
                fields["pubDate" if name == "pubdate" else "link"] = text
        url = fields.get("guid") or fields.get("link")
        if url:
            items.append({**fields, "url": urljoin(base, url)})
    return items


def robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return found
