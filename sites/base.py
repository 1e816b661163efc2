"""What a site's extraction rules look like, and the helpers they share.

A site module (``sites/rt.py``...) defines one :class:`SiteRules` subclass per layout era and
registers the site with :func:`sites.register`. The extractor asks the registry for the rules
of a URL, then :meth:`SiteRules.for_page` picks the era whose :meth:`SiteRules.applies` matches
the parsed page (newest era first, as Fundus does with date-versioned parsers).

Declarative parts (class attributes): hosts, body container selectors, noise selectors,
title/author/date selectors, language and time zone. Methods can be overridden where a site
needs code (asyura's text-only headers, Newsweek Japan's pagination). A site module's
``CHROME_STRINGS``/``CHROME_LINES``/``CHROME_ENDS`` (its known chrome, as text) are applied by
the extractor wherever they sit: through :attr:`SiteRules.clean_chrome` and on the text.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector
from lxml.etree import _Element

from sites.dates import normalise_datetime
from sites.urls import fast_link, url_origin

BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li blockquote pre table tr dd dt figcaption section article "
    "header footer ul ol dl aside main center".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
SPACE_RUNS = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_WS = SPACE_RUNS


@dataclass
class SiteExtraction:
    """What site rules found on a page. ``text`` empty means "nothing found: fall back"."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class SiteRules:
    """Rules for one site in one layout era. Subclass per era; see the module docstring."""

    name: ClassVar[str] = ""
    era: ClassVar[str] = ""
    hosts: ClassVar[tuple[str, ...]] = ()  #: exact host names (``www.`` and bare both listed)
    language: ClassVar[str | None] = None
    timezone: ClassVar[str | None] = None  #: offset for naive dates, e.g. ``+09:00``
    body: ClassVar[tuple[str, ...]] = ()  #: CSS selectors; every match, in document order
    noise: ClassVar[tuple[str, ...]] = ()  #: CSS selectors removed before reading the body
    title_selectors: ClassVar[tuple[str, ...]] = ("meta[property='og:title']", "h1", "title")
    author_selectors: ClassVar[tuple[str, ...]] = ("meta[name='author']",)
    date_selectors: ClassVar[tuple[str, ...]] = (
        "meta[property='article:published_time']",
        "time[datetime]",
    )
    #: selector whose presence marks this era (None: matches any page of the site)
    marker: ClassVar[str | None] = None
    #: may the extractor fill a missing author from JSON-LD / trafilatura / ``meta[name=author]``?
    #: False where those only name the publisher (RT's JSON-LD author is Organization "RT").
    author_fallback: ClassVar[bool] = True
    #: set by the extractor on its instance: removes the site's known chrome from a tree by
    #: text (``pipelines.extract.sitechrome``), run after the noise selectors
    clean_chrome: Callable[[_Element], object] | None = None

    # -- choosing rules --------------------------------------------------------------------

    @classmethod
    def label(cls) -> str:
        """``name/era`` as logged and written as the extraction method."""
        return f"{cls.name}/{cls.era}" if cls.era else cls.name

    def applies(self, url: str, tree: _Element) -> bool:
        """Does this era's layout match the page? Default: the marker selector is present."""
        return self.marker is None or bool(select(tree, self.marker))

    def is_article(self, url: str, tree: _Element) -> bool:
        """Is the page an article? Default: a body container is present, or the page says it
        is one (``og:type=article``, a JSON-LD article) when the markup drifted away from the
        body selectors: the extractor then reads it with trafilatura and the site's chrome."""
        return bool(self.body_elements(tree)) or article_signal(tree)

    # -- reading ---------------------------------------------------------------------------

    def body_elements(self, tree: _Element) -> list[_Element]:
        """Every element matched by the body selectors, outermost only, in document order."""
        found: list[_Element] = []
        for selector in self.body:
            found.extend(select(tree, selector))
        outer = [el for el in found if not any(a in found for a in el.iterancestors())]
        order = {el: i for i, el in enumerate(tree.iter())}
        return sorted(set(outer), key=lambda el: order.get(el, 0))

    def remove_noise(self, tree: _Element, chrome: bool = True) -> None:
        """Drop every noise element (in place), keeping the text that follows it; then (unless
        ``chrome`` is False) the site's known chrome by text (:attr:`clean_chrome`), wherever
        it sits."""
        for selector in self.noise:
            for el in select(tree, selector):
                drop(el)
        if chrome and self.clean_chrome is not None:
            self.clean_chrome(tree)

    def extract(self, url: str, tree: _Element) -> SiteExtraction | None:
        """Read the article. ``tree`` is this call's own copy: modify it freely."""
        if not self.is_article(url, tree):
            return None
        title = self.title(tree)
        author = self.author(tree)
        published = self.published(url, tree)
        canonical = self.canonical_url(url, tree)
        self.remove_noise(tree)
        text = "\n".join(block_text(el) for el in self.body_elements(tree)).strip()
        return SiteExtraction(
            text=text,
            title=title,
            author=author,
            published=published,
            canonical_url=canonical,
            language=self.language,
        )

    def title(self, tree: _Element) -> str | None:
        return first_text(tree, self.title_selectors)

    def author(self, tree: _Element) -> str | None:
        return first_text(tree, self.author_selectors)

    def published(self, url: str, tree: _Element) -> str | None:
        raw = first_text(tree, self.date_selectors, prefer_attr=("datetime", "content"))
        return normalise_datetime(raw, self.timezone) if raw else None

    def canonical_url(self, url: str, tree: _Element) -> str | None:
        return canonical_url(url, tree)

    def lead(self, tree: _Element) -> str | None:
        """The standfirst printed above the body, for a fallback that reads the page with
        trafilatura (which often drops it); None: the site has none or it is not found."""
        return None

    def next_page(self, url: str, tree: _Element) -> str | None:
        """URL of the next page of a multi-page article, or None."""
        return None


