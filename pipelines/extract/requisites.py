"""Page requisites: what a browser fetches to show a page as it looked.

Found in a page's parsed HTML (:func:`page_requisites`, run by the extractor on the tree it
parses anyway) and in a stylesheet's text (:func:`css_requisites`): stylesheets, scripts,
images (every ``srcset`` candidate, lazy-loading ``data-`` forms), icons, fonts, and what
stylesheets ``@import`` and ``url()``. Requested and archived by
:mod:`pipelines.crawl.requisitefetch`. No Scrapy here: the extraction workers and ``archive
replay`` import this module. What counts and what does not: docs/requisites.md.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit, urlunsplit

#: request.meta key of a requisite request: ``{"page": URL, "kind": KIND, "depth": n}``
META_REQUISITE = "requisite"

STYLESHEET = "stylesheet"
SCRIPT = "script"
IMAGE = "image"
ICON = "icon"
FONT = "font"
KINDS = (STYLESHEET, SCRIPT, IMAGE, ICON, FONT)

_ICON_RELS = frozenset({"icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
                        "mask-icon"})
_PRELOAD_AS = {"style": STYLESHEET, "script": SCRIPT, "font": FONT, "image": IMAGE}
_BACKGROUND_TAGS = frozenset({"body", "table", "tr", "td", "th"})
_SKIP_SCHEMES = ("data:", "javascript:", "blob:", "about:", "mailto:", "tel:")
#: HTML's whitespace (what ``strip_html5_whitespace`` strips)
_HTML_SPACE = " \t\n\r\f"

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_STRING = r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'"
_CSS_IMPORT = re.compile(
    r"@import\s+(?:url\(\s*(?:" + _CSS_STRING + r"|([^)\s\"']*))\s*\)|" + _CSS_STRING + ")",
    re.I)
_CSS_URL = re.compile(r"(?<![\w-])url\(\s*(?:" + _CSS_STRING + r"|([^)\s\"']*))\s*\)", re.I)
_CSS_IMAGE_SET = re.compile(r"(?:-webkit-)?image-set\(((?:[^()]|\([^()]*\))*)\)", re.I)
_CSS_QUOTED = re.compile(_CSS_STRING)
_CSS_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)", re.S)
_CSS_CHARSET = re.compile(rb'@charset "([A-Za-z0-9_.:-]{1,40})";')


class Requisite(NamedTuple):
    """One requisite: its absolute URL and what it is (one of :data:`KINDS`)."""

    url: str
    kind: str


def is_enabled(settings: Any) -> bool:
    """Are requisites requested in a crawl with these Scrapy settings? ``REQUISITES_ENABLED``
    [True], and only when the crawl archives (``WARC_ENABLED``). Under ``WARC_REPLAY`` they
    are requested as live and served from the archive, like every request of a replay."""
    return settings.getbool("REQUISITES_ENABLED", True) and settings.getbool("WARC_ENABLED", True)


def resolve(base: str, raw: str | None) -> str | None:
    """The absolute http(s) URL ``raw`` names on a document at ``base``, without fragment;
    None for an empty value, a ``data:`` (and the like) URI, or another scheme."""
    if raw is None:
        return None
    ref = raw.strip(_HTML_SPACE)
    if not ref or ref.startswith("#") or ref[:11].lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        parts = urlsplit(urljoin(base, ref))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit(parts._replace(fragment=""))


def srcset_urls(value: str | None) -> list[str]:
    """The URLs of a ``srcset`` attribute, in order (HTML's candidate-string parsing: a URL
    may contain commas, descriptors may contain parenthesised commas)."""
    urls: list[str] = []
    if not value:
        return urls
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and (value[pos] in _HTML_SPACE or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and value[pos] not in _HTML_SPACE:
            pos += 1
        url = value[start:pos]
        if not url:
            break
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip the descriptors, up to a comma outside parentheses
            depth = 0
            while pos < end:
                ch = value[pos]
                if ch == "(":
                    depth += 1
                elif ch == ")" and depth:
                    depth -= 1
                elif ch == "," and not depth:
                    pos += 1
                    break
                pos += 1
        if url:
            urls.append(url)
    return urls


def _unescape_css(value: str) -> str:
    """CSS escapes resolved: ``\\`` + 1-6 hex digits (and one optional space) is that code
    point, ``\\`` + newline nothing, ``\\`` + another character that character."""
    def one(m: re.Match[str]) -> str:
        text = m.group(1)
        if text[0] in "0123456789abcdefABCDEF":
            code = int(text.strip(), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return "" if text == "\n" else text

    return _CSS_ESCAPE.sub(one, value) if "\\" in value else value


def _first(groups: Iterable[str | None]) -> str:
    return next((g for g in groups if g is not None), "")


def css_references(text: str) -> Iterator[tuple[str, str]]:
    """(reference as written, kind) of every ``@import``, ``url()`` and ``image-set()``
    string in a stylesheet's text, in order."""
    text = _CSS_COMMENT.sub(" ", text)
    fonts = [m.span() for m in _CSS_FONT_FACE.finditer(text)]
    imports = []
    for m in _CSS_IMPORT.finditer(text):
        imports.append(m.span())
        yield _unescape_css(_first(m.groups())), STYLESHEET
    found: list[tuple[int, str, str]] = []
    for m in _CSS_URL.finditer(text):
        if any(a <= m.start() < b for a, b in imports):
            continue
        kind = FONT if any(a <= m.start() < b for a, b in fonts) else IMAGE
        found.append((m.start(), _unescape_css(_first(m.groups())), kind))
    for m in _CSS_IMAGE_SET.finditer(text):
        for q in _CSS_QUOTED.finditer(m.group(1)):
            found.append((m.start(1) + q.start(), _unescape_css(_first(q.groups())), IMAGE))
    for _, ref, kind in sorted(found, key=lambda f: f[0]):
        yield ref, kind