# -- helpers shared by site modules and the generic extractor -------------------------------


def parse_html(html: str) -> _Element:
    """Parse decoded HTML leniently (never raises on broken markup; empty input gives <html/>)."""
    html = html.replace("\x00", "")
    if not html.strip():
        return lxml_html.fromstring("<html></html>")
    # lxml rejects str input that carries an XML encoding declaration
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml_html.document_fromstring(html)
    except Exception:  # lxml.etree.ParserError on documents with no element
        return lxml_html.fromstring("<html></html>")


@functools.lru_cache(maxsize=1024)
def css(selector: str) -> CSSSelector:
    """The compiled form of a CSS selector, compiled once per process (``tree.cssselect(s)``
    translates ``s`` to XPath on every call, a measurable share of extracting a page)."""
    return CSSSelector(selector, translator="html")


def select(tree: _Element, selector: str) -> list[_Element]:
    """``tree.cssselect(selector)`` with the selector compiled once."""
    return css(selector)(tree)


def copy_tree(tree: _Element) -> _Element:
    """A deep copy, for rules that modify the tree."""
    return copy.deepcopy(tree)


def drop(el: _Element) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    parent.remove(el)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


#: the characters of ``SPACE_RUNS`` other than the space
OTHER_SPACES = "\t\r\f\v\u00a0\u3000"


def collapse_spaces(text: str) -> str:
    """``SPACE_RUNS.sub(" ", text)``: every run of spaces (ASCII, NBSP, ideographic) as one
    space. On long texts (a page body's ``text_content()``, tens of KB) ``str.replace`` passes
    give the same string ten times faster than the regex's character-by-character scan: each
    other space character becomes a space, then double spaces are halved until none is left."""
    if len(text) < 256:
        return _WS.sub(" ", text)
    for char in OTHER_SPACES:
        if char in text:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def clean_ws(text: str) -> str:
    """Collapse runs of spaces (ASCII, NBSP, ideographic) to one and strip."""
    return collapse_spaces(text).strip()


def block_text(root: _Element) -> str:
    """Text of an element as paragraphs: one line per block element or ``<br>``-separated line.

    Scripts, styles, comments and forms are skipped; whitespace is collapsed inside lines;
    empty lines dropped.
    """
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = clean_ws("".join(buf))
        if line:
            lines.append(line)
        buf.clear()

    def walk(el: _Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript", "form", "button", "select", "template"):
            return
        if not tag:  # comment or processing instruction: skip it, keep its tail
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        elif el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                buf.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return "\n".join(lines)


def first_text(
    tree: _Element, selectors: tuple[str, ...], prefer_attr: tuple[str, ...] = ("content",)
) -> str | None:
    """Text (or ``content``/``datetime`` attribute) of the first selector that matches."""
    for selector in selectors:
        value = first_value(select(tree, selector), prefer_attr)
        if value is not None:
            return value
    return None


def first_value(elements: Iterable[_Element], prefer_attr: tuple[str, ...] = ("content",)
                ) -> str | None:
    """:func:`first_text` over elements already selected (document order): the first
    non-blank ``prefer_attr`` attribute, else the text of an element other than ``meta``."""
    for el in elements:
        for attr in prefer_attr:
            value = el.get(attr)
            if value and value.strip():
                return clean_ws(value)
        if el.tag == "meta":
            continue
        text = clean_ws(el.text_content())
        if text:
            return text
    return None


def canonical_url(url: str, tree: _Element,
                  candidates: list[_Element] | None = None) -> str | None:
    """``<link rel=canonical>``, else ``og:url``, made absolute (http and https only).
    ``candidates``: those elements, in document order, when the caller has them already."""
    if candidates is None:
        candidates = select(tree, "link[rel='canonical'], meta[property='og:url']")
    for el in candidates:
        value = (el.get("href") or el.get("content") or "").strip()
        if value:
            # a plain absolute or root-relative value without fragment: what urljoin gives,
            # without urllib (fast_link drops fragments, which a canonical URL keeps)
            absolute = fast_link(url_origin(url), value) if "#" not in value else None
            if absolute is not None:
                return absolute
            absolute = urljoin(url, value)
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return None


def json_ld(tree: _Element, scripts: list[_Element] | None = None) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page (``@graph`` flattened); invalid blocks are skipped.
    ``scripts``: the ``application/ld+json`` scripts, when the caller has them already."""
    out: list[dict[str, Any]] = []
    if scripts is None:
        scripts = select(tree, "script[type='application/ld+json']")
    for script in scripts:
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, dict):
                out.append(obj)
                graph = obj.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
    return out


#: JSON-LD types of an article (``NewsArticle`` and its kin)
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "OpinionNewsArticle",
                           "AnalysisNewsArticle", "BlogPosting", "Report"})


def article_signal(tree: _Element) -> bool:
    """Whether the page declares itself an article: ``og:type=article`` or a JSON-LD object
    of an article type."""
    for el in select(tree, "meta[property='og:type'], meta[name='og:type']"):
        if (el.get("content") or el.get("value") or "").strip().lower() == "article":
            return True
    for obj in json_ld(tree):
        types = obj.get("@type")
        if set(types if isinstance(types, list) else [types]) & ARTICLE_TYPES:
            return True
    return False


def iso_now() -> str:
    """Current time, ISO 8601 with offset (for run timestamps)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")