def css_requisites(base: str, text: str) -> list[Requisite]:
    """The requisites of a stylesheet (or ``<style>`` text, or a ``style`` attribute) found at
    ``base``: each URL once, in order."""
    return _unique(Requisite(url, kind) for ref, kind in css_references(text)
                   if (url := resolve(base, ref)) is not None)


def decode_css(body: bytes, charset: str | None = None) -> str:
    """A stylesheet's text, decoded as CSS says: a BOM, else the HTTP charset, else its
    ``@charset`` rule, else UTF-8 (undecodable bytes replaced: only URLs are read)."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace")
    names = [charset]
    m = _CSS_CHARSET.match(body)
    if m:
        names.append(m.group(1).decode("ascii"))
    for name in names:
        if not name:
            continue
        try:
            return body.decode(name, "replace")
        except LookupError:
            continue
    return body.decode("utf-8", "replace")


def page_requisites(url: str, tree: Any) -> list[Requisite]:
    """The requisites of the HTML page at ``url`` from its parsed tree (lxml; not modified):
    see the module docstring."""
    base = url
    for el in tree.iter("base"):
        href = el.get("href")
        if href and (resolved := resolve(url, href)) is not None:
            base = resolved
            break
    found: list[Requisite] = []

    def add(raw: str | None, kind: str) -> None:
        target = resolve(base, raw)
        if target is not None:
            found.append(Requisite(target, kind))

    for el in tree.iter("link", "script", "img", "source", "input", "video", "style",
                        *_BACKGROUND_TAGS):
        tag = el.tag
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            if STYLESHEET in rels:
                add(el.get("href"), STYLESHEET)
            elif rels & _ICON_RELS:
                add(el.get("href"), ICON)
            elif rels & {"preload", "modulepreload"}:
                kind = SCRIPT if "modulepreload" in rels else \
                    _PRELOAD_AS.get((el.get("as") or "").strip().lower())
                if kind is not None:
                    add(el.get("href"), kind)
                    if kind == IMAGE:
                        for candidate in srcset_urls(el.get("imagesrcset")):
                            add(candidate, IMAGE)
        elif tag == "script":
            add(el.get("src"), SCRIPT)
        elif tag == "img":
            for attr in ("src", "data-src"):
                add(el.get(attr), IMAGE)
            for attr in ("srcset", "data-srcset"):
                for candidate in srcset_urls(el.get(attr)):
                    add(candidate, IMAGE)
        elif tag == "source":
            parent = el.getparent()
            if parent is not None and parent.tag == "picture":
                for attr in ("srcset", "data-srcset"):
                    for candidate in srcset_urls(el.get(attr)):
                        add(candidate, IMAGE)
        elif tag == "input":
            if (el.get("type") or "").strip().lower() == "image":
                add(el.get("src"), IMAGE)
        elif tag == "video":
            add(el.get("poster"), IMAGE)
        elif tag == "style":
            found.extend(css_requisites(base, el.text or ""))
        else:
            add(el.get("background"), IMAGE)
    for el in tree.xpath("//*[@style]"):
        style = el.get("style") or ""
        if "url(" in style.lower() or "image-set" in style.lower():
            found.extend(css_requisites(base, style))
    own = urlunsplit(urlsplit(url)._replace(fragment="")) if "#" in url else url
    found = [r for r in found if r.url != own and not _is_root(r.url)]
    found.sort(key=lambda r: r.kind != STYLESHEET)  # stable: document order otherwise
    return _unique(found)


def _is_root(url: str) -> bool:
    """``scheme://host[:port]/``, nothing more."""
    return url.count("/") == 3 and url.endswith("/")


def _unique(requisites: Iterable[Requisite]) -> list[Requisite]:
    seen: dict[str, Requisite] = {}
    for requisite in requisites:
        seen.setdefault(requisite.url, requisite)
    return list(seen.values())
